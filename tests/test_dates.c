/*
 * test_dates.c: dates and periods (norm_date.c with rules/date.rules).
 *
 * End to end, every form docs/dates.md lists goes through the bundled
 * rules (run_bundled_type) and must give exactly its one row, compared as
 * "text|value|low|high|qualifier|precision"; the traps must give none.
 * Directly: the instruction a relative date leaves for the document stage
 * (the bundled date-relative rule run on its own), and fx_date__resolve()
 * against document dates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "internal.h"
#include "support.h"

/* ---- end to end --------------------------------------------------------- */

/* The date rows of `input` as "text|value|low|high|qualifier|precision"
 * lines; the columns dates never fill must be empty. */
static char *date_rows(const char *input, const run_opts *opts)
{
    char *raw = run_bundled_type(input, "date", opts);
    GString *out = g_string_new(NULL);
    char **lines = g_strsplit(raw, "\n", -1);
    for (int i = 0; lines[i] && *lines[i]; i++) {
        char **c = g_strsplit(lines[i], "|", -1);
        assert_int_equal(g_strv_length(c), 12);
        assert_string_equal(c[0], "date");
        for (int k = 8; k < 12; k++)
            assert_string_equal(c[k], "");
        assert_string_equal(c[5], ""); /* unit */
        g_string_append_printf(out, "%s|%s|%s|%s|%s|%s\n", c[1], c[2], c[3],
                               c[4], c[6], c[7]);
        g_strfreev(c);
    }
    g_strfreev(lines);
    g_free(raw);
    return g_string_free(out, FALSE);
}

typedef struct {
    const char *input;
    const char *text, *value, *low, *high, *qualifier, *precision;
} row_case;

static void check_rows(const row_case *cases, size_t n, const run_opts *o)
{
    for (size_t i = 0; i < n; i++) {
        const row_case *c = &cases[i];
        char *want = g_strdup_printf("%s|%s|%s|%s|%s|%s\n", c->text,
                                     c->value, c->low, c->high,
                                     c->qualifier, c->precision);
        char *got = date_rows(c->input, o);
        if (strcmp(got, want) != 0)
            print_message("input: %s\n", c->input);
        assert_string_equal(got, want);
        g_free(got);
        g_free(want);
    }
}

static void test_formats(void **state)
{
    (void)state;
    static const row_case cases[] = {
        {"Issued January 18, 2022.", "January 18, 2022", "2022-01-18",
         "2022-01-18", "2022-01-18", "", "day"},
        {"dated 18 January 2022 and", "18 January 2022", "2022-01-18",
         "2022-01-18", "2022-01-18", "", "day"},
        {"on Jan. 18, 2022, the", "Jan. 18, 2022", "2022-01-18",
         "2022-01-18", "2022-01-18", "", "day"},
        {"ends Sept. 30, 2018.", "Sept. 30, 2018", "2018-09-30",
         "2018-09-30", "2018-09-30", "", "day"},
        {"RECEIVED 09 DEC 2015", "09 DEC 2015", "2015-12-09", "2015-12-09",
         "2015-12-09", "", "day"},
        {"Transmitted: 2022-01-18", "2022-01-18", "2022-01-18",
         "2022-01-18", "2022-01-18", "", "day"},
        {"current as of 01/18/2022, the", "01/18/2022", "2022-01-18",
         "2022-01-18", "2022-01-18", "", "day"},
        {"the 18th of January, 2022", "18th of January, 2022", "2022-01-18",
         "2022-01-18", "2022-01-18", "", "day"},
        {"In March 2020, after", "March 2020", "2020-03", "2020-03-01",
         "2020-03-31", "", "month"},
        {"in Mar. 2020 the", "Mar. 2020", "2020-03", "2020-03-01",
         "2020-03-31", "", "month"},
        {"in February of 2024", "February of 2024", "2024-02",
         "2024-02-01", "2024-02-29", "", "month"},
        {"signed since January 5, 2021", "since January 5, 2021",
         "2021-01-05", "2021-01-05", "", ">=", "day"},
    };
    check_rows(cases, G_N_ELEMENTS(cases), NULL);
}

