/*
 * test_factor.c: the rewrite of alternations (factor.c).  What it writes
 * for small patterns, what it leaves alone, and the promise that matters:
 * every bundled rule's rewritten pattern finds exactly what the rule as
 * written finds, capture for capture, from every start position of the
 * rules' own examples and over the golden inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "internal.h"
#include "support.h"

static void expect_factored(const char *pattern, const char *want)
{
    char *got = fx_factor__pattern(pattern, strlen(pattern));
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    g_free(got);
}

static void test_rewrites(void **state)
{
    (void)state;
    /* Shared first characters are written once, recursively. */
    expect_factored("(?:The|This|That|On)", "(?:Th(?:e|is|at)|On)");
    /* Branches move only when all start with a literal and none
     * captures; the first branch of each first character leads. */
    expect_factored("(?:ab|c|ad)", "(?:a(?:b|d)|c)");
    expect_factored("(?:ab|\\d|ad)", "(?:ab|\\d|ad)");
    expect_factored("(?:ab|ac|\\d|ad)", "(?:a(?:b|c)|\\d|ad)");
    expect_factored("(?:(a)b|c|ad)", "(?:(a)b|c|ad)");
    expect_factored("(?:a(b)|a(c))", "(?:a(?:(b)|(c)))");
    /* A quantified first character is not a shared one. */
    expect_factored("(?:a?b|ac)", "(?:a?b|ac)");
    /* Caseless: "T" and "t" are one character; non-ASCII ones stay put. */
    expect_factored("(?i:The|tax|on)", "(?i:T(?:he|ax)|on)");
    expect_factored("(?i)(?:\xc3\xa9t\xc3\xa9|on|\xc3\xa9t)",
                    "(?i)(?:\xc3\xa9t\xc3\xa9|on|\xc3\xa9t)");
    expect_factored("(?:\xc3\xa9t\xc3\xa9|on|\xc3\xa9t)",
                    "(?:\xc3\xa9t(?:\xc3\xa9|)|on)");
    /* Escaped punctuation is a literal; the same character as "-". */
    expect_factored("(?:\\-a|-b)", "(?:\\-(?:a|b))");
    /* An inline setting carries into later branches: left alone. */
    expect_factored("(?:a(?i)b|ac)", "(?:a(?i)b|ac)");
    /* Lookbehinds and conditionals keep their branches; groups inside
     * them are still rewritten. */
    expect_factored("(?<!ab|ac)x", "(?<!ab|ac)x");
    expect_factored("(?<!(?:ab|ac))x", "(?<!(?:a(?:b|c)))x");
    expect_factored("(?<c>\\$)?(?(<c>)ab|ac)", "(?<c>\\$)?(?(<c>)ab|ac)");
    /* Classes, escapes, calls and relative references are copied. */
    expect_factored("(?:[|(]a|[|(]b)", "(?:[|(]a|[|(]b)");
    expect_factored("(a)(?:\\g{-1}x|\\g{-1}y)", "(a)(?:\\g{-1}x|\\g{-1}y)");
    expect_factored("(a)(?:b(?-1)|b)", "(a)(?:b(?:(?-1)|))");
    /* The top level is a group too. */
    expect_factored("Mr|Mrs|Ms", "M(?:r(?:|s)|s)");
    /* What the rewrite does not read leaves the pattern whole. */
    expect_factored("\\Qa|b\\E", NULL);
    expect_factored("(*UTF)a|b", NULL);
    expect_factored("(?x) a | b", NULL);
    expect_factored("(a)\\1", NULL);
    expect_factored("(?:a", NULL);
    expect_factored("a)", NULL);
    expect_factored("[ab", NULL);
}

/* Every match of `a` and `b` from `start`, anchored or not, is the same:
 * the same return code and the same offsets for every group. */
static void assert_same_match(const fx_rule *r, pcre2_code *a, pcre2_code *b,
                              pcre2_match_data *ma, pcre2_match_data *mb,
                              const char *text, size_t len, size_t start,
                              uint32_t options)
{
    int ra = pcre2_match(a, (PCRE2_SPTR)text, len, start, options, ma, NULL);
    int rb = pcre2_match(b, (PCRE2_SPTR)text, len, start, options, mb, NULL);
    if (ra != rb)
        fail_msg("rule %s at %zu: %d against %d", r->id, start, ra, rb);
    if (ra <= 0)
        return;
    PCRE2_SIZE *oa = pcre2_get_ovector_pointer(ma);
    PCRE2_SIZE *ob = pcre2_get_ovector_pointer(mb);
    for (int i = 0; i < 2 * ra; i++)
        if (oa[i] != ob[i])
            fail_msg("rule %s at %zu: group %d differs", r->id, start, i / 2);
}

