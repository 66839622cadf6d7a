/*
 * test_statistics.c: statistics, from spelled-out numbers to whole rows.
 *
 * First the building blocks (fx_number__words, fx_number__vague,
 * fx_number__compare), then every form of docs/statistics.md end to end
 * through the bundled rules, dates and ignore rules included, then the
 * traps: numbers in text that must give no statistic row at all.  Rows
 * are compared on their columns type to qualifier; the later columns
 * (as_of, agency) belong to the document stage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "internal.h"
#include "support.h"

/* ---- helpers ---- */

/* One input and the single statistic row it must give. */
typedef struct {
    const char *input;
    const char *text, *value, *low, *high, *unit, *qualifier;
} stat_case;

/* The statistic rows of `input`, each cut to "type|text|value|low|high|
 * unit|qualifier". */
static char *statistic_rows(const char *input)
{
    char *rows = run_bundled_type(input, "statistic", NULL);
    GString *out = g_string_new(NULL);
    gchar **lines = g_strsplit(rows, "\n", -1);
    for (gchar **l = lines; *l; l++) {
        if (!**l)
            continue;
        gchar **f = g_strsplit(*l, "|", 8);
        for (int i = 0; i < 7 && f[i]; i++)
            g_string_append_printf(out, "%s%s", i ? "|" : "", f[i]);
        g_string_append_c(out, '\n');
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(rows);
    return g_string_free(out, FALSE);
}

static void expect_rows(const char *input, const char *want)
{
    char *got = statistic_rows(input);
    if (strcmp(got, want) != 0)
        print_message("input: %s\n", input);
    assert_string_equal(got, want);
    g_free(got);
}

static void run_cases(const stat_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const stat_case *c = &cases[i];
        char *want = g_strdup_printf("statistic|%s|%s|%s|%s|%s|%s\n",
                                     c->text, c->value, c->low, c->high,
                                     c->unit, c->qualifier);
        expect_rows(c->input, want);
        g_free(want);
    }
}

/* A trap: the text has numbers but must give no statistic. */
static void expect_none(const char *input)
{
    expect_rows(input, "");
}

/* ---- fx_number__words ---- */

static void test_words(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"twenty-three", "23"},
        {"Twenty Three", "23"},
        {"ninety\nnine", "99"},
        {"eleven", "11"},
        {"zero", "0"},
        {"one million", "1000000"},
        {"two hundred fifty", "250"},
        {"two hundred and fifty", "250"},
        {"fifteen hundred", "1500"},
        {"twenty-five hundred", "2500"},
        {"a hundred", "100"},
        {"a million", "1000000"},
        {"a dozen", "12"},
        {"two dozen", "24"},
        {"half a million", "500000"},
        {"a half million", "500000"},
        {"half", "0.5"},
        {"two and a half", "2.5"},
        {"one and a half million", "1500000"},
        {"two and a half billion", "2500000000"},
        {"two thousand and five", "2005"},
        {"one million two hundred thousand", "1200000"},
        {"three million four hundred fifty-six thousand seven hundred "
         "eighty-nine",
         "3456789"},
        {"nine hundred ninety-nine trillion nine hundred ninety-nine "
         "billion",
         "999999000000000"},
        {"ONE HUNDRED", "100"},
        /* The largest group times the largest scale, and its half. */
        {"ninety-nine hundred trillion", "9900000000000000"},
        {"ninety-nine hundred and a half trillion", "9900500000000000"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *out = g_string_new(NULL);
        bool ok = fx_number__words(out, cases[i].in, strlen(cases[i].in));
        if (!ok || strcmp(out->str, cases[i].out) != 0)
            print_message("words '%s' gave '%s'\n", cases[i].in, out->str);
        assert_true(ok);
        assert_string_equal(out->str, cases[i].out);
        g_string_free(out, TRUE);
    }
}

