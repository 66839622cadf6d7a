/*
 * test_document.c: sentence boundaries and the document stage
 * (document.c): acronyms defined earlier, officials mentioned again,
 * and the date and agency each statistic is linked to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "internal.h"
#include "support.h"

/* ---- sentence boundaries ---- */

/* The boundary found at the first whitespace after `mark` in `text`. */
static fx_boundary boundary_after(const char *text, const char *mark)
{
    const char *at = strstr(text, mark);
    assert_non_null(at);
    at += strlen(mark);
    return fx_sentence__boundary(text, (size_t)(at - text), 0);
}

static void test_sentence_ends(void **state)
{
    (void)state;
    assert_int_equal(boundary_after("It ended. Next", "ended."),
                     FX_BOUNDARY_SENTENCE);
    assert_int_equal(boundary_after("Was it? Yes", "it?"),
                     FX_BOUNDARY_SENTENCE);
    assert_int_equal(boundary_after("in 1998.\nThe", "1998."),
                     FX_BOUNDARY_SENTENCE);
    assert_int_equal(boundary_after("the (NCMEC). It", "(NCMEC)."),
                     FX_BOUNDARY_SENTENCE);
    assert_int_equal(boundary_after("he said.\" Then", "said.\""),
                     FX_BOUNDARY_SENTENCE);
}

static void test_sentence_abbreviations(void **state)
{
    (void)state;
    assert_int_equal(boundary_after("the U.S. Department", "U.S."),
                     FX_BOUNDARY_NONE);
    assert_int_equal(boundary_after("Dear Mr. Osei", "Mr."),
                     FX_BOUNDARY_NONE);
    assert_int_equal(boundary_after("on Jan. 18, 2022", "Jan."),
                     FX_BOUNDARY_NONE);
    assert_int_equal(boundary_after("Keith M. Harper", "M."),
                     FX_BOUNDARY_NONE);
    assert_int_equal(boundary_after("see No. 29", "No."),
                     FX_BOUNDARY_NONE);
    assert_int_equal(boundary_after("in the U.K. and", "U.K."),
                     FX_BOUNDARY_NONE);
    /* Not whitespace: no decision at all. */
    assert_int_equal(fx_sentence__boundary("6.5 million", 1, 0),
                     FX_BOUNDARY_NONE);
}

static void test_paragraphs(void **state)
{
    (void)state;
    const char *t = "one line\n\nnext";
    assert_int_equal(fx_sentence__boundary(t, 9, 0), FX_BOUNDARY_PARAGRAPH);
    assert_int_equal(fx_sentence__boundary(t, 8, 0), FX_BOUNDARY_NONE);
    const char *u = "done.  \n \t\nnext";
    assert_int_equal(fx_sentence__boundary(u, 10, 0),
                     FX_BOUNDARY_PARAGRAPH);
    /* A hard-wrapped line is not a paragraph. */
    assert_int_equal(fx_sentence__boundary("of the\nprogram", 6, 0),
                     FX_BOUNDARY_NONE);
}

static void test_sentence_lookback_floor(void **state)
{
    (void)state;
    /* Nothing before `lo` is looked at. */
    const char *t = "x.\n\ny";
    assert_int_equal(fx_sentence__boundary(t, 3, 3), FX_BOUNDARY_NONE);
    assert_int_equal(fx_sentence__boundary(t, 3, 0), FX_BOUNDARY_PARAGRAPH);
}

/* ---- the document stage, directly ---- */

typedef struct {
    fx_document *doc;
    fx_fields row;
} stage;

static int stage_setup(void **state)
{
    stage *s = g_new0(stage, 1);
    s->doc = fx_document__new();
    fx_fields__init(&s->row);
    fx_document__begin(s->doc, NULL);
    *state = s;
    return 0;
}

static int stage_teardown(void **state)
{
    stage *s = *state;
    fx_document__free(s->doc);
    fx_fields__clear(&s->row);
    g_free(s);
    return 0;
}

/* Fill the scratch row: pairs of (field, value), ended by -1. */
static fx_fields *row_of(stage *s, ...)
{
    fx_fields__reset(&s->row);
    va_list ap;
    va_start(ap, s);
    int f;
    while ((f = va_arg(ap, int)) >= 0)
        g_string_assign(s->row.f[f], va_arg(ap, const char *));
    va_end(ap);
    return &s->row;
}