static char *read_or_null(const char *path)
{
    char *s = NULL;
    return g_file_get_contents(path, &s, NULL, NULL) ? s : NULL;
}

static void test_bundled_rules_match_the_same(void **state)
{
    (void)state;
    const char *dir = FIGEX_RULES_DIR;
    fx_ruleset *rs;
    assert_int_equal(fx_ruleset_load(&rs, &dir, 1, NULL, NULL), FX_OK);
    /* The examples of every rule, one text: each rule's matches and near
     * misses side by side. */
    GString *examples = g_string_new(NULL);
    for (guint i = 0; i < rs->rules->len; i++) {
        const fx_rule *r = g_ptr_array_index(rs->rules, i);
        for (guint k = 0; r->examples && k < r->examples->len; k++) {
            const fx_example *ex = g_ptr_array_index(r->examples, k);
            g_string_append_printf(examples, "%s\n", ex->text);
        }
    }
    GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
    GDir *golden = g_dir_open(FIGEX_SOURCE_DIR "/golden", 0, NULL);
    assert_non_null(golden);
    for (const char *name; (name = g_dir_read_name(golden));) {
        char *path = g_build_filename(FIGEX_SOURCE_DIR "/golden", name,
                                      "input.txt", NULL);
        char *text = read_or_null(path);
        if (text)
            g_ptr_array_add(texts, text);
        g_free(path);
    }
    g_dir_close(golden);
    assert_true(texts->len >= 5);

    unsigned rewritten = 0;
    size_t matches = 0;
    for (guint i = 0; i < rs->rules->len; i++) {
        const fx_rule *r = g_ptr_array_index(rs->rules, i);
        char *f = fx_factor__pattern(r->expanded, strlen(r->expanded));
        assert_non_null(f);
        if (strcmp(f, r->expanded) == 0) {
            g_free(f);
            continue;
        }
        rewritten++;
        uint32_t flags = FX_PATTERN_OPTIONS;
        int code;
        PCRE2_SIZE at;
        pcre2_code *a = pcre2_compile((PCRE2_SPTR)r->expanded,
                                      PCRE2_ZERO_TERMINATED, flags, &code,
                                      &at, NULL);
        pcre2_code *b = pcre2_compile((PCRE2_SPTR)f, PCRE2_ZERO_TERMINATED,
                                      flags, &code, &at, NULL);
        assert_non_null(a);
        if (!b) {
            /* Only the size limit may refuse it (compile.c then keeps the
             * pattern as written): the rewrite adds brackets. */
            if (code != PCRE2_ERROR_PATTERN_TOO_LARGE)
                fail_msg("rule %s: the rewrite does not compile", r->id);
            pcre2_code_free(a);
            g_free(f);
            continue;
        }
        pcre2_jit_compile(a, PCRE2_JIT_COMPLETE);
        pcre2_jit_compile(b, PCRE2_JIT_COMPLETE);
        pcre2_match_data *ma = pcre2_match_data_create_from_pattern(a, NULL);
        pcre2_match_data *mb = pcre2_match_data_create_from_pattern(b, NULL);
        for (size_t s = 0; s < examples->len; s++)
            assert_same_match(r, a, b, ma, mb, examples->str, examples->len,
                              s, PCRE2_ANCHORED);
        for (guint t = 0; t <= texts->len; t++) {
            const char *text = t < texts->len ? g_ptr_array_index(texts, t)
                                              : examples->str;
            size_t len = strlen(text);
            for (size_t s = 0; s <= len;) {
                assert_same_match(r, a, b, ma, mb, text, len, s, 0);
                if (pcre2_match(a, (PCRE2_SPTR)text, len, s, 0, ma, NULL) < 0)
                    break;
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ma);
                matches++;
                s = ov[1] > s ? ov[1] : s + 1;
            }
        }
        pcre2_match_data_free(ma);
        pcre2_match_data_free(mb);
        pcre2_code_free(a);
        pcre2_code_free(b);
        g_free(f);
    }
    /* Most rules were rewritten, and the texts gave them work. */
    assert_true(rewritten > rs->rules->len / 2);
    assert_true(matches > 300);
    g_ptr_array_free(texts, TRUE);
    g_string_free(examples, TRUE);
    fx_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewrites),
        cmocka_unit_test(test_bundled_rules_match_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
