/*
 * test_normalise.c: the normalisers' building blocks, called directly.
 *
 * Text folding, qualifier phrases, month names, calendar dates with their
 * bounds, exact decimal scaling of numbers, scale words, currencies and
 * the joining of title-block lines (src/extract/internal.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "internal.h"

/* ---- fx_text__fold ---- */

static void test_fold(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"", ""},
        {"   ", ""},
        {"a", "a"},
        {"  a \n\t b  ", "a b"},
        {"U.S. Department of\n  Justice", "U.S. Department of Justice"},
        {"a\r\nb\fc\vd", "a b c d"},
        {"a\xC2\xA0" "b", "a b"},            /* U+00A0 */
        {"a\xE2\x80\xAF" "b", "a b"},        /* U+202F */
        {"a \xC2\xA0\n\xE2\x80\xAF b", "a b"},
        {"\xC2\xA0" "x" "\xE2\x80\xAF", "x"},
        {"caf\xC3\xA9 \xC5\xA0imonovic", "caf\xC3\xA9 \xC5\xA0imonovic"},
        {"a\xFF" "b", "a\xEF\xBF\xBD" "b"},   /* invalid byte */
        {"a\xC3", "a\xEF\xBF\xBD"},           /* truncated character */
        {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"}, /* overlong */
        {"x\xE2\x80" "y", "x\xEF\xBF\xBD\xEF\xBF\xBDy"},
        /* U+2009 thin space is not folded: it is not in the set. */
        {"1\xE2\x80\x89" "000", "1\xE2\x80\x89" "000"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *out = g_string_new(NULL);
        fx_text__fold(out, cases[i].in, strlen(cases[i].in));
        if (strcmp(out->str, cases[i].out) != 0)
            print_message("case %zu\n", i);
        assert_string_equal(out->str, cases[i].out);
        assert_true(g_utf8_validate(out->str, (gssize)out->len, NULL));
        g_string_free(out, TRUE);
    }
}

static void test_fold_appends_and_respects_length(void **state)
{
    (void)state;
    GString *out = g_string_new("x:");
    /* Only the first 6 bytes: " a  b " (the "c" is not read). */
    fx_text__fold(out, " a  b c", 6);
    assert_string_equal(out->str, "x:a b");
    g_string_free(out, TRUE);
}

/* ---- fx_qualifier__symbol ---- */

