/*
 * norm_date.c: dates and periods to ISO 8601 at the precision written.
 *
 * Every date row is a period of whole days: `low` and `high` are its first
 * and last day, `value` says it as the text did, at its precision.
 *
 *     text                      value                  precision
 *     "January 18, 2022"        2022-01-18             day
 *     "March 2020"              2020-03                month
 *     "in 1998"                 1998                   year
 *     "the 1990s"               1990/1999              decade
 *     "Q3 2019"                 2019-07/2019-09        quarter
 *     "FY 2020"                 2019-10/2020-09        fiscal-year
 *     "spring 2020"             2020-03/2020-05        season
 *     "the first half of 2021"  2021-01/2021-06        half
 *     "January 5-7, 2020"       2020-01-05/2020-01-07  day
 *     "last week"               (a week of days once resolved)  week
 *
 * fx_norm__date works in three steps.  It builds the period the captures
 * name: a calendar date, a decade, a season, a quarter, a fiscal year, or
 * a range between two of the same precision.  It narrows it to the part
 * the text names ("early 2019" is January to April, qualifier ~).  Then
 * the qualifier opens it into a range: >= and > keep a low bound only
 * (> from the day after the period), < and <= a high bound only (< up to
 * the day before it), ~ keeps both.  Anything impossible (31 June, a
 * reversed range, the first half of a day) drops the match.
 *
 * A relative date ("last year") needs the document's date, which only the
 * document stage knows.  The normaliser leaves value, low and high empty,
 * sets precision to "unresolved" and writes an instruction into
 * FX_F_RESOLVE, which fx_date__resolve() later turns into a period:
 *
 *     instruction = unit " " offset [" " part]
 *     unit        = "day" | "week" | "month" | "quarter" | "year"
 *                 | "fiscal-year"
 *     offset      = "0" | ("+" | "-") digits   units from the one that
 *                                               holds the document date
 *     part        = "early" | "mid" | "late"    a third, as for dates
 *                 | "h1" | "h2"                 a half of a year
 *                 | "before" | "after"          the part of the current
 *                                               unit before / after the
 *                                               document date
 *
 *     "yesterday" -> "day -1"        "two years ago"     -> "year -2"
 *     "this week" -> "week 0"        "earlier this year" -> "year 0 before"
 *     "late last year" -> "year -1 late"
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

/* ---- periods ------------------------------------------------------------ */

/* Years ISO 8601 writes with four digits; GDate holds them all. */
#define MIN_YEAR 1
#define MAX_YEAR 9999
/* GDate's day number of 9999-12-31 (day 1 is 0001-01-01). */
#define MAX_JULIAN 3652059

typedef struct {
    GDate first;   /* first day covered */
    GDate last;    /* last day covered, never before `first` */
    int months;    /* whole calendar months from `first`, 0 when not */
    int years;     /* 10 for a decade, 100 for a century, else 0 */
    char value[32]; /* ISO 8601: "2019" up to "2020-01-05/2020-01-07" */
    const char *precision;
} period;

static bool year_ok(int year)
{
    return year >= MIN_YEAR && year <= MAX_YEAR;
}

static void set_day(GDate *d, int year, int month, int day)
{
    g_date_clear(d, 1);
    g_date_set_dmy(d, (GDateDay)day, (GDateMonth)month, (GDateYear)year);
}

static int month_days(int year, int month)
{
    return g_date_get_days_in_month((GDateMonth)month, (GDateYear)year);
}

/* A month as one number, year * 12 + month - 1, so that spans can be
 * counted across years ("winter 2020" runs into 2021). */
static int month_index(int year, int month)
{
    return year * 12 + month - 1;
}

/* `count` whole months from month index `from`, with the value written as
 * the interval "YYYY-MM/YYYY-MM". */
static bool months_period(period *p, int from, int count,
                          const char *precision)
{
    int to = from + count - 1;
    if (from < 0 || !year_ok(from / 12) || !year_ok(to / 12))
        return false;
    int y1 = from / 12, m1 = from % 12 + 1, y2 = to / 12, m2 = to % 12 + 1;
    set_day(&p->first, y1, m1, 1);
    set_day(&p->last, y2, m2, month_days(y2, m2));
    p->months = count;
    p->years = 0;
    g_snprintf(p->value, sizeof p->value, "%04d-%02d/%04d-%02d", y1, m1, y2,
               m2);
    p->precision = precision;
    return true;
}

