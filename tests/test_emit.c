/*
 * test_emit.c: the CSV and TSV sinks and the row schema.
 *
 * Rows are written to memory streams (open_memstream) and read back: CSV
 * with libcsv's parser, TSV by undoing its escapes.  Also: the header row,
 * unquoted numbers, fx_row_cell(), write errors on /dev/full, and
 * fx_sink_free() on a zeroed sink.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figex.h"
#include "support.h"

/* NULL-terminated for g_strjoinv. */
static const char *const columns[FX_COL_COUNT + 1] = {
    "source",  "start_byte", "end_byte",  "line",    "column",
    "type",    "text",       "value",     "low",     "high",
    "unit",    "qualifier",  "precision", "acronym", "title",
    "as_of",   "agency",     "rule",      "rule_source",
};

/* A row whose text cells hold everything a CSV writer can get wrong. */
static fx_row tricky_row(void)
{
    fx_row r = {
        .source = "dir with space/in,put \"1\".txt",
        .start_byte = 12345,
        .end_byte = 12399,
        .line = 3,
        .column = 7,
        .type = FX_TYPE_STATISTIC,
        .text = "more than\n300,000 \"investigations\"",
        .value = "300000",
        .low = "300000",
        .high = "",
        .unit = " leading and trailing ",
        .qualifier = ">",
        .precision = "",
        .acronym = "\"",
        .title = "Rapporteur, \xC5\xA0imonovi\xC4\x87 \xE2\x80\x93 "
                 "caf\xC3\xA9",
        .as_of = "line1\r\nline2",
        .agency = "tab\there\\back",
        .rule = "statistic-count",
        .rule_source = "rules/statistic.rules:31",
    };
    return r;
}

/* The expected text of each cell of `r`, in column order. */
static void row_cells(const fx_row *r, const char *cells[FX_COL_COUNT],
                      char bufs[FX_COL_COUNT][FX_CELL_BUF])
{
    for (int c = 0; c < FX_COL_COUNT; c++)
        cells[c] = fx_row_cell(r, (fx_column)c, bufs[c]);
}

/* ---- a memory stream ---- */

typedef struct {
    char *data;
    size_t len;
    FILE *fp;
} memout;

static void memout_open(memout *m)
{
    m->data = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->data, &m->len);
    assert_non_null(m->fp);
}

static void memout_close(memout *m)
{
    assert_int_equal(fclose(m->fp), 0);
    m->fp = NULL;
}

/* Write the header and `n` rows through `sink`, then close the stream. */
static void write_rows(fx_sink *sink, memout *m, const fx_row *rows,
                       size_t n)
{
    assert_int_equal(sink->begin(sink->payload), FX_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(sink->row(sink->payload, &rows[i]), FX_OK);
    assert_int_equal(sink->finish(sink->payload), FX_OK);
    memout_close(m);
}

/* ---- schema ---- */

static void test_column_names(void **state)
{
    (void)state;
    for (int c = 0; c < FX_COL_COUNT; c++)
        assert_string_equal(fx_column_name((fx_column)c), columns[c]);
    assert_int_equal(FX_COL_COUNT, 19);
    assert_null(fx_column_name(FX_COL_COUNT));
    assert_null(fx_column_name((fx_column)-1));
}

static void test_row_cell(void **state)
{
    (void)state;
    fx_row r = tricky_row();
    r.start_byte = UINT64_MAX;
    r.end_byte = 0;
    r.line = 1;
    r.column = 4294967296ull;
    char buf[FX_CELL_BUF];
    const char *s = fx_row_cell(&r, FX_COL_START_BYTE, buf);
    assert_ptr_equal(s, buf);
    assert_string_equal(s, "18446744073709551615");
    assert_string_equal(fx_row_cell(&r, FX_COL_END_BYTE, buf), "0");
    assert_string_equal(fx_row_cell(&r, FX_COL_LINE, buf), "1");
    assert_string_equal(fx_row_cell(&r, FX_COL_COLUMN, buf), "4294967296");
    assert_string_equal(fx_row_cell(&r, FX_COL_TYPE, buf), "statistic");
    /* Text columns are the row's own strings, not copies. */
    assert_ptr_equal(fx_row_cell(&r, FX_COL_SOURCE, buf), r.source);
    assert_ptr_equal(fx_row_cell(&r, FX_COL_TEXT, buf), r.text);
    assert_ptr_equal(fx_row_cell(&r, FX_COL_AGENCY, buf), r.agency);
    assert_ptr_equal(fx_row_cell(&r, FX_COL_RULE_SOURCE, buf),
                     r.rule_source);
    static const char *const types[] = {"agency", "official", "date",
                                        "statistic", "ignore"};
    for (int t = 0; t < FX_TYPE_COUNT; t++) {
        r.type = (fx_type)t;
        assert_string_equal(fx_row_cell(&r, FX_COL_TYPE, buf), types[t]);
    }
    assert_string_equal(fx_row_cell(&r, FX_COL_COUNT, buf), "");
}

/* ---- CSV ---- */

static void test_csv_header(void **state)
{
    (void)state;
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_csv_new(&sink, m.fp), FX_OK);
    assert_string_equal(sink.name, "csv");
    write_rows(&sink, &m, NULL, 0);
    char *joined = g_strjoinv(",", (char **)columns);
    char *want = g_strconcat(joined, "\n", NULL);
    assert_string_equal(m.data, want);
    assert_int_equal(m.len, strlen(want));
    fx_sink_free(&sink);
    g_free(want);
    g_free(joined);
    free(m.data);
}

