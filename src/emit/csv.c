/*
 * csv.c: RFC 4180 CSV through libcsv.
 *
 * A field is quoted only when it has to be (a comma, quote, CR, LF or TAB,
 * or a space at either end), so plain numbers stay plain for spreadsheets;
 * quoting and quote doubling are left to libcsv's csv_fwrite().  Rows end
 * in LF.  Every write is checked: a full disk must fail the run, never
 * leave a short file that looks complete.  With FX_EMIT_BOM the header is
 * preceded by a UTF-8 byte order mark, without which Excel opens a UTF-8
 * file as Windows-1252 and garbles every non-ASCII name.
 *
 * Unless FX_EMIT_RAW_CELLS is given, a cell a spreadsheet would run as a
 * formula gets an apostrophe in front: a document that says
 * "=HYPERLINK(...)" must not become a live link in a journalist's sheet.
 * The apostrophe goes inside the quotes when the cell is quoted:
 * "'=A1,B1".
 */
#include "../figex.h"

#include <csv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    FILE *fp;
    bool bom; /* write a UTF-8 byte order mark before the header */
    bool raw; /* FX_EMIT_RAW_CELLS: no apostrophe before formulas */
} csv_out;

static bool needs_quotes(const char *s)
{
    size_t n = strlen(s);
    return strpbrk(s, ",\"\r\n\t") != NULL ||
           (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
}

static fx_status put_field(FILE *fp, const char *s, bool first, bool raw)
{
    if (!first && fputc(',', fp) == EOF)
        return FX_ERR_IO;
    if (!raw && fx_cell_is_formula(s)) {
        char *guarded = malloc(strlen(s) + 2);
        if (!guarded)
            return FX_ERR_NOMEM;
        guarded[0] = '\'';
        strcpy(guarded + 1, s);
        fx_status st = put_field(fp, guarded, true, true);
        free(guarded);
        return st;
    }
    if (needs_quotes(s))
        return csv_fwrite(fp, s, strlen(s)) == 0 ? FX_OK : FX_ERR_IO;
    size_t n = strlen(s);
    return fwrite(s, 1, n, fp) == n ? FX_OK : FX_ERR_IO;
}

static fx_status csv_begin(void *payload)
{
    csv_out *o = payload;
    if (o->bom && fputs("\xEF\xBB\xBF", o->fp) == EOF)
        return FX_ERR_IO;
    for (int c = 0; c < FX_COL_COUNT; c++)
        if (put_field(o->fp, fx_column_name((fx_column)c), c == 0, true) !=
            FX_OK)
            return FX_ERR_IO;
    return fputc('\n', o->fp) == EOF ? FX_ERR_IO : FX_OK;
}

static fx_status csv_row(void *payload, const fx_row *row)
{
    csv_out *o = payload;
    char buf[FX_CELL_BUF];
    for (int c = 0; c < FX_COL_COUNT; c++) {
        fx_status st = put_field(o->fp, fx_row_cell(row, (fx_column)c, buf),
                                 c == 0, o->raw);
        if (st != FX_OK)
            return st;
    }
    return fputc('\n', o->fp) == EOF ? FX_ERR_IO : FX_OK;
}

static fx_status csv_finish(void *payload)
{
    csv_out *o = payload;
    return fflush(o->fp) == 0 && !ferror(o->fp) ? FX_OK : FX_ERR_IO;
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
    *out = (fx_sink){"csv", csv_begin, csv_row, csv_finish, free, o};
    return FX_OK;
}

void fx_sink_free(fx_sink *sink)
{
    if (sink && sink->free && sink->payload)
        sink->free(sink->payload);
    if (sink)
        sink->payload = NULL;
}
