/*
 * test_rules.c: the rule parser and compiler, through fx_ruleset_load().
 *
 * Each broken rule file is written to a fresh temporary folder, loaded with
 * a callback that records every diagnostic, and the error is checked for
 * its exact file, line and column and a distinctive part of its message.
 * Also: gazetteer errors, unreadable input, a valid set (rule and example
 * counts, an unused macro is only a warning), one diagnostic for a broken
 * macro shared by two rules, and the bundled rules load cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <glib.h>
#include <glib/gstdio.h>
#include <pcre2.h>
#include <string.h>

#include "figex.h"
#include "support.h"

/* ---- fixture: a temporary folder and the diagnostics of one load ---- */

typedef struct {
    char *dir;
    GPtrArray *diags; /* of diag_rec */
    fx_ruleset *rs;
} fixture;

static int setup(void **state)
{
    fixture *fx = g_new0(fixture, 1);
    fx->dir = g_dir_make_tmp("figex-rules-XXXXXX", NULL);
    if (!fx->dir)
        return -1;
    fx->diags = diag_recs_new();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    fx_ruleset_free(fx->rs);
    remove_tree(fx->dir);
    g_free(fx->dir);
    g_ptr_array_free(fx->diags, TRUE);
    g_free(fx);
    return 0;
}

/* The path of `name` in the fixture's folder (freed by the caller). */
static char *path_of(const fixture *fx, const char *name)
{
    return g_build_filename(fx->dir, name, NULL);
}

static char *write_file(const fixture *fx, const char *name,
                        const char *text)
{
    char *path = path_of(fx, name);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static void dump_diags(const fixture *fx)
{
    for (guint i = 0; i < fx->diags->len; i++) {
        const diag_rec *d = g_ptr_array_index(fx->diags, i);
        print_message("  diag: %s %s:%u:%u: %s\n",
                      d->sev == FX_SEV_ERROR ? "error" : "warning",
                      d->file ? d->file : "(null)", d->line, d->col, d->msg);
    }
}

/* Load `paths`; on failure *out must be NULL. */
static fx_status load_paths(fixture *fx, const char *const *paths, size_t n)
{
    fx_ruleset *rs = (fx_ruleset *)&rs; /* poison: must be overwritten */
    fx_status st = fx_ruleset_load(&rs, paths, n, record_diag, fx->diags);
    if (st != FX_OK) {
        assert_null(rs);
    } else {
        assert_non_null(rs);
        fx->rs = rs;
    }
    return st;
}

/* Write `text` as t.rules, load it and expect FX_ERR_RULES. */
static char *load_bad(fixture *fx, const char *text)
{
    char *path = write_file(fx, "t.rules", text);
    const char *paths[] = {path};
    fx_status st = load_paths(fx, paths, 1);
    if (st != FX_ERR_RULES)
        dump_diags(fx);
    assert_int_equal(st, FX_ERR_RULES);
    return path;
}

static unsigned count_sev(const fixture *fx, fx_severity sev)
{
    unsigned n = 0;
    for (guint i = 0; i < fx->diags->len; i++)
        if (((diag_rec *)g_ptr_array_index(fx->diags, i))->sev == sev)
            n++;
    return n;
}

static unsigned count_msg(const fixture *fx, const char *needle)
{
    unsigned n = 0;
    for (guint i = 0; i < fx->diags->len; i++)
        if (strstr(((diag_rec *)g_ptr_array_index(fx->diags, i))->msg,
                   needle))
            n++;
    return n;
}

/* The diagnostic whose message contains `needle`, checked for severity,
 * file, line and column. */
static const diag_rec *expect_diag(const fixture *fx, fx_severity sev,
                                   const char *file, unsigned line,
                                   unsigned col, const char *needle)
{
    const diag_rec *d = NULL;
    for (guint i = 0; i < fx->diags->len && !d; i++) {
        const diag_rec *c = g_ptr_array_index(fx->diags, i);
        if (strstr(c->msg, needle))
            d = c;
    }
    if (!d) {
        print_message("no diagnostic contains \"%s\"\n", needle);
        dump_diags(fx);
        fail();
    }
    if (d->sev != sev || d->line != line || d->col != col ||
        g_strcmp0(d->file, file) != 0)
        dump_diags(fx);
    assert_int_equal(d->sev, sev);
    assert_string_equal(d->file, file);
    assert_int_equal(d->line, line);
    assert_int_equal(d->col, col);
    return d;
}

static const diag_rec *expect_error(const fixture *fx, const char *file,
                                    unsigned line, unsigned col,
                                    const char *needle)
{
    return expect_diag(fx, FX_SEV_ERROR, file, line, col, needle);
}

/* Offset at which PCRE2 rejects `pattern` (compiled as compile.c does). */
static size_t pcre2_error_offset(const char *pattern)
{
    int code = 0;
    PCRE2_SIZE at = 0;
    pcre2_code *re = pcre2_compile(
        (PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
        PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DUPNAMES, &code, &at,
        NULL);
    assert_null(re);
    return (size_t)at;
}

/* ---- field and line syntax ---- */

static void test_unknown_field(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  knd: date\n"
                           "  pattern: (?<year>\\d{4})\n");
    const diag_rec *d = expect_error(fx, p, 3, 3, "unknown field 'knd'");
    assert_string_equal(d->src, "  knd: date");
    assert_int_equal(d->span, 3);
    g_free(p);
}

static void test_missing_colon(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type date\n"
                           "  pattern: (?<year>\\d{4})\n");
    /* The column of what stands where the ':' should be. */
    expect_error(fx, p, 2, 8, "expected ':' after field name 'type'");
    g_free(p);
}

