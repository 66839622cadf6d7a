/*
 * test_prefilter.c: the literals found in patterns (prefilter.c), the
 * literal scanner (literals.c), and the promise that matters: the engine
 * gives the same rows with the prefilter on or off, fed whole or a byte
 * at a time, with one thread or several.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "internal.h"
#include "support.h"

static gint by_string(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The triggers of `pattern`, as "lit(dmin,dmax)", "lit<ahead" or
 * "\A<ahead" joined by spaces, sorted; "NONE" when it has none.  Freed by
 * the caller. */
static char *triggers_of(const char *pattern)
{
    GArray *t = fx_prefilter__analyse(pattern, strlen(pattern), NULL);
    if (!t)
        return g_strdup("NONE");
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < t->len; i++) {
        const fx_trigger *x = &g_array_index(t, fx_trigger, i);
        char *lit = g_strndup(x->lit, x->len);
        g_ptr_array_add(parts,
                        x->at_start ? g_strdup_printf("\\A<%u", x->ahead)
                        : x->behind ? g_strdup_printf("%s<%u", lit, x->ahead)
                                    : g_strdup_printf("%s(%u,%u)", lit,
                                                      x->dmin, x->dmax));
        g_free(lit);
    }
    g_ptr_array_sort(parts, by_string);
    g_ptr_array_add(parts, NULL);
    char *s = g_strjoinv(" ", (char **)parts->pdata);
    g_ptr_array_free(parts, TRUE);
    g_array_free(t, TRUE);
    return s;
}

static guint count_words(const char *s)
{
    char **words = g_strsplit(s, " ", -1);
    guint n = g_strv_length(words);
    g_strfreev(words);
    return n;
}

static void expect_triggers(const char *pattern, const char *want)
{
    char *got = triggers_of(pattern);
    assert_string_equal(got, want);
    g_free(got);
}

static void test_literals_of_patterns(void **state)
{
    (void)state;
    /* The cheaper of two needed pieces; what comes before bounds dmin and
     * dmax. */
    expect_triggers("(?:about )?\\d{1,3} percent", " percent(1,9)");
    /* Every branch needs one; a class of few characters is a set. */
    expect_triggers("USD|[$\\x{20ac}]", "$(0,0) USD(0,0) \xe2\x82\xac(0,0)");
    /* Optional parts need nothing: "b" is all there is. */
    expect_triggers("a?b", "b(0,1)");
    /* Caseless: folded to lower case, with each spelling of k and s. */
    expect_triggers("(?i)ask", "ask(0,0) as\xe2\x84\xaa(0,0) "
                    "a\xc5\xbf" "k(0,0) a\xc5\xbf\xe2\x84\xaa(0,0)");
    /* Nothing to hold on to, or a construct left alone. */
    expect_triggers("\\p{Lu}\\p{Ll}+", "NONE");
    expect_triggers("(*UTF)abc", "NONE");
    expect_triggers("x|\\w+", "NONE");
    /* A lookahead's literal is needed where it stands. */
    expect_triggers("\\p{Lu}\\p{Ll}{1,20}(?= said)", " said(2,84)");
    /* A fixed lookbehind that opens the pattern: the start is known. */
    expect_triggers("(?<=said |told )\\p{Lu}\\p{Ll}+",
                    "said <5 told <5");
    /* A literal, then branches that each start with one: together
     * (the gazetteer's tries cut words at every branch). */
    expect_triggers("A(?:BF|C(?:X|YZ))", "ABF(0,0) ACX(0,0) ACYZ(0,0)");
    /* And a class whose members are its literals, then literals: each
     * member with each ("[Bb]etween", capitals with capitals, digits or
     * '&', "\d" being the ten ASCII digits). */
    expect_triggers("[Bb]etween", "Between(0,0) between(0,0)");
    char *pairs = triggers_of("(?<![A-Z])(?:[A-Z][A-Z\\d&]{1,9})");
    assert_int_equal(count_words(pairs), 26 * 37);
    assert_non_null(strstr(pairs, "A&(0,0) "));
    assert_non_null(strstr(pairs, " Z9(0,0) "));
    g_free(pairs);
    /* Not past PRODUCT_MAX literals: the capitals alone. */
    pairs = triggers_of("[A-Z][A-Z\\d&_.\\-]");
    assert_int_equal(count_words(pairs), 26);
    g_free(pairs);
    /* Not when a branch's literal may come later, or in another case. */
    expect_triggers("A(?:B|c?D)", "A(0,0)");
    expect_triggers("(?i:a)(?:BC)", "BC(1,1)");
    /* The start of the text is a trigger of its own, with no literal. */
    expect_triggers("(?:\\A|(?<=\n\n))\\p{Lu}", "\n\n<2 \\A<0");
    expect_triggers("(?<=\\A)x|y", "\\A<0 y(0,0)");
    /* Letters repeated without bound before the literal: dmax does not
     * count them, the walk back skips them. */
    const char *names = "\\p{Lu}\\p{Ll}+ Department";
    GArray *t = fx_prefilter__analyse(names, strlen(names), NULL);
    assert_non_null(t);
    const fx_trigger *x = &g_array_index(t, fx_trigger, 0);
    assert_true(fx_byteset__has(&x->free, 'e'));
    assert_false(fx_byteset__has(&x->free, 'E'));
    g_array_free(t, TRUE);
    /* A back reference is any string: before what follows it, every byte
     * may repeat. */
    const char *backref = "(a)\\1zzz";
    t = fx_prefilter__analyse(backref, strlen(backref), NULL);
    assert_non_null(t);
    x = &g_array_index(t, fx_trigger, 0);
    assert_int_equal(x->len, 3);
    assert_memory_equal(x->lit, "zzz", 3);
    for (int c = 0; c < 256; c++)
        assert_true(fx_byteset__has(&x->free, (unsigned char)c));
    g_array_free(t, TRUE);
}