static void test_years_in_context(void **state)
{
    (void)state;
    static const row_case cases[] = {
        {"founded in 1998 by", "1998", "1998", "1998-01-01", "1998-12-31",
         "", "year"},
        {"during 2019 the", "2019", "2019", "2019-01-01", "2019-12-31", "",
         "year"},
        {"as of 2020, there", "2020", "2020", "2020-01-01", "2020-12-31", "",
         "year"},
        {"throughout 2019, it", "2019", "2019", "2019-01-01", "2019-12-31",
         "", "year"},
        {"up 6 percent from 2021.", "2021", "2021", "2021-01-01",
         "2021-12-31", "", "year"},
        {"in calendar year 2020.", "calendar year 2020", "2020",
         "2020-01-01", "2020-12-31", "", "year"},
        {"by 2025, the", "by 2025", "2025", "", "2025-12-31", "<=", "year"},
        {"since 1998", "since 1998", "1998", "1998-01-01", "", ">=", "year"},
        {"before 2016", "before 2016", "2016", "", "2015-12-31", "<",
         "year"},
        /* > starts the day after the period. */
        {"after 2016", "after 2016", "2016", "2017-01-01", "", ">", "year"},
        {"from 2019 onwards", "from 2019 onwards", "2019", "2019-01-01", "",
         ">=", "year"},
        {"no later than June 2020", "no later than June 2020", "2020-06",
         "", "2020-06-30", "<=", "month"},
        {"circa 1990", "circa 1990", "1990", "1990-01-01", "1990-12-31", "~",
         "year"},
        {"Beginning January 1, 2023, employers", "Beginning January 1, 2023",
         "2023-01-01", "2023-01-01", "", ">=", "day"},
        {"Effective July 1, 2021", "Effective July 1, 2021", "2021-07-01",
         "2021-07-01", "", ">=", "day"},
        {"starting in March 2021", "starting in March 2021", "2021-03",
         "2021-03-01", "", ">=", "month"},
        {"Since its inception in 1998, the", "Since its inception in 1998",
         "1998", "1998-01-01", "", ">=", "year"},
    };
    check_rows(cases, G_N_ELEMENTS(cases), NULL);
}

static void test_decades(void **state)
{
    (void)state;
    static const row_case cases[] = {
        {"in the 1990s,", "the 1990s", "1990/1999", "1990-01-01",
         "1999-12-31", "", "decade"},
        {"the early 1990s", "the early 1990s", "1990/1999", "1990-01-01",
         "1993-12-31", "~", "decade"},
        {"the mid-1990s", "the mid-1990s", "1990/1999", "1994-01-01",
         "1996-12-31", "~", "decade"},
        {"the late 1990's", "the late 1990's", "1990/1999", "1997-01-01",
         "1999-12-31", "~", "decade"},
        {"the 2000s", "the 2000s", "2000/2009", "2000-01-01", "2009-12-31",
         "", "decade"},
        {"since the 2010s", "since the 2010s", "2010/2019", "2010-01-01", "",
         ">=", "decade"},
        {"in the 1800s", "the 1800s", "1800/1899", "1800-01-01",
         "1899-12-31", "", "century"},
        {"the late 1800s", "the late 1800s", "1800/1899", "1870-01-01",
         "1899-12-31", "~", "century"},
    };
    check_rows(cases, G_N_ELEMENTS(cases), NULL);
}

static void test_parts(void **state)
{
    (void)state;
    static const row_case cases[] = {
        {"in early 2019,", "early 2019", "2019", "2019-01-01", "2019-04-30",
         "~", "year"},
        {"mid-2020", "mid-2020", "2020", "2020-05-01", "2020-08-31", "~",
         "year"},
        {"late 2018", "late 2018", "2018", "2018-09-01", "2018-12-31", "~",
         "year"},
        {"at the end of June 2018", "the end of June 2018", "2018-06",
         "2018-06-21", "2018-06-30", "~", "month"},
        {"the beginning of 2020", "the beginning of 2020", "2020",
         "2020-01-01", "2020-04-30", "~", "year"},
        {"the middle of 2020", "the middle of 2020", "2020", "2020-05-01",
         "2020-08-31", "~", "year"},
        {"early March 2020", "early March 2020", "2020-03", "2020-03-01",
         "2020-03-10", "~", "month"},
        {"mid-March 2020", "mid-March 2020", "2020-03", "2020-03-11",
         "2020-03-20", "~", "month"},
        {"late February 2024", "late February 2024", "2024-02",
         "2024-02-21", "2024-02-29", "~", "month"},
        {"late February 2023", "late February 2023", "2023-02",
         "2023-02-21", "2023-02-28", "~", "month"},
        {"the first half of 2021", "the first half of 2021",
         "2021-01/2021-06", "2021-01-01", "2021-06-30", "", "half"},
        {"the second half of 2021", "the second half of 2021",
         "2021-07/2021-12", "2021-07-01", "2021-12-31", "", "half"},
        {"H1 2022", "H1 2022", "2022-01/2022-06", "2022-01-01",
         "2022-06-30", "", "half"},
        /* A word that bounds the part overrides its ~. */
        {"by the end of 2020", "by the end of 2020", "2020", "",
         "2020-12-31", "<=", "year"},
        {"since mid-2019", "since mid-2019", "2019", "2019-05-01", "", ">=",
         "year"},
    };
    check_rows(cases, G_N_ELEMENTS(cases), NULL);
}