static void test_qualifier_table(void **state)
{
    (void)state;
    static const struct {
        const char *phrase;
        const char *symbol;
    } cases[] = {
        {"more than", ">"},      {"over", ">"},
        {"above", ">"},          {"exceeding", ">"},
        {"in excess of", ">"},   {"greater than", ">"},
        {"upwards of", ">"},     {"after", ">"},
        {"at least", ">="},      {"no fewer than", ">="},
        {"no less than", ">="},  {"not less than", ">="},
        {"since", ">="},         {"from", ">="},
        {"starting in", ">="},   {"beginning in", ">="},
        {"less than", "<"},      {"under", "<"},
        {"below", "<"},          {"fewer than", "<"},
        {"before", "<"},         {"prior to", "<"},
        {"up to", "<="},         {"at most", "<="},
        {"no more than", "<="},  {"not more than", "<="},
        {"until", "<="},         {"through", "<="},
        {"by", "<="},
        {"about", "~"},          {"approximately", "~"},
        {"around", "~"},         {"roughly", "~"},
        {"nearly", "~"},         {"almost", "~"},
        {"some", "~"},           {"an estimated", "~"},
        {"estimated", "~"},      {"close to", "~"},
        {"circa", "~"},          {"approx.", "~"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *p = cases[i].phrase;
        const char *got = fx_qualifier__symbol(p, strlen(p));
        if (g_strcmp0(got, cases[i].symbol) != 0)
            print_message("phrase '%s'\n", p);
        assert_non_null(got);
        assert_string_equal(got, cases[i].symbol);
        /* Upper case and spread over lines, the same symbol. */
        char *up = g_ascii_strup(p, -1);
        char *spread = g_strdup_printf(" \n%s\t", up);
        for (char *s = spread; *s; s++)
            if (*s == ' ' && s > spread + 1)
                *s = '\n';
        got = fx_qualifier__symbol(spread, strlen(spread));
        assert_non_null(got);
        assert_string_equal(got, cases[i].symbol);
        g_free(spread);
        g_free(up);
    }
}

static void test_qualifier_folding_and_unknown(void **state)
{
    (void)state;
    assert_string_equal(fx_qualifier__symbol("More  Than", 10), ">");
    assert_string_equal(fx_qualifier__symbol("more\xC2\xA0than", 10), ">");
    assert_string_equal(fx_qualifier__symbol("Since", 5), ">=");
    /* Length is honoured: "up to date" cut to "up to". */
    assert_string_equal(fx_qualifier__symbol("up to date", 5), "<=");
    assert_null(fx_qualifier__symbol("up to date", 10));
    assert_null(fx_qualifier__symbol("lots", 4));
    assert_null(fx_qualifier__symbol("", 0));
    assert_null(fx_qualifier__symbol("morethan", 8));
    assert_null(fx_qualifier__symbol("more than than", 14));
    assert_null(fx_qualifier__symbol("approx", 6));
}

/* ---- fx_date__month ---- */

static void test_month(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int month;
    } cases[] = {
        {"January", 1},  {"january", 1},   {"JANUARY", 1},  {"Jan", 1},
        {"Jan.", 1},     {"Janu", 1},      {"February", 2}, {"Feb", 2},
        {"Mar", 3},      {"April", 4},     {"Apr.", 4},     {"May", 5},
        {"June", 6},     {"Jun", 6},       {"July", 7},     {"Jul", 7},
        {"Aug", 8},      {"September", 9}, {"Sep", 9},      {"Sept", 9},
        {"Sept.", 9},    {"SEPT", 9},      {"Oct", 10},     {"Nov.", 11},
        {"DEC", 12},     {"Dec.", 12},     {"December", 12},
        {"1", 1},        {"01", 1},        {"9", 9},        {"12", 12},
        /* invalid */
        {"", 0},         {"0", 0},         {"00", 0},       {"13", 0},
        {"001", 0},      {"1a", 0},        {"Ja", 0},       {"J", 0},
        {".", 0},        {"Mayo", 0},      {"Januaryy", 0}, {"Septe", 9},
        {"Sepember", 0}, {"Ju", 0},        {"Smarch", 0},   {"Jan..", 0},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        int got = fx_date__month(cases[i].s, strlen(cases[i].s));
        if (got != cases[i].month)
            print_message("month '%s'\n", cases[i].s);
        assert_int_equal(got, cases[i].month);
    }
    /* Only `len` bytes are read. */
    assert_int_equal(fx_date__month("Decimal", 3), 12);
    assert_int_equal(fx_date__month("123", 2), 12);
}

/* ---- fx_date__fill ---- */

typedef struct {
    int year, month, day;
    const char *qualifier;
    const char *value, *low, *high, *precision;
} date_case;

static void check_date(const date_case *c)
{
    fx_fields f;
    fx_fields__init(&f);
    bool ok = fx_date__fill(&f, c->year, c->month, c->day, c->qualifier);
    if (!ok || strcmp(f.f[FX_F_VALUE]->str, c->value) != 0 ||
        strcmp(f.f[FX_F_LOW]->str, c->low) != 0 ||
        strcmp(f.f[FX_F_HIGH]->str, c->high) != 0)
        print_message("date %d-%d-%d %s\n", c->year, c->month, c->day,
                      c->qualifier ? c->qualifier : "(none)");
    assert_true(ok);
    assert_string_equal(f.f[FX_F_VALUE]->str, c->value);
    assert_string_equal(f.f[FX_F_LOW]->str, c->low);
    assert_string_equal(f.f[FX_F_HIGH]->str, c->high);
    assert_string_equal(f.f[FX_F_PRECISION]->str, c->precision);
    assert_string_equal(f.f[FX_F_QUALIFIER]->str,
                        c->qualifier ? c->qualifier : "");
    /* Nothing else is touched. */
    assert_int_equal(f.f[FX_F_TEXT]->len, 0);
    assert_int_equal(f.f[FX_F_UNIT]->len, 0);
    fx_fields__clear(&f);
}