/* ---- back automata ---- */

static gint by_size(gconstpointer a, gconstpointer b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The trigger `lit` among `pattern`'s triggers `t` (the test fails
 * without it). */
static const fx_trigger *trigger_of(GArray *t, const char *pattern,
                                    const char *lit)
{
    const fx_trigger *x = NULL;
    for (guint i = 0; i < t->len; i++) {
        const fx_trigger *y = &g_array_index(t, fx_trigger, i);
        if (y->len == strlen(lit) && memcmp(y->lit, lit, y->len) == 0)
            x = y;
    }
    if (!x)
        print_error("no trigger \"%s\" in %s: %s\n", lit, pattern,
                    triggers_of(pattern));
    assert_non_null(x);
    return x;
}

/* Where a match of `pattern` may start, by the back automaton of its
 * trigger `lit` found at the first `lit` of `text` (in any case): offsets
 * joined by spaces, sorted, or "GAVE UP". */
static char *starts_of(const char *pattern, const char *lit, const char *text)
{
    GPtrArray *pool = g_ptr_array_new_with_free_func(g_free);
    GArray *t = fx_prefilter__analyse(pattern, strlen(pattern), pool);
    assert_non_null(t);
    const fx_trigger *x = trigger_of(t, pattern, lit);
    assert_non_null(x->back);
    char *lower = g_ascii_strdown(text, -1); /* same offsets */
    char *lower_lit = g_ascii_strdown(lit, -1);
    const char *at = strstr(lower, lower_lit);
    assert_non_null(at);
    size_t q = (size_t)(at - lower);
    g_free(lower);
    g_free(lower_lit);
    /* A reader that keeps its DFAs, reading twice, and one that drops
     * them before every read must agree. */
    fx_back_reader *keeps = fx_back_reader__new(0);
    fx_back_reader *drops = fx_back_reader__new(1);
    fx_back_reader *readers[] = {keeps, keeps, drops};
    GArray *found = g_array_new(FALSE, FALSE, sizeof(size_t));
    char *outs[3];
    for (int r = 0; r < 3; r++) {
        GString *out = g_string_new(NULL);
        if (!fx_back__starts(x->back, text, q, readers[r], found)) {
            g_string_assign(out, "GAVE UP");
        } else {
            g_array_sort(found, by_size);
            for (guint i = 0; i < found->len; i++)
                g_string_append_printf(out, "%s%zu", i ? " " : "",
                                       g_array_index(found, size_t, i));
        }
        outs[r] = g_string_free(out, FALSE);
    }
    assert_string_equal(outs[1], outs[0]);
    assert_string_equal(outs[2], outs[0]);
    g_free(outs[1]);
    g_free(outs[2]);
    g_array_free(found, TRUE);
    fx_back_reader__free(keeps);
    fx_back_reader__free(drops);
    g_array_free(t, TRUE);
    g_ptr_array_free(pool, TRUE);
    return outs[0];
}

static void expect_starts(const char *pattern, const char *lit,
                          const char *text, const char *want)
{
    char *got = starts_of(pattern, lit, text);
    assert_string_equal(got, want);
    g_free(got);
}