static void test_seasons(void **state)
{
    (void)state;
    static const row_case cases[] = {
        {"spring 2020", "spring 2020", "2020-03/2020-05", "2020-03-01",
         "2020-05-31", "", "season"},
        {"in the summer of 2019,", "the summer of 2019", "2019-06/2019-08",
         "2019-06-01", "2019-08-31", "", "season"},
        {"fall 2018", "fall 2018", "2018-09/2018-11", "2018-09-01",
         "2018-11-30", "", "season"},
        {"autumn 2018", "autumn 2018", "2018-09/2018-11", "2018-09-01",
         "2018-11-30", "", "season"},
        {"winter 2020", "winter 2020", "2020-12/2021-02", "2020-12-01",
         "2021-02-28", "", "season"},
        {"winter 2023", "winter 2023", "2023-12/2024-02", "2023-12-01",
         "2024-02-29", "", "season"},
        {"the winter of 2019-20", "the winter of 2019-20",
         "2019-12/2020-02", "2019-12-01", "2020-02-29", "", "season"},
        {"late summer 2019", "late summer 2019", "2019-06/2019-08",
         "2019-08-01", "2019-08-31", "~", "season"},
    };
    check_rows(cases, G_N_ELEMENTS(cases), NULL);
}

static void test_ranges(void **state)
{
    (void)state;
    static const row_case cases[] = {
        {"from 2015 to 2018", "from 2015 to 2018", "2015/2018", "2015-01-01",
         "2018-12-31", "", "year"},
        {"Between 2015 and 2018, ECM", "Between 2015 and 2018", "2015/2018",
         "2015-01-01", "2018-12-31", "", "year"},
        {"the 2015\xE2\x80\x93" "2018 plan", "2015\xE2\x80\x93" "2018",
         "2015/2018", "2015-01-01", "2018-12-31", "", "year"},
        {"the 2015-2018 plan", "2015-2018", "2015/2018", "2015-01-01",
         "2018-12-31", "", "year"},
        {"in 2012\xE2\x80\x93" "13 alone", "2012\xE2\x80\x93" "13",
         "2012/2013", "2012-01-01", "2013-12-31", "", "year"},
        {"the 1999-00 season", "1999-00", "1999/2000", "1999-01-01",
         "2000-12-31", "", "year"},
        {"from January to March 2020", "from January to March 2020",
         "2020-01/2020-03", "2020-01-01", "2020-03-31", "", "month"},
        {"from November to February 2021", "from November to February 2021",
         "2020-11/2021-02", "2020-11-01", "2021-02-28", "", "month"},
        {"January 5\xE2\x80\x93" "7, 2020", "January 5\xE2\x80\x93" "7, 2020",
         "2020-01-05/2020-01-07", "2020-01-05", "2020-01-07", "", "day"},
        {"March 2019 through June 2020", "March 2019 through June 2020",
         "2019-03/2020-06", "2019-03-01", "2020-06-30", "", "month"},
        {"ran from April 4 through Aug. 26, 2022,",
         "from April 4 through Aug. 26, 2022", "2022-04-04/2022-08-26",
         "2022-04-04", "2022-08-26", "", "day"},
        {"held 5-7 January 2020 in", "5-7 January 2020",
         "2020-01-05/2020-01-07", "2020-01-05", "2020-01-07", "", "day"},
        {"from December 28, 2019, to January 3, 2020",
         "from December 28, 2019, to January 3, 2020",
         "2019-12-28/2020-01-03", "2019-12-28", "2020-01-03", "", "day"},
        {"2020-01-05/2020-01-07", "2020-01-05/2020-01-07",
         "2020-01-05/2020-01-07", "2020-01-05", "2020-01-07", "", "day"},
    };
    check_rows(cases, G_N_ELEMENTS(cases), NULL);
}

