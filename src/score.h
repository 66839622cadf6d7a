/*
 * score.h: `figex score GOLD PRED`, which measures predicted rows (figex's
 * output) against gold annotations.
 *
 * This is part of the command-line tool, not of libfigex: it reads figex's
 * row schema through the public header only.  The steps are plain
 * functions so that tests can call each one:
 *
 *     fx_score_table_read()    GOLD or PRED file -> parsed rows
 *     fx_score_compute()       two tables -> counts per type and per rule
 *     fx_score_render()        counts -> the text or TSV report
 *     fx_score_run()           all three, with messages: the CLI's body
 *
 * docs/scoring.md defines every figure.
 */
#ifndef FX_SCORE_H
#define FX_SCORE_H

#include "figex.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Types that can be scored: agency, official, date and statistic. */
#define FX_SCORE_TYPES ((size_t)FX_TYPE_IGNORE)

/* What a file holds; GOLD is checked more strictly (see docs/scoring.md). */
typedef enum { FX_SCORE_GOLD, FX_SCORE_PRED } fx_score_role;

/* The report's format: an aligned table for people, or TSV for scripts. */
typedef enum { FX_SCORE_OUT_TEXT, FX_SCORE_OUT_TSV } fx_score_output;

/*
 * A problem with an input.  `line` and `col` are 1-based (col counts
 * characters) and both 0 when the problem is the whole file.  The strings
 * belong to the struct; fx_score_error_clear() frees them.  Only the first
 * problem is kept.
 */
typedef struct {
    char *file;
    unsigned line;
    unsigned col;
    char *message;
} fx_score_error;

/* Free an error's strings and zero it; a zeroed error is a no-op. */
void fx_score_error_clear(fx_score_error *err);

/* ---- matching ---- */

/* A half-open byte span; start <= end. */
typedef struct {
    uint64_t start;
    uint64_t end;
} fx_score_span;

/* An entry of a match map for a row left without a partner. */
#define FX_SCORE_UNMATCHED SIZE_MAX

/* Most overlapping gold/predicted pairs the lenient matcher ranks for one
 * type of one document: each takes 48 bytes while they are ranked, and
 * real documents come nowhere near (their spans rarely overlap at all). */
#define FX_SCORE_MAX_OVERLAPS ((size_t)1 << 22)

/*
 * Pair gold and predicted spans one to one (all of one type and one
 * document).  Strict: identical spans, paired in order of position.
 * Lenient: overlapping spans (sharing a byte, or identical), paired
 * greedily by largest overlap, then smallest distance between the spans'
 * ends, then earliest gold start, earliest predicted start, file order.
 * Fills gold_to_pred[ngold] and pred_to_gold[npred] with partner indices
 * or FX_SCORE_UNMATCHED.
 * @return the number of pairs; for the lenient matcher, FX_SCORE_UNMATCHED
 *         when more than FX_SCORE_MAX_OVERLAPS pairs overlap (the maps
 *         are then left clear).
 */
size_t fx_score_match_strict(const fx_score_span *gold, size_t ngold,
                             const fx_score_span *pred, size_t npred,
                             size_t *gold_to_pred, size_t *pred_to_gold);
size_t fx_score_match_lenient(const fx_score_span *gold, size_t ngold,
                              const fx_score_span *pred, size_t npred,
                              size_t *gold_to_pred, size_t *pred_to_gold);

/* ---- reading ---- */

typedef struct fx_score_table fx_score_table;

/*
 * Parse a GOLD or PRED file held in memory.  `name` is used in messages;
 * `csv` selects CSV (RFC 4180) over TSV with figex's escapes.
 * @return FX_OK and a table the caller frees with fx_score_table_free(),
 *         or FX_ERR_INPUT with *out = NULL and the problem in *err.
 */
fx_status fx_score_table_parse(fx_score_table **out, fx_score_role role,
                               const char *name, const char *data, size_t len,
                               bool csv, fx_score_error *err);

/*
 * Read and parse a file ("-" is standard input).  GOLD is CSV when its
 * name ends in .csv, else TSV; PRED is CSV or TSV by its extension, else
 * TSV when its first line holds a TAB.
 * @return as fx_score_table_parse(); FX_ERR_IO when it cannot be read.
 */
fx_status fx_score_table_read(fx_score_table **out, fx_score_role role,
                              const char *path, fx_score_error *err);

/* Number of data rows in a table. */
size_t fx_score_table_rows(const fx_score_table *table);

/* Free a table; NULL is a no-op. */
void fx_score_table_free(fx_score_table *table);

/* ---- scoring ---- */

/* Counts for one type, or for all types together. */
typedef struct {
    uint64_t gold;       /* gold rows */
    uint64_t pred;       /* predicted rows */
    uint64_t strict_tp;  /* pairs with identical spans */
    uint64_t lenient_tp; /* pairs with overlapping spans */
    uint64_t value_ok;   /* lenient pairs whose value cells are identical */
    /* lenient pairs whose cells are identical, for each scored column */
    uint64_t column_ok[FX_COL_COUNT];
} fx_score_counts;

/* One rule's predicted rows of one type. */
typedef struct {
    char *rule;
    fx_type type;
    uint64_t pred; /* rows it made */
    uint64_t tp;   /* of which lenient-matched */
} fx_score_rule;

/* Predicted rows of a document that GOLD never names (warned about). */
typedef struct {
    char *source;
    uint64_t rows;
    unsigned line, col; /* the first such row's source cell in PRED */
} fx_score_stray;

typedef struct {
    fx_score_counts by_type[FX_SCORE_TYPES];
    fx_score_counts all;
    /* columns GOLD has that are compared on lenient pairs */
    bool scored[FX_COL_COUNT];
    fx_score_rule *rules; /* sorted by type, then rule id */
    size_t nrules;
    fx_score_stray *strays; /* in PRED's order */
    size_t nstrays;
} fx_score_result;

/*
 * Match PRED against GOLD, per document when GOLD has a source column,
 * and count.  Fails when PRED lacks a column GOLD scores, or holds several
 * documents while GOLD has no source column.
 * @return FX_OK and a result the caller frees with fx_score_result_free(),
 *         or FX_ERR_INPUT with *out = NULL and the problem in *err.
 */
fx_status fx_score_compute(fx_score_result **out, const fx_score_table *gold,
                           const fx_score_table *pred, fx_score_error *err);

/* Free a result; NULL is a no-op. */
void fx_score_result_free(fx_score_result *result);

/*
 * The report: detection counts, accuracy on lenient pairs and, with
 * `by_rule`, one line per rule.  The caller frees it with g_free().
 */
char *fx_score_render(const fx_score_result *result, fx_score_output output,
                      bool by_rule);

/* ---- the command ---- */

typedef struct {
    bool by_rule;
    fx_score_output output;
} fx_score_options;

/*
 * Score PRED against GOLD: the report goes to `out`, warnings and errors
 * to `msgs` as "figex: FILE:LINE:COL: error: ...".
 * @return the exit status: 0, or 2 for an input or output error.
 */
int fx_score_run(const char *gold_path, const char *pred_path,
                 const fx_score_options *options, FILE *out, FILE *msgs);

/*
 * `figex score ...`: argv[1] is "score".  Parses the options and calls
 * fx_score_run() with stdout and stderr.
 * @return the exit status: 0, or 2 for a usage, input or output error.
 */
int fx_score_main(int argc, char **argv);

#endif