static void test_words_invalid(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "",
        "and",
        "a",
        "a five",
        "one two",
        "three twenty",
        "twenty thirty",
        "twenty and three",
        "hundred",
        "thousand",
        "one million million",
        "one thousand million",
        "two dozen three",
        "two hundred hundred",
        "one and",
        "and one",
        "zero one",
        "one and a half and a half",
        "a million and a half",
        "twenty-3",
        "one, two",
        "ten-year",
        "millionaire",
        "one k",
        "caf\xC3\xA9",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *out = g_string_new("keep");
        bool ok = fx_number__words(out, cases[i], strlen(cases[i]));
        if (ok)
            print_message("words '%s' accepted as %s\n", cases[i],
                          out->str);
        assert_false(ok);
        assert_string_equal(out->str, "keep"); /* nothing appended */
        g_string_free(out, TRUE);
    }
    /* The length is honoured: "one hundred" cut to "one hun" fails, cut
     * to "one" reads 1. */
    GString *out = g_string_new(NULL);
    assert_false(fx_number__words(out, "one hundred", 7));
    assert_true(fx_number__words(out, "one hundred", 3));
    assert_string_equal(out->str, "1");
    g_string_free(out, TRUE);
}

/* ---- fx_number__vague ---- */

static void test_vague(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out; /* NULL: refused */
    } cases[] = {
        {"dozens", "24"},
        {"hundreds", "200"},
        {"Thousands", "2000"},
        {"millions", "2000000"},
        {"billions", "2000000000"},
        {"tens of thousands", "20000"},
        {"hundreds of thousands", "200000"},
        {"tens of millions", "20000000"},
        {"hundreds of\nmillions", "200000000"},
        {"several hundred", "300"},
        {"several thousand", "3000"},
        {"several dozen", "36"},
        {"several million", "3000000"},
        {"several hundred thousand", "300000"},
        {"several thousands", "3000"},
        {"several tens of thousands", "30000"},
        {"a few thousand", "2000"},
        {"a few hundred", "200"},
        {"a few dozen", "24"},
        {"a  few\nhundred thousand", "200000"},
        {"", NULL},
        {"several", NULL},
        {"a few", NULL},
        {"thousand", NULL},
        {"thousands of", NULL},
        {"thousands of hundreds", NULL},
        {"hundreds of hundreds", NULL},
        {"several hundred of", NULL},
        {"several thousand hundred", NULL},
        {"many thousands", NULL},
        {"a thousand", NULL},
        {"several several hundred", NULL},
        {"several k", NULL},
        {"thousands-of", NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *out = g_string_new(NULL);
        bool ok = fx_number__vague(out, cases[i].in, strlen(cases[i].in));
        if (ok != (cases[i].out != NULL) ||
            (ok && strcmp(out->str, cases[i].out) != 0))
            print_message("vague '%s' gave %d '%s'\n", cases[i].in, ok,
                          out->str);
        if (cases[i].out) {
            assert_true(ok);
            assert_string_equal(out->str, cases[i].out);
        } else {
            assert_false(ok);
            assert_string_equal(out->str, "");
        }
        g_string_free(out, TRUE);
    }
}

/* ---- fx_number__compare ---- */

static void test_compare(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        int sign;
    } cases[] = {
        {"0", "0", 0},          {"5", "10", -1},      {"10", "5", 1},
        {"500000", "1", 1},     {"1.5", "1.25", 1},   {"1.25", "1.5", -1},
        {"2", "2.0001", -1},    {"2.5", "2.5", 0},    {"99", "100", -1},
        {"123", "124", -1},     {"0.5", "0", 1},      {"10000000", "9", 1},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        int got = fx_number__compare(cases[i].a, cases[i].b);
        int sign = got < 0 ? -1 : got > 0;
        if (sign != cases[i].sign)
            print_message("compare %s %s\n", cases[i].a, cases[i].b);
        assert_int_equal(sign, cases[i].sign);
    }
}

/* ---- end to end: numbers in digits ---- */