static void test_fiscal_years_and_quarters(void **state)
{
    (void)state;
    static const row_case cases[] = {
        {"FY 2020", "FY 2020", "2019-10/2020-09", "2019-10-01", "2020-09-30",
         "", "fiscal-year"},
        {"the FY2020 plan", "FY2020", "2019-10/2020-09", "2019-10-01",
         "2020-09-30", "", "fiscal-year"},
        {"the FY20 budget", "FY20", "2019-10/2020-09", "2019-10-01",
         "2020-09-30", "", "fiscal-year"},
        {"In fiscal year 2020,", "fiscal year 2020", "2019-10/2020-09",
         "2019-10-01", "2020-09-30", "", "fiscal-year"},
        {"fiscal 2020 results", "fiscal 2020", "2019-10/2020-09",
         "2019-10-01", "2020-09-30", "", "fiscal-year"},
        {"FY 2019-20", "FY 2019-20", "2019-10/2020-09", "2019-10-01",
         "2020-09-30", "", "fiscal-year"},
        {"FY2015\xE2\x80\x93" "FY2018", "FY2015\xE2\x80\x93" "FY2018",
         "2014-10/2018-09", "2014-10-01", "2018-09-30", "", "fiscal-year"},
        {"by the end of FY 2017", "by the end of FY 2017",
         "2016-10/2017-09", "", "2017-09-30", "<=", "fiscal-year"},
        {"Q3 2019", "Q3 2019", "2019-07/2019-09", "2019-07-01",
         "2019-09-30", "", "quarter"},
        {"in 3Q 2019", "3Q 2019", "2019-07/2019-09", "2019-07-01",
         "2019-09-30", "", "quarter"},
        {"the third quarter of 2019", "the third quarter of 2019",
         "2019-07/2019-09", "2019-07-01", "2019-09-30", "", "quarter"},
        {"Q1 FY2020", "Q1 FY2020", "2019-10/2019-12", "2019-10-01",
         "2019-12-31", "", "quarter"},
        {"the first quarter of fiscal year 2020",
         "the first quarter of fiscal year 2020", "2019-10/2019-12",
         "2019-10-01", "2019-12-31", "", "quarter"},
        {"the fourth quarter of FY 2020", "the fourth quarter of FY 2020",
         "2020-07/2020-09", "2020-07-01", "2020-09-30", "", "quarter"},
    };
    check_rows(cases, G_N_ELEMENTS(cases), NULL);
}

static void test_numeric_day_first(void **state)
{
    (void)state;
    run_opts day_first = {0, true, NULL};
    static const struct {
        const char *input;
        const char *month_first; /* value by default */
        const char *day_first;   /* value with day_first */
    } cases[] = {
        {"on 01/02/2020.", "2020-01-02", "2020-02-01"},
        {"on 1-2-2020.", "2020-01-02", "2020-02-01"},
        /* A number above 12 can only be the day. */
        {"on 18/01/2022.", "2022-01-18", "2022-01-18"},
        {"on 01/18/2022.", "2022-01-18", "2022-01-18"},
        {"on 12/12/2020.", "2020-12-12", "2020-12-12"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *modes[] = {cases[i].month_first, cases[i].day_first};
        for (int k = 0; k < 2; k++) {
            char *got = date_rows(cases[i].input, k ? &day_first : NULL);
            char *text = g_strndup(cases[i].input + 3,
                                   strlen(cases[i].input) - 4);
            char *want = g_strdup_printf("%s|%s|%s|%s||day\n", text,
                                         modes[k], modes[k], modes[k]);
            if (strcmp(got, want) != 0)
                print_message("input %s, day_first %d\n", cases[i].input, k);
            assert_string_equal(got, want);
            g_free(want);
            g_free(text);
            g_free(got);
        }
    }
    /* Impossible either way: no number fits the month, or 31 April. */
    static const char *const bad[] = {"on 13/18/2022.", "on 31/04/2020."};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *got = date_rows(bad[i], &day_first);
        assert_string_equal(got, "");
        g_free(got);
        got = date_rows(bad[i], NULL);
        assert_string_equal(got, "");
        g_free(got);
    }
}

