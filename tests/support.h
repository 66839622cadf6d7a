/*
 * support.h: helpers shared by the unit test programs.
 */
#ifndef FX_TESTS_SUPPORT_H
#define FX_TESTS_SUPPORT_H

#include <glib.h>

#include <stdbool.h>
#include <stdint.h>

#include "figex.h"

/* A copy of one diagnostic, kept for assertions. */
typedef struct {
    fx_severity sev;
    char *file;
    unsigned line, col, span;
    uint64_t offset;
    char *msg;
    char *src;
} diag_rec;

/* A GPtrArray of diag_rec that frees its elements. */
GPtrArray *diag_recs_new(void);

/* An fx_diag_fn: appends a diag_rec to the GPtrArray `payload`. */
void record_diag(const fx_diag *d, void *payload);

/* Remove a file, or a folder and everything in it (a test's temp dir). */
void remove_tree(const char *path);

/*
 * Run the bundled rules (FIGEX_RULES_DIR, loaded once per program) over
 * `text` as one document and return its rows, one a line, as
 *
 *     type|text|value|low|high|unit|qualifier|precision|acronym|title|
 *     as_of|agency
 *
 * (on one line).  `opts` may be NULL.  The caller frees the result.
 */
typedef struct {
    unsigned type_mask; /* 0 means every type */
    bool day_first;
    const char *doc_date; /* YYYY-MM-DD or NULL */
} run_opts;

char *run_bundled(const char *text, const run_opts *opts);

/* The rows of run_bundled() whose type is `type`, in the same format. */
char *run_bundled_type(const char *text, const char *type,
                       const run_opts *opts);

/* Read CSV back with libcsv in its strict mode, failing the test on a
 * syntax error: a GPtrArray of rows, each a GPtrArray of its cells as
 * strings.  The caller frees it with g_ptr_array_unref(). */
GPtrArray *parse_csv(const char *data, size_t len);

/* Load the rules `text` from a file written into a fresh temporary
 * folder, which is removed again; the load must succeed. */
fx_ruleset *load_rules_text(const char *text);

#endif
