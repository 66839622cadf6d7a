/*
 * test_reliability.c: bad inputs and failing outputs (docs/reliability.md).
 *
 * Each row of docs/reliability.md names a test here (or an older one
 * elsewhere).  The library part feeds hostile bytes to an engine on the
 * bundled rules through a sink that checks every row: each cell valid
 * UTF-8 with no CR, and `text` the folded bytes between the row's
 * offsets, so offsets are exact.  It also reads the CSV and TSV writers'
 * output back for the spreadsheet guard.  The command-line part runs the
 * built figex (FIGEX_BIN): UTF-16, empty files and folders, /dev/full, -o
 * on a FIFO and on a folder, a closed pipe, kill -9 during -o, a rule
 * with catastrophic backtracking, a rule that can match the empty string,
 * and --raw-cells.
 *
 * `test_reliability --slow` runs only the long-line test (ctest
 * `slow.long-line`, label `slow`): 200 MiB on one line, through a pipe,
 * with the peak memory of figex measured by wait4().
 */
#define _DEFAULT_SOURCE /* wait4, mkfifo */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define BOM "\xEF\xBB\xBF"

/* ---- the engine on hostile bytes ---- */

static fx_ruleset *bundled;

static int load_bundled(void **state)
{
    (void)state;
    const char *dir = FIGEX_RULES_DIR;
    return fx_ruleset_load(&bundled, &dir, 1, NULL, NULL) == FX_OK ? 0 : -1;
}

static int free_bundled(void **state)
{
    (void)state;
    fx_ruleset_free(bundled);
    bundled = NULL;
    return 0;
}

/* What the checking sink is given: the document, to check offsets. */
typedef struct {
    const char *doc;
    size_t len;
    GString *rows; /* "start|end|line|column|type|text|value\n" */
} checker;

static void check_cell(const char *s)
{
    assert_true(g_utf8_validate(s, -1, NULL));
    assert_null(strchr(s, '\r'));
    assert_null(strstr(s, "\xEF\xBB\xBF")); /* no byte order mark */
}

static fx_status check_row(void *payload, const fx_row *r)
{
    checker *c = payload;
    const char *cells[] = {r->text,  r->value,     r->low,       r->high,
                           r->unit,  r->qualifier, r->precision, r->acronym,
                           r->title, r->as_of,     r->agency};
    for (size_t i = 0; i < G_N_ELEMENTS(cells); i++)
        check_cell(cells[i]);
    /* `text` is the bytes between the offsets, whitespace folded. */
    assert_true(r->start_byte < r->end_byte && r->end_byte <= c->len);
    GString *want = g_string_new(NULL);
    const char *p = c->doc + r->start_byte, *end = c->doc + r->end_byte;
    bool space = false;
    while (p < end) {
        unsigned char ch = (unsigned char)*p;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
            ch == '\f' || ch == '\v') {
            space = true;
            p++;
            continue;
        }
        if (space && want->len)
            g_string_append_c(want, ' ');
        space = false;
        gunichar u = g_utf8_get_char_validated(p, end - p);
        if (u == 0 || u == (gunichar)-1 || u == (gunichar)-2) {
            g_string_append(want, "\xEF\xBF\xBD");
            p++;
        } else {
            const char *n = g_utf8_next_char(p);
            g_string_append_len(want, p, n - p);
            p = n;
        }
    }
    assert_string_equal(r->text, want->str);
    g_string_free(want, TRUE);
    g_string_append_printf(
        c->rows, "%" PRIu64 "|%" PRIu64 "|%" PRIu64 "|%" PRIu64 "|%s|%s|%s\n",
        r->start_byte, r->end_byte, r->line, r->column, fx_type_name(r->type),
        r->text, r->value);
    return FX_OK;
}

/* Scan `len` bytes in pieces of `chunk` with `rs`; the rows as above.
 * *status gets the first error of feed or finish. */
static char *scan_with(const fx_ruleset *rs, const char *doc, size_t len,
                       size_t chunk, GPtrArray *diags, fx_status *status)
{
    checker c = {doc, len, g_string_new(NULL)};
    fx_sink sink = {"check", NULL, check_row, NULL, NULL, &c};
    fx_engine *eng = NULL;
    assert_int_equal(
        fx_engine_new(&eng, rs, &sink, diags ? record_diag : NULL, diags),
        FX_OK);
    assert_int_equal(fx_engine_begin(eng, "doc"), FX_OK);
    fx_status st = FX_OK;
    for (size_t at = 0; at < len && st == FX_OK; at += chunk)
        st = fx_engine_feed(eng, doc + at, MIN(chunk, len - at));
    fx_status fin = fx_engine_finish(eng);
    *status = st != FX_OK ? st : fin;
    fx_engine_free(eng);
    return g_string_free(c.rows, FALSE);
}

/* The rows of `doc`, the same at every chunking; status must be OK. */
static char *scan(const char *doc, size_t len)
{
    static const size_t chunks[] = {1, 7, 4096, 1 << 20};
    char *first = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(chunks); i++) {
        fx_status st;
        char *rows = scan_with(bundled, doc, len, chunks[i], NULL, &st);
        assert_int_equal(st, FX_OK);
        if (!first) {
            first = rows;
            continue;
        }
        assert_string_equal(rows, first);
        g_free(rows);
    }
    return first;
}

static const char letter[] =
    "The U.S. Department of Justice (DOJ) said on 3 May 2021 that 40 "
    "percent of\nits 1,200 staff quit.\n";