/* Text that must give no date row at all. */
static void test_traps(void **state)
{
    (void)state;
    static const char *const traps[] = {
        "during the Covid-19 pandemic",
        "the G-7 Roma-Lyon Group",
        "by filing Form I-914 with",
        "call 202-514-2000 or (202) 514-2000",
        "the tip line, 1-800-843-5678, is",
        "ratio 13/18/2022",
        "on 31 June 2020",
        "on February 30, 2021",
        "code 2022-01-185",
        "the agency may 2020 be",
        "won by 2,000 votes",
        "in 300 cases",
        "under Section 2015 of the Act",
        "in violation of 18 U.S.C. 2252",
        "Pub. L. 114-22",
        "H.R. 2019 was introduced",
        "the 2020 census",
        "in the last year",
        "a few years ago",
        /* Reversed ranges. */
        "from 2018 to 2015",
        "the 2018-2015 plan",
        "between 2018 and 2015",
        "January 7\xE2\x80\x93" "5, 2020",
        "in 2018-15",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(traps); i++) {
        char *got = date_rows(traps[i], NULL);
        if (*got)
            print_message("trap: %s\n", traps[i]);
        assert_string_equal(got, "");
        g_free(got);
    }
}

/* Dates outrank statistics: text made only of dates gives no statistic,
 * so no year, day or decade is ever counted as a figure. */
static void test_dates_not_statistics(void **state)
{
    (void)state;
    const char *text = "Since 1998, in FY 2016, Q3 2019, the 1990s, spring "
                       "2020, from 2015 to 2018, on 18 January 2022, in "
                       "2019, 3 months ago, and 2012-13.";
    char *stats = run_bundled_type(text, "statistic", NULL);
    assert_string_equal(stats, "");
    g_free(stats);
    char *dates = date_rows(text, NULL);
    assert_string_equal(dates,
                        "Since 1998|1998|1998-01-01||>=|year\n"
                        "FY 2016|2015-10/2016-09|2015-10-01|2016-09-30||"
                        "fiscal-year\n"
                        "Q3 2019|2019-07/2019-09|2019-07-01|2019-09-30||"
                        "quarter\n"
                        "the 1990s|1990/1999|1990-01-01|1999-12-31||decade\n"
                        "spring 2020|2020-03/2020-05|2020-03-01|2020-05-31||"
                        "season\n"
                        "from 2015 to 2018|2015/2018|2015-01-01|2018-12-31||"
                        "year\n"
                        "18 January 2022|2022-01-18|2022-01-18|2022-01-18||"
                        "day\n"
                        "2019|2019|2019-01-01|2019-12-31||year\n"
                        /* resolved against 18 January 2022 (line 1) */
                        "3 months ago|2021-10|2021-10-01|2021-10-31||month\n"
                        "2012-13|2012/2013|2012-01-01|2013-12-31||year\n");
    g_free(dates);
}

/* A relative date, when nothing gives the document's date, stays
 * unresolved: no value, no bounds. */
static void test_relative_end_to_end(void **state)
{
    (void)state;
    char *got = date_rows("Officials today announced that since last "
                          "month, and earlier this year,", NULL);
    assert_string_equal(got, "today|||||unresolved\n"
                             "since last month||||>=|unresolved\n"
                             "earlier this year|||||unresolved\n");
    g_free(got);
}

/* ---- relative dates, directly ------------------------------------------- */

static fx_ruleset *bundled_rules;

static int load_rules(void **state)
{
    (void)state;
    const char *dir = FIGEX_RULES_DIR;
    return fx_ruleset_load(&bundled_rules, &dir, 1, NULL, NULL) == FX_OK
               ? 0
               : -1;
}

static int free_rules(void **state)
{
    (void)state;
    fx_ruleset_free(bundled_rules);
    return 0;
}

