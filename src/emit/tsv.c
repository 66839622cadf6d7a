/*
 * tsv.c: tab-separated rows, one row per line whatever the cells hold.
 *
 * TAB, LF, CR and backslash inside a cell are written as \t, \n, \r and
 * \\ (the convention of PostgreSQL's COPY and of mlr), so `cut -f` and
 * `sort` work on the output and the original text can be restored.
 * Spreadsheets open TSV too, so a cell that would run as a formula gets
 * an apostrophe in front, as in csv.c, unless FX_EMIT_RAW_CELLS is given.
 */
#include "../figex.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    FILE *fp;
    bool bom; /* write a UTF-8 byte order mark before the header */
    bool raw; /* FX_EMIT_RAW_CELLS: no apostrophe before formulas */
} tsv_out;

static fx_status put_cell(FILE *fp, const char *s, bool first, bool raw)
{
    if (!first && fputc('\t', fp) == EOF)
        return FX_ERR_IO;
    if (!raw && fx_cell_is_formula(s) && fputc('\'', fp) == EOF)
        return FX_ERR_IO;
    for (; *s; s++) {
        const char *esc = NULL;
        switch (*s) {
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\\': esc = "\\\\"; break;
        }
        if (esc ? fputs(esc, fp) == EOF : fputc(*s, fp) == EOF)
            return FX_ERR_IO;
    }
    return FX_OK;
}

static fx_status tsv_begin(void *payload)
{
    tsv_out *o = payload;
    if (o->bom && fputs("\xEF\xBB\xBF", o->fp) == EOF)
        return FX_ERR_IO;
    for (int c = 0; c < FX_COL_COUNT; c++)
        if (put_cell(o->fp, fx_column_name((fx_column)c), c == 0, true) !=
            FX_OK)
            return FX_ERR_IO;
    return fputc('\n', o->fp) == EOF ? FX_ERR_IO : FX_OK;
}

static fx_status tsv_row(void *payload, const fx_row *row)
{
    tsv_out *o = payload;
    char buf[FX_CELL_BUF];
    for (int c = 0; c < FX_COL_COUNT; c++)
        if (put_cell(o->fp, fx_row_cell(row, (fx_column)c, buf), c == 0,
                     o->raw) != FX_OK)
            return FX_ERR_IO;
    return fputc('\n', o->fp) == EOF ? FX_ERR_IO : FX_OK;
}

static fx_status tsv_finish(void *payload)
{
    tsv_out *o = payload;
    return fflush(o->fp) == 0 && !ferror(o->fp) ? FX_OK : FX_ERR_IO;
}

fx_status fx_emit_tsv_new(fx_sink *out, FILE *stream)
{
    return fx_emit_tsv_new_ext(out, stream, 0);
}

fx_status fx_emit_tsv_new_ext(fx_sink *out, FILE *stream, unsigned flags)
{
    if (flags & ~(FX_EMIT_BOM | FX_EMIT_RAW_CELLS))
        return FX_ERR_USAGE;
    tsv_out *o = calloc(1, sizeof *o);
    if (!o)
        return FX_ERR_NOMEM;
    o->fp = stream;
    o->bom = (flags & FX_EMIT_BOM) != 0;
    o->raw = (flags & FX_EMIT_RAW_CELLS) != 0;
    *out = (fx_sink){"tsv", tsv_begin, tsv_row, tsv_finish, free, o};
    return FX_OK;
}