static void test_date_precision(void **state)
{
    (void)state;
    static const date_case cases[] = {
        {2022, 1, 18, NULL, "2022-01-18", "2022-01-18", "2022-01-18",
         "day"},
        {2020, 3, 0, NULL, "2020-03", "2020-03-01", "2020-03-31", "month"},
        {1998, 0, 0, NULL, "1998", "1998-01-01", "1998-12-31", "year"},
        {2024, 2, 0, NULL, "2024-02", "2024-02-01", "2024-02-29", "month"},
        {2023, 2, 0, NULL, "2023-02", "2023-02-01", "2023-02-28", "month"},
        {1900, 2, 0, NULL, "1900-02", "1900-02-01", "1900-02-28", "month"},
        {2000, 2, 0, NULL, "2000-02", "2000-02-01", "2000-02-29", "month"},
        {2024, 2, 29, NULL, "2024-02-29", "2024-02-29", "2024-02-29",
         "day"},
        {2021, 4, 0, NULL, "2021-04", "2021-04-01", "2021-04-30", "month"},
        {1, 1, 1, NULL, "0001-01-01", "0001-01-01", "0001-01-01", "day"},
        {9999, 12, 0, NULL, "9999-12", "9999-12-01", "9999-12-31", "month"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        check_date(&cases[i]);
}

static void test_date_qualifiers(void **state)
{
    (void)state;
    /* >= and > keep low only (> from the day after the period); < and <=
     * keep high only (< up to the day before it); ~ keeps both. */
    static const date_case cases[] = {
        {1998, 0, 0, ">=", "1998", "1998-01-01", "", "year"},
        {1998, 0, 0, ">", "1998", "1999-01-01", "", "year"},
        {2016, 0, 0, "<", "2016", "", "2015-12-31", "year"},
        {2016, 0, 0, "<=", "2016", "", "2016-12-31", "year"},
        {2016, 0, 0, "~", "2016", "2016-01-01", "2016-12-31", "year"},
        {2017, 9, 0, ">=", "2017-09", "2017-09-01", "", "month"},
        {2023, 12, 0, ">", "2023-12", "2024-01-01", "", "month"},
        {2024, 2, 0, ">", "2024-02", "2024-03-01", "", "month"},
        {2024, 3, 0, "<", "2024-03", "", "2024-02-29", "month"},
        {2023, 3, 0, "<", "2023-03", "", "2023-02-28", "month"},
        {2024, 2, 0, "<=", "2024-02", "", "2024-02-29", "month"},
        {2016, 3, 0, "~", "2016-03", "2016-03-01", "2016-03-31", "month"},
        {2024, 2, 28, ">", "2024-02-28", "2024-02-29", "", "day"},
        {2024, 3, 1, "<", "2024-03-01", "", "2024-02-29", "day"},
        {2022, 1, 18, ">=", "2022-01-18", "2022-01-18", "", "day"},
        {2022, 1, 18, "<=", "2022-01-18", "", "2022-01-18", "day"},
        {2022, 12, 31, ">", "2022-12-31", "2023-01-01", "", "day"},
        {2022, 1, 1, "<", "2022-01-01", "", "2021-12-31", "day"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        check_date(&cases[i]);
}

static void test_date_impossible(void **state)
{
    (void)state;
    static const int bad[][3] = {
        {2020, 6, 31}, {2023, 2, 29}, {1900, 2, 29}, {2021, 4, 31},
        {2020, 1, 32}, {2020, 13, 0}, {2020, -1, 0}, {2020, 0, 5},
        {0, 1, 1},     {-5, 0, 0},    {10000, 1, 1}, {2020, 1, -1},
        /* GDate's day is 8 bits: 271 must not be checked as 15. */
        {2020, 1, 271}, {2020, 1, 287},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        fx_fields f;
        fx_fields__init(&f);
        bool ok = fx_date__fill(&f, bad[i][0], bad[i][1], bad[i][2], NULL);
        if (ok)
            print_message("date %d-%d-%d accepted\n", bad[i][0], bad[i][1],
                          bad[i][2]);
        assert_false(ok);
        fx_fields__clear(&f);
    }
}

/* A bound outside years 1-9999 drops the date: no "10000-01-01", no day
 * before 0001-01-01 (found by fuzz_normalise). */
static void test_date_bound_out_of_range(void **state)
{
    (void)state;
    static const struct {
        int year, month, day;
        const char *qualifier;
    } bad[] = {
        {9999, 12, 31, ">"}, {9999, 12, 0, ">"}, {9999, 0, 0, ">"},
        {1, 1, 1, "<"},      {1, 1, 0, "<"},     {1, 0, 0, "<"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        fx_fields f;
        fx_fields__init(&f);
        assert_false(fx_date__fill(&f, bad[i].year, bad[i].month, bad[i].day,
                                   bad[i].qualifier));
        fx_fields__clear(&f);
    }
    /* The bounds that stay inside are kept. */
    static const date_case edges[] = {
        {9999, 12, 31, ">=", "9999-12-31", "9999-12-31", "", "day"},
        {9999, 12, 30, ">", "9999-12-30", "9999-12-31", "", "day"},
        {1, 1, 1, "<=", "0001-01-01", "", "0001-01-01", "day"},
        {1, 1, 2, "<", "0001-01-02", "", "0001-01-01", "day"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(edges); i++)
        check_date(&edges[i]);
}

/* ---- fx_number__scale ---- */

static void test_scale(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int exp;
        const char *out;
    } cases[] = {
        {"6.5", 6, "6500000"},
        {"300,000", 0, "300000"},
        {"1.25", 1, "12.5"},
        {"0.5", 0, "0.5"},
        {"007", 0, "7"},
        {"0", 0, "0"},
        {"000", 0, "0"},
        {"0.0", 0, "0"},
        {"0", 9, "0"},
        {".5", 0, "0.5"},
        {"2.50", 0, "2.5"},
        {"1.2", 9, "1200000000"},
        {"4.5", 9, "4500000000"},
        {"0.001", 3, "1"},
        {"0.0012", 3, "1.2"},
        {"12.345", 2, "1234.5"},
        {"1,234.5678", 3, "1234567.8"},
        {"27", 0, "27"},
        {"1", 12, "1000000000000"},
        {"1 000", 0, "1000"},
        {"300\xC2\xA0" "000", 0, "300000"},    /* U+00A0 */
        {"1\xE2\x80\xAF" "500", 3, "1500000"}, /* U+202F */
        {"2\xE2\x80\x89" "000", 0, "2000"},    /* U+2009 */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *out = g_string_new(NULL);
        bool ok = fx_number__scale(out, cases[i].in, strlen(cases[i].in),
                                   cases[i].exp);
        if (!ok || strcmp(out->str, cases[i].out) != 0)
            print_message("scale '%s' %d\n", cases[i].in, cases[i].exp);
        assert_true(ok);
        assert_string_equal(out->str, cases[i].out);
        g_string_free(out, TRUE);
    }
}

static void test_scale_huge_number(void **state)
{
    (void)state;
    GString *digits = g_string_new(NULL);
    for (int i = 0; i < 40; i++)
        g_string_append(digits, "1234567890");
    assert_int_equal(digits->len, 400);
    GString *out = g_string_new(NULL);
    assert_true(fx_number__scale(out, digits->str, digits->len, 3));
    assert_int_equal(out->len, 403);
    assert_memory_equal(out->str, digits->str, 400);
    assert_string_equal(out->str + 400, "000");
    /* With a decimal point in the middle: digits move, none is lost. */
    GString *dec = g_string_new(digits->str);
    g_string_insert_c(dec, 200, '.');
    g_string_append_c(dec, '7'); /* no trailing zero to trim */
    GString *want = g_string_new_len(digits->str, 203);
    g_string_append_c(want, '.');
    g_string_append(want, digits->str + 203);
    g_string_append_c(want, '7');
    g_string_truncate(out, 0);
    assert_true(fx_number__scale(out, dec->str, dec->len, 3));
    assert_int_equal(out->len, 402);
    assert_string_equal(out->str, want->str);
    g_string_free(want, TRUE);
    g_string_free(dec, TRUE);
    g_string_free(out, TRUE);
    g_string_free(digits, TRUE);
}

static void test_scale_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int exp;
    } cases[] = {
        {"1.2.3", 0}, {"", 0},    {"abc", 0}, {"1e5", 0}, {",", 0},
        {".", 0},     {"12a", 0}, {"-5", 0},  {"+5", 0},  {"5", -1},
        {"$5", 0},    {"1\xC2", 0},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *out = g_string_new("keep");
        bool ok = fx_number__scale(out, cases[i].in, strlen(cases[i].in),
                                   cases[i].exp);
        if (ok)
            print_message("scale '%s' accepted as %s\n", cases[i].in,
                          out->str);
        assert_false(ok);
        assert_string_equal(out->str, "keep"); /* nothing appended */
        g_string_free(out, TRUE);
    }
}

/* ---- fx_number__scale_word and fx_number__currency ---- */

static void test_scale_word(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        int exp;
    } cases[] = {
        {"hundred", 2},  {"thousand", 3}, {"Thousand", 3}, {"k", 3},
        {"K", 3},        {"million", 6},  {"MILLION", 6},  {"mn", 6},
        {"mln", 6},      {"m", 6},        {"M", 6},        {"billion", 9},
        {"bn", 9},       {"b", 9},        {"B", 9},        {"trillion", 12},
        {"tn", 12},      {"millions", -1}, {"lakh", -1},   {"", -1},
        {"bil", -1},     {"thousands", -1},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        int got = fx_number__scale_word(cases[i].word,
                                        strlen(cases[i].word));
        if (got != cases[i].exp)
            print_message("scale word '%s'\n", cases[i].word);
        assert_int_equal(got, cases[i].exp);
    }
    assert_int_equal(fx_number__scale_word("millionaire", 7), 6);
}

static void test_currency(void **state)
{
    (void)state;
    static const struct {
        const char *sign;
        const char *code;
    } cases[] = {
        {"$", "USD"},          {"US$", "USD"},       {"us$", "USD"},
        {"USD", "USD"},        {"dollars", "USD"},   {"Dollar", "USD"},
        {"\xE2\x82\xAC", "EUR"}, {"EUR", "EUR"},     {"euros", "EUR"},
        {"Euro", "EUR"},       {"\xC2\xA3", "GBP"},  {"GBP", "GBP"},
        {"pounds", "GBP"},     {"Pound", "GBP"},     {" $ ", "USD"},
        {"\xC2\xA5", NULL},    {"yen", NULL},        {"", NULL},
        {"US $", NULL},        {"dollarss", NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *got = fx_number__currency(cases[i].sign,
                                              strlen(cases[i].sign));
        if (g_strcmp0(got, cases[i].code) != 0)
            print_message("currency '%s'\n", cases[i].sign);
        if (cases[i].code) {
            assert_non_null(got);
            assert_string_equal(got, cases[i].code);
        } else {
            assert_null(got);
        }
    }
    assert_string_equal(fx_number__currency("$5", 1), "USD");
}

/* ---- fx_title__join ---- */

static void test_title_join(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"Ambassador", "Ambassador"},
        /* A new capitalised line is a new part. */
        {"Ambassador\nU.S. Representative to the Human Rights Council",
         "Ambassador, U.S. Representative to the Human Rights Council"},
        /* A wrapped line starting in lower case continues the phrase. */
        {"Head of Unit\nresponsible for Europe",
         "Head of Unit responsible for Europe"},
        /* After a comma, the next line continues (no second comma). */
        {"Special Rapporteur on trafficking in persons,\n"
         "especially women and children",
         "Special Rapporteur on trafficking in persons, especially women "
         "and children"},
        {"Advisor,\nChild Rights", "Advisor, Child Rights"},
        /* After "of", "the", "for" ..., the next line continues. */
        {"Director of\nPublic Affairs", "Director of Public Affairs"},
        {"Head of the\nOffice", "Head of the Office"},
        {"Under Secretary for\nManagement", "Under Secretary for Management"},
        {"Minister on\nTrade", "Minister on Trade"},
        {"Counsel to\nthe Board", "Counsel to the Board"},
        {"Office of Science and\nTechnology",
         "Office of Science and Technology"},
        {"Commissioner in\nCharge", "Commissioner in Charge"},
        {"Chief of Staff\nOffice", "Chief of Staff, Office"},
        /* "the" must be a whole word, not the end of "Goethe". */
        {"Head, Goethe\nInstitut", "Head, Goethe, Institut"},
        /* Blank lines, spaces and CRLF are folded away. */
        {"  Ambassador  \n\n  U.S. Representative  ",
         "Ambassador, U.S. Representative"},
        {"Ambassador\r\nCouncil", "Ambassador, Council"},
        {"Director\n \nChief", "Director, Chief"},
        /* Trailing commas, semicolons and colons are dropped. */
        {"Director,", "Director"},
        {"Director,\n", "Director"},
        {"Coordinator,,;:", "Coordinator"},
        {"Chair:\n", "Chair"},
        {"", ""},
        {"\n\n", ""},
        /* Three parts, the middle one wrapped. */
        {"Ambassador\nRepresentative of the\nUnited States\nGeneva",
         "Ambassador, Representative of the United States, Geneva"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *out = g_string_new(NULL);
        fx_title__join(out, cases[i].in, strlen(cases[i].in));
        if (strcmp(out->str, cases[i].out) != 0)
            print_message("title case %zu\n", i);
        assert_string_equal(out->str, cases[i].out);
        g_string_free(out, TRUE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_fold_appends_and_respects_length),
        cmocka_unit_test(test_qualifier_table),
        cmocka_unit_test(test_qualifier_folding_and_unknown),
        cmocka_unit_test(test_month),
        cmocka_unit_test(test_date_precision),
        cmocka_unit_test(test_date_qualifiers),
        cmocka_unit_test(test_date_impossible),
        cmocka_unit_test(test_date_bound_out_of_range),
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_scale_huge_number),
        cmocka_unit_test(test_scale_invalid),
        cmocka_unit_test(test_scale_word),
        cmocka_unit_test(test_currency),
        cmocka_unit_test(test_title_join),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
