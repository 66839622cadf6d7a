/*
 * replay.c: a main() for a fuzz target without libFuzzer.
 *
 *     fuzz_engine_replay corpus/engine regressions/engine one-input
 *
 * runs the target once on each file named, and on each file of each
 * folder named (in name order, hidden files skipped).  A broken invariant
 * aborts, as under libFuzzer; otherwise it prints how many inputs ran and
 * exits 0.  ctest runs it over the seed corpus and the regression inputs
 * in every build, with the sanitizers in the ASan one.
 */
#include "fuzz.h"

#include <glib.h>

#include <string.h>

static void run_file(const char *path, unsigned *count)
{
    gchar *data = NULL;
    gsize len = 0;
    GError *err = NULL;
    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "replay: %s: %s\n", path, err->message);
        exit(2);
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    g_free(data);
    (*count)++;
}

static int by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *path, unsigned *count)
{
    GError *err = NULL;
    GDir *dir = g_dir_open(path, 0, &err);
    if (!dir) {
        fprintf(stderr, "replay: %s: %s\n", path, err->message);
        exit(2);
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)))
        if (name[0] != '.')
            g_ptr_array_add(names, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    g_ptr_array_sort(names, by_name);
    for (guint i = 0; i < names->len; i++)
        run_file(g_ptr_array_index(names, i), count);
    g_ptr_array_free(names, TRUE);
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    unsigned count = 0;
    for (int i = 1; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR))
            run_dir(argv[i], &count);
        else
            run_file(argv[i], &count);
    }
    printf("replay: %u inputs\n", count);
    return 0;
}