/* A calendar year, month or day; `month` and `day` are 0 when absent. */
static bool date_period(period *p, int year, int month, int day)
{
    if (!year_ok(year) || month < 0 || month > 12 || day < 0 || day > 31 ||
        (day > 0 && month == 0))
        return false;
    if (day > 0) {
        if (!g_date_valid_dmy((GDateDay)day, (GDateMonth)month,
                              (GDateYear)year))
            return false;
        set_day(&p->first, year, month, day);
        p->last = p->first;
        p->months = 0;
        p->years = 0;
        g_snprintf(p->value, sizeof p->value, "%04d-%02d-%02d", year, month,
                   day);
        p->precision = "day";
    } else if (month > 0) {
        months_period(p, month_index(year, month), 1, "month");
        g_snprintf(p->value, sizeof p->value, "%04d-%02d", year, month);
    } else {
        months_period(p, month_index(year, 1), 12, "year");
        g_snprintf(p->value, sizeof p->value, "%04d", year);
    }
    return true;
}

/*
 * "the 1990s": 1990-01-01 .. 1999-12-31, value "1990/1999".  Before 2000,
 * "the 1800s" names a century (1800/1899), as English uses it; "the
 * 2000s" is the decade 2000-2009.
 */
static bool decade_period(period *p, int year)
{
    int years = year % 100 == 0 && year < 2000 ? 100 : 10;
    if (!year_ok(year) || !year_ok(year + years - 1) || year % 10 != 0)
        return false;
    set_day(&p->first, year, 1, 1);
    set_day(&p->last, year + years - 1, 12, 31);
    p->months = 0;
    p->years = years;
    g_snprintf(p->value, sizeof p->value, "%04d/%04d", year,
               year + years - 1);
    p->precision = years == 100 ? "century" : "decade";
    return true;
}

/* A US federal fiscal year runs from 1 October of the year before. */
static bool fiscal_period(period *p, int year)
{
    return months_period(p, month_index(year - 1, 10), 12, "fiscal-year");
}

/* Quarter 1-4 of a calendar year, or of a fiscal year when `fiscal`. */
static bool quarter_period(period *p, int year, int quarter, bool fiscal)
{
    if (quarter < 1 || quarter > 4)
        return false;
    int start = fiscal ? month_index(year - 1, 10) : month_index(year, 1);
    return months_period(p, start + 3 * (quarter - 1), 3, "quarter");
}

typedef enum { SPRING, SUMMER, FALL, WINTER } season;

/* Meteorological seasons of the northern hemisphere; winter YEAR is
 * December YEAR to February YEAR+1. */
static bool season_period(period *p, int year, season s)
{
    static const int first_month[] = {3, 6, 9, 12};
    return months_period(p, month_index(year, first_month[s]), 3, "season");
}

/* The period from `a` to `b`: both of one precision, `a` wholly first. */
static bool range_period(period *p, const period *a, const period *b)
{
    if (strcmp(a->precision, b->precision) != 0 ||
        g_date_compare(&a->last, &b->first) >= 0)
        return false;
    /* An end that is itself an interval ("2014-10/2015-09") gives its
     * own first or last part. */
    const char *a_end = strchr(a->value, '/');
    const char *b_start = strrchr(b->value, '/');
    int a_len = a_end ? (int)(a_end - a->value) : (int)strlen(a->value);
    period r;
    g_snprintf(r.value, sizeof r.value, "%.*s/%s", a_len, a->value,
               b_start ? b_start + 1 : b->value);
    r.first = a->first;
    r.last = b->last;
    r.months = 0;
    r.years = 0;
    r.precision = a->precision;
    *p = r;
    return true;
}

/* ---- parts of a period -------------------------------------------------- */

typedef enum {
    PART_NONE,
    PART_EARLY, /* the first third */
    PART_MID,   /* the middle third */
    PART_LATE,  /* the last third */
    PART_H1,    /* the first half of a year */
    PART_H2,
    PART_BEFORE, /* relative only: before the document date */
    PART_AFTER,
} part_kind;

static const char *const part_names[] = {
    "", "early", "mid", "late", "h1", "h2", "before", "after",
};