static void test_counts(void **state)
{
    (void)state;
    static const stat_case cases[] = {
        {"the program has conducted 300,000 investigations resulting in "
         "arrests",
         "300,000 investigations", "300000", "300000", "300000",
         "investigations", ""},
        {"received 6.5 million reports of suspected abuse",
         "6.5 million reports", "6500000", "6500000", "6500000", "reports",
         ""},
        {"a backlog of 2300.75 hours", "2300.75 hours", "2300.75",
         "2300.75", "2300.75", "hours", ""},
        /* Grouping with no-break, narrow no-break and thin spaces. */
        {"home to 1\xC2\xA0" "200\xC2\xA0" "000 residents",
         "1 200 000 residents", "1200000", "1200000", "1200000",
         "residents", ""},
        {"home to 1\xE2\x80\xAF" "200\xE2\x80\xAF" "000 residents",
         "1 200 000 residents", "1200000", "1200000", "1200000",
         "residents", ""},
        {"home to 1\xE2\x80\x89" "200\xE2\x80\x89" "000 residents",
         "1\xE2\x80\x89" "200\xE2\x80\x89" "000 residents", "1200000",
         "1200000", "1200000", "residents", ""},
        /* Scale words and abbreviations in counts. */
        {"reached 2 billion devices", "2 billion devices", "2000000000",
         "2000000000", "2000000000", "devices", ""},
        {"served 1.2bn people", "1.2bn people", "1200000000", "1200000000",
         "1200000000", "people", ""},
        {"the app had 100K users", "100K users", "100000", "100000",
         "100000", "users", ""},
        {"with 40k members", "40k members", "40000", "40000", "40000",
         "members", ""},
        /* With a scale the noun may be missing. */
        {"the total rose to 6.5 million in 2020", "6.5 million", "6500000",
         "6500000", "6500000", "", ""},
        {"a population of 1.4bn.", "1.4bn", "1400000000", "1400000000",
         "1400000000", "", ""},
        /* Line breaks inside the figure. */
        {"more than 6.5\nmillion people", "more than 6.5 million people",
         "6500000", "6500000", "", "people", ">"},
    };
    run_cases(cases, G_N_ELEMENTS(cases));
}

/* Without a scale word or a noun a bare number is no statistic, and a
 * plain space never groups digits. */
static void test_counts_refused(void **state)
{
    (void)state;
    expect_none("The list ran to 300.");
    expect_none("a 100m race");
    expect_none("she won the 5K last spring");
    expect_none("code 007 agents");
    /* "1 200 000 people" with plain spaces: not one number, and the
     * "000" is no count. */
    expect_none("about 1 200 000 people");
    /* Two numbers side by side: only the second counts agents. */
    expect_rows("In 2020 300 agents joined.",
                "statistic|300 agents|300|300|300|agents|\n");
}

/* ---- end to end: units ---- */

static void test_units(void **state)
{
    (void)state;
    static const stat_case cases[] = {
        {"identified 1,200 child victims and", "1,200 child victims",
         "1200", "1200", "1200", "child victims", ""},
        {"opened 600 new human trafficking investigations during",
         "600 new human trafficking investigations", "600", "600", "600",
         "new human trafficking investigations", ""},
        {"for over 180 victims identified and", "over 180 victims", "180",
         "180", "", "victims", ">"},
        {"more than 160 state and local partner agencies,",
         "more than 160 state and local partner agencies", "160", "160", "",
         "state and local partner agencies", ">"},
        {"in 25 states and territories", "25 states", "25", "25", "25",
         "states", ""},
        {"sentenced to 18 years old", "18 years", "18", "18", "18",
         "years", ""},
        {"reported 100 arrests today", "100 arrests", "100", "100", "100",
         "arrests", ""},
        {"rescued 300 victims including children",
         "300 victims", "300", "300", "300", "victims", ""},
    };
    run_cases(cases, G_N_ELEMENTS(cases));
    /* A unit is written in lower case: a capitalised word is a name. */
    expect_none("all 61 Internet Crimes Against Children task forces");
}

/* ---- end to end: spelled-out numbers ---- */

static void test_spelled(void **state)
{
    (void)state;
    static const stat_case cases[] = {
        {"active in twenty-three states.", "twenty-three states", "23",
         "23", "23", "states", ""},
        {"It hired two hundred fifty officers.",
         "two hundred fifty officers", "250", "250", "250", "officers", ""},
        {"The fund reached one million last year.", "one million",
         "1000000", "1000000", "1000000", "", ""},
        {"housed half a million refugees", "half a million refugees",
         "500000", "500000", "500000", "refugees", ""},
        {"brings together a dozen countries", "a dozen countries", "12",
         "12", "12", "countries", ""},
        {"more than a dozen federal departments and agencies to",
         "more than a dozen federal departments", "12", "12", "",
         "federal departments", ">"},
        {"Twenty three states", "Twenty three states", "23", "23", "23",
         "states", ""},
        {"one hundred and five agents", "one hundred and five agents",
         "105", "105", "105", "agents", ""},
        {"two and a half years later", "two and a half years", "2.5",
         "2.5", "2.5", "years", ""},
        {"one and a half million doses", "one and a half million doses",
         "1500000", "1500000", "1500000", "doses", ""},
        {"across at least four\nclasses rather than",
         "at least four classes", "4", "4", "", "classes", ">="},
        {"nearly seventy-five thousand\ncalls", "nearly seventy-five "
         "thousand calls", "75000", "", "", "calls", "~"},
    };
    run_cases(cases, G_N_ELEMENTS(cases));
}

