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
