/*
 * test_golden.c: `figex test` (src/golden_test.c).
 *
 * The row reader and the row diff are checked on small tables written
 * here; the runner is checked end to end in temporary folders: the built
 * figex (FIGEX_BIN) runs `figex test` on a case whose rule is changed
 * after its expected rows were written, and a stand-in shell script plays
 * a figex whose output depends on the block size.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "golden_test.h"
#include "support.h"

#define HEADER                                                                \
    "source,start_byte,end_byte,line,column,type,text,value,low,high,unit,"   \
    "qualifier,precision,acronym,title,as_of,agency,rule,rule_source\n"

/* ---- helpers ---- */

static fx_golden_table *parse_ok(const char *text, fx_golden_format format)
{
    unsigned line = 0;
    char *err = NULL;
    fx_golden_table *t = fx_golden_table_parse("t.csv", text, strlen(text),
                                               format, &line, &err);
    if (!t)
        print_message("line %u: %s\n", line, err);
    assert_non_null(t);
    assert_null(err);
    return t;
}

/* Parse `text`, which must fail at `want_line` with `want_message`. */
static void parse_fails(const char *text, fx_golden_format format,
                        unsigned want_line, const char *want_message)
{
    unsigned line = 0;
    char *err = NULL;
    assert_null(fx_golden_table_parse("t.csv", text, strlen(text), format,
                                      &line, &err));
    assert_non_null(err);
    assert_string_equal(err, want_message);
    assert_int_equal(line, want_line);
    g_free(err);
}

/* The report lines of every delta between two CSV texts. */
static char *diff_report(const char *expected, const char *actual,
                         bool with_source)
{
    fx_golden_table *et = parse_ok(expected, FX_GOLDEN_CSV);
    fx_golden_table *at = parse_ok(actual, FX_GOLDEN_CSV);
    GPtrArray *deltas = fx_golden_diff(et, at);
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < deltas->len; i++)
        fx_golden_delta_format(out, et, at, deltas->pdata[i], with_source);
    g_ptr_array_unref(deltas);
    fx_golden_table_free(et);
    fx_golden_table_free(at);
    return g_string_free(out, FALSE);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);
    char *parent = g_path_get_dirname(path);
    assert_int_equal(g_mkdir_with_parents(parent, 0755), 0);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    g_free(parent);
    g_free(path);
}

/* The contents of DIR/NAME, or NULL when there is no such file. */
static char *read_file(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL), *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        text = NULL;
    g_free(path);
    return text;
}

typedef struct {
    int exit;
    char *out, *err;
} cli_result;

static void cli_result_clear(cli_result *r)
{
    g_free(r->out);
    g_free(r->err);
}

/* Run the built figex in `cwd` with the NULL-terminated arguments. */
static cli_result run_cli(const char *cwd, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, FIGEX_BIN);
    va_list ap;
    va_start(ap, cwd);
    for (const char *a; (a = va_arg(ap, const char *));)
        g_ptr_array_add(argv, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    cli_result r = {0};
    int status;
    GError *error = NULL;
    assert_true(g_spawn_sync(cwd, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT,
                             NULL, NULL, &r.out, &r.err, &status, &error));
    assert_true(WIFEXITED(status));
    r.exit = WEXITSTATUS(status);
    g_ptr_array_unref(argv);
    return r;
}

/* A fresh folder whose "work" subfolder is the cases' working directory,
 * so that ../shared, seen from it, certainly does not exist. */
static int tmp_setup(void **state)
{
    char *root = g_dir_make_tmp("figex-golden-XXXXXX", NULL);
    assert_non_null(root);
    *state = root;
    return 0;
}

static int tmp_teardown(void **state)
{
    remove_tree(*state);
    g_free(*state);
    return 0;
}

static char *work_dir(void **state)
{
    char *work = g_build_filename(*state, "work", NULL);
    assert_int_equal(g_mkdir_with_parents(work, 0755), 0);
    return work;
}

/* ---- reading tables ---- */

