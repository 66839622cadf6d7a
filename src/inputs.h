/*
 * inputs.h: what the command line reads, and how.
 *
 * This is CLI code, not libfigex.  The operands of `figex [FILE...]`
 * become a list of inputs: a file as named, standard input for `-`, and
 * for a folder every regular file under it, recursively, in byte-wise
 * (strcmp) order of their paths, optionally filtered by `--glob`.  Each
 * input is then read in blocks into the engine, either as one document
 * (`--input-format text`) or as one document per line (`lines`).
 *
 * The pieces are exposed so that tests/test_inputs.c can check the walk
 * and the line splitter on their own.
 */
#ifndef FX_INPUTS_H
#define FX_INPUTS_H

#include "figex.h"
#include "progress.h"

#include <glib.h>

#include <stdbool.h>
#include <stdint.h>

/* ---- Listing the inputs ---- */

/* One input, in reading order. */
typedef struct {
    char *path;   /* as named, or the folder as named joined with the path
                     below it; "-" for standard input */
    int64_t size; /* bytes of a regular file (0 if it cannot be examined),
                     -1 when unknown (a pipe, a terminal, a device) */
    char *error;  /* a folder that could not be listed: the reason, which
                     is reported when the input's turn comes; else NULL */
} fx_input;

/*
 * The inputs named by `operands` (`n` of them; none means standard
 * input), in order.  A folder is walked recursively; its regular files,
 * and symbolic links to regular files, are kept when their base name
 * matches one of `globs` (fnmatch(3) patterns, NULL-terminated; NULL or
 * empty keeps every file), then sorted by strcmp() of their paths.
 * Symbolic links to folders inside a walk are not followed, so a link
 * loop cannot make the walk endless; a folder named as an operand is
 * walked even when the name is a link.  Other special files (pipes,
 * sockets, devices) inside a walk are skipped.  Files named as operands
 * are always kept, whatever the globs say.
 * @return a GPtrArray of fx_input * that frees its elements; the caller
 *         frees it with g_ptr_array_unref().
 */
GPtrArray *fx_inputs_expand(const char *const *operands, size_t n,
                            const char *const *globs);

/* The sum of the inputs' sizes, or -1 when one of them is unknown. */
int64_t fx_inputs_total(const GPtrArray *inputs);

/* ---- Documents of one line each (`--input-format lines`) ---- */

/* Where the line splitter sends documents: each call returns FX_OK, or
 * an error that stops the splitter. */
typedef struct {
    fx_status (*begin)(void *payload, const char *source);
    fx_status (*feed)(void *payload, const char *buf, size_t len);
    fx_status (*finish)(void *payload);
    void *payload;
} fx_doc_ops;

/* Longest id (the text before a line's first TAB), in bytes.  A line
 * whose first TAB comes later has no id: all of it is the document. */
#define FX_LINES_ID_MAX 4096

typedef struct fx_lines fx_lines;

/*
 * A splitter that turns text, fed in pieces of any size, into one
 * document per line.  A line `ID<TAB>TEXT` is a document named ID whose
 * text is TEXT; a line without a TAB in its first FX_LINES_ID_MAX + 1
 * bytes, or with an empty id, is a document named "FILE:LINENO" (`file`
 * is copied; LINENO counts from 1).  The LF that ends a line, and a CR
 * just before it, are not part of the document; the last line needs no
 * LF.  The document's text reaches `ops->feed` as it arrives, never held
 * back beyond the id and one CR, however long the line.  `ops` is copied.
 * @return a splitter the caller frees with fx_lines_free().
 */
fx_lines *fx_lines_new(const char *file, const fx_doc_ops *ops);

/* Split the next `len` bytes.  @return FX_OK, or the first error an op
 * returned (every later call then returns it too, doing nothing). */
fx_status fx_lines_feed(fx_lines *lines, const char *buf, size_t len);

/* End of the input: ends the last line when it had no LF. */
fx_status fx_lines_finish(fx_lines *lines);

/* Free a splitter; NULL is a no-op. */
void fx_lines_free(fx_lines *lines);

/* ---- Reading ---- */

typedef enum { FX_INPUT_TEXT, FX_INPUT_LINES } fx_input_format;

/* Parse "text" or "lines"; false for anything else. */
bool fx_input_format_parse(const char *name, fx_input_format *out);

/* How inputs are read; everything is borrowed. */
typedef struct {
    fx_engine *engine;
    fx_input_format format;
    char *buf; /* scratch of `block` bytes */
    size_t block;
    fx_progress *progress; /* NULL when there is no progress line */
    /* Read the next block on a thread of its own while the engine scans
     * this one (with -j 2 or more: the engine's threads are busy then,
     * and reading is all the caller's thread would do). */
    bool read_ahead;
} fx_reader;

/*
 * Read `input` into the engine: one document, or one per line.  A file
 * that cannot be opened or read, or a folder that could not be listed,
 * is reported on standard error by name.
 * @return false when the input could not be read; a sink error stops the
 *         read and is stored in *sink_status (which is left alone
 *         otherwise).
 */
bool fx_inputs_read(const fx_reader *reader, const fx_input *input,
                    fx_status *sink_status);

#endif