static void test_unknown_type(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: dat\n"
                           "  pattern: (?<year>\\d{4})\n");
    expect_error(fx, p, 2, 9, "unknown type 'dat'");
    g_free(p);
}

static void test_invalid_priority(void **state)
{
    static const char *const values[] = {"high", "1001", "-1001", "5x",
                                         "99999999999999999999"};
    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        fixture *fx = *state;
        g_ptr_array_set_size(fx->diags, 0);
        char *text = g_strdup_printf("rule r1\n"
                                     "  type: date\n"
                                     "\tpriority: %s\n"
                                     "  pattern: (?<year>\\d{4})\n",
                                     values[i]);
        char *p = load_bad(fx, text);
        char *needle = g_strdup_printf("invalid priority '%s'", values[i]);
        expect_error(fx, p, 3, 12, needle);
        assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
        g_free(needle);
        g_free(text);
        g_free(p);
    }
}

static void test_priority_bounds_accepted(void **state)
{
    fixture *fx = *state;
    char *p = write_file(fx, "t.rules",
                         "rule lo\n  type: date\n  priority: -1000\n"
                         "  pattern: (?<year>1\\d{3})\n"
                         "rule hi\n  type: date\n  priority: 1000\n"
                         "  pattern: (?<year>2\\d{3})\n");
    const char *paths[] = {p};
    assert_int_equal(load_paths(fx, paths, 1), FX_OK);
    assert_int_equal(fx->diags->len, 0);
    assert_int_equal(fx_ruleset_rule_count(fx->rs), 2);
    g_free(p);
}

static void test_rule_without_pattern(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule ok\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4})\n"
                           "\n"
                           "rule nopat\n"
                           "  type: date\n"
                           "  priority: 3\n");
    expect_error(fx, p, 5, 1, "rule 'nopat' has no pattern");
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

static void test_rule_without_type(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "  rule notype\n"
                           "  pattern: (?<year>\\d{4})\n"
                           "rule ok\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4})\n");
    expect_error(fx, p, 1, 1, "rule 'notype' has no type");
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

static void test_duplicate_field(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4})\n"
                           "    pattern: (?<year>\\d{4})\n");
    expect_error(fx, p, 4, 5, "duplicate field 'pattern'");
    g_free(p);
}

