/*
 * test_score.c: `figex score`, the comparison of predicted rows with gold
 * annotations (src/score.c).
 *
 * The matchers are called on hand-made spans; the report is checked
 * character for character on small gold and prediction files whose
 * figures are worked out by hand in the comments; every input error is
 * checked with its file, line, column and message; the command itself
 * runs on temporary files.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"
#include "support.h"

#define NONE FX_SCORE_UNMATCHED

/* The required columns of a gold file, as a TSV header line. */
#define GOLD_HEAD "type\tstart_byte\tend_byte\tvalue\n"

/* ---- matching ---- */

static void test_strict_pairs_identical_spans_in_file_order(void **state)
{
    (void)state;
    /* [10,14) twice in gold and three times in the predictions: the
     * duplicates pair off in file order (gold 1 with pred 0, gold 2 with
     * pred 2), the third prediction stays alone.  [0,4) and [0,5) are
     * different spans. */
    const fx_score_span gold[] = {{0, 4}, {10, 14}, {10, 14}};
    const fx_score_span pred[] = {{10, 14}, {0, 5}, {10, 14}, {10, 14}};
    size_t g2p[3], p2g[4];
    assert_int_equal(fx_score_match_strict(gold, 3, pred, 4, g2p, p2g), 2);
    assert_true(g2p[0] == NONE && g2p[1] == 0 && g2p[2] == 2);
    assert_true(p2g[0] == 1 && p2g[1] == NONE && p2g[2] == 2 &&
                p2g[3] == NONE);
}

static void test_lenient_prefers_the_largest_overlap(void **state)
{
    (void)state;
    /* gold [0,10): pred [5,20) shares 5 bytes, pred [2,9) shares 7. */
    const fx_score_span gold[] = {{0, 10}};
    const fx_score_span pred[] = {{5, 20}, {2, 9}};
    size_t g2p[1], p2g[2];
    assert_int_equal(fx_score_match_lenient(gold, 1, pred, 2, g2p, p2g), 1);
    assert_true(g2p[0] == 1 && p2g[0] == NONE && p2g[1] == 0);

    /* One prediction over two gold rows counts once, with the one it
     * overlaps most: [5,25) shares 5 bytes with [0,10), 17 with [8,30). */
    const fx_score_span gold2[] = {{0, 10}, {8, 30}};
    const fx_score_span pred2[] = {{5, 25}};
    size_t g2p2[2], p2g2[1];
    assert_int_equal(fx_score_match_lenient(gold2, 2, pred2, 1, g2p2, p2g2),
                     1);
    assert_true(g2p2[0] == NONE && g2p2[1] == 0 && p2g2[0] == 1);
}

static void test_lenient_ties(void **state)
{
    (void)state;
    size_t g2p[2], p2g[2];
    /* Equal overlaps (5 bytes): the identical span wins, whatever its
     * start, so every strict pair is also a lenient pair. */
    const fx_score_span gold1[] = {{5, 10}};
    const fx_score_span pred1[] = {{0, 10}, {5, 10}};
    assert_int_equal(fx_score_match_lenient(gold1, 1, pred1, 2, g2p, p2g), 1);
    assert_true(g2p[0] == 1);

    /* [8,22) shares 2 bytes with both [0,10) and [20,30), at the same
     * distance (8 + 12 = 12 + 8): the earlier gold row takes it. */
    const fx_score_span gold2[] = {{20, 30}, {0, 10}};
    const fx_score_span pred2[] = {{8, 22}};
    assert_int_equal(fx_score_match_lenient(gold2, 2, pred2, 1, g2p, p2g), 1);
    assert_true(g2p[0] == NONE && g2p[1] == 0 && p2g[0] == 1);

    /* [15,25) and [5,15) each share 5 bytes with [10,20) at distance 10:
     * the earlier prediction, listed second, wins. */
    const fx_score_span gold3[] = {{10, 20}};
    const fx_score_span pred3[] = {{15, 25}, {5, 15}};
    assert_int_equal(fx_score_match_lenient(gold3, 1, pred3, 2, g2p, p2g), 1);
    assert_true(g2p[0] == 1 && p2g[0] == NONE);
}

static void test_touching_and_empty_spans(void **state)
{
    (void)state;
    size_t g2p[2], p2g[2];
    /* Half-open spans: [0,5) and [5,9) share no byte. */
    const fx_score_span gold[] = {{0, 5}, {7, 7}};
    const fx_score_span pred[] = {{5, 9}, {7, 7}};
    assert_int_equal(fx_score_match_lenient(gold, 1, pred, 1, g2p, p2g), 0);
    /* Empty spans share no byte, but identical ones still pair, in both
     * matchings; the empty [7,7) inside [5,9) is no lenient partner. */
    assert_int_equal(fx_score_match_strict(gold + 1, 1, pred + 1, 1, g2p, p2g),
                     1);
    assert_int_equal(
        fx_score_match_lenient(gold + 1, 1, pred + 1, 1, g2p, p2g), 1);
    assert_int_equal(fx_score_match_lenient(gold + 1, 1, pred, 1, g2p, p2g),
                     0);
    /* No rows at all. */
    assert_int_equal(fx_score_match_lenient(NULL, 0, NULL, 0, g2p, p2g), 0);
}

