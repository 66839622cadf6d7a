/*
 * ruleset.c: loading a set of rule files, as fx_ruleset_load() promises.
 *
 * Files are read first (all of them, so that macros can be shared in any
 * order), then compiled.  Every problem is reported in one run: rules that
 * parsed cleanly are compiled even when others did not, but examples run
 * only on a clean set, and no text is read with a bad set.
 */
#include "internal.h"

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The rule files a path names: itself, or a folder's *.rules in order. */
static bool collect(const char *path, GPtrArray *files, fx_reporter *rep,
                    GStringChunk *strings)
{
    fx_loc loc = {g_string_chunk_insert_const(strings, path), 0, 0};
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        fx_report__at(rep, FX_SEV_ERROR, loc, 0, "no such rule file or "
                      "folder");
        return false;
    }
    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_ptr_array_add(files, g_strdup(path));
        return true;
    }
    GError *err = NULL;
    GDir *dir = g_dir_open(path, 0, &err);
    if (!dir) {
        fx_report__at(rep, FX_SEV_ERROR, loc, 0, "cannot read folder: %s",
                      err->message);
        g_error_free(err);
        return false;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)))
        if (g_str_has_suffix(name, ".rules"))
            g_ptr_array_add(names, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    g_ptr_array_sort(names, by_name);
    if (names->len == 0)
        fx_report__at(rep, FX_SEV_ERROR, loc, 0, "folder has no .rules "
                      "files");
    bool ok = names->len > 0;
    for (guint i = 0; i < names->len; i++)
        g_ptr_array_add(files, g_strdup(g_ptr_array_index(names, i)));
    g_ptr_array_free(names, TRUE);
    return ok;
}

fx_status fx_ruleset_load(fx_ruleset **out, const char *const *paths,
                          size_t npaths, fx_diag_fn diag, void *payload)
{
    return fx_ruleset_load_threads(out, paths, npaths, 1, diag, payload);
}

fx_status fx_ruleset_load_threads(fx_ruleset **out,
                                  const char *const *paths, size_t npaths,
                                  unsigned threads, fx_diag_fn diag,
                                  void *payload)
{
    *out = NULL;
    if (!paths || npaths == 0 || threads == 0 || threads > FX_MAX_THREADS)
        return FX_ERR_USAGE;
    fx_reporter rep = {diag, payload, 0, 0, NULL};
    fx_ruleset *rs = g_new0(fx_ruleset, 1);
    rs->rules = g_ptr_array_new_with_free_func(fx_rule__free);
    rs->gazetteers = g_ptr_array_new_with_free_func(
        (GDestroyNotify)fx_gazetteer__free);
    rs->strings = g_string_chunk_new(4096);
    fx_macro_table *macros = fx_macros__new();
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    fx_status st = FX_ERR_RULES;
    bool ok = true;
    for (size_t i = 0; i < npaths; i++)
        if (!collect(paths[i], files, &rep, rs->strings))
            ok = false;
    for (guint i = 0; ok && i < files->len; i++)
        fx_rules__parse_file(rs, macros, g_ptr_array_index(files, i), &rep);
    if (ok && rs->rules->len == 0 && rep.errors == 0) {
        fx_loc loc = {g_string_chunk_insert_const(rs->strings, paths[0]), 0,
                      0};
        fx_report__at(&rep, FX_SEV_ERROR, loc, 0, "no rules found");
        ok = false;
    }
    if (!ok || !fx_rules__compile(rs, macros, threads, &rep) || rep.errors)
        goto fail;
    st = FX_OK;
    *out = rs;
    rs = NULL;
fail:
    fx_report__clear(&rep);
    g_ptr_array_free(files, TRUE);
    fx_macros__free(macros);
    fx_ruleset_free(rs);
    return st;
}

void fx_ruleset_free(fx_ruleset *rs)
{
    if (!rs)
        return;
    g_ptr_array_free(rs->rules, TRUE);
    g_ptr_array_free(rs->gazetteers, TRUE);
    g_string_chunk_free(rs->strings);
    fx_literals__free(rs->literals_exact);
    fx_literals__free(rs->literals_folded);
    g_free(rs);
}

size_t fx_ruleset_rule_count(const fx_ruleset *rs)
{
    return rs ? rs->rules->len : 0;
}

size_t fx_ruleset_example_count(const fx_ruleset *rs)
{
    return rs ? rs->examples : 0;
}

fx_status fx_ruleset_rule_info(const fx_ruleset *rs, size_t index,
                               fx_rule_info *out)
{
    if (!rs || !out || index >= rs->rules->len)
        return FX_ERR_USAGE;
    const fx_rule *r = g_ptr_array_index(rs->rules, index);
    *out = (fx_rule_info){r->id, r->type, r->priority, r->source_ref,
                          r->description ? r->description : "",
                          r->expanded ? r->expanded : ""};
    return FX_OK;
}