/* A lone "one" counts nothing; a spelled number needs a noun or a scale
 * word; fractions are not counts. */
static void test_spelled_refused(void **state)
{
    (void)state;
    expect_none("one of the programs");
    expect_none("One person was arrested.");
    expect_none("The two of them met.");
    expect_none("a dozen");
    expect_none("two thirds of the victims");
    expect_none("a ten-year sentence");
    expect_none("someone often sent seven to them");
    expect_none("CBP issued seven Withhold Release Orders");
    expect_none("a one in a million chance");
}

/* ---- end to end: percentages ---- */

static void test_percent(void **state)
{
    (void)state;
    static const stat_case cases[] = {
        {"27 percent of the children", "27 percent", "27", "27", "27",
         "percent", ""},
        {"27% of the children", "27%", "27", "27", "27", "percent", ""},
        {"27 % of the children", "27 %", "27", "27", "27", "percent", ""},
        {"27 per cent of the children", "27 per cent", "27", "27", "27",
         "percent", ""},
        {"a 14-percent rise", "14-percent", "14", "14", "14", "percent", ""},
        {"12.5 per\ncent", "12.5 per cent", "12.5", "12.5", "12.5",
         "percent", ""},
        {"twenty-five percent of cases", "twenty-five percent", "25", "25",
         "25", "percent", ""},
        {"rose 3 percentage points", "3 percentage points", "3", "3", "3",
         "percentage points", ""},
        {"fell 1.5 percentage point", "1.5 percentage point", "1.5", "1.5",
         "1.5", "percentage points", ""},
        {"nearly 40 percent of whom", "nearly 40 percent", "40", "", "",
         "percent", "~"},
    };
    run_cases(cases, G_N_ELEMENTS(cases));
}

/* ---- end to end: money ---- */

static void test_money(void **state)
{
    (void)state;
    static const stat_case cases[] = {
        {"an additional $4.5 billion in grants", "$4.5 billion",
         "4500000000", "4500000000", "4500000000", "USD", ""},
        {"costs $1.2bn a year", "$1.2bn", "1200000000", "1200000000",
         "1200000000", "USD", ""},
        {"a fine of $250,000.", "$250,000", "250000", "250000", "250000",
         "USD", ""},
        {"a budget of \xE2\x82\xAC" "3m", "\xE2\x82\xAC" "3m", "3000000",
         "3000000", "3000000", "EUR", ""},
        {"raised \xC2\xA3" "2.5 million", "\xC2\xA3" "2.5 million",
         "2500000", "2500000", "2500000", "GBP", ""},
        {"a grant of EUR 20 million", "EUR 20 million", "20000000",
         "20000000", "20000000", "EUR", ""},
        {"pledged 20 million euros", "20 million euros", "20000000",
         "20000000", "20000000", "EUR", ""},
        {"a loan of USD 5 million", "USD 5 million", "5000000", "5000000",
         "5000000", "USD", ""},
        {"paid 5 million US dollars", "5 million US dollars", "5000000",
         "5000000", "5000000", "USD", ""},
        {"a prize of 10,000 pounds sterling", "10,000 pounds sterling",
         "10000", "10000", "10000", "GBP", ""},
        {"five million dollars", "five million dollars", "5000000",
         "5000000", "5000000", "USD", ""},
        {"US$3 million", "US$3 million", "3000000", "3000000", "3000000",
         "USD", ""},
        {"up to $5 million for", "up to $5 million", "5000000", "",
         "5000000", "USD", "<="},
        {"in excess of $1 billion", "in excess of $1 billion",
         "1000000000", "1000000000", "", "USD", ">"},
    };
    run_cases(cases, G_N_ELEMENTS(cases));
    /* "pounds" alone is a weight in US enforcement news, not money. */
    expect_rows("seized 500 pounds of methamphetamine",
                "statistic|500 pounds|500|500|500|pounds|\n");
}

/* ---- end to end: ranges ---- */

