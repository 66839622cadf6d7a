/*
 * locstr.c: strings that remember where their bytes came from.
 *
 * A pattern is assembled from several places: the `pattern:` line, its
 * continuation lines, and the bodies of the macros it uses.  PCRE2 reports
 * an error as a byte offset into the assembled string.  Each piece appended
 * here leaves an anchor, so that offset maps back to a file, line and
 * column:
 *
 *     pattern: (?<m>{{MONTH}})\s+\d{1,2    <- rules/date.rules:4
 *     macro MONTH: Jan(?:uary)?|Feb...      <- rules/macros.rules:2
 *
 *     "(?<m>" "(?:" "Jan(?:uary)?|Feb..." ")" ")\s+\d{1,2"
 *      ^4:10   ^4:15 ^2:14 (literal)       ^4:15 ^4:24
 */
#include "internal.h"

void fx_locstr__init(fx_locstr *ls)
{
    ls->str = g_string_new(NULL);
    ls->anchors = g_array_new(FALSE, FALSE, sizeof(fx_anchor));
}

void fx_locstr__clear(fx_locstr *ls)
{
    if (ls->str)
        g_string_free(ls->str, TRUE);
    if (ls->anchors)
        g_array_free(ls->anchors, TRUE);
    ls->str = NULL;
    ls->anchors = NULL;
}

void fx_locstr__append(fx_locstr *ls, const char *text, gssize len,
                       fx_loc loc, bool literal)
{
    fx_anchor a = {ls->str->len, loc, literal};
    g_array_append_val(ls->anchors, a);
    g_string_append_len(ls->str, text, len < 0 ? (gssize)strlen(text) : len);
}

void fx_locstr__append_locstr(fx_locstr *ls, const fx_locstr *other)
{
    gsize base = ls->str->len;
    for (guint i = 0; i < other->anchors->len; i++) {
        fx_anchor a = g_array_index(other->anchors, fx_anchor, i);
        a.offset += base;
        g_array_append_val(ls->anchors, a);
    }
    g_string_append_len(ls->str, other->str->str, other->str->len);
}

fx_loc fx_locstr__locate(const fx_locstr *ls, gsize offset)
{
    fx_loc none = {NULL, 0, 0};
    if (ls->anchors->len == 0)
        return none;
    if (offset > ls->str->len)
        offset = ls->str->len;
    /* The last anchor at or before the offset. */
    guint lo = 0, hi = ls->anchors->len;
    while (hi - lo > 1) {
        guint mid = (lo + hi) / 2;
        if (g_array_index(ls->anchors, fx_anchor, mid).offset <= offset)
            lo = mid;
        else
            hi = mid;
    }
    const fx_anchor *a = &g_array_index(ls->anchors, fx_anchor, lo);
    fx_loc loc = a->loc;
    if (a->literal && offset > a->offset) {
        const char *s = ls->str->str + a->offset;
        const char *end = ls->str->str + offset;
        for (; s < end; s++)
            if (((unsigned char)*s & 0xC0) != 0x80)
                loc.col++;
    }
    return loc;
}
