/*
 * inputs.c: listing the inputs and reading them into the engine.
 *
 * Listing.  `figex report.txt letters/ -` reads report.txt, then every
 * file under letters/, then standard input.  The files under a folder
 * are sorted by strcmp() of their whole paths, not folder by folder:
 *
 *     letters/a.b.txt      '.' (0x2E) sorts before '/' (0x2F), so this
 *     letters/a/x.txt      comes first, as `LC_ALL=C sort` would have it
 *
 * which makes the order, and so the output, the same on every machine
 * whatever order the file system lists entries in.  The whole list is made
 * before anything is read, which also gives the progress line its total.
 * Only links to folders are left alone, so the walk never meets a cycle
 * and needs no set of visited folders.
 *
 * Lines.  With `--input-format lines` each line is a document:
 *
 *     doc-17<TAB>The Department of Labor said on 3 May 2021 ...<CR><LF>
 *     \____/     \___________________ document ___________________/
 *       id
 *
 * The splitter holds at most the id (FX_LINES_ID_MAX + 1 bytes) and one
 * CR, which might be the first half of a CRLF line end; the rest of the
 * line goes to the engine piece by piece as blocks are read, so a line of
 * any length costs only the engine's own window.
 */
#define _POSIX_C_SOURCE 200809L /* fileno, lstat */
#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes fed between two looks at the clock when a progress line is on:
 * about a tenth of a second of scanning at figex's usual speed. */
#define PROGRESS_SLICE ((size_t)128 << 10)

/* ---- listing ---- */

static void input_free(gpointer data)
{
    fx_input *in = data;
    g_free(in->path);
    g_free(in->error);
    g_free(in);
}

static void add_input(GPtrArray *out, char *path, int64_t size, char *error)
{
    fx_input *in = g_new(fx_input, 1);
    in->path = path;
    in->size = size;
    in->error = error;
    g_ptr_array_add(out, in);
}

static bool glob_keeps(const char *const *globs, const char *name)
{
    if (!globs || !*globs)
        return true;
    for (const char *const *g = globs; *g; g++)
        if (fnmatch(*g, name, 0) == 0)
            return true;
    return false;
}

static gint by_path(gconstpointer a, gconstpointer b)
{
    const fx_input *x = *(fx_input *const *)a, *y = *(fx_input *const *)b;
    return strcmp(x->path, y->path);
}

/* One entry met in a walk, already lstat()ed. */
static void walk_entry(GPtrArray *found, GPtrArray *todo, char *path,
                       const char *name, const struct stat *st,
                       const char *const *globs)
{
    struct stat target;
    if (S_ISDIR(st->st_mode)) {
        g_ptr_array_add(todo, path);
    } else if (!glob_keeps(globs, name)) {
        g_free(path);
    } else if (S_ISREG(st->st_mode)) {
        add_input(found, path, (int64_t)st->st_size, NULL);
    } else if (S_ISLNK(st->st_mode) && stat(path, &target) != 0) {
        /* A dangling link: opening it will fail and say why. */
        add_input(found, path, 0, NULL);
    } else if (S_ISLNK(st->st_mode) && S_ISREG(target.st_mode)) {
        add_input(found, path, (int64_t)target.st_size, NULL);
    } else {
        g_free(path); /* a link to a folder, a pipe, a socket, a device */
    }
}

/* Every file under `root`, sorted, appended to `out`. */
static void walk(GPtrArray *out, const char *root, const char *const *globs)
{
    GPtrArray *found = g_ptr_array_new();
    GPtrArray *todo = g_ptr_array_new();
    g_ptr_array_add(todo, g_strdup(root));
    while (todo->len) {
        char *dir = g_ptr_array_remove_index(todo, todo->len - 1);
        DIR *d = opendir(dir);
        if (!d) {
            add_input(
                found, dir, 0,
                g_strdup_printf("cannot list folder: %s", g_strerror(errno)));
            continue;
        }
        struct dirent *ent;
        for (errno = 0; (ent = readdir(d)) != NULL; errno = 0) {
            const char *name = ent->d_name;
            if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                continue;
            char *path = g_build_filename(dir, name, NULL);
            struct stat st;
            if (lstat(path, &st) != 0)
                add_input(
                    found, path, 0,
                    g_strdup_printf("cannot open: %s", g_strerror(errno)));
            else
                walk_entry(found, todo, path, name, &st, globs);
        }
        if (errno)
            add_input(
                found, g_strdup(dir), 0,
                g_strdup_printf("cannot list folder: %s", g_strerror(errno)));
        closedir(d);
        g_free(dir);
    }
    g_ptr_array_sort(found, by_path);
    for (guint i = 0; i < found->len; i++)
        g_ptr_array_add(out, found->pdata[i]);
    g_ptr_array_free(found, TRUE);
    g_ptr_array_free(todo, TRUE);
}