/* Run rule `id` on `text` and normalise its first match into `out`. */
static bool normalise_with(const char *id, const char *text, fx_fields *out)
{
    const fx_rule *rule = NULL;
    for (guint i = 0; i < bundled_rules->rules->len && !rule; i++) {
        const fx_rule *r = g_ptr_array_index(bundled_rules->rules, i);
        if (strcmp(r->id, id) == 0)
            rule = r;
    }
    assert_non_null(rule);
    pcre2_match_data *md =
        pcre2_match_data_create_from_pattern(rule->code, NULL);
    int rc = pcre2_match(rule->code, (PCRE2_SPTR)text, strlen(text), 0, 0,
                         md, NULL);
    bool ok = false;
    if (rc > 0) {
        fx_match m = {rule, text, pcre2_get_ovector_pointer(md),
                      pcre2_get_ovector_count(md), false};
        ok = fx_normalise__match(&m, bundled_rules, out);
    }
    pcre2_match_data_free(md);
    return ok;
}

static void test_relative_instructions(void **state)
{
    (void)state;
    static const struct {
        const char *text, *instruction, *qualifier;
    } cases[] = {
        {"yesterday", "day -1", ""},
        {"Today", "day 0", ""},
        {"tomorrow", "day +1", ""},
        {"last year", "year -1", ""},
        {"this year", "year 0", ""},
        {"next year", "year +1", ""},
        {"Last month", "month -1", ""},
        {"this week", "week 0", ""},
        {"last week", "week -1", ""},
        {"next quarter", "quarter +1", ""},
        {"two years ago", "year -2", ""},
        {"3 months ago", "month -3", ""},
        {"a week ago", "week -1", ""},
        {"10 days ago", "day -10", ""},
        {"the previous year", "year -1", ""},
        {"the prior year", "year -1", ""},
        {"last calendar year", "year -1", ""},
        {"last fiscal year", "fiscal-year -1", ""},
        {"the current fiscal year", "fiscal-year 0", ""},
        {"earlier this year", "year 0 before", ""},
        {"later this month", "month 0 after", ""},
        {"late last year", "year -1 late", "~"},
        {"early next year", "year +1 early", "~"},
        {"by the end of next year", "year +1 late", "<="},
        {"the first half of next year", "year +1 h1", ""},
        {"since last month", "month -1", ">="},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        fx_fields f;
        fx_fields__init(&f);
        bool ok = normalise_with("date-relative", cases[i].text, &f);
        if (!ok || strcmp(f.f[FX_F_RESOLVE]->str, cases[i].instruction))
            print_message("relative: %s\n", cases[i].text);
        assert_true(ok);
        assert_string_equal(f.f[FX_F_RESOLVE]->str, cases[i].instruction);
        assert_string_equal(f.f[FX_F_QUALIFIER]->str, cases[i].qualifier);
        assert_string_equal(f.f[FX_F_PRECISION]->str, "unresolved");
        assert_string_equal(f.f[FX_F_VALUE]->str, "");
        assert_string_equal(f.f[FX_F_LOW]->str, "");
        assert_string_equal(f.f[FX_F_HIGH]->str, "");
        fx_fields__clear(&f);
    }
    /* A date that is not relative leaves nothing to resolve. */
    fx_fields f;
    fx_fields__init(&f);
    assert_true(normalise_with("date-month-year", "March 2020", &f));
    assert_string_equal(f.f[FX_F_RESOLVE]->str, "");
    fx_fields__clear(&f);
}

/* ---- fx_date__resolve --------------------------------------------------- */

typedef struct {
    const char *instruction, *doc_date, *qualifier;
    const char *value, *low, *high, *precision;
} resolve_case;

static void set_iso(GDate *d, const char *iso)
{
    int y, m, day;
    assert_int_equal(sscanf(iso, "%d-%d-%d", &y, &m, &day), 3);
    g_date_clear(d, 1);
    g_date_set_dmy(d, (GDateDay)day, (GDateMonth)m, (GDateYear)y);
}