static void test_acronym_defined_earlier(void **state)
{
    stage *s = *state;
    fx_doc_place at = {FX_TYPE_AGENCY, 3, 1, 0};
    fx_fields *r = row_of(s, FX_F_VALUE, "Child Exploitation Investigations "
                          "Unit", FX_F_ACRONYM, "CEIU", -1);
    assert_true(fx_document__resolve(s->doc, &at, r));
    fx_document__record(s->doc, &at, r);
    r = row_of(s, FX_F_ACRONYM, "CEIU", FX_F_RESOLVE, "acronym", -1);
    assert_true(fx_document__resolve(s->doc, &at, r));
    assert_string_equal(r->f[FX_F_VALUE]->str,
                        "Child Exploitation Investigations Unit");
    assert_string_equal(r->f[FX_F_RESOLVE]->str, "");
    /* Never defined: dropped. */
    r = row_of(s, FX_F_ACRONYM, "RRDP", FX_F_RESOLVE, "acronym", -1);
    assert_false(fx_document__resolve(s->doc, &at, r));
    /* A new document forgets the definitions. */
    fx_document__begin(s->doc, NULL);
    r = row_of(s, FX_F_ACRONYM, "CEIU", FX_F_RESOLVE, "acronym", -1);
    assert_false(fx_document__resolve(s->doc, &at, r));
}

static void test_official_mentioned_again(void **state)
{
    stage *s = *state;
    fx_doc_place at = {FX_TYPE_OFFICIAL, 5, 2, 1};
    fx_fields *r = row_of(s, FX_F_VALUE, "Eleanor R. Whitfield", FX_F_TITLE,
                          "Attorney General", -1);
    assert_true(fx_document__resolve(s->doc, &at, r));
    fx_document__record(s->doc, &at, r);
    r = row_of(s, FX_F_VALUE, "Whitfield", FX_F_RESOLVE, "surname", -1);
    assert_true(fx_document__resolve(s->doc, &at, r));
    assert_string_equal(r->f[FX_F_VALUE]->str, "Eleanor R. Whitfield");
    assert_string_equal(r->f[FX_F_TITLE]->str, "Attorney General");
    /* Same first name and surname: the earlier, fuller form; a title of
     * its own is kept. */
    r = row_of(s, FX_F_VALUE, "Eleanor Whitfield", FX_F_TITLE, "Chair", -1);
    assert_true(fx_document__resolve(s->doc, &at, r));
    assert_string_equal(r->f[FX_F_VALUE]->str, "Eleanor R. Whitfield");
    assert_string_equal(r->f[FX_F_TITLE]->str, "Chair");
    /* Another person of the same surname is left alone. */
    r = row_of(s, FX_F_VALUE, "Marcus Whitfield", -1);
    assert_true(fx_document__resolve(s->doc, &at, r));
    assert_string_equal(r->f[FX_F_VALUE]->str, "Marcus Whitfield");
    assert_string_equal(r->f[FX_F_TITLE]->str, "");
    /* A bare surname ("Whitfield said") needs an earlier official. */
    r = row_of(s, FX_F_VALUE, "Whitfield", FX_F_RESOLVE, "surname-known",
               -1);
    assert_true(fx_document__resolve(s->doc, &at, r));
    assert_string_equal(r->f[FX_F_VALUE]->str, "Eleanor R. Whitfield");
    r = row_of(s, FX_F_VALUE, "Omegle", FX_F_RESOLVE, "surname-known", -1);
    assert_false(fx_document__resolve(s->doc, &at, r));
    /* An unknown surname with a title stays as written. */
    r = row_of(s, FX_F_VALUE, "Delgado", FX_F_TITLE, "Director",
               FX_F_RESOLVE, "surname", -1);
    assert_true(fx_document__resolve(s->doc, &at, r));
    assert_string_equal(r->f[FX_F_VALUE]->str, "Delgado");
}

/* Record a date or agency row seen at sentence `sent` of paragraph
 * `par`. */
static void seen(stage *s, fx_type type, const char *value,
                 const char *qualifier, uint64_t sent, uint64_t par)
{
    fx_doc_place at = {type, 40, sent, par};
    fx_fields *r = row_of(s, FX_F_VALUE, value, FX_F_QUALIFIER, qualifier,
                          -1);
    fx_document__record(s->doc, &at, r);
}