/*
 * Narrow `p` to one third: a decade's years 0-3, 4-6, 7-9 (a century's
 * 0-39, 40-69, 70-99); a month's days 1-10, 11-20, 21-end; a span of 3n
 * months (year, fiscal year, quarter, season) n months each.  Other
 * periods have no thirds.
 */
static bool narrow_third(period *p, int third)
{
    int y = g_date_get_year(&p->first), m = g_date_get_month(&p->first);
    if (p->years) {
        static const int from[] = {0, 4, 7}, to[] = {3, 6, 9};
        int k = p->years / 10;
        set_day(&p->first, y + from[third] * k, 1, 1);
        set_day(&p->last, y + to[third] * k + k - 1, 12, 31);
    } else if (p->months == 1) {
        static const int from[] = {1, 11, 21};
        set_day(&p->first, y, m, from[third]);
        set_day(&p->last, y, m,
                third < 2 ? from[third] + 9 : month_days(y, m));
    } else if (p->months >= 3 && p->months % 3 == 0) {
        int n = p->months / 3;
        int from = month_index(y, m) + third * n, to = from + n - 1;
        set_day(&p->first, from / 12, from % 12 + 1, 1);
        set_day(&p->last, to / 12, to % 12 + 1,
                month_days(to / 12, to % 12 + 1));
    } else {
        return false;
    }
    p->months = 0;
    p->years = 0;
    return true;
}

/* Apply a part to a period named in the text: a third keeps the value, a
 * half of a (fiscal) year is a new six-month period. */
static bool apply_part(period *p, part_kind part)
{
    switch (part) {
    case PART_NONE:
        return true;
    case PART_EARLY:
    case PART_MID:
    case PART_LATE:
        return narrow_third(p, (int)(part - PART_EARLY));
    case PART_H1:
    case PART_H2:
        if (p->months != 12)
            return false;
        return months_period(p,
                             month_index(g_date_get_year(&p->first),
                                         g_date_get_month(&p->first)) +
                                 (part == PART_H2 ? 6 : 0),
                             6, "half");
    default:
        return false;
    }
}

/* ---- writing the row ---------------------------------------------------- */

static void append_date(GString *out, const GDate *d)
{
    g_string_append_printf(out, "%04d-%02d-%02d", g_date_get_year(d),
                           g_date_get_month(d), g_date_get_day(d));
}

/* Write value, precision, qualifier, low and high for `p`.  False when
 * a bound would leave years 1-9999: "after 31 December 9999" has no low
 * bound ISO 8601 writes with four digits, "before 1 January 1" none at
 * all. */
