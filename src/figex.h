/*
 * figex.h: the public interface of libfigex.
 *
 * figex pulls the facts journalists cite out of English prose: agencies,
 * officials, dates and statistics.  Each fact becomes one row with exact
 * provenance (byte offsets, line, column, the rule that made it).
 *
 * The pipeline is push-driven:
 *
 *     fx_ruleset_load()            rule files -> compiled, immutable ruleset
 *     fx_engine_new()              one engine per stream, bound to a sink
 *       fx_engine_begin(name)      start a document
 *       fx_engine_feed(buf, len)   any number of times, any chunk sizes
 *       fx_engine_finish()         end the document, flush its rows
 *
 * Rows reach the sink in input order.  The output does not depend on how
 * the input was cut into chunks.
 *
 * If it is not in this header, it is not API.
 */
#ifndef FIGEX_H
#define FIGEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FIGEX_BUILDING) && defined(__GNUC__)
#define FX_API __attribute__((visibility("default")))
#else
#define FX_API
#endif

#define FIGEX_VERSION "0.1.0"

/* Status codes returned by every library call.  0 is success. */
typedef enum {
    FX_OK = 0,
    FX_ERR_NOMEM,   /* out of memory */
    FX_ERR_IO,      /* reading or writing failed */
    FX_ERR_RULES,   /* the rule files are invalid (diagnostics say why) */
    FX_ERR_INPUT,   /* the input cannot be processed */
    FX_ERR_USAGE,   /* the call was made with invalid arguments */
    FX_ERR_SINK     /* the sink refused a row */
} fx_status;

/* Fixed English text for a status code; never NULL, never freed. */
FX_API const char *fx_status_str(fx_status status);

/* ---- Diagnostics -------------------------------------------------------- */

typedef enum { FX_SEV_ERROR, FX_SEV_WARNING } fx_severity;

/*
 * One problem found while loading rules or scanning text.  `line` and `col`
 * are 1-based (col counts characters) and 0 when unknown; `offset` is the
 * byte offset in the input for problems found in text (else 0).
 * `source_line` is the offending line without its newline, or NULL, and
 * `span` the number of characters to underline from `col` (at least 1).
 * All pointers are borrowed for the duration of the callback.
 */
typedef struct {
    fx_severity severity;
    const char *file;
    unsigned line;
    unsigned col;
    uint64_t offset;
    const char *message;
    const char *source_line;
    unsigned span;
} fx_diag;

typedef void (*fx_diag_fn)(const fx_diag *diag, void *payload);

/* ---- Types of facts ----------------------------------------------------- */

typedef enum {
    FX_TYPE_AGENCY = 0,
    FX_TYPE_OFFICIAL,
    FX_TYPE_DATE,
    FX_TYPE_STATISTIC,
    FX_TYPE_IGNORE, /* claims a span so that no date or statistic is made */
    FX_TYPE_COUNT
} fx_type;

/* Name of a type ("agency", ...); NULL for an invalid value. */
FX_API const char *fx_type_name(fx_type type);

/* Parse a type name; returns 0 on success, -1 for an unknown name. */
FX_API int fx_type_from_name(const char *name, fx_type *out);

/* ---- Rows --------------------------------------------------------------- */

/*
 * The row schema.  Columns are only ever added at the end; none is renamed
 * or reordered, because users' spreadsheets depend on them.
 */
typedef enum {
    FX_COL_SOURCE = 0,
    FX_COL_START_BYTE,
    FX_COL_END_BYTE,
    FX_COL_LINE,
    FX_COL_COLUMN,
    FX_COL_TYPE,
    FX_COL_TEXT,
    FX_COL_VALUE,
    FX_COL_LOW,
    FX_COL_HIGH,
    FX_COL_UNIT,
    FX_COL_QUALIFIER,
    FX_COL_PRECISION,
    FX_COL_ACRONYM,
    FX_COL_TITLE,
    FX_COL_AS_OF,
    FX_COL_AGENCY,
    FX_COL_RULE,
    FX_COL_RULE_SOURCE,
    FX_COL_COUNT
} fx_column;

/* Header name of a column ("source", "start_byte", ...). */
FX_API const char *fx_column_name(fx_column col);

/*
 * One extracted fact.  String fields are never NULL ("" when empty) and are
 * valid UTF-8.  Offsets are half-open byte offsets from the start of the
 * document; line and column are 1-based, the column counted in characters.
 * A row passed to a sink is borrowed: it is valid only until the callback
 * returns, so a sink that keeps it must copy it.
 */
