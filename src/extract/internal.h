/*
 * internal.h: what the files of src/extract share.  Never installed.
 */
#ifndef FX_EXTRACT_INTERNAL_H
#define FX_EXTRACT_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <glib.h>
#include <pcre2.h>
#include <stdbool.h>

#include "../figex.h"

/* ---- Positions in rule files -------------------------------------------- */

/* A place in a rule file; `file` is interned in the ruleset's string chunk. */
typedef struct {
    const char *file;
    unsigned line;
    unsigned col;
} fx_loc;

/*
 * An anchor maps the bytes of a located string from `offset` on back to a
 * file position.  When `literal` is set, each character after the anchor
 * moves one column right; otherwise (text the loader generated, such as the
 * "(?:" around a macro) every byte maps to the anchor's own position.
 */
typedef struct {
    gsize offset;
    fx_loc loc;
    bool literal;
} fx_anchor;

/* A string built from rule-file text that remembers where each byte came
 * from, so that a PCRE2 error offset becomes file:line:column. */
typedef struct {
    GString *str;
    GArray *anchors; /* of fx_anchor, offsets ascending */
} fx_locstr;

void fx_locstr__init(fx_locstr *ls);
void fx_locstr__clear(fx_locstr *ls);
void fx_locstr__append(fx_locstr *ls, const char *text, gssize len,
                       fx_loc loc, bool literal);
void fx_locstr__append_locstr(fx_locstr *ls, const fx_locstr *other);
fx_loc fx_locstr__locate(const fx_locstr *ls, gsize offset);

/* ---- Diagnostics -------------------------------------------------------- */

typedef struct {
    fx_diag_fn fn;
    void *payload;
    unsigned errors;
    unsigned warnings;
    GHashTable *seen; /* diagnostics already given, made on first use */
} fx_reporter;

/* Free what a reporter holds (not the reporter itself). */
void fx_report__clear(fx_reporter *rep);

