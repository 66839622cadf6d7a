/*
 * sentence.c: where sentences and paragraphs end.
 *
 * Statistics are linked to the date and the agency of their sentence
 * (document.c), so the engine needs sentence boundaries that do not depend
 * on how the text was cut into chunks.  A boundary is decided at a
 * whitespace byte by looking back only, at most FX_BOUNDARY_LOOKBACK
 * bytes, never ahead:
 *
 *   - a line break that ends a blank line ends a paragraph (and so a
 *     sentence);
 *   - a space or line break after ". ", "! " or "? " (closing quotes and
 *     brackets allowed in between) ends a sentence, unless the word before
 *     the full stop is an abbreviation: an initial ("M."), a dotted
 *     abbreviation ("U.S.", "p.m."), or a word in the list below ("Mr.",
 *     "Jan.", "No.").
 *
 * The limits are deliberate: "in the U.S. The program ..." is read as one
 * sentence, which only widens the context a figure is linked in.
 */
#include "internal.h"

static const char *const abbreviations[] = {
    "mr",   "mrs",  "ms",   "mx",   "dr",   "prof", "st",   "jr",   "sr",
    "no",   "nos",  "inc",  "co",   "corp", "ltd",  "vs",   "jan",  "feb",
    "mar",  "apr",  "jun",  "jul",  "aug",  "sep",  "sept", "oct",  "nov",
    "dec",  "gen",  "sen",  "rep",  "gov",  "lt",   "col",  "sgt",  "capt",
    "hon",  "amb",  "dept", "govt", "pub",  "sec",  "art",  "fig",  "vol",
    "pp",   "para", "approx", "est", "ave", "blvd", "rd",   "ft",   "mt",
    "u.s",  "e.g",  "i.e",  "a.m",  "p.m",  "d.c",  "h.e",  "h.r",  "u.n",
};

/* Is the word that ends just before buf[dot] (a full stop) an
 * abbreviation? */
static bool abbreviation_before(const char *buf, size_t dot, size_t lo)
{
    size_t s = dot;
    while (s > lo && s > dot - MIN(dot, 12) &&
           (g_ascii_isalpha(buf[s - 1]) || buf[s - 1] == '.'))
        s--;
    size_t n = dot - s;
    if (n == 0)
        return false; /* "1998." or "(NCMEC)." */
    if (n == 1 && g_ascii_isupper(buf[s]))
        return true; /* an initial */
    char word[16];
    if (n >= sizeof word)
        return false;
    for (size_t i = 0; i < n; i++)
        word[i] = g_ascii_tolower(buf[s + i]);
    word[n] = '\0';
    /* The first letter decides most words without a call. */
    for (size_t i = 0; i < G_N_ELEMENTS(abbreviations); i++)
        if (word[0] == abbreviations[i][0] &&
            strcmp(word, abbreviations[i]) == 0)
            return true;
    /* Any other dotted run of single letters: "U.K.", "a.k.a". */
    bool dotted = n >= 3;
    for (size_t i = 0; i < n && dotted; i++)
        dotted = (i % 2 == 0) ? g_ascii_isalpha(word[i]) : word[i] == '.';
    return dotted;
}

fx_boundary fx_sentence__boundary(const char *buf, size_t i, size_t lo)
{
    unsigned char c = (unsigned char)buf[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        return FX_BOUNDARY_NONE;
    size_t floor = i > FX_BOUNDARY_LOOKBACK ? i - FX_BOUNDARY_LOOKBACK : 0;
    floor = MAX(floor, lo);
    if (c == '\n') {
        size_t k = i;
        while (k > floor && (buf[k - 1] == ' ' || buf[k - 1] == '\t' ||
                             buf[k - 1] == '\r'))
            k--;
        if (k > floor && buf[k - 1] == '\n')
            return FX_BOUNDARY_PARAGRAPH;
    }
    if (i == floor)
        return FX_BOUNDARY_NONE;
    size_t k = i;
    for (int n = 0;
         n < 3 && k > floor && fx_sentence__closer((unsigned char)buf[k - 1]);
         n++)
        k--;
    if (k == floor)
        return FX_BOUNDARY_NONE;
    char p = buf[k - 1];
    if (p == '!' || p == '?')
        return FX_BOUNDARY_SENTENCE;
    if (p == '.' && !abbreviation_before(buf, k - 1, floor))
        return FX_BOUNDARY_SENTENCE;
    return FX_BOUNDARY_NONE;
}