/* 3000 gold and 3000 predicted spans that all overlap give 9 million
 * overlapping pairs, more than the matcher ranks: refused, not exhausting
 * memory, and reported by the scorer. */
static void test_overlap_limit(void **state)
{
    (void)state;
    enum { N = 3000 };
    assert_true((size_t)N * N > FX_SCORE_MAX_OVERLAPS);
    fx_score_span *spans = g_new(fx_score_span, N);
    GString *gold = g_string_new(GOLD_HEAD);
    GString *pred = g_string_new("type,start_byte,end_byte,value,rule\n");
    for (unsigned i = 0; i < N; i++) {
        spans[i] = (fx_score_span){i, 100000 + i};
        g_string_append_printf(gold, "date\t%u\t%u\tx\n", i, 100000 + i);
        g_string_append_printf(pred, "date,%u,%u,x,r\n", i, 100000 + i);
    }
    size_t *g2p = g_new(size_t, N), *p2g = g_new(size_t, N);
    assert_true(fx_score_match_lenient(spans, N, spans, N, g2p, p2g) == NONE);
    assert_true(g2p[0] == NONE && p2g[N - 1] == NONE);
    /* Fewer spans are paired: each with its identical twin. */
    assert_int_equal(fx_score_match_lenient(spans, 300, spans, 300, g2p, p2g),
                     300);
    assert_int_equal(g2p[123], 123);

    fx_score_table *g = NULL, *p = NULL;
    fx_score_result *res = NULL;
    fx_score_error err = {0};
    assert_int_equal(fx_score_table_parse(&g, FX_SCORE_GOLD, "g", gold->str,
                                          gold->len, false, &err),
                     FX_OK);
    assert_int_equal(fx_score_table_parse(&p, FX_SCORE_PRED, "p", pred->str,
                                          pred->len, true, &err),
                     FX_OK);
    assert_int_equal(fx_score_compute(&res, g, p, &err), FX_ERR_INPUT);
    assert_null(res);
    assert_string_equal(err.file, "g");
    assert_int_equal(err.line, 0);
    assert_string_equal(err.message,
                        "more than 4194304 overlapping pairs of date rows in "
                        "one document, too many to pair (are the spans "
                        "right?)");
    fx_score_error_clear(&err);
    fx_score_table_free(g);
    fx_score_table_free(p);
    g_string_free(gold, TRUE);
    g_string_free(pred, TRUE);
    g_free(spans);
    g_free(g2p);
    g_free(p2g);
}

/* On random spans, the lenient matching is a one-to-one pairing of
 * overlapping spans with at least as many pairs as the strict one. */
static void test_lenient_matching_properties(void **state)
{
    (void)state;
    GRand *rand = g_rand_new_with_seed(20240611);
    for (int round = 0; round < 500; round++) {
        fx_score_span gold[12], pred[12];
        size_t ng = (size_t)g_rand_int_range(rand, 0, 12);
        size_t np = (size_t)g_rand_int_range(rand, 0, 12);
        for (size_t i = 0; i < ng + np; i++) {
            fx_score_span *s = i < ng ? &gold[i] : &pred[i - ng];
            s->start = (uint64_t)g_rand_int_range(rand, 0, 60);
            s->end = s->start + (uint64_t)g_rand_int_range(rand, 0, 15);
        }
        size_t g2p[12], p2g[12], sg2p[12], sp2g[12];
        size_t strict = fx_score_match_strict(gold, ng, pred, np, sg2p, sp2g);
        size_t lenient = fx_score_match_lenient(gold, ng, pred, np, g2p, p2g);
        assert_true(lenient >= strict);
        size_t seen = 0;
        for (size_t i = 0; i < ng; i++) {
            if (g2p[i] == NONE)
                continue;
            const fx_score_span *a = &gold[i], *b = &pred[g2p[i]];
            assert_int_equal(p2g[g2p[i]], i);
            assert_true(MAX(a->start, b->start) < MIN(a->end, b->end) ||
                        (a->start == b->start && a->end == b->end));
            seen++;
        }
        assert_int_equal(seen, lenient);
    }
    g_rand_free(rand);
}

/* ---- the report ---- */

typedef struct {
    const char *data;
    bool csv;
} input;

/* Parse both inputs, score them and render; the caller frees. */
static char *score(input gold, input pred, fx_score_output output,
                   bool by_rule)
{
    fx_score_table *g = NULL, *p = NULL;
    fx_score_result *res = NULL;
    fx_score_error err = {0};
    fx_status st = fx_score_table_parse(&g, FX_SCORE_GOLD, "gold", gold.data,
                                        strlen(gold.data), gold.csv, &err);
    if (st == FX_OK)
        st = fx_score_table_parse(&p, FX_SCORE_PRED, "pred", pred.data,
                                  strlen(pred.data), pred.csv, &err);
    if (st == FX_OK)
        st = fx_score_compute(&res, g, p, &err);
    if (st != FX_OK)
        print_message("%s:%u:%u: %s\n", err.file, err.line, err.col,
                      err.message);
    assert_int_equal(st, FX_OK);
    char *report = fx_score_render(res, output, by_rule);
    fx_score_result_free(res);
    fx_score_table_free(g);
    fx_score_table_free(p);
    return report;
}

