/*
 * norm_entity.c: agencies and officials.
 *
 * Agency: the `name` capture is looked up in the gazetteers (acronym
 * first, then the folded name), so "United States Department of Justice",
 * "U.S. Department of Justice" and "DOJ" all give the canonical
 * "U.S. Department of Justice".  The acronym column takes the acronym
 * written in the text, else the gazetteer's.  A name no gazetteer knows
 * keeps its own folded text: the rule that matched it vouches for it.
 *
 * Official: `name` folded, without an honorific.  A `title` on the lines
 * under the name (an address or signature block) has its lines joined by
 * fx_title__join; a title in running text is only folded.
 */
#include "internal.h"

bool fx_norm__agency(const fx_match *m, const fx_ruleset *rs, fx_fields *out)
{
    const char *s;
    gsize n;
    if (!fx_match__get(m, FX_CAP_NAME, &s, &n)) {
        s = m->subject + m->ovector[0];
        n = m->ovector[1] - m->ovector[0];
    }
    const fx_gaz_entry *e = NULL;
    for (guint i = 0; i < rs->gazetteers->len && !e; i++)
        e = fx_gazetteer__lookup(g_ptr_array_index(rs->gazetteers, i), s, n);
    if (e)
        g_string_assign(out->f[FX_F_VALUE], e->canonical);
    else
        fx_text__fold(out->f[FX_F_VALUE], s, n);
    if (fx_match__get(m, FX_CAP_ACRONYM, &s, &n))
        fx_text__fold(out->f[FX_F_ACRONYM], s, n);
    else if (e)
        g_string_assign(out->f[FX_F_ACRONYM], e->acronym);
    return out->f[FX_F_VALUE]->len > 0;
}

bool fx_norm__official(const fx_match *m, const fx_ruleset *rs,
                       fx_fields *out)
{
    (void)rs;
    const char *s;
    gsize n;
    if (!fx_match__get(m, FX_CAP_NAME, &s, &n))
        return false;
    fx_text__fold(out->f[FX_F_VALUE], s, n);
    const char *name_end = s + n, *t;
    gsize tn;
    if (fx_match__get(m, FX_CAP_TITLE, &t, &tn)) {
        /* A title on the lines below the name is a block whose lines are
         * joined; a title beside the name is prose, merely folded. */
        bool block = t >= name_end && memchr(name_end, '\n',
                                             (size_t)(t - name_end));
        if (block)
            fx_title__join(out->f[FX_F_TITLE], t, tn);
        else
            fx_text__fold(out->f[FX_F_TITLE], t, tn);
    }
    return out->f[FX_F_VALUE]->len > 0;
}