static void test_back_automata(void **state)
{
    (void)state;
    /* Up to three capitalised words before the literal: each word's
     * start, not every byte of the sentence. */
    const char *names = "(?<![\\p{L}])(?:\\p{Lu}\\p{Ll}+ ){1,3}Department";
    expect_starts(names, "Department", "the Big Old Department", "4 8");
    /* A non-ASCII letter is one character. */
    expect_starts(names, "Department", "and \xc3\x9c" "ber Department", "4");
    /* Optional parts: the literal's own place is a start too. */
    expect_starts("(?:(?i:the) )?(?:New )?Office", "Office",
                  "see The New Office", "4 8 12");
    /* The part of a run before its literal (a caseless literal stops at
     * a non-ASCII letter). */
    expect_starts("(?i)caf\xc3\xa9 desk", " desk", "a CAF\xc3\x89 DESK", "2");
    /* A lookahead's literal: the part inside it counts from its place. */
    expect_starts("\\p{Lu}\\p{Ll}+(?=[ ]+said)", "said", "Then Ruiz  said",
                  "5");
    /* Nothing there that the part before it reads: no start at all. */
    expect_starts(names, "Department", "the city's Department", "");
    /* A literal too long to keep position by position: any string of
     * its bytes. */
    GString *longpat = g_string_new("(?:");
    for (int i = 0; i < 1500; i++)
        g_string_append(longpat, "ab");
    g_string_append(longpat, ")?Zq");
    expect_starts(longpat->str, "Zq", "ababZq", "0 1 2 3 4");
    g_string_free(longpat, TRUE);
    /* Too far back, or bytes that are not UTF-8: the walk decides. */
    GString *far = g_string_new(NULL);
    for (int i = 0; i < 300; i++)
        g_string_append(far, "ab ");
    g_string_append(far, "zzz");
    expect_starts("[a-z ]*zzz", "zzz", far->str, "GAVE UP");
    g_string_free(far, TRUE);
    expect_starts(names, "Department", "and \xff\x9c" "ber Department",
                  "GAVE UP");
}

/* Whether a match of `pattern` may go on from its trigger `lit` found
 * at the first `lit` of `text`, by the trigger's forward automaton:
 * "yes", "no", or "unchecked" when it has none. */
static const char *goes_on_of(const char *pattern, const char *lit,
                              const char *text)
{
    GPtrArray *pool = g_ptr_array_new_with_free_func(g_free);
    GArray *t = fx_prefilter__analyse(pattern, strlen(pattern), pool);
    assert_non_null(t);
    const fx_trigger *x = trigger_of(t, pattern, lit);
    const char *verdict = "unchecked";
    if (x->after) {
        const char *at = strstr(text, lit);
        assert_non_null(at);
        size_t from = (size_t)(at - text) + strlen(lit);
        /* One reader keeping its DFAs, read twice, and one dropping
         * them every time: the same answer. */
        fx_back_reader *keeps = fx_back_reader__new(0);
        fx_back_reader *drops = fx_back_reader__new(1);
        bool a = fx_back__ahead(x->after, text, from, strlen(text), keeps);
        bool b = fx_back__ahead(x->after, text, from, strlen(text), keeps);
        bool c = fx_back__ahead(x->after, text, from, strlen(text), drops);
        assert_true(a == b && a == c);
        verdict = a ? "yes" : "no";
        fx_back_reader__free(keeps);
        fx_back_reader__free(drops);
    }
    g_array_free(t, TRUE);
    g_ptr_array_free(pool, TRUE);
    return verdict;
}

static void test_forward_automata(void **state)
{
    (void)state;
    /* A range of figures needs its separator after the first number. */
    const char *range = "(?<![\\d])\\d+(?:[ ]to|-)[ ]?\\d+[ ]\\p{L}+";
    assert_string_equal(goes_on_of(range, "1", "in 1999 to 2001 cases"),
                        "yes");
    assert_string_equal(goes_on_of(range, "1", "in 1999-2001 cases"), "yes");
    assert_string_equal(goes_on_of(range, "1", "in 1999 the cases"), "no");
    assert_string_equal(goes_on_of(range, "1", "in 1999 to 2001."), "no");
    /* Where the text known so far ends, a match may still go on. */
    assert_string_equal(goes_on_of(range, "1", "in 1999 t"), "yes");
    /* A literal cut to its first characters: the rest of it counts. */
    const char *admin = "(?i:administration)[ ]Office";
    assert_string_equal(goes_on_of(admin, "administrati",
                                   "administration Office"),
                        "yes");
    assert_string_equal(goes_on_of(admin, "administrati",
                                   "administrative Office"),
                        "no");
    /* A repeated group: more copies may come before what follows. */
    const char *copies = "(?:Qzx,)+[ ]end";
    assert_string_equal(goes_on_of(copies, "Qzx,", "Qzx,Qzx,Qzx, end"),
                        "yes");
    assert_string_equal(goes_on_of(copies, "Qzx,", "Qzx, nope"), "no");
    /* A lookahead's literal: what follows the lookahead in the pattern
     * starts at the lookahead's place, not after the literal ("said Q"
     * matches), so the check stops at the lookahead's end. */
    const char *ahead = "(?=[a-z]*said[ ])[a-z]+[ ]Q";
    assert_string_equal(goes_on_of(ahead, "said", "said Q"), "yes");
    /* Characters that are not ASCII are read whole. */
    const char *dash = "\\d+(?:\\x{2013}|[ ]to)\\d+[ ]\\p{L}+";
    assert_string_equal(goes_on_of(dash, "1", "1\xe2\x80\x93" "2 cases"),
                        "yes");
    assert_string_equal(goes_on_of(dash, "1", "1\xe2\x80\x94" "2 cases"),
                        "yes"); /* any such character is one symbol */
    assert_string_equal(goes_on_of(dash, "1", "1-2 cases"), "no");
}

