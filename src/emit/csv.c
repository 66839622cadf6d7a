/*
 * csv.c: RFC 4180 CSV through libcsv.
 *
 * A field is quoted only when it has to be (a comma, quote, CR, LF or TAB,
 * or a space at either end), so plain numbers stay plain for spreadsheets;
 * quoting and quote doubling are left to libcsv's csv_write().  A row is
 * built in one buffer and written with one fwrite (a call per field cost
 * a lock each); rows end in LF.  Every write is checked: a full disk must
 * fail the run, never leave a short file that looks complete.  With
 * FX_EMIT_BOM the header is preceded by a UTF-8 byte order mark, without
 * which Excel opens a UTF-8 file as Windows-1252 and garbles every
 * non-ASCII name.
 *
 * Unless FX_EMIT_RAW_CELLS is given, a cell a spreadsheet would run as a
 * formula gets an apostrophe in front: a document that says
 * "=HYPERLINK(...)" must not become a live link in a journalist's sheet.
 * The apostrophe goes inside the quotes when the cell is quoted:
 * "'=A1,B1".
 */
#include "../figex.h"

#include <csv.h>
#include <glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    FILE *fp;
    bool bom;     /* write a UTF-8 byte order mark before the header */
    bool raw;     /* FX_EMIT_RAW_CELLS: no apostrophe before formulas */
    GString *line; /* the row being written, sent with one fwrite */
} csv_out;

static bool needs_quotes(const char *s, size_t n)
{
    return strpbrk(s, ",\"\r\n\t") != NULL ||
           (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
}

/* Append one field (quoted by libcsv's csv_write() when it has to be). */
static void put_field(GString *line, const char *s, bool first, bool raw)
{
    if (!first)
        g_string_append_c(line, ',');
    if (!raw && fx_cell_is_formula(s)) {
        char *guarded = g_strconcat("'", s, NULL);
        put_field(line, guarded, true, true);
        g_free(guarded);
        return;
    }
    size_t n = strlen(s);
    if (!needs_quotes(s, n)) {
        g_string_append_len(line, s, (gssize)n);
        return;
    }
    /* Quotes around, every quote doubled: at most 2n + 2 bytes. */
    size_t at = line->len;
    g_string_set_size(line, at + 2 * n + 2);
    size_t used = csv_write(line->str + at, 2 * n + 2, s, n);
    g_string_set_size(line, at + used);
}

static fx_status put_line(csv_out *o)
{
    g_string_append_c(o->line, '\n');
    size_t n = o->line->len;
    return fwrite(o->line->str, 1, n, o->fp) == n ? FX_OK : FX_ERR_IO;
}

static fx_status csv_begin(void *payload)
{
    csv_out *o = payload;
    if (o->bom && fputs("\xEF\xBB\xBF", o->fp) == EOF)
        return FX_ERR_IO;
    g_string_truncate(o->line, 0);
    for (int c = 0; c < FX_COL_COUNT; c++)
        put_field(o->line, fx_column_name((fx_column)c), c == 0, true);
    return put_line(o);
}

static fx_status csv_row(void *payload, const fx_row *row)
{
    csv_out *o = payload;
    char buf[FX_CELL_BUF];
    g_string_truncate(o->line, 0);
    for (int c = 0; c < FX_COL_COUNT; c++)
        put_field(o->line, fx_row_cell(row, (fx_column)c, buf), c == 0,
                  o->raw);
    return put_line(o);
}

static fx_status csv_finish(void *payload)
{
    csv_out *o = payload;
    return fflush(o->fp) == 0 && !ferror(o->fp) ? FX_OK : FX_ERR_IO;
}

static void csv_out_free(void *payload)
{
    csv_out *o = payload;
    g_string_free(o->line, TRUE);
    free(o);
}

fx_status fx_emit_csv_new(fx_sink *out, FILE *stream)
{
    return fx_emit_csv_new_ext(out, stream, 0);
}

fx_status fx_emit_csv_new_ext(fx_sink *out, FILE *stream, unsigned flags)
{
    if (flags & ~(FX_EMIT_BOM | FX_EMIT_RAW_CELLS))
        return FX_ERR_USAGE;
    csv_out *o = calloc(1, sizeof *o);
    if (!o)
        return FX_ERR_NOMEM;
    o->fp = stream;
    o->bom = (flags & FX_EMIT_BOM) != 0;
    o->raw = (flags & FX_EMIT_RAW_CELLS) != 0;
    o->line = g_string_sized_new(512);
    *out = (fx_sink){"csv", csv_begin, csv_row, csv_finish, csv_out_free, o};
    return FX_OK;
}

void fx_sink_free(fx_sink *sink)
{
    if (sink && sink->free && sink->payload)
        sink->free(sink->payload);
    if (sink)
        sink->payload = NULL;
}