typedef struct {
    const char *source;
    uint64_t start_byte;
    uint64_t end_byte;
    uint64_t line;
    uint64_t column;
    fx_type type;
    const char *text;
    const char *value;
    const char *low;
    const char *high;
    const char *unit;
    const char *qualifier;
    const char *precision;
    const char *acronym;
    const char *title;
    const char *as_of;
    const char *agency;
    const char *rule;
    const char *rule_source;
} fx_row;

/* Size of the scratch buffer fx_row_cell() needs for numeric columns. */
#define FX_CELL_BUF 24

/*
 * The text of one column of a row, as the emitters write it.  Numeric
 * columns are formatted into `buf`; other columns return the row's own
 * string.  The result is borrowed from the row or from `buf`.
 */
FX_API const char *fx_row_cell(const fx_row *row, fx_column col,
                               char buf[FX_CELL_BUF]);

/* ---- Sinks -------------------------------------------------------------- */

/*
 * Where rows go.  The engine calls `row` for each row in input order; the
 * caller calls `begin` once before the first document and `finish` once
 * after the last.  Each callback returns FX_OK or an error that stops the
 * run.  `free` releases `payload` and may be NULL.
 */
typedef struct {
    const char *name;
    fx_status (*begin)(void *payload);
    fx_status (*row)(void *payload, const fx_row *row);
    fx_status (*finish)(void *payload);
    void (*free)(void *payload);
    void *payload;
} fx_sink;

/*
 * Writers for the row schema: CSV (RFC 4180, CRLF-free: rows end in LF,
 * fields quoted only when needed) and TSV (one row per line; TAB, LF, CR
 * and backslash inside fields are written as \t, \n, \r and \\).  Both
 * write a header row in `begin`, and write a cell that a spreadsheet
 * would run as a formula with an apostrophe in front (see
 * fx_cell_is_formula() and FX_EMIT_RAW_CELLS).  The stream stays owned by
 * the caller.
 * @return FX_OK, or FX_ERR_NOMEM.
 */
FX_API fx_status fx_emit_csv_new(fx_sink *out, FILE *stream);
FX_API fx_status fx_emit_tsv_new(fx_sink *out, FILE *stream);

/*
 * Flags of the writers' constructors.  FX_EMIT_BOM writes a UTF-8 byte
 * order mark (EF BB BF) before the header, so that spreadsheet programs
 * that otherwise guess a legacy encoding read the text as UTF-8.  CSV and
 * TSV only: JSON Lines forbids a byte order mark.
 */
#define FX_EMIT_BOM 0x1u

/*
 * FX_EMIT_RAW_CELLS writes every CSV or TSV cell as it is.  Without it,
 * a cell for which fx_cell_is_formula() holds ("=HYPERLINK(...)", "@SUM",
 * "-2+3") is written with one apostrophe (') in front, which spreadsheet
 * programs take as "this cell is text" and so never run it.  Numbers stay
 * numbers: "-5" and "+1.5" are left alone.  The change can be undone: a
 * reader removes one apostrophe from every cell that starts with one or
 * more apostrophes followed by = + - @ TAB or CR.
 */
#define FX_EMIT_RAW_CELLS 0x2u

/*
 * Whether the CSV and TSV writers neutralise `cell`: after any leading
 * apostrophes it starts with =, +, -, @, TAB or CR, the characters that
 * make a spreadsheet read a cell as a formula (OWASP's list), and it is
 * not a plain decimal number such as "-5" or "+1.5" (with no apostrophe
 * before it).  The apostrophes count so that the guard can be undone.
 * @return 1 or 0.
 */
FX_API int fx_cell_is_formula(const char *cell);

/*
 * fx_emit_csv_new() and fx_emit_tsv_new() with `flags`: FX_EMIT_BOM,
 * FX_EMIT_RAW_CELLS, both (or-ed) or 0.
 * @return FX_OK, FX_ERR_USAGE for an unknown flag, or FX_ERR_NOMEM.
 */
FX_API fx_status fx_emit_csv_new_ext(fx_sink *out, FILE *stream,
                                     unsigned flags);
FX_API fx_status fx_emit_tsv_new_ext(fx_sink *out, FILE *stream,
                                     unsigned flags);

/*
 * JSON Lines: one JSON object a row and no header.  Its keys are the
 * column names in schema order; start_byte, end_byte, line and column are
 * JSON integers, every other column a JSON string ("" when empty; `value`
 * stays a string, since it may be "10/20" or longer than any double).
 * Control characters are escaped, so a row is always one line.  The
 * stream stays owned by the caller.
 * @return FX_OK, or FX_ERR_NOMEM.
 */
