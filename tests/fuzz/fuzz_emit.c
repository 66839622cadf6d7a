/*
 * fuzz_emit.c: the CSV, TSV and JSON Lines writers, read back.
 *
 * Byte 0 holds flags: bits 0-1 the format (0 and 3 CSV, 1 TSV, 2 JSON
 * Lines), bit 2 a byte order mark (CSV and TSV), bit 3 fold the text
 * cell as the engine does.  The rest, split at NUL bytes, gives the
 * string cells, 14 to a row (a last short row is padded with ""); the
 * numbers and the type come from the cells' lengths.  The rows are
 * written into a memory stream and read back (CSV with libcsv, TSV by
 * undoing its escapes, JSON Lines with json-glib), and every cell must
 * come back as it went in, after the header row of CSV and TSV.  JSON
 * takes only valid UTF-8 and numbers below 2^63, as the engine's rows
 * are, so for it the cells are made valid first.
 */
#include "fuzz.h"
#include "internal.h"

#include <csv.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
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

/* JSON Lines: one object a line, its members the columns in order. */
static void read_jsonl(table *t, const char *buf, size_t len)
{
    JsonParser *parser = json_parser_new();
    const char *s = buf, *end = buf + len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        FUZZ_CHECK(nl != NULL);
        FUZZ_CHECK(json_parser_load_from_data(parser, s, nl - s, NULL));
        JsonNode *root = json_parser_get_root(parser);
        FUZZ_CHECK(JSON_NODE_HOLDS_OBJECT(root));
        JsonObject *obj = json_node_get_object(root);
        FUZZ_CHECK(json_object_get_size(obj) == FX_COL_COUNT);
        JsonObjectIter it;
        const char *name;
        JsonNode *node;
        json_object_iter_init_ordered(&it, obj);
        for (int c = 0; json_object_iter_next_ordered(&it, &name, &node);
             c++) {
            FUZZ_CHECK(strcmp(name, fx_column_name((fx_column)c)) == 0);
            FUZZ_CHECK(JSON_NODE_HOLDS_VALUE(node));
            if (json_node_get_value_type(node) == G_TYPE_INT64)
                g_ptr_array_add(t->row,
                                g_strdup_printf("%" G_GINT64_FORMAT,
                                                json_node_get_int(node)));
            else
                g_ptr_array_add(t->row, g_strdup(json_node_get_string(node)));
        }
        table_end_row(t);
        s = nl + 1;
    }
    g_object_unref(parser);
}

/* Point the string fields of `row` at `cells` (NSTRINGS of them). */
static void make_row(fx_row *row, char **cells, unsigned index, bool json)
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
    if (json) {
        row->start_byte &= INT64_MAX;
        row->end_byte &= INT64_MAX;
        row->line &= INT64_MAX;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fx_format format = (fx_format)(data[0] & 3);
    if (format > FX_FORMAT_JSONL)
        format = FX_FORMAT_CSV;
    bool json = format == FX_FORMAT_JSONL;
    bool bom = !json && (data[0] & 4), fold = data[0] & 8;

    /* The cells, NUL-separated, padded to whole rows. */
    GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
    const char *s = (const char *)data + 1, *end = (const char *)data + size;
    while (s < end) {
        const char *z = memchr(s, '\0', (size_t)(end - s));
        const char *e = z ? z : end;
        g_ptr_array_add(cells, json ? g_utf8_make_valid(s, e - s)
                                    : g_strndup(s, (gsize)(e - s)));
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
    fx_status made = json ? fx_emit_jsonl_new(&sink, fp)
                     : format == FX_FORMAT_TSV
                         ? fx_emit_tsv_new_ext(&sink, fp, flags)
                         : fx_emit_csv_new_ext(&sink, fp, flags);
    FUZZ_CHECK(made == FX_OK);
    FUZZ_CHECK(sink.begin(sink.payload) == FX_OK);
    for (unsigned r = 0; r < nrows; r++) {
        fx_row row;
        make_row(&row, (char **)&cells->pdata[r * NSTRINGS], r, json);
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
    if (json)
        read_jsonl(&t, text, text_len);
    else if (format == FX_FORMAT_TSV)
        read_tsv(&t, text, text_len);
    else
        read_csv(&t, text, text_len);
    /* A header row first, but in JSON Lines. */
    unsigned header = json ? 0 : 1;
    FUZZ_CHECK(t.rows->len == nrows + header);
    for (unsigned r = 0; r < t.rows->len; r++) {
        GPtrArray *got = g_ptr_array_index(t.rows, r);
        FUZZ_CHECK(got->len == FX_COL_COUNT);
        fx_row row;
        if (r >= header)
            make_row(&row, (char **)&cells->pdata[(r - header) * NSTRINGS],
                     r - header, json);
        for (int c = 0; c < FX_COL_COUNT; c++) {
            char cb[FX_CELL_BUF];
            const char *want = r < header
                                   ? fx_column_name((fx_column)c)
                                   : fx_row_cell(&row, (fx_column)c, cb);
            const char *cell = g_ptr_array_index(got, c);
            /* CSV and TSV put an apostrophe before a formula-like cell;
             * JSON Lines writes every cell as it is. */
            if (!json && r >= header && fx_cell_is_formula(want) &&
                cell[0] == '\'')
                cell++;
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