static void test_parse_csv(void **state)
{
    (void)state;
    fx_golden_table *t =
        parse_ok(HEADER "a.txt,0,9,1,1,statistic,12 apples,12,12,12,apples,,"
                        ",,,,,fruit-count,f.rules:2\n"
                        "\n"
                        "a.txt,10,30,1,11,official,\"Ann Lee, Chair\",Ann "
                        "Lee,,,,,,,\"Chair,\nBoard of \"\"Fruit\"\"\",,,"
                        "official-name, f.rules:9 \n",
                 FX_GOLDEN_CSV);
    assert_int_equal(t->ncols, 19);
    assert_string_equal(t->header[18], "rule_source");
    assert_int_equal(t->rows->len, 2);
    fx_golden_row *r = t->rows->pdata[0];
    assert_int_equal(r->line, 2);
    assert_string_equal(fx_golden_cell(t, r, "unit"), "apples");
    assert_string_equal(fx_golden_cell(t, r, "no-such-column"), "");
    r = t->rows->pdata[1];
    assert_int_equal(r->line, 4);
    assert_string_equal(fx_golden_cell(t, r, "text"), "Ann Lee, Chair");
    assert_string_equal(fx_golden_cell(t, r, "title"),
                        "Chair,\nBoard of \"Fruit\"");
    /* Blanks at the ends of an unquoted cell are kept, not trimmed. */
    assert_string_equal(fx_golden_cell(t, r, "rule_source"), " f.rules:9 ");
    fx_golden_table_free(t);

    t = parse_ok("", FX_GOLDEN_CSV);
    assert_null(t->header);
    assert_int_equal(t->ncols, 0);
    assert_int_equal(t->rows->len, 0);
    fx_golden_table_free(t);
    fx_golden_table_free(NULL);
}

static void test_parse_tsv(void **state)
{
    (void)state;
    char *header = g_strdelimit(g_strdup(HEADER), ",", '\t');
    char *text = g_strconcat(
        header,
        "a\\\\b.txt\t0\t9\t1\t1\tstatistic\t12\\tapples\t12\t12\t12\t"
        "apples\t\t\t\t\\r\\n\t\t\tfruit-count\tf.rules:2\n",
        NULL);
    fx_golden_table *t = parse_ok(text, FX_GOLDEN_TSV);
    assert_int_equal(t->rows->len, 1);
    fx_golden_row *r = t->rows->pdata[0];
    assert_int_equal(r->line, 2);
    assert_string_equal(fx_golden_cell(t, r, "source"), "a\\b.txt");
    assert_string_equal(fx_golden_cell(t, r, "text"), "12\tapples");
    assert_string_equal(fx_golden_cell(t, r, "title"), "\r\n");
    assert_string_equal(fx_golden_cell(t, r, "rule"), "fruit-count");
    fx_golden_table_free(t);
    g_free(text);
    g_free(header);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_fails(HEADER "a.txt,0,9,1,1,statistic,12 apples\n", FX_GOLDEN_CSV, 2,
                "a row of 7 fields under a header of 19");
    parse_fails(HEADER "\n\na.txt,0,9,1,1,statistic,12 \"apples\"\n",
                FX_GOLDEN_CSV, 4,
                "malformed CSV: a quote inside an unquoted field, or text "
                "after a closing quote");
    parse_fails(HEADER "a.txt,0,9,1,1,statistic,\"12 apples\n,\n",
                FX_GOLDEN_CSV, 2,
                "malformed CSV: a quoted field is not closed");
    parse_fails("source,start_byte,end_byte,type,text,rule\n", FX_GOLDEN_CSV,
                1, "the header has no 'rule_source' column");
    parse_fails("source\tstart_byte\tend_byte\ttype\ttext\trule\t"
                "rule_source\na\t1\t2\tdate\tMay\\x\tr\tf:1\n",
                FX_GOLDEN_TSV, 2, "unknown escape '\\x'");
    parse_fails("source\tstart_byte\tend_byte\ttype\ttext\trule\t"
                "rule_source\n\na\t1\t2\tdate\tMay\tr\tf:1\\\n",
                FX_GOLDEN_TSV, 3, "a backslash ends a cell");
}

/* ---- row diff ---- */

#define ROW_APPLES                                                            \
    "a.txt,15,30,1,16,statistic,12 green apples,12,12,12,green apples,,,,,,"  \
    ",fruit-count,f.rules:2\n"
