/*
 * norm_date.c: calendar dates to ISO 8601 at their precision.
 *
 *     "January 18, 2022"  -> 2022-01-18  day    low = high = 2022-01-18
 *     "March 2020"        -> 2020-03     month  2020-03-01 .. 2020-03-31
 *     "since 1998"        -> 1998        year   >= : low 1998-01-01, no high
 *
 * A qualifier turns the period into an open range: >= and > keep a low
 * bound only (> starts the day after the period), < and <= a high bound
 * only (< ends the day before it), ~ keeps both.  Impossible dates (31 June)
 * are dropped: the match gives no row.
 */
#include "internal.h"

static const char *const months[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};

int fx_date__month(const char *s, gsize len)
{
    if (len == 0)
        return 0;
    if (g_ascii_isdigit(s[0])) {
        int n = 0;
        for (gsize i = 0; i < len && i < 3; i++) {
            if (!g_ascii_isdigit(s[i]))
                return 0;
            n = n * 10 + (s[i] - '0');
        }
        return len <= 2 && n >= 1 && n <= 12 ? n : 0;
    }
    char *w = g_ascii_strdown(s, (gssize)len);
    if (len && w[len - 1] == '.')
        w[--len] = '\0';
    int found = 0;
    for (int i = 0; i < 12 && !found; i++) {
        size_t full = strlen(months[i]);
        /* The full name, or an abbreviation of at least three letters
         * ("Sept" too). */
        if (len >= 3 && len <= full && strncmp(w, months[i], len) == 0)
            found = i + 1;
    }
    g_free(w);
    return found;
}

static void append_date(GString *out, const GDate *d)
{
    g_string_append_printf(out, "%04d-%02d-%02d", g_date_get_year(d),
                           g_date_get_month(d), g_date_get_day(d));
}

bool fx_date__fill(fx_fields *out, int year, int month, int day,
                   const char *qualifier)
{
    if (year < 1 || year > 9999 || month < 0 || month > 12 || day < 0 ||
        day > 31 || (day > 0 && month == 0))
        return false;
    if (day > 0 && !g_date_valid_dmy((GDateDay)day, (GDateMonth)month,
                                     (GDateYear)year))
        return false;
    GDate first, last;
    g_date_clear(&first, 1);
    g_date_clear(&last, 1);
    GString *v = out->f[FX_F_VALUE];
    if (day > 0) {
        g_date_set_dmy(&first, (GDateDay)day, (GDateMonth)month,
                       (GDateYear)year);
        last = first;
        g_string_append_printf(v, "%04d-%02d-%02d", year, month, day);
        g_string_assign(out->f[FX_F_PRECISION], "day");
    } else if (month > 0) {
        g_date_set_dmy(&first, 1, (GDateMonth)month, (GDateYear)year);
        g_date_set_dmy(&last,
                       g_date_get_days_in_month((GDateMonth)month,
                                                (GDateYear)year),
                       (GDateMonth)month, (GDateYear)year);
        g_string_append_printf(v, "%04d-%02d", year, month);
        g_string_assign(out->f[FX_F_PRECISION], "month");
    } else {
        g_date_set_dmy(&first, 1, G_DATE_JANUARY, (GDateYear)year);
        g_date_set_dmy(&last, 31, G_DATE_DECEMBER, (GDateYear)year);
        g_string_append_printf(v, "%04d", year);
        g_string_assign(out->f[FX_F_PRECISION], "year");
    }
    const char *q = qualifier ? qualifier : "";
    g_string_assign(out->f[FX_F_QUALIFIER], q);
    bool low = strcmp(q, "<") != 0 && strcmp(q, "<=") != 0;
    bool high = strcmp(q, ">") != 0 && strcmp(q, ">=") != 0;
    if (strcmp(q, ">") == 0) {
        first = last;
        g_date_add_days(&first, 1);
    }
    if (strcmp(q, "<") == 0) {
        last = first;
        g_date_subtract_days(&last, 1);
    }
    if (low)
        append_date(out->f[FX_F_LOW], &first);
    if (high)
        append_date(out->f[FX_F_HIGH], &last);
    return true;
}

static int parse_int(const char *s, gsize len)
{
    int n = 0;
    if (len == 0 || len > 4)
        return -1;
    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isdigit(s[i]))
            return -1;
        n = n * 10 + (s[i] - '0');
    }
    return n;
}

bool fx_norm__date(const fx_match *m, const fx_ruleset *rs, fx_fields *out)
{
    (void)rs;
    const char *s;
    gsize n;
    int year = -1, month = 0, day = 0;
    if (fx_match__get(m, FX_CAP_YEAR, &s, &n))
        year = n == 4 ? parse_int(s, n) : -1;
    if (year < 0)
        return false;
    if (fx_match__get(m, FX_CAP_MONTH, &s, &n) &&
        (month = fx_date__month(s, n)) == 0)
        return false;
    if (fx_match__get(m, FX_CAP_DAY, &s, &n) &&
        (day = parse_int(s, n)) <= 0)
        return false;
    const char *q = NULL;
    if (fx_match__get(m, FX_CAP_QUALIFIER, &s, &n) &&
        !(q = fx_qualifier__symbol(s, n)))
        return false;
    return fx_date__fill(out, year, month, day, q);
}