/*
 * A memo annotated by hand (TSV, with comments; unit and qualifier are
 * scored) and figex's CSV rows for it.
 *
 *   gold                               predicted
 *   A1 agency [0,36)                   P1 [0,36)    agency-name    = A1
 *                                      P2 [50,53)   agency-acronym   FP
 *   D1 date [100,110) 2015-06-01       P3 [100,110) date-iso       = D1
 *                                         qualifier ~ (gold: empty)
 *   D2 date [200,204) 2015 >=          P4 [195,204) date-month-year ~ D2
 *                                         value 2015-01
 *   S1 statistic [300,320) 300 >       P5 [295,320) statistic-count ~ S1
 *      unit examinations                  unit digital examinations
 *   S2 statistic [400,407) 94 percent  P6 [400,407) statistic-percent = S2
 *                                         qualifier ~ (gold: empty)
 *                                      P7 [500,505) statistic-count  FP
 *
 * (= identical span, ~ overlapping span.)  Detection:
 *   agency     gold 1 pred 2  strict 1 lenient 1: P 1/2 R 1/1 F1 2/3
 *   date       gold 2 pred 2  strict 1: P 1/2 R 1/2 F1 2/4
 *                             lenient 2: P 2/2 R 2/2 F1 4/4
 *   statistic  gold 2 pred 3  strict 1: P 1/3 R 1/2 F1 2/5
 *                             lenient 2: P 2/3 R 2/2 F1 4/5
 *   all        gold 5 pred 7  strict 3: P 3/7 = 0.429 R 3/5 F1 6/12
 *                             lenient 5: P 5/7 = 0.714 R 5/5 F1 10/12
 *   official has no rows: every ratio is undefined, "-".
 * Accuracy on the 5 lenient pairs (an empty gold cell expects an empty
 * prediction):
 *   value      A1 yes; D1 yes, D2 no; S1 yes, S2 yes   -> 1, 1/2, 1, 4/5
 *   unit       A1 yes; D1 yes, D2 yes; S1 no, S2 yes   -> 1, 1, 1/2, 4/5
 *   qualifier  A1 yes; D1 no, D2 yes; S1 yes, S2 no    -> 1, 1/2, 1/2, 3/5
 * By rule (lenient TP; share = TP / gold rows of the rule's type):
 *   agency-acronym 1 row 0 TP: P 0, share 0/1; agency-name 1 1: 1, 1/1;
 *   date-iso 1 1: 1, 1/2; date-month-year 1 1: 1, 1/2;
 *   statistic-count 2 1: 1/2, 1/2; statistic-percent 1 1: 1, 1/2.
 */
static const char memo_gold[] =
    "# Hand annotations of a memo.\n"
    "type\tstart_byte\tend_byte\tvalue\tunit\tqualifier\n"
    "agency\t0\t36\tU.S. Department of Homeland Security\t\t\n"
    "date\t100\t110\t2015-06-01\t\t\n"
    "# the period the memo looks back on\n"
    "date\t200\t204\t2015\t\t>=\n"
    "statistic\t300\t320\t300\texaminations\t>\n"
    "statistic\t400\t407\t94\tpercent\t\n";

#define MEMO_PRED_HEADER                                                      \
    "source,start_byte,end_byte,line,column,type,text,value,low,high,unit,"   \
    "qualifier,precision,acronym,title,as_of,agency,rule,rule_source\n"

static const char memo_pred[] = MEMO_PRED_HEADER
    "memo.txt,0,36,1,1,agency,U.S. Department of Homeland Security,"
    "U.S. Department of Homeland Security,,,,,,DHS,,,,agency-name,"
    "rules/agency.rules:6\n"
    "memo.txt,50,53,2,5,agency,DHS,U.S. Department of Homeland Security,"
    ",,,,,DHS,,,,agency-acronym,rules/agency.rules:20\n"
    "memo.txt,100,110,4,1,date,2015-06-01,2015-06-01,2015-06-01,"
    "2015-06-01,,~,day,,,,,date-iso,rules/date.rules:28\n"
    "memo.txt,195,204,6,1,date,June 2015,2015-01,2015-01-01,,,>=,month,"
    ",,,,date-month-year,rules/date.rules:40\n"
    "memo.txt,295,320,8,1,statistic,more than 300 examinations,300,300,,"
    "digital examinations,>,,,,,,statistic-count,rules/statistic.rules:31\n"
    "memo.txt,400,407,9,1,statistic,94 percent,94,94,94,percent,~,,,,,,"
    "statistic-percent,rules/statistic.rules:12\n"
    "memo.txt,500,505,10,1,statistic,12 cases,12,12,12,cases,,,,,,,"
    "statistic-count,rules/statistic.rules:31\n";

static const char memo_report[] =
    "type       match    gold  pred  tp  fp  fn  precision  recall     f1\n"
    "agency     strict      1     2   1   1   0      0.500   1.000  0.667\n"
    "agency     lenient     1     2   1   1   0      0.500   1.000  0.667\n"
    "official   strict      0     0   0   0   0          -       -      -\n"
    "official   lenient     0     0   0   0   0          -       -      -\n"
    "date       strict      2     2   1   1   1      0.500   0.500  0.500\n"
    "date       lenient     2     2   2   0   0      1.000   1.000  1.000\n"
    "statistic  strict      2     3   1   2   1      0.333   0.500  0.400\n"
    "statistic  lenient     2     3   2   1   0      0.667   1.000  0.800\n"
    "all        strict      5     7   3   4   2      0.429   0.600  0.500\n"
    "all        lenient     5     7   5   2   0      0.714   1.000  0.833\n"
    "\n"
    "type       pairs  value   unit  qualifier\n"
    "agency         1  1.000  1.000      1.000\n"
    "official       0      -      -          -\n"
    "date           2  0.500  1.000      0.500\n"
    "statistic      2  1.000  0.500      0.500\n"
    "all            5  0.800  0.800      0.600\n";