/* Bytes that are not UTF-8 keep their place; cells get U+FFFD. */
static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char doc[] =
        "The DOJ said \xFF\xFE bad \xC3 on 3 May 2021 that \xE2\x82 40 "
        "percent of \xF0\x9F staff quit.\n";
    char *rows = scan(doc, sizeof doc - 1);
    assert_string_equal(rows, "4|7|1|5|agency|DOJ|U.S. Department of Justice\n"
                              "25|35|1|26|date|3 May 2021|2021-05-03\n"
                              "44|54|1|44|statistic|40 percent|40\n");
    g_free(rows);
}

/* NUL bytes are neither text nor line breaks; offsets count them. */
static void test_nul_bytes(void **state)
{
    (void)state;
    static const char doc[] = "The Department of Labor\0 said on 3 May 2021 "
                              "that\0\0 40 percent quit.\n\0";
    char *rows = scan(doc, sizeof doc - 1);
    assert_string_equal(rows, "4|23|1|5|agency|Department of Labor|U.S. "
                              "Department of Labor\n"
                              "33|43|1|34|date|3 May 2021|2021-05-03\n"
                              "51|61|1|52|statistic|40 percent|40\n");
    g_free(rows);
}

/* A UTF-8 byte order mark is not text: offsets are the file's (3 more
 * than without it), columns and cells do not see it. */
static void test_utf8_bom(void **state)
{
    (void)state;
    char *plain = scan(letter, strlen(letter));
    char *with = g_strconcat(BOM, letter, NULL);
    char *rows = scan(with, strlen(with));
    char **a = g_strsplit(plain, "\n", -1), **b = g_strsplit(rows, "\n", -1);
    assert_int_equal(g_strv_length(a), g_strv_length(b));
    assert_true(g_strv_length(a) >= 4);
    for (guint i = 0; a[i][0]; i++) {
        unsigned long long s1, e1, s2, e2;
        int n1, n2;
        assert_int_equal(sscanf(a[i], "%llu|%llu|%n", &s1, &e1, &n1), 2);
        assert_int_equal(sscanf(b[i], "%llu|%llu|%n", &s2, &e2, &n2), 2);
        assert_int_equal(s2, s1 + 3);
        assert_int_equal(e2, e1 + 3);
        assert_string_equal(a[i] + n1, b[i] + n2); /* line, column, cells */
    }
    /* Only at the start: a mark inside the text is left alone. */
    char *late = g_strconcat("x", BOM, letter, NULL);
    g_free(scan(late, strlen(late)));
    /* A mark and nothing else, and its first bytes alone. */
    g_free(scan(BOM, 3));
    g_free(scan(BOM, 2));
    g_strfreev(a);
    g_strfreev(b);
    g_free(late);
    g_free(plain);
    g_free(with);
    g_free(rows);
}

/* UTF-16 and UTF-32 are refused with an error, by byte order mark or by
 * their NUL bytes; the engine then takes the next document as usual. */
/* A literal's bytes and length, NUL bytes inside it included. */
#define BYTES(s) s, sizeof s - 1

