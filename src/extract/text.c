/*
 * text.c: folding matched text for the `text` column and for lookups.
 *
 * "U.S. Department of\n  Justice" becomes "U.S. Department of Justice":
 * each run of whitespace (line breaks, tabs, no-break spaces) turns into
 * one space, the ends are trimmed, and bytes that are not UTF-8 become
 * U+FFFD so that every output cell is valid UTF-8.  So does a NUL byte:
 * a cell is a C string, which a NUL would silently cut short.
 */
#include "internal.h"

static bool is_space_at(const char *s, const char *end, int *width)
{
    unsigned char c = (unsigned char)*s;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v') {
        *width = 1;
        return true;
    }
    /* U+00A0 no-break space, U+202F narrow no-break space. */
    if (c == 0xC2 && end - s >= 2 && (unsigned char)s[1] == 0xA0) {
        *width = 2;
        return true;
    }
    if (c == 0xE2 && end - s >= 3 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0xAF) {
        *width = 3;
        return true;
    }
    return false;
}

void fx_text__fold(GString *out, const char *s, gsize len)
{
    const char *end = s + len;
    bool pending_space = false;
    gsize start = out->len;
    while (s < end) {
        int w = 0;
        if (is_space_at(s, end, &w)) {
            pending_space = true;
            s += w;
            continue;
        }
        if (pending_space && out->len > start)
            g_string_append_c(out, ' ');
        pending_space = false;
        /* A run of ASCII other than spaces and NUL is copied as it is,
         * in one call (most of any text). */
        const char *run = s;
        while (run < end && (unsigned char)*run - 1u < 0x7Fu &&
               !is_space_at(run, end, &w))
            run++;
        if (run > s) {
            g_string_append_len(out, s, run - s);
            s = run;
            continue;
        }
        gunichar ch = g_utf8_get_char_validated(s, end - s);
        if (ch == 0 || ch == (gunichar)-1 || ch == (gunichar)-2) {
            g_string_append(out, "\xEF\xBF\xBD");
            s++;
            continue;
        }
        const char *next = g_utf8_next_char(s);
        g_string_append_len(out, s, next - s);
        s = next;
    }
}

/* A title block's line continues the phrase of the line before when the
 * line before ends in a word that cannot end a title ("of", "the", a
 * comma) or the line itself starts in lower case. */
static bool continues_phrase(const char *prev, gsize prev_len,
                             const char *line)
{
    static const char *const open_words[] = {
        "of", "on", "the", "and", "for", "to", "in", "at", "against",
        "with", "by", "&", NULL,
    };
    if (g_unichar_islower(g_utf8_get_char(line)))
        return true;
    if (prev_len && prev[prev_len - 1] == ',')
        return true;
    const char *w = prev + prev_len;
    while (w > prev && w[-1] != ' ')
        w--;
    for (int i = 0; open_words[i]; i++)
        if ((gsize)(prev + prev_len - w) == strlen(open_words[i]) &&
            strncmp(w, open_words[i], strlen(open_words[i])) == 0)
            return true;
    return false;
}

void fx_title__join(GString *out, const char *s, gsize len)
{
    const char *end = s + len;
    GString *line = g_string_new(NULL);
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        g_string_truncate(line, 0);
        fx_text__fold(line, s, (gsize)(le - s));
        if (line->len) {
            if (out->len) {
                bool cont = continues_phrase(out->str, out->len, line->str);
                g_string_append(out, cont ? " " : ", ");
            }
            g_string_append(out, line->str);
        }
        s = nl ? nl + 1 : end;
    }
    g_string_free(line, TRUE);
    /* A title never ends in a comma or a colon. */
    while (out->len && strchr(",;:", out->str[out->len - 1]))
        g_string_truncate(out, out->len - 1);
}
