/*
 * kinds.c: the table of kinds of facts, one row each.
 *
 * A new kind is one normaliser file plus one row here.  The family decides
 * which matches compete for the same text: agencies with agencies,
 * officials with officials, and dates, statistics and ignore rules with
 * one another (they all claim numbers, so "18 January 2022" must not also
 * give the statistic "18", and an ignore rule for "Covid-19" must be able
 * to shut out a statistic).
 */
#include "internal.h"

enum { FAMILY_AGENCY, FAMILY_OFFICIAL, FAMILY_FIGURE };

#define CAP(c) (1u << FX_CAP_##c)

static bool normalise_ignore(const fx_match *m, const fx_ruleset *rs,
                             fx_fields *out)
{
    (void)m, (void)rs, (void)out;
    return true;
}

static const fx_kind kinds[FX_TYPE_COUNT] = {
    {FX_TYPE_AGENCY, "agency", FAMILY_AGENCY, CAP(NAME) | CAP(ACRONYM),
     fx_norm__agency},
    {FX_TYPE_OFFICIAL, "official", FAMILY_OFFICIAL,
     CAP(NAME) | CAP(HONORIFIC) | CAP(TITLE), fx_norm__official},
    {FX_TYPE_DATE, "date", FAMILY_FIGURE,
     CAP(YEAR) | CAP(MONTH) | CAP(DAY) | CAP(QUALIFIER) | CAP(END_YEAR) |
         CAP(END_MONTH) | CAP(END_DAY) | CAP(QUARTER) | CAP(FISCAL) |
         CAP(DECADE) | CAP(PART) | CAP(SEASON) | CAP(RELATIVE),
     fx_norm__date},
    {FX_TYPE_STATISTIC, "statistic", FAMILY_FIGURE,
     CAP(NUMBER) | CAP(SCALE) | CAP(CURRENCY) | CAP(PERCENT) | CAP(UNIT) |
         CAP(QUALIFIER) | CAP(END_NUMBER) | CAP(VAGUE),
     fx_norm__statistic},
    {FX_TYPE_IGNORE, "ignore", FAMILY_FIGURE, 0, normalise_ignore},
};

const fx_kind *fx_kind__get(fx_type type)
{
    return &kinds[(unsigned)type < FX_TYPE_COUNT ? type : FX_TYPE_IGNORE];
}

bool fx_match__get(const fx_match *m, fx_cap cap, const char **text,
                   gsize *len)
{
    const fx_cap_groups *g = &m->rule->caps[cap];
    for (unsigned i = 0; i < g->count; i++) {
        uint32_t n = g->group[i];
        if (n >= m->pairs)
            continue;
        PCRE2_SIZE s = m->ovector[2 * n], e = m->ovector[2 * n + 1];
        if (s == PCRE2_UNSET || e < s)
            continue;
        *text = m->subject + s;
        *len = e - s;
        return true;
    }
    return false;
}

bool fx_normalise__match(const fx_match *m, const fx_ruleset *rs,
                         fx_fields *out)
{
    PCRE2_SIZE s = m->ovector[0], e = m->ovector[1];
    fx_text__fold(out->f[FX_F_TEXT], m->subject + s, e - s);
    return fx_kind__get(m->rule->type)->normalise(m, rs, out);
}

/* ---- fields ---- */

static const char *const field_columns[FX_F_COLUMNS] = {
    "text",      "value",     "low",     "high",  "unit",   "qualifier",
    "precision", "acronym",   "title",   "as_of", "agency",
};

int fx_field__from_column(const char *column)
{
    for (int i = 0; i < FX_F_COLUMNS; i++)
        if (strcmp(column, field_columns[i]) == 0)
            return i;
    return -1;
}

void fx_fields__init(fx_fields *fl)
{
    for (int i = 0; i < FX_F_COUNT; i++)
        fl->f[i] = g_string_new(NULL);
}

void fx_fields__reset(fx_fields *fl)
{
    for (int i = 0; i < FX_F_COUNT; i++)
        g_string_truncate(fl->f[i], 0);
}

void fx_fields__clear(fx_fields *fl)
{
    for (int i = 0; i < FX_F_COUNT; i++) {
        if (fl->f[i])
            g_string_free(fl->f[i], TRUE);
        fl->f[i] = NULL;
    }
}
