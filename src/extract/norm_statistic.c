/*
 * norm_statistic.c: figures to plain decimal numbers with unit and bounds.
 *
 *     "more than 6.5 million reports"  -> 6500000  reports  >   low 6500000
 *     "$4.5 billion"                   -> 4500000000  USD
 *     "27 percent" / "27%"             -> 27  percent
 *
 * Numbers are scaled as decimal strings, never as floating point, so
 * "6.5 million" is exactly 6500000 and a 400-digit figure survives.
 * Bounds follow the qualifier: an exact figure has low = high = value,
 * > and >= give a low bound, < and <= a high bound, ~ gives none.
 */
#include "internal.h"

bool fx_number__scale(GString *out, const char *number, gsize len,
                      int exp10)
{
    GString *ip = g_string_new(NULL), *fp = g_string_new(NULL);
    bool point = false, ok = true;
    for (gsize i = 0; i < len; i++) {
        unsigned char c = (unsigned char)number[i];
        if (g_ascii_isdigit(c))
            g_string_append_c(point ? fp : ip, (char)c);
        else if (c == '.' && !point)
            point = true;
        else if (c == ',' || c == ' ')
            continue;
        else if (c == 0xC2 && i + 1 < len &&
                 (unsigned char)number[i + 1] == 0xA0)
            i++; /* no-break space as a thousands separator */
        else if (c == 0xE2 && i + 2 < len &&
                 (unsigned char)number[i + 1] == 0x80 &&
                 ((unsigned char)number[i + 2] == 0xAF ||
                  (unsigned char)number[i + 2] == 0x89))
            i += 2; /* narrow no-break space, thin space */
        else
            ok = false;
    }
    if (ip->len + fp->len == 0 || exp10 < 0)
        ok = false;
    if (ok) {
        /* Move the decimal point exp10 places to the right. */
        for (int e = 0; e < exp10; e++) {
            if (fp->len) {
                g_string_append_c(ip, fp->str[0]);
                g_string_erase(fp, 0, 1);
            } else {
                g_string_append_c(ip, '0');
            }
        }
        const char *d = ip->str;
        while (*d == '0' && d[1])
            d++;
        while (fp->len && fp->str[fp->len - 1] == '0')
            g_string_truncate(fp, fp->len - 1);
        g_string_append(out, *d ? d : "0");
        if (fp->len) {
            g_string_append_c(out, '.');
            g_string_append(out, fp->str);
        }
    }
    g_string_free(ip, TRUE);
    g_string_free(fp, TRUE);
    return ok;
}

int fx_number__scale_word(const char *s, gsize len)
{
    static const struct {
        const char *word;
        int exp;
    } words[] = {
        {"hundred", 2}, {"thousand", 3}, {"k", 3},    {"million", 6},
        {"mn", 6},      {"mln", 6},      {"m", 6},    {"billion", 9},
        {"bn", 9},      {"b", 9},        {"trillion", 12}, {"tn", 12},
    };
    char *w = g_ascii_strdown(s, (gssize)len);
    int exp = -1;
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
        if (strcmp(w, words[i].word) == 0)
            exp = words[i].exp;
    g_free(w);
    return exp;
}

const char *fx_number__currency(const char *s, gsize len)
{
    static const struct {
        const char *sign;
        const char *code;
    } signs[] = {
        {"$", "USD"},      {"us$", "USD"},    {"usd", "USD"},
        {"dollars", "USD"}, {"dollar", "USD"}, {"\u20ac", "EUR"},
        {"eur", "EUR"},    {"euros", "EUR"},  {"euro", "EUR"},
        {"\u00a3", "GBP"}, {"gbp", "GBP"},    {"pounds", "GBP"},
        {"pound", "GBP"},
    };
    GString *f = g_string_new(NULL);
    fx_text__fold(f, s, len);
    char *w = g_ascii_strdown(f->str, (gssize)f->len);
    g_string_free(f, TRUE);
    const char *code = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(signs); i++)
        if (strcmp(w, signs[i].sign) == 0)
            code = signs[i].code;
    g_free(w);
    return code;
}

bool fx_norm__statistic(const fx_match *m, const fx_ruleset *rs,
                        fx_fields *out)
{
    (void)rs;
    const char *s, *num;
    gsize n, num_len;
    int exp = 0;
    if (!fx_match__get(m, FX_CAP_NUMBER, &num, &num_len))
        return false;
    if (fx_match__get(m, FX_CAP_SCALE, &s, &n) &&
        (exp = fx_number__scale_word(s, n)) < 0)
        return false;
    GString *value = out->f[FX_F_VALUE];
    if (!fx_number__scale(value, num, num_len, exp))
        return false;
    GString *unit = out->f[FX_F_UNIT];
    if (fx_match__get(m, FX_CAP_PERCENT, &s, &n)) {
        g_string_assign(unit, "percent");
    } else if (fx_match__get(m, FX_CAP_CURRENCY, &s, &n)) {
        const char *code = fx_number__currency(s, n);
        if (!code)
            return false;
        g_string_assign(unit, code);
    } else if (fx_match__get(m, FX_CAP_UNIT, &s, &n)) {
        fx_text__fold(unit, s, n);
        char *low = g_utf8_strdown(unit->str, (gssize)unit->len);
        g_string_assign(unit, low);
        g_free(low);
    }
    const char *q = "";
    if (fx_match__get(m, FX_CAP_QUALIFIER, &s, &n) &&
        !(q = fx_qualifier__symbol(s, n)))
        return false;
    g_string_assign(out->f[FX_F_QUALIFIER], q);
    if (strcmp(q, "~") != 0) {
        if (q[0] != '<')
            g_string_assign(out->f[FX_F_LOW], value->str);
        if (q[0] != '>')
            g_string_assign(out->f[FX_F_HIGH], value->str);
    }
    return true;
}