static void test_resolve(void **state)
{
    (void)state;
    static const resolve_case cases[] = {
        /* 2022-01-18 is a Tuesday. */
        {"year -1", "2022-01-18", "", "2021", "2021-01-01", "2021-12-31",
         "year"},
        {"year 0", "2022-01-18", "", "2022", "2022-01-01", "2022-12-31",
         "year"},
        {"year -2", "2022-01-18", "", "2020", "2020-01-01", "2020-12-31",
         "year"},
        {"day -1", "2022-01-18", "", "2022-01-17", "2022-01-17",
         "2022-01-17", "day"},
        {"day 0", "2022-01-18", "", "2022-01-18", "2022-01-18",
         "2022-01-18", "day"},
        {"day +1", "2022-01-18", "", "2022-01-19", "2022-01-19",
         "2022-01-19", "day"},
        {"day -1", "2024-03-01", "", "2024-02-29", "2024-02-29",
         "2024-02-29", "day"},
        {"month -1", "2022-01-18", "", "2021-12", "2021-12-01",
         "2021-12-31", "month"},
        {"month -3", "2022-01-31", "", "2021-10", "2021-10-01",
         "2021-10-31", "month"},
        {"month +1", "2024-01-31", "", "2024-02", "2024-02-01",
         "2024-02-29", "month"},
        {"week 0", "2022-01-18", "", "2022-01-17/2022-01-23", "2022-01-17",
         "2022-01-23", "week"},
        {"week -1", "2022-01-18", "", "2022-01-10/2022-01-16", "2022-01-10",
         "2022-01-16", "week"},
        /* A Sunday ends its week; weeks cross years. */
        {"week 0", "2022-01-23", "", "2022-01-17/2022-01-23", "2022-01-17",
         "2022-01-23", "week"},
        {"week 0", "2021-01-01", "", "2020-12-28/2021-01-03", "2020-12-28",
         "2021-01-03", "week"},
        {"quarter 0", "2022-01-18", "", "2022-01/2022-03", "2022-01-01",
         "2022-03-31", "quarter"},
        {"quarter -1", "2022-01-18", "", "2021-10/2021-12", "2021-10-01",
         "2021-12-31", "quarter"},
        {"fiscal-year 0", "2022-01-18", "", "2021-10/2022-09", "2021-10-01",
         "2022-09-30", "fiscal-year"},
        {"fiscal-year 0", "2022-10-01", "", "2022-10/2023-09", "2022-10-01",
         "2023-09-30", "fiscal-year"},
        {"fiscal-year -1", "2022-09-30", "", "2020-10/2021-09",
         "2020-10-01", "2021-09-30", "fiscal-year"},
        {"year 0 before", "2022-03-15", "", "2022", "2022-01-01",
         "2022-03-14", "year"},
        {"year 0 after", "2022-03-15", "", "2022", "2022-03-16",
         "2022-12-31", "year"},
        {"month 0 before", "2022-03-15", "", "2022-03", "2022-03-01",
         "2022-03-14", "month"},
        {"year -1 late", "2022-01-18", "~", "2021", "2021-09-01",
         "2021-12-31", "year"},
        {"month +1 mid", "2022-01-18", "~", "2022-02", "2022-02-11",
         "2022-02-20", "month"},
        {"year +1 h1", "2022-01-18", "", "2023-01/2023-06", "2023-01-01",
         "2023-06-30", "half"},
        {"fiscal-year 0 h2", "2022-01-18", "", "2022-04/2022-09",
         "2022-04-01", "2022-09-30", "half"},
        /* The qualifier from the text opens the period. */
        {"month -1", "2022-01-18", ">=", "2021-12", "2021-12-01", "",
         "month"},
        {"year +1 late", "2022-01-18", "<=", "2023", "", "2023-12-31",
         "year"},
        {"day -1", "2022-01-18", "<", "2022-01-17", "", "2022-01-16", "day"},
        /* The last year ISO 8601 writes with four digits. */
        {"year +7977", "2022-01-18", "", "9999", "9999-01-01", "9999-12-31",
         "year"},
        {"day +2903999", "2022-01-18", "", "9972-12-05", "9972-12-05",
         "9972-12-05", "day"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const resolve_case *c = &cases[i];
        fx_fields f;
        fx_fields__init(&f);
        g_string_assign(f.f[FX_F_QUALIFIER], c->qualifier);
        g_string_assign(f.f[FX_F_PRECISION], "unresolved");
        g_string_assign(f.f[FX_F_RESOLVE], c->instruction);
        GDate doc;
        set_iso(&doc, c->doc_date);
        /* The instruction may be read from the field it lives in. */
        bool ok = fx_date__resolve(&f, f.f[FX_F_RESOLVE]->str, &doc);
        if (!ok || strcmp(f.f[FX_F_VALUE]->str, c->value) != 0 ||
            strcmp(f.f[FX_F_LOW]->str, c->low) != 0 ||
            strcmp(f.f[FX_F_HIGH]->str, c->high) != 0)
            print_message("resolve '%s' on %s\n", c->instruction,
                          c->doc_date);
        assert_true(ok);
        assert_string_equal(f.f[FX_F_VALUE]->str, c->value);
        assert_string_equal(f.f[FX_F_LOW]->str, c->low);
        assert_string_equal(f.f[FX_F_HIGH]->str, c->high);
        assert_string_equal(f.f[FX_F_PRECISION]->str, c->precision);
        assert_string_equal(f.f[FX_F_QUALIFIER]->str, c->qualifier);
        assert_string_equal(f.f[FX_F_RESOLVE]->str, c->instruction);
        fx_fields__clear(&f);
    }
}

static void test_resolve_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *instruction, *doc_date;
    } bad[] = {
        {"", "2022-01-18"},
        {"year", "2022-01-18"},
        {"year x", "2022-01-18"},
        {"year - 1", "2022-01-18"},
        {"year -1 ", "2022-01-18"},
        {"year 1", "2022-01-18"},    /* a non-zero offset has its sign */
        {"decade -1", "2022-01-18"},
        {"years -1", "2022-01-18"},
        {"year -1 soon", "2022-01-18"},
        {"year -1 before", "2022-01-18"}, /* before/after: offset 0 only */
        {"day 0 early", "2022-01-18"},    /* a day has no thirds */
        {"week 0 late", "2022-01-18"},
        {"month 0 h1", "2022-01-18"},     /* halves are of years */
        {"day 0 before", "2022-01-18"},
        /* Nothing of the week, month or year is left on that side. */
        {"week 0 before", "2022-01-17"},
        {"year 0 before", "2022-01-01"},
        {"year 0 after", "2022-12-31"},
        /* Outside years 1-9999. */
        {"year -2022", "2022-01-18"},
        {"year +7978", "2022-01-18"},
        {"day -99999999999", "2022-01-18"},
        {"day +3000000", "2022-01-18"},
        {"day -738173", "2022-01-18"},
        {"month -24264", "2022-01-18"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        fx_fields f;
        fx_fields__init(&f);
        GDate doc;
        set_iso(&doc, bad[i].doc_date);
        bool ok = fx_date__resolve(&f, bad[i].instruction, &doc);
        if (ok)
            print_message("accepted '%s'\n", bad[i].instruction);
        assert_false(ok);
        fx_fields__clear(&f);
    }
    fx_fields f;
    fx_fields__init(&f);
    GDate invalid;
    g_date_clear(&invalid, 1);
    assert_false(fx_date__resolve(&f, "year -1", &invalid));
    assert_false(fx_date__resolve(&f, "year -1", NULL));
    assert_false(fx_date__resolve(&f, NULL, &invalid));
    fx_fields__clear(&f);
}

