/*
 * fuzz_engine.c: the engine and its normalisers on arbitrary text.
 *
 * The bundled rules (FIGEX_RULES_DIR, the source tree's rules/) are loaded
 * once.  The first two bytes of an input choose how it is scanned, the
 * rest is the document:
 *
 *     byte 0   block size: 1-64 below 0x80, else 1 + 37 * (b & 0x7f)
 *     byte 1   bit 0 --day-first, bit 1 a fixed document date,
 *              bits 2-5 the types kept (0: all of them)
 *
 * The document is scanned twice by one engine: in one block, then in
 * blocks of the chosen size.  Both scans must give the same rows, byte for
 * byte as serialised here (the output does not depend on the chunking, and
 * nothing is carried from one document to the next), and every row must
 * keep the promises of figex.h.
 */
#include "fuzz.h"

#include <figex.h>
#include <glib.h>

#include <stdbool.h>
#include <string.h>

static fx_ruleset *rules;

typedef struct {
    GString *out;  /* the rows so far, serialised */
    size_t len;    /* length of the document */
    uint64_t last; /* start_byte of the row before */
} capture;

static void free_rules(void)
{
    fx_ruleset_free(rules);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_fatal_glib_warnings();
    const char *dir = FIGEX_RULES_DIR;
    FUZZ_CHECK(fx_ruleset_load(&rules, &dir, 1, NULL, NULL) == FX_OK);
    atexit(free_rules);
    return 0;
}

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

/* Scan `text` as one document in blocks of `block` bytes. */
static void scan(fx_engine *eng, capture *c, const uint8_t *text, size_t len,
                 size_t block)
{
    g_string_truncate(c->out, 0);
    c->last = 0;
    FUZZ_CHECK(fx_engine_begin(eng, "fuzz") == FX_OK);
    for (size_t at = 0; at < len; at += block) {
        size_t n = len - at < block ? len - at : block;
        FUZZ_CHECK(fx_engine_feed(eng, text + at, n) == FX_OK);
    }
    FUZZ_CHECK(fx_engine_finish(eng) == FX_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t block =
        data[0] < 0x80 ? 1u + (data[0] & 0x3f) : 1u + 37u * (data[0] & 0x7f);
    unsigned opts = data[1];
    const uint8_t *text = data + 2;
    size_t len = size - 2;

    capture c = {g_string_new(NULL), len, 0};
    fx_sink sink = {"fuzz", NULL, on_row, NULL, NULL, &c};
    fx_engine *eng = NULL;
    FUZZ_CHECK(fx_engine_new(&eng, rules, &sink, on_diag, &c) == FX_OK);
    fx_engine_set_day_first(eng, opts & 1);
    if (opts & 2)
        FUZZ_CHECK(fx_engine_set_doc_date(eng, "2020-02-29") == FX_OK);
    if ((opts >> 2) & 0xf)
        fx_engine_set_types(eng, (opts >> 2) & 0xf);

    scan(eng, &c, text, len, len ? len : 1);
    char *whole = g_strdup(c.out->str);
    scan(eng, &c, text, len, block);
    if (strcmp(whole, c.out->str) != 0) {
        fprintf(stderr,
                "block size %zu changed the rows:\n-- whole:\n%s"
                "-- in blocks:\n%s",
                block, whole, c.out->str);
        FUZZ_CHECK(!"the rows depend on the block size");
    }
    g_free(whole);
    fx_engine_free(eng);
    g_string_free(c.out, TRUE);
    return 0;
}