/* Report a problem at `loc`, underlining `span` characters (0 = 1). */
void fx_report__at(fx_reporter *rep, fx_severity sev, fx_loc loc,
                   unsigned span, const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* ---- Captures ----------------------------------------------------------- */

/*
 * The named captures a pattern may use.  Each kind of fact reads the ones it
 * needs; a pattern naming any other capture is an error at load time.
 */
typedef enum {
    FX_CAP_NAME = 0,
    FX_CAP_ACRONYM,
    FX_CAP_HONORIFIC,
    FX_CAP_TITLE,
    FX_CAP_YEAR,
    FX_CAP_MONTH,
    FX_CAP_DAY,
    FX_CAP_QUALIFIER,
    FX_CAP_NUMBER,
    FX_CAP_SCALE,
    FX_CAP_CURRENCY,
    FX_CAP_PERCENT,
    FX_CAP_UNIT,
    FX_CAP_END_YEAR,   /* the second end of a date range */
    FX_CAP_END_MONTH,
    FX_CAP_END_DAY,
    FX_CAP_QUARTER,    /* "Q3", "third quarter" */
    FX_CAP_FISCAL,     /* "FY", "fiscal year": a US federal fiscal year */
    FX_CAP_DECADE,     /* "1990s" */
    FX_CAP_PART,       /* "early", "mid", "the end of" */
    FX_CAP_SEASON,     /* "spring", "summer", ... */
    FX_CAP_RELATIVE,   /* "last year", "two months ago", "yesterday" */
    FX_CAP_END_NUMBER, /* the high end of a range of figures */
    FX_CAP_VAGUE,      /* "thousands", "dozens", "hundreds of thousands" */
    FX_CAP_COUNT
} fx_cap;

/* Most groups one capture name may have (PCRE2_DUPNAMES branches). */
#define FX_CAP_MAX_GROUPS 8

typedef struct {
    guint8 count;
    guint16 group[FX_CAP_MAX_GROUPS];
} fx_cap_groups;

/* ---- Gazetteers --------------------------------------------------------- */

typedef struct {
    const char *canonical;
    const char *acronym; /* "" when none */
    const char *parent;
    const char *kind;
    fx_loc loc;
} fx_gaz_entry;

typedef struct fx_gazetteer fx_gazetteer;

/* Load a TSV gazetteer; problems are reported with file:line:col. */
fx_gazetteer *fx_gazetteer__load(const char *path, fx_loc directive,
                                 GStringChunk *strings,
                                 fx_reporter *rep);
void fx_gazetteer__free(fx_gazetteer *gaz);
/* Pattern source for the names and aliases, or for the acronyms. */
const char *fx_gazetteer__names_pattern(const fx_gazetteer *gaz);
const char *fx_gazetteer__acronyms_pattern(const fx_gazetteer *gaz);
/* Whether a word is one that names write in lower case ("of", "the",
 * "against"), in any case. */
bool fx_gazetteer__is_small_word(const char *w, gsize len);
/* Find an entry by acronym (exact) or by name or alias (folded). */
const fx_gaz_entry *fx_gazetteer__lookup(const fx_gazetteer *gaz,
                                         const char *text, gsize len);

/* ---- Prefilter: literals every match needs ----------------------------- */

/* A set of bytes, one bit each. */
typedef struct {
    guint32 w[8];
} fx_byteset;

static inline bool fx_byteset__has(const fx_byteset *s, unsigned char c)
{
    return (s->w[c >> 5] >> (c & 31)) & 1u;
}

/* ---- Back automata (back.c): from a match's start to its trigger ------- */

/* A part of a pattern as positions (character classes over symbols: ASCII
 * bytes, and 128 for any other character), built by Glushkov's
 * construction.  Zeroed, it matches the empty string only. */
typedef struct {
    GArray *cls;          /* fx_byteset per position */
    GArray *follow;       /* guint32 pairs (x, y): y may come right after x */
    GArray *first, *last; /* guint32 positions */
    bool nullable;
} fx_glu;

void fx_glu__clear(fx_glu *g);
/* g becomes one character of `bytes`. */
void fx_glu__char(fx_glu *g, const fx_byteset *bytes);
/* g becomes any string of `bytes` (empty too when `nullable`). */
void fx_glu__any(fx_glu *g, const fx_byteset *bytes, bool nullable);
/* a becomes a b, a | b, or g repeated lo to hi times (hi SIZE_MAX: no
 * bound).  b is cleared.  False when the result would be too big: the
 * caller then approximates it with fx_glu__any(). */
bool fx_glu__concat(fx_glu *a, fx_glu *b);
bool fx_glu__union(fx_glu *a, fx_glu *b);
/* g becomes g followed by one character of `bytes` (false: too big). */
bool fx_glu__append_char(fx_glu *g, const fx_byteset *bytes);
bool fx_glu__repeat(fx_glu *g, size_t lo, size_t hi);

/* A frozen part, read backwards: one block, freed with g_free(). */
typedef struct {
    guint n;             /* positions */
    fx_byteset *cls;     /* per position: the symbols it reads */
    guint32 *pred_at;    /* n + 1 offsets into pred */
    guint32 *pred;       /* positions that may be read after (before, in
                            the text) position y: pred[pred_at[y] ..] */
    guint32 *enter;      /* positions that may be read first */
    guint nenter;
    fx_byteset enter_any; /* the symbols of all of them */
    guint8 *leave;       /* per position: the part may end after it */
    bool nullable;
    guint8 sym_class[129]; /* symbols no position tells apart share one */
} fx_back_frag;

fx_back_frag *fx_glu__freeze(fx_glu *g);
/* The same for a part read forwards (g is reversed in the process). */
fx_back_frag *fx_glu__freeze_ahead(fx_glu *g);
/* dst (cleared first) becomes a copy of src. */
void fx_glu__copy(fx_glu *dst, const fx_glu *src);

/* The parts between a match's start and its trigger, the part next to the
 * literal first; the text before the literal must read through all of
 * them, backwards.  A trigger shared by several branches has one chain
 * per branch. */
typedef struct {
    guint n;
    const fx_back_frag *const *frag;
    /* What the first character read (the one before the literal) may be,
     * and whether the literal's own place is a start (every part
     * nullable): fx_back_chain__prepare() sets them. */
    fx_byteset first;
    bool through;
    /* Symbols that no position of the chain tells apart share a class. */
    guint8 sym_class[129];
    guint nclasses;
} fx_back_chain;

void fx_back_chain__prepare(fx_back_chain *c);

typedef struct {
    guint n;
    const fx_back_chain *chain;
} fx_back;

/* Most parts in a chain and chains in a back automaton. */
#define FX_BACK_MAX_FRAGS 32
#define FX_BACK_MAX_CHAINS 64
/* Characters a chain may read before giving up, and most positions it
 * may be in at once: beyond either, the caller's plain walk decides. */
#define FX_BACK_MAX_STEPS 256
#define FX_BACK_MAX_STATES 64

/* Reads text backwards through back chains, keeping a DFA of each chain
 * it has read (built as it goes, so one reader per thread). */
typedef struct fx_back_reader fx_back_reader;

/* Its DFAs are dropped when they take more than `max_bytes` (0: 8 MiB). */
fx_back_reader *fx_back_reader__new(size_t max_bytes);
void fx_back_reader__free(fx_back_reader *rd);

/*
 * Read buf[0..q) backwards from q, one character at a time, through every
 * chain of `b`, and put into `starts` (of size_t, emptied first) each
 * offset where a chain has been read to its end: the places where a match
 * whose trigger begins at q may start, in no particular order.  Reading
 * stops at offset 0 (the caller has nothing before it).  False when it
 * gave up (see above, or bytes that are not UTF-8).
 */
bool fx_back__starts(const fx_back *b, const char *buf, size_t q,
                     fx_back_reader *rd, GArray *starts);

/*
 * Read buf[from..len) forwards through every chain of `a`, whose parts
 * were frozen with fx_glu__freeze_ahead(): false when every chain dies
 * before its end, so that no match can hold the text there; true when
 * one may (a chain is read to its end, the text ends first, or the
 * reader gives up).
 */
bool fx_back__ahead(const fx_back *a, const char *buf, size_t from,
                    size_t len, fx_back_reader *rd);

/* ---- Prefilter: literals every match needs ----------------------------- */

/* Most characters of a trigger literal: a prefix of a needed literal is
 * needed too.  A caseless one may hold up to 3 k or s, whose variants
 * (U+212A, U+017F) take more bytes, hence the room. */
#define FX_TRIGGER_CHARS 12
#define FX_TRIGGER_MAX 24

/*
 * Every match of rule `rule` contains `lit` at some offset q (in any case
 * of its ASCII letters when `caseless`, which are then stored in lower
 * case), and the bytes between the match's start and q are at least
 * `dmin` and hold at most `dmax` bytes that are not in `free`.  See
 * prefilter.c.
 */
typedef struct {
    char lit[FX_TRIGGER_MAX];
    guint len;
    bool caseless;
    guint rule;
    guint32 dmin, dmax;
    fx_byteset free;
    /* From a lookbehind that opens the pattern: the match then starts
     * exactly `ahead` bytes after the literal's start, and dmin, dmax and
     * free do not apply. */
    bool behind;
    guint32 ahead;
    /* From \A: the match starts at the start of the text; no literal
     * (`len` 0), so the engine opens this window itself. */
    bool at_start;
    /* The text from the match's start to the literal, as an automaton
     * (back.c) the engine runs backwards; NULL: dmin, dmax and free only.
     * `link` is the analysis's own (prefilter.c). */
    const fx_back *back;
    const struct fx_back_link *link;
    /* The text from the literal's end to the match's end, as an automaton
     * read forwards (only as far as the analysis could follow it); NULL:
     * no check.  `after_link` and `after_sealed` are the analysis's own. */
    const fx_back *after;
    const struct fx_back_link *after_link;
    bool after_sealed;
    /* ASCII bytes that cannot come just before the literal (a negative
     * lookbehind of one character right before it, as "(?<![\p{L}])one"
     * has: no match holds the "one" of "someone"). */
    fx_byteset barred;
} fx_trigger;

/* How every rule's pattern is compiled (compile.c). */
#define FX_PATTERN_OPTIONS                                                    \
    (PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DUPNAMES |                   \
     PCRE2_USE_OFFSET_LIMIT)

/* The pattern with its alternations factored by first characters
 * (factor.c): the same matches, tried in the same order, faster to fail.
 * NULL when the pattern holds something the rewrite does not read.  The
 * caller frees the result. */
char *fx_factor__pattern(const char *pattern, size_t len);

/* The triggers of a pattern (GArray of fx_trigger, `rule` unset), or NULL
 * when its matches need no literal the analysis can name.  Their back
 * automata are allocated into `pool` (a GPtrArray freeing with g_free),
 * which must outlive them; with a NULL pool they have none. */
GArray *fx_prefilter__analyse(const char *pattern, size_t len,
                              GPtrArray *pool);

/*
 * A multi-literal scanner (Aho-Corasick, as one table of transitions over
 * classes of case-folded bytes) that finds every trigger in a text.
 */
typedef struct fx_literals fx_literals;

/* Build it from the triggers of an array of fx_trigger (copied) whose
 * `caseless` is as given; NULL when there are none. */
fx_literals *fx_literals__new(const GArray *triggers, bool caseless);
void fx_literals__free(fx_literals *lx);

/* Called for each trigger found; `end` is the offset just past it. */
typedef void (*fx_literal_hit_fn)(void *payload, const fx_trigger *t,
                                  uint64_t end);

/*
 * Scan `len` bytes that sit at offset `pos` of the text, from scanner
 * state `state` (0 at the start of a text).
 * @return the state to resume from with the next bytes.
 */
guint32 fx_literals__scan(const fx_literals *lx, guint32 state,
                          const char *buf, size_t len, uint64_t pos,
                          fx_literal_hit_fn fn, void *payload);

/* The same with two scanners (either may be NULL) over the same bytes at
 * once, their states updated in place.  At each byte a's hits come first
 * (or all of them first, when a table has 32-bit entries). */
void fx_literals__scan_pair(const fx_literals *a, const fx_literals *b,
                            guint32 *state_a, guint32 *state_b,
                            const char *buf, size_t len, uint64_t pos,
                            fx_literal_hit_fn fn, void *payload);

/* How many trigger hits a literal scan may hold before the rules take
 * them (0: FX_MAX_HITS in engine.c); tests make it small. */
void fx_engine__set_max_hits(fx_engine *eng, size_t max_hits);

/* Make each worker thread wait `usec` microseconds after it takes up a
 * round and before it works on it, so that it comes late (tests: a late
 * worker must not touch a later round's data). */
void fx_engine__set_worker_delay(fx_engine *eng, gulong usec);

/* How many parts of a literal scan were scanned while no literal scan
 * was under way (by a worker that came late): always 0, unless the
 * rounds are wrong. */
guint fx_engine__stray_parts(fx_engine *eng);

/* ---- Rules and rulesets ------------------------------------------------- */

typedef struct {
    char *text;     /* the example text, escapes decoded */
    char *expected; /* "VALUE" or "VALUE; column=value; ..."; NULL: counter */
    fx_loc loc;     /* where the example text starts */
} fx_example;

typedef struct {
    char *id;
    fx_type type;
    int priority;
    char *description;
    fx_loc loc;           /* the `rule` line */
    fx_locstr pattern;    /* as written, continuation lines joined */
    char *expanded;       /* the pattern with its macros expanded */
    bool has_pattern;
    bool has_type;
    bool broken;          /* a field of it had an error: not compiled */
    GPtrArray *examples;  /* of fx_example */
    pcre2_code *code;
    fx_cap_groups caps[FX_CAP_COUNT];
    unsigned index;       /* load order, the last tie-break in overlaps */
    char *source_ref;     /* "file:line", the rule_source column */
    size_t lookbehind;    /* longest lookbehind, in bytes */
    /* Prefilter (prefilter.c): when `triggered`, every match contains one
     * of the rule's triggers; `walk_dmax` and `walk_free` are the loosest
     * of their bounds and `walk_len` their longest literal. */
    bool triggered;
    /* A match may also start from `start_lo` to `start_hi` bytes after the
     * text's start (\A, or a lookbehind holding it). */
    bool at_start;
    guint32 start_lo, start_hi;
    guint32 walk_dmax;
    fx_byteset walk_free;
    guint walk_len;
    GPtrArray *back_pool; /* the triggers' back automata */
} fx_rule;

struct fx_ruleset {
    GPtrArray *rules;       /* of fx_rule, in load order */
    GPtrArray *gazetteers;  /* of fx_gazetteer */
    GStringChunk *strings;  /* interned file names and gazetteer text */
    size_t examples;
    size_t lookbehind;      /* longest lookbehind of any rule, in bytes */
    /* Every rule's triggers, matched exactly and folded; NULL if none. */
    fx_literals *literals_exact, *literals_folded;
};

/* Free an fx_rule (a GDestroyNotify for fx_ruleset.rules). */
void fx_rule__free(gpointer rule);

/* Parse one rule file into `rs` (rules, macros, gazetteer directives). */
typedef struct fx_macro_table fx_macro_table;
bool fx_rules__parse_file(fx_ruleset *rs, fx_macro_table *macros,
                          const char *path, fx_reporter *rep);

fx_macro_table *fx_macros__new(void);
void fx_macros__free(fx_macro_table *mt);
/* Define a macro; reports a duplicate definition. */
void fx_macros__define(fx_macro_table *mt, const char *name,
                       const fx_locstr *body, fx_loc loc, fx_reporter *rep);
/* Expand {{NAME}} references of `src` into `out`; false on an error. */
bool fx_macros__expand(fx_macro_table *mt, const fx_locstr *src,
                       fx_locstr *out, fx_reporter *rep);
/* Report macros that no rule used. */
void fx_macros__report_unused(fx_macro_table *mt, fx_reporter *rep);

/* Compile every rule's pattern and check its examples; `threads` (at
 * least 1) share the work that one rule needs alone (JIT code,
 * triggers). */
bool fx_rules__compile(fx_ruleset *rs, fx_macro_table *macros,
                       unsigned threads, fx_reporter *rep);

/* ---- Matches, fields and normalisers ------------------------------------ */

/* One match of a rule in a subject (the engine's window, or an example). */
typedef struct {
    const fx_rule *rule;
    const char *subject;
    const PCRE2_SIZE *ovector;
    uint32_t pairs;
    bool day_first; /* read 01/02/2020 as 1 February (--day-first) */
} fx_match;

/* The first set group for `cap`; false when the pattern has none set. */
bool fx_match__get(const fx_match *m, fx_cap cap, const char **text,
                   gsize *len);

/* The row fields a normaliser fills (all start empty). */
typedef enum {
    FX_F_TEXT = 0,
    FX_F_VALUE,
    FX_F_LOW,
    FX_F_HIGH,
    FX_F_UNIT,
    FX_F_QUALIFIER,
    FX_F_PRECISION,
    FX_F_ACRONYM,
    FX_F_TITLE,
    FX_F_AS_OF,
    FX_F_AGENCY,
    FX_F_COLUMNS, /* the fields above are row columns; those below not */
    /* What is left for the document stage (document.c) to resolve, such
     * as a relative date or an acronym defined earlier in the document;
     * "" when the row is complete. */
    FX_F_RESOLVE = FX_F_COLUMNS,
    FX_F_COUNT
} fx_field;

typedef struct {
    GString *f[FX_F_COUNT];
} fx_fields;

void fx_fields__init(fx_fields *fl);
void fx_fields__reset(fx_fields *fl);
void fx_fields__clear(fx_fields *fl);
/* The fx_field matching a column name, or -1. */
int fx_field__from_column(const char *column);

/*
 * A kind of fact: how its matches become rows.  `normalise` fills `out`
 * from the match and returns false to drop the match (for example an
 * impossible date).  `family` groups the kinds whose matches compete for
 * the same text: within a family overlapping matches are resolved, across
 * families they coexist (an agency inside an official's title).
 */
typedef struct {
    fx_type type;
    const char *name;
    unsigned family;
    unsigned caps; /* bit (1u << fx_cap) for each capture it reads */
    bool (*normalise)(const fx_match *m, const fx_ruleset *rs,
                      fx_fields *out);
} fx_kind;

const fx_kind *fx_kind__get(fx_type type);

/* Normalise a match of its rule: text folding, then the kind's normaliser. */
bool fx_normalise__match(const fx_match *m, const fx_ruleset *rs,
                         fx_fields *out);

bool fx_norm__agency(const fx_match *m, const fx_ruleset *rs, fx_fields *out);
bool fx_norm__official(const fx_match *m, const fx_ruleset *rs,
                       fx_fields *out);
bool fx_norm__date(const fx_match *m, const fx_ruleset *rs, fx_fields *out);
bool fx_norm__statistic(const fx_match *m, const fx_ruleset *rs,
                        fx_fields *out);

/* ---- Normaliser building blocks (unit-tested directly) ------------------ */

/* Append `s` with each whitespace run folded to one space, ends trimmed,
 * invalid UTF-8 replaced by U+FFFD. */
void fx_text__fold(GString *out, const char *s, gsize len);

/* Map a qualifier phrase ("more than", "since", "about") to its symbol
 * (">", ">=", "~", ...); NULL when the phrase is unknown. */
const char *fx_qualifier__symbol(const char *phrase, gsize len);

/* Month number 1-12 from a name, abbreviation or number; 0 if none. */
int fx_date__month(const char *s, gsize len);

/*
 * Fill value, low, high and precision for a calendar date.  `month` and
 * `day` are 0 when absent.  `qualifier` is a symbol or NULL.
 * @return false for an impossible date.
 */
bool fx_date__fill(fx_fields *out, int year, int month, int day,
                   const char *qualifier);

/* Resolve a relative date's instruction (FX_F_RESOLVE) against the
 * document date: fill value, low, high and precision; keep the
 * qualifier.  @return false when the instruction is invalid.
 * The instruction's format is described at the top of norm_date.c
 * ("year -1", "day 0", "year 0 before"); `instruction` may be
 * out->f[FX_F_RESOLVE]->str, which is left as it is (the caller clears
 * it once the row is resolved). */
bool fx_date__resolve(fx_fields *out, const char *instruction,
                      const GDate *doc_date);

/*
 * Write `number` (digits with optional thousands separators and one
 * decimal point) times 10^`exp10` as a plain decimal into `out`.
 * @return false when `number` is not a number.
 */
bool fx_number__scale(GString *out, const char *number, gsize len,
                      int exp10);

/*
 * Append the value of a spelled-out number ("twenty-three", "two hundred
 * fifty thousand", "half a million", "a dozen", "one and a half") to
 * `out` as a plain decimal (quarters and halves give ".25", ".5", ".75").
 * Words are separated by whitespace or hyphens, in any case; "and" and "a"
 * are read where English puts them.
 * @return false, appending nothing, when the words are not one number.
 */
bool fx_number__words(GString *out, const char *s, gsize len);

/*
 * Append the smallest count a vague phrase allows: "dozens" 24,
 * "hundreds" 200, "tens of thousands" 20000, "hundreds of thousands"
 * 200000, "millions" 2000000, "several hundred" 300, "a few thousand"
 * 2000 (docs/statistics.md has the table).
 * @return false, appending nothing, for any other phrase.
 */
bool fx_number__vague(GString *out, const char *s, gsize len);

/* Compare two plain decimals as written by fx_number__scale ("0",
 * "12.5", no leading zeros): <0, 0 or >0 like strcmp. */
int fx_number__compare(const char *a, const char *b);

/* Power of ten of a scale word ("million" = 6, "bn" = 9); -1 if unknown. */
int fx_number__scale_word(const char *s, gsize len);

/* ISO 4217 code for a currency sign or word ("$", "dollars"); or NULL. */
const char *fx_number__currency(const char *s, gsize len);

/* Join the lines of a title block: a line that continues a wrapped phrase
 * is joined with a space, a new line of the block with ", ". */
void fx_title__join(GString *out, const char *s, gsize len);

/* The PCRE2 limits every match attempt runs under (engine and probes):
 * a pathological rule fails one attempt instead of running for hours or
 * eating memory. */
void fx_limits__apply(pcre2_match_context *mctx);

/* ---- Sentences and the document stage ---------------------------------- */

/* Bytes fx_sentence__boundary() may look back; the engine keeps more. */
#define FX_BOUNDARY_LOOKBACK 24

typedef enum {
    FX_BOUNDARY_NONE = 0,
    FX_BOUNDARY_SENTENCE,
    FX_BOUNDARY_PARAGRAPH
} fx_boundary;

/* Does the whitespace byte buf[i] end a sentence or a paragraph?  Looks
 * back only (not before buf[lo]), so the answer never depends on the
 * text after i. */
fx_boundary fx_sentence__boundary(const char *buf, size_t i, size_t lo);

/* What may stand just before a sentence's ending whitespace: a closing
 * quote or bracket, or the mark itself.  Without one of them (or a line
 * break) a whitespace byte is no boundary: the engine's cheap test. */
static inline bool fx_sentence__closer(unsigned char c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']';
}

static inline bool fx_sentence__mark(unsigned char c)
{
    return c == '.' || c == '!' || c == '?';
}

/*
 * The document stage sees each row once its place in the output is
 * certain, in output order, and completes it with what only the document
 * as a whole knows: an acronym defined earlier, an official's full name
 * from an earlier mention, the date relative dates count from, and the
 * date and agency a statistic is linked to.  See document.c.
 */
typedef struct fx_document fx_document;

/* Where a row stands in the text. */
typedef struct {
    fx_type type;
    uint64_t line;
    uint64_t sentence;  /* sentence and paragraph numbers at its start */
    uint64_t paragraph;
} fx_doc_place;

fx_document *fx_document__new(void);
void fx_document__free(fx_document *doc);
/* Start a document; `doc_date` (may be NULL or invalid) overrides the
 * date found in its header. */
void fx_document__begin(fx_document *doc, const GDate *doc_date);
/* Complete `row`; false when the row must be dropped. */
bool fx_document__resolve(fx_document *doc, const fx_doc_place *at,
                          fx_fields *row);
/* A row of type `type` that comes after the statistic being linked, in
 * the same sentence (already resolved); `gap` is the text between the
 * statistic and the row, or NULL when it is longer than FX_LINK_GAP. */
#define FX_LINK_GAP 40
void fx_document__lookahead(fx_document *doc, fx_type type,
                            const fx_fields *row, const char *gap,
                            size_t gap_len);
/* Whether a lookahead row of `type` could still change the link (only
 * the first date and the first agency count), and whether any could. */
bool fx_document__lookahead_wants(const fx_document *doc, fx_type type);
bool fx_document__lookahead_done(const fx_document *doc);
/* Fill as_of and agency of a statistic; call after the lookahead rows. */
void fx_document__link(fx_document *doc, const fx_doc_place *at,
                       fx_fields *row);
/* Remember an emitted row for the rows after it. */
void fx_document__record(fx_document *doc, const fx_doc_place *at,
                         const fx_fields *row);

#endif /* FX_EXTRACT_INTERNAL_H */