static void test_utf16_refused(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
        const char *says;
    } cases[] = {
        {BYTES("\xFF\xFET\0h\0e\0 \0D\0O\0J\0"),
         "UTF-16 (little-endian, byte order mark FF FE)"},
        {BYTES("\xFE\xFF\0T\0h\0e"),
         "UTF-16 (big-endian, byte order mark FE FF)"},
        {BYTES("T\0h\0e\0 \0D\0O\0J\0 \0s\0a\0i\0d\0"),
         "UTF-16 (little-endian, no byte order mark"},
        {BYTES("\0T\0h\0e\0 \0D\0O\0J"), "UTF-16 (big-endian, no byte order"},
        {BYTES("\xFF\xFE\0\0T\0\0\0"), "UTF-32 (little-endian"},
        {BYTES("\0\0\xFE\xFF\0\0\0T"), "UTF-32 (big-endian"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        for (size_t chunk = 1; chunk <= 64; chunk *= 8) {
            GPtrArray *diags = diag_recs_new();
            fx_status st;
            char *rows = scan_with(bundled, cases[i].bytes, cases[i].len,
                                   chunk, diags, &st);
            assert_int_equal(st, FX_ERR_INPUT);
            assert_string_equal(rows, "");
            assert_int_equal(diags->len, 1);
            diag_rec *d = g_ptr_array_index(diags, 0);
            assert_int_equal(d->sev, FX_SEV_ERROR);
            assert_string_equal(d->file, "doc");
            assert_non_null(strstr(d->msg, cases[i].says));
            assert_non_null(strstr(d->msg, "not UTF-8; not scanned"));
            g_free(rows);
            g_ptr_array_unref(diags);
        }
    /* The same engine: a refused document, then a good one. */
    checker c = {letter, strlen(letter), g_string_new(NULL)};
    fx_sink sink = {"check", NULL, check_row, NULL, NULL, &c};
    fx_engine *eng = NULL;
    assert_int_equal(fx_engine_new(&eng, bundled, &sink, NULL, NULL), FX_OK);
    /* Refused once 64 bytes are in, or at the end of a shorter one. */
    assert_int_equal(fx_engine_begin(eng, "u16"), FX_OK);
    assert_int_equal(fx_engine_feed(eng, cases[0].bytes, cases[0].len), FX_OK);
    assert_int_equal(fx_engine_finish(eng), FX_ERR_INPUT);
    char u16[80];
    memset(u16, 0, sizeof u16);
    memcpy(u16, "\xFF\xFE", 2);
    assert_int_equal(fx_engine_begin(eng, "u16"), FX_OK);
    assert_int_equal(fx_engine_feed(eng, u16, sizeof u16), FX_ERR_INPUT);
    assert_int_equal(fx_engine_feed(eng, "more", 4), FX_ERR_INPUT);
    assert_int_equal(fx_engine_begin(eng, "good"), FX_OK);
    assert_int_equal(fx_engine_feed(eng, letter, strlen(letter)), FX_OK);
    assert_int_equal(fx_engine_finish(eng), FX_OK);
    assert_true(g_str_has_prefix(c.rows->str, "4|36|1|5|agency|"));
    fx_engine_free(eng);
    g_string_free(c.rows, TRUE);
    /* A few NUL bytes in UTF-8 text are not UTF-16. */
    g_free(scan("a\0b\0c d e f g h i j", 19));
}

/* CRLF and lone CR: offsets of the original bytes, no CR in a cell
 * (check_row), and LF, CRLF and CR each end a line. */
static void test_crlf_and_cr(void **state)
{
    (void)state;
    static const char crlf[] =
        "The U.S. Department\r\nof Justice said on 3 May\r\n2021 that 40 "
        "percent quit.\r\nThe DOJ said 12 cases.\r\n";
    char *rows = scan(crlf, sizeof crlf - 1);
    assert_string_equal(
        rows, "4|31|1|5|agency|U.S. Department of Justice|U.S. Department "
              "of Justice\n"
              "40|51|2|20|date|3 May 2021|2021-05-03\n"
              "57|67|3|11|statistic|40 percent|40\n"
              "79|82|4|5|agency|DOJ|U.S. Department of Justice\n"
              "88|96|4|14|statistic|12 cases|12\n");
    g_free(rows);
    static const char cr[] =
        "The U.S. Department\rof Justice said on 3 May 2021.\rThat 40 "
        "percent quit.\r\rThe DOJ said 12 cases.\r";
    rows = scan(cr, sizeof cr - 1);
    assert_string_equal(
        rows, "4|30|1|5|agency|U.S. Department of Justice|U.S. Department "
              "of Justice\n"
              "39|49|2|20|date|3 May 2021|2021-05-03\n"
              "56|66|3|6|statistic|40 percent|40\n"
              "78|81|5|5|agency|DOJ|U.S. Department of Justice\n"
              "87|95|5|14|statistic|12 cases|12\n");
    g_free(rows);
}

/* An empty document makes no row and no error. */
static void test_empty_document(void **state)
{
    (void)state;
    char *rows = scan("", 0);
    assert_string_equal(rows, "");
    g_free(rows);
}

/* Figures of 400 digits, and "10^400", in the normalisers. */
static void test_huge_numbers(void **state)
{
    (void)state;
    char *nines = g_strnfill(400, '9'), *eights = g_strnfill(400, '8');
    char *doc = g_strdup_printf(
        "The agency counted %s people, 10^400 cases, 1e400 tons, $%s.5 "
        "billion and %s%% of them.\n",
        nines, eights, nines);
    char *rows = scan(doc, strlen(doc));
    char *people = g_strdup_printf("|%s people|%s\n", nines, nines);
    assert_non_null(strstr(rows, people));
    assert_non_null(strstr(rows, "|400 cases|400\n"));
    char *dollars = g_strdup_printf("|%s5", eights); /* ...88885 * 10^8 */
    assert_non_null(strstr(rows, dollars));
    g_free(dollars);
    g_free(people);
    g_free(rows);
    g_free(doc);
    g_free(nines);
    g_free(eights);
}

/* A rule that backtracks catastrophically hits PCRE2's limit: a warning
 * names the rule and the byte offset, the rule goes on after the line,
 * and the other rules are untouched. */
static void test_backtracking_rule(void **state)
{
    (void)state;
    fx_ruleset *rs =
        load_rules_text("rule stat-backtrack\n"
                        "  type: statistic\n"
                        "  pattern: (?<number>(a+)+$)\n"
                        "\n"
                        "rule stat-apples\n"
                        "  type: statistic\n"
                        "  pattern: (?<number>\\d+)[ ](?<unit>apples)\n");
    GString *doc = g_string_new("x ");
    for (int i = 0; i < 5000; i++)
        g_string_append_c(doc, 'a');
    g_string_append(doc, "b 12 apples\nand 30 apples\n");
    GPtrArray *diags = diag_recs_new();
    fx_status st;
    char *rows = scan_with(rs, doc->str, doc->len, 4096, diags, &st);
    assert_int_equal(st, FX_OK);
    assert_string_equal(rows, "5004|5013|1|5005|statistic|12 apples|12\n"
                              "5018|5027|2|5|statistic|30 apples|30\n");
    assert_int_equal(diags->len, 1);
    diag_rec *d = g_ptr_array_index(diags, 0);
    assert_int_equal(d->sev, FX_SEV_WARNING);
    /* Where the rule's search started: the line's start, or just past
     * "x " when the rule waited there for more text. */
    assert_true(d->offset <= 2);
    assert_non_null(strstr(d->msg, "rule 'stat-backtrack'"));
    assert_non_null(strstr(d->msg, "gave up (match limit exceeded)"));
    g_ptr_array_unref(diags);
    g_free(rows);
    g_string_free(doc, TRUE);
    fx_ruleset_free(rs);
}

/* A NUL byte inside a match is written as U+FFFD: a cell is a C string,
 * which the NUL would cut short. */
static void test_nul_in_match(void **state)
{
    (void)state;
    fx_ruleset *rs = load_rules_text("rule stat-nul\n"
                                     "  type: statistic\n"
                                     "  pattern: (?<number>\\d+)\\x00"
                                     "(?<unit>apples)\n");
    static const char doc[] = "we ate 12\0apples\n";
    fx_status st;
    char *rows = scan_with(rs, doc, sizeof doc - 1, 1, NULL, &st);
    assert_int_equal(st, FX_OK);
    assert_string_equal(rows, "7|16|1|8|statistic|12\xEF\xBF\xBD"
                              "apples|12\n");
    g_free(rows);
    fx_ruleset_free(rs);
}

/* A rule whose match ends up empty at run time (\\K moves its start to
 * its end, which the load-time check cannot see) makes no row, and the
 * scan moves on instead of finding the same empty match for ever. */
static void test_empty_match_at_run_time(void **state)
{
    (void)state;
    fx_ruleset *rs = load_rules_text("rule stat-k\n"
                                     "  type: statistic\n"
                                     "  pattern: (?<number>\\d+)[ ]"
                                     "(?<unit>apples)\\K\n"
                                     "\n"
                                     "rule stat-pears\n"
                                     "  type: statistic\n"
                                     "  pattern: (?<number>\\d+)[ ]"
                                     "(?<unit>pears)\n");
    static const char doc[] = "12 apples, 3 pears and 4 apples\n";
    fx_status st;
    char *rows = scan_with(rs, doc, sizeof doc - 1, 1, NULL, &st);
    assert_int_equal(st, FX_OK);
    assert_string_equal(rows, "11|18|1|12|statistic|3 pears|3\n");
    g_free(rows);
    fx_ruleset_free(rs);
}

/* A rule anchored at the start (^, \\A) sees the text start after a
 * byte order mark, as it would without one. */
static void test_bom_anchor(void **state)
{
    (void)state;
    fx_ruleset *rs = load_rules_text("rule stat-first\n"
                                     "  type: statistic\n"
                                     "  pattern: (?m)^(?<number>\\d+)[ ]"
                                     "(?<unit>apples)\n");
    static const char doc[] = BOM "12 apples\n3 apples\n";
    for (size_t chunk = 1; chunk <= 4096; chunk *= 64) {
        fx_status st;
        char *rows = scan_with(rs, doc, sizeof doc - 1, chunk, NULL, &st);
        assert_int_equal(st, FX_OK);
        assert_string_equal(rows, "3|12|1|1|statistic|12 apples|12\n"
                                  "13|21|2|1|statistic|3 apples|3\n");
        g_free(rows);
    }
    fx_ruleset_free(rs);
}

/* ---- the spreadsheet guard ---- */

static void test_cell_is_formula(void **state)
{
    (void)state;
    static const struct {
        const char *cell;
        int formula;
    } cases[] = {
        {"=1+2", 1},    {"+1+2", 1},
        {"-1+2", 1},    {"@SUM(A1)", 1},
        {"\tx", 1},     {"\r=x", 1},
        {"-", 1},       {"+", 1},
        {"-5/10", 1},   {"=HYPERLINK(\"http://x\")", 1},
        {"'=x", 1},     {"''-5", 1},
        {"'-5", 1},     {"-5", 0},
        {"+1.5", 0},    {"-0.25", 0},
        {"6500000", 0}, {"2015/2018", 0},
        {"10/20", 0},   {"", 0},
        {"'tis", 0},    {"'", 0},
        {"a=b", 0},     {" =x", 0},
        {"\n=x", 0},    {"U.S. Department of Justice", 0},
        {">=", 0},      {"-5.", 1},
        {"-.5", 1},     {"--5", 1},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (fx_cell_is_formula(cases[i].cell) != cases[i].formula)
            print_message("cell %zu: \"%s\"\n", i, cases[i].cell);
        assert_int_equal(fx_cell_is_formula(cases[i].cell), cases[i].formula);
    }
}

/* A row whose text cells are hostile, with numbers that must stay. */
static fx_row hostile_row(void)
{
    fx_row r = {
        .source = "=cmd|' /C calc'!A0.txt",
        .start_byte = 5,
        .end_byte = 9,
        .line = 1,
        .column = 6,
        .type = FX_TYPE_STATISTIC,
        .text = "=HYPERLINK(\"http://evil\",\"click\")",
        .value = "-5",
        .low = "-5/10",
        .high = "+1.5",
        .unit = "@SUM(A1:A9)",
        .qualifier = ">=",
        .precision = "\tindent",
        .acronym = "\rcr",
        .title = "'=already",
        .as_of = "2015/2018",
        .agency = "'tis fine",
        .rule = "-rule",
        .rule_source = "rules/x.rules:1",
    };
    return r;
}

/* The cells of the hostile row as a spreadsheet-safe writer gives them. */
static const char *const guarded_cells[FX_COL_COUNT] = {
    "'=cmd|' /C calc'!A0.txt",
    "5",
    "9",
    "1",
    "6",
    "statistic",
    "'=HYPERLINK(\"http://evil\",\"click\")",
    "-5",
    "'-5/10",
    "+1.5",
    "'@SUM(A1:A9)",
    ">=",
    "'\tindent",
    "'\rcr",
    "''=already",
    "2015/2018",
    "'tis fine",
    "'-rule",
    "rules/x.rules:1",
};

/* Rows of TSV, its escapes undone. */
static GPtrArray *parse_tsv(const char *data)
{
    GPtrArray *rows =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    char **lines = g_strsplit(data, "\n", -1);
    for (char **l = lines; *l && **l; l++) {
        GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
        char **raw = g_strsplit(*l, "\t", -1);
        for (char **c = raw; *c; c++) {
            GString *s = g_string_new(NULL);
            for (const char *p = *c; *p; p++) {
                if (*p != '\\') {
                    g_string_append_c(s, *p);
                    continue;
                }
                p++;
                g_string_append_c(s, *p == 't'   ? '\t'
                                     : *p == 'n' ? '\n'
                                     : *p == 'r' ? '\r'
                                                 : *p);
            }
            g_ptr_array_add(cells, g_string_free(s, FALSE));
        }
        g_strfreev(raw);
        g_ptr_array_add(rows, cells);
    }
    g_strfreev(lines);
    return rows;
}

/* Undo the guard as README says: one apostrophe off a cell that starts
 * with apostrophes followed by = + - @ TAB or CR. */
static const char *unguard(const char *cell)
{
    const char *s = cell;
    while (*s == '\'')
        s++;
    return s > cell && *s && strchr("=+-@\t\r", *s) ? cell + 1 : cell;
}

static char *write_rows(bool tsv, unsigned flags, const fx_row *r)
{
    char *data = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&data, &len);
    fx_sink sink = {0};
    assert_int_equal(tsv ? fx_emit_tsv_new_ext(&sink, fp, flags)
                         : fx_emit_csv_new_ext(&sink, fp, flags),
                     FX_OK);
    assert_int_equal(sink.begin(sink.payload), FX_OK);
    assert_int_equal(sink.row(sink.payload, r), FX_OK);
    assert_int_equal(sink.finish(sink.payload), FX_OK);
    fx_sink_free(&sink);
    fclose(fp);
    return data;
}