/* The ASCII bytes that trigger `lit` of `pattern` bars just before it,
 * as a string. */
static char *barred_of(const char *pattern, const char *lit)
{
    GArray *t = fx_prefilter__analyse(pattern, strlen(pattern), NULL);
    assert_non_null(t);
    const fx_trigger *x = trigger_of(t, pattern, lit);
    GString *out = g_string_new(NULL);
    for (unsigned b = 0; b < 256; b++)
        if (fx_byteset__has(&x->barred, (unsigned char)b))
            g_string_append_c(out, (char)b);
    g_array_free(t, TRUE);
    return g_string_free(out, FALSE);
}

static void expect_barred(const char *pattern, const char *lit,
                          const char *want)
{
    char *got = barred_of(pattern, lit);
    assert_string_equal(got, want);
    g_free(got);
}

static void test_lookbehind_guards(void **state)
{
    (void)state;
    const char *az = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /* "(?<![\p{L}])one": no match holds the "one" of "someone". */
    expect_barred("(?<![\\p{L}])(?i:one|two)[ ]\\d", "one", az);
    /* PCRE2 itself says which bytes the class holds: exact for a
     * negated class, and caseless as the pattern is there. */
    char *not_digit = barred_of("(?<![^0-9])Qz[ ]", "Qz");
    assert_int_equal(not_digit[0], '\0'); /* NUL comes first */
    assert_int_equal(strlen(not_digit + 1), 127 - 10);
    assert_null(strpbrk(not_digit + 1, "0123456789"));
    g_free(not_digit);
    expect_barred("(?i)(?<![q])Zx", "zx", "Qq");
    /* Other items that take no room may come between. */
    expect_barred("(?<![a])(?!b)(?=.)Qz", "Qz", "a");
    /* No guard: an optional lookbehind, one of a group or of several
     * characters, or one not right before the literal. */
    expect_barred("(?<![a])?Qz", "Qz", "");
    expect_barred("(?<!(?:a))Qz", "Qz", "");
    expect_barred("(?<!ab)Qz", "Qz", "");
    expect_barred("(?<![a])[ ]?Qz", "Qz", "");
    /* A literal that starts earlier than the guarded one. */
    expect_barred("(?<![a])(?:Qz)", "Qz", "a");
}

static void on_hit(void *payload, const fx_trigger *t, uint64_t end)
{
    g_string_append_printf(payload, "%.*s@%" G_GUINT64_FORMAT " ", t->len,
                           t->lit, end - t->len);
}