#define ROW_PEARS                                                             \
    "a.txt,32,39,2,1,statistic,7 pears,7,7,7,pears,,,,,,,fruit-count,"        \
    "f.rules:2\n"
#define ROW_PLUMS                                                             \
    "a.txt,44,52,2,13,statistic,30 plums,30,30,30,plums,,,,,,,fruit-count,"   \
    "f.rules:2\n"

static void test_diff_equal(void **state)
{
    (void)state;
    char *report = diff_report(HEADER ROW_APPLES ROW_PEARS,
                               HEADER ROW_APPLES ROW_PEARS, false);
    assert_string_equal(report, "");
    g_free(report);
    report = diff_report("", "", false);
    assert_string_equal(report, "");
    g_free(report);
}

static void test_diff_added(void **state)
{
    (void)state;
    char *report =
        diff_report(HEADER ROW_APPLES, HEADER ROW_APPLES ROW_PLUMS, false);
    assert_string_equal(report, "  + 44-52 statistic \"30 plums\" fruit-count"
                                " f.rules:2\n");
    g_free(report);
    /* From an empty expected file (a new case), every row is added. */
    report = diff_report("", HEADER ROW_PEARS, false);
    assert_string_equal(report, "  + 32-39 statistic \"7 pears\" fruit-count"
                                " f.rules:2\n");
    g_free(report);
}

static void test_diff_removed(void **state)
{
    (void)state;
    /* A removed row names the rule of the expected row. */
    char *report = diff_report(HEADER ROW_APPLES ROW_PEARS ROW_PLUMS,
                               HEADER ROW_APPLES ROW_PLUMS, false);
    assert_string_equal(report, "  - 32-39 statistic \"7 pears\" fruit-count"
                                " f.rules:2\n");
    g_free(report);
}

static void test_diff_changed(void **state)
{
    (void)state;
    fx_golden_table *et = parse_ok(HEADER ROW_APPLES ROW_PEARS, FX_GOLDEN_CSV);
    fx_golden_table *at = parse_ok(
        HEADER "a.txt,15,30,1,16,statistic,12 green apples,12,12,12,apples,,"
               ",,,,,fruit-count,f.rules:3\n" ROW_PEARS,
        FX_GOLDEN_CSV);
    GPtrArray *deltas = fx_golden_diff(et, at);
    assert_int_equal(deltas->len, 1);
    fx_golden_delta *d = deltas->pdata[0];
    assert_int_equal(d->change, FX_GOLDEN_CHANGED);
    assert_ptr_equal(d->expected, et->rows->pdata[0]);
    assert_ptr_equal(d->actual, at->rows->pdata[0]);
    assert_int_equal(d->columns->len, 2);
    assert_string_equal(d->columns->pdata[0], "unit");
    assert_string_equal(d->columns->pdata[1], "rule_source");
    GString *out = g_string_new(NULL);
    fx_golden_delta_format(out, et, at, d, false);
    assert_string_equal(out->str,
                        "  ~ 15-30 statistic \"12 green apples\" fruit-count"
                        " f.rules:3\n"
                        "      unit: green apples -> apples\n"
                        "      rule_source: f.rules:2 -> f.rules:3\n");
    g_string_free(out, TRUE);
    g_ptr_array_unref(deltas);
    fx_golden_table_free(et);
    fx_golden_table_free(at);

    /* An emptied cell is shown quoted, so it cannot go unseen. */
    char *report = diff_report(
        HEADER ROW_PEARS,
        HEADER "a.txt,32,39,2,1,statistic,7 pears,7,7,,pears,>=,,,,,,"
               "fruit-count,f.rules:2\n",
        false);
    assert_string_equal(report, "  ~ 32-39 statistic \"7 pears\" fruit-count"
                                " f.rules:2\n"
                                "      high: 7 -> \"\"\n"
                                "      qualifier: \"\" -> >=\n");
    g_free(report);
}