static void test_duplicate_rule_id(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4})\n"
                           "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4})\n");
    char *needle = g_strdup_printf("duplicate rule id 'r1' (first defined "
                                   "at %s:1)", p);
    expect_error(fx, p, 4, 6, needle);
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(needle);
    g_free(p);
}

/* Files of a folder load in name order, whatever order they were made in:
 * the first definition is always the one in a.rules. */
static void test_duplicate_rule_id_across_files(void **state)
{
    fixture *fx = *state;
    char *b = write_file(fx, "b.rules", "\n"
                                        "rule dup.id_1\n"
                                        "  type: date\n"
                                        "  pattern: (?<year>2\\d{3})\n");
    char *a = write_file(fx, "a.rules", "rule dup.id_1\n"
                                        "  type: date\n"
                                        "  pattern: (?<year>1\\d{3})\n");
    const char *paths[] = {fx->dir};
    assert_int_equal(load_paths(fx, paths, 1), FX_ERR_RULES);
    char *needle = g_strdup_printf("duplicate rule id 'dup.id_1' (first "
                                   "defined at %s:1)", a);
    expect_error(fx, b, 2, 6, needle);
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(needle);
    g_free(a);
    g_free(b);
}

static void test_invalid_rule_id(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule ok\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4})\n"
                           "rule bad$id\n");
    expect_error(fx, p, 4, 9, "invalid rule id");
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

static void test_continuation_without_value(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "| orphan\n"
                           "rule r1\n"
                           "  type: date\n"
                           "    | (?<year>\\d{4})\n"
                           "  pattern: (?<year>\\d{4})\n");
    expect_error(fx, p, 1, 1, "'|' continues a pattern, macro or "
                              "description");
    /* The second one, after `type:`, is a separate problem. */
    assert_int_equal(count_msg(fx, "'|' continues"), 2);
    const diag_rec *d = g_ptr_array_index(fx->diags, 1);
    assert_int_equal(d->line, 4);
    assert_int_equal(d->col, 5);
    g_free(p);
}

static void test_invalid_utf8(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: d\xC3\xA9t\xFF" "e\n"
                           "  pattern: x\n");
    /* "  type: dét" is 11 characters: the bad byte is character 12. */
    expect_error(fx, p, 2, 12, "invalid UTF-8");
    g_free(p);
}

static void test_example_without_arrow(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4})\n"
                           "  example: in 1999\n");
    expect_error(fx, p, 4, 12, "example needs the form 'TEXT => VALUE'");
    g_free(p);
}

/* ---- macros ---- */

static void test_unknown_macro(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  pattern: ab{{NOPE}}(?<year>\\d{4})\n");
    const diag_rec *d = expect_error(fx, p, 3, 14, "unknown macro 'NOPE'");
    assert_int_equal(d->span, 8);
    g_free(p);
}

static void test_unknown_macro_on_continuation(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4})\n"
                           "         | x{{NOPE}}\n");
    expect_error(fx, p, 4, 13, "unknown macro 'NOPE'");
    g_free(p);
}

static void test_unclosed_macro_reference(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4}){{YEAR\n");
    expect_error(fx, p, 3, 26, "'{{' without a closing '}}'");
    g_free(p);
}

static void test_macro_defined_twice(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "macro A: x\n"
                           "macro  A: y\n"
                           "rule r1\n"
                           "  type: date\n"
                           "  pattern: {{A}}(?<year>\\d{4})\n");
    char *needle = g_strdup_printf("macro 'A' is already defined at %s:1",
                                   p);
    expect_error(fx, p, 2, 8, needle);
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(needle);
    g_free(p);
}

static void test_macro_uses_itself(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "macro A: x{{A}}\n"
                           "rule r1\n"
                           "  type: date\n"
                           "  pattern: {{A}}(?<year>\\d{4})\n");
    expect_error(fx, p, 1, 11, "macro 'A' uses itself");
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