static const char memo_by_rule[] =
    "\n"
    "rule               type       pred  tp  precision  recall_share\n"
    "agency-acronym     agency        1   0      0.000         0.000\n"
    "agency-name        agency        1   1      1.000         1.000\n"
    "date-iso           date          1   1      1.000         0.500\n"
    "date-month-year    date          1   1      1.000         0.500\n"
    "statistic-count    statistic     2   1      0.500         0.500\n"
    "statistic-percent  statistic     1   1      1.000         0.500\n";

static void test_report_text(void **state)
{
    (void)state;
    char *report = score((input){memo_gold, false}, (input){memo_pred, true},
                         FX_SCORE_OUT_TEXT, false);
    assert_string_equal(report, memo_report);
    g_free(report);
}

static void test_report_by_rule(void **state)
{
    (void)state;
    char *report = score((input){memo_gold, false}, (input){memo_pred, true},
                         FX_SCORE_OUT_TEXT, true);
    char *expected = g_strconcat(memo_report, memo_by_rule, NULL);
    assert_string_equal(report, expected);
    g_free(expected);
    g_free(report);
}

/* The same figures as TSV: no padding, undefined ratios empty. */
static void test_report_tsv(void **state)
{
    (void)state;
    char *report = score((input){memo_gold, false}, (input){memo_pred, true},
                         FX_SCORE_OUT_TSV, true);
    assert_string_equal(
        report, "type\tmatch\tgold\tpred\ttp\tfp\tfn\tprecision\trecall\tf1\n"
                "agency\tstrict\t1\t2\t1\t1\t0\t0.500\t1.000\t0.667\n"
                "agency\tlenient\t1\t2\t1\t1\t0\t0.500\t1.000\t0.667\n"
                "official\tstrict\t0\t0\t0\t0\t0\t\t\t\n"
                "official\tlenient\t0\t0\t0\t0\t0\t\t\t\n"
                "date\tstrict\t2\t2\t1\t1\t1\t0.500\t0.500\t0.500\n"
                "date\tlenient\t2\t2\t2\t0\t0\t1.000\t1.000\t1.000\n"
                "statistic\tstrict\t2\t3\t1\t2\t1\t0.333\t0.500\t0.400\n"
                "statistic\tlenient\t2\t3\t2\t1\t0\t0.667\t1.000\t0.800\n"
                "all\tstrict\t5\t7\t3\t4\t2\t0.429\t0.600\t0.500\n"
                "all\tlenient\t5\t7\t5\t2\t0\t0.714\t1.000\t0.833\n"
                "\n"
                "type\tpairs\tvalue\tunit\tqualifier\n"
                "agency\t1\t1.000\t1.000\t1.000\n"
                "official\t0\t\t\t\n"
                "date\t2\t0.500\t1.000\t0.500\n"
                "statistic\t2\t1.000\t0.500\t0.500\n"
                "all\t5\t0.800\t0.800\t0.600\n"
                "\n"
                "rule\ttype\tpred\ttp\tprecision\trecall_share\n"
                "agency-acronym\tagency\t1\t0\t0.000\t0.000\n"
                "agency-name\tagency\t1\t1\t1.000\t1.000\n"
                "date-iso\tdate\t1\t1\t1.000\t0.500\n"
                "date-month-year\tdate\t1\t1\t1.000\t0.500\n"
                "statistic-count\tstatistic\t2\t1\t0.500\t0.500\n"
                "statistic-percent\tstatistic\t1\t1\t1.000\t0.500\n");
    g_free(report);
}

/*
 * GOLD as CSV (CRLF line ends, a byte order mark, a quoted cell running
 * over two lines) against PRED as TSV whose value holds an escaped line
 * break: both read "two\nlines", so the one pair's value matches.  The
 * gold's text column is scored too: "a, b" against "a, b" matches.
 *   date: gold 1, pred 1, strict 1, lenient 1 -> P = R = F1 = 1.
 */
static void test_csv_gold_tsv_pred(void **state)
{
    (void)state;
    const char *gold = "\xEF\xBB\xBFtype,start_byte,end_byte,text,value\r\n"
                       "# one fact\r\n"
                       "date,3,9,\"a, b\",\"two\r\nlines\"\r\n";
    const char *pred = "type\tstart_byte\tend_byte\ttext\tvalue\trule\n"
                       "date\t3\t9\ta, b\ttwo\\r\\nlines\tr\n";
    fx_score_table *g = NULL, *p = NULL;
    fx_score_result *res = NULL;
    fx_score_error err = {0};
    assert_int_equal(fx_score_table_parse(&g, FX_SCORE_GOLD, "g.csv", gold,
                                          strlen(gold), true, &err),
                     FX_OK);
    assert_int_equal(fx_score_table_parse(&p, FX_SCORE_PRED, "p", pred,
                                          strlen(pred), false, &err),
                     FX_OK);
    assert_int_equal(fx_score_table_rows(g), 1);
    assert_int_equal(fx_score_compute(&res, g, p, &err), FX_OK);
    const fx_score_counts *d = &res->by_type[FX_TYPE_DATE];
    assert_int_equal(d->gold, 1);
    assert_int_equal(d->pred, 1);
    assert_int_equal(d->strict_tp, 1);
    assert_int_equal(d->lenient_tp, 1);
    assert_int_equal(d->value_ok, 1);
    assert_true(res->scored[FX_COL_TEXT]);
    assert_int_equal(d->column_ok[FX_COL_TEXT], 1);
    assert_false(res->scored[FX_COL_RULE]);
    fx_score_result_free(res);
    fx_score_table_free(g);
    fx_score_table_free(p);
}