/* Bytes left to read on standard input, when it is a regular file. */
static int64_t stdin_size(void)
{
    struct stat st;
    if (fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    off_t at = lseek(STDIN_FILENO, 0, SEEK_CUR);
    return at >= 0 && at <= st.st_size ? (int64_t)(st.st_size - at) : -1;
}

GPtrArray *fx_inputs_expand(const char *const *operands, size_t n,
                            const char *const *globs)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(input_free);
    if (n == 0)
        add_input(out, g_strdup("-"), stdin_size(), NULL);
    for (size_t i = 0; i < n; i++) {
        const char *op = operands[i];
        struct stat st;
        if (strcmp(op, "-") == 0)
            add_input(out, g_strdup(op), stdin_size(), NULL);
        else if (stat(op, &st) != 0)
            add_input(out, g_strdup(op), 0, NULL); /* open will say why */
        else if (S_ISDIR(st.st_mode))
            walk(out, op, globs);
        else
            add_input(out, g_strdup(op),
                      S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1, NULL);
    }
    return out;
}

int64_t fx_inputs_total(const GPtrArray *inputs)
{
    int64_t total = 0;
    for (guint i = 0; i < inputs->len; i++) {
        const fx_input *in = inputs->pdata[i];
        if (in->size < 0)
            return -1;
        total += in->size;
    }
    return total;
}

/* ---- lines ---- */

typedef enum {
    AT_LINE_START, /* nothing of the next line read yet */
    IN_ID,         /* reading what may be an id, into id[] */
    IN_DOCUMENT    /* the document is open; its text goes to ops.feed */
} lines_state;

struct fx_lines {
    fx_doc_ops ops;
    char *file;
    uint64_t line_no; /* line being read, 1-based; 0 before any */
    lines_state state;
    char id[FX_LINES_ID_MAX + 1];
    size_t id_len;    /* 0 <= id_len <= FX_LINES_ID_MAX + 1 */
    bool cr_held;     /* the last byte fed was a CR, held back */
    fx_status failed; /* first error of an op; sticky */
};

fx_lines *fx_lines_new(const char *file, const fx_doc_ops *ops)
{
    fx_lines *l = g_new0(fx_lines, 1);
    l->ops = *ops;
    l->file = g_strdup(file);
    l->state = AT_LINE_START;
    return l;
}

void fx_lines_free(fx_lines *lines)
{
    if (!lines)
        return;
    g_free(lines->file);
    g_free(lines);
}

/* Open the line's document, named by `id` (length `len`) or, without
 * one, by FILE:LINENO.  Ids are made valid UTF-8, as every cell is. */
static void begin_document(fx_lines *l, const char *id, size_t len)
{
    /* A UTF-8 byte order mark starting the file is not part of its
     * first id. */
    if (l->line_no == 1 && len >= 3 && memcmp(id, "\xEF\xBB\xBF", 3) == 0) {
        id += 3;
        len -= 3;
    }
    char *source = len ? g_utf8_make_valid(id, (gssize)len)
                       : g_strdup_printf("%s:%" PRIu64, l->file, l->line_no);
    l->failed = l->ops.begin(l->ops.payload, source);
    g_free(source);
    l->cr_held = false;
    l->state = IN_DOCUMENT;
}

/* Feed `len` bytes of the open document; `at_end` when the line ends
 * right after them.  A CR at the end of a piece is held until the next
 * byte shows whether it begins the line's CRLF end. */
static void feed_document(fx_lines *l, const char *p, size_t len, bool at_end)
{
    if (len == 0) {
        if (at_end)
            l->cr_held = false; /* CR then LF (or the end of input) */
        return;
    }
    if (l->cr_held) {
        l->cr_held = false;
        l->failed = l->ops.feed(l->ops.payload, "\r", 1);
        if (l->failed)
            return;
    }
    if (p[len - 1] == '\r') {
        len--;
        l->cr_held = !at_end;
    }
    if (len)
        l->failed = l->ops.feed(l->ops.payload, p, len);
}

static void end_document(fx_lines *l)
{
    if (!l->failed)
        feed_document(l, NULL, 0, true);
    if (!l->failed)
        l->failed = l->ops.finish(l->ops.payload);
    l->state = AT_LINE_START;
}

