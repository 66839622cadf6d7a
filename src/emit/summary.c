/*
 * summary.c: a pivot of the rows, for a first look at a pile of documents.
 *
 * The sink writes nothing while rows arrive; it counts them.  Rows
 *
 *     source  type       value  unit
 *     a.txt   date       2020
 *     a.txt   date       2020
 *     b.txt   date       2020
 *     b.txt   statistic  40     percent
 *
 * become, when the run finishes,
 *
 *     type,value,unit,count,sources
 *     date,2020,,3,2
 *     statistic,40,percent,1,1
 *
 * Entries live in a hash table keyed by (type, value, unit), one
 * allocation each, with their strings stored behind them; a row that
 * repeats an entry allocates nothing.  Memory therefore grows with the
 * distinct entries, never with the rows: a million rows that say "2020"
 * are one entry.  Source names are interned once each, and an entry
 * remembers the source of its latest row: a row from another source adds
 * one to `sources`.  That counts each source once because the engine
 * finishes one document before it starts the next, so a document's rows
 * arrive together; a name that comes back after another (the same file
 * named twice, apart) is counted again, and no per-entry set of sources
 * is kept to catch it, since that set would grow with the rows.
 *
 * Lines are sorted by type name, count from high to low, value, then
 * unit, strings in byte order (code point order for UTF-8), so the output
 * is the same for every hash seed.
 *
 * The sheet is written in the format the rows would have had: CSV and TSV
 * with the quoting and escapes of csv.c and tsv.c (each emitter file sees
 * only figex.h, so the few lines are repeated here), JSONL through
 * json-glib with count and sources as integers and the repair described in
 * jsonl.c.  CSV and TSV cells that a spreadsheet would run as formulas
 * get an apostrophe in front, as in csv.c, unless FX_EMIT_RAW_CELLS.
 */
#include "../figex.h"

#include <csv.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum { SUMMARY_COLS = 5 };

static const char *const summary_columns[SUMMARY_COLS] = {
    "type", "value", "unit", "count", "sources"};

typedef struct {
    const char *type;        /* fx_type_name() of the rows' type */
    const char *value;       /* stored behind the struct */
    const char *unit;        /* stored behind the struct */
    uint64_t count;          /* rows with this type, value and unit */
    uint64_t sources;        /* distinct sources among those rows */
    const char *last_source; /* interned source of the latest such row */
} entry;

typedef struct {
    FILE *fp;
    fx_format format;
    bool bom;
    bool raw;            /* FX_EMIT_RAW_CELLS: no apostrophe before formulas */
    GHashTable *entries; /* set of entry, owned */
    GHashTable *sources; /* set of interned source names, owned */
    const char *source;  /* interned source of the latest row, or NULL */
} summary_out;

/* ---- counting ---- */

static guint entry_hash(gconstpointer p)
{
    const entry *e = p;
    guint h = g_str_hash(e->type);
    h = h * 31 + g_str_hash(e->value);
    return h * 31 + g_str_hash(e->unit);
}

static gboolean entry_equal(gconstpointer a, gconstpointer b)
{
    const entry *x = a, *y = b;
    /* Type names are static strings: equal names are the same pointer. */
    return x->type == y->type && strcmp(x->value, y->value) == 0 &&
           strcmp(x->unit, y->unit) == 0;
}

static entry *entry_new(const char *type, const char *value, const char *unit)
{
    size_t nvalue = strlen(value) + 1, nunit = strlen(unit) + 1;
    entry *e = g_malloc(sizeof *e + nvalue + nunit);
    char *strings = (char *)(e + 1);
    memcpy(strings, value, nvalue);
    memcpy(strings + nvalue, unit, nunit);
    *e = (entry){type, strings, strings + nvalue, 0, 0, NULL};
    return e;
}

static const char *intern(GHashTable *set, const char *s)
{
    char *kept = g_hash_table_lookup(set, s);
    if (!kept) {
        kept = g_strdup(s);
        g_hash_table_add(set, kept);
    }
    return kept;
}

static fx_status summary_begin(void *payload)
{
    (void)payload; /* everything is written at the end */
    return FX_OK;
}

static fx_status summary_row(void *payload, const fx_row *row)
{
    summary_out *o = payload;
    const char *type = fx_type_name(row->type);
    if (!type)
        return FX_ERR_SINK;
    if (!o->source || strcmp(o->source, row->source) != 0)
        o->source = intern(o->sources, row->source);
    entry probe = {type, row->value, row->unit, 0, 0, NULL};
    entry *e = g_hash_table_lookup(o->entries, &probe);
    if (!e) {
        e = entry_new(type, row->value, row->unit);
        g_hash_table_add(o->entries, e);
    }
    e->count++;
    if (e->last_source != o->source) {
        e->sources++;
        e->last_source = o->source;
    }
    return FX_OK;
}

/* ---- writing ---- */

static int compare_entries(const void *a, const void *b)
{
    const entry *x = *(entry *const *)a, *y = *(entry *const *)b;
    int c = strcmp(x->type, y->type);
    if (c != 0)
        return c;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    c = strcmp(x->value, y->value);
    return c != 0 ? c : strcmp(x->unit, y->unit);
}

/* As csv.c: quoted only when a spreadsheet would misread it bare. */
static bool csv_put(FILE *fp, const char *s, bool first, bool raw)
{
    size_t n = strlen(s);
    if (!first && fputc(',', fp) == EOF)
        return false;
    if (!raw && fx_cell_is_formula(s)) {
        char *guarded = g_strconcat("'", s, NULL);
        bool ok = csv_put(fp, guarded, true, true);
        g_free(guarded);
        return ok;
    }
    if (strpbrk(s, ",\"\r\n\t") || (n > 0 && (s[0] == ' ' || s[n - 1] == ' ')))
        return csv_fwrite(fp, s, n) == 0;
    return fwrite(s, 1, n, fp) == n;
}