/*
 * Several documents: GOLD has a source column, so rows pair only within
 * their document.  Both predictions of b.txt are at [0,4), but b.txt's
 * gold row is at [10,14): nothing pairs there.  c.txt is not in GOLD;
 * its row counts as a false positive and is reported.
 *   date: gold 2 (a, b), pred 4, lenient TP 1 (a.txt) -> P 1/4, R 1/2.
 */
static void test_per_source_matching(void **state)
{
    (void)state;
    const char *gold = "source\ttype\tstart_byte\tend_byte\tvalue\n"
                       "a.txt\tdate\t0\t4\t2020\n"
                       "b.txt\tdate\t10\t14\t2021\n";
    const char *pred = "source,type,start_byte,end_byte,value,rule\n"
                       "a.txt,date,0,4,2020,r\n"
                       "b.txt,date,0,4,2020,r\n"
                       "b.txt,date,0,4,2020,r\n"
                       "c.txt,date,10,14,2021,r\n";
    fx_score_table *g = NULL, *p = NULL;
    fx_score_result *res = NULL;
    fx_score_error err = {0};
    assert_int_equal(fx_score_table_parse(&g, FX_SCORE_GOLD, "g", gold,
                                          strlen(gold), false, &err),
                     FX_OK);
    assert_int_equal(fx_score_table_parse(&p, FX_SCORE_PRED, "p", pred,
                                          strlen(pred), true, &err),
                     FX_OK);
    assert_int_equal(fx_score_compute(&res, g, p, &err), FX_OK);
    assert_int_equal(res->all.gold, 2);
    assert_int_equal(res->all.pred, 4);
    assert_int_equal(res->all.lenient_tp, 1);
    assert_int_equal(res->nstrays, 1);
    assert_string_equal(res->strays[0].source, "c.txt");
    assert_int_equal(res->strays[0].rows, 1);
    assert_int_equal(res->strays[0].line, 5);
    assert_int_equal(res->strays[0].col, 1);
    fx_score_result_free(res);
    fx_score_table_free(g);
    fx_score_table_free(p);
}

/* ---- input errors ---- */

typedef struct {
    const char *what;
    fx_score_role role;
    bool csv;
    const char *data;
    unsigned line, col;
    const char *message;
} parse_case;