/* Read the id from buf[*pos, len); returns once it is known whether the
 * line has one (and its document is open) or the bytes run out. */
static void read_id(fx_lines *l, const char *buf, size_t len, size_t *pos)
{
    size_t room = sizeof l->id - l->id_len;
    size_t take = MIN(room, len - *pos), k = 0;
    while (k < take && buf[*pos + k] != '\t' && buf[*pos + k] != '\n')
        k++;
    memcpy(l->id + l->id_len, buf + *pos, k);
    l->id_len += k;
    *pos += k;
    if (k < take && buf[*pos] == '\t') {
        (*pos)++;
        begin_document(l, l->id, l->id_len);
    } else if (k < take) {
        /* The line ended without a TAB: all of it is the document. */
        (*pos)++;
        begin_document(l, NULL, 0);
        if (!l->failed)
            feed_document(l, l->id, l->id_len, true);
        end_document(l);
    } else if (l->id_len == sizeof l->id) {
        /* Too long to be an id: it is the start of the document. */
        begin_document(l, NULL, 0);
        if (!l->failed)
            feed_document(l, l->id, l->id_len, false);
    }
}

fx_status fx_lines_feed(fx_lines *l, const char *buf, size_t len)
{
    size_t pos = 0;
    while (pos < len && !l->failed) {
        if (l->state == AT_LINE_START) {
            l->line_no++;
            l->id_len = 0;
            l->state = IN_ID;
        }
        if (l->state == IN_ID) {
            read_id(l, buf, len, &pos);
            continue;
        }
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        feed_document(l, buf + pos, end - pos, nl != NULL);
        pos = nl ? end + 1 : len;
        if (nl && !l->failed)
            end_document(l);
    }
    return l->failed;
}

fx_status fx_lines_finish(fx_lines *l)
{
    if (l->failed)
        return l->failed;
    if (l->state == IN_ID) {
        begin_document(l, NULL, 0);
        if (!l->failed)
            feed_document(l, l->id, l->id_len, true);
    }
    if (l->state == IN_DOCUMENT)
        end_document(l);
    return l->failed;
}

/* ---- reading ---- */

bool fx_input_format_parse(const char *name, fx_input_format *out)
{
    if (strcmp(name, "text") == 0)
        *out = FX_INPUT_TEXT;
    else if (strcmp(name, "lines") == 0)
        *out = FX_INPUT_LINES;
    else
        return false;
    return true;
}

static fx_status engine_begin(void *payload, const char *source)
{
    return fx_engine_begin(payload, source);
}

static fx_status engine_feed(void *payload, const char *buf, size_t len)
{
    return fx_engine_feed(payload, buf, len);
}

static fx_status engine_finish(void *payload)
{
    return fx_engine_finish(payload);
}

/* ---- blocks of a file ---- */

/* A block read, and how the read went. */
typedef struct {
    char *buf;
    size_t n;
    int err;   /* errno of a failed read, else 0 */
    bool last; /* end of file, or an error: no block after it */
} block;

/*
 * The blocks of a file in order: read when asked, or with read-ahead by a
 * helper thread that fills one block while the caller scans the other
 * (two blocks go round between the queues `empty` and `full`).  The
 * helper only ever reads, so every message and error stays with the
 * caller, in order.
 */
typedef struct {
    FILE *fp;
    size_t size;
    block slots[2];
    GAsyncQueue *empty, *full;
    GThread *thread;
    gint stop;      /* atomic: the caller wants no more */
    block *current; /* the caller's, to go back to `empty` */
} block_source;

static void read_block(FILE *fp, block *b, size_t size)
{
    b->n = fread(b->buf, 1, size, fp);
    b->err = ferror(fp) ? errno : 0;
    b->last = b->n < size; /* fread stops short only at the end or an
                              error */
}

static gpointer read_ahead(gpointer data)
{
    block_source *src = data;
    for (;;) {
        block *b = g_async_queue_pop(src->empty);
        if (g_atomic_int_get(&src->stop)) {
            *b = (block){b->buf, 0, 0, true};
        } else {
            read_block(src->fp, b, src->size);
        }
        bool last = b->last;
        g_async_queue_push(src->full, b);
        if (last)
            return NULL;
    }
}

static void source_open(block_source *src, FILE *fp, char *buf, size_t size,
                        bool ahead)
{
    *src = (block_source){.fp = fp, .size = size};
    src->slots[0].buf = buf;
    if (!ahead)
        return;
    src->slots[1].buf = g_malloc(size);
    src->empty = g_async_queue_new();
    src->full = g_async_queue_new();
    g_async_queue_push(src->empty, &src->slots[0]);
    g_async_queue_push(src->empty, &src->slots[1]);
    src->thread = g_thread_new("figex-read", read_ahead, src);
}