static void check_read_back(bool tsv)
{
    fx_row r = hostile_row();
    char buf[FX_CELL_BUF];
    for (int raw = 0; raw <= 1; raw++) {
        char *data = write_rows(tsv, raw ? FX_EMIT_RAW_CELLS : 0, &r);
        GPtrArray *rows =
            tsv ? parse_tsv(data) : parse_csv(data, strlen(data));
        assert_int_equal(rows->len, 2);
        GPtrArray *cells = g_ptr_array_index(rows, 1);
        assert_int_equal(cells->len, FX_COL_COUNT);
        for (int c = 0; c < FX_COL_COUNT; c++) {
            const char *got = g_ptr_array_index(cells, c);
            const char *orig = fx_row_cell(&r, (fx_column)c, buf);
            if (raw) {
                assert_string_equal(got, orig);
                continue;
            }
            assert_string_equal(got, guarded_cells[c]);
            assert_string_equal(unguard(got), orig);
            /* What a spreadsheet would run is never left: only the
             * numbers start with a sign. */
            bool number = strcmp(got, "-5") == 0 || strcmp(got, "+1.5") == 0;
            if (got[0] && !number)
                assert_null(strchr("=+-@\t\r", got[0]));
        }
        g_ptr_array_unref(rows);
        free(data);
    }
}