static const parse_case parse_cases[] = {
    {"unknown header", FX_SCORE_GOLD, false,
     "type\tstart_byte\tend_byte\tvalue\tnote\n", 1, 32,
     "unknown column 'note' (not a column of figex's rows)"},
    {"duplicate header", FX_SCORE_GOLD, true,
     "# header next\ntype,start_byte,end_byte,value,type\n", 2, 32,
     "column 'type' appears twice"},
    {"missing gold column", FX_SCORE_GOLD, false,
     "\n# no value\ntype\tstart_byte\tend_byte\n", 3, 1,
     "missing column 'value'"},
    {"missing rule", FX_SCORE_PRED, true, "type,start_byte,end_byte,value\n",
     1, 1, "missing column 'rule'"},
    {"bad start", FX_SCORE_GOLD, false, GOLD_HEAD "date\t1x\t5\t2020\n", 2, 6,
     "bad number '1x' in start_byte (expected a whole number of bytes)"},
    {"negative start", FX_SCORE_GOLD, true,
     "type,start_byte,end_byte,value\ndate,-1,5,2020\n", 2, 6,
     "bad number '-1' in start_byte (expected a whole number of bytes)"},
    {"empty end", FX_SCORE_GOLD, false, GOLD_HEAD "date\t1\t\t2020\n", 2, 8,
     "bad number '' in end_byte (expected a whole number of bytes)"},
    {"too big", FX_SCORE_GOLD, false,
     GOLD_HEAD "date\t18446744073709551616\t1\t2020\n", 2, 6,
     "bad number '18446744073709551616' in start_byte (expected a whole "
     "number of bytes)"},
    {"end before start", FX_SCORE_GOLD, true,
     "type,start_byte,end_byte,value\r\ndate,9,5,2020\r\n", 2, 8,
     "end_byte 5 is before start_byte 9"},
    {"unknown type", FX_SCORE_PRED, false,
     "type\tstart_byte\tend_byte\tvalue\trule\nperson\t1\t5\tx\tr\n", 2, 1,
     "unknown type 'person' (expected agency, official, date or "
     "statistic)"},
    {"ignore", FX_SCORE_GOLD, false, GOLD_HEAD "ignore\t1\t5\tx\n", 2, 1,
     "type 'ignore' cannot be scored: figex writes no rows of it"},
    {"too few fields", FX_SCORE_GOLD, false, GOLD_HEAD "date\t1\t5\n", 2, 9,
     "row has 3 fields but the header has 4"},
    {"too many fields", FX_SCORE_GOLD, true,
     "type,start_byte,end_byte,value\ndate,1,5,x,y\n", 2, 12,
     "row has 5 fields but the header has 4"},
    {"bad escape", FX_SCORE_GOLD, false, GOLD_HEAD "date\t1\t5\t\\q\n", 2, 10,
     "unknown escape in a TSV cell (a backslash must start \\t, \\n, \\r "
     "or \\\\)"},
    {"trailing backslash", FX_SCORE_GOLD, false,
     GOLD_HEAD "date\t1\t5\t\xC3\xA9t\xC3\xA9\\\n", 2, 13,
     "unknown escape in a TSV cell (a backslash must start \\t, \\n, \\r "
     "or \\\\)"},
    {"text after a closing quote", FX_SCORE_GOLD, true,
     "type,start_byte,end_byte,value\ndate,1,5,\"20\"20\n", 2, 14,
     "CSV syntax error: a quote inside an unquoted field, or text after a "
     "closing quote"},
    {"quote inside a field", FX_SCORE_PRED, true,
     "type,start_byte,end_byte,value,rule\ndate,1,5,20\"20,r\n", 2, 12,
     "CSV syntax error: a quote inside an unquoted field, or text after a "
     "closing quote"},
    {"unclosed quote", FX_SCORE_GOLD, true,
     "type,start_byte,end_byte,value\ndate,1,5,\"2020\n\n", 2, 10,
     "CSV syntax error: quoted field not closed before the end of the "
     "file"},
    {"empty", FX_SCORE_PRED, true, "", 0, 0,
     "no header line (the file is empty)"},
    {"only comments", FX_SCORE_GOLD, false, "# nothing yet\n\n", 0, 0,
     "no header line (the file is empty or all comments)"},
    {"a comment is data in PRED", FX_SCORE_PRED, false,
     "# figex\ntype\tstart_byte\tend_byte\tvalue\trule\n", 1, 1,
     "missing column 'type'"},
};

static void test_parse_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(parse_cases); i++) {
        const parse_case *c = &parse_cases[i];
        fx_score_table *t = (fx_score_table *)&t; /* must be reset */
        fx_score_error err = {0};
        print_message("case: %s\n", c->what);
        assert_int_equal(fx_score_table_parse(&t, c->role, "in", c->data,
                                              strlen(c->data), c->csv, &err),
                         FX_ERR_INPUT);
        assert_null(t);
        assert_string_equal(err.file, "in");
        assert_int_equal(err.line, c->line);
        assert_int_equal(err.col, c->col);
        assert_string_equal(err.message, c->message);
        fx_score_error_clear(&err);
        assert_null(err.message);
    }
}

/* A NUL would cut a cell short unseen, so it is refused where it is. */
static void test_nul_byte(void **state)
{
    (void)state;
    static const char data[] = GOLD_HEAD "da\0te\t1\t5\t2020\n";
    fx_score_table *t = NULL;
    fx_score_error err = {0};
    assert_int_equal(fx_score_table_parse(&t, FX_SCORE_GOLD, "in", data,
                                          sizeof data - 1, false, &err),
                     FX_ERR_INPUT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 3);
    assert_string_equal(err.message, "NUL byte in the file (is it text?)");
    fx_score_error_clear(&err);
}