/* Link a statistic at sentence `sent` of paragraph `par`; writes its
 * "as_of|agency" to `out`. */
static void link_at(stage *s, uint64_t sent, uint64_t par, char *out,
                    size_t n)
{
    fx_doc_place at = {FX_TYPE_STATISTIC, 40, sent, par};
    fx_fields *r = row_of(s, FX_F_VALUE, "300", -1);
    fx_document__link(s->doc, &at, r);
    snprintf(out, n, "%s|%s", r->f[FX_F_AS_OF]->str, r->f[FX_F_AGENCY]->str);
}

static void test_link_order(void **state)
{
    stage *s = *state;
    char got[200];
    link_at(s, 0, 0, got, sizeof got);
    assert_string_equal(got, "|");
    seen(s, FX_TYPE_DATE, "1998", ">=", 3, 1);
    seen(s, FX_TYPE_AGENCY, "Federal Bureau of Investigation", "", 3, 1);
    link_at(s, 3, 1, got, sizeof got); /* same sentence */
    assert_string_equal(got, ">=1998|Federal Bureau of Investigation");
    link_at(s, 4, 1, got, sizeof got); /* same paragraph */
    assert_string_equal(got, ">=1998|Federal Bureau of Investigation");
    link_at(s, 6, 2, got, sizeof got); /* next paragraph: agency only */
    assert_string_equal(got, "|Federal Bureau of Investigation");
    link_at(s, 9, 3, got, sizeof got); /* two paragraphs on: nothing */
    assert_string_equal(got, "|");
    /* A later date of the same sentence beats an earlier paragraph's. */
    fx_fields *r = row_of(s, FX_F_VALUE, "2019-10/2020-09", -1);
    fx_document__lookahead(s->doc, FX_TYPE_DATE, r, NULL, 80);
    r = row_of(s, FX_F_VALUE, "Drug Enforcement Administration", -1);
    fx_document__lookahead(s->doc, FX_TYPE_AGENCY, r, NULL, 90);
    r = row_of(s, FX_F_VALUE, "U.S. Secret Service", -1);
    fx_document__lookahead(s->doc, FX_TYPE_AGENCY, r, NULL, 120);
    link_at(s, 4, 1, got, sizeof got);
    assert_string_equal(got,
                        "2019-10/2020-09|Drug Enforcement Administration");
    /* Lookahead is used once. */
    link_at(s, 4, 1, got, sizeof got);
    assert_string_equal(got, ">=1998|Federal Bureau of Investigation");
}

/* A date right after the figure ("40 percent in 2020") beats the
 * sentence's first date; a baseline ("up from 7,337 in 2020", "than in
 * 2019") is never the figure's date. */
static void test_link_near_and_baseline(void **state)
{
    stage *s = *state;
    char got[200];
    seen(s, FX_TYPE_DATE, "2021", "", 7, 2);
    fx_fields *r = row_of(s, FX_F_VALUE, "2020", -1);
    fx_document__lookahead(s->doc, FX_TYPE_DATE, r, " in ", 4);
    link_at(s, 7, 2, got, sizeof got);
    assert_string_equal(got, "2020|");
    r = row_of(s, FX_F_VALUE, "2020", -1);
    fx_document__lookahead(s->doc, FX_TYPE_DATE, r, " from 7,337 in ", 15);
    link_at(s, 7, 2, got, sizeof got);
    assert_string_equal(got, "2021|");
    /* With no earlier date in the sentence, a baseline is still skipped
     * and the paragraph's last date is used. */
    r = row_of(s, FX_F_VALUE, "2019", -1);
    fx_document__lookahead(s->doc, FX_TYPE_DATE, r, " higher than in ", 16);
    link_at(s, 8, 2, got, sizeof got);
    assert_string_equal(got, "2021|");
}

/* ---- end to end, with the bundled rules ---- */

/* The as_of|agency of each statistic row of `text`, one a line. */
static char *links(const char *text)
{
    char *rows = run_bundled_type(text, "statistic", NULL);
    GString *out = g_string_new(NULL);
    char **lines = g_strsplit(rows, "\n", -1);
    for (char **l = lines; *l && **l; l++) {
        char **cells = g_strsplit(*l, "|", -1);
        g_string_append_printf(out, "%s:%s|%s\n", cells[2], cells[10],
                               cells[11]);
        g_strfreev(cells);
    }
    g_strfreev(lines);
    g_free(rows);
    return g_string_free(out, FALSE);
}