static void test_scanner_finds_every_literal(void **state)
{
    (void)state;
    GArray *all = g_array_new(FALSE, FALSE, sizeof(fx_trigger));
    const char *lits[] = {"he", "she", "his", "hers"};
    for (int i = 0; i < 4; i++) {
        fx_trigger t = {0};
        t.len = (guint)strlen(lits[i]);
        memcpy(t.lit, lits[i], t.len);
        t.caseless = true;
        g_array_append_val(all, t);
    }
    fx_literals *folded = fx_literals__new(all, true);
    assert_non_null(folded);
    assert_null(fx_literals__new(all, false)); /* no exact ones */
    /* Overlapping hits, either case, and a text cut in two anywhere. */
    const char *text = "uSHErs; HIS";
    GString *whole = g_string_new(NULL);
    fx_literals__scan(folded, 0, text, strlen(text), 0, on_hit, whole);
    assert_string_equal(whole->str, "she@1 he@2 hers@2 his@8 ");
    for (size_t cut = 0; cut <= strlen(text); cut++) {
        GString *parts = g_string_new(NULL);
        guint32 st = fx_literals__scan(folded, 0, text, cut, 0, on_hit,
                                       parts);
        fx_literals__scan(folded, st, text + cut, strlen(text) - cut, cut,
                          on_hit, parts);
        assert_string_equal(parts->str, whole->str);
        g_string_free(parts, TRUE);
    }
    g_string_free(whole, TRUE);
    /* Two scanners at once find what each finds alone, a's first at each
     * byte; a NULL one finds nothing. */
    GArray *exact_lits = g_array_new(FALSE, FALSE, sizeof(fx_trigger));
    fx_trigger hs = {0};
    hs.len = 2;
    memcpy(hs.lit, "HE", 2);
    g_array_append_val(exact_lits, hs);
    fx_literals *exact = fx_literals__new(exact_lits, false);
    GString *pair = g_string_new(NULL);
    guint32 sa = 0, sb = 0;
    fx_literals__scan_pair(exact, folded, &sa, &sb, text, strlen(text), 0,
                           on_hit, pair);
    assert_string_equal(pair->str, "HE@2 she@1 he@2 hers@2 his@8 ");
    g_string_truncate(pair, 0);
    sa = sb = 0;
    fx_literals__scan_pair(NULL, folded, &sa, &sb, text, strlen(text), 0,
                           on_hit, pair);
    assert_string_equal(pair->str, "she@1 he@2 hers@2 his@8 ");
    /* A long buffer is scanned in two halves side by side: the same hits
     * in the same order as a byte at a time, whether hits are sparse or
     * so dense that the second half's cannot all be held back. */
    GRand *words = g_rand_new_with_seed(4);
    const char *vocab_lits[] = {"HE", "she", "hErS", "x", "  ", "his", "h"};
    for (int dense = 0; dense < 2; dense++) {
        GString *lt = g_string_new(NULL);
        while (lt->len < 6000)
            g_string_append(lt, dense ? "HEhe" : vocab_lits[g_rand_int_range(
                                                     words, 0, 7)]);
        GString *one = g_string_new(NULL), *two = g_string_new(NULL);
        guint32 a1 = 0, b1 = 0, a2 = 0, b2 = 0;
        for (size_t k = 0; k < lt->len; k++)
            fx_literals__scan_pair(exact, folded, &a1, &b1, lt->str + k, 1,
                                   k, on_hit, one);
        fx_literals__scan_pair(exact, folded, &a2, &b2, lt->str, lt->len, 0,
                               on_hit, two);
        assert_string_equal(two->str, one->str);
        assert_int_equal(a2, a1);
        assert_int_equal(b2, b1);
        g_string_free(one, TRUE);
        g_string_free(two, TRUE);
        g_string_free(lt, TRUE);
    }
    g_rand_free(words);
    g_string_free(pair, TRUE);
    fx_literals__free(exact);
    g_array_free(exact_lits, TRUE);
    fx_literals__free(folded);
    fx_literals__free(NULL);
    g_array_free(all, TRUE);

    /* So many literals that the table takes 32-bit entries. */
    GRand *rnd = g_rand_new_with_seed(20261204);
    GArray *many = g_array_new(FALSE, FALSE, sizeof(fx_trigger));
    for (int i = 0; i < 4000; i++) {
        fx_trigger t = {0};
        t.len = FX_TRIGGER_CHARS;
        for (guint k = 0; k < t.len; k++)
            t.lit[k] = (char)g_rand_int_range(rnd, 'a', 'z' + 1);
        g_array_append_val(many, t);
    }
    fx_literals *big = fx_literals__new(many, false);
    GString *text2 = g_string_new(NULL), *want = g_string_new(NULL);
    for (int i = 0; i < 50; i++) {
        const fx_trigger *t = &g_array_index(
            many, fx_trigger, g_rand_int_range(rnd, 0, many->len));
        g_string_append(text2, "-- ");
        g_string_append_printf(want, "%.*s@%zu ", t->len, t->lit,
                               text2->len);
        g_string_append_len(text2, t->lit, t->len);
    }
    GString *got = g_string_new(NULL);
    fx_literals__scan(big, 0, text2->str, text2->len, 0, on_hit, got);
    assert_string_equal(got->str, want->str);
    /* Paired with a scanner of 16-bit entries: each scans alone. */
    g_string_truncate(got, 0);
    guint32 s32 = 0, s16 = 0;
    fx_trigger dash = {0};
    dash.len = 2;
    memcpy(dash.lit, "--", 2);
    GArray *dashes = g_array_new(FALSE, FALSE, sizeof(fx_trigger));
    g_array_append_val(dashes, dash);
    fx_literals *small = fx_literals__new(dashes, false);
    fx_literals__scan_pair(big, small, &s32, &s16, text2->str, text2->len, 0,
                           on_hit, got);
    GString *dash_hits = g_string_new(NULL);
    for (int i = 0; i < 50; i++)
        g_string_append_printf(dash_hits, "--@%zu ",
                               (size_t)i * (3 + FX_TRIGGER_CHARS));
    /* (big has 32-bit entries: the two scan one after the other) */
    assert_true(g_str_has_prefix(got->str, want->str));
    assert_string_equal(got->str + want->len, dash_hits->str);
    g_string_free(dash_hits, TRUE);
    fx_literals__free(small);
    g_array_free(dashes, TRUE);
    g_string_free(got, TRUE);
    g_string_free(text2, TRUE);
    g_string_free(want, TRUE);
    fx_literals__free(big);
    g_array_free(many, TRUE);
    g_rand_free(rnd);
}