/* The next block; NULL after the last. */
static const block *source_next(block_source *src)
{
    if (!src->thread) {
        if (src->current && src->current->last)
            return NULL;
        read_block(src->fp, &src->slots[0], src->size);
        src->current = &src->slots[0];
        return src->current;
    }
    if (src->current) {
        if (src->current->last)
            return NULL;
        g_async_queue_push(src->empty, src->current);
    }
    src->current = g_async_queue_pop(src->full);
    return src->current;
}

/* Stop reading (the helper ends after the block it is on). */
static void source_close(block_source *src)
{
    if (!src->thread)
        return;
    g_atomic_int_set(&src->stop, 1);
    while (!src->current || !src->current->last) {
        if (src->current)
            g_async_queue_push(src->empty, src->current);
        src->current = g_async_queue_pop(src->full);
    }
    g_thread_join(src->thread);
    g_async_queue_unref(src->empty);
    g_async_queue_unref(src->full);
    g_free(src->slots[1].buf);
}

/* Report a problem with an input, on a line of its own. */
static void report(const fx_reader *r, const char *path, const char *what,
                   const char *why)
{
    fx_progress_clear(r->progress);
    fprintf(stderr, "figex: %s: error: %s%s%s\n", path, what, why ? ": " : "",
            why ? why : "");
}

bool fx_inputs_read(const fx_reader *r, const fx_input *in,
                    fx_status *sink_status)
{
    if (in->error) {
        report(r, in->path, in->error, NULL);
        return false;
    }
    bool is_stdin = strcmp(in->path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(in->path, "rb");
    if (!fp) {
        report(r, in->path, "cannot open", g_strerror(errno));
        fx_progress_add(r->progress, in->size > 0 ? (uint64_t)in->size : 0);
        return false;
    }
    bool ok = true;
    uint64_t got = 0;
    fx_lines *lines = NULL;
    fx_status st = FX_OK;
    if (r->format == FX_INPUT_LINES) {
        fx_doc_ops ops = {engine_begin, engine_feed, engine_finish, r->engine};
        lines = fx_lines_new(in->path, &ops);
    } else {
        st = fx_engine_begin(r->engine, in->path);
    }
    /* With a progress line, a big block is fed in slices so that the
     * line moves while the block is scanned; the rows are the same for
     * any slicing. */
    size_t slice = r->progress ? MIN(r->block, PROGRESS_SLICE) : r->block;
    /* Only a regular file is read ahead: a read of a pipe may wait for
     * its writer, and a read that stopped early must end at once. */
    struct stat st_in;
    bool regular = !is_stdin && fstat(fileno(fp), &st_in) == 0 &&
                   S_ISREG(st_in.st_mode);
    block_source src;
    source_open(&src, fp, r->buf, r->block, r->read_ahead && regular);
    const block *b;
    int read_err = 0;
    while (st == FX_OK && (b = source_next(&src))) {
        for (size_t at = 0; at < b->n && st == FX_OK; at += slice) {
            size_t len = MIN(slice, b->n - at);
            st = lines ? fx_lines_feed(lines, b->buf + at, len)
                       : fx_engine_feed(r->engine, b->buf + at, len);
            fx_progress_add(r->progress, len);
            got += len;
        }
        read_err = b->err;
    }
    source_close(&src);
    if (read_err) {
        report(r, in->path, "read failed", g_strerror(read_err));
        ok = false;
    }
    if (st == FX_OK)
        st = lines ? fx_lines_finish(lines) : fx_engine_finish(r->engine);
    else if (st == FX_ERR_INPUT)
        fx_engine_finish(r->engine); /* close the refused document */
    if (st == FX_ERR_INPUT) {
        /* Not UTF-8 text (UTF-16, say): the engine has said why; the
         * other inputs are still read.  With --input-format lines the
         * rest of the file is left, since its other lines are alike. */
        ok = false;
        st = FX_OK;
    }
    fx_lines_free(lines);
    if (!is_stdin)
        fclose(fp);
    /* Keep the progress line's count in step with its total when the
     * file was shorter than it was listed, or unreadable halfway. */
    if (in->size > 0 && got < (uint64_t)in->size)
        fx_progress_add(r->progress, (uint64_t)in->size - got);
    if (st != FX_OK)
        *sink_status = st;
    return ok;
}
