/*
 * fuzz_normalise.c: the normalisers' building blocks (extract/internal.h)
 * called directly on arbitrary bytes.
 *
 * Byte 0 picks the function, the bytes after it are its input (and, for
 * the ones that take numbers, the first of them are the numbers).  Each
 * result is checked against what the function promises:
 *
 *     fold          valid UTF-8, no control whitespace, no doubled or
 *                   end spaces, unchanged by a second fold
 *     scale         a plain decimal ("0", "12.5": no leading zeros, no
 *                   trailing fractional zeros), or nothing appended;
 *                   scaling by a then by b is scaling by a + b
 *     words, vague  a plain decimal, or nothing appended
 *     compare       antisymmetric, 0 exactly for equal strings,
 *                   transitive
 *     date fill and resolve
 *                   a value, low <= high as YYYY-MM-DD days, a known
 *                   precision, the qualifier kept
 */
#include "fuzz.h"
#include "internal.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_fatal_glib_warnings();
    return 0;
}

static bool is_plain_decimal(const char *s)
{
    if (s[0] == '0' && s[1] != '\0' && s[1] != '.')
        return false;
    if (!g_ascii_isdigit(*s))
        return false;
    while (g_ascii_isdigit(*s))
        s++;
    if (*s == '\0')
        return true;
    if (*s++ != '.' || !g_ascii_isdigit(*s))
        return false;
    while (g_ascii_isdigit(*s))
        s++;
    return *s == '\0' && s[-1] != '0';
}