static void test_csv_guard_read_back(void **state)
{
    (void)state;
    check_read_back(false);
}

static void test_tsv_guard_read_back(void **state)
{
    (void)state;
    check_read_back(true);
}

/* The summary sheet's cells get the guard too; JSONL never does. */
static void test_summary_guard(void **state)
{
    (void)state;
    fx_row r = hostile_row();
    r.value = "=1+2";
    for (int raw = 0; raw <= 1; raw++) {
        char *data = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&data, &len);
        fx_sink sink = {0};
        assert_int_equal(fx_emit_summary_new(&sink, fp, FX_FORMAT_CSV,
                                             raw ? FX_EMIT_RAW_CELLS : 0),
                         FX_OK);
        assert_int_equal(sink.begin(sink.payload), FX_OK);
        assert_int_equal(sink.row(sink.payload, &r), FX_OK);
        assert_int_equal(sink.finish(sink.payload), FX_OK);
        fx_sink_free(&sink);
        fclose(fp);
        assert_string_equal(data, raw ? "type,value,unit,count,sources\n"
                                        "statistic,=1+2,@SUM(A1:A9),1,1\n"
                                      : "type,value,unit,count,sources\n"
                                        "statistic,'=1+2,'@SUM(A1:A9),1,1\n");
        free(data);
    }
    fx_sink sink = {0};
    assert_int_equal(
        fx_emit_summary_new(&sink, stdout, FX_FORMAT_JSONL, FX_EMIT_RAW_CELLS),
        FX_OK);
    fx_sink_free(&sink);
    assert_int_equal(fx_emit_csv_new_ext(&sink, stdout, 0x4u), FX_ERR_USAGE);
}

/* ---- the command line ---- */

typedef struct {
    int exit; /* exit status, or 128 + signal */
    char *out, *err;
} cli_result;

static void cli_result_clear(cli_result *r)
{
    g_free(r->out);
    g_free(r->err);
}

static cli_result run_argv(const char *cwd, char **argv)
{
    cli_result r = {0};
    int status;
    GError *error = NULL;
    assert_true(g_spawn_sync(cwd, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                             &r.out, &r.err, &status, &error));
    r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
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
    cli_result r = run_argv(cwd, (char **)argv->pdata);
    g_ptr_array_unref(argv);
    return r;
}

/* Run a bash script in `cwd`; $F is the built figex. */
static cli_result run_sh(const char *cwd, const char *script)
{
    char *full = g_strdup_printf("F='%s'; %s", FIGEX_BIN, script);
    char *argv[] = {"bash", "-c", full, NULL};
    cli_result r = run_argv(cwd, argv);
    g_free(full);
    return r;
}

static void put_file(const char *dir, const char *name, const char *data,
                     gssize len)
{
    char *path = g_build_filename(dir, name, NULL);
    assert_true(g_file_set_contents(path, data, len, NULL));
    g_free(path);
}

static char *get_file(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL), *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        text = NULL;
    g_free(path);
    return text;
}

static int tmp_setup(void **state)
{
    char *dir = g_dir_make_tmp("figex-rel-XXXXXX", NULL);
    assert_non_null(dir);
    put_file(dir, "a.txt", letter, -1);
    *state = dir;
    return 0;
}

static int tmp_teardown(void **state)
{
    remove_tree(*state);
    g_free(*state);
    return 0;
}

static const char header[] =
    "source,start_byte,end_byte,line,column,type,text,value,low,high,unit,"
    "qualifier,precision,acronym,title,as_of,agency,rule,rule_source\n";

