/*
 * fuzz_emit.c: the CSV and TSV writers, read back.
 *
 * Byte 0 holds flags: bit 0 TSV (else CSV), bit 1 a byte order mark,
 * bit 2 fold the text cell as the engine does.  The rest, split at NUL
 * bytes, gives the string cells, 14 to a row (a last short row is padded
 * with ""); the numbers and the type come from the cells' lengths.  The
 * rows are written into a memory stream, read back (CSV with libcsv, TSV
 * by undoing its escapes), and every cell must come back as it went in,
 * the header row first.
 */
#include "fuzz.h"
#include "internal.h"

#include <csv.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_fatal_glib_warnings();
    return 0;
}

/* String cells a row takes from the input (make_row() lists them). */
#define NSTRINGS 14

/* The cells read back: a GPtrArray of rows, each a GPtrArray of char *. */
typedef struct {
    GPtrArray *rows;
    GPtrArray *row; /* the row being read */
} table;

static void table_init(table *t)
{
    t->rows =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    t->row = g_ptr_array_new_with_free_func(g_free);
}

static void table_end_row(table *t)
{
    g_ptr_array_add(t->rows, t->row);
    t->row = g_ptr_array_new_with_free_func(g_free);
}

static void table_clear(table *t)
{
    g_ptr_array_unref(t->rows);
    g_ptr_array_unref(t->row);
}

static void on_field(void *s, size_t len, void *payload)
{
    table *t = payload;
    g_ptr_array_add(t->row, g_strndup(s, len));
}

static void on_record(int c, void *payload)
{
    (void)c;
    table_end_row(payload);
}

static void read_csv(table *t, const char *buf, size_t len)
{
    struct csv_parser p;
    FUZZ_CHECK(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) == 0);
    FUZZ_CHECK(csv_parse(&p, buf, len, on_field, on_record, t) == len);
    FUZZ_CHECK(csv_fini(&p, on_field, on_record, t) == 0);
    csv_free(&p);
}

/* TSV: LF ends a row, TAB a cell; \t \n \r \\ are the only escapes. */
static void read_tsv(table *t, const char *buf, size_t len)
{
    GString *cell = g_string_new(NULL);
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (c == '\t' || c == '\n') {
            g_ptr_array_add(t->row, g_strdup(cell->str));
            g_string_truncate(cell, 0);
            if (c == '\n')
                table_end_row(t);
            continue;
        }
        FUZZ_CHECK(c != '\r');
        if (c == '\\') {
            FUZZ_CHECK(i + 1 < len);
            c = buf[++i];
            FUZZ_CHECK(strchr("tnr\\", c) && c != '\0');
            c = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : '\\';
        }
        g_string_append_c(cell, c);
    }
    /* Every row ends in LF. */
    FUZZ_CHECK(cell->len == 0 && t->row->len == 0);
    g_string_free(cell, TRUE);
}

/* Point the string fields of `row` at `cells` (NSTRINGS of them). */
static void make_row(fx_row *row, char **cells, unsigned index)
{
    const char **s[NSTRINGS] = {
        &row->source,  &row->text,        &row->value,     &row->low,
        &row->high,    &row->unit,        &row->qualifier, &row->precision,
        &row->acronym, &row->title,       &row->as_of,     &row->agency,
        &row->rule,    &row->rule_source,
    };
    for (size_t i = 0; i < NSTRINGS; i++)
        *s[i] = cells[i];
    /* Numbers of every size, UINT64_MAX included. */
    uint64_t n = 0;
    for (size_t i = 0; i < NSTRINGS; i++)
        n = n * 31 + strlen(cells[i]);
    row->start_byte = n;
    row->end_byte = index ? UINT64_MAX - n : 0;
    row->line = n >> (index % 64);
    row->column = index;
    row->type = (fx_type)(n % FX_TYPE_IGNORE); /* the types of rows */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool tsv = data[0] & 1, bom = data[0] & 2, fold = data[0] & 4;

    /* The cells, NUL-separated, padded to whole rows. */
    GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
    const char *s = (const char *)data + 1, *end = (const char *)data + size;
    while (s < end) {
        const char *z = memchr(s, '\0', (size_t)(end - s));
        const char *e = z ? z : end;
        g_ptr_array_add(cells, g_strndup(s, (gsize)(e - s)));
        s = z ? z + 1 : end;
    }
    while (cells->len % NSTRINGS)
        g_ptr_array_add(cells, g_strdup(""));
    unsigned nrows = cells->len / NSTRINGS;
    if (fold)
        for (unsigned r = 0; r < nrows; r++) {
            char **text = (char **)&cells->pdata[r * NSTRINGS + 1];
            GString *f = g_string_new(NULL);
            fx_text__fold(f, *text, strlen(*text));
            g_free(*text);
            *text = g_string_free(f, FALSE);
        }

    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    FUZZ_CHECK(fp != NULL);
    fx_sink sink;
    unsigned flags = bom ? FX_EMIT_BOM : 0;
    FUZZ_CHECK((tsv ? fx_emit_tsv_new_ext(&sink, fp, flags)
                    : fx_emit_csv_new_ext(&sink, fp, flags)) == FX_OK);
    FUZZ_CHECK(sink.begin(sink.payload) == FX_OK);
    for (unsigned r = 0; r < nrows; r++) {
        fx_row row;
        make_row(&row, (char **)&cells->pdata[r * NSTRINGS], r);
        FUZZ_CHECK(sink.row(sink.payload, &row) == FX_OK);
    }
    FUZZ_CHECK(sink.finish(sink.payload) == FX_OK);
    fx_sink_free(&sink);
    FUZZ_CHECK(fclose(fp) == 0);

    const char *text = buf;
    if (bom) {
        FUZZ_CHECK(len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0);
        text += 3;
    }
    size_t text_len = len - (size_t)(text - buf);
    table t;
    table_init(&t);
    if (tsv)
        read_tsv(&t, text, text_len);
    else
        read_csv(&t, text, text_len);
    FUZZ_CHECK(t.rows->len == nrows + 1);
    for (unsigned r = 0; r <= nrows; r++) {
        GPtrArray *got = g_ptr_array_index(t.rows, r);
        FUZZ_CHECK(got->len == FX_COL_COUNT);
        fx_row row;
        if (r > 0)
            make_row(&row, (char **)&cells->pdata[(r - 1) * NSTRINGS], r - 1);
        for (int c = 0; c < FX_COL_COUNT; c++) {
            char cb[FX_CELL_BUF];
            const char *want = r == 0 ? fx_column_name((fx_column)c)
                                      : fx_row_cell(&row, (fx_column)c, cb);
            const char *cell = g_ptr_array_index(got, c);
            if (strcmp(want, cell) != 0) {
                fprintf(stderr, "row %u column %d: wrote [%s] read [%s]\n", r,
                        c, want, cell);
                FUZZ_CHECK(!"a cell did not round trip");
            }
        }
    }
    table_clear(&t);
    free(buf);
    g_ptr_array_unref(cells);
    return 0;
}
