/*
 * jsonl.c: JSON Lines, one JSON object a row and no header.
 *
 * "The U.S. Department of Justice (DOJ) said ..." gives this agency row
 * (broken here to fit; in the output it is one line ending in LF):
 *
 *     {"source":"letter.txt","start_byte":4,"end_byte":36,"line":1,
 *      "column":5,"type":"agency","text":"U.S. Department of Justice
 *      (DOJ)","value":"U.S. Department of Justice","low":"","high":"",
 *      "unit":"","qualifier":"","precision":"","acronym":"DOJ",
 *      "title":"","as_of":"","agency":"","rule":"agency-name",
 *      "rule_source":"rules/agency.rules:41"}
 *
 * Keys are the column names in schema order, so jq, pandas or DuckDB see
 * the columns of the CSV header.  The four positions are JSON integers;
 * every other cell is a string, `value` included: "10/20" is no number,
 * and a 400-digit figure would lose its digits in a reader's double.
 *
 * json-glib writes the JSON.  The sink keeps one object whose members are
 * the columns, sets their values for each row and has the generator print
 * it into a reused buffer, so a row costs a copy of each of its strings.
 *
 * json-glib 1.6 (Debian 12's; later sources have the same test) escapes
 * the control characters below U+001F but writes U+001F itself raw, which
 * JSON forbids: its escaper tests `< 0x1f`.  repair_control_bytes()
 * escapes any raw control byte left in the generator's output.  Such a
 * byte can only stand inside a string (the compact output has no
 * whitespace, and the keys are our column names), and it is never part of
 * a multi-byte UTF-8 sequence, so \u00XX is its escape.
 */
#include "../figex.h"

#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    FILE *fp;
    JsonGenerator *gen;
    JsonNode *root;               /* an object with a member per column */
    JsonNode *cell[FX_COL_COUNT]; /* root's members, borrowed, in order */
    GString *line;                /* the row being written; reused */
} jsonl_out;

/* The columns written as JSON integers. */
static bool is_integer_column(fx_column col)
{
    return col == FX_COL_START_BYTE || col == FX_COL_END_BYTE ||
           col == FX_COL_LINE || col == FX_COL_COLUMN;
}

static uint64_t integer_cell(const fx_row *row, fx_column col)
{
    switch (col) {
    case FX_COL_START_BYTE:
        return row->start_byte;
    case FX_COL_END_BYTE:
        return row->end_byte;
    case FX_COL_LINE:
        return row->line;
    case FX_COL_COLUMN:
        return row->column;
    default:
        return 0;
    }
}

/* Escape, from `from` on, the raw control bytes json-glib leaves. */
static void repair_control_bytes(GString *s, gsize from)
{
    for (gsize i = from; i < s->len; i++) {
        unsigned char c = (unsigned char)s->str[i];
        if (c >= 0x20)
            continue;
        char esc[8];
        snprintf(esc, sizeof esc, "\\u%04x", c);
        g_string_erase(s, (gssize)i, 1);
        g_string_insert(s, (gssize)i, esc);
        i += strlen(esc) - 1;
    }
}

static fx_status jsonl_begin(void *payload)
{
    (void)payload; /* JSON Lines has no header */
    return FX_OK;
}

static fx_status jsonl_row(void *payload, const fx_row *row)
{
    jsonl_out *o = payload;
    char buf[FX_CELL_BUF];
    for (int c = 0; c < FX_COL_COUNT; c++) {
        fx_column col = (fx_column)c;
        /* Offsets and counts of a real document stay far below 2^63. */
        if (is_integer_column(col))
            json_node_set_int(o->cell[c], (gint64)integer_cell(row, col));
        else
            json_node_set_string(o->cell[c], fx_row_cell(row, col, buf));
    }
    g_string_truncate(o->line, 0);
    json_generator_set_root(o->gen, o->root);
    json_generator_to_gstring(o->gen, o->line);
    repair_control_bytes(o->line, 0);
    g_string_append_c(o->line, '\n');
    return fwrite(o->line->str, 1, o->line->len, o->fp) == o->line->len
               ? FX_OK
               : FX_ERR_IO;
}

static fx_status jsonl_finish(void *payload)
{
    jsonl_out *o = payload;
    return fflush(o->fp) == 0 && !ferror(o->fp) ? FX_OK : FX_ERR_IO;
}

static void jsonl_free(void *payload)
{
    jsonl_out *o = payload;
    g_object_unref(o->gen);
    json_node_unref(o->root);
    g_string_free(o->line, TRUE);
    g_free(o);
}

fx_status fx_emit_jsonl_new(fx_sink *out, FILE *stream)
{
    jsonl_out *o = g_new0(jsonl_out, 1);
    JsonObject *obj = json_object_new();
    for (int c = 0; c < FX_COL_COUNT; c++) {
        JsonNode *node = json_node_new(JSON_NODE_VALUE);
        if (is_integer_column((fx_column)c))
            json_node_set_int(node, 0);
        else
            json_node_set_string(node, "");
        /* The object takes the node; members keep insertion order. */
        json_object_set_member(obj, fx_column_name((fx_column)c), node);
        o->cell[c] = node;
    }
    o->root = json_node_init_object(json_node_alloc(), obj);
    json_object_unref(obj);
    o->gen = json_generator_new();
    o->line = g_string_sized_new(1024);
    o->fp = stream;
    *out = (fx_sink){"jsonl",      jsonl_begin, jsonl_row,
                     jsonl_finish, jsonl_free,  o};
    return FX_OK;
}