/* UTF-16 is refused by name, exit 2; the other files are still read. */
static void test_cli_utf16(void **state)
{
    put_file(*state, "u16.txt", "\xFF\xFET\0h\0e\0 \0D\0O\0J\0\n\0", 18);
    cli_result r = run_cli(*state, "-t", "agency", "u16.txt", "a.txt", NULL);
    assert_int_equal(r.exit, 2);
    assert_string_equal(
        r.err, "figex: u16.txt: error: the text is UTF-16 (little-endian, "
               "byte order mark FF FE), not UTF-8; not scanned (convert it "
               "first, e.g. iconv -f UTF-16 -t UTF-8)\n");
    assert_true(g_str_has_prefix(r.out, header));
    assert_true(g_str_has_prefix(r.out + strlen(header), "a.txt,4,36,1,5,"));
    cli_result_clear(&r);
    /* With -o nothing is written. */
    r = run_cli(*state, "-o", "out.csv", "u16.txt", NULL);
    assert_int_equal(r.exit, 2);
    assert_null(get_file(*state, "out.csv"));
    cli_result_clear(&r);
}

/* With --input-format lines, a byte order mark starting the file is not
 * part of the first line's id; a line without an id keeps it out of its
 * text as any document does. */
static void test_cli_lines_bom(void **state)
{
    put_file(*state, "docs.lines",
             BOM "memo-1\tOn 3 May 2021 we hired 12 inspectors.\n", -1);
    put_file(*state, "plain.lines", BOM "On 3 May 2021 we hired.\n", -1);
    cli_result r = run_cli(*state, "--input-format", "lines", "-t", "date",
                           "-f", "tsv", "docs.lines", "plain.lines", NULL);
    assert_int_equal(r.exit, 0);
    assert_string_equal(r.err, "");
    char **lines = g_strsplit(r.out, "\n", -1);
    assert_int_equal(g_strv_length(lines), 4);
    assert_true(g_str_has_prefix(lines[1], "memo-1\t3\t13\t1\t4\tdate\t"));
    assert_true(
        g_str_has_prefix(lines[2], "plain.lines:1\t6\t16\t1\t4\tdate\t"));
    g_strfreev(lines);
    cli_result_clear(&r);
}

/* An empty file, an empty folder: the header and exit 0.  A missing
 * file: exit 2, named. */
static void test_cli_empty_and_folders(void **state)
{
    put_file(*state, "empty.txt", "", 0);
    char *sub = g_build_filename(*state, "nothing", NULL);
    assert_int_equal(g_mkdir(sub, 0755), 0);
    g_free(sub);
    cli_result r = run_cli(*state, "empty.txt", "nothing", NULL);
    assert_int_equal(r.exit, 0);
    assert_string_equal(r.out, header);
    assert_string_equal(r.err, "");
    cli_result_clear(&r);
    r = run_cli(*state, "missing.txt", NULL);
    assert_int_equal(r.exit, 2);
    assert_string_equal(r.err, "figex: missing.txt: error: cannot open: No "
                               "such file or directory\n");
    cli_result_clear(&r);
}

/* A full disk: exit 2 and one clear line.  -o on a folder is refused;
 * -o on something that is not a regular file (a FIFO here; /dev/full
 * too) is written in place, never replaced by a renamed file. */
static void test_cli_output_errors(void **state)
{
    if (access("/dev/full", W_OK) != 0) {
        skip();
        return;
    }
    cli_result r = run_sh(*state, "exec \"$F\" a.txt > /dev/full");
    assert_int_equal(r.exit, 2);
    assert_string_equal(r.err, "figex: standard output: error: No space "
                               "left on device\n");
    cli_result_clear(&r);
    r = run_sh(*state, "exec \"$F\" -f jsonl a.txt > /dev/full");
    assert_int_equal(r.exit, 2);
    cli_result_clear(&r);
    r = run_sh(*state, "exec \"$F\" --summary a.txt > /dev/full");
    assert_int_equal(r.exit, 2);
    cli_result_clear(&r);

    r = run_cli(*state, "-o", ".", "a.txt", NULL);
    assert_int_equal(r.exit, 2);
    assert_string_equal(r.err, "figex: .: error: cannot write output: Is a "
                               "directory\n");
    cli_result_clear(&r);

    r = run_sh(*state, "mkfifo rows.fifo && { cat rows.fifo > got.csv & } "
                       "&& \"$F\" -o rows.fifo a.txt; s=$?; wait; "
                       "test -p rows.fifo || exit 99; exit $s");
    assert_int_equal(r.exit, 0);
    assert_string_equal(r.err, "");
    char *got = get_file(*state, "got.csv");
    assert_non_null(got);
    assert_true(g_str_has_prefix(got, header));
    g_free(got);
    cli_result_clear(&r);
}

/* -o through a link replaces the file it points to and keeps the link;
 * the new file has the old one's mode (a new one, the umask's). */