/* "YYYY-MM-DD", a real day. */
static bool is_day(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    return y >= 1 &&
           g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

static void check_folded(const char *s, gsize len)
{
    FUZZ_CHECK(g_utf8_validate(s, (gssize)len, NULL));
    FUZZ_CHECK(strlen(s) == len);
    FUZZ_CHECK(strpbrk(s, "\t\n\r\f\v") == NULL);
    FUZZ_CHECK(strstr(s, "  ") == NULL);
    FUZZ_CHECK(strstr(s, "\xC2\xA0") == NULL);
    FUZZ_CHECK(strstr(s, "\xE2\x80\xAF") == NULL);
    FUZZ_CHECK(len == 0 || (s[0] != ' ' && s[len - 1] != ' '));
}

static void fuzz_fold(const char *s, size_t n)
{
    GString *out = g_string_new("x");
    fx_text__fold(out, s, n);
    FUZZ_CHECK(out->str[0] == 'x');
    check_folded(out->str + 1, out->len - 1);
    GString *again = g_string_new(NULL);
    fx_text__fold(again, out->str + 1, out->len - 1);
    FUZZ_CHECK(strcmp(again->str, out->str + 1) == 0);
    g_string_free(again, TRUE);
    g_string_free(out, TRUE);
}

static void fuzz_qualifier(const char *s, size_t n)
{
    static const char *const symbols[] = {">", ">=", "<", "<=", "~"};
    const char *q = fx_qualifier__symbol(s, n);
    if (!q)
        return;
    bool known = false;
    for (size_t i = 0; i < G_N_ELEMENTS(symbols); i++)
        known = known || strcmp(q, symbols[i]) == 0;
    FUZZ_CHECK(known);
}

/* A number appended to `out` (which held `before` bytes) when `ok`. */
static void check_appended(const GString *out, gsize before, bool ok)
{
    if (ok)
        FUZZ_CHECK(is_plain_decimal(out->str + before));
    else
        FUZZ_CHECK(out->len == before);
}

static void fuzz_scale(const uint8_t *d, size_t n)
{
    if (n < 2)
        return;
    int e1 = (int8_t)d[0] % 48, e2 = d[1] % 24;
    const char *s = (const char *)d + 2;
    GString *a = g_string_new("#");
    bool ok = fx_number__scale(a, s, n - 2, e1);
    check_appended(a, 1, ok);
    if (ok) {
        GString *b = g_string_new(NULL), *c = g_string_new(NULL);
        FUZZ_CHECK(fx_number__scale(b, a->str + 1, a->len - 1, e2));
        FUZZ_CHECK(fx_number__scale(c, s, n - 2, e1 + e2));
        FUZZ_CHECK(strcmp(b->str, c->str) == 0);
        g_string_free(b, TRUE);
        g_string_free(c, TRUE);
    }
    g_string_free(a, TRUE);
}

static void fuzz_words(const char *s, size_t n, bool vague)
{
    GString *out = g_string_new("#");
    bool ok =
        vague ? fx_number__vague(out, s, n) : fx_number__words(out, s, n);
    check_appended(out, 1, ok);
    g_string_free(out, TRUE);
}

static int sign(int c)
{
    return (c > 0) - (c < 0);
}

/* Three numbers, NUL-separated, each scaled to a plain decimal. */
static void fuzz_compare(const char *s, size_t n)
{
    GString *v[3];
    const char *end = s + n;
    for (int i = 0; i < 3; i++) {
        const char *z = memchr(s, '\0', (size_t)(end - s));
        const char *e = z ? z : end;
        v[i] = g_string_new(NULL);
        if (!fx_number__scale(v[i], s, (gsize)(e - s), 0))
            g_string_assign(v[i], "0");
        s = z ? z + 1 : end;
    }
    for (int i = 0; i < 3; i++) {
        const char *a = v[i]->str, *b = v[(i + 1) % 3]->str;
        int ab = sign(fx_number__compare(a, b));
        FUZZ_CHECK(ab == -sign(fx_number__compare(b, a)));
        FUZZ_CHECK((ab == 0) == (strcmp(a, b) == 0));
        FUZZ_CHECK(fx_number__compare(a, a) == 0);
    }
    for (int i = 0; i < 3; i++) {
        const char *a = v[i]->str, *b = v[(i + 1) % 3]->str,
                   *c = v[(i + 2) % 3]->str;
        if (fx_number__compare(a, b) <= 0 && fx_number__compare(b, c) <= 0)
            FUZZ_CHECK(fx_number__compare(a, c) <= 0);
    }
    for (int i = 0; i < 3; i++)
        g_string_free(v[i], TRUE);
}

static void fuzz_words_tables(const char *s, size_t n)
{
    int m = fx_date__month(s, n);
    FUZZ_CHECK(m >= 0 && m <= 12);
    int e = fx_number__scale_word(s, n);
    FUZZ_CHECK(e == -1 || e == 2 || e == 3 || e == 6 || e == 9 || e == 12);
    const char *c = fx_number__currency(s, n);
    FUZZ_CHECK(!c || strcmp(c, "USD") == 0 || strcmp(c, "EUR") == 0 ||
               strcmp(c, "GBP") == 0);
}

static void fuzz_title(const char *s, size_t n)
{
    GString *out = g_string_new(NULL);
    fx_title__join(out, s, n);
    FUZZ_CHECK(g_utf8_validate(out->str, (gssize)out->len, NULL));
    FUZZ_CHECK(strpbrk(out->str, "\t\n\r\f\v") == NULL);
    FUZZ_CHECK(out->len == 0 || !strchr(",;:", out->str[out->len - 1]));
    FUZZ_CHECK(out->len == 0 || out->str[0] != ' ');
    g_string_free(out, TRUE);
}

static const char *const qualifiers[] = {"", ">", ">=", "<", "<=", "~"};

/* The fields of a date row, filled for `qualifier`. */
static void check_date(const fx_fields *f, const char *qualifier)
{
    static const char *const precisions[] = {
        "day",  "week", "month",       "quarter", "season",
        "half", "year", "fiscal-year", "decade",  "century",
    };
    const char *low = f->f[FX_F_LOW]->str, *high = f->f[FX_F_HIGH]->str;
    FUZZ_CHECK(f->f[FX_F_VALUE]->len > 0);
    FUZZ_CHECK(strcmp(f->f[FX_F_QUALIFIER]->str, qualifier) == 0);
    bool known = false;
    for (size_t i = 0; i < G_N_ELEMENTS(precisions); i++)
        known = known || strcmp(f->f[FX_F_PRECISION]->str, precisions[i]) == 0;
    FUZZ_CHECK(known);
    bool want_low = qualifier[0] != '<', want_high = qualifier[0] != '>';
    FUZZ_CHECK(want_low == (low[0] != '\0'));
    FUZZ_CHECK(want_high == (high[0] != '\0'));
    FUZZ_CHECK(!low[0] || is_day(low));
    FUZZ_CHECK(!high[0] || is_day(high));
    FUZZ_CHECK(!low[0] || !high[0] || strcmp(low, high) <= 0);
}

static void fuzz_fill(const uint8_t *d, size_t n)
{
    if (n < 5)
        return;
    int year = (int16_t)(d[0] | d[1] << 8), month = (int8_t)d[2],
        day = (int8_t)d[3];
    const char *q = qualifiers[d[4] % G_N_ELEMENTS(qualifiers)];
    fx_fields f;
    fx_fields__init(&f);
    if (fx_date__fill(&f, year, month, day, q[0] ? q : NULL))
        check_date(&f, q);
    fx_fields__clear(&f);
}

static void fuzz_resolve(const uint8_t *d, size_t n)
{
    if (n < 5)
        return;
    int year = (d[0] | d[1] << 8) % 9999 + 1, month = d[2] % 12 + 1,
        day = d[3] % 31 + 1;
    if (!g_date_valid_dmy((GDateDay)day, (GDateMonth)month, (GDateYear)year))
        return;
    GDate doc;
    g_date_clear(&doc, 1);
    g_date_set_dmy(&doc, (GDateDay)day, (GDateMonth)month, (GDateYear)year);
    const char *q = qualifiers[d[4] % G_N_ELEMENTS(qualifiers)];
    fx_fields f;
    fx_fields__init(&f);
    g_string_assign(f.f[FX_F_QUALIFIER], q);
    g_string_append_len(f.f[FX_F_RESOLVE], (const char *)d + 5,
                        (gssize)(n - 5));
    if (fx_date__resolve(&f, f.f[FX_F_RESOLVE]->str, &doc))
        check_date(&f, q);
    fx_fields__clear(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *d = data + 1;
    const char *s = (const char *)d;
    size_t n = size - 1;
    switch (data[0] % 10) {
    case 0:
        fuzz_fold(s, n);
        break;
    case 1:
        fuzz_qualifier(s, n);
        break;
    case 2:
        fuzz_scale(d, n);
        break;
    case 3:
        fuzz_words(s, n, false);
        break;
    case 4:
        fuzz_words(s, n, true);
        break;
    case 5:
        fuzz_compare(s, n);
        break;
    case 6:
        fuzz_words_tables(s, n);
        break;
    case 7:
        fuzz_title(s, n);
        break;
    case 8:
        fuzz_fill(d, n);
        break;
    case 9:
        fuzz_resolve(d, n);
        break;
    }
    return 0;
}
