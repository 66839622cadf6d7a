/*
 * norm_statistic.c: figures to plain decimal numbers with unit and bounds.
 *
 *     "more than 6.5 million reports"  -> 6500000  reports  >   low 6500000
 *     "$4.5 billion"                   -> 4500000000  USD
 *     "27 percent" / "27%"             -> 27  percent
 *     "twenty-three states"            -> 23  states
 *     "between 10 and 20 percent"      -> 10/20  percent  low 10, high 20
 *     "thousands of communities"       -> 2000  communities  >=  low 2000
 *
 * Numbers are scaled as decimal strings, never as floating point, so
 * "6.5 million" is exactly 6500000 and a 400-digit figure survives.
 * Bounds follow the qualifier: an exact figure has low = high = value,
 * > and >= give a low bound, < and <= a high bound, ~ gives none.  A range
 * has both bounds and no qualifier; a vague count ("dozens of") is the
 * smallest count its words allow, with >=.  docs/statistics.md is the
 * user's reference for every form.
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
        {"$", "USD"},          {"us$", "USD"},
        {"usd", "USD"},        {"dollars", "USD"},
        {"dollar", "USD"},     {"us dollars", "USD"},
        {"u.s. dollars", "USD"}, {"\u20ac", "EUR"},
        {"eur", "EUR"},        {"euros", "EUR"},
        {"euro", "EUR"},       {"\u00a3", "GBP"},
        {"gbp", "GBP"},        {"pounds", "GBP"},
        {"pound", "GBP"},      {"pounds sterling", "GBP"},
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

/* ---- spelled-out numbers ---- */

/* The next run of ASCII letters in s[*pos..len), skipping whitespace and
 * hyphens.  Sets *bad on any other byte (digits, punctuation, non-ASCII):
 * a phrase holding one is not a spelled number. */
static bool next_word(const char *s, gsize len, gsize *pos, const char **word,
                      gsize *word_len, bool *bad)
{
    gsize i = *pos;
    while (i < len && (g_ascii_isspace(s[i]) || s[i] == '-'))
        i++;
    gsize start = i;
    while (i < len && g_ascii_isalpha(s[i]))
        i++;
    *pos = i;
    *word = s + start;
    *word_len = i - start;
    if (i < len && !g_ascii_isspace(s[i]) && s[i] != '-')
        *bad = true;
    return *word_len > 0;
}

static bool word_is(const char *w, gsize n, const char *lit)
{
    return strlen(lit) == n && g_ascii_strncasecmp(w, lit, n) == 0;
}