/* ---- the engine, with and without the prefilter ---- */

static fx_status collect(void *payload, const fx_row *r)
{
    g_string_append_printf(payload, "%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                           " %s %s [%s] %s\n",
                           r->start_byte, r->end_byte, fx_type_name(r->type),
                           r->rule, r->text, r->value);
    return FX_OK;
}

/* Hits a literal scan may hold before the rules take them (0: the
 * engine's own). */
static size_t max_hits;
/* Microseconds each worker thread comes late to a round (0: none). */
static gulong worker_delay;

/* The rows of `text` under `rs`, fed in chunks of `chunk` bytes, then
 * each rule's count of matches. */
static char *rows(const fx_ruleset *rs, const char *text, size_t len,
                  size_t chunk, bool prefilter, unsigned threads)
{
    GString *out = g_string_new(NULL);
    fx_sink sink = {"test", NULL, collect, NULL, NULL, out};
    fx_engine *eng;
    assert_int_equal(fx_engine_new(&eng, rs, &sink, NULL, NULL), FX_OK);
    fx_engine_set_prefilter(eng, prefilter);
    fx_engine__set_max_hits(eng, max_hits);
    fx_engine__set_worker_delay(eng, worker_delay);
    assert_int_equal(fx_engine_set_threads(eng, threads), FX_OK);
    assert_int_equal(fx_engine_begin(eng, "t"), FX_OK);
    for (size_t at = 0; at < len; at += chunk)
        assert_int_equal(fx_engine_feed(eng, text + at, MIN(chunk, len - at)),
                         FX_OK);
    assert_int_equal(fx_engine_finish(eng), FX_OK);
    assert_int_equal(fx_engine__stray_parts(eng), 0);
    /* And how many matches each rule found: a match lost to the
     * prefilter may lose nothing in the rows, when another rule's wins. */
    fx_rule_stats st;
    for (size_t i = 0; fx_engine_rule_stats(eng, i, &st) == FX_OK; i++)
        g_string_append_printf(out, "rule %zu: %" G_GUINT64_FORMAT
                               " matches\n", i, st.matches);
    fx_engine_free(eng);
    return g_string_free(out, FALSE);
}

/* Rules that lean on each kind of trigger: a set of digits after an
 * optional qualifier, a caseless word with k and s, a lookahead, a
 * lookbehind, names with letters repeated before the literal. */
static const char test_rules[] =
    "rule count\n"
    "  type: statistic\n"
    "  pattern: (?:(?<qualifier>(?i:more than|about))[ ]+)?(?<![\\d,])"
    "(?<number>\\d{1,3}(?:,\\d{3})*)(?![\\d,]) (?<unit>(?i:tasks|kits))\n"
    "rule desk\n"
    "  type: agency\n"
    "  priority: 2\n"
    "  pattern: (?<![\\p{L}])(?<name>(?i:the )?(?:\\p{Lu}\\p{Ll}+ )?"
    "(?i:desk of kansas))(?![\\p{L}])\n"
    "rule speaker\n"
    "  type: official\n"
    "  pattern: (?<![\\p{L}])(?<name>\\p{Lu}\\p{Ll}+)(?=[ ]+said)\n"
    "rule quoted\n"
    "  type: official\n"
    "  pattern: (?<=said |told )(?<name>\\p{Lu}\\p{Ll}+)\n"
    /* One literal both after a name and, in a lookbehind, before one:
     * two triggers that must not merge. */
    "rule asker\n"
    "  type: official\n"
    "  pattern: (?<![\\p{L}])(?<name>\\p{Lu}\\p{Ll}+)(?=[ ]asked)"
    "|(?<=asked[ ])(?<name>\\p{Lu}\\p{Ll}+)\n"
    /* Names as a trie, as the gazetteer writes them. */
    "rule trie\n"
    "  type: official\n"
    "  priority: 1\n"
    "  pattern: (?<![\\p{L}])(?<name>R(?:uiz|ana)|L(?:ee|ANA))(?![\\p{L}])\n"
    /* A name opening the text or a paragraph. */
    "rule opener\n"
    "  type: official\n"
    "  priority: 3\n"
    "  pattern: (?:\\A|(?<=\\n\\n))(?<name>\\p{Lu}\\p{Ll}+)(?![\\p{L}])\n";

static const char *const vocab[] = {
    "more than", "about", "1,200", "7", "45", "tasks", "KITS",
    "\xe2\x84\xaaits", "ta\xc5\xbfks", "the", "Desk", "desk of Kansas",
    "DESK OF KANSAS", "de\xc5\xbfk of \xe2\x84\xaa" "ansas", "Lee", "Ana",
    "said", "told", "asked", "Ruiz", "of", "\n", "\n\n", "  ", "\xff", "\xc3",
    "caf\xc3\xa9", ",", ".", "Office"};

