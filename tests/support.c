/*
 * support.c: helpers shared by the unit test programs.
 */
#include "support.h"

#include <glib.h>
#include <glib/gstdio.h>

void remove_tree(const char *path)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        GDir *dir = g_dir_open(path, 0, NULL);
        const char *name;
        while (dir && (name = g_dir_read_name(dir))) {
            char *child = g_build_filename(path, name, NULL);
            remove_tree(child);
            g_free(child);
        }
        if (dir)
            g_dir_close(dir);
    }
    g_remove(path);
}

static void diag_rec_free(gpointer data)
{
    diag_rec *d = data;
    g_free(d->file);
    g_free(d->msg);
    g_free(d->src);
    g_free(d);
}

GPtrArray *diag_recs_new(void)
{
    return g_ptr_array_new_with_free_func(diag_rec_free);
}

void record_diag(const fx_diag *d, void *payload)
{
    diag_rec *r = g_new0(diag_rec, 1);
    r->sev = d->severity;
    r->file = g_strdup(d->file);
    r->line = d->line;
    r->col = d->col;
    r->span = d->span;
    r->offset = d->offset;
    r->msg = g_strdup(d->message);
    r->src = g_strdup(d->source_line);
    g_ptr_array_add(payload, r);
}