static void test_macro_cycle(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "macro A: a{{B}}\n"
                           "macro B: b{{A}}\n"
                           "rule r1\n"
                           "  type: date\n"
                           "  pattern: {{A}}(?<year>\\d{4})\n");
    /* A expands B, B expands A again: reported where B uses A. */
    expect_error(fx, p, 2, 11, "macro 'A' uses itself");
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

/* ---- PCRE2 errors mapped back to the file ---- */

static void test_pcre2_error_column(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  pattern: abc(def\n");
    /* PCRE2 reports a missing ')' at the end of the pattern, offset 7;
     * the pattern starts in column 12. */
    assert_int_equal(pcre2_error_offset("abc(def"), 7);
    expect_error(fx, p, 3, 19, "invalid pattern: missing closing "
                               "parenthesis");
    g_free(p);
}

static void test_pcre2_error_mid_pattern(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: statistic\n"
                           "  pattern: (?<number>\\d+)[z-a]x\n");
    size_t at = pcre2_error_offset("(?<number>\\d+)[z-a]x");
    assert_true(at > 14 && at < 20); /* inside the class */
    expect_error(fx, p, 3, (unsigned)(12 + at), "invalid pattern: range "
                                                "out of order");
    g_free(p);
}

static void test_pcre2_error_after_multibyte(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: statistic\n"
                           "  pattern: \xC3\xA9\xC3\xA9(?<number>\\d+)"
                           "[z-a]\n");
    /* Columns count characters: each é is two bytes but one column. */
    size_t at = pcre2_error_offset("\xC3\xA9\xC3\xA9(?<number>\\d+)[z-a]");
    expect_error(fx, p, 3, (unsigned)(12 + at - 2), "range out of order");
    g_free(p);
}

static void test_pcre2_error_in_macro(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "# a comment\n"
                           "macro  BAD:  xy[z-a]\n"
                           "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4}){{BAD}}\n");
    size_t at = pcre2_error_offset("xy[z-a]");
    /* The body starts in column 14 of line 2. */
    expect_error(fx, p, 2, (unsigned)(14 + at), "range out of order");
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

static void test_pcre2_error_in_macro_continuation(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "macro BAD: (?:ab\n"
                           "          | |[z-a])\n"
                           "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4}){{BAD}}\n");
    size_t at = pcre2_error_offset("|[z-a])");
    /* "|[z-a])" starts in column 13 of line 2. */
    expect_error(fx, p, 2, (unsigned)(13 + at), "range out of order");
    g_free(p);
}

static void test_pcre2_error_on_continuation(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4})\n"
                           "         |   [z-a]\n");
    /* After "| " the text is appended as written, spaces included:
     * "  [z-a]" starts in column 12 of line 4. */
    size_t at = pcre2_error_offset("  [z-a]");
    expect_error(fx, p, 4, (unsigned)(12 + at), "range out of order");
    g_free(p);
}

static void test_broken_macro_reported_once(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "macro BAD: [z-a]\n"
                           "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>1\\d{3}){{BAD}}\n"
                           "rule r2\n"
                           "  type: date\n"
                           "  pattern: (?<year>2\\d{3}){{BAD}}\n");
    size_t at = pcre2_error_offset("[z-a]");
    expect_error(fx, p, 1, (unsigned)(12 + at), "range out of order");
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

static void test_unknown_macro_in_shared_macro_once(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "macro M: a{{NOPE}}\n"
                           "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>1\\d{3}){{M}}\n"
                           "rule r2\n"
                           "  type: date\n"
                           "  pattern: (?<year>2\\d{3}){{M}}\n");
    expect_error(fx, p, 1, 11, "unknown macro 'NOPE'");
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

/* ---- semantic checks after compiling ---- */

static void test_capture_not_allowed(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  pattern: (?<year>\\d{4})(?<foo>x)\n");
    expect_error(fx, p, 3, 29,
                 "capture 'foo' means nothing to rules of type date");
    g_free(p);
}

