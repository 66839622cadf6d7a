/*
 * test_engine.c: the streaming engine (fx_engine_*).
 *
 * Small rule files written to a temporary folder, and a sink that copies
 * each row into a string "start,end,line:col,type,rule,value,unit,
 * qualifier,title".  Covered: matches across chunk boundaries, identical
 * rows whatever the chunking, overlap resolution (priority, length, start,
 * load order, families, ignore rules), row order, line and column, the
 * type filter, several documents per engine, PCRE2 limits and the longest
 * match, and a few promises of the bundled rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <string.h>

#include "figex.h"
#include "support.h"

/* ---- the collecting sink ---- */

typedef struct {
    GString *full;    /* start,end,line:col,type,rule,value,unit,qual,title */
    GString *brief;   /* type|value|unit|qualifier */
    GString *sources; /* each row's source, one a line */
    unsigned rows;
} collector;

static fx_status collect_row(void *payload, const fx_row *r)
{
    collector *c = payload;
    const char *type = fx_type_name(r->type);
    g_string_append_printf(c->full,
                           "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ":%" PRIu64
                           ",%s,%s,%s,%s,%s,%s\n",
                           r->start_byte, r->end_byte, r->line, r->column,
                           type, r->rule, r->value, r->unit, r->qualifier,
                           r->title);
    g_string_append_printf(c->brief, "%s|%s|%s|%s\n", type, r->value,
                           r->unit, r->qualifier);
    g_string_append_printf(c->sources, "%s\n", r->source);
    c->rows++;
    return FX_OK;
}

static void collector_reset(collector *c)
{
    g_string_truncate(c->full, 0);
    g_string_truncate(c->brief, 0);
    g_string_truncate(c->sources, 0);
    c->rows = 0;
}

/* ---- fixture ---- */

typedef struct {
    char *dir;
    fx_ruleset *rs;
    fx_engine *eng;
    fx_sink sink;
    collector col;
    GPtrArray *diags; /* of diag_rec */
} fixture;

static void dump_diags(const fixture *fx)
{
    for (guint i = 0; i < fx->diags->len; i++) {
        const diag_rec *d = g_ptr_array_index(fx->diags, i);
        print_message("  diag: %s %s:%u (byte %" PRIu64 "): %s\n",
                      d->sev == FX_SEV_ERROR ? "error" : "warning",
                      d->file ? d->file : "(null)", d->line, d->offset,
                      d->msg);
    }
}

static int setup(void **state)
{
    fixture *fx = g_new0(fixture, 1);
    fx->dir = g_dir_make_tmp("figex-engine-XXXXXX", NULL);
    if (!fx->dir)
        return -1;
    fx->col.full = g_string_new(NULL);
    fx->col.brief = g_string_new(NULL);
    fx->col.sources = g_string_new(NULL);
    fx->sink = (fx_sink){"collect", NULL, collect_row, NULL, NULL, &fx->col};
    fx->diags = diag_recs_new();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    fx_engine_free(fx->eng);
    fx_ruleset_free(fx->rs);
    remove_tree(fx->dir);
    g_free(fx->dir);
    g_string_free(fx->col.full, TRUE);
    g_string_free(fx->col.brief, TRUE);
    g_string_free(fx->col.sources, TRUE);
    g_ptr_array_free(fx->diags, TRUE);
    g_free(fx);
    return 0;
}

/* Replace the fixture's rules and engine by those loaded from `path`. */
static void use_rules_at(fixture *fx, const char *path)
{
    fx_engine_free(fx->eng);
    fx->eng = NULL;
    fx_ruleset_free(fx->rs);
    fx->rs = NULL;
    const char *paths[] = {path};
    fx_status st =
        fx_ruleset_load(&fx->rs, paths, 1, record_diag, fx->diags);
    if (st != FX_OK)
        dump_diags(fx);
    assert_int_equal(st, FX_OK);
    g_ptr_array_set_size(fx->diags, 0); /* warnings of the load */
    assert_int_equal(fx_engine_new(&fx->eng, fx->rs, &fx->sink, record_diag,
                                   fx->diags),
                     FX_OK);
}