static bool fill_period(fx_fields *out, const period *p,
                        const char *qualifier)
{
    GDate first = p->first, last = p->last;
    const char *q = qualifier ? qualifier : "";
    if ((strcmp(q, ">") == 0 && g_date_get_julian(&last) >= MAX_JULIAN) ||
        (strcmp(q, "<") == 0 && g_date_get_julian(&first) <= 1))
        return false;
    g_string_assign(out->f[FX_F_VALUE], p->value);
    g_string_assign(out->f[FX_F_PRECISION], p->precision);
    g_string_assign(out->f[FX_F_QUALIFIER], q);
    g_string_truncate(out->f[FX_F_LOW], 0);
    g_string_truncate(out->f[FX_F_HIGH], 0);
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

bool fx_date__fill(fx_fields *out, int year, int month, int day,
                   const char *qualifier)
{
    period p;
    if (!date_period(&p, year, month, day))
        return false;
    return fill_period(out, &p, qualifier);
}

/* ---- reading captures --------------------------------------------------- */

/* Digits only, at most four; -1 otherwise. */
static int parse_digits(const char *s, gsize len)
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

/* A four-digit year, or a two-digit one where `two_digits` allows it
 * ("FY20"), read as POSIX strptime reads %y: 69-99 are 1969-1999, 00-68
 * are 2000-2068.  -1 when it is neither. */
static int parse_year(const char *s, gsize len, bool two_digits)
{
    int y = parse_digits(s, len);
    if (y < 0 || (len != 4 && !(two_digits && len == 2)))
        return -1;
    return len == 4 ? y : y >= 69 ? 1900 + y : 2000 + y;
}

/*
 * The end year of a range: four digits as written, or two after the start
 * year ("2012-13" is 2013).  Two digits below the start's stay in its
 * century, which makes the range reversed, unless the start is in its
 * century's last decade and the end in the next one's first ("1999-00" is
 * 2000).  -1 when unreadable.
 */
static int parse_end_year(const char *s, gsize len, int start, bool fiscal)
{
    if (len != 2)
        return parse_year(s, len, fiscal);
    int yy = parse_digits(s, len);
    if (yy < 0 || start < 0)
        return -1;
    int end = start / 100 * 100 + yy;
    if (end <= start && start % 100 >= 90 && yy < 10)
        end += 100;
    return end;
}

/* Fold whitespace runs to one space and ASCII letters to lower case into
 * `buf`; false when it does not fit (no phrase of ours is that long). */
static bool fold_lower(char *buf, size_t cap, const char *s, gsize len)
{
    size_t n = 0;
    bool space = false;
    for (gsize i = 0; i < len; i++) {
        char c = s[i];
        if (g_ascii_isspace(c)) {
            space = n > 0;
            continue;
        }
        if (n + (space ? 2 : 1) >= cap)
            return false;
        if (space)
            buf[n++] = ' ';
        space = false;
        buf[n++] = g_ascii_tolower(c);
    }
    buf[n] = '\0';
    return true;
}

typedef struct {
    const char *word;
    int value;
} word_value;

/* Find `s` (folded) in `table` and store its value; false if absent. */
static bool lookup_word(const char *s, gsize len, const word_value *table,
                        size_t count, int *value)
{
    char buf[40];
    if (!fold_lower(buf, sizeof buf, s, len))
        return false;
    for (size_t i = 0; i < count; i++)
        if (strcmp(buf, table[i].word) == 0) {
            *value = table[i].value;
            return true;
        }
    return false;
}

/* Phrases that bound a date besides those of fx_qualifier__symbol (which
 * statistics share): "no later than June 2020" is <=. */
static const struct {
    const char *phrase;
    const char *symbol;
} date_bounds[] = {
    {"no later than", "<="},    {"not later than", "<="},
    {"no earlier than", ">="},  {"not earlier than", ">="},
    {"till", "<="},             {"up until", "<="},
    {"beginning", ">="},        {"starting", ">="},
    {"effective", ">="},
};

static const char *bound_symbol(const char *s, gsize len)
{
    char buf[40];
    if (fold_lower(buf, sizeof buf, s, len))
        for (size_t i = 0; i < G_N_ELEMENTS(date_bounds); i++)
            if (strcmp(buf, date_bounds[i].phrase) == 0)
                return date_bounds[i].symbol;
    return fx_qualifier__symbol(s, len);
}

static part_kind parse_part(const char *s, gsize len)
{
    static const word_value parts[] = {
        {"early", PART_EARLY},        {"beginning", PART_EARLY},
        {"start", PART_EARLY},        {"mid", PART_MID},
        {"middle", PART_MID},         {"late", PART_LATE},
        {"end", PART_LATE},           {"close", PART_LATE},
        {"first half", PART_H1},      {"h1", PART_H1},
        {"1h", PART_H1},              {"second half", PART_H2},
        {"latter half", PART_H2},     {"h2", PART_H2},
        {"2h", PART_H2},              {"earlier", PART_BEFORE},
        {"later", PART_AFTER},
    };
    int v;
    return lookup_word(s, len, parts, G_N_ELEMENTS(parts), &v)
               ? (part_kind)v
               : PART_NONE;
}

/* "Q3", "3Q", "3rd", "third", "last" (of a year) -> 3 or 4; 0 if none. */
static int parse_quarter(const char *s, gsize len)
{
    static const word_value words[] = {
        {"first", 1}, {"second", 2}, {"third", 3},
        {"fourth", 4}, {"final", 4}, {"last", 4},
    };
    for (gsize i = 0; i < len; i++)
        if (g_ascii_isdigit(s[i]))
            return s[i] >= '1' && s[i] <= '4' ? s[i] - '0' : 0;
    int q;
    return lookup_word(s, len, words, G_N_ELEMENTS(words), &q) ? q : 0;
}

static int parse_season(const char *s, gsize len)
{
    static const word_value seasons[] = {
        {"spring", SPRING}, {"summer", SUMMER}, {"fall", FALL},
        {"autumn", FALL},   {"winter", WINTER},
    };
    int v;
    return lookup_word(s, len, seasons, G_N_ELEMENTS(seasons), &v) ? v : -1;
}

static bool all_digits(const char *s, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if (!g_ascii_isdigit(s[i]))
            return false;
    return len > 0;
}

/*
 * Month and day of a date.  A numeric date written with the year last
 * ("01/02/2020") is read month first, or day first when the engine was
 * told so; a number above 12 can only be the day, so it is the day either
 * way ("18/01/2022" is 18 January).
 */
static bool month_and_day(const fx_match *m, int *month, int *day)
{
    const char *ms = NULL, *ds = NULL, *ys = NULL;
    gsize mn = 0, dn = 0, yn = 0;
    bool has_month = fx_match__get(m, FX_CAP_MONTH, &ms, &mn);
    bool has_day = fx_match__get(m, FX_CAP_DAY, &ds, &dn);
    bool has_year = fx_match__get(m, FX_CAP_YEAR, &ys, &yn);
    *month = *day = 0;
    if (has_day && (*day = parse_digits(ds, dn)) <= 0)
        return false;
    if (!has_month)
        return true;
    if (has_day && has_year && all_digits(ms, mn) && ms < ds && ds < ys) {
        int first = parse_digits(ms, mn), second = *day;
        bool day_first = m->day_first;
        if (first > 12 && second <= 12)
            day_first = true;
        else if (second > 12 && first <= 12)
            day_first = false;
        *month = day_first ? second : first;
        *day = day_first ? first : second;
        return *month >= 1 && *month <= 12;
    }
    return (*month = fx_date__month(ms, mn)) > 0;
}

/* A calendar date, or a range of two when an end_* capture is set. */
static bool calendar_period(const fx_match *m, period *p, int year,
                            int end_year, bool has_end_year)
{
    const char *s;
    gsize n;
    int month, day;
    if (!month_and_day(m, &month, &day))
        return false;
    bool has_end_month = fx_match__get(m, FX_CAP_END_MONTH, &s, &n);
    int end_month = has_end_month ? fx_date__month(s, n) : 0;
    if (has_end_month && end_month == 0)
        return false;
    int end_day = 0;
    if (fx_match__get(m, FX_CAP_END_DAY, &s, &n) &&
        (end_day = parse_digits(s, n)) <= 0)
        return false;
    if (!has_end_year && !has_end_month && end_day == 0)
        return date_period(p, year, month, day);
    /* Each end borrows what it leaves out from the other: "January 5-7,
     * 2020" has one month and one year for both ends, "5-7 January 2020"
     * too.  A start year left out is the end's, or the year before when
     * both months are written and the start's comes later ("November to
     * February 2020" starts in November 2019). */
    bool has_start_month = month > 0;
    if (end_month == 0 && end_day > 0)
        end_month = month;
    if (month == 0 && day > 0)
        month = end_month;
    if (year < 0) {
        year = end_year;
        if (has_start_month && has_end_month && month > end_month)
            year--;
    }
    if (!has_end_year)
        end_year = year;
    period a, b;
    return date_period(&a, year, month, day) &&
           date_period(&b, end_year, end_month, end_day) &&
           range_period(p, &a, &b);
}

/*
 * Whether a fiscal year written with two years is one fiscal year: "FY
 * 2019-20" and "the 2019-20 fiscal year" name the year that ends in 2020,
 * while "FY2019-FY2020", "fiscal years 2019-2020" and "FY 2015-2018" are
 * ranges.  One year needs `consecutive` years joined by nothing but a dash
 * or slash, and a singular "FY" or "fiscal year".
 */
static bool one_fiscal_year(const fx_match *m, bool consecutive)
{
    const char *fs, *ys, *es;
    gsize fn, yn, en;
    if (!consecutive || !fx_match__get(m, FX_CAP_FISCAL, &fs, &fn) ||
        !fx_match__get(m, FX_CAP_YEAR, &ys, &yn) ||
        !fx_match__get(m, FX_CAP_END_YEAR, &es, &en) || es < ys + yn ||
        g_ascii_tolower(fs[fn - 1]) == 's')
        return false;
    /* Rules join the years with a dash, a slash, spaces, or words; the
     * only bytes above ASCII there are those of an en or em dash. */
    for (const char *p = ys + yn; p < es; p++)
        if (*p != '-' && *p != '/' && !g_ascii_isspace(*p) &&
            (unsigned char)*p < 0x80)
            return false;
    return true;
}

/* The period the captures of `m` name, before any part or qualifier. */
static bool captured_period(const fx_match *m, period *p)
{
    const char *s;
    gsize n;
    if (fx_match__get(m, FX_CAP_DECADE, &s, &n))
        return decade_period(p, n >= 4 ? parse_digits(s, 4) : -1);
    bool fiscal = fx_match__get(m, FX_CAP_FISCAL, &s, &n);
    int year = -1, end_year = -1;
    if (fx_match__get(m, FX_CAP_YEAR, &s, &n) &&
        (year = parse_year(s, n, fiscal)) < 0)
        return false;
    bool has_end_year = fx_match__get(m, FX_CAP_END_YEAR, &s, &n);
    if (has_end_year && (end_year = parse_end_year(s, n, year, fiscal)) < 0)
        return false;
    if (fx_match__get(m, FX_CAP_SEASON, &s, &n)) {
        int which = parse_season(s, n);
        /* "winter 2019-20" names the winter that spans both years. */
        if (which < 0 || (has_end_year &&
                          (which != WINTER || end_year != year + 1)))
            return false;
        return season_period(p, year, (season)which);
    }
    if (fx_match__get(m, FX_CAP_QUARTER, &s, &n))
        return !has_end_year &&
               quarter_period(p, year, parse_quarter(s, n), fiscal);
    if (fiscal) {
        period a, b;
        if (!has_end_year)
            return fiscal_period(p, year);
        if (one_fiscal_year(m, end_year == year + 1))
            return fiscal_period(p, end_year);
        return fiscal_period(&a, year) && fiscal_period(&b, end_year) &&
               range_period(p, &a, &b);
    }
    return calendar_period(m, p, year, end_year, has_end_year);
}

/* ---- relative dates ----------------------------------------------------- */

typedef enum {
    UNIT_DAY,
    UNIT_WEEK,
    UNIT_MONTH,
    UNIT_QUARTER,
    UNIT_YEAR,
    UNIT_FISCAL_YEAR,
    UNIT_COUNT
} rel_unit;

static const char *const unit_names[UNIT_COUNT] = {
    "day", "week", "month", "quarter", "year", "fiscal-year",
};

typedef struct {
    rel_unit unit;
    int offset; /* units from the one holding the document date */
    part_kind part;
} relative;

/* No offset beyond this many days (or longer units) can stay inside
 * years 1-9999; the bound keeps the arithmetic far from overflow. */
#define MAX_OFFSET MAX_JULIAN

/* Which parts make sense for a unit: thirds of a month or longer, halves
 * of a year, before/after of the unit holding the document date. */
static bool relative_ok(const relative *r)
{
    switch (r->part) {
    case PART_NONE:
        return true;
    case PART_EARLY:
    case PART_MID:
    case PART_LATE:
        return r->unit >= UNIT_MONTH;
    case PART_H1:
    case PART_H2:
        return r->unit >= UNIT_YEAR;
    case PART_BEFORE:
    case PART_AFTER:
        return r->unit != UNIT_DAY && r->offset == 0;
    }
    return false;
}

/* A unit's name, singular or plural ("years"); -1 when it is none. */
static int unit_from_word(const char *w, bool *plural)
{
    size_t n = strlen(w);
    *plural = n > 1 && w[n - 1] == 's';
    if (*plural)
        n--;
    for (int i = 0; i < UNIT_FISCAL_YEAR; i++)
        if (n == strlen(unit_names[i]) && strncmp(w, unit_names[i], n) == 0)
            return i;
    return -1;
}

/*
 * Read the `relative` capture: "yesterday", "today", "tomorrow";
 * "[the] last|previous|prior|this|current|next [calendar|fiscal] UNIT";
 * "N UNITs ago" with N in digits or a word up to twelve ("a", "two").
 */
static bool parse_relative(const char *s, gsize len, relative *r)
{
    static const word_value days[] = {
        {"yesterday", -1}, {"today", 0}, {"tomorrow", 1},
    };
    static const word_value directions[] = {
        {"last", -1}, {"previous", -1}, {"prior", -1},
        {"this", 0},  {"current", 0},   {"next", 1},
    };
    static const word_value counts[] = {
        {"a", 1},       {"an", 1},      {"one", 1},   {"two", 2},
        {"three", 3},   {"four", 4},    {"five", 5},  {"six", 6},
        {"seven", 7},   {"eight", 8},   {"nine", 9},  {"ten", 10},
        {"eleven", 11}, {"twelve", 12},
    };
    char buf[64];
    const char *word[4];
    int words = 0;
    if (!fold_lower(buf, sizeof buf, s, len))
        return false;
    for (char *p = buf; *p;) {
        if (words == (int)G_N_ELEMENTS(word))
            return false;
        word[words++] = p;
        char *sp = strchr(p, ' ');
        if (!sp)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    const char *const *w = word;
    if (words > 0 && strcmp(w[0], "the") == 0)
        w++, words--;
    int v, unit;
    bool plural;
    r->part = PART_NONE;
    if (words == 1) {
        if (!lookup_word(w[0], strlen(w[0]), days, G_N_ELEMENTS(days), &v))
            return false;
        r->unit = UNIT_DAY;
        r->offset = v;
        return true;
    }
    if (words == 3 && strcmp(w[2], "ago") == 0) {
        int count = -1;
        if (all_digits(w[0], strlen(w[0])))
            count = parse_digits(w[0], strlen(w[0]));
        else if (!lookup_word(w[0], strlen(w[0]), counts,
                              G_N_ELEMENTS(counts), &count))
            return false;
        unit = unit_from_word(w[1], &plural);
        if (count <= 0 || unit < 0 || plural != (count > 1))
            return false;
        r->unit = (rel_unit)unit;
        r->offset = -count;
        return true;
    }
    if (words < 2 || words > 3 ||
        !lookup_word(w[0], strlen(w[0]), directions,
                     G_N_ELEMENTS(directions), &v))
        return false;
    /* A plural after "last" is a duration ("the last two years"). */
    unit = unit_from_word(w[words - 1], &plural);
    if (unit < 0 || plural)
        return false;
    if (words == 3) {
        bool fiscal = strcmp(w[1], "fiscal") == 0;
        if (unit != UNIT_YEAR || (!fiscal && strcmp(w[1], "calendar") != 0))
            return false;
        if (fiscal)
            unit = UNIT_FISCAL_YEAR;
    }
    r->unit = (rel_unit)unit;
    r->offset = v;
    return true;
}

static void write_instruction(GString *out, const relative *r)
{
    g_string_printf(out, r->offset ? "%s %+d" : "%s %d",
                    unit_names[r->unit], r->offset);
    if (r->part != PART_NONE)
        g_string_append_printf(out, " %s", part_names[r->part]);
}

static bool parse_instruction(const char *s, relative *r)
{
    const char *sp = strchr(s, ' ');
    if (!sp)
        return false;
    int unit = -1;
    for (int i = 0; i < UNIT_COUNT && unit < 0; i++)
        if ((size_t)(sp - s) == strlen(unit_names[i]) &&
            strncmp(s, unit_names[i], (size_t)(sp - s)) == 0)
            unit = i;
    const char *p = sp + 1;
    int sign = 0;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (unit < 0 || !g_ascii_isdigit(*p))
        return false;
    long offset = 0;
    while (g_ascii_isdigit(*p) && offset <= MAX_OFFSET)
        offset = offset * 10 + (*p++ - '0');
    /* Only 0 goes without a sign, as write_instruction writes it. */
    if (offset > MAX_OFFSET || (sign == 0 && offset != 0))
        return false;
    r->unit = (rel_unit)unit;
    r->offset = (int)(sign * offset);
    r->part = PART_NONE;
    if (*p == '\0')
        return true;
    if (*p++ != ' ')
        return false;
    for (int i = PART_EARLY; i < (int)G_N_ELEMENTS(part_names); i++)
        if (strcmp(p, part_names[i]) == 0) {
            r->part = (part_kind)i;
            return true;
        }
    return false;
}

static bool relative_date(fx_fields *out, const char *s, gsize len,
                          part_kind part, const char *qualifier)
{
    relative r;
    if (!parse_relative(s, len, &r))
        return false;
    r.part = part;
    if (!relative_ok(&r))
        return false;
    write_instruction(out->f[FX_F_RESOLVE], &r);
    g_string_assign(out->f[FX_F_PRECISION], "unresolved");
    g_string_assign(out->f[FX_F_QUALIFIER], qualifier ? qualifier : "");
    return true;
}

/* Day number `julian` as a period of one day; false outside 1-9999. */
static bool julian_period(period *p, gint64 julian)
{
    GDate d;
    g_date_clear(&d, 1);
    if (julian < 1 || julian > MAX_JULIAN)
        return false;
    g_date_set_julian(&d, (guint32)julian);
    return date_period(p, g_date_get_year(&d), g_date_get_month(&d),
                       g_date_get_day(&d));
}

bool fx_date__resolve(fx_fields *out, const char *instruction,
                      const GDate *doc_date)
{
    relative r;
    if (!instruction || !doc_date || !g_date_valid(doc_date) ||
        !parse_instruction(instruction, &r) || !relative_ok(&r))
        return false;
    int y = g_date_get_year(doc_date), m = g_date_get_month(doc_date);
    gint64 today = g_date_get_julian(doc_date);
    period p, sunday;
    bool ok = false;
    switch (r.unit) {
    case UNIT_DAY:
        ok = julian_period(&p, today + r.offset);
        break;
    case UNIT_WEEK: {
        /* ISO 8601 weeks run Monday to Sunday. */
        gint64 monday = today - (g_date_get_weekday(doc_date) - 1) +
                        (gint64)7 * r.offset;
        ok = julian_period(&p, monday) && julian_period(&sunday, monday + 6);
        if (ok) {
            char first[12];
            g_strlcpy(first, p.value, sizeof first);
            g_snprintf(p.value, sizeof p.value, "%s/%s", first,
                       sunday.value);
            p.last = sunday.last;
            p.precision = "week";
        }
        break;
    }
    case UNIT_MONTH: {
        int index = month_index(y, m) + r.offset;
        ok = index >= 0 && date_period(&p, index / 12, index % 12 + 1, 0);
        break;
    }
    case UNIT_QUARTER: {
        int index = y * 4 + (m - 1) / 3 + r.offset;
        ok = index >= 0 && quarter_period(&p, index / 4, index % 4 + 1,
                                          false);
        break;
    }
    case UNIT_YEAR:
        ok = date_period(&p, y + r.offset, 0, 0);
        break;
    case UNIT_FISCAL_YEAR:
        ok = fiscal_period(&p, y + (m >= 10) + r.offset);
        break;
    case UNIT_COUNT:
        break;
    }
    if (!ok)
        return false;
    if (r.part == PART_BEFORE || r.part == PART_AFTER) {
        GDate edge = *doc_date;
        if (r.part == PART_BEFORE) {
            if (g_date_compare(&edge, &p.first) <= 0)
                return false;
            g_date_subtract_days(&edge, 1);
            p.last = edge;
        } else {
            if (g_date_compare(&edge, &p.last) >= 0)
                return false;
            g_date_add_days(&edge, 1);
            p.first = edge;
        }
    } else if (!apply_part(&p, r.part)) {
        return false;
    }
    /* The qualifier came from the text; keep it (copied, since filling
     * rewrites the field it lives in). */
    char qualifier[8];
    g_strlcpy(qualifier, out->f[FX_F_QUALIFIER]->str, sizeof qualifier);
    return fill_period(out, &p, qualifier[0] ? qualifier : NULL);
}

/* ---- the normaliser ----------------------------------------------------- */

bool fx_norm__date(const fx_match *m, const fx_ruleset *rs, fx_fields *out)
{
    (void)rs;
    const char *s;
    gsize n;
    const char *q = NULL;
    if (fx_match__get(m, FX_CAP_QUALIFIER, &s, &n) &&
        !(q = bound_symbol(s, n)))
        return false;
    part_kind part = PART_NONE;
    if (fx_match__get(m, FX_CAP_PART, &s, &n) &&
        (part = parse_part(s, n)) == PART_NONE)
        return false;
    /* Thirds are a convention, so a date narrowed to one is approximate
     * unless a word bounds it ("by the end of 2020" is <=); a half, or
     * the time before the document date, is exact. */
    if (!q && part >= PART_EARLY && part <= PART_LATE)
        q = "~";
    if (fx_match__get(m, FX_CAP_RELATIVE, &s, &n))
        return relative_date(out, s, n, part, q);
    period p;
    if (!captured_period(m, &p) || !apply_part(&p, part))
        return false;
    return fill_period(out, &p, q);
}
