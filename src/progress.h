/*
 * progress.h: the progress line of the command line (`--progress`).
 *
 * This is CLI code, not libfigex.  A long run draws one line on standard
 * error and rewrites it in place a few times a second:
 *
 *     figex: 12.6 MB of 40.0 MB (31%), 1.1 MB/s, ETA 0:25, 48213 rows
 *
 * and ends it with a summary and a newline.  A disabled progress is a NULL
 * pointer, and every call below does nothing with NULL, so the run prints
 * nothing at all when progress is off.
 */
#ifndef FX_PROGRESS_H
#define FX_PROGRESS_H

#include "figex.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    FX_PROGRESS_AUTO,   /* only when the stream is a terminal */
    FX_PROGRESS_ALWAYS, /* also into a pipe or a file */
    FX_PROGRESS_NEVER
} fx_progress_mode;

/* Parse "auto", "always" or "never"; false for anything else. */
bool fx_progress_mode_parse(const char *name, fx_progress_mode *out);

typedef struct fx_progress fx_progress;

/*
 * A progress line on `stream` (borrowed; standard error in the CLI), for
 * a run of `total` bytes, or -1 when the total is unknown.
 * @return NULL when `mode` says not to draw (NEVER, or AUTO and `stream`
 *         is not a terminal); else a progress the caller frees with
 *         fx_progress_free().
 */
fx_progress *fx_progress_new(fx_progress_mode mode, FILE *stream,
                             int64_t total);

/*
 * The sink the engine should write to: `inner` itself when `p` is NULL,
 * else a sink stored in `p` that counts rows and passes every call on to
 * `inner`.  `inner` is borrowed and must outlive `p`.
 */
const fx_sink *fx_progress_sink(fx_progress *p, const fx_sink *inner);

/* `bytes` more input bytes were read; redraws the line when due. */
void fx_progress_add(fx_progress *p, uint64_t bytes);

/* Erase the line before something else is printed on the stream; the
 * next redraw brings it back. */
void fx_progress_clear(fx_progress *p);

/* Replace the line by the run's summary and a newline.  The summary is
 * printed in ALWAYS mode even when the run was too short to draw, and
 * in AUTO mode only when a line was drawn. */
void fx_progress_end(fx_progress *p);

/* Free a progress; NULL is a no-op. */
void fx_progress_free(fx_progress *p);

/*
 * The text of the line for `done` bytes of `total` (-1: unknown) after
 * `seconds`, with `rows` rows so far; with `final` the summary instead.
 * Exposed for tests/test_inputs.c.  The caller frees it with g_free().
 */
char *fx_progress_format(uint64_t done, int64_t total, double seconds,
                         uint64_t rows, bool final);

#endif