static void test_capture_of_other_type(void **state)
{
    fixture *fx = *state;
    /* `unit` is a statistic capture: an error in an agency rule. */
    char *p = load_bad(fx, "rule r1\n"
                           "  type: agency\n"
                           "  pattern: (?<name>[A-Z]+)\n"
                           "         | (?<unit>x)\n");
    expect_error(fx, p, 4, 15,
                 "capture 'unit' means nothing to rules of type");
    g_free(p);
}

static void test_empty_match(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule r1\n"
                           "  type: date\n"
                           "  pattern:   (?<year>\\d{4})?\n");
    expect_error(fx, p, 3, 14, "pattern can match the empty string");
    g_free(p);
}

/* ---- examples ---- */

static const char *const year_rule = "rule r1\n"
                                     "  type: date\n"
                                     "  pattern: (?<year>\\d{4})\n";

static char *load_bad_example(fixture *fx, const char *lines)
{
    char *text = g_strconcat(year_rule, lines, NULL);
    char *p = load_bad(fx, text);
    g_free(text);
    return p;
}

static void test_example_no_match(void **state)
{
    fixture *fx = *state;
    char *p = load_bad_example(fx, "  example: in 1999 => 1999\n"
                                   "  example: no year => 2000\n");
    const diag_rec *d = expect_error(
        fx, p, 5, 12, "rule 'r1' does not match its example");
    assert_int_equal(d->span, 7); /* "no year" */
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

static void test_example_wrong_value(void **state)
{
    fixture *fx = *state;
    char *p = load_bad_example(fx, "  example: in 1999 => 2000\n");
    expect_error(fx, p, 4, 12, "rule 'r1': example gives value '1999', "
                               "expected '2000'");
    g_free(p);
}

static void test_example_wrong_column(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule s1\n"
                           "  type: statistic\n"
                           "  pattern: (?<number>\\d+) (?<unit>cats)\n"
                           "  example: 5 cats => 5; unit=cats\n"
                           "  example: 7 cats => 7;  unit = dogs \n");
    expect_error(fx, p, 5, 12, "rule 's1': example gives unit 'cats', "
                               "expected 'dogs'");
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

static void test_example_unknown_column(void **state)
{
    fixture *fx = *state;
    char *p = load_bad_example(fx, "  example: in 1999 => 1999; year=1999\n");
    expect_error(fx, p, 4, 12, "example expects 'year");
    g_free(p);
}

static void test_counter_example_matches(void **state)
{
    fixture *fx = *state;
    char *p = load_bad_example(fx, "  counter: nothing here\n"
                                   "  counter: back in\\n2003\n");
    expect_error(fx, p, 5, 12, "rule 'r1' matches its counter-example "
                               "('2003')");
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 1);
    g_free(p);
}

/* A normaliser refusing the first match (31 June) is no match; the next
 * match in the text is taken. */
static void test_example_skips_refused_match(void **state)
{
    fixture *fx = *state;
    char *p = write_file(fx, "t.rules",
                         "rule d1\n"
                         "  type: date\n"
                         "  pattern: (?<day>\\d\\d)/(?<month>\\d\\d)/"
                         "(?<year>\\d{4})\n"
                         "  example: 31/06/2020 or 30/06/2020 => "
                         "2020-06-30; precision=day\n"
                         "  counter: 31/06/2020\n");
    const char *paths[] = {p};
    if (load_paths(fx, paths, 1) != FX_OK)
        dump_diags(fx);
    assert_non_null(fx->rs);
    assert_int_equal(fx_ruleset_example_count(fx->rs), 2);
    g_free(p);
}

/* ---- gazetteers ---- */

static const char *const gaz_header =
    "canonical\tacronym\taliases\tparent\tkind\n";

static char *load_bad_gazetteer(fixture *fx, const char *tsv)
{
    char *g = write_file(fx, "g.tsv", tsv);
    g_free(load_bad(fx, "gazetteer ORG: g.tsv\n"
                        "rule a1\n"
                        "  type: agency\n"
                        "  pattern: (?<name>{{ORG}})\n"));
    return g;
}