/* Problems found only when both files are known. */
static void test_compute_errors(void **state)
{
    (void)state;
    static const struct {
        const char *gold, *pred;
        unsigned line, col;
        const char *message;
    } cases[] = {
        {GOLD_HEAD, "type,start_byte,end_byte,value,rule\n", 0, 0, NULL},
        {"type\tstart_byte\tend_byte\tvalue\tunit\n",
         "\ntype,start_byte,end_byte,value,rule\n", 2, 1,
         "missing column 'unit', which GOLD has and which is scored"},
        {"source\ttype\tstart_byte\tend_byte\tvalue\n",
         "type,start_byte,end_byte,value,rule\n", 1, 1,
         "missing column 'source' (GOLD has one, so rows are matched per "
         "source)"},
        {GOLD_HEAD,
         "type,start_byte,end_byte,value,rule,source\n"
         "date,0,4,2020,r,a.txt\n"
         "date,5,9,2021,r,a.txt\n"
         "date,0,4,2020,r,\"b, the second.txt\"\n",
         4, 17,
         "a second document, 'b, the second.txt', after 'a.txt': add a "
         "source column to GOLD to score several documents"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        fx_score_table *g = NULL, *p = NULL;
        fx_score_result *res = NULL;
        fx_score_error err = {0};
        assert_int_equal(
            fx_score_table_parse(&g, FX_SCORE_GOLD, "g", cases[i].gold,
                                 strlen(cases[i].gold), false, &err),
            FX_OK);
        const char *pred = cases[i].pred;
        assert_int_equal(fx_score_table_parse(&p, FX_SCORE_PRED, "p", pred,
                                              strlen(pred), true, &err),
                         FX_OK);
        fx_status st = fx_score_compute(&res, g, p, &err);
        if (!cases[i].message) {
            assert_int_equal(st, FX_OK);
            assert_int_equal(res->all.pred, 0);
        } else {
            assert_int_equal(st, FX_ERR_INPUT);
            assert_null(res);
            assert_string_equal(err.file, "p");
            assert_int_equal(err.line, cases[i].line);
            assert_int_equal(err.col, cases[i].col);
            assert_string_equal(err.message, cases[i].message);
        }
        fx_score_error_clear(&err);
        fx_score_result_free(res);
        fx_score_table_free(g);
        fx_score_table_free(p);
    }
}

/* Rows made of plausible cells and stray characters that matter to the
 * parsers (quotes, escapes, separators, line ends, '#', UTF-8), after a
 * valid header: every input is either read or refused with a place, and
 * whatever is read can be scored against itself. */
static void random_rows(GRand *rand, GString *data, bool csv)
{
    static const char *const types[] = {"date", "agency", "statistic",
                                        "official"};
    static const char *const numbers[] = {"0", "3", "7", "12", "40"};
    static const char *const cells[] = {"x",     "\"q\"",    "\"a,\nb\"",
                                        "a\\tb", "\xC3\xA9", "",
                                        "#c",    "ignore",   "-1"};
    static const char strays[] = "\t,\"\n\r\\# 9\xC3";
    g_string_assign(data, csv ? "type,start_byte,end_byte,value,rule\n"
                              : "type\tstart_byte\tend_byte\tvalue\trule\n");
    int rows = g_rand_int_range(rand, 0, 8);
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < 5; c++) {
            if (c > 0)
                g_string_append_c(data, csv ? ',' : '\t');
            /* Mostly what the column expects, sometimes anything. */
            const char *cell =
                cells[g_rand_int_range(rand, 0, G_N_ELEMENTS(cells))];
            if (g_rand_int_range(rand, 0, 20) > 0 && c == 0)
                cell = types[g_rand_int_range(rand, 0, G_N_ELEMENTS(types))];
            else if (g_rand_int_range(rand, 0, 20) > 0 && (c == 1 || c == 2))
                cell =
                    numbers[g_rand_int_range(rand, 0, G_N_ELEMENTS(numbers))];
            g_string_append(data, cell);
            if (g_rand_int_range(rand, 0, 40) == 0)
                g_string_append_c(
                    data,
                    strays[g_rand_int_range(rand, 0, sizeof strays - 1)]);
        }
        g_string_append(data, g_rand_boolean(rand) ? "\n" : "\r\n");
    }
}

static void test_never_crashes(void **state)
{
    (void)state;
    GRand *rand = g_rand_new_with_seed(7);
    GString *data = g_string_new(NULL);
    int scored = 0;
    for (int round = 0; round < 3000; round++) {
        bool csv = round % 2 == 0;
        random_rows(rand, data, csv);
        fx_score_table *g = NULL, *p = NULL;
        fx_score_error err = {0};
        fx_status sg = fx_score_table_parse(&g, FX_SCORE_GOLD, "g", data->str,
                                            data->len, csv, &err);
        if (sg != FX_OK) {
            assert_non_null(err.message);
            assert_true(err.line >= 2 && err.col >= 1);
        }
        fx_score_error_clear(&err);
        fx_status sp = fx_score_table_parse(&p, FX_SCORE_PRED, "p", data->str,
                                            data->len, csv, &err);
        fx_score_error_clear(&err);
        if (sg == FX_OK && sp == FX_OK) {
            fx_score_result *res = NULL;
            assert_int_equal(fx_score_compute(&res, g, p, &err), FX_OK);
            /* Scored against itself (GOLD skips comments, PRED does not,
             * hence no '#'), every row pairs with itself. */
            if (!strchr(data->str, '#')) {
                assert_int_equal(res->all.strict_tp, res->all.gold);
                assert_int_equal(res->all.lenient_tp, res->all.gold);
                scored += res->all.gold > 0;
            }
            g_free(fx_score_render(res, FX_SCORE_OUT_TEXT, true));
            fx_score_result_free(res);
        }
        fx_score_table_free(g);
        fx_score_table_free(p);
    }
    /* The rows are plausible enough that many inputs get scored. */
    assert_true(scored > 100);
    g_string_free(data, TRUE);
    g_rand_free(rand);
}

/* ---- the command ---- */

typedef struct {
    char *dir;
    char *out, *msgs;
    size_t out_len, msgs_len;
} run_env;