static void test_diff_duplicate_keys(void **state)
{
    (void)state;
    /* Two rules made rows of one key; rows of a key pair in file order,
     * so the first expected row meets the only actual one, and the
     * second expected row is the one reported removed. */
    const char *a = HEADER
        "a.txt,32,39,2,1,statistic,7 pears,7,7,7,pears,,,,,,,rule-a,f:2\n"
        "a.txt,32,39,2,1,statistic,7 pears,7,7,7,pears,,,,,,,rule-b,f:6\n";
    const char *b = HEADER
        "a.txt,32,39,2,1,statistic,7 pears,7,7,7,pear,,,,,,,rule-a,f:2\n";
    char *report = diff_report(a, b, false);
    assert_string_equal(report, "  - 32-39 statistic \"7 pears\" rule-b f:6\n"
                                "  ~ 32-39 statistic \"7 pears\" rule-a f:2\n"
                                "      unit: pears -> pear\n");
    g_free(report);
    /* One more of the key on the actual side is added. */
    report = diff_report(b, a, false);
    assert_string_equal(report, "  + 32-39 statistic \"7 pears\" rule-b f:6\n"
                                "  ~ 32-39 statistic \"7 pears\" rule-a f:2\n"
                                "      unit: pear -> pears\n");
    g_free(report);
    /* Equal duplicates make no difference. */
    report = diff_report(a, a, false);
    assert_string_equal(report, "");
    g_free(report);
}

static void test_diff_key_and_order(void **state)
{
    (void)state;
    /* A row whose span or type changed is another key: one row removed
     * and one added.  Deltas come in source order (as first seen), then
     * by numeric start, end and type. */
    const char *expected =
        HEADER "b.txt,100,107,5,1,statistic,7 pears,7,7,7,pears,,,,,,,r,f:1\n"
               "b.txt,9,20,1,10,date,May 2020,2020-05,2020-05-01,2020-05-31,,,"
               "month,,,,,d,f:7\n";
    const char *actual = HEADER
        "b.txt,9,20,1,10,statistic,May 2020,2020,2020,2020,,,,,,,,s,f:4\n"
        "b.txt,100,113,5,1,statistic,7 pears a day,7,7,7,pears,,,,,,,r,f:1\n"
        "a.txt,3,5,1,4,date,2020,2020,2020-01-01,2020-12-31,,,year,,,,,"
        "d,f:7\n";
    char *report = diff_report(expected, actual, true);
    assert_string_equal(report,
                        "  - b.txt:9-20 date \"May 2020\" d f:7\n"
                        "  + b.txt:9-20 statistic \"May 2020\" s f:4\n"
                        "  - b.txt:100-107 statistic \"7 pears\" r f:1\n"
                        "  + b.txt:100-113 statistic \"7 pears a day\" r f:1\n"
                        "  + a.txt:3-5 date \"2020\" d f:7\n");
    g_free(report);
}

static void test_diff_new_column(void **state)
{
    (void)state;
    /* A column the expected file lacks counts as empty there: a row
     * differs only where the new column has a value. */
    const char *old = "source,start_byte,end_byte,type,text,rule,"
                      "rule_source\n"
                      "a.txt,0,7,statistic,7 pears,r,f:1\n"
                      "a.txt,9,12,date,May,d,f:2\n";
    const char *new = "source,start_byte,end_byte,type,text,rule,"
                      "rule_source,as_of\n"
                      "a.txt,0,7,statistic,7 pears,r,f:1,2020-05\n"
                      "a.txt,9,12,date,May,d,f:2,\n";
    char *report = diff_report(old, new, false);
    assert_string_equal(report, "  ~ 0-7 statistic \"7 pears\" r f:1\n"
                                "      as_of: \"\" -> 2020-05\n");
    g_free(report);
    report = diff_report(new, old, false);
    assert_string_equal(report, "  ~ 0-7 statistic \"7 pears\" r f:1\n"
                                "      as_of: 2020-05 -> \"\"\n");
    g_free(report);
}

/* ---- end to end, with the built figex ---- */

static const char fruit_input[] =
    "The stall sold 12 green apples,\n7 pears and 30 plums on Monday.\n";

/* Version 1 counts green apples and pears ... */
static const char fruit_rules_v1[] =
    "# Counts of fruit.\n"
    "rule fruit-count\n"
    "  type: statistic\n"
    "  pattern: (?<number>\\d+)[ ](?<unit>(?:green[ ])?apples|pears)\n"
    "  example: 3 green apples => 3; unit=green apples\n";

