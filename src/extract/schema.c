/*
 * schema.c: names of statuses, types and columns, and cell formatting.
 * The column list here is the row schema documented in README.md.
 */
#include "internal.h"

const char *fx_status_str(fx_status status)
{
    switch (status) {
    case FX_OK: return "success";
    case FX_ERR_NOMEM: return "out of memory";
    case FX_ERR_IO: return "input/output error";
    case FX_ERR_RULES: return "invalid rules";
    case FX_ERR_INPUT: return "invalid input";
    case FX_ERR_USAGE: return "invalid arguments";
    case FX_ERR_SINK: return "output refused";
    }
    return "unknown status";
}

static const char *const type_names[FX_TYPE_COUNT] = {
    "agency", "official", "date", "statistic", "ignore",
};

const char *fx_type_name(fx_type type)
{
    return (unsigned)type < FX_TYPE_COUNT ? type_names[type] : NULL;
}

int fx_type_from_name(const char *name, fx_type *out)
{
    for (unsigned i = 0; i < FX_TYPE_COUNT; i++)
        if (name && strcmp(name, type_names[i]) == 0) {
            *out = (fx_type)i;
            return 0;
        }
    return -1;
}

static const char *const column_names[FX_COL_COUNT] = {
    "source",  "start_byte", "end_byte", "line",      "column",
    "type",    "text",       "value",    "low",       "high",
    "unit",    "qualifier",  "precision", "acronym",  "title",
    "as_of",   "agency",     "rule",     "rule_source",
};

const char *fx_column_name(fx_column col)
{
    return (unsigned)col < FX_COL_COUNT ? column_names[col] : NULL;
}

/* "-5", "+1.5", "6500000": a plain decimal number. */
static bool plain_number(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!g_ascii_isdigit(*s))
        return false;
    while (g_ascii_isdigit(*s))
        s++;
    if (*s == '.' && g_ascii_isdigit(s[1]))
        for (s++; g_ascii_isdigit(*s);)
            s++;
    return *s == '\0';
}

int fx_cell_is_formula(const char *cell)
{
    const char *s = cell;
    while (*s == '\'')
        s++;
    if (!*s || !strchr("=+-@\t\r", *s))
        return 0;
    return s > cell || !plain_number(s);
}

/* By hand: four cells a row, where snprintf's format parsing cost more
 * than the rest of the row.  The result starts at buf[0]. */
static const char *number_cell(uint64_t v, char buf[FX_CELL_BUF])
{
    char digits[20]; /* UINT64_MAX has 20 */
    size_t n = 0;
    do {
        digits[sizeof digits - ++n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(buf, digits + sizeof digits - n, n);
    buf[n] = '\0';
    return buf;
}

const char *fx_row_cell(const fx_row *row, fx_column col,
                        char buf[FX_CELL_BUF])
{
    switch (col) {
    case FX_COL_SOURCE: return row->source;
    case FX_COL_START_BYTE: return number_cell(row->start_byte, buf);
    case FX_COL_END_BYTE: return number_cell(row->end_byte, buf);
    case FX_COL_LINE: return number_cell(row->line, buf);
    case FX_COL_COLUMN: return number_cell(row->column, buf);
    case FX_COL_TYPE: return fx_type_name(row->type);
    case FX_COL_TEXT: return row->text;
    case FX_COL_VALUE: return row->value;
    case FX_COL_LOW: return row->low;
    case FX_COL_HIGH: return row->high;
    case FX_COL_UNIT: return row->unit;
    case FX_COL_QUALIFIER: return row->qualifier;
    case FX_COL_PRECISION: return row->precision;
    case FX_COL_ACRONYM: return row->acronym;
    case FX_COL_TITLE: return row->title;
    case FX_COL_AS_OF: return row->as_of;
    case FX_COL_AGENCY: return row->agency;
    case FX_COL_RULE: return row->rule;
    case FX_COL_RULE_SOURCE: return row->rule_source;
    case FX_COL_COUNT: break;
    }
    return "";
}