static void test_gazetteer_bad_header(void **state)
{
    fixture *fx = *state;
    char *g = load_bad_gazetteer(fx, "# comment\n"
                                     "\n"
                                     "canonical\tacronym\taliases\tparent\n"
                                     "Alpha Office\tAO\t\t\tx\n");
    expect_error(fx, g, 3, 1, "the first row must be the header");
    g_free(g);
}

static void test_gazetteer_column_count(void **state)
{
    fixture *fx = *state;
    char *text = g_strconcat(gaz_header, "Alpha Office\tAO\t\t\tx\n",
                             "Beta Office\tBO\n", NULL);
    char *g = load_bad_gazetteer(fx, text);
    expect_error(fx, g, 3, 1, "expected 5 tab-separated columns "
                              "(canonical, acronym, aliases, parent, "
                              "kind), found 2");
    g_free(text);
    g_free(g);
}

static void test_gazetteer_duplicate_alias(void **state)
{
    fixture *fx = *state;
    char *text = g_strconcat(gaz_header,
                             "Alpha Office\tAO\tThe Office\t\tx\n",
                             "Beta Office\tBO\tthe  office\t\tx\n", NULL);
    char *g = load_bad_gazetteer(fx, text);
    /* Names fold case and spaces; the aliases column starts at 16. */
    expect_error(fx, g, 3, 16, "'the  office' already names 'Alpha Office' "
                               "(line 2)");
    g_free(text);
    g_free(g);
}

static void test_gazetteer_duplicate_acronym(void **state)
{
    fixture *fx = *state;
    char *text = g_strconcat(gaz_header, "Alpha Office\tAO\t\t\tx\n",
                             "\xC3\x89ta Office\tAO\t\t\tx\n", NULL);
    char *g = load_bad_gazetteer(fx, text);
    /* "Éta Office" is 10 characters (11 bytes): the acronym is at 12. */
    expect_error(fx, g, 3, 12, "acronym 'AO' already belongs to "
                               "'Alpha Office' (line 2)");
    g_free(text);
    g_free(g);
}

/* Acronyms compile to a trie of characters that still finds the longest
 * acronym first. */
static void test_gazetteer_acronym_trie(void **state)
{
    fixture *fx = *state;
    char *g = write_file(fx, "g.tsv",
                         "canonical\tacronym\taliases\tparent\tkind\n"
                         "Delta Office\tD\t\t\tx\n"
                         "Home Security\tDHS\t\t\tx\n"
                         "Justice Office\tDOJ\t\t\tx\n"
                         "Justice Inspector\tDOJ-OIG\t\t\tx\n"
                         "Echo Unit\tE\xC3\x89U\t\t\tx\n");
    char *r = write_file(fx, "t.rules",
                         "gazetteer ORG: g.tsv\n"
                         "rule a1\n"
                         "  type: agency\n"
                         "  pattern: (?<name>{{ORG_ACRONYM}})(?![\\w\\-])\n"
                         "  example: the DOJ-OIG said => Justice Inspector\n"
                         "  example: the DOJ said => Justice Office\n"
                         "  example: a D grade => Delta Office\n"
                         "  example: the E\xC3\x89U said => Echo Unit\n"
                         "  counter: the DOJO said\n");
    const char *paths[] = {r};
    fx_status st = load_paths(fx, paths, 1);
    if (st != FX_OK)
        dump_diags(fx);
    assert_int_equal(st, FX_OK);
    fx_rule_info info;
    assert_int_equal(fx_ruleset_rule_info(fx->rs, 0, &info), FX_OK);
    assert_string_equal(info.pattern,
                        "(?<name>(?:(?:D(?:HS|OJ(?:\\-OIG)?)?|E\xC3\x89U)))"
                        "(?![\\w\\-])");
    g_free(g);
    g_free(r);
}

static void test_gazetteer_missing_file(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "rule a1\n"
                           "  type: agency\n"
                           "  pattern: (?<name>[A-Z]{3})\n"
                           "gazetteer  ORG:  nowhere.tsv\n");
    expect_error(fx, p, 4, 18, "cannot read gazetteer");
    g_free(p);
}

