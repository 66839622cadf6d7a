/*
 * fuzz_rules.c: the rule-file parser and loader on arbitrary bytes.
 *
 * The input is written as fuzz.rules into a private temporary folder that
 * also holds a small gazetteer, small.tsv, so that a `gazetteer NAME:
 * small.tsv` line loads something.  fx_ruleset_load() must return FX_OK
 * with a ruleset or an error without one, and every diagnostic must be
 * well formed: a message, a file, and a line and column inside that file
 * (0 and 0 for a problem with the whole file), a span of at least 1.
 * A ruleset that loads is then run, by fuzz_scan_twice(), over a few
 * lines of prose followed by the rule file's own bytes, so that the
 * engine meets rules nobody would write (empty matches, lookbehinds,
 * captures in odd places).
 */
#include "fuzz.h"

#include <figex.h>
#include <glib.h>
#include <glib/gstdio.h>

#include <stdbool.h>
#include <string.h>

static char *dir;        /* the temporary folder */
static char *rules_path; /* dir/fuzz.rules */
static char *gaz_path;   /* dir/small.tsv */

static const char small_gazetteer[] =
    "canonical\tacronym\taliases\tparent\tkind\n"
    "U.S. Department of Justice\tDOJ\tJustice Department\t\tus-federal\n"
    "Federal Bureau of Investigation\tFBI\t\tU.S. Department of "
    "Justice\tus-federal\n"
    "World Health Organization\tWHO\t\t\tinternational\n";

static const char prose[] =
    "On January 18, 2022 the Justice Department (DOJ) said that more than\n"
    "6.5 million reports, 27% of them since 1998, reached the FBI.\n\n"
    "John Q. Public\nDirector, Office of Widgets\n";

typedef struct {
    const uint8_t *data; /* the bytes of fuzz.rules */
    size_t size;
} loaded;

static void remove_dir(void)
{
    g_unlink(rules_path);
    g_unlink(gaz_path);
    g_rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_fatal_glib_warnings();
    GError *err = NULL;
    dir = g_dir_make_tmp("figex-fuzz-rules-XXXXXX", &err);
    FUZZ_CHECK(dir != NULL);
    rules_path = g_build_filename(dir, "fuzz.rules", NULL);
    gaz_path = g_build_filename(dir, "small.tsv", NULL);
    FUZZ_CHECK(g_file_set_contents(gaz_path, small_gazetteer, -1, NULL));
    atexit(remove_dir);
    return 0;
}

/* Lines in `s` (a final line without LF counts), and the length in
 * characters of line `line` (1-based), or -1 when there is none. */
static long line_chars(const char *s, size_t n, unsigned line)
{
    unsigned at = 1;
    size_t i = 0;
    while (at < line) {
        const char *nl = memchr(s + i, '\n', n - i);
        if (!nl)
            return -1;
        i = (size_t)(nl - s) + 1;
        at++;
    }
    long chars = 0;
    for (; i < n && s[i] != '\n'; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            chars++;
    return chars;
}

static void check_diag(const fx_diag *d, void *payload)
{
    const loaded *in = payload;
    FUZZ_CHECK(d->severity == FX_SEV_ERROR || d->severity == FX_SEV_WARNING);
    FUZZ_CHECK(d->file != NULL);
    FUZZ_CHECK(d->message != NULL && d->message[0] != '\0');
    FUZZ_CHECK(d->span >= 1);
    FUZZ_CHECK(d->offset == 0);
    if (d->line == 0) {
        FUZZ_CHECK(d->col == 0);
        return;
    }
    FUZZ_CHECK(d->col >= 1);
    const char *text;
    size_t n;
    if (strcmp(d->file, rules_path) == 0) {
        text = (const char *)in->data;
        n = in->size;
    } else {
        FUZZ_CHECK(strcmp(d->file, gaz_path) == 0);
        text = small_gazetteer;
        n = sizeof small_gazetteer - 1;
    }
    long chars = line_chars(text, n, d->line);
    FUZZ_CHECK(chars >= 0);
    /* The column may point just past the last character (a missing ':'
     * at the end of the line). */
    FUZZ_CHECK(d->col <= (unsigned long)chars + 1);
    FUZZ_CHECK(d->source_line != NULL);
}

/* A gazetteer line naming a path outside the folder could make the load
 * read anything, /dev/zero included: such inputs are not interesting. */
static bool names_outside(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *end = s + size;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        if (g_strstr_len(s, le - s, "gazetteer") &&
            memchr(s, '/', (size_t)(le - s)))
            return true;
        s = nl ? nl + 1 : end;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (names_outside(data, size))
        return 0;
    FUZZ_CHECK(g_file_set_contents(rules_path, (const char *)data,
                                   (gssize)size, NULL));
    loaded in = {data, size};
    fx_ruleset *rs = NULL;
    const char *paths[] = {rules_path};
    fx_status st = fx_ruleset_load(&rs, paths, 1, check_diag, &in);
    FUZZ_CHECK((st == FX_OK) == (rs != NULL));
    FUZZ_CHECK(st == FX_OK || st == FX_ERR_RULES || st == FX_ERR_IO);
    if (rs) {
        size_t n = fx_ruleset_rule_count(rs);
        for (size_t i = 0; i < n; i++) {
            fx_rule_info info;
            FUZZ_CHECK(fx_ruleset_rule_info(rs, i, &info) == FX_OK);
            FUZZ_CHECK(info.id && info.source && info.description &&
                       info.pattern);
        }
        fx_rule_info info;
        FUZZ_CHECK(fx_ruleset_rule_info(rs, n, &info) == FX_ERR_USAGE);
        GByteArray *text = g_byte_array_new();
        g_byte_array_append(text, (const guint8 *)prose, sizeof prose - 1);
        g_byte_array_append(text, data, (guint)size);
        fuzz_scan_twice(rs, text->data, text->len, 1 + size % 61, 0);
        g_byte_array_unref(text);
    }
    fx_ruleset_free(rs);
    return 0;
}