static char *write_temp(const run_env *e, const char *name, const char *text)
{
    char *path = g_build_filename(e->dir, name, NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* Run the command on two paths; its report and messages are kept. */
static int run(run_env *e, const char *gold, const char *pred,
               fx_score_options opt)
{
    free(e->out);
    free(e->msgs);
    FILE *out = open_memstream(&e->out, &e->out_len);
    FILE *msgs = open_memstream(&e->msgs, &e->msgs_len);
    int status = fx_score_run(gold, pred, &opt, out, msgs);
    fclose(out);
    fclose(msgs);
    return status;
}

static int setup_env(void **state)
{
    run_env *e = g_new0(run_env, 1);
    e->dir = g_dir_make_tmp("figex-score-XXXXXX", NULL);
    *state = e;
    return e->dir ? 0 : -1;
}

static int teardown_env(void **state)
{
    run_env *e = *state;
    remove_tree(e->dir);
    g_free(e->dir);
    free(e->out);
    free(e->msgs);
    g_free(e);
    return 0;
}

/* File names choose the formats: gold.tsv is TSV; the prediction file
 * has no extension and is recognised as CSV (no TAB on its first line),
 * then, written again with TABs, as TSV. */
static void test_run_reads_files(void **state)
{
    run_env *e = *state;
    char *gold = write_temp(e, "gold.tsv", memo_gold);
    char *pred = write_temp(e, "rows", memo_pred);
    fx_score_options opt = {false, FX_SCORE_OUT_TEXT};
    assert_int_equal(run(e, gold, pred, opt), 0);
    assert_string_equal(e->out, memo_report);
    assert_string_equal(e->msgs, "");

    const char *tsv_pred = "source\ttype\tstart_byte\tend_byte\tvalue\tunit"
                           "\tqualifier\trule\n"
                           "memo.txt\tagency\t0\t36\tU.S. Department of "
                           "Homeland Security\t\t\tagency-name\n";
    char *pred2 = write_temp(e, "rows2", tsv_pred);
    opt.output = FX_SCORE_OUT_TSV;
    assert_int_equal(run(e, gold, pred2, opt), 0);
    assert_true(g_str_has_prefix(
        e->out, "type\tmatch\tgold\tpred\ttp\tfp\tfn\tprecision\trecall\tf1\n"
                "agency\tstrict\t1\t1\t1\t0\t0\t1.000\t1.000\t1.000\n"));
    g_free(gold);
    g_free(pred);
    g_free(pred2);
}

static void test_run_messages(void **state)
{
    run_env *e = *state;
    fx_score_options opt = {false, FX_SCORE_OUT_TEXT};
    char *gold = write_temp(e, "g.tsv", GOLD_HEAD "date\tx\t5\t2020\n");
    char *missing = g_build_filename(e->dir, "missing.csv", NULL);
    /* Both files are checked: one message each, no report. */
    assert_int_equal(run(e, gold, missing, opt), 2);
    char *expected = g_strdup_printf(
        "figex: %s:2:6: error: bad number 'x' in start_byte (expected a "
        "whole number of bytes)\n"
        "figex: %s: error: cannot open: No such file or directory\n",
        gold, missing);
    assert_string_equal(e->msgs, expected);
    assert_string_equal(e->out, "");
    g_free(expected);

    assert_int_equal(run(e, e->dir, gold, opt), 2);
    expected = g_strdup_printf("figex: %s: error: is a directory\n"
                               "figex: %s:1:1: error: missing column 'rule'\n",
                               e->dir, gold);
    assert_string_equal(e->msgs, expected);
    g_free(expected);

    assert_int_equal(run(e, "-", "-", opt), 2);
    assert_string_equal(e->msgs, "figex: score: GOLD and PRED cannot both "
                                 "be standard input\n");

    /* A warning does not fail the run. */
    char *gold2 = write_temp(e, "g2.tsv",
                             "source\ttype\tstart_byte\tend_byte\tvalue\n"
                             "a.txt\tdate\t0\t4\t2020\n");
    char *pred = write_temp(e, "p.csv",
                            "source,type,start_byte,end_byte,value,rule\n"
                            "a.txt,date,0,4,2020,r\n"
                            "z.txt,date,0,4,2020,r\n"
                            "z.txt,date,5,9,2020,r\n");
    assert_int_equal(run(e, gold2, pred, opt), 0);
    expected = g_strdup_printf(
        "figex: %s:3:1: warning: 2 rows of source 'z.txt', which GOLD never "
        "names, count as false positives\n",
        pred);
    assert_string_equal(e->msgs, expected);
    g_free(expected);
    g_free(gold);
    g_free(gold2);
    g_free(pred);
    g_free(missing);
}

/* Usage errors exit 2 before any file is read. */
static void test_main_usage(void **state)
{
    (void)state;
    char *one[] = {"figex", "score", "only-gold.tsv", NULL};
    assert_int_equal(fx_score_main(3, one), 2);
    char *format[] = {"figex", "score", "--format", "html", "g", "p", NULL};
    assert_int_equal(fx_score_main(6, format), 2);
    char *unknown[] = {"figex", "score", "--by-type", "g", "p", NULL};
    assert_int_equal(fx_score_main(5, unknown), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strict_pairs_identical_spans_in_file_order),
        cmocka_unit_test(test_lenient_prefers_the_largest_overlap),
        cmocka_unit_test(test_lenient_ties),
        cmocka_unit_test(test_touching_and_empty_spans),
        cmocka_unit_test(test_overlap_limit),
        cmocka_unit_test(test_lenient_matching_properties),
        cmocka_unit_test(test_report_text),
        cmocka_unit_test(test_report_by_rule),
        cmocka_unit_test(test_report_tsv),
        cmocka_unit_test(test_csv_gold_tsv_pred),
        cmocka_unit_test(test_per_source_matching),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_compute_errors),
        cmocka_unit_test(test_never_crashes),
        cmocka_unit_test_setup_teardown(test_run_reads_files, setup_env,
                                        teardown_env),
        cmocka_unit_test_setup_teardown(test_run_messages, setup_env,
                                        teardown_env),
        cmocka_unit_test(test_main_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