/* ... version 2 apples without their colour, and plums. */
static const char fruit_rules_v2[] =
    "# Counts of fruit.\n"
    "rule fruit-count\n"
    "  type: statistic\n"
    "  pattern: (?<number>\\d+)[ ](?:green[ ])?(?<unit>apples|plums)\n"
    "  example: 3 green apples => 3; unit=apples\n";

static const char fruit_expected_v1[] =
    HEADER "golden/fruit/input.txt,15,30,1,16,statistic,12 green apples,12,"
           "12,12,green apples,,,,,,,fruit-count,golden/fruit/fruit.rules:2\n"
           "golden/fruit/input.txt,32,39,2,1,statistic,7 pears,7,7,7,pears,,"
           ",,,,,fruit-count,golden/fruit/fruit.rules:2\n";

static void write_fruit_case(const char *work, const char *rules)
{
    write_file(work, "golden/fruit/args",
               "--rules golden/fruit/fruit.rules golden/fruit/input.txt\n");
    write_file(work, "golden/fruit/input.txt", fruit_input);
    write_file(work, "golden/fruit/fruit.rules", rules);
}

static void test_rule_change_fails(void **state)
{
    char *work = work_dir(state);
    write_fruit_case(work, fruit_rules_v1);

    /* --update writes the expected rows of version 1 ... */
    cli_result r = run_cli(work, "test", "--update", NULL);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, "UPDATED fruit: expected.csv\n"
                               "figex test: 1 updated, 0 unchanged, "
                               "0 failed, 0 skipped\n");
    assert_int_equal(r.exit, 0);
    cli_result_clear(&r);
    char *csv = read_file(work, "golden/fruit/expected.csv");
    assert_string_equal(csv, fruit_expected_v1);
    g_free(csv);
    r = run_cli(work, "test", "golden", "--block-sizes", "1 7", NULL);
    assert_string_equal(r.out, "figex test: 1 passed, 0 failed, 0 skipped\n");
    assert_int_equal(r.exit, 0);
    cli_result_clear(&r);

    /* ... which version 2 no longer gives. */
    write_fruit_case(work, fruit_rules_v2);
    r = run_cli(work, "test", "golden", "fruit", NULL);
    assert_string_equal(r.err, "");
    assert_string_equal(
        r.out,
        "FAIL fruit\n"
        "  rows differ from golden/fruit/expected.csv: 1 added, 1 removed, "
        "1 changed\n"
        "  ~ 15-30 statistic \"12 green apples\" fruit-count "
        "golden/fruit/fruit.rules:2\n"
        "      unit: green apples -> apples\n"
        "  - 32-39 statistic \"7 pears\" fruit-count "
        "golden/fruit/fruit.rules:2\n"
        "  + 44-52 statistic \"30 plums\" fruit-count "
        "golden/fruit/fruit.rules:2\n"
        "figex test: 0 passed, 1 failed, 0 skipped\n");
    assert_int_equal(r.exit, 1);
    cli_result_clear(&r);
    g_free(work);
}