static void test_ranges(void **state)
{
    (void)state;
    static const stat_case cases[] = {
        {"between 10 and 20 percent of them", "between 10 and 20 percent",
         "10/20", "10", "20", "percent", ""},
        {"in 10\xE2\x80\x93" "20 cases", "10\xE2\x80\x93" "20 cases",
         "10/20", "10", "20", "cases", ""},
        {"in 10-20 cases", "10-20 cases", "10/20", "10", "20", "cases", ""},
        {"in 10 \xE2\x80\x93 20 cases", "10 \xE2\x80\x93 20 cases", "10/20",
         "10", "20", "cases", ""},
        {"a rise of 10 to 20 percent", "10 to 20 percent", "10/20", "10",
         "20", "percent", ""},
        {"from 10 to 20 cases", "from 10 to 20 cases", "10/20", "10", "20",
         "cases", ""},
        {"10%-15% of", "10%-15%", "10/15", "10", "15", "percent", ""},
        {"two to three years", "two to three years", "2/3", "2", "3",
         "years", ""},
        {"ages 18-24 years", "18-24 years", "18/24", "18", "24", "years",
         ""},
        /* A scale after the high end scales a smaller low end. */
        {"cost $5\xE2\x80\x93" "10 million", "$5\xE2\x80\x93" "10 million",
         "5000000/10000000", "5000000", "10000000", "USD", ""},
        {"between 5 and 10 million people",
         "between 5 and 10 million people", "5000000/10000000", "5000000",
         "10000000", "people", ""},
        {"from 1.5 to 2 billion", "from 1.5 to 2 billion",
         "1500000000/2000000000", "1500000000", "2000000000", "", ""},
        {"500,000 to 1 million people", "500,000 to 1 million people",
         "500000/1000000", "500000", "1000000", "people", ""},
        {"between $5 million and $10 million",
         "between $5 million and $10 million", "5000000/10000000",
         "5000000", "10000000", "USD", ""},
        {"5 to 10 million euros", "5 to 10 million euros",
         "5000000/10000000", "5000000", "10000000", "EUR", ""},
        {"$5-$10 million", "$5-$10 million", "5000000/10000000", "5000000",
         "10000000", "USD", ""},
    };
    run_cases(cases, G_N_ELEMENTS(cases));
    /* Without a noun, a scale, money or percent a range is no row. */
    expect_none("between 10 and 20, or more");
}

static void test_ranges_refused(void **state)
{
    (void)state;
    /* The low end must be the smaller: a vote count is no range. */
    expect_none("a 5-4 vote");
    expect_rows("won 51 to 49 votes",
                "statistic|49 votes|49|49|49|votes|\n");
    /* Years are dates, not a range of counts. */
    expect_none("from 2010 to 2015 arrests rose");
    expect_none("Between 2015 and 2018, task forces grew.");
    /* A dash inside a word or code is no range. */
    expect_none("K-12 schools");
}

/* ---- end to end: vague counts ---- */

static void test_vague_rows(void **state)
{
    (void)state;
    static const stat_case cases[] = {
        {"the capacity of thousands of communities across the country",
         "thousands of communities", "2000", "2000", "", "communities",
         ">="},
        {"Dozens of victims", "Dozens of victims", "24", "24", "", "victims",
         ">="},
        {"hundreds of people", "hundreds of people", "200", "200", "",
         "people", ">="},
        {"tens of thousands of images", "tens of thousands of images",
         "20000", "20000", "", "images", ">="},
        {"hundreds of thousands of\nchild sexual abuse images were",
         "hundreds of thousands of child sexual abuse images", "200000",
         "200000", "", "child sexual abuse images", ">="},
        {"millions of people", "millions of people", "2000000", "2000000",
         "", "people", ">="},
        {"millions of dollars", "millions of dollars", "2000000", "2000000",
         "", "USD", ">="},
        {"several hundred officers", "several hundred officers", "300",
         "300", "", "officers", ">="},
        {"a few thousand people", "a few thousand people", "2000", "2000",
         "", "people", ">="},
        {"several hundred thousand dollars",
         "several hundred thousand dollars", "300000", "300000", "", "USD",
         ">="},
        {"it numbered several thousand.", "several thousand", "3000",
         "3000", "", "", ">="},
    };
    run_cases(cases, G_N_ELEMENTS(cases));
    expect_none("hundreds of them");
    expect_none("several agencies");
    expect_none("the test scores of students");
}

/* ---- end to end: qualifiers ---- */