static void test_csv_round_trip(void **state)
{
    (void)state;
    fx_row rows[2] = {tricky_row(), tricky_row()};
    rows[1].source = "plain.txt";
    rows[1].type = FX_TYPE_DATE;
    rows[1].text = "";
    rows[1].line = 0;
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_csv_new(&sink, m.fp), FX_OK);
    write_rows(&sink, &m, rows, 2);
    GPtrArray *parsed = parse_csv(m.data, m.len);
    assert_int_equal(parsed->len, 3);
    GPtrArray *head = g_ptr_array_index(parsed, 0);
    assert_int_equal(head->len, FX_COL_COUNT);
    for (int c = 0; c < FX_COL_COUNT; c++)
        assert_string_equal(g_ptr_array_index(head, c), columns[c]);
    for (int i = 0; i < 2; i++) {
        GPtrArray *got = g_ptr_array_index(parsed, (guint)i + 1);
        const char *cells[FX_COL_COUNT];
        char bufs[FX_COL_COUNT][FX_CELL_BUF];
        row_cells(&rows[i], cells, bufs);
        assert_int_equal(got->len, FX_COL_COUNT);
        for (int c = 0; c < FX_COL_COUNT; c++) {
            if (strcmp(g_ptr_array_index(got, c), cells[c]) != 0)
                print_message("row %d column %s\n", i, columns[c]);
            assert_string_equal(g_ptr_array_index(got, c), cells[c]);
        }
    }
    g_ptr_array_unref(parsed);
    fx_sink_free(&sink);
    free(m.data);
}

/* Plain cells are written bare, only the ones that need it are quoted, and
 * a quote inside a cell is doubled. */
static void test_csv_quoting(void **state)
{
    (void)state;
    fx_row r = tricky_row();
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_csv_new(&sink, m.fp), FX_OK);
    write_rows(&sink, &m, &r, 1);
    const char *row = strchr(m.data, '\n') + 1;
    const char *want =
        "\"dir with space/in,put \"\"1\"\".txt\",12345,12399,3,7,statistic,"
        "\"more than\n300,000 \"\"investigations\"\"\",300000,300000,,"
        "\" leading and trailing \",>,,\"\"\"\","
        "\"Rapporteur, \xC5\xA0imonovi\xC4\x87 \xE2\x80\x93 caf\xC3\xA9\","
        "\"line1\r\nline2\",\"tab\there\\back\",statistic-count,"
        "rules/statistic.rules:31\n";
    assert_string_equal(row, want);
    fx_sink_free(&sink);
    free(m.data);
}

/* ---- TSV ---- */

/* Undo the TSV escapes of one cell. */
static char *tsv_unescape(const char *s, size_t n)
{
    GString *out = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char c = s[++i];
            g_string_append_c(out, c == 't'   ? '\t'
                                   : c == 'n' ? '\n'
                                   : c == 'r' ? '\r'
                                              : c);
            continue;
        }
        g_string_append_c(out, s[i]);
    }
    return g_string_free(out, FALSE);
}

static void test_tsv_header(void **state)
{
    (void)state;
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_tsv_new(&sink, m.fp), FX_OK);
    assert_string_equal(sink.name, "tsv");
    write_rows(&sink, &m, NULL, 0);
    char *joined = g_strjoinv("\t", (char **)columns);
    char *want = g_strconcat(joined, "\n", NULL);
    assert_string_equal(m.data, want);
    fx_sink_free(&sink);
    g_free(want);
    g_free(joined);
    free(m.data);
}

static void test_tsv_escapes(void **state)
{
    (void)state;
    fx_row r = tricky_row();
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_tsv_new(&sink, m.fp), FX_OK);
    write_rows(&sink, &m, &r, 1);
    const char *row = strchr(m.data, '\n') + 1;
    const char *want =
        "dir with space/in,put \"1\".txt\t12345\t12399\t3\t7\tstatistic\t"
        "more than\\n300,000 \"investigations\"\t300000\t300000\t\t"
        " leading and trailing \t>\t\t\"\t"
        "Rapporteur, \xC5\xA0imonovi\xC4\x87 \xE2\x80\x93 caf\xC3\xA9\t"
        "line1\\r\\nline2\ttab\\there\\\\back\tstatistic-count\t"
        "rules/statistic.rules:31\n";
    assert_string_equal(row, want);
    fx_sink_free(&sink);
    free(m.data);
}

