/*
 * support.h: helpers shared by the unit test programs.
 */
#ifndef FX_TESTS_SUPPORT_H
#define FX_TESTS_SUPPORT_H

#include <glib.h>

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

#endif