static void test_cli_output_link(void **state)
{
    put_file(*state, "real.csv", "old\n", -1);
    char *real = g_build_filename(*state, "real.csv", NULL);
    char *link = g_build_filename(*state, "link.csv", NULL);
    assert_int_equal(g_chmod(real, 0640), 0);
    assert_int_equal(symlink("real.csv", link), 0);
    cli_result r = run_cli(*state, "-o", "link.csv", "a.txt", NULL);
    assert_int_equal(r.exit, 0);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(stat(real, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    char *got = get_file(*state, "real.csv");
    assert_true(g_str_has_prefix(got, header));
    g_free(got);
    cli_result_clear(&r);
    r = run_sh(*state, "umask 022 && \"$F\" -o new.csv a.txt && "
                       "stat -c %a new.csv");
    assert_string_equal(r.out, "644\n");
    cli_result_clear(&r);
    g_free(real);
    g_free(link);
}

/* A few MB into `head -1`: the header arrives and figex ends without a
 * word, killed by SIGPIPE; with SIGPIPE ignored it exits 2, as quietly. */
static void test_cli_closed_pipe(void **state)
{
    GString *big = g_string_new(NULL);
    while (big->len < (4u << 20))
        g_string_append(big, letter);
    put_file(*state, "big.txt", big->str, (gssize)big->len);
    g_string_free(big, TRUE);
    cli_result r = run_sh(*state, "\"$F\" big.txt | head -1; "
                                  "echo \"status ${PIPESTATUS[0]}\"");
    assert_string_equal(r.out, "source,start_byte,end_byte,line,column,type,"
                               "text,value,low,high,unit,qualifier,"
                               "precision,acronym,title,as_of,agency,rule,"
                               "rule_source\nstatus 141\n");
    assert_string_equal(r.err, "");
    cli_result_clear(&r);
    r = run_sh(*state, "trap '' PIPE; \"$F\" big.txt | head -1 >/dev/null; "
                       "echo \"status ${PIPESTATUS[0]}\"");
    assert_string_equal(r.out, "status 2\n");
    assert_string_equal(r.err, "");
    cli_result_clear(&r);
}

/* kill -9 in the middle of -o out.csv: out.csv keeps its old content and
 * no partial file is ever named out.csv.  The input is a FIFO held open,
 * so figex is surely in the middle; rows have reached its temporary. */
static void test_cli_kill9(void **state)
{
    const char *dir = *state;
    put_file(dir, "out.csv", "old,rows\n", -1);
    char *fifo = g_build_filename(dir, "in.fifo", NULL);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    char *argv[] = {FIGEX_BIN, "-o", "out.csv", "in.fifo", NULL};
    GPid pid;
    assert_true(g_spawn_async(dir, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                              NULL, &pid, NULL));
    int fd = open(fifo, O_WRONLY);
    assert_true(fd >= 0);
    /* Write until figex's temporary file holds rows. */
    GString *chunk = g_string_new(NULL);
    for (int i = 0; i < 200; i++)
        g_string_append(chunk, letter);
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
    bool started = false;
    while (!started && g_get_monotonic_time() < deadline) {
        assert_int_equal(write(fd, chunk->str, chunk->len),
                         (ssize_t)chunk->len);
        GDir *d = g_dir_open(dir, 0, NULL);
        for (const char *n; (n = g_dir_read_name(d));) {
            char *p = g_build_filename(dir, n, NULL);
            struct stat st;
            if (g_str_has_prefix(n, ".out.csv.") && stat(p, &st) == 0 &&
                st.st_size > 0)
                started = true;
            g_free(p);
        }
        g_dir_close(d);
    }
    assert_true(started);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(fd);
    g_spawn_close_pid(pid);
    char *out = get_file(dir, "out.csv");
    assert_string_equal(out, "old,rows\n");
    g_free(out);
    g_string_free(chunk, TRUE);
    g_free(fifo);
}

/* The catastrophic rule through the command line: warnings name the
 * rule, input and offset; every row is written; exit status 3.  A rule
 * that can match the empty string is refused when the rules load. */
static void test_cli_rules_that_give_up(void **state)
{
    put_file(*state, "bt.rules",
             "rule stat-backtrack\n"
             "  type: statistic\n"
             "  pattern: (?<number>(a+)+$)\n"
             "\n"
             "rule stat-apples\n"
             "  type: statistic\n"
             "  pattern: (?<number>\\d+)[ ](?<unit>apples)\n",
             -1);
    GString *doc = g_string_new("x ");
    for (int i = 0; i < 5000; i++)
        g_string_append_c(doc, 'a');
    g_string_append(doc, "b 12 apples\n");
    put_file(*state, "bt.txt", doc->str, (gssize)doc->len);
    g_string_free(doc, TRUE);
    cli_result r = run_cli(*state, "-r", "bt.rules", "-f", "tsv", "-o",
                           "bt.tsv", "bt.txt", NULL);
    assert_int_equal(r.exit, 3);
    /* Byte 2: the prefilter starts the rule at the first 'a'. */
    assert_string_equal(
        r.err, "figex: bt.txt: byte 2: warning: rule 'stat-backtrack' "
               "(bt.rules:1) gave up (match limit exceeded); skipped to the "
               "next line\n"
               "figex: warning: 1 time a rule gave up on the text (see "
               "above); that text was not fully scanned (exit status 3)\n");
    char *rows = get_file(*state, "bt.tsv");
    assert_non_null(rows);
    assert_non_null(strstr(rows, "\nbt.txt\t5004\t5013\t1\t5005\tstatistic"
                                 "\t12 apples\t12\t"));
    g_free(rows);
    cli_result_clear(&r);

    put_file(*state, "empty.rules",
             "rule stat-empty\n  type: statistic\n"
             "  pattern: (?<number>\\d*)\n",
             -1);
    r = run_cli(*state, "-r", "empty.rules", "a.txt", NULL);
    assert_int_equal(r.exit, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "figex: empty.rules:3:12: error: pattern can "
                               "match the empty string\n"
                               "    pattern: (?<number>\\d*)\n"
                               "             ^\n");
    cli_result_clear(&r);
}

/* A file named like a formula: guarded by default in CSV and TSV, raw
 * with --raw-cells and in JSONL; the figure stays a number.  Read back. */
static void test_cli_raw_cells(void **state)
{
    put_file(*state, "=1+2.txt", "Prices rose 40 percent.\n", -1);
    cli_result r = run_cli(*state, "-t", "statistic", "=1+2.txt", NULL);
    assert_int_equal(r.exit, 0);
    GPtrArray *rows = parse_csv(r.out, strlen(r.out));
    assert_int_equal(rows->len, 2);
    GPtrArray *cells = g_ptr_array_index(rows, 1);
    assert_string_equal(g_ptr_array_index(cells, FX_COL_SOURCE), "'=1+2.txt");
    assert_string_equal(g_ptr_array_index(cells, FX_COL_START_BYTE), "12");
    assert_string_equal(g_ptr_array_index(cells, FX_COL_VALUE), "40");
    assert_string_equal(g_ptr_array_index(cells, FX_COL_TEXT), "40 percent");
    g_ptr_array_unref(rows);
    cli_result_clear(&r);

    r = run_cli(*state, "-t", "statistic", "-f", "tsv", "=1+2.txt", NULL);
    assert_true(g_str_has_prefix(strchr(r.out, '\n') + 1, "'=1+2.txt\t"));
    cli_result_clear(&r);

    r = run_cli(*state, "--raw-cells", "-t", "statistic", "=1+2.txt", NULL);
    assert_int_equal(r.exit, 0);
    assert_true(g_str_has_prefix(strchr(r.out, '\n') + 1, "=1+2.txt,"));
    cli_result_clear(&r);

    r = run_cli(*state, "-f", "jsonl", "-t", "statistic", "=1+2.txt", NULL);
    assert_true(g_str_has_prefix(r.out, "{\"source\":\"=1+2.txt\","));
    cli_result_clear(&r);
}

/* `figex score` removes the guard from PRED cells (figex's output) before
 * comparing them with the gold ones, which are read as written. */
static void test_cli_score_unguards(void **state)
{
    put_file(*state, "gold.tsv",
             "type\tstart_byte\tend_byte\tvalue\n"
             "statistic\t0\t5\t-5/10\n"
             "statistic\t9\t12\t'=x\n",
             -1);
    put_file(*state, "pred.csv",
             "type,start_byte,end_byte,value,rule\n"
             "statistic,0,5,'-5/10,r\n"
             "statistic,9,12,''=x,r\n",
             -1);
    cli_result r = run_cli(*state, "score", "gold.tsv", "pred.csv", NULL);
    assert_int_equal(r.exit, 0);
    assert_non_null(strstr(r.out, "\nstatistic      2  1.000\n"));
    cli_result_clear(&r);
}

/* ---- 200 MiB on one line (ctest slow.long-line) ---- */

/* Sizes: the sanitizers make figex several times slower and its memory
 * several times bigger, so their build feeds less and allows more. */
#ifdef FIGEX_SANITIZED
#define LONG_LINE_MIB 16
#define LONG_LINE_RSS_MIB 512
#else
#define LONG_LINE_MIB 200
#define LONG_LINE_RSS_MIB 64
#endif

static void test_cli_long_line(void **state)
{
    (void)state;
    char *argv[] = {FIGEX_BIN, "-f", "tsv", NULL};
    GPid pid;
    int in = -1, err = -1;
    GError *error = NULL;
    assert_true(g_spawn_async_with_pipes(
        NULL, argv, NULL,
        G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
        &pid, &in, NULL, &err, &error));
    /* Warnings are few; a pipe holds them while we write. */
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    gint64 t0 = g_get_monotonic_time();
    for (size_t i = 0; i < (size_t)LONG_LINE_MIB * 16; i++)
        assert_int_equal(write(in, block, sizeof block),
                         (ssize_t)sizeof block);
    close(in);
    int status;
    struct rusage ru;
    assert_int_equal(wait4(pid, &status, 0, &ru), pid);
    g_spawn_close_pid(pid);
    char errbuf[4096];
    ssize_t n = read(err, errbuf, sizeof errbuf - 1);
    close(err);
    errbuf[n > 0 ? n : 0] = '\0';
    print_message(
        "%d MiB on one line: %.1f s, peak RSS %ld KiB\n", LONG_LINE_MIB,
        (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC, ru.ru_maxrss);
    assert_true(WIFEXITED(status));
    /* No rule's literal is in the line, so the prefilter proves that
     * nothing can match and no rule has to give up on it. */
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_string_equal(errbuf, "");
    assert_true(ru.ru_maxrss < LONG_LINE_RSS_MIB * 1024L);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--slow") == 0) {
        const struct CMUnitTest slow[] = {
            cmocka_unit_test(test_cli_long_line),
        };
        return cmocka_run_group_tests(slow, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_nul_in_match),
        cmocka_unit_test(test_utf8_bom),
        cmocka_unit_test(test_utf16_refused),
        cmocka_unit_test(test_crlf_and_cr),
        cmocka_unit_test(test_empty_document),
        cmocka_unit_test(test_huge_numbers),
        cmocka_unit_test(test_backtracking_rule),
        cmocka_unit_test(test_empty_match_at_run_time),
        cmocka_unit_test(test_bom_anchor),
        cmocka_unit_test(test_cell_is_formula),
        cmocka_unit_test(test_csv_guard_read_back),
        cmocka_unit_test(test_tsv_guard_read_back),
        cmocka_unit_test(test_summary_guard),
#define CLI(t) cmocka_unit_test_setup_teardown(t, tmp_setup, tmp_teardown)
        CLI(test_cli_utf16),
        CLI(test_cli_lines_bom),
        CLI(test_cli_empty_and_folders),
        CLI(test_cli_output_errors),
        CLI(test_cli_output_link),
        CLI(test_cli_closed_pipe),
        CLI(test_cli_kill9),
        CLI(test_cli_rules_that_give_up),
        CLI(test_cli_raw_cells),
        CLI(test_cli_score_unguards),
#undef CLI
    };
    return cmocka_run_group_tests(tests, load_bundled, free_bundled);
}
