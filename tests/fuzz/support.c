/*
 * support.c: helpers the fuzz targets share (fuzz.h).
 */
#include "fuzz.h"
#include "internal.h"

#include <string.h>

static void fatal_handler(const gchar *domain, GLogLevelFlags level,
                          const gchar *message, gpointer payload)
{
    (void)payload;
    if (level &
        (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) {
        fprintf(stderr, "%s: %s\n", domain ? domain : "glib", message);
        abort();
    }
}

void fuzz_fatal_glib_warnings(void)
{
    g_log_set_default_handler(fatal_handler, NULL);
}

/* ---- scanning a document twice ---- */

typedef struct {
    GString *out;     /* the rows so far, serialised */
    const char *text; /* the document */
    size_t len;       /* its length */
    uint64_t last;    /* start_byte of the row before */
    GString *fold;    /* scratch */
} capture;

static void check_cell(const char *s, bool one_line)
{
    FUZZ_CHECK(s != NULL);
    FUZZ_CHECK(g_utf8_validate(s, -1, NULL));
    if (one_line)
        FUZZ_CHECK(strpbrk(s, "\t\n\r\f\v") == NULL);
}

static fx_status on_row(void *payload, const fx_row *r)
{
    capture *c = payload;
    FUZZ_CHECK(r->type < FX_TYPE_COUNT && r->type != FX_TYPE_IGNORE);
    FUZZ_CHECK(r->start_byte < r->end_byte && r->end_byte <= c->len);
    FUZZ_CHECK(r->start_byte >= c->last);
    FUZZ_CHECK(r->line >= 1 && r->column >= 1);
    FUZZ_CHECK(r->source && strcmp(r->source, "fuzz") == 0);
    c->last = r->start_byte;
    g_string_truncate(c->fold, 0);
    fx_text__fold(c->fold, c->text + r->start_byte,
                  (gsize)(r->end_byte - r->start_byte));
    FUZZ_CHECK(strcmp(c->fold->str, r->text) == 0);
    /* LF, CRLF and a lone CR end a line; a UTF-8 byte order mark is no
     * character. */
    uint64_t line = 1, column = 1, from = 0;
    if (c->len >= 3 && memcmp(c->text, "\xef\xbb\xbf", 3) == 0)
        from = 3;
    for (uint64_t i = from; i < r->start_byte; i++) {
        unsigned char b = (unsigned char)c->text[i];
        if (b == '\n' || b == '\r') {
            line += b == '\r' || i == from || c->text[i - 1] != '\r';
            column = 1;
        } else if ((b & 0xC0) != 0x80) {
            column++;
        }
    }
    FUZZ_CHECK(r->line == line && r->column == column);
    char buf[FX_CELL_BUF];
    for (int col = 0; col < FX_COL_COUNT; col++) {
        const char *cell = fx_row_cell(r, (fx_column)col, buf);
        /* The text is folded: no line breaks or tabs are left in it. */
        check_cell(cell, col == FX_COL_TEXT);
        g_string_append(c->out, cell);
        g_string_append_c(c->out, '\x1f');
    }
    g_string_append_c(c->out, '\n');
    return FX_OK;
}

static void on_diag(const fx_diag *d, void *payload)
{
    const capture *c = payload;
    FUZZ_CHECK(d->message != NULL);
    FUZZ_CHECK(d->offset <= c->len);
}

/* Scan `text` as one document in blocks of `block` bytes.  A document
 * that is not UTF-8 (UTF-16, say) is refused: "refused" is then the
 * output, which must not depend on the block size either. */
static void scan(fx_engine *eng, capture *c, const uint8_t *text, size_t len,
                 size_t block)
{
    g_string_truncate(c->out, 0);
    c->last = 0;
    FUZZ_CHECK(fx_engine_begin(eng, "fuzz") == FX_OK);
    fx_status st = FX_OK;
    for (size_t at = 0; at < len && st == FX_OK; at += block) {
        size_t n = len - at < block ? len - at : block;
        st = fx_engine_feed(eng, text + at, n);
    }
    fx_status end = fx_engine_finish(eng);
    if (st == FX_OK)
        st = end;
    FUZZ_CHECK(st == FX_OK || st == FX_ERR_INPUT);
    if (st == FX_ERR_INPUT) {
        FUZZ_CHECK(c->out->len == 0);
        g_string_assign(c->out, "refused\n");
    }
}

void fuzz_scan_twice(const fx_ruleset *rules, const uint8_t *text, size_t len,
                     size_t block, unsigned opts)
{
    capture c = {g_string_new(NULL), (const char *)text, len, 0,
                 g_string_new(NULL)};
    fx_sink sink = {"fuzz", NULL, on_row, NULL, NULL, &c};
    fx_engine *eng = NULL;
    FUZZ_CHECK(fx_engine_new(&eng, rules, &sink, on_diag, &c) == FX_OK);
    fx_engine_set_day_first(eng, opts & 1);
    if (opts & 2)
        FUZZ_CHECK(fx_engine_set_doc_date(eng, "2020-02-29") == FX_OK);
    if ((opts >> 2) & 0xf)
        fx_engine_set_types(eng, (opts >> 2) & 0xf);

    /* The reference: whole, one thread, every rule tried everywhere.
     * Then in blocks, with the prefilter and two threads. */
    fx_engine_set_prefilter(eng, 0);
    scan(eng, &c, text, len, len ? len : 1);
    char *whole = g_strdup(c.out->str);
    fx_engine_set_prefilter(eng, 1);
    FUZZ_CHECK(fx_engine_set_threads(eng, 2) == FX_OK);
    scan(eng, &c, text, len, block);
    if (strcmp(whole, c.out->str) != 0) {
        fprintf(stderr,
                "block size %zu, prefilter and threads changed the rows:"
                "\n-- whole:\n%s-- in blocks:\n%s",
                block, whole, c.out->str);
        FUZZ_CHECK(!"the rows depend on the block size, prefilter or "
                    "threads");
    }
    g_free(whole);
    fx_engine_free(eng);
    g_string_free(c.out, TRUE);
    g_string_free(c.fold, TRUE);
}