/* ---- files and folders ---- */

static void test_missing_rule_file(void **state)
{
    fixture *fx = *state;
    char *p = path_of(fx, "absent.rules");
    const char *paths[] = {p};
    assert_int_equal(load_paths(fx, paths, 1), FX_ERR_RULES);
    expect_error(fx, p, 0, 0, "no such rule file or folder");
    assert_int_equal(fx->diags->len, 1);
    g_free(p);
}

static void test_empty_folder(void **state)
{
    fixture *fx = *state;
    /* A file that is not *.rules does not count. */
    g_free(write_file(fx, "notes.txt", "rule r1\n"));
    const char *paths[] = {fx->dir};
    assert_int_equal(load_paths(fx, paths, 1), FX_ERR_RULES);
    expect_error(fx, fx->dir, 0, 0, "folder has no .rules files");
    assert_int_equal(fx->diags->len, 1);
}

static void test_file_without_rules(void **state)
{
    fixture *fx = *state;
    char *p = load_bad(fx, "# only a comment\n\n");
    expect_error(fx, p, 0, 0, "no rules found");
    g_free(p);
}

static void test_no_paths_is_usage_error(void **state)
{
    fixture *fx = *state;
    fx_ruleset *rs = (fx_ruleset *)&rs;
    const char *paths[] = {fx->dir};
    assert_int_equal(
        fx_ruleset_load(&rs, paths, 0, record_diag, fx->diags),
        FX_ERR_USAGE);
    assert_null(rs);
    rs = (fx_ruleset *)&rs;
    assert_int_equal(
        fx_ruleset_load(&rs, NULL, 1, record_diag, fx->diags),
        FX_ERR_USAGE);
    assert_null(rs);
}

/* ---- a valid set ---- */

static void test_valid_set(void **state)
{
    fixture *fx = *state;
    char *text = g_strconcat(gaz_header,
                             "Alpha Office\tAO\tAlpha Bureau\t\tx\n",
                             "Beta Office\t\t\tAlpha Office\tx\n", NULL);
    g_free(write_file(fx, "orgs.tsv", text));
    g_free(text);
    /* b.rules uses a macro a.rules defines, and the reverse. */
    g_free(write_file(fx, "a.rules",
                      "macro YEAR: \\d{4}\n"
                      "macro UNUSED: zzz\n"
                      "gazetteer ORG: orgs.tsv\n"
                      "\n"
                      "rule agency-1\n"
                      "  type: agency\n"
                      "  priority: 2\n"
                      "  description: An office\n"
                      "             | from the list.\n"
                      "  pattern: (?<name>{{ORG}})\n"
                      "  example: the Alpha  Bureau said => Alpha Office;"
                      " acronym=AO\n"
                      "  example: the Beta\\nOffice said => Beta Office;"
                      " acronym=\n"
                      "  counter: the Gamma Office\n"
                      "rule date-1\n"
                      "  type: date\n"
                      "  pattern: (?<qualifier>since)\\s+(?<year>{{YEAR}})"
                      "\n"
                      "         | (?!{{TAIL}})\n"
                      "  example: since 1998, => 1998; qualifier=>=;"
                      " low=1998-01-01; high=\n"));
    g_free(write_file(fx, "b.rules",
                      "macro TAIL: \\d\n"
                      "rule stat-1\n"
                      "  type: statistic\n"
                      "  pattern: (?<number>\\d+(?:\\.\\d+)?)"
                      "\\s+(?<scale>million)\\s+(?<unit>cats)\n"
                      "  example: 6.5 million cats => 6500000; unit=cats\n"
                      "  counter: 6.5 cats\n"));
    const char *paths[] = {fx->dir};
    fx_status st = load_paths(fx, paths, 1);
    if (st != FX_OK)
        dump_diags(fx);
    assert_int_equal(st, FX_OK);
    assert_int_equal(fx_ruleset_rule_count(fx->rs), 3);
    assert_int_equal(fx_ruleset_example_count(fx->rs), 6);
    /* One warning, for UNUSED; none for the gazetteer's ORG_ACRONYM. */
    char *a = path_of(fx, "a.rules");
    expect_diag(fx, FX_SEV_WARNING, a, 2, 7, "macro 'UNUSED' is never used");
    assert_int_equal(fx->diags->len, 1);
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 0);
    g_free(a);
}

