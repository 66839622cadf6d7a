/*
 * norm_entity.c: agencies and officials.
 *
 * Agency: the `name` capture is looked up in the gazetteers (acronym
 * first, then the folded name), so "United States Department of Justice",
 * "U.S. Department of Justice" and "DOJ" all give the canonical
 * "U.S. Department of Justice".  The acronym column takes the acronym
 * written in parentheses, else a short form written as the name ("G-20"),
 * else the gazetteer's.  A name no gazetteer knows keeps its own folded
 * text, less a possessive, with "United States" or "US" in front written
 * "U.S." and an all-capitals heading in the case of a written-out name:
 * the rule that matched it vouches for it.
 *
 * A match with an `acronym` but no `name` is a bare acronym ("DFAU" three
 * paragraphs after "Document Fraud Analysis Unit (DFAU)"): its value is
 * left empty, and its `resolve` field says "acronym", for the document
 * stage to fill from the row that defined the acronym.
 *
 * Official: `name` folded, without an honorific.  A `title` on the lines
 * under the name (an address or signature block) has its lines joined by
 * fx_title__join; a title in running text is only folded.  A name of one
 * word is a surname ("Attorney General Whitfield"): `resolve` says
 * "surname", and the document stage replaces it with the full name of an
 * earlier official.
 */
#include "internal.h"

/* A word of an upper-case name that stays upper case: an acronym the
 * gazetteers know ("FBI"), or one with dots or digits ("U.S.", "G-7"). */
static bool keeps_capitals(const fx_ruleset *rs, const char *w, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if (w[i] == '.' || g_ascii_isdigit(w[i]))
            return true;
    char *word = g_strndup(w, len);
    bool known = false;
    for (guint i = 0; i < rs->gazetteers->len && !known; i++) {
        const fx_gaz_entry *e =
            fx_gazetteer__lookup(g_ptr_array_index(rs->gazetteers, i), w, len);
        known = e && strcmp(e->acronym, word) == 0;
    }
    g_free(word);
    return known;
}

/*
 * An upper-case heading ("OFFICE OF THE INSPECTOR GENERAL") in the case of
 * the written-out name ("Office of the Inspector General"), so that both
 * give one value.  Only text with no lower-case letter is changed.
 */
static void title_case_capitals(GString *name, const fx_ruleset *rs)
{
    for (const char *p = name->str; *p; p = g_utf8_next_char(p))
        if (g_unichar_islower(g_utf8_get_char(p)))
            return;
    GString *out = g_string_sized_new(name->len);
    const char *p = name->str;
    bool first = true;
    while (*p) {
        const char *e = strchr(p, ' ');
        gsize len = e ? (gsize)(e - p) : strlen(p);
        if (!first)
            g_string_append_c(out, ' ');
        if (!first && fx_gazetteer__is_small_word(p, len)) {
            char *lower = g_utf8_strdown(p, (gssize)len);
            g_string_append(out, lower);
            g_free(lower);
        } else if (keeps_capitals(rs, p, len)) {
            g_string_append_len(out, p, (gssize)len);
        } else {
            const char *rest = g_utf8_next_char(p);
            char *lower = g_utf8_strdown(rest, (gssize)(p + len - rest));
            g_string_append_len(out, p, rest - p);
            g_string_append(out, lower);
            g_free(lower);
        }
        first = false;
        p = e ? e + 1 : p + len;
    }
    g_string_assign(name, out->str);
    g_string_free(out, TRUE);
}

/* A name the gazetteers do not know, as the value of its row. */
static void fold_unknown_name(GString *out, const char *s, gsize n,
                              const fx_ruleset *rs)
{
    static const char *const us_forms[] = {"United States ", "US ", NULL};
    fx_text__fold(out, s, n);
    title_case_capitals(out, rs);
    for (int i = 0; us_forms[i]; i++)
        if (g_str_has_prefix(out->str, us_forms[i]) &&
            out->len > strlen(us_forms[i])) {
            g_string_erase(out, 0, (gssize)strlen(us_forms[i]));
            g_string_prepend(out, "U.S. ");
            break;
        }
    if (g_str_has_suffix(out->str, "'s"))
        g_string_truncate(out, out->len - 2);
    else if (g_str_has_suffix(out->str, "\u2019s"))
        g_string_truncate(out, out->len - strlen("\u2019s"));
}

/* A name written as one token with no lower-case letter ("G-7"): a form
 * of the acronym, which the acronym column keeps as written. */
static bool is_short_form(const char *s, gsize n)
{
    for (const char *p = s; p < s + n; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c) || g_unichar_islower(c))
            return false;
    }
    return n > 0;
}

bool fx_norm__agency(const fx_match *m, const fx_ruleset *rs, fx_fields *out)
{
    const char *s, *acronym;
    gsize n, acronym_len;
    bool has_name = fx_match__get(m, FX_CAP_NAME, &s, &n);
    bool has_acronym = fx_match__get(m, FX_CAP_ACRONYM, &acronym,
                                     &acronym_len);
    if (!has_name && has_acronym) {
        fx_text__fold(out->f[FX_F_ACRONYM], acronym, acronym_len);
        g_string_assign(out->f[FX_F_RESOLVE], "acronym");
        return out->f[FX_F_ACRONYM]->len > 0;
    }
    if (!has_name) {
        s = m->subject + m->ovector[0];
        n = m->ovector[1] - m->ovector[0];
    }
    const fx_gaz_entry *e = NULL;
    for (guint i = 0; i < rs->gazetteers->len && !e; i++)
        e = fx_gazetteer__lookup(g_ptr_array_index(rs->gazetteers, i), s, n);
    if (e)
        g_string_assign(out->f[FX_F_VALUE], e->canonical);
    else
        fold_unknown_name(out->f[FX_F_VALUE], s, n, rs);
    if (has_acronym)
        fx_text__fold(out->f[FX_F_ACRONYM], acronym, acronym_len);
    else if (e && *e->acronym && is_short_form(s, n))
        fx_text__fold(out->f[FX_F_ACRONYM], s, n); /* "G-7" for "G7" */
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
    bool titled = fx_match__get(m, FX_CAP_TITLE, &t, &tn);
    /* A surname alone is completed from an earlier mention by the
     * document stage; with no title beside it either ("Delgado said"),
     * it is only an official when the document named one so. */
    if (!strchr(out->f[FX_F_VALUE]->str, ' '))
        g_string_assign(out->f[FX_F_RESOLVE],
                        titled ? "surname" : "surname-known");
    if (titled) {
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