FX_API fx_status fx_emit_jsonl_new(fx_sink *out, FILE *stream);

/* The output formats, for writers that take one as a parameter. */
typedef enum { FX_FORMAT_CSV = 0, FX_FORMAT_TSV, FX_FORMAT_JSONL } fx_format;

/*
 * A summary sheet instead of rows: one line per distinct (type, value,
 * unit) with the columns type, value, unit, count (the rows with it) and
 * sources (how many different `source` values those rows have), written
 * in `format` when the sink finishes.  Lines are sorted by type name,
 * then count from high to low, then value and unit in byte order.
 *
 * Memory grows with the number of distinct entries and of distinct
 * sources, not with the number of rows: each entry keeps the source of its
 * latest row, which counts every source once because a document's rows
 * reach the sink together.  A source name that comes back after another
 * one (the same file named twice, apart) is counted again.
 *
 * `flags` takes FX_EMIT_BOM and FX_EMIT_RAW_CELLS for CSV and TSV (cells
 * are neutralised as in fx_emit_csv_new(); JSONL writes them as they
 * are).  The stream stays owned by the caller.
 * @return FX_OK, FX_ERR_USAGE for an unknown format or flag or a BOM with
 *         JSONL, or FX_ERR_NOMEM.
 */
FX_API fx_status fx_emit_summary_new(fx_sink *out, FILE *stream,
                                     fx_format format, unsigned flags);

/* Release a sink made by fx_emit_*_new(); a zeroed sink is a no-op. */
FX_API void fx_sink_free(fx_sink *sink);

/* ---- Rule sets ---------------------------------------------------------- */

typedef struct fx_ruleset fx_ruleset;

/*
 * Load and compile rules.  Each path is a rule file (*.rules) or a folder,
 * whose *.rules files are loaded in name order.  Macros and gazetteers are
 * shared by all files.  Every problem is reported to `diag` (may be NULL)
 * with file, line and column; the load fails if any rule is bad.  Each
 * rule's inline examples are checked.
 * @return FX_OK and a ruleset in *out that the caller frees with
 *         fx_ruleset_free(), or FX_ERR_RULES / FX_ERR_IO and *out = NULL.
 */
FX_API fx_status fx_ruleset_load(fx_ruleset **out, const char *const *paths,
                                 size_t npaths, fx_diag_fn diag,
                                 void *payload);

/* The same with up to `threads` threads (1 to FX_MAX_THREADS) sharing the
 * compiling; the ruleset and the diagnostics are the same. */
FX_API fx_status fx_ruleset_load_threads(fx_ruleset **out,
                                         const char *const *paths,
                                         size_t npaths, unsigned threads,
                                         fx_diag_fn diag, void *payload);

/* Free a ruleset; NULL is a no-op.  No engine may still use it. */
FX_API void fx_ruleset_free(fx_ruleset *rules);

/* Number of rules, and of inline examples checked, in a loaded ruleset. */
FX_API size_t fx_ruleset_rule_count(const fx_ruleset *rules);
FX_API size_t fx_ruleset_example_count(const fx_ruleset *rules);

/* What a rule is, for listings; strings are owned by the ruleset. */
typedef struct {
    const char *id;
    fx_type type;
    int priority;
    const char *source;      /* "file:line" of its `rule` line */
    const char *description; /* "" when it has none */
    const char *pattern;     /* the PCRE2 pattern, macros expanded */
} fx_rule_info;

/* Describe rule `index` (load order); FX_ERR_USAGE when out of range. */
FX_API fx_status fx_ruleset_rule_info(const fx_ruleset *rules, size_t index,
                                      fx_rule_info *out);

/*
 * Run every rule over long texts made to provoke backtracking (runs of
 * capitalised words, digits and commas, initials...) under the engine's
 * PCRE2 limits, and report each rule that gives up, at its `rule` line.
 * @return FX_OK, or FX_ERR_RULES when a rule gave up.
 */
FX_API fx_status fx_ruleset_probe(const fx_ruleset *rules, fx_diag_fn diag,
                                  void *payload);

/* ---- Engine ------------------------------------------------------------- */

typedef struct fx_engine fx_engine;

/*
 * Longest match the engine guarantees to find exactly as a whole-document
 * scan would, in bytes.  A match attempt that would need more is abandoned
 * with a warning naming the rule and offset.
 */
#define FX_MAX_MATCH (64u * 1024u)

/*
 * Make an engine that scans text with `rules` and hands rows to `sink`.
 * `rules` and `sink` are borrowed and must outlive the engine.  Warnings
 * found in text (a rule hitting a PCRE2 limit, say) go to `diag`.
 * @return FX_OK and an engine the caller frees with fx_engine_free().
 */