/* 0 to 90 by name; -1 for any other word. */
static int small_number(const char *w, gsize n)
{
    static const char *const names[] = {
        "zero",    "one",     "two",       "three",    "four",
        "five",    "six",     "seven",     "eight",    "nine",
        "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
        "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    };
    static const char *const tens[] = {
        "twenty", "thirty",  "forty",  "fifty",
        "sixty",  "seventy", "eighty", "ninety",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (word_is(w, n, names[i]))
            return (int)i;
    for (size_t i = 0; i < G_N_ELEMENTS(tens); i++)
        if (word_is(w, n, tens[i]))
            return 20 + 10 * (int)i;
    return -1;
}

/* What the last number word of a spelled number was, which decides the
 * words allowed next ("twenty" may take "three", "three" may not). */
typedef enum {
    SPELL_NONE,
    SPELL_UNIT,    /* one .. nine */
    SPELL_TEEN,    /* ten .. nineteen */
    SPELL_TENS,    /* twenty .. ninety */
    SPELL_HUNDRED,
    SPELL_DOZEN,   /* nothing may follow */
    SPELL_HALF,
    SPELL_SCALE,   /* thousand, million, billion, trillion */
} spell_last;

static guint64 pow10_u64(int exp)
{
    guint64 p = 1;
    while (exp-- > 0)
        p *= 10;
    return p;
}

/*
 * Values are counted in quarters so that "half a million" and "one and a
 * half" stay whole numbers: "half" adds 2, "one" adds 4.  Scales must
 * shrink and a group stays below 10,000 ("ninety-nine hundred"), so the
 * largest phrase the grammar allows is below 1e17 quarters, far inside
 * 64 bits: no step can overflow.
 */
bool fx_number__words(GString *out, const char *s, gsize len)
{
    guint64 total = 0, group = 0;
    int last_scale = 13;      /* each scale word must be smaller */
    spell_last last = SPELL_NONE;
    bool article = false;     /* "a"/"an" waiting for what it counts */
    bool joined = false;      /* "and" waiting for what it joins */
    bool any = false, zero = false, bad = false;
    gsize pos = 0;
    const char *w;
    gsize n;
    while (next_word(s, len, &pos, &w, &n, &bad)) {
        int small = small_number(w, n);
        int scale = -1;
        if (zero || last == SPELL_DOZEN)
            return false; /* "zero" and "a dozen" end a number */
        if (word_is(w, n, "and")) {
            if (!any || joined || article)
                return false;
            joined = true;
        } else if (word_is(w, n, "a") || word_is(w, n, "an")) {
            /* "a dozen", "half a million", "one and a half" */
            if (article || (any && !joined && last != SPELL_HALF))
                return false;
            article = true;
        } else if (word_is(w, n, "half")) {
            if (any && !(joined && article && group && group % 4 == 0))
                return false;
            group += 2;
            last = SPELL_HALF;
            article = joined = false;
            any = true;
        } else if (small >= 0) {
            bool ok;
            spell_last kind = small < 10   ? SPELL_UNIT
                              : small < 20 ? SPELL_TEEN
                                           : SPELL_TENS;
            if (small == 0)
                ok = !any;
            else if (kind == SPELL_UNIT)
                ok = last == SPELL_NONE || last == SPELL_HUNDRED ||
                     last == SPELL_SCALE || (last == SPELL_TENS && !joined);
            else
                ok = last == SPELL_NONE || last == SPELL_HUNDRED ||
                     last == SPELL_SCALE;
            if (!ok || article)
                return false;
            zero = small == 0;
            group += 4 * (guint64)small;
            last = kind;
            joined = false;
            any = true;
        } else if (word_is(w, n, "hundred") || word_is(w, n, "dozen")) {
            bool hundred = w[0] == 'h' || w[0] == 'H';
            if (joined)
                return false;
            if (article && group == 0)
                group = 4; /* "a hundred", "a dozen" */
            else if (article || group % 4 ||
                     (last != SPELL_UNIT && last != SPELL_TEEN &&
                      last != SPELL_TENS) ||
                     (hundred && group >= 4 * 100))
                return false;
            group *= hundred ? 100 : 12;
            last = hundred ? SPELL_HUNDRED : SPELL_DOZEN;
            article = false;
            any = true;
        } else if (n >= 7 && (scale = fx_number__scale_word(w, n)) >= 3) {
            /* thousand, million, billion, trillion: the words, not the
             * abbreviations ("k", "bn"), which only follow digits. */
            if (joined || scale >= last_scale)
                return false;
            if (article && group == 0)
                group = 4; /* "a million" */
            else if ((article && last != SPELL_HALF) || group == 0)
                return false;
            total += group * pow10_u64(scale);
            group = 0;
            last_scale = scale;
            last = SPELL_SCALE;
            article = false;
            any = true;
        } else {
            return false;
        }
    }
    if (bad || !any || article || joined)
        return false;
    total += group;
    static const char *const quarters[] = {"", ".25", ".5", ".75"};
    g_string_append_printf(out, "%" G_GUINT64_FORMAT "%s", total / 4,
                           quarters[total % 4]);
    return true;
}

/* ---- vague counts ---- */

/* The multiplier of a plural count word ("thousands" 1000); 0 if none. */
static guint64 plural_count(const char *w, gsize n)
{
    static const struct {
        const char *word;
        guint64 value;
    } plurals[] = {
        {"tens", 10},
        {"dozens", 12},
        {"scores", 20},
        {"hundreds", 100},
        {"thousands", 1000},
        {"millions", 1000000},
        {"billions", G_GUINT64_CONSTANT(1000000000)},
        {"trillions", G_GUINT64_CONSTANT(1000000000000)},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(plurals); i++)
        if (word_is(w, n, plurals[i].word))
            return plurals[i].value;
    return 0;
}

/* The multiplier of a singular count word ("hundred" 100); 0 if none. */
static guint64 singular_count(const char *w, gsize n)
{
    int scale;
    if (word_is(w, n, "dozen"))
        return 12;
    /* Only the words: "k" or "bn" never follow "several". */
    if (n >= 7 && (scale = fx_number__scale_word(w, n)) >= 2)
        return pow10_u64(scale);
    return 0;
}

/*
 * A plural count word stands for at least two of it ("hundreds" >= 200),
 * and each "of <plural>" after it multiplies ("tens of thousands" =
 * 2 x 10 x 1000).  "several" is at least three, "a few" at least two, of
 * a singular ("several hundred" = 300, "a few hundred thousand" =
 * 200000) or of a plural chain ("several thousands of" = 3000).
 */
bool fx_number__vague(GString *out, const char *s, gsize len)
{
    guint64 value = 0, last = 0, how_many = 2;
    bool bad = false, prefix = false, singular = false, of = false;
    gsize pos = 0;
    const char *w;
    gsize n;
    while (next_word(s, len, &pos, &w, &n, &bad)) {
        guint64 plural = plural_count(w, n);
        guint64 single = singular_count(w, n);
        guint64 factor = 0;
        if (!value && !prefix && word_is(w, n, "several")) {
            how_many = 3;
            prefix = true;
        } else if (!value && !prefix && word_is(w, n, "a") &&
                   next_word(s, len, &pos, &w, &n, &bad) &&
                   word_is(w, n, "few")) {
            how_many = 2;
            prefix = true;
        } else if (single && prefix && !value) {
            factor = single; /* "several hundred" */
            singular = true;
        } else if (single && singular && single > last && single >= 1000) {
            factor = single; /* "several hundred thousand" */
        } else if (plural && !value) {
            factor = plural; /* "thousands" */
        } else if (value && !singular && !of && word_is(w, n, "of")) {
            of = true;
        } else if (plural && of && plural > last && plural >= 100) {
            factor = plural; /* "hundreds of thousands" */
            of = false;
        } else {
            return false;
        }
        if (factor) {
            guint64 base = value ? value : how_many;
            if (base > G_MAXUINT64 / factor)
                return false;
            value = base * factor;
            last = factor;
        }
    }
    if (bad || !value || of)
        return false;
    g_string_append_printf(out, "%" G_GUINT64_FORMAT, value);
    return true;
}

int fx_number__compare(const char *a, const char *b)
{
    const char *pa = strchr(a, '.'), *pb = strchr(b, '.');
    size_t ia = pa ? (size_t)(pa - a) : strlen(a);
    size_t ib = pb ? (size_t)(pb - b) : strlen(b);
    if (ia != ib)
        return ia < ib ? -1 : 1;
    int c = strncmp(a, b, ia);
    if (c)
        return c;
    /* Equal whole parts: compare the decimals digit by digit, a missing
     * digit counting as 0. */
    const char *fa = pa ? pa + 1 : "", *fb = pb ? pb + 1 : "";
    while (*fa || *fb) {
        char da = *fa ? *fa++ : '0', db = *fb ? *fb++ : '0';
        if (da != db)
            return da < db ? -1 : 1;
    }
    return 0;
}

/* ---- the normaliser ---- */

/* A figure as written ("6.5", "300,000", "twenty-three") times 10^exp,
 * appended to `out` as a plain decimal. */
static bool figure_value(GString *out, const char *s, gsize n, int exp)
{
    if (n && (g_ascii_isdigit(s[0]) || s[0] == '.'))
        return fx_number__scale(out, s, n, exp);
    GString *plain = g_string_sized_new(24);
    bool ok = fx_number__words(plain, s, n) &&
              fx_number__scale(out, plain->str, plain->len, exp);
    g_string_free(plain, TRUE);
    return ok;
}

/*
 * The power of ten of the first `scale` capture that starts before
 * `limit` (before == true) or at or after it (before == false): the
 * "million" of "5 million to 10 million" belongs to the end it follows.
 * 0 when there is none, -1 when the word is unknown.
 */
static int scale_exp(const fx_match *m, PCRE2_SIZE limit, bool before)
{
    const fx_cap_groups *g = &m->rule->caps[FX_CAP_SCALE];
    for (unsigned i = 0; i < g->count; i++) {
        uint32_t k = g->group[i];
        if (k >= m->pairs)
            continue;
        PCRE2_SIZE s = m->ovector[2 * k], e = m->ovector[2 * k + 1];
        if (s == PCRE2_UNSET || e < s || (s < limit) != before)
            continue;
        return fx_number__scale_word(m->subject + s, e - s);
    }
    return 0;
}

/*
 * "5–10 million" means 5 million to 10 million, but "500,000 to 1
 * million" starts at 500,000: a scale written only after the high end
 * also scales the low end when the low end, as written, is the smaller.
 */
static bool fill_range(const fx_match *m, const char *low_text,
                       gsize low_len, const char *high_text,
                       gsize high_len, fx_fields *out)
{
    PCRE2_SIZE high_at = (PCRE2_SIZE)(high_text - m->subject);
    int low_exp = scale_exp(m, high_at, true);
    int high_exp = scale_exp(m, high_at, false);
    if (low_exp < 0 || high_exp < 0)
        return false;
    GString *low = out->f[FX_F_LOW], *high = out->f[FX_F_HIGH];
    bool ok = figure_value(low, low_text, low_len, 0) &&
              figure_value(high, high_text, high_len, 0);
    if (ok && low_exp == 0 && high_exp > 0 &&
        fx_number__compare(low->str, high->str) < 0)
        low_exp = high_exp;
    g_string_truncate(low, 0);
    g_string_truncate(high, 0);
    ok = ok && figure_value(low, low_text, low_len, low_exp) &&
         figure_value(high, high_text, high_len, high_exp) &&
         fx_number__compare(low->str, high->str) < 0;
    if (ok)
        g_string_printf(out->f[FX_F_VALUE], "%s/%s", low->str, high->str);
    return ok;
}

/* unit: percent, a currency code or the counted noun phrase. */
static bool fill_unit(const fx_match *m, GString *unit)
{
    const char *s;
    gsize n;
    if (fx_match__get(m, FX_CAP_PERCENT, &s, &n)) {
        /* "3 percentage points" is a difference of percentages, not a
         * percentage: it keeps its own unit. */
        g_string_assign(unit, n >= 10 && g_ascii_strncasecmp(s, "percentage",
                                                            10) == 0
                                  ? "percentage points"
                                  : "percent");
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
    return true;
}

bool fx_norm__statistic(const fx_match *m, const fx_ruleset *rs,
                        fx_fields *out)
{
    (void)rs;
    const char *s, *num, *end;
    gsize n, num_len, end_len;
    GString *value = out->f[FX_F_VALUE];
    bool has_qualifier = fx_match__get(m, FX_CAP_QUALIFIER, &s, &n);
    const char *q = "";
    if (has_qualifier && !(q = fx_qualifier__symbol(s, n)))
        return false;
    if (!fill_unit(m, out->f[FX_F_UNIT]))
        return false;
    if (fx_match__get(m, FX_CAP_VAGUE, &s, &n)) {
        /* A vague count is a lower bound by nature; a qualifier word on
         * it would contradict that. */
        if (has_qualifier || !fx_number__vague(value, s, n))
            return false;
        g_string_assign(out->f[FX_F_QUALIFIER], ">=");
        g_string_assign(out->f[FX_F_LOW], value->str);
        return true;
    }
    if (!fx_match__get(m, FX_CAP_NUMBER, &num, &num_len))
        return false;
    if (fx_match__get(m, FX_CAP_END_NUMBER, &end, &end_len))
        /* A range carries its own bounds: "about 10-20" is refused
         * rather than half-bounded. */
        return !has_qualifier &&
               fill_range(m, num, num_len, end, end_len, out);
    int exp = scale_exp(m, (PCRE2_SIZE)-1, true);
    if (exp < 0 || !figure_value(value, num, num_len, exp))
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