static void test_update_stderr_and_exit(void **state)
{
    char *work = work_dir(state);
    write_fruit_case(work, fruit_rules_v1);
    write_file(work, "golden/fruit/args",
               "--rules golden/fruit/fruit.rules golden/fruit/input.txt "
               "'golden/fruit/no such file.txt'\n");
    /* A stale file of the other format goes. */
    write_file(work, "golden/fruit/expected.tsv", "old\n");

    cli_result r = run_cli(work, "test", "--update", NULL);
    assert_string_equal(r.out, "UPDATED fruit: expected.csv expected.tsv "
                               "(removed) expected.stderr expected.exit\n"
                               "figex test: 1 updated, 0 unchanged, "
                               "0 failed, 0 skipped\n");
    assert_int_equal(r.exit, 0);
    cli_result_clear(&r);
    char *text = read_file(work, "golden/fruit/expected.stderr");
    assert_string_equal(text, "figex: golden/fruit/no such file.txt: error: "
                              "cannot open: No such file or directory\n");
    g_free(text);
    text = read_file(work, "golden/fruit/expected.exit");
    assert_string_equal(text, "2\n");
    g_free(text);
    text = read_file(work, "golden/fruit/expected.csv");
    assert_string_equal(text, fruit_expected_v1);
    g_free(text);
    assert_null(read_file(work, "golden/fruit/expected.tsv"));

    /* Nothing to rewrite the second time; and the case passes. */
    r = run_cli(work, "test", "--update", NULL);
    assert_string_equal(r.out, "figex test: 0 updated, 1 unchanged, "
                               "0 failed, 0 skipped\n");
    cli_result_clear(&r);
    r = run_cli(work, "test", NULL);
    assert_string_equal(r.out, "figex test: 1 passed, 0 failed, 0 skipped\n");
    assert_int_equal(r.exit, 0);
    cli_result_clear(&r);

    /* Once the file exists, the run is clean and both files go. */
    write_file(work, "golden/fruit/no such file.txt", "");
    r = run_cli(work, "test", NULL);
    assert_string_equal(
        r.out, "FAIL fruit\n"
               "  stderr differs from golden/fruit/expected.stderr:\n"
               "    - figex: golden/fruit/no such file.txt: error: cannot "
               "open: No such file or directory\n"
               "  exit status 0, expected 2\n"
               "figex test: 0 passed, 1 failed, 0 skipped\n");
    assert_int_equal(r.exit, 1);
    cli_result_clear(&r);
    r = run_cli(work, "test", "--update", "golden", NULL);
    assert_string_equal(r.out, "UPDATED fruit: expected.stderr (removed) "
                               "expected.exit (removed)\n"
                               "figex test: 1 updated, 0 unchanged, "
                               "0 failed, 0 skipped\n");
    assert_int_equal(r.exit, 0);
    cli_result_clear(&r);
    assert_null(read_file(work, "golden/fruit/expected.stderr"));
    assert_null(read_file(work, "golden/fruit/expected.exit"));
    g_free(work);
}

static void test_usage_errors(void **state)
{
    char *work = work_dir(state);
    cli_result r = run_cli(work, "test", NULL);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "figex: golden: error: no such folder\n");
    assert_int_equal(r.exit, 2);
    cli_result_clear(&r);

    write_fruit_case(work, fruit_rules_v1);
    write_file(work, "golden/fruit/expected.csv",
               HEADER "golden/fruit/input.txt,15,30,1,16,statistic\n");
    write_file(work, "golden/no-args/input.txt", fruit_input);
    write_file(work, "golden/two-lines/args", "a.txt\nb.txt\n");
    write_file(work, "golden/skipped/args", "../shared/seeds/absent.txt\n");
    r = run_cli(work, "test", NULL);
    assert_string_equal(r.out, "SKIP skipped: ../shared/seeds/absent.txt "
                               "is not present\n"
                               "figex test: 0 passed, 0 failed, 1 skipped, "
                               "3 with errors\n");
    assert_string_equal(r.err,
                        "figex: golden/fruit/expected.csv:2: error: a row of "
                        "6 fields under a header of 19\n"
                        "figex: golden/no-args: error: the case has no args "
                        "file\n"
                        "figex: golden/two-lines/args:2: error: args must "
                        "be one line\n");
    assert_int_equal(r.exit, 2);
    cli_result_clear(&r);

    r = run_cli(work, "test", "golden", "fruit", "nope", NULL);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "figex: golden/nope: error: no such case\n");
    assert_int_equal(r.exit, 2);
    cli_result_clear(&r);

    r = run_cli(work, "test", "--block-sizes", "1 0x", NULL);
    assert_string_equal(r.err, "figex: invalid --block-sizes entry '0x' (a "
                               "whole number of bytes, K and M suffixes "
                               "allowed)\n");
    assert_int_equal(r.exit, 2);
    cli_result_clear(&r);
    g_free(work);
}

/* ---- the runner with a stand-in for figex ---- */

/* A "figex" that prints one row, whose value is wrong at block size 7;
 * that exits with status 3 at block size 9; and that crashes when asked
 * to scan crash.txt. */
static const char fake_figex[] =
    "#!/bin/sh\n"
    "value=12 status=0\n"
    "if [ \"$1\" = --block-size ]; then\n"
    "  [ \"$2\" = 7 ] && value=13\n"
    "  [ \"$2\" = 9 ] && status=3\n"
    "  shift 2\n"
    "fi\n"
    "[ \"$1\" = crash.txt ] && kill -SEGV $$\n"
    "printf '%s' '" HEADER "'\n"
    "echo \"a.txt,0,9,1,1,statistic,12 apples,$value,12,12,apples,,,,,,,"
    "fruit-count,f.rules:2\"\n"
    "exit $status\n";