/* The whole path: the text's instruction, resolved on a document date. */
static void test_relative_resolved(void **state)
{
    (void)state;
    static const struct {
        const char *text, *value, *precision;
    } cases[] = {
        {"last year", "2021", "year"},
        {"yesterday", "2022-01-17", "day"},
        {"two years ago", "2020", "year"},
        {"last month", "2021-12", "month"},
        {"this week", "2022-01-17/2022-01-23", "week"},
        {"last week", "2022-01-10/2022-01-16", "week"},
    };
    GDate doc;
    set_iso(&doc, "2022-01-18");
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        fx_fields f;
        fx_fields__init(&f);
        assert_true(normalise_with("date-relative", cases[i].text, &f));
        assert_true(fx_date__resolve(&f, f.f[FX_F_RESOLVE]->str, &doc));
        assert_string_equal(f.f[FX_F_VALUE]->str, cases[i].value);
        assert_string_equal(f.f[FX_F_PRECISION]->str, cases[i].precision);
        fx_fields__clear(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_years_in_context),
        cmocka_unit_test(test_decades),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_seasons),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_fiscal_years_and_quarters),
        cmocka_unit_test(test_numeric_day_first),
        cmocka_unit_test(test_traps),
        cmocka_unit_test(test_dates_not_statistics),
        cmocka_unit_test(test_relative_end_to_end),
        cmocka_unit_test(test_relative_instructions),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_resolve_invalid),
        cmocka_unit_test(test_relative_resolved),
    };
    return cmocka_run_group_tests(tests, load_rules, free_rules);
}