/* As tsv.c: TAB, LF, CR and backslash as \t, \n, \r and \\. */
static bool tsv_put(FILE *fp, const char *s, bool first, bool raw)
{
    if (!first && fputc('\t', fp) == EOF)
        return false;
    if (!raw && fx_cell_is_formula(s) && fputc('\'', fp) == EOF)
        return false;
    for (; *s; s++) {
        const char *esc = *s == '\t'   ? "\\t"
                          : *s == '\n' ? "\\n"
                          : *s == '\r' ? "\\r"
                          : *s == '\\' ? "\\\\"
                                       : NULL;
        if (esc ? fputs(esc, fp) == EOF : fputc(*s, fp) == EOF)
            return false;
    }
    return true;
}

static bool put_record(FILE *fp, fx_format format,
                       const char *const cells[SUMMARY_COLS], bool raw)
{
    for (int c = 0; c < SUMMARY_COLS; c++)
        if (!(format == FX_FORMAT_CSV ? csv_put(fp, cells[c], c == 0, raw)
                                      : tsv_put(fp, cells[c], c == 0, raw)))
            return false;
    return fputc('\n', fp) != EOF;
}

/* As jsonl.c: escape the raw control bytes json-glib leaves. */
static void repair_control_bytes(GString *s)
{
    for (gsize i = 0; i < s->len; i++) {
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

static bool put_json(FILE *fp, JsonGenerator *gen, GString *line,
                     const entry *e)
{
    JsonObject *obj = json_object_new();
    json_object_set_string_member(obj, "type", e->type);
    json_object_set_string_member(obj, "value", e->value);
    json_object_set_string_member(obj, "unit", e->unit);
    /* Counts of rows stay far below 2^63. */
    json_object_set_int_member(obj, "count", (gint64)e->count);
    json_object_set_int_member(obj, "sources", (gint64)e->sources);
    JsonNode *root = json_node_init_object(json_node_alloc(), obj);
    json_generator_set_root(gen, root);
    json_node_unref(root);
    json_object_unref(obj);
    g_string_truncate(line, 0);
    json_generator_to_gstring(gen, line);
    repair_control_bytes(line);
    g_string_append_c(line, '\n');
    return fwrite(line->str, 1, line->len, fp) == line->len;
}

static bool put_entries(summary_out *o, GPtrArray *sorted)
{
    if (o->bom && fputs("\xEF\xBB\xBF", o->fp) == EOF)
        return false;
    if (o->format == FX_FORMAT_JSONL) {
        JsonGenerator *gen = json_generator_new();
        GString *line = g_string_new(NULL);
        bool ok = true;
        for (guint i = 0; i < sorted->len && ok; i++)
            ok = put_json(o->fp, gen, line, g_ptr_array_index(sorted, i));
        g_string_free(line, TRUE);
        g_object_unref(gen);
        return ok;
    }
    if (!put_record(o->fp, o->format, summary_columns, true))
        return false;
    for (guint i = 0; i < sorted->len; i++) {
        const entry *e = g_ptr_array_index(sorted, i);
        char count[24], sources[24];
        snprintf(count, sizeof count, "%" PRIu64, e->count);
        snprintf(sources, sizeof sources, "%" PRIu64, e->sources);
        const char *const cells[SUMMARY_COLS] = {e->type, e->value, e->unit,
                                                 count, sources};
        if (!put_record(o->fp, o->format, cells, o->raw))
            return false;
    }
    return true;
}

static fx_status summary_finish(void *payload)
{
    summary_out *o = payload;
    GPtrArray *sorted = g_ptr_array_sized_new(g_hash_table_size(o->entries));
    GHashTableIter it;
    gpointer e;
    g_hash_table_iter_init(&it, o->entries);
    while (g_hash_table_iter_next(&it, &e, NULL))
        g_ptr_array_add(sorted, e);
    g_ptr_array_sort(sorted, compare_entries);
    bool ok = put_entries(o, sorted);
    g_ptr_array_free(sorted, TRUE);
    return ok && fflush(o->fp) == 0 && !ferror(o->fp) ? FX_OK : FX_ERR_IO;
}

static void summary_free(void *payload)
{
    summary_out *o = payload;
    g_hash_table_destroy(o->entries);
    g_hash_table_destroy(o->sources);
    g_free(o);
}

fx_status fx_emit_summary_new(fx_sink *out, FILE *stream, fx_format format,
                              unsigned flags)
{
    if (format != FX_FORMAT_CSV && format != FX_FORMAT_TSV &&
        format != FX_FORMAT_JSONL)
        return FX_ERR_USAGE;
    if ((flags & ~(FX_EMIT_BOM | FX_EMIT_RAW_CELLS)) ||
        (format == FX_FORMAT_JSONL && (flags & FX_EMIT_BOM)))
        return FX_ERR_USAGE;
    summary_out *o = g_new0(summary_out, 1);
    o->fp = stream;
    o->format = format;
    o->bom = (flags & FX_EMIT_BOM) != 0;
    o->raw = (flags & FX_EMIT_RAW_CELLS) != 0;
    o->entries = g_hash_table_new_full(entry_hash, entry_equal, g_free, NULL);
    o->sources = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    *out = (fx_sink){"summary",      summary_begin, summary_row,
                     summary_finish, summary_free,  o};
    return FX_OK;
}