static void test_qualifiers(void **state)
{
    (void)state;
    static const struct {
        const char *phrase;
        const char *symbol;
    } cases[] = {
        {"more than", ">"},      {"over", ">"},
        {"above", ">"},          {"exceeding", ">"},
        {"in excess of", ">"},   {"greater than", ">"},
        {"upwards of", ">"},     {"well over", ">"},
        {"just over", ">"},      {"at least", ">="},
        {"no fewer than", ">="}, {"no less than", ">="},
        {"less than", "<"},      {"under", "<"},
        {"below", "<"},          {"fewer than", "<"},
        {"just under", "<"},     {"up to", "<="},
        {"at most", "<="},       {"no more than", "<="},
        {"as many as", "<="},    {"about", "~"},
        {"approximately", "~"},  {"around", "~"},
        {"roughly", "~"},        {"nearly", "~"},
        {"almost", "~"},         {"some", "~"},
        {"an estimated", "~"},   {"close to", "~"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *p = cases[i].phrase, *q = cases[i].symbol;
        /* Bounds follow the symbol: > and >= keep only low, < and <=
         * only high, ~ neither. */
        const char *low = q[0] == '>' ? "300" : "";
        const char *high = q[0] == '<' ? "300" : "";
        char *input = g_strdup_printf("The office closed %s 300 cases "
                                      "last year.", p);
        char *want = g_strdup_printf("statistic|%s 300 cases|300|%s|%s|"
                                     "cases|%s\n", p, low, high, q);
        expect_rows(input, want);
        /* The same in money and in percent. */
        g_free(input);
        g_free(want);
        input = g_strdup_printf("a budget of %s $300 for", p);
        want = g_strdup_printf("statistic|%s $300|300|%s|%s|USD|%s\n", p,
                               low, high, q);
        expect_rows(input, want);
        g_free(input);
        g_free(want);
        input = g_strdup_printf("%s 300 percent", p);
        want = g_strdup_printf("statistic|%s 300 percent|300|%s|%s|"
                               "percent|%s\n", p, low, high, q);
        expect_rows(input, want);
        g_free(input);
        g_free(want);
    }
    /* Any case, spread over a line break. */
    expect_rows("More\nthan 300 cases",
                "statistic|More than 300 cases|300|300||cases|>\n");
}

/* ---- the normaliser's refusals, through rules of our own ---- */

static void test_refused_combinations(void **state)
{
    (void)state;
    /* A rule's counter-example fails the load when the rule makes a row
     * from it, so these rules load only if the normaliser refuses. */
    char *dir = g_dir_make_tmp("figex-stat-XXXXXX", NULL);
    assert_non_null(dir);
    char *path = g_build_filename(dir, "t.rules", NULL);
    const char *rules =
        "rule qualified-range\n"
        "  type: statistic\n"
        "  pattern: (?<qualifier>about)\\s(?<number>\\d+)-"
        "(?<end_number>\\d+)\\s(?<unit>cases)\n"
        "  counter: about 10-20 cases\n"
        "rule qualified-vague\n"
        "  type: statistic\n"
        "  pattern: (?<qualifier>over)\\s(?<vague>thousands)\\sof\\s"
        "(?<unit>cases)\n"
        "  counter: over thousands of cases\n"
        "rule bad-words\n"
        "  type: statistic\n"
        "  pattern: (?<number>[a-z]+(?:\\s[a-z]+)*)\\s(?<unit>cases)\n"
        "  counter: three twenty cases\n"
        "  example: three hundred twenty cases => 320; unit=cases\n"
        "rule scale-per-end\n"
        "  type: statistic\n"
        "  pattern: (?<number>\\d+)\\s(?<scale>thousand)\\sto\\s"
        "(?<end_number>\\d+)\\s(?<scale>million)\n"
        "  example: 500 thousand to 2 million => 500000/2000000;"
        " low=500000; high=2000000\n"
        "  counter: 5 thousand to 2 thousand\n";
    assert_true(g_file_set_contents(path, rules, -1, NULL));
    GPtrArray *diags = diag_recs_new();
    fx_ruleset *rs = NULL;
    const char *paths[] = {path};
    fx_status st = fx_ruleset_load(&rs, paths, 1, record_diag, diags);
    for (guint i = 0; i < diags->len; i++) {
        const diag_rec *d = g_ptr_array_index(diags, i);
        print_message("%s:%u:%u: %s\n", d->file, d->line, d->col, d->msg);
    }
    assert_int_equal(st, FX_OK);
    assert_int_equal(diags->len, 0);
    fx_ruleset_free(rs);
    g_ptr_array_free(diags, TRUE);
    remove_tree(dir);
    g_free(path);
    g_free(dir);
}

/* ---- traps: numbers that are no statistic ---- */

static void test_trap_dates(void **state)
{
    (void)state;
    expect_none("On January 18, 2022 agents met.");
    expect_none("Since its inception in 1998 agents have");
    expect_none("dated 30 March 2021 officials");
    expect_none("the FY 2016 staffing plan");
}

static void test_trap_covid(void **state)
{
    (void)state;
    expect_none("during the Covid-19 pandemic");
    expect_none("COVID-19 cases rose");
}

static void test_trap_g7(void **state)
{
    (void)state;
    expect_none("the G-7 Roma-Lyon Group");
    expect_none("with G-20 partners on guidance");
    expect_none("the G7 leaders");
}

static void test_trap_phone(void **state)
{
    (void)state;
    expect_none("call the CyberTipline at 1-800-843-5678 or");
    expect_none("call (202) 447-3400 for details");
    expect_none("Management at 202-447-3400.");
    expect_none("dial +1 202.447.3400 now");
}

static void test_trap_zip(void **state)
{
    (void)state;
    expect_none("Washington, DC 20530\nresidents");
    expect_none("Washington, D.C. 20530 residents");
    expect_none("Washington, DC 20528-0001 residents");
}

static void test_trap_statute(void **state)
{
    (void)state;
    expect_none("in violation of 18 U.S.C. 2252 prosecutors");
    expect_none("under Section 2251 offenders");
    expect_none("chapter 77 of Title 18 offenses");
    expect_none("under \xC2\xA7 1591 offenders");
    expect_none("under 18 U.S.C. \xC2\xA7 1591 offenders");
}

static void test_trap_form_bill(void **state)
{
    (void)state;
    expect_none("by filing Form I-914 with USCIS");
    expect_none("introduced as H.R. 2200 sponsors");
    expect_none("the Senate passed S. 1234 unanimously");
}

static void test_trap_ordinals(void **state)
{
    (void)state;
    expect_none("the 3rd consecutive year");
    expect_none("in the 21st century");
    expect_none("the 2nd quarter");
}

static void test_trap_times(void **state)
{
    (void)state;
    expect_none("at 4:30 p.m. officials");
    expect_none("at 10 a.m. officials");
    expect_none("by 9am staff");
    expect_none("at 10 am officials");
}

static void test_trap_versions(void **state)
{
    (void)state;
    expect_none("upgraded to release v2.3.1 in");
    expect_none("in version 2.1 users");
    expect_none("the v3.0.1 patch");
}

static void test_trap_references(void **state)
{
    (void)state;
    expect_none("on page 12 states that");
    expect_none("see pp. 12-14 for details");
    expect_none("paragraph 4 describes");
    expect_none("under para. 4(b) agencies");
    expect_none("Table 2 shows");
}

static void test_trap_ratios(void **state)
{
    (void)state;
    expect_none("1 in 5 children");
    expect_none("one in five children");
    expect_none("9 out of 10 victims");
    expect_none("nine out of ten");
}

static void test_trap_labels(void **state)
{
    (void)state;
    expect_none("staff in Room 205 said");
    expect_none("Highway 101 drivers");
    expect_none("a Category 5 hurricane");
    expect_none("Type 2 diabetes patients");
    expect_none("Chapter 11 bankruptcy filings");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_words_invalid),
        cmocka_unit_test(test_vague),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_counts_refused),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_spelled),
        cmocka_unit_test(test_spelled_refused),
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_money),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_ranges_refused),
        cmocka_unit_test(test_vague_rows),
        cmocka_unit_test(test_qualifiers),
        cmocka_unit_test(test_refused_combinations),
        cmocka_unit_test(test_trap_dates),
        cmocka_unit_test(test_trap_covid),
        cmocka_unit_test(test_trap_g7),
        cmocka_unit_test(test_trap_phone),
        cmocka_unit_test(test_trap_zip),
        cmocka_unit_test(test_trap_statute),
        cmocka_unit_test(test_trap_form_bill),
        cmocka_unit_test(test_trap_ordinals),
        cmocka_unit_test(test_trap_times),
        cmocka_unit_test(test_trap_versions),
        cmocka_unit_test(test_trap_references),
        cmocka_unit_test(test_trap_ratios),
        cmocka_unit_test(test_trap_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
