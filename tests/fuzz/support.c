/*
 * support.c: helpers the fuzz targets share (fuzz.h).
 */
#include "fuzz.h"

#include <glib.h>

static void fatal_handler(const gchar *domain, GLogLevelFlags level,
                          const gchar *message, gpointer payload)
{
    (void)payload;
    if (level &
        (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) {
        fprintf(stderr, "%s: %s\n", domain ? domain : "glib", message);
        abort();
    }
}

void fuzz_fatal_glib_warnings(void)
{
    g_log_set_default_handler(fatal_handler, NULL);
}
