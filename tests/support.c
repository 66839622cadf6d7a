/*
 * support.c: helpers shared by the unit test programs.
 */
#include "support.h"

#include <csv.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- running the bundled rules ---- */

static fx_ruleset *bundled;

static void free_bundled(void)
{
    fx_ruleset_free(bundled);
    bundled = NULL;
}

static fx_status append_row(void *payload, const fx_row *r)
{
    GString *out = payload;
    g_string_append_printf(out, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n",
                           fx_type_name(r->type), r->text, r->value, r->low,
                           r->high, r->unit, r->qualifier, r->precision,
                           r->acronym, r->title, r->as_of, r->agency);
    return FX_OK;
}

char *run_bundled(const char *text, const run_opts *opts)
{
    if (!bundled) {
        const char *dir = FIGEX_RULES_DIR;
        g_assert(fx_ruleset_load(&bundled, &dir, 1, NULL, NULL) == FX_OK);
        atexit(free_bundled);
    }
    GString *out = g_string_new(NULL);
    fx_sink sink = {"test", NULL, append_row, NULL, NULL, out};
    fx_engine *eng = NULL;
    g_assert(fx_engine_new(&eng, bundled, &sink, NULL, NULL) == FX_OK);
    if (opts && opts->type_mask)
        fx_engine_set_types(eng, opts->type_mask);
    if (opts)
        fx_engine_set_day_first(eng, opts->day_first);
    if (opts && opts->doc_date)
        g_assert(fx_engine_set_doc_date(eng, opts->doc_date) == FX_OK);
    g_assert(fx_engine_begin(eng, "test") == FX_OK);
    g_assert(fx_engine_feed(eng, text, strlen(text)) == FX_OK);
    g_assert(fx_engine_finish(eng) == FX_OK);
    fx_engine_free(eng);
    return g_string_free(out, FALSE);
}

char *run_bundled_type(const char *text, const char *type,
                       const run_opts *opts)
{
    fx_type t;
    g_assert(fx_type_from_name(type, &t) == 0);
    run_opts o = opts ? *opts : (run_opts){0};
    o.type_mask = 1u << t;
    return run_bundled(text, &o);
}

/* ---- reading CSV back ---- */

typedef struct {
    GPtrArray *rows;   /* of GPtrArray of char* */
    GPtrArray *fields; /* the row being read */
} csv_read;

static void on_field(void *s, size_t len, void *data)
{
    csv_read *rd = data;
    g_ptr_array_add(rd->fields, g_strndup(s ? s : "", len));
}

static void on_row(int c, void *data)
{
    (void)c;
    csv_read *rd = data;
    g_ptr_array_add(rd->rows, rd->fields);
    rd->fields = g_ptr_array_new_with_free_func(g_free);
}

GPtrArray *parse_csv(const char *data, size_t len)
{
    struct csv_parser p;
    g_assert(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) == 0);
    csv_read rd = {
        g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref),
        g_ptr_array_new_with_free_func(g_free)};
    size_t used = csv_parse(&p, data, len, on_field, on_row, &rd);
    if (used != len)
        fprintf(stderr, "csv_parse: %s\n", csv_strerror(csv_error(&p)));
    g_assert(used == len);
    g_assert(csv_fini(&p, on_field, on_row, &rd) == 0);
    csv_free(&p);
    g_ptr_array_unref(rd.fields);
    return rd.rows;
}

/* ---- rules written by a test ---- */

fx_ruleset *load_rules_text(const char *text)
{
    char *dir = g_dir_make_tmp("figex-rules-XXXXXX", NULL);
    g_assert(dir);
    char *path = g_build_filename(dir, "test.rules", NULL);
    g_assert(g_file_set_contents(path, text, -1, NULL));
    const char *paths[] = {path};
    fx_ruleset *rs = NULL;
    g_assert(fx_ruleset_load(&rs, paths, 1, NULL, NULL) == FX_OK);
    remove_tree(dir);
    g_free(path);
    g_free(dir);
    return rs;
}
