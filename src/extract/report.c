/*
 * report.c: diagnostics with file:line:column.
 *
 * The library never prints.  Each problem goes to the caller's callback,
 * with the source line attached so that the CLI can underline the span
 * (the callback decides how to show it).
 */
#include "internal.h"

#include <stdarg.h>

/* The text of line `line` of `file` (no newline), or NULL. */
static char *read_source_line(const char *file, unsigned line)
{
    if (!file || line == 0)
        return NULL;
    FILE *fp = fopen(file, "rb");
    if (!fp)
        return NULL;
    GString *s = g_string_new(NULL);
    unsigned n = 1;
    int c;
    while ((c = fgetc(fp)) != EOF) {
        if (c == '\n') {
            if (n == line)
                break;
            n++;
            continue;
        }
        if (n == line && c != '\r')
            g_string_append_c(s, (char)c);
    }
    fclose(fp);
    if (n != line) {
        g_string_free(s, TRUE);
        return NULL;
    }
    return g_string_free(s, FALSE);
}

void fx_report__clear(fx_reporter *rep)
{
    if (rep->seen)
        g_hash_table_destroy(rep->seen);
    rep->seen = NULL;
}

void fx_report__at(fx_reporter *rep, fx_severity sev, fx_loc loc,
                   unsigned span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* A broken macro used by three rules is one problem, said once. */
    if (!rep->seen)
        rep->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          NULL);
    char *key = g_strdup_printf("%s:%u:%u:%s", loc.file ? loc.file : "",
                                loc.line, loc.col, msg);
    if (!g_hash_table_add(rep->seen, key)) {
        g_free(msg);
        return;
    }
    if (sev == FX_SEV_ERROR)
        rep->errors++;
    else
        rep->warnings++;
    if (!rep->fn) {
        g_free(msg);
        return;
    }
    char *src = read_source_line(loc.file, loc.line);
    fx_diag d = {sev,      loc.file, loc.line, loc.col, 0,
                 msg,      src,      span ? span : 1};
    rep->fn(&d, rep->payload);
    g_free(src);
    g_free(msg);
}