static char *run_with_fake(void **state, const char *args, char **block_sizes,
                           int *status)
{
    char *root = *state;
    write_file(root, "fake-figex", fake_figex);
    char *fake = g_build_filename(root, "fake-figex", NULL);
    assert_int_equal(g_chmod(fake, 0755), 0);
    char *dir = g_build_filename(root, "cases", NULL);
    write_file(dir, "c/args", args);
    write_file(dir, "c/expected.csv",
               HEADER "a.txt,0,9,1,1,statistic,12 apples,12,12,12,apples,,,"
                      ",,,,fruit-count,f.rules:2\n");
    char *out = NULL, *err = NULL;
    size_t out_len, err_len;
    FILE *out_fp = open_memstream(&out, &out_len);
    FILE *err_fp = open_memstream(&err, &err_len);
    fx_golden_opts opts = {.figex = fake,
                           .dir = dir,
                           .block_sizes = block_sizes,
                           .out = out_fp,
                           .err = err_fp};
    *status = fx_golden_run(&opts);
    fclose(out_fp);
    fclose(err_fp);
    assert_string_equal(err, "");
    free(err);
    g_free(dir);
    g_free(fake);
    return out;
}

static void test_block_size_mismatch(void **state)
{
    int status;
    char *sizes[] = {"1", "64K", NULL};
    char *out = run_with_fake(state, "a.txt\n", sizes, &status);
    assert_string_equal(out, "figex test: 1 passed, 0 failed, 0 skipped\n");
    assert_int_equal(status, FX_GOLDEN_EXIT_PASSED);
    free(out);

    char *with_seven[] = {"1", "7", "64", NULL};
    out = run_with_fake(state, "a.txt\n", with_seven, &status);
    assert_string_equal(out,
                        "FAIL c\n"
                        "  --block-size 7 gives other rows than the default "
                        "block size; the first:\n"
                        "  ~ 0-9 statistic \"12 apples\" fruit-count "
                        "f.rules:2\n"
                        "      value: 12 -> 13\n"
                        "figex test: 0 passed, 1 failed, 0 skipped\n");
    assert_int_equal(status, FX_GOLDEN_EXIT_FAILED);
    free(out);

    char *with_nine[] = {"9", NULL};
    out = run_with_fake(state, "a.txt\n", with_nine, &status);
    assert_string_equal(out, "FAIL c\n"
                             "  --block-size 9: exit status 3, exit status 0 "
                             "with the default block size\n"
                             "figex test: 0 passed, 1 failed, 0 skipped\n");
    assert_int_equal(status, FX_GOLDEN_EXIT_FAILED);
    free(out);
}

static void test_killed_by_signal(void **state)
{
    int status;
    char *out = run_with_fake(state, "crash.txt\n", NULL, &status);
    char *want = g_strdup_printf(
        "FAIL c\n"
        "  rows differ from %s/cases/c/expected.csv: 0 added, 1 removed, "
        "0 changed\n"
        "  - 0-9 statistic \"12 apples\" fruit-count f.rules:2\n"
        "  killed by signal %d, expected exit status 0\n"
        "figex test: 0 passed, 1 failed, 0 skipped\n",
        (char *)*state, SIGSEGV);
    assert_string_equal(out, want);
    assert_int_equal(status, FX_GOLDEN_EXIT_FAILED);
    g_free(want);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_csv),
        cmocka_unit_test(test_parse_tsv),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_diff_equal),
        cmocka_unit_test(test_diff_added),
        cmocka_unit_test(test_diff_removed),
        cmocka_unit_test(test_diff_changed),
        cmocka_unit_test(test_diff_duplicate_keys),
        cmocka_unit_test(test_diff_key_and_order),
        cmocka_unit_test(test_diff_new_column),
        cmocka_unit_test_setup_teardown(test_rule_change_fails, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test_setup_teardown(test_update_stderr_and_exit, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test_setup_teardown(test_usage_errors, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test_setup_teardown(test_block_size_mismatch, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test_setup_teardown(test_killed_by_signal, tmp_setup,
                                        tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