static char *random_text(GRand *rnd, size_t words, size_t *len)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < words; i++) {
        g_string_append(s, vocab[g_rand_int_range(rnd, 0, G_N_ELEMENTS(vocab))]);
        if (g_rand_int_range(rnd, 0, 4))
            g_string_append_c(s, ' ');
    }
    *len = s->len;
    return g_string_free(s, FALSE);
}

static void test_same_rows_with_and_without(void **state)
{
    (void)state;
    char *dir = g_dir_make_tmp("figex-prefilter-XXXXXX", NULL);
    char *path = g_build_filename(dir, "t.rules", NULL);
    assert_true(g_file_set_contents(path, test_rules, -1, NULL));
    fx_ruleset *rs;
    const char *paths[] = {path};
    assert_int_equal(fx_ruleset_load(&rs, paths, 1, NULL, NULL), FX_OK);
    for (guint i = 0; i < rs->rules->len; i++)
        assert_true(((fx_rule *)g_ptr_array_index(rs->rules, i))->triggered);
    GRand *rnd = g_rand_new_with_seed(20261202);
    size_t total_rows = 0;
    guint64 matches[16] = {0};
    assert_true(rs->rules->len <= G_N_ELEMENTS(matches));
    for (int round = 0; round < 40; round++) {
        size_t len;
        char *text = random_text(rnd, 300, &len);
        char *want = rows(rs, text, len, len ? len : 1, false, 1);
        size_t chunks[] = {len ? len : 1, 1, 7, 64};
        for (size_t c = 0; c < G_N_ELEMENTS(chunks); c++) {
            char *got = rows(rs, text, len, chunks[c], true, 1 + c % 3);
            assert_string_equal(got, want);
            g_free(got);
        }
        for (const char *line = want; *line;
             line = strchr(line, '\n') + 1) {
            size_t rule;
            guint64 n;
            if (sscanf(line, "rule %zu: %" G_GUINT64_FORMAT, &rule, &n) == 2)
                matches[rule] += n;
            else
                total_rows++;
        }
        g_free(want);
        g_free(text);
    }
    /* A text long enough to be scanned for literals in parts, one per
     * thread, cut anywhere (a literal may straddle a cut). */
    for (int round = 0; round < 3; round++) {
        size_t len;
        char *text = random_text(rnd, 150000 + (size_t)round * 7, &len);
        char *want = rows(rs, text, len, len, false, 1);
        for (unsigned threads = 2; threads <= 4; threads++) {
            char *got = rows(rs, text, len, len, true, threads);
            assert_string_equal(got, want);
            g_free(got);
        }
        /* Workers that come late to a literal scan, which the first
         * thread then does alone: they must find no part left in the
         * round of rules that follows, or they push hits while the rules
         * read them (rows() counts such parts; AddressSanitizer saw a
         * push move a list under a rule reading it). */
        worker_delay = 5000;
        max_hits = 2000; /* many rounds, each a chance to come late */
        for (unsigned threads = 2; threads <= 4; threads++) {
            char *got = rows(rs, text, len, len, true, threads);
            assert_string_equal(got, want);
            g_free(got);
        }
        max_hits = 0;
        worker_delay = 0;
        g_free(want);
        g_free(text);
    }
    /* Fewer hits than the text holds at once: the literal scan stops
     * and goes on in more rounds (FX_MAX_HITS). */
    GString *dense = g_string_new(NULL);
    while (dense->len < 400000)
        g_string_append(dense, "Lee said Ruiz asked Lee told 7 KITS ");
    char *want = rows(rs, dense->str, dense->len, dense->len, false, 1);
    for (unsigned threads = 1; threads <= 2; threads++) {
        max_hits = 1000;
        char *got = rows(rs, dense->str, dense->len, dense->len, true,
                         threads);
        max_hits = 0;
        assert_string_equal(got, want);
        g_free(got);
    }
    g_free(want);
    g_string_free(dense, TRUE);
    /* The texts did exercise every rule. */
    assert_true(total_rows > 400);
    for (guint i = 0; i < rs->rules->len; i++)
        assert_true(matches[i] > 20);
    g_rand_free(rnd);
    fx_ruleset_free(rs);
    remove_tree(dir);
    g_free(path);
    g_free(dir);
}

/* Rules loaded by several threads are those loaded by one: the same
 * triggers, the same rows, and for a bad file the same messages. */