static void test_link_end_to_end(void **state)
{
    (void)state;
    char *got = links(
        "Since its inception in 1998, the FBI has opened more than 300\n"
        "cases. The DEA opened 120 cases in 2019, and the U.S. Secret\n"
        "Service 45 cases. It also made 200 arrests.\n"
        "\n"
        "Officers seized 70 weapons.\n"
        "\n"
        "The report counted 12 states.\n");
    assert_string_equal(got,
                        "300:>=1998|Federal Bureau of Investigation\n"
                        "120:2019|Drug Enforcement Administration\n"
                        "45:2019|U.S. Secret Service\n"
                        "200:2019|U.S. Secret Service\n"
                        "70:|U.S. Secret Service\n"
                        "12:|\n");
    g_free(got);
}

static void test_surname_end_to_end(void **state)
{
    (void)state;
    char *got = run_bundled_type(
        "FBI Director Marcus T. Delgado opened the centre. \"It works,\"\n"
        "Delgado said. Omegle said nothing, and Whitfield said less.\n",
        "official", NULL);
    assert_string_equal(got,
                        "official|FBI Director Marcus T. Delgado|Marcus T. "
                        "Delgado|||||||FBI Director||\n"
                        "official|Delgado|Marcus T. Delgado|||||||"
                        "FBI Director||\n");
    g_free(got);
}

/* Rows whatever the chunking: a statistic waits for its sentence end,
 * which may arrive one byte at a time. */
static fx_status keep_row(void *payload, const fx_row *r)
{
    g_string_append_printf(payload, "%s|%s|%s|%s\n", r->text, r->value,
                           r->as_of, r->agency);
    return FX_OK;
}

static void test_link_chunking(void **state)
{
    (void)state;
    const char *text =
        "The FBI opened 300 cases and closed 20 files in March 2020.\n"
        "Investigators at the DEA made 45 arrests. In 2021, it made 12 "
        "seizures.";
    const char *dir = FIGEX_RULES_DIR;
    fx_ruleset *rs = NULL;
    assert_int_equal(fx_ruleset_load(&rs, &dir, 1, NULL, NULL), FX_OK);
    GString *whole = g_string_new(NULL), *bytes = g_string_new(NULL);
    GString *outs[] = {whole, bytes};
    for (int k = 0; k < 2; k++) {
        fx_sink sink = {"keep", NULL, keep_row, NULL, NULL, outs[k]};
        fx_engine *eng = NULL;
        assert_int_equal(fx_engine_new(&eng, rs, &sink, NULL, NULL), FX_OK);
        fx_engine_begin(eng, "t");
        size_t n = strlen(text), step = k == 0 ? n : 1;
        for (size_t i = 0; i < n; i += step)
            assert_int_equal(fx_engine_feed(eng, text + i, MIN(step, n - i)),
                             FX_OK);
        assert_int_equal(fx_engine_finish(eng), FX_OK);
        fx_engine_free(eng);
    }
    assert_string_equal(bytes->str, whole->str);
    assert_non_null(strstr(whole->str, "300 cases|300|2020-03|Federal"));
    assert_non_null(strstr(whole->str, "12 seizures|12|2021|Drug Enforcement"));
    g_string_free(whole, TRUE);
    g_string_free(bytes, TRUE);
    fx_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sentence_ends),
        cmocka_unit_test(test_sentence_abbreviations),
        cmocka_unit_test(test_paragraphs),
        cmocka_unit_test(test_sentence_lookback_floor),
        cmocka_unit_test_setup_teardown(test_acronym_defined_earlier,
                                        stage_setup, stage_teardown),
        cmocka_unit_test_setup_teardown(test_official_mentioned_again,
                                        stage_setup, stage_teardown),
        cmocka_unit_test_setup_teardown(test_link_order, stage_setup,
                                        stage_teardown),
        cmocka_unit_test_setup_teardown(test_link_near_and_baseline,
                                        stage_setup, stage_teardown),
        cmocka_unit_test(test_link_end_to_end),
        cmocka_unit_test(test_surname_end_to_end),
        cmocka_unit_test(test_link_chunking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