/* Write `text` as a rule file and use it. */
static void use_rules(fixture *fx, const char *text)
{
    char *path = g_build_filename(fx->dir, "t.rules", NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    use_rules_at(fx, path);
    g_free(path);
}

/* One document, fed in chunks of `chunk` bytes (0: all at once); returns
 * the collected rows (freed by the caller). */
static char *run_doc(fixture *fx, const char *source, const char *text,
                     size_t chunk)
{
    size_t len = strlen(text);
    collector_reset(&fx->col);
    assert_int_equal(fx_engine_begin(fx->eng, source), FX_OK);
    if (chunk == 0)
        chunk = len ? len : 1;
    for (size_t at = 0; at < len; at += chunk)
        assert_int_equal(
            fx_engine_feed(fx->eng, text + at, MIN(chunk, len - at)), FX_OK);
    assert_int_equal(fx_engine_finish(fx->eng), FX_OK);
    return g_strdup(fx->col.full->str);
}

static char *run(fixture *fx, const char *text, size_t chunk)
{
    return run_doc(fx, "doc", text, chunk);
}

/* Run `text` whole and check the rows. */
static void expect_rows(fixture *fx, const char *text, const char *want)
{
    char *got = run(fx, text, 0);
    assert_string_equal(got, want);
    g_free(got);
}

/* ---- chunking ---- */

static const char *const cat_rules =
    "rule cats\n"
    "  type: statistic\n"
    "  pattern: (?<![\\d])(?<number>\\d+) (?<unit>cats)\n";

static void test_match_across_every_split(void **state)
{
    fixture *fx = *state;
    use_rules(fx, cat_rules);
    const char *text = "I saw 12 cats and 345 cats.\n";
    const char *want = "6,13,1:7,statistic,cats,12,cats,,\n"
                       "18,26,1:19,statistic,cats,345,cats,,\n";
    expect_rows(fx, text, want);
    size_t len = strlen(text);
    for (size_t k = 0; k <= len; k++) {
        collector_reset(&fx->col);
        assert_int_equal(fx_engine_begin(fx->eng, "doc"), FX_OK);
        assert_int_equal(fx_engine_feed(fx->eng, text, k), FX_OK);
        assert_int_equal(fx_engine_feed(fx->eng, text + k, len - k), FX_OK);
        assert_int_equal(fx_engine_finish(fx->eng), FX_OK);
        if (strcmp(fx->col.full->str, want) != 0)
            print_message("split at %zu\n", k);
        assert_string_equal(fx->col.full->str, want);
        assert_int_equal(fx->col.rows, 2);
    }
}

static const char *const mixed_rules =
    "rule person\n"
    "  type: official\n"
    "  pattern: (?<![\\p{L}])(?<name>\\p{Lu}\\p{Ll}+(?:[ ]\\p{Lu}\\p{Ll}+)?)"
    "(?=[ ]said)\n"
    "rule date-dmy\n"
    "  type: date\n"
    "  priority: 30\n"
    "  pattern: (?<![\\d])(?<day>\\d{1,2})\\s+(?<month>January|February)"
    "\\s+(?<year>\\d{4})(?!\\d)\n"
    "rule stat\n"
    "  type: statistic\n"
    "  pattern: (?:(?<qualifier>more\\s+than)\\s+)?(?<![\\d.])"
    "(?<number>\\d+(?:\\.\\d+)?)\n"
    "         | (?:\\s+(?<scale>million))?\\s+(?<unit>reports|cats)\n";

static const char *const mixed_text =
    "Siobh\xC3\xA1n Mullally said on 18\n"
    "January 2022 that more than 6.5\n"
    "million reports arrived.\n"
    "Mullally said 12 cats ran.\n";

static const char *const mixed_rows =
    "0,17,1:1,official,person,Siobh\xC3\xA1n Mullally,,,\n"
    "26,41,1:26,date,date-dmy,2022-01-18,,,\n"
    "47,76,2:19,statistic,stat,6500000,reports,>,\n"
    "86,94,4:1,official,person,Siobh\xC3\xA1n Mullally,,,\n"
    "100,107,4:15,statistic,stat,12,cats,,\n";

static void test_chunking_invariance(void **state)
{
    fixture *fx = *state;
    use_rules(fx, mixed_rules);
    expect_rows(fx, mixed_text, mixed_rows);
    static const size_t chunks[] = {1, 2, 3, 7, 64, 4096};
    for (size_t i = 0; i < G_N_ELEMENTS(chunks); i++) {
        char *got = run(fx, mixed_text, chunks[i]);
        if (strcmp(got, mixed_rows) != 0)
            print_message("chunks of %zu\n", chunks[i]);
        assert_string_equal(got, mixed_rows);
        g_free(got);
    }
    assert_int_equal(fx->diags->len, 0);
}

/* Chunks of varying sizes, cut anywhere (inside UTF-8 characters too). */
static void test_chunking_random(void **state)
{
    fixture *fx = *state;
    use_rules(fx, mixed_rules);
    GString *doc = g_string_new(NULL);
    GString *want = g_string_new(NULL);
    size_t len = strlen(mixed_text);
    for (int rep = 0; rep < 20; rep++)
        g_string_append(doc, mixed_text);
    char *whole = run(fx, doc->str, 0);
    /* Each copy gives the same rows, shifted. */
    char **lines = g_strsplit(whole, "\n", -1);
    assert_int_equal(g_strv_length(lines), 20 * 5 + 1);
    for (int rep = 0; rep < 20; rep++) {
        const char *p = mixed_rows;
        for (int i = 0; i < 5; i++) {
            guint64 s, e, l, c;
            char rest[200];
            assert_int_equal(sscanf(p, "%" G_GUINT64_FORMAT ",%"
                                    G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                                    ":%" G_GUINT64_FORMAT ",%199[^\n]",
                                    &s, &e, &l, &c, rest), 5);
            g_string_append_printf(want, "%" G_GUINT64_FORMAT ",%"
                                   G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                                   ":%" G_GUINT64_FORMAT ",%s\n",
                                   s + rep * len, e + rep * len,
                                   l + rep * 4, c, rest);
            p = strchr(p, '\n') + 1;
        }
    }
    assert_string_equal(whole, want->str);
    GRand *rnd = g_rand_new_with_seed(20220118);
    for (int trial = 0; trial < 10; trial++) {
        collector_reset(&fx->col);
        assert_int_equal(fx_engine_begin(fx->eng, "doc"), FX_OK);
        for (size_t at = 0; at < doc->len;) {
            size_t n = (size_t)g_rand_int_range(rnd, 1, 40);
            n = MIN(n, doc->len - at);
            assert_int_equal(fx_engine_feed(fx->eng, doc->str + at, n),
                             FX_OK);
            at += n;
        }
        assert_int_equal(fx_engine_finish(fx->eng), FX_OK);
        assert_string_equal(fx->col.full->str, whole);
    }
    g_rand_free(rnd);
    g_strfreev(lines);
    g_free(whole);
    g_string_free(want, TRUE);
    g_string_free(doc, TRUE);
}

/* ---- overlaps ---- */

static void test_overlap_priority_beats_length(void **state)
{
    fixture *fx = *state;
    use_rules(fx, "rule long-low\n"
                  "  type: statistic\n"
                  "  priority: 1\n"
                  "  pattern: (?<number>\\d+) (?<unit>red cats)\n"
                  "rule short-high\n"
                  "  type: statistic\n"
                  "  priority: 5\n"
                  "  pattern: (?<number>\\d+) (?<unit>red)\n");
    expect_rows(fx, "see 12 red cats",
                "4,10,1:5,statistic,short-high,12,red,,\n");
}

static void test_overlap_longer_wins(void **state)
{
    fixture *fx = *state;
    use_rules(fx, "rule short\n"
                  "  type: statistic\n"
                  "  priority: 5\n"
                  "  pattern: (?<number>\\d+) (?<unit>red)\n"
                  "rule long\n"
                  "  type: statistic\n"
                  "  priority: 5\n"
                  "  pattern: (?<number>\\d+) (?<unit>red cats)\n");
    expect_rows(fx, "see 12 red cats",
                "4,15,1:5,statistic,long,12,red cats,,\n");
}

static void test_overlap_load_order(void **state)
{
    fixture *fx = *state;
    const char *alpha = "rule alpha\n"
                        "  type: statistic\n"
                        "  pattern: (?<number>\\d+) (?<unit>red)\n";
    const char *beta = "rule beta\n"
                       "  type: statistic\n"
                       "  pattern: (?<number>\\d+) (?<unit>r[e]d)\n";
    char *ab = g_strconcat(alpha, beta, NULL);
    char *ba = g_strconcat(beta, alpha, NULL);
    use_rules(fx, ab);
    expect_rows(fx, "12 red", "0,6,1:1,statistic,alpha,12,red,,\n");
    use_rules(fx, ba);
    expect_rows(fx, "12 red", "0,6,1:1,statistic,beta,12,red,,\n");
    g_free(ab);
    g_free(ba);
}

static void test_overlap_earlier_start(void **state)
{
    fixture *fx = *state;
    /* Same priority and length: the earlier start wins, although the
     * later one's rule is loaded first. */
    use_rules(fx, "rule after\n"
                  "  type: statistic\n"
                  "  pattern: (?<unit>red) (?<number>\\d+)\n"
                  "rule before\n"
                  "  type: statistic\n"
                  "  pattern: (?<number>\\d+) (?<unit>red)\n");
    expect_rows(fx, "12 red 34", "0,6,1:1,statistic,before,12,red,,\n");
}

/* A winner removes only what it overlaps: in the chain a-b-c, a beats b,
 * and c, which does not touch a, survives. */
static void test_overlap_chain(void **state)
{
    fixture *fx = *state;
    use_rules(fx, "rule a\n"
                  "  type: statistic\n"
                  "  priority: 5\n"
                  "  pattern: (?<number>11) (?<unit>aa)\n"
                  "rule b\n"
                  "  type: statistic\n"
                  "  priority: 3\n"
                  "  pattern: (?<unit>aa) (?<number>22)\n"
                  "rule c\n"
                  "  type: statistic\n"
                  "  priority: 1\n"
                  "  pattern: (?<number>22) (?<unit>cc)\n");
    expect_rows(fx, "11 aa 22 cc",
                "0,5,1:1,statistic,a,11,aa,,\n"
                "6,11,1:7,statistic,c,22,cc,,\n");
}

static const char *const ignore_rules =
    "rule covid\n"
    "  type: ignore\n"
    "  priority: 50\n"
    "  pattern: Covid-19\n"
    "rule agency\n"
    "  type: agency\n"
    "  pattern: (?<name>Covid)\n"
    "rule num\n"
    "  type: statistic\n"
    "  pattern: (?<![\\d])(?<number>\\d+)(?![\\d])\n";

static void test_ignore_rule(void **state)
{
    fixture *fx = *state;
    use_rules(fx, ignore_rules);
    /* "19" is claimed by the ignore rule; the agency, in another family,
     * stays; the ignore rule itself makes no row. */
    expect_rows(fx, "the Covid-19 pandemic lasted 3 years",
                "4,9,1:5,agency,agency,Covid,,,\n"
                "29,30,1:30,statistic,num,3,,,\n");
}

/* ---- order, lines and columns ---- */

static void test_rows_sorted_by_start(void **state)
{
    fixture *fx = *state;
    /* The official rule is loaded first and matches the same span as the
     * agency rule: at equal start and end, the agency family comes
     * first.  The long agency match is found last but starts first. */
    use_rules(fx, "rule person\n"
                  "  type: official\n"
                  "  pattern: (?<name>Alpha Office)\n"
                  "rule cats\n"
                  "  type: statistic\n"
                  "  pattern: (?<number>\\d+) (?<unit>cats)\n"
                  "rule office\n"
                  "  type: agency\n"
                  "  pattern: (?<name>Alpha Office|Bravo\\s+\\d+ cats"
                  "\\s+Office)\n");
    const char *text = "Bravo 5 cats\nOffice, 6 cats, Alpha Office.";
    const char *want = "0,19,1:1,agency,office,Bravo 5 cats Office,,,\n"
                       "6,12,1:7,statistic,cats,5,cats,,\n"
                       "21,27,2:9,statistic,cats,6,cats,,\n"
                       "29,41,2:17,agency,office,Alpha Office,,,\n"
                       "29,41,2:17,official,person,Alpha Office,,,\n";
    static const size_t chunks[] = {0, 1, 5};
    for (size_t i = 0; i < G_N_ELEMENTS(chunks); i++) {
        char *got = run(fx, text, chunks[i]);
        assert_string_equal(got, want);
        g_free(got);
    }
}

static void test_line_and_column(void **state)
{
    fixture *fx = *state;
    use_rules(fx, cat_rules);
    /* Columns count characters: "é" and "ï" are two bytes, one column. */
    const char *text = "caf\xC3\xA9 12 cats\n"
                       "na\xC3\xAFve 3 cats\n"
                       "\n"
                       "\t\xE2\x82\xAC\xF0\x9F\x98\x80 8 cats";
    const char *want = "6,13,1:6,statistic,cats,12,cats,,\n"
                       "21,27,2:7,statistic,cats,3,cats,,\n"
                       "38,44,4:5,statistic,cats,8,cats,,\n";
    expect_rows(fx, text, want);
    char *got = run(fx, text, 1);
    assert_string_equal(got, want);
    g_free(got);
}

/* ---- the type filter ---- */

/* Keep only the rows whose type is in `mask`. */
static char *filter_rows(const char *rows, unsigned mask)
{
    GString *out = g_string_new(NULL);
    char **lines = g_strsplit(rows, "\n", -1);
    for (char **l = lines; *l && **l; l++) {
        char **f = g_strsplit(*l, ",", 5);
        fx_type t;
        assert_int_equal(fx_type_from_name(f[3], &t), 0);
        if (mask & (1u << t))
            g_string_append_printf(out, "%s\n", *l);
        g_strfreev(f);
    }
    g_strfreev(lines);
    return g_string_free(out, FALSE);
}

/* Lines and columns over long random text, against a count made here:
 * LF, CRLF and a lone CR each end a line; a column is a character.  (The
 * cursor reads 64 bytes at a time, and counts what lies between line
 * ends and sentence marks by their masks.) */
static void test_line_and_column_random(void **state)
{
    fixture *fx = *state;
    use_rules(fx, "rule zq\n  type: agency\n  pattern: Zq(?<name>x)\n");
    static const char *const bits[] = {
        "word ", "caf\xC3\xA9 ", ". ", "? ", "!", ") ", "\" ", "' ", "]",
        "\n", "\r\n", "\r", "\t", "  ", "\xE2\x82\xAC", "Zqx", "Zqx. ",
        "abcdefghijklmnopqrstuvwxyz", "\n\n"};
    GRand *rnd = g_rand_new_with_seed(1612);
    GString *text = g_string_new(NULL), *want = g_string_new(NULL);
    uint64_t line = 1, col = 1;
    for (int n = 0; n < 4000; n++) {
        const char *b = bits[g_rand_int_range(rnd, 0, G_N_ELEMENTS(bits))];
        for (const char *c = b; *c; c++) {
            if (c == b && !strncmp(c, "Zqx", 3))
                g_string_append_printf(want, "%zu,%zu,%" PRIu64 ":%" PRIu64
                                       ",agency,zq,x,,,\n",
                                       text->len, text->len + 3, line, col);
            bool crlf = *c == '\n' && text->len &&
                        text->str[text->len - 1] == '\r';
            if (*c == '\n' || *c == '\r') {
                line += !crlf;
                col = 1;
            } else if (((unsigned char)*c & 0xC0) != 0x80) {
                col++;
            }
            g_string_append_c(text, *c);
        }
    }
    expect_rows(fx, text->str, want->str);
    char *got = run(fx, text->str, 7);
    assert_string_equal(got, want->str);
    g_free(got);
    g_rand_free(rnd);
    g_string_free(text, TRUE);
    g_string_free(want, TRUE);
}

static void test_type_filter(void **state)
{
    fixture *fx = *state;
    use_rules(fx, mixed_rules);
    static const unsigned masks[] = {
        1u << FX_TYPE_STATISTIC,
        (1u << FX_TYPE_OFFICIAL) | (1u << FX_TYPE_DATE),
        1u << FX_TYPE_AGENCY,
        0,
    };
    for (size_t i = 0; i < G_N_ELEMENTS(masks); i++) {
        fx_engine_set_types(fx->eng, masks[i]);
        char *got = run(fx, mixed_text, 0);
        char *want = filter_rows(mixed_rows, masks[i]);
        assert_string_equal(got, want);
        g_free(want);
        g_free(got);
    }
    assert_int_equal(fx->col.rows, 0);
    fx_engine_set_types(fx->eng, ~0u);
    expect_rows(fx, mixed_text, mixed_rows);
}

/* Hiding a type does not change how overlaps are settled: a hidden date
 * still keeps its year from becoming a statistic. */
static void test_type_filter_keeps_overlaps(void **state)
{
    fixture *fx = *state;
    use_rules(fx, "rule year\n"
                  "  type: date\n"
                  "  priority: 30\n"
                  "  pattern: (?<year>\\d{4})\n"
                  "rule num\n"
                  "  type: statistic\n"
                  "  pattern: (?<![\\d])(?<number>\\d+)(?![\\d])\n");
    fx_engine_set_types(fx->eng, 1u << FX_TYPE_STATISTIC);
    expect_rows(fx, "in 2020 and 7", "12,13,1:13,statistic,num,7,,,\n");
}

/* ---- documents ---- */

static void test_two_documents(void **state)
{
    fixture *fx = *state;
    use_rules(fx, cat_rules);
    char *a = run_doc(fx, "a.txt", "x 5 cats\nand 6 cats", 0);
    assert_string_equal(a, "2,8,1:3,statistic,cats,5,cats,,\n"
                           "13,19,2:5,statistic,cats,6,cats,,\n");
    assert_string_equal(fx->col.sources->str, "a.txt\na.txt\n");
    char *b = run_doc(fx, "b.txt", "\n7 cats", 3);
    assert_string_equal(b, "1,7,2:1,statistic,cats,7,cats,,\n");
    assert_string_equal(fx->col.sources->str, "b.txt\n");
    g_free(a);
    g_free(b);
}

/* begin() ends an open document first; text never joins across
 * documents. */
static void test_begin_ends_open_document(void **state)
{
    fixture *fx = *state;
    use_rules(fx, cat_rules);
    collector_reset(&fx->col);
    assert_int_equal(fx_engine_begin(fx->eng, "c"), FX_OK);
    assert_int_equal(fx_engine_feed(fx->eng, "1 cats 9 ca", 11), FX_OK);
    assert_int_equal(fx_engine_begin(fx->eng, "d"), FX_OK);
    assert_string_equal(fx->col.full->str,
                        "0,6,1:1,statistic,cats,1,cats,,\n");
    assert_int_equal(fx_engine_feed(fx->eng, "ts 4 cats", 9), FX_OK);
    assert_int_equal(fx_engine_finish(fx->eng), FX_OK);
    assert_string_equal(fx->col.full->str,
                        "0,6,1:1,statistic,cats,1,cats,,\n"
                        "3,9,1:4,statistic,cats,4,cats,,\n");
    assert_string_equal(fx->col.sources->str, "c\nd\n");
    /* Feeding without begin() starts a document named "-". */
    collector_reset(&fx->col);
    assert_int_equal(fx_engine_feed(fx->eng, "2 cats", 6), FX_OK);
    assert_int_equal(fx_engine_finish(fx->eng), FX_OK);
    assert_string_equal(fx->col.sources->str, "-\n");
    /* An empty document, and finish() twice. */
    char *none = run(fx, "", 0);
    assert_string_equal(none, "");
    assert_int_equal(fx_engine_finish(fx->eng), FX_OK);
    g_free(none);
}

static void test_usage_errors(void **state)
{
    fixture *fx = *state;
    use_rules(fx, cat_rules);
    fx_engine *e = (fx_engine *)&e;
    fx_sink no_row = {"none", NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(fx_engine_new(&e, fx->rs, &no_row, NULL, NULL),
                     FX_ERR_USAGE);
    assert_null(e);
    e = (fx_engine *)&e;
    assert_int_equal(fx_engine_new(&e, NULL, &fx->sink, NULL, NULL),
                     FX_ERR_USAGE);
    assert_null(e);
    assert_int_equal(fx_engine_feed(fx->eng, NULL, 3), FX_ERR_USAGE);
    assert_int_equal(fx_engine_feed(NULL, "x", 1), FX_ERR_USAGE);
    assert_int_equal(fx_engine_begin(NULL, "x"), FX_ERR_USAGE);
    assert_int_equal(fx_engine_finish(NULL), FX_ERR_USAGE);
    fx_engine_free(NULL);
}

/* A sink error stops the run and is returned. */
static fx_status refuse_row(void *payload, const fx_row *r)
{
    (void)r;
    (*(unsigned *)payload)++;
    return FX_ERR_SINK;
}

static void test_sink_error(void **state)
{
    fixture *fx = *state;
    use_rules(fx, cat_rules);
    unsigned calls = 0;
    fx_sink sink = {"refuse", NULL, refuse_row, NULL, NULL, &calls};
    fx_engine *e = NULL;
    assert_int_equal(fx_engine_new(&e, fx->rs, &sink, NULL, NULL), FX_OK);
    assert_int_equal(fx_engine_begin(e, "x"), FX_OK);
    fx_status st = fx_engine_feed(e, "1 cats 2 cats 3 cats", 20);
    if (st == FX_OK)
        st = fx_engine_finish(e);
    assert_int_equal(st, FX_ERR_SINK);
    assert_int_equal(calls, 1);
    fx_engine_free(e);
}

/* ---- limits ---- */

/* A rule that backtracks without end on a line of a's, and one that
 * finds "5 cats". */
static const char slow_rules[] = "rule slow\n"
                                 "  type: statistic\n"
                                 "  pattern: (?<number>\\d)(a+)+$\n"
                                 "rule cats\n"
                                 "  type: statistic\n"
                                 "  pattern: (?<number>\\d+) (?<unit>cats)\n";

static void test_catastrophic_backtracking(void **state)
{
    fixture *fx = *state;
    use_rules(fx, slow_rules);
    GString *text = g_string_new("1");
    for (int i = 0; i < 30; i++)
        g_string_append_c(text, 'a');
    g_string_append(text, "b\n5 cats\n");
    static const size_t chunks[] = {0, 16};
    for (size_t i = 0; i < G_N_ELEMENTS(chunks); i++) {
        g_ptr_array_set_size(fx->diags, 0);
        gint64 t0 = g_get_monotonic_time();
        char *got = run_doc(fx, "slow.txt", text->str, chunks[i]);
        gint64 elapsed = g_get_monotonic_time() - t0;
        assert_string_equal(got, "33,39,2:1,statistic,cats,5,cats,,\n");
        g_free(got);
        assert_true(elapsed < 60 * G_USEC_PER_SEC);
        if (fx->diags->len == 0)
            print_message("no warning (chunks of %zu)\n", chunks[i]);
        assert_true(fx->diags->len >= 1);
        const diag_rec *d = g_ptr_array_index(fx->diags, 0);
        assert_int_equal(d->sev, FX_SEV_WARNING);
        assert_string_equal(d->file, "slow.txt");
        assert_int_equal(d->offset, 0);
        assert_non_null(strstr(d->msg, "rule 'slow'"));
        assert_non_null(strstr(d->msg, "gave up"));
    }
    g_string_free(text, TRUE);
}

/* Rows and warnings of `text` fed in chunks of `chunk` bytes with
 * `threads` threads, as one string. */
static char *rows_and_warnings(fixture *fx, const char *text, size_t chunk,
                               unsigned threads)
{
    fx_engine_free(fx->eng);
    assert_int_equal(fx_engine_new(&fx->eng, fx->rs, &fx->sink, record_diag,
                                   fx->diags),
                     FX_OK);
    assert_int_equal(fx_engine_set_threads(fx->eng, threads), FX_OK);
    g_ptr_array_set_size(fx->diags, 0);
    char *rows = run_doc(fx, "t.txt", text, chunk);
    GString *out = g_string_new(rows);
    g_free(rows);
    for (guint i = 0; i < fx->diags->len; i++) {
        const diag_rec *d = g_ptr_array_index(fx->diags, i);
        g_string_append_printf(out, "warning at %" PRIu64 ": %s\n",
                               d->offset, d->msg);
    }
    return g_string_free(out, FALSE);
}

/* With threads, a chunk's rows are written while the next chunk is
 * scanned: the rows, and the warnings in their order, do not change. */
static void test_threads_same_rows_and_warnings(void **state)
{
    fixture *fx = *state;
    char *rules = g_strconcat(slow_rules, "rule year\n"
                              "  type: date\n"
                              "  pattern: (?<![\\d])(?<year>(?:19|20)\\d\\d)"
                              "(?![\\d])\n", NULL);
    use_rules(fx, rules);
    g_free(rules);
    GString *text = g_string_new(NULL);
    for (int i = 0; i < 400; i++) {
        if (i % 150 == 7) {
            g_string_append_c(text, '1');
            for (int k = 0; k < 26; k++)
                g_string_append_c(text, 'a');
            g_string_append(text, "b\n");
        }
        /* Statistics wait for the end of their sentence, which is often
         * in a later chunk. */
        g_string_append_printf(text, "In %d there were %d cats%s", 1900 + i,
                               i, i % 3 ? " and\n" : ".\n\n");
    }
    char *want = rows_and_warnings(fx, text->str, 0, 1);
    assert_non_null(strstr(want, "warning at"));
    static const size_t chunks[] = {0, 1000, 4097};
    for (size_t c = 0; c < G_N_ELEMENTS(chunks); c++)
        for (unsigned threads = 1; threads <= 3; threads++) {
            char *got = rows_and_warnings(fx, text->str, chunks[c], threads);
            if (strcmp(got, want) != 0)
                print_message("chunks of %zu, %u threads\n", chunks[c],
                              threads);
            assert_string_equal(got, want);
            g_free(got);
        }
    g_free(want);
    g_string_free(text, TRUE);
}

/* After giving up, the rule resumes on the next line: a match later on
 * the same line is not made.  (Only the whole-text feed is checked: fed
 * in chunks, the rule resumes at the end of the chunk instead, see the
 * report that came with these tests.) */
static void test_limit_skips_rest_of_line(void **state)
{
    fixture *fx = *state;
    use_rules(fx, "rule slow\n"
                  "  type: statistic\n"
                  "  pattern: (?<number>\\d)(a+)+$|(?<number>\\d) "
                  "(?<unit>dogs)\n");
    GString *text = g_string_new("1");
    for (int i = 0; i < 30; i++)
        g_string_append_c(text, 'a');
    g_string_append(text, "b 7 dogs\n8 dogs\n");
    char *got = run(fx, text->str, 0);
    assert_string_equal(got, "40,46,2:1,statistic,slow,8,dogs,,\n");
    assert_int_equal(fx->diags->len, 1);
    /* The skip to the next line holds when the line ends in a later
     * chunk: every chunking gives the same rows. */
    static const size_t chunks[] = {1, 7, 32};
    for (size_t i = 0; i < G_N_ELEMENTS(chunks); i++) {
        char *part = run(fx, text->str, chunks[i]);
        assert_string_equal(part, got);
        g_free(part);
    }
    g_free(got);
    g_string_free(text, TRUE);
}

/* A match attempt longer than FX_MAX_MATCH while streaming is abandoned
 * with a warning naming the rule and its start. */
static void test_longest_match(void **state)
{
    fixture *fx = *state;
    use_rules(fx, "rule long\n"
                  "  type: statistic\n"
                  "  pattern: (?<number>\\d)x+(?<unit>y)\n");
    GString *text = g_string_new("ab 7");
    for (unsigned i = 0; i < FX_MAX_MATCH + 10000; i++)
        g_string_append_c(text, 'x');
    g_string_append(text, "y 8xy");
    char *got = run_doc(fx, "long.txt", text->str, 4096);
    uint64_t end = text->len;
    char *want = g_strdup_printf("%" PRIu64 ",%" PRIu64
                                 ",1:%" PRIu64 ",statistic,long,8,y,,\n",
                                 end - 3, end, end - 2);
    assert_string_equal(got, want);
    assert_int_equal(fx->diags->len, 1);
    const diag_rec *d = g_ptr_array_index(fx->diags, 0);
    assert_int_equal(d->sev, FX_SEV_WARNING);
    assert_int_equal(d->offset, 3);
    assert_string_equal(d->file, "long.txt");
    assert_non_null(strstr(d->msg, "rule 'long'"));
    assert_non_null(strstr(d->msg, "longer than 65536 bytes"));
    g_free(want);
    g_free(got);
    g_string_free(text, TRUE);
}

/* A run of starts each too long (a line of digits): after FX_LONG_RUN (64)
 * of them the rest of the line is skipped, so the scan stays linear; the
 * next line is scanned as ever. */
static void test_long_run(void **state)
{
    fixture *fx = *state;
    use_rules(fx, "rule long\n"
                  "  type: statistic\n"
                  "  pattern: (?<number>\\d)\\d*x(?<unit>y)\n");
    GString *text = g_string_new("ab ");
    for (unsigned i = 0; i < 4 * FX_MAX_MATCH; i++)
        g_string_append_c(text, (char)('0' + i % 10));
    g_string_append(text, "\n7xy\n");
    gint64 t0 = g_get_monotonic_time();
    char *got = run_doc(fx, "digits.txt", text->str, 4096);
    gint64 t1 = g_get_monotonic_time();
    uint64_t end = text->len;
    char *want = g_strdup_printf("%" PRIu64 ",%" PRIu64
                                 ",2:1,statistic,long,7,y,,\n",
                                 end - 4, end - 1);
    assert_string_equal(got, want);
    assert_int_equal(fx->diags->len, 64);
    const diag_rec *first = g_ptr_array_index(fx->diags, 0);
    const diag_rec *last = g_ptr_array_index(fx->diags, 63);
    assert_int_equal(first->offset, 3);
    assert_int_equal(last->offset, 3 + 63);
    assert_non_null(strstr(first->msg, "; skipped"));
    assert_null(strstr(first->msg, "next line"));
    assert_non_null(strstr(last->msg, "skipped to the next line"));
    /* 64 tries that read to the end of the text, not one per digit. */
    print_message("256 KiB of digits on one line: %.2f s\n",
                  (double)(t1 - t0) / G_USEC_PER_SEC);
    g_free(want);
    g_free(got);
    g_string_free(text, TRUE);
}

/* ---- the bundled rules ---- */

static void test_real_rules_inception(void **state)
{
    fixture *fx = *state;
    use_rules_at(fx, FIGEX_RULES_DIR);
    const char *text = "Since its inception in 1998, the program has "
                       "conducted more than 300,000 investigations.";
    char *full = run(fx, text, 0);
    assert_string_equal(fx->col.brief->str,
                        "date|1998||>=\n"
                        "statistic|300000|investigations|>\n");
    static const size_t chunks[] = {1, 7, 64};
    for (size_t i = 0; i < G_N_ELEMENTS(chunks); i++) {
        char *got = run(fx, text, chunks[i]);
        assert_string_equal(got, full);
        g_free(got);
    }
    g_free(full);
}

static void test_real_rules_not_statistics(void **state)
{
    fixture *fx = *state;
    use_rules_at(fx, FIGEX_RULES_DIR);
    fx_engine_set_types(fx->eng, 1u << FX_TYPE_STATISTIC);
    static const char *const texts[] = {
        "Cases rose during the Covid-19 pandemic.",
        "Members of the G-7 Roma-Lyon Group met.",
        "To report abuse, call 1-800-843-5678 today.",
        "The company Yahoo! filed reports.",
        "Ministers of the Five Country Ministerial met.",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
        char *got = run(fx, texts[i], 0);
        if (*got)
            print_message("text: %s\n", texts[i]);
        assert_string_equal(got, "");
        g_free(got);
    }
}

static void test_real_rules_agency_variants(void **state)
{
    fixture *fx = *state;
    use_rules_at(fx, FIGEX_RULES_DIR);
    fx_engine_set_types(fx->eng, 1u << FX_TYPE_AGENCY);
    static const char *const texts[] = {
        "The United States Department of Justice said.",
        "The U.S. Department of\nJustice said.",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
        char *got = run(fx, texts[i], 0);
        g_free(got);
        assert_string_equal(fx->col.brief->str,
                            "agency|U.S. Department of Justice||\n");
    }
}

/* The bundled rules give the same rows however the text is cut. */
static void test_real_rules_chunking(void **state)
{
    fixture *fx = *state;
    use_rules_at(fx, FIGEX_RULES_DIR);
    const char *text =
        "WASHINGTON, January 18, 2022 - The U.S. Department of\n"
        "Justice (DOJ) said that Siobh\xC3\xA1n Mullally, Special "
        "Rapporteur on\ntrafficking, met \xC5\xA0imonovic.  Since its "
        "inception in 1998, the\nprogram has conducted more than 300,000 "
        "investigations; about 27\npercent of the $4.5 billion budget "
        "went to 1,200 child victims\nbefore March 2016.  Call "
        "1-800-843-5678 during the Covid-19\npandemic.\n";
    char *whole = run(fx, text, 0);
    assert_true(fx->col.rows >= 8);
    static const size_t chunks[] = {1, 2, 3, 7, 64};
    for (size_t i = 0; i < G_N_ELEMENTS(chunks); i++) {
        char *got = run(fx, text, chunks[i]);
        if (strcmp(got, whole) != 0)
            print_message("chunks of %zu\n", chunks[i]);
        assert_string_equal(got, whole);
        g_free(got);
    }
    g_free(whole);
}

/* ---- --list-rules, --stats, --explain ---- */

static const char *const rank_rules =
    "rule short\n"
    "  type: statistic\n"
    "  priority: 5\n"
    "  description: A number and one word.\n"
    "  pattern: (?<number>\\d+) (?<unit>red)\n"
    "rule long\n"
    "  type: statistic\n"
    "  priority: 5\n"
    "  pattern: (?<number>\\d+) (?<unit>red cats)\n"
    "rule low\n"
    "  type: statistic\n"
    "  pattern: (?<number>\\d+) (?<unit>red cats)\n";

static void test_rule_info(void **state)
{
    fixture *fx = *state;
    use_rules(fx, rank_rules);
    fx_rule_info info;
    assert_int_equal(fx_ruleset_rule_info(fx->rs, 0, &info), FX_OK);
    assert_string_equal(info.id, "short");
    assert_int_equal(info.type, FX_TYPE_STATISTIC);
    assert_int_equal(info.priority, 5);
    assert_true(g_str_has_suffix(info.source, "t.rules:1"));
    assert_string_equal(info.description, "A number and one word.");
    assert_string_equal(info.pattern, "(?<number>\\d+) (?<unit>red)");
    assert_int_equal(fx_ruleset_rule_info(fx->rs, 2, &info), FX_OK);
    assert_string_equal(info.id, "low");
    assert_string_equal(info.description, "");
    assert_int_equal(fx_ruleset_rule_info(fx->rs, 3, &info), FX_ERR_USAGE);
}

static void test_rule_stats(void **state)
{
    fixture *fx = *state;
    use_rules(fx, rank_rules);
    g_free(run(fx, "12 red cats and 4 red cats; 7 red dogs", 5));
    fx_rule_stats st;
    uint64_t want[3][2] = {{3, 1}, {2, 2}, {2, 0}}; /* matches, rows */
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(fx_engine_rule_stats(fx->eng, i, &st), FX_OK);
        assert_int_equal(st.matches, want[i][0]);
        assert_int_equal(st.rows, want[i][1]);
        assert_true(st.seconds >= 0);
    }
    assert_int_equal(fx_engine_rule_stats(fx->eng, 3, &st), FX_ERR_USAGE);
}

static void keep_explanation(const fx_row *row, const char *why, void *p)
{
    g_string_append_printf(p, "%s: %s", row->rule, why);
}

static void test_explain(void **state)
{
    fixture *fx = *state;
    use_rules(fx, rank_rules);
    GString *out = g_string_new(NULL);
    fx_engine_set_explain(fx->eng, keep_explanation, out);
    g_free(run(fx, "12 red cats; 7 red dogs", 0));
    char *prefix = g_strconcat(fx->dir, "/", NULL);
    char **parts = g_strsplit(out->str, prefix, -1);
    char *got = g_strjoinv("", parts);
    g_strfreev(parts);
    g_free(prefix);
    assert_string_equal(
        got,
        "long: beat short (" "t.rules:1, priority 5) at bytes 0-6 \"12 red\": "
        "longer match (5 against 5, 11 bytes against 6)\n"
        "beat low (t.rules:10, priority 0) at bytes 0-11 \"12 red cats\": "
        "higher priority (5 against 0, 11 bytes against 11)\n"
        "short: ");
    g_free(got);
    g_string_free(out, TRUE);
}

static void test_probe(void **state)
{
    fixture *fx = *state;
    use_rules(fx, "rule cats\n"
                  "  type: statistic\n"
                  "  pattern: (?<number>\\d+) (?<unit>cats)\n");
    assert_int_equal(fx_ruleset_probe(fx->rs, record_diag, fx->diags),
                     FX_OK);
    assert_int_equal(fx->diags->len, 0);
    use_rules(fx, "rule cats\n"
                  "  type: statistic\n"
                  "  pattern: (?<number>\\d+) (?<unit>cats)\n"
                  "\n"
                  "rule runaway\n"
                  "  type: statistic\n"
                  "  pattern: (?<number>\\d)(?:[\\d,]+)+[a-z]\n");
    assert_int_equal(fx_ruleset_probe(fx->rs, record_diag, fx->diags),
                     FX_ERR_RULES);
    assert_int_equal(fx->diags->len, 1);
    const diag_rec *d = g_ptr_array_index(fx->diags, 0);
    assert_int_equal(d->sev, FX_SEV_ERROR);
    assert_true(g_str_has_suffix(d->file, "t.rules"));
    assert_int_equal(d->line, 5);
    assert_non_null(strstr(d->msg, "rule 'runaway' gives up on a probe "
                                   "text of digits and commas"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_match_across_every_split),
        T(test_chunking_invariance),
        T(test_chunking_random),
        T(test_overlap_priority_beats_length),
        T(test_overlap_longer_wins),
        T(test_overlap_load_order),
        T(test_overlap_earlier_start),
        T(test_overlap_chain),
        T(test_ignore_rule),
        T(test_rows_sorted_by_start),
        T(test_line_and_column),
        T(test_line_and_column_random),
        T(test_type_filter),
        T(test_type_filter_keeps_overlaps),
        T(test_two_documents),
        T(test_begin_ends_open_document),
        T(test_usage_errors),
        T(test_sink_error),
        T(test_catastrophic_backtracking),
        T(test_threads_same_rows_and_warnings),
        T(test_limit_skips_rest_of_line),
        T(test_longest_match),
        T(test_long_run),
        T(test_real_rules_inception),
        T(test_real_rules_not_statistics),
        T(test_real_rules_agency_variants),
        T(test_real_rules_chunking),
        T(test_rule_info),
        T(test_rule_stats),
        T(test_explain),
        T(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