static void test_threaded_load(void **state)
{
    (void)state;
    const char *dir = FIGEX_RULES_DIR;
    fx_ruleset *one, *four;
    assert_int_equal(fx_ruleset_load_threads(&one, &dir, 1, 1, NULL, NULL),
                     FX_OK);
    assert_int_equal(fx_ruleset_load_threads(&four, &dir, 1, 4, NULL, NULL),
                     FX_OK);
    assert_int_equal(one->rules->len, four->rules->len);
    for (guint i = 0; i < one->rules->len; i++) {
        const fx_rule *a = g_ptr_array_index(one->rules, i);
        const fx_rule *b = g_ptr_array_index(four->rules, i);
        assert_int_equal(a->triggered, b->triggered);
        assert_int_equal(a->at_start, b->at_start);
        assert_int_equal(a->walk_dmax, b->walk_dmax);
        assert_int_equal(a->walk_len, b->walk_len);
    }
    char *path = g_build_filename(FIGEX_SOURCE_DIR, "golden",
                                  "ent-press-release", "input.txt", NULL);
    char *text;
    gsize len;
    assert_true(g_file_get_contents(path, &text, &len, NULL));
    char *want = rows(one, text, len, len, true, 1);
    char *got = rows(four, text, len, len, true, 2);
    assert_string_equal(got, want);
    assert_non_null(strstr(want, " agency ")); /* some rows */
    g_free(want);
    g_free(got);
    g_free(text);
    g_free(path);
    fx_ruleset_free(one);
    fx_ruleset_free(four);

    char *tmp = g_dir_make_tmp("figex-load-XXXXXX", NULL);
    char *bad = g_build_filename(tmp, "bad.rules", NULL);
    assert_true(g_file_set_contents(
        bad,
        "rule a\n  type: date\n  pattern: (?<year>\\d{4})\n"
        "  example: in 2019 => 2020\n"
        "rule b\n  type: date\n  pattern: (?<year>\\d{4}\n"
        "rule c\n  type: date\n  pattern: (?<year>19\\d\\d)\n"
        "  counter: in 1999\n",
        -1, NULL));
    const char *bad_paths[] = {bad};
    GPtrArray *d1 = diag_recs_new(), *d4 = diag_recs_new();
    assert_int_equal(fx_ruleset_load_threads(&one, bad_paths, 1, 1,
                                             record_diag, d1),
                     FX_ERR_RULES);
    assert_int_equal(fx_ruleset_load_threads(&four, bad_paths, 1, 4,
                                             record_diag, d4),
                     FX_ERR_RULES);
    assert_true(d1->len > 0);
    assert_int_equal(d4->len, d1->len);
    for (guint i = 0; i < d1->len; i++) {
        const diag_rec *x = g_ptr_array_index(d1, i);
        const diag_rec *y = g_ptr_array_index(d4, i);
        assert_string_equal(y->msg, x->msg);
        assert_int_equal(y->line, x->line);
        assert_int_equal(y->col, x->col);
    }
    assert_int_equal(fx_ruleset_load_threads(&one, bad_paths, 1, 0, NULL,
                                             NULL),
                     FX_ERR_USAGE);
    g_ptr_array_free(d1, TRUE);
    g_ptr_array_free(d4, TRUE);
    remove_tree(tmp);
    g_free(tmp);
    g_free(bad);
}

static void test_threads_need_a_closed_document(void **state)
{
    (void)state;
    const char *dir = FIGEX_RULES_DIR;
    fx_ruleset *rs;
    assert_int_equal(fx_ruleset_load(&rs, &dir, 1, NULL, NULL), FX_OK);
    GString *out = g_string_new(NULL);
    fx_sink sink = {"test", NULL, collect, NULL, NULL, out};
    fx_engine *eng;
    assert_int_equal(fx_engine_new(&eng, rs, &sink, NULL, NULL), FX_OK);
    assert_int_equal(fx_engine_set_threads(eng, 0), FX_ERR_USAGE);
    assert_int_equal(fx_engine_set_threads(eng, FX_MAX_THREADS + 1),
                     FX_ERR_USAGE);
    assert_int_equal(fx_engine_set_threads(eng, 4), FX_OK);
    assert_int_equal(fx_engine_begin(eng, "t"), FX_OK);
    assert_int_equal(fx_engine_set_threads(eng, 2), FX_ERR_USAGE);
    const char *text = "On 3 May 2021 the agency hired 12 inspectors.\n";
    assert_int_equal(fx_engine_feed(eng, text, strlen(text)), FX_OK);
    assert_int_equal(fx_engine_finish(eng), FX_OK);
    assert_int_equal(fx_engine_set_threads(eng, 1), FX_OK);
    assert_non_null(strstr(out->str, "12 inspectors"));
    fx_engine_free(eng);
    g_string_free(out, TRUE);
    fx_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals_of_patterns),
        cmocka_unit_test(test_back_automata),
        cmocka_unit_test(test_forward_automata),
        cmocka_unit_test(test_lookbehind_guards),
        cmocka_unit_test(test_scanner_finds_every_literal),
        cmocka_unit_test(test_same_rows_with_and_without),
        cmocka_unit_test(test_threaded_load),
        cmocka_unit_test(test_threads_need_a_closed_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