/* Two paths: a file and a folder, loaded in the order given. */
static void test_several_paths(void **state)
{
    fixture *fx = *state;
    char *sub = path_of(fx, "more");
    assert_int_equal(g_mkdir(sub, 0700), 0);
    char *one = write_file(fx, "one.rules",
                           "rule first\n  type: date\n"
                           "  pattern: (?<year>1\\d{3})\n");
    char *two = g_build_filename(sub, "two.rules", NULL);
    assert_true(g_file_set_contents(two,
                                    "rule first\n  type: date\n"
                                    "  pattern: (?<year>2\\d{3})\n",
                                    -1, NULL));
    const char *paths[] = {one, sub};
    assert_int_equal(load_paths(fx, paths, 2), FX_ERR_RULES);
    char *needle = g_strdup_printf("first defined at %s:1", one);
    expect_error(fx, two, 1, 6, needle);
    g_free(needle);
    g_free(two);
    g_free(one);
    g_free(sub);
}

static void test_bundled_rules(void **state)
{
    fixture *fx = *state;
    const char *paths[] = {FIGEX_RULES_DIR};
    fx_status st = load_paths(fx, paths, 1);
    if (st != FX_OK)
        dump_diags(fx);
    assert_int_equal(st, FX_OK);
    assert_int_equal(count_sev(fx, FX_SEV_ERROR), 0);
    assert_true(fx_ruleset_rule_count(fx->rs) >= 10);
    assert_true(fx_ruleset_example_count(fx->rs) >=
                fx_ruleset_rule_count(fx->rs));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_unknown_field),
        T(test_missing_colon),
        T(test_unknown_type),
        T(test_invalid_priority),
        T(test_priority_bounds_accepted),
        T(test_rule_without_pattern),
        T(test_rule_without_type),
        T(test_duplicate_field),
        T(test_duplicate_rule_id),
        T(test_duplicate_rule_id_across_files),
        T(test_invalid_rule_id),
        T(test_continuation_without_value),
        T(test_invalid_utf8),
        T(test_example_without_arrow),
        T(test_unknown_macro),
        T(test_unknown_macro_on_continuation),
        T(test_unclosed_macro_reference),
        T(test_macro_defined_twice),
        T(test_macro_uses_itself),
        T(test_macro_cycle),
        T(test_pcre2_error_column),
        T(test_pcre2_error_mid_pattern),
        T(test_pcre2_error_after_multibyte),
        T(test_pcre2_error_in_macro),
        T(test_pcre2_error_in_macro_continuation),
        T(test_pcre2_error_on_continuation),
        T(test_broken_macro_reported_once),
        T(test_unknown_macro_in_shared_macro_once),
        T(test_capture_not_allowed),
        T(test_capture_of_other_type),
        T(test_empty_match),
        T(test_example_no_match),
        T(test_example_wrong_value),
        T(test_example_wrong_column),
        T(test_example_unknown_column),
        T(test_counter_example_matches),
        T(test_example_skips_refused_match),
        T(test_gazetteer_bad_header),
        T(test_gazetteer_column_count),
        T(test_gazetteer_duplicate_alias),
        T(test_gazetteer_duplicate_acronym),
        T(test_gazetteer_acronym_trie),
        T(test_gazetteer_missing_file),
        T(test_missing_rule_file),
        T(test_empty_folder),
        T(test_file_without_rules),
        T(test_no_paths_is_usage_error),
        T(test_valid_set),
        T(test_several_paths),
        T(test_bundled_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