static void test_tsv_round_trip(void **state)
{
    (void)state;
    fx_row r = tricky_row();
    r.value = "\\n is not a newline\\";
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_tsv_new(&sink, m.fp), FX_OK);
    fx_row rows[3] = {r, r, r};
    write_rows(&sink, &m, rows, 3);
    /* One row is one line: a header and three rows make four LFs, and no
     * CR is left in the output. */
    size_t lf = 0;
    for (size_t i = 0; i < m.len; i++)
        lf += m.data[i] == '\n';
    assert_int_equal(lf, 4);
    assert_null(memchr(m.data, '\r', m.len));
    char **lines = g_strsplit(m.data, "\n", -1);
    assert_int_equal(g_strv_length(lines), 5);
    assert_string_equal(lines[4], "");
    const char *cells[FX_COL_COUNT];
    char bufs[FX_COL_COUNT][FX_CELL_BUF];
    row_cells(&r, cells, bufs);
    for (int i = 1; i <= 3; i++) {
        char **f = g_strsplit(lines[i], "\t", -1);
        assert_int_equal(g_strv_length(f), FX_COL_COUNT);
        for (int c = 0; c < FX_COL_COUNT; c++) {
            char *u = tsv_unescape(f[c], strlen(f[c]));
            assert_string_equal(u, cells[c]);
            g_free(u);
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    fx_sink_free(&sink);
    free(m.data);
}

/* ---- write errors ---- */

typedef fx_status (*sink_new_fn)(fx_sink *, FILE *);

/* With a 16-byte buffer, the header overflows it: begin and row fail. */
static void check_full_device_small_buffer(sink_new_fn make)
{
    FILE *fp = fopen("/dev/full", "w");
    if (!fp) {
        skip();
        return;
    }
    static char buf[16];
    assert_int_equal(setvbuf(fp, buf, _IOFBF, sizeof buf), 0);
    fx_sink sink = {0};
    assert_int_equal(make(&sink, fp), FX_OK);
    fx_row r = tricky_row();
    assert_int_equal(sink.begin(sink.payload), FX_ERR_IO);
    assert_int_equal(sink.row(sink.payload, &r), FX_ERR_IO);
    assert_int_equal(sink.finish(sink.payload), FX_ERR_IO);
    fx_sink_free(&sink);
    fclose(fp);
}

/* With the default buffer everything fits until the final flush: finish
 * must still see the error. */
static void check_full_device_late_error(sink_new_fn make)
{
    FILE *fp = fopen("/dev/full", "w");
    if (!fp) {
        skip();
        return;
    }
    fx_sink sink = {0};
    assert_int_equal(make(&sink, fp), FX_OK);
    fx_row r = tricky_row();
    r.text = "short";
    assert_int_equal(sink.begin(sink.payload), FX_OK);
    assert_int_equal(sink.row(sink.payload, &r), FX_OK);
    assert_int_equal(sink.finish(sink.payload), FX_ERR_IO);
    fx_sink_free(&sink);
    fclose(fp);
}

static void test_csv_write_error(void **state)
{
    (void)state;
    check_full_device_small_buffer(fx_emit_csv_new);
    check_full_device_late_error(fx_emit_csv_new);
}

static void test_tsv_write_error(void **state)
{
    (void)state;
    check_full_device_small_buffer(fx_emit_tsv_new);
    check_full_device_late_error(fx_emit_tsv_new);
}

/* ---- freeing ---- */

static void test_sink_free(void **state)
{
    (void)state;
    fx_sink zero = {0};
    fx_sink_free(&zero);
    assert_null(zero.payload);
    fx_sink_free(NULL);
    /* A real sink: freed once, then a no-op. */
    fx_sink sink = {0};
    assert_int_equal(fx_emit_csv_new(&sink, stdout), FX_OK);
    assert_non_null(sink.payload);
    assert_non_null(sink.free);
    fx_sink_free(&sink);
    assert_null(sink.payload);
    fx_sink_free(&sink);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_column_names),
        cmocka_unit_test(test_row_cell),
        cmocka_unit_test(test_csv_header),
        cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_tsv_header),
        cmocka_unit_test(test_tsv_escapes),
        cmocka_unit_test(test_tsv_round_trip),
        cmocka_unit_test(test_csv_write_error),
        cmocka_unit_test(test_tsv_write_error),
        cmocka_unit_test(test_sink_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