FX_API fx_status fx_engine_new(fx_engine **out, const fx_ruleset *rules,
                               const fx_sink *sink, fx_diag_fn diag,
                               void *payload);

/* Keep only rows whose type bit (1u << fx_type) is set; default all. */
FX_API void fx_engine_set_types(fx_engine *eng, unsigned type_mask);

/*
 * Use the prefilter (on by default): each rule whose matches all contain
 * one of a few literals is tried by PCRE2 only near those literals.  The
 * rows are the same either way; off, every rule is tried at every start,
 * which is much slower and is there to check the prefilter.
 */
FX_API void fx_engine_set_prefilter(fx_engine *eng, int on);

/* Most threads fx_engine_set_threads() accepts. */
#define FX_MAX_THREADS 64

/*
 * Scan with `threads` threads (default 1): the rules of each block of
 * text are shared out between them, and the rows of a block are written
 * while the next one is scanned.  The rows are the same for every count.
 * The sink and the explain callback may then be called from one of the
 * engine's threads, one call at a time and only while fx_engine_feed()
 * or fx_engine_finish() runs; diagnostics come from the caller's thread.
 * Call it between documents, not after fx_engine_begin().
 * @return FX_OK, FX_ERR_USAGE for 0, more than FX_MAX_THREADS or an open
 * document, FX_ERR_NOMEM (the engine then keeps the threads it made).
 */
FX_API fx_status fx_engine_set_threads(fx_engine *eng, unsigned threads);

/* Read numeric dates such as 01/02/2020 day first (1 February 2020)
 * when `day_first` is non-zero; the default is month first, as in the
 * United States. */
FX_API void fx_engine_set_day_first(fx_engine *eng, int day_first);

/*
 * The date that relative dates ("last year", "two months ago") resolve
 * against, as YYYY-MM-DD, for every document; NULL restores the default,
 * which takes the first full date in each document's header.
 * @return FX_OK, or FX_ERR_USAGE when `iso_date` is not a valid date.
 */
FX_API fx_status fx_engine_set_doc_date(fx_engine *eng, const char *iso_date);

/* Start a document named `source` (copied); ends any open one first
 * (a refusal of that one is not returned again). */
FX_API fx_status fx_engine_begin(fx_engine *eng, const char *source);

/*
 * Scan the next `len` bytes of the document.  The first bytes of a
 * document tell its encoding: a UTF-8 byte order mark (EF BB BF) is
 * skipped (offsets stay those of the input, so the first row starts at
 * byte 3 or later); UTF-16 or UTF-32 (a byte order mark FF FE, FE FF,
 * FF FE 00 00 or 00 00 FE FF, or every other byte NUL) is reported to
 * `diag` as an error and the document is refused: no row of it is made.
 * The first 64 bytes are held until they are all in (or the document
 * ends), so the refusal comes from the feed that completes them, or from
 * fx_engine_finish() for a shorter document.
 * @return FX_OK; FX_ERR_INPUT when the document is refused (and for every
 *         later feed of it); or the sink's error, which stops the engine.
 */
FX_API fx_status fx_engine_feed(fx_engine *eng, const void *buf, size_t len);

/*
 * End the document: scan what is left and emit its remaining rows.
 * @return FX_OK, FX_ERR_INPUT when the document was refused (see
 *         fx_engine_feed()), or the sink's error.
 */
FX_API fx_status fx_engine_finish(fx_engine *eng);

/*
 * Explanations of overlaps.  When set, `fn` is called after each row is
 * handed to the sink with one line per candidate that row beat: the losing
 * rule, its span and text, and the step of the overlap order that decided
 * (priority, length, start, load order).  `text` is borrowed.
 */
typedef void (*fx_explain_fn)(const fx_row *row, const char *text,
                              void *payload);
FX_API void fx_engine_set_explain(fx_engine *eng, fx_explain_fn fn,
                                  void *payload);

/* Per-rule work since the engine was made, for `--stats`. */
typedef struct {
    uint64_t matches; /* matches found (before overlaps were settled) */
    uint64_t rows;    /* rows emitted (after the type filter) */
    double seconds;   /* time spent matching */
} fx_rule_stats;

/* Statistics of rule `index`; FX_ERR_USAGE when out of range. */
FX_API fx_status fx_engine_rule_stats(const fx_engine *eng, size_t index,
                                      fx_rule_stats *out);

/* Free an engine; NULL is a no-op. */
FX_API void fx_engine_free(fx_engine *eng);

#ifdef __cplusplus
}
#endif

#endif /* FIGEX_H */
