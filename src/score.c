/*
 * score.c: measure figex's rows against gold annotations.
 *
 * A gold file marks where the facts of a document are and what they should
 * read; figex's output says what it found.  Take one document and one type:
 *
 *     gold   [10,20) 2020     [40,52) 2021-03
 *     pred   [10,20) 2020     [38,52) 2021-03     [70,75) 1999
 *
 * Strict matching pairs identical spans: one pair, [10,20), so precision
 * is 1/3 and recall 1/2.  Lenient matching pairs overlapping spans: two
 * pairs, precision 2/3 and recall 2/2, and both pairs agree on the value,
 * so value accuracy is 2/2.  Pairing is one to one: a prediction that
 * overlaps two gold rows counts once, with the one it overlaps most, so
 * no figure can pass 1.
 *
 * Both files are read whole (they are annotations and reports, not
 * corpora); every cell keeps its line and column so that a bad one is
 * named as file:line:col, as rule files are.  docs/scoring.md defines
 * every figure and every convention.
 */
#include "score.h"

#include <csv.h>
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_TROUBLE 2

/* Longest piece of a cell quoted in a message, in bytes. */
#define QUOTE_MAX 40

/* ---- errors ---- */

void fx_score_error_clear(fx_score_error *err)
{
    if (!err)
        return;
    g_free(err->file);
    g_free(err->message);
    *err = (fx_score_error){0};
}

/* Keep the first problem only: later ones are often its echoes. */
G_GNUC_PRINTF(5, 6)
static void set_error(fx_score_error *err, const char *file, unsigned line,
                      unsigned col, const char *fmt, ...)
{
    if (!err || err->message)
        return;
    va_list ap;
    va_start(ap, fmt);
    err->message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    err->file = g_strdup(file);
    err->line = line;
    err->col = col;
}

/* Append `s` with TAB, LF, CR and backslash escaped as figex's TSV does,
 * so a cell quoted in a message or a report stays on one line. */
static void append_escaped(GString *out, const char *s, size_t max)
{
    size_t n = strlen(s);
    bool cut = n > max;
    if (cut) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* do not split a UTF-8 character */
    }
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '\t':
            g_string_append(out, "\\t");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        default:
            g_string_append_c(out, s[i]);
        }
    }
    if (cut)
        g_string_append(out, "...");
}

/* A cell for a message: quoted, escaped, cut short when long. */
static char *quote_cell(const char *s)
{
    GString *q = g_string_new("'");
    append_escaped(q, s, QUOTE_MAX);
    g_string_append_c(q, '\'');
    return g_string_free(q, FALSE);
}

/* ---- matching ---- */

/* Row indices in order of span, then of file position. */
typedef struct {
    const fx_score_span *spans;
} span_order;

static int compare_by_span(const void *a, const void *b, void *data)
{
    const fx_score_span *s = ((const span_order *)data)->spans;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (s[i].start != s[j].start)
        return s[i].start < s[j].start ? -1 : 1;
    if (s[i].end != s[j].end)
        return s[i].end < s[j].end ? -1 : 1;
    return i < j ? -1 : i > j;
}

static size_t *sorted_by_span(const fx_score_span *spans, size_t n)
{
    size_t *order = g_new(size_t, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    span_order data = {spans};
    g_qsort_with_data(order, (gint)n, sizeof *order, compare_by_span, &data);
    return order;
}

static void clear_maps(size_t *gold_to_pred, size_t ngold,
                       size_t *pred_to_gold, size_t npred)
{
    for (size_t i = 0; i < ngold; i++)
        gold_to_pred[i] = FX_SCORE_UNMATCHED;
    for (size_t i = 0; i < npred; i++)
        pred_to_gold[i] = FX_SCORE_UNMATCHED;
}

size_t fx_score_match_strict(const fx_score_span *gold, size_t ngold,
                             const fx_score_span *pred, size_t npred,
                             size_t *gold_to_pred, size_t *pred_to_gold)
{
    clear_maps(gold_to_pred, ngold, pred_to_gold, npred);
    size_t *g = sorted_by_span(gold, ngold), *p = sorted_by_span(pred, npred);
    size_t pairs = 0, i = 0, j = 0;
    /* A merge of the two sorted lists: equal spans meet, duplicates pair
     * off in file order. */
    while (i < ngold && j < npred) {
        const fx_score_span *a = &gold[g[i]], *b = &pred[p[j]];
        if (a->start == b->start && a->end == b->end) {
            gold_to_pred[g[i]] = p[j];
            pred_to_gold[p[j]] = g[i];
            pairs++, i++, j++;
        } else if (a->start < b->start ||
                   (a->start == b->start && a->end < b->end)) {
            i++;
        } else {
            j++;
        }
    }
    g_free(g);
    g_free(p);
    return pairs;
}

/* A possible lenient pair, with the keys that rank it. */
typedef struct {
    uint64_t overlap;  /* shared bytes */
    uint64_t distance; /* |start difference| + |end difference| */
    uint64_t gold_start, pred_start;
    size_t gold, pred;
} candidate;

static uint64_t abs_diff(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

static int compare_candidates(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->overlap != y->overlap)
        return x->overlap > y->overlap ? -1 : 1;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    if (x->gold_start != y->gold_start)
        return x->gold_start < y->gold_start ? -1 : 1;
    if (x->pred_start != y->pred_start)
        return x->pred_start < y->pred_start ? -1 : 1;
    if (x->gold != y->gold)
        return x->gold < y->gold ? -1 : 1;
    return x->pred < y->pred ? -1 : x->pred > y->pred;
}

/* First position in `order` (sorted by start) whose start is >= `at`. */
static size_t lower_bound(const fx_score_span *spans, const size_t *order,
                          size_t n, uint64_t at)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (spans[order[mid]].start < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Sharing a byte, or identical (so that empty spans can pair too). */
static bool overlapping(const fx_score_span *a, const fx_score_span *b)
{
    return MAX(a->start, b->start) < MIN(a->end, b->end) ||
           (a->start == b->start && a->end == b->end);
}

/*
 * Count the overlapping gold/predicted pairs, up to just past `limit`, and
 * append them to `found` unless it is NULL; `order` lists the predictions
 * by start.  A prediction starting before `from` ends before the gold row
 * starts (none is longer than `longest`), so each gold row visits only a
 * window of the predictions.
 */
static size_t find_overlaps(const fx_score_span *gold, size_t ngold,
                            const fx_score_span *pred, size_t npred,
                            const size_t *order, size_t limit, GArray *found)
{
    uint64_t longest = 0;
    size_t count = 0;
    for (size_t j = 0; j < npred; j++)
        if (pred[j].end - pred[j].start > longest)
            longest = pred[j].end - pred[j].start;
    for (size_t i = 0; i < ngold && count <= limit; i++) {
        const fx_score_span *a = &gold[i];
        uint64_t from = a->start > longest ? a->start - longest : 0;
        for (size_t k = lower_bound(pred, order, npred, from);
             k < npred && pred[order[k]].start <= a->end; k++) {
            const fx_score_span *b = &pred[order[k]];
            if (!overlapping(a, b))
                continue;
            count++;
            if (!found)
                continue;
            uint64_t lo = MAX(a->start, b->start), hi = MIN(a->end, b->end);
            uint64_t d1 = abs_diff(a->start, b->start);
            uint64_t d2 = abs_diff(a->end, b->end);
            candidate c = {
                .overlap = hi > lo ? hi - lo : 0,
                .distance = d1 > UINT64_MAX - d2 ? UINT64_MAX : d1 + d2,
                .gold_start = a->start,
                .pred_start = b->start,
                .gold = i,
                .pred = order[k],
            };
            g_array_append_val(found, c);
        }
    }
    return count;
}

size_t fx_score_match_lenient(const fx_score_span *gold, size_t ngold,
                              const fx_score_span *pred, size_t npred,
                              size_t *gold_to_pred, size_t *pred_to_gold)
{
    clear_maps(gold_to_pred, ngold, pred_to_gold, npred);
    size_t *p = sorted_by_span(pred, npred);
    /* Counted first, so that spans that all overlap each other are
     * refused instead of exhausting memory. */
    if (find_overlaps(gold, ngold, pred, npred, p, FX_SCORE_MAX_OVERLAPS,
                      NULL) > FX_SCORE_MAX_OVERLAPS) {
        g_free(p);
        return FX_SCORE_UNMATCHED;
    }
    GArray *cands = g_array_new(FALSE, FALSE, sizeof(candidate));
    find_overlaps(gold, ngold, pred, npred, p, SIZE_MAX, cands);
    if (cands->len > 1) /* an empty GArray's data is NULL */
        qsort(cands->data, cands->len, sizeof(candidate), compare_candidates);
    size_t pairs = 0;
    for (guint k = 0; k < cands->len; k++) {
        const candidate *c = &g_array_index(cands, candidate, k);
        if (gold_to_pred[c->gold] != FX_SCORE_UNMATCHED ||
            pred_to_gold[c->pred] != FX_SCORE_UNMATCHED)
            continue;
        gold_to_pred[c->gold] = c->pred;
        pred_to_gold[c->pred] = c->gold;
        pairs++;
    }
    g_array_free(cands, TRUE);
    g_free(p);
    return pairs;
}

/* ---- tables ---- */

typedef struct {
    const char *cell[FX_COL_COUNT]; /* NULL where the file lacks the column */
    fx_score_span span;
    fx_type type;
    unsigned line;       /* line of the row's first cell */
    unsigned source_col; /* column of its source cell (0: none) */
} score_row;

struct fx_score_table {
    char *name;
    fx_score_role role;
    bool has[FX_COL_COUNT];
    unsigned header_line;
    GArray *rows;          /* of score_row */
    GStringChunk *strings; /* the cells rows point to, each stored once */
};

size_t fx_score_table_rows(const fx_score_table *table)
{
    return table ? table->rows->len : 0;
}

void fx_score_table_free(fx_score_table *table)
{
    if (!table)
        return;
    g_free(table->name);
    g_array_free(table->rows, TRUE);
    g_string_chunk_free(table->strings);
    g_free(table);
}

/* ---- parsing ---- */

/* Where a cell of the record being read starts. */
typedef struct {
    size_t offset; /* of its text in parser.cells */
    unsigned line, col;
} cell_pos;

typedef struct {
    fx_score_table *table;
    fx_score_error *err;
    const char *data;
    size_t len;
    GString *cells;  /* the record's cells, each followed by a NUL */
    GArray *cell_at; /* cell_pos of each cell of the record */
    GArray *colmap;  /* header: field index -> fx_column, or -1 (ignored) */
    bool have_header;
    bool failed;
    /* the byte being read: pos, and where its line starts */
    size_t pos, line_start;
    unsigned line;
    /* the last column computed, so that a long line is walked once:
     * byte col_pos of the line starting at col_line_start is at col */
    size_t col_line_start, col_pos;
    unsigned col;
    /* CSV: whether a record, and a field, have begun; the field's start */
    bool in_record, in_field;
    unsigned field_line, field_col;
    /* where the record ended, for "too few fields" */
    unsigned end_line, end_col;
} parser;

G_GNUC_PRINTF(4, 5)
static void fail_at(parser *p, unsigned line, unsigned col, const char *fmt,
                    ...)
{
    if (p->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    set_error(p->err, p->table->name, line, col, "%s", msg);
    g_free(msg);
    p->failed = true;
}

/* 1-based character column of byte `pos` on the line starting at
 * `line_start`; bytes of broken UTF-8 count as one character each. */
static unsigned column_at(const char *data, size_t line_start, size_t pos)
{
    unsigned col = 1;
    for (size_t i = line_start; i < pos; i++)
        if (((unsigned char)data[i] & 0xC0) != 0x80)
            col++;
    return col;
}

/* The column of byte `pos` on the current line, counted on from the
 * last one asked for when it lies further along the same line. */
static unsigned col_at(parser *p, size_t pos)
{
    if (p->col_line_start != p->line_start || pos < p->col_pos ||
        p->col == 0) {
        p->col_line_start = p->col_pos = p->line_start;
        p->col = 1;
    }
    p->col += column_at(p->data, p->col_pos, pos) - 1;
    p->col_pos = pos;
    return p->col;
}

static void begin_cell(parser *p, unsigned line, unsigned col)
{
    cell_pos c = {p->cells->len, line, col};
    g_array_append_val(p->cell_at, c);
}

/* figex writes a PRED cell that a spreadsheet would run as a formula with
 * an apostrophe in front ("'-5/10", README "Spreadsheet safety"): one is
 * removed again so that the value compares with the gold one. */
static void end_cell(parser *p)
{
    gsize from =
        g_array_index(p->cell_at, cell_pos, p->cell_at->len - 1).offset;
    const char *cell = p->cells->str + from;
    if (p->table->role == FX_SCORE_PRED && cell[0] == '\'' &&
        fx_cell_is_formula(cell))
        g_string_erase(p->cells, (gssize)from, 1);
    g_string_append_c(p->cells, '\0');
}

static const char *cell_text(const parser *p, guint i)
{
    return p->cells->str + g_array_index(p->cell_at, cell_pos, i).offset;
}

static int column_by_name(const char *name)
{
    for (int c = 0; c < FX_COL_COUNT; c++)
        if (strcmp(name, fx_column_name((fx_column)c)) == 0)
            return c;
    return -1;
}

static void take_header(parser *p)
{
    fx_score_table *t = p->table;
    t->header_line = g_array_index(p->cell_at, cell_pos, 0).line;
    for (guint i = 0; i < p->cell_at->len && !p->failed; i++) {
        const cell_pos *at = &g_array_index(p->cell_at, cell_pos, i);
        const char *name = cell_text(p, i);
        int c = column_by_name(name);
        char *q = quote_cell(name);
        if (c < 0 && t->role == FX_SCORE_GOLD)
            fail_at(p, at->line, at->col,
                    "unknown column %s (not a column of figex's rows)", q);
        else if (c >= 0 && t->has[c])
            fail_at(p, at->line, at->col, "column %s appears twice", q);
        g_free(q);
        if (c >= 0)
            t->has[c] = true;
        g_array_append_val(p->colmap, c);
    }
    static const fx_column gold_needs[] = {FX_COL_TYPE, FX_COL_START_BYTE,
                                           FX_COL_END_BYTE, FX_COL_VALUE};
    static const fx_column pred_needs[] = {FX_COL_TYPE, FX_COL_START_BYTE,
                                           FX_COL_END_BYTE, FX_COL_VALUE,
                                           FX_COL_RULE};
    bool gold = t->role == FX_SCORE_GOLD;
    const fx_column *needs = gold ? gold_needs : pred_needs;
    size_t n = gold ? G_N_ELEMENTS(gold_needs) : G_N_ELEMENTS(pred_needs);
    for (size_t k = 0; k < n; k++)
        if (!t->has[needs[k]])
            fail_at(p, t->header_line, 1, "missing column '%s'",
                    fx_column_name(needs[k]));
    p->have_header = true;
}

/* A byte offset: decimal digits only, no sign, fits 64 bits. */
static bool parse_offset(const char *s, uint64_t *out)
{
    uint64_t n = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned digit = (unsigned)(*s - '0');
        if (n > (UINT64_MAX - digit) / 10)
            return false;
        n = n * 10 + digit;
    }
    *out = n;
    return true;
}

static bool take_offset(parser *p, const char *s, const cell_pos *at,
                        fx_column col, uint64_t *out)
{
    if (parse_offset(s, out))
        return true;
    char *q = quote_cell(s);
    fail_at(p, at->line, at->col,
            "bad number %s in %s (expected a whole number of bytes)", q,
            fx_column_name(col));
    g_free(q);
    return false;
}

static bool take_type(parser *p, const char *s, const cell_pos *at,
                      fx_type *out)
{
    if (fx_type_from_name(s, out) == 0 && *out != FX_TYPE_IGNORE)
        return true;
    char *q = quote_cell(s);
    if (fx_type_from_name(s, out) == 0)
        fail_at(p, at->line, at->col,
                "type %s cannot be scored: figex writes no rows of it", q);
    else
        fail_at(p, at->line, at->col,
                "unknown type %s (expected agency, official, date or "
                "statistic)",
                q);
    g_free(q);
    return false;
}

static void take_row(parser *p)
{
    guint fields = p->cell_at->len, expected = p->colmap->len;
    const cell_pos *first = &g_array_index(p->cell_at, cell_pos, 0);
    if (fields < expected) {
        fail_at(p, p->end_line, p->end_col,
                "row has %u field%s but the header has %u", fields,
                fields == 1 ? "" : "s", expected);
        return;
    }
    if (fields > expected) {
        const cell_pos *extra = &g_array_index(p->cell_at, cell_pos, expected);
        fail_at(p, extra->line, extra->col,
                "row has %u field%s but the header has %u", fields,
                fields == 1 ? "" : "s", expected);
        return;
    }
    score_row row = {.line = first->line};
    const cell_pos *at[FX_COL_COUNT] = {0};
    for (guint i = 0; i < fields; i++) {
        int c = g_array_index(p->colmap, int, i);
        if (c < 0)
            continue;
        row.cell[c] =
            g_string_chunk_insert_const(p->table->strings, cell_text(p, i));
        at[c] = &g_array_index(p->cell_at, cell_pos, i);
    }
    if (at[FX_COL_SOURCE])
        row.source_col = at[FX_COL_SOURCE]->col;
    if (!take_type(p, row.cell[FX_COL_TYPE], at[FX_COL_TYPE], &row.type) ||
        !take_offset(p, row.cell[FX_COL_START_BYTE], at[FX_COL_START_BYTE],
                     FX_COL_START_BYTE, &row.span.start) ||
        !take_offset(p, row.cell[FX_COL_END_BYTE], at[FX_COL_END_BYTE],
                     FX_COL_END_BYTE, &row.span.end))
        return;
    if (row.span.end < row.span.start) {
        fail_at(p, at[FX_COL_END_BYTE]->line, at[FX_COL_END_BYTE]->col,
                "end_byte %" PRIu64 " is before start_byte %" PRIu64,
                row.span.end, row.span.start);
        return;
    }
    g_array_append_val(p->table->rows, row);
}

static void take_record(parser *p)
{
    if (p->cell_at->len == 0)
        return;
    if (p->have_header)
        take_row(p);
    else
        take_header(p);
    g_string_truncate(p->cells, 0);
    g_array_set_size(p->cell_at, 0);
}

/* Comments are a GOLD convenience; in PRED a '#' is data. */
static bool is_comment(const parser *p, size_t at)
{
    return p->table->role == FX_SCORE_GOLD && at < p->len &&
           p->data[at] == '#';
}

/* -- TSV: one record a line; TAB separates cells, \t \n \r \\ escape -- */

static void tsv_record(parser *p, size_t from, size_t to)
{
    size_t k = from;
    for (;;) {
        begin_cell(p, p->line, col_at(p, k));
        while (k < to && p->data[k] != '\t') {
            size_t run = k;
            while (run < to && p->data[run] != '\t' && p->data[run] != '\\')
                run++;
            g_string_append_len(p->cells, p->data + k, (gssize)(run - k));
            k = run;
            if (k >= to || p->data[k] != '\\')
                continue;
            char escaped = k + 1 < to ? p->data[k + 1] : '\0';
            const char *plain = escaped == 't'    ? "\t"
                                : escaped == 'n'  ? "\n"
                                : escaped == 'r'  ? "\r"
                                : escaped == '\\' ? "\\"
                                                  : NULL;
            if (!plain) {
                fail_at(p, p->line, col_at(p, k),
                        "unknown escape in a TSV cell (a backslash must "
                        "start \\t, \\n, \\r or \\\\)");
                return;
            }
            g_string_append_c(p->cells, *plain);
            k += 2;
        }
        end_cell(p);
        if (k >= to)
            break;
        k++; /* the TAB */
    }
    p->end_line = p->line;
    p->end_col = col_at(p, to);
    take_record(p);
}

static void parse_tsv(parser *p)
{
    size_t i = p->pos;
    while (i < p->len && !p->failed) {
        const char *nl = memchr(p->data + i, '\n', p->len - i);
        size_t end = nl ? (size_t)(nl - p->data) : p->len;
        size_t content_end = end;
        if (content_end > i && p->data[content_end - 1] == '\r')
            content_end--; /* a file saved with CRLF line ends */
        p->line_start = i;
        if (content_end > i && !is_comment(p, i))
            tsv_record(p, i, content_end);
        i = nl ? end + 1 : p->len;
        p->line++;
    }
}

/* -- CSV: libcsv, fed one byte at a time so that the place of each field
 * is known: libcsv reports a field when it reads the comma or line end
 * after it, and we note where it began. -- */

static void csv_on_field(void *text, size_t len, void *data)
{
    parser *p = data;
    if (p->failed)
        return;
    if (!p->in_field) /* an empty field: placed where it ends */
        begin_cell(p, p->line, col_at(p, p->pos));
    else
        begin_cell(p, p->field_line, p->field_col);
    p->in_record = true;
    if (text)
        g_string_append_len(p->cells, text, (gssize)len);
    end_cell(p);
    p->in_field = false;
}

static void csv_on_record(int terminator, void *data)
{
    (void)terminator;
    parser *p = data;
    if (p->failed)
        return;
    p->end_line = p->line;
    p->end_col = col_at(p, p->pos);
    take_record(p);
    p->in_record = p->in_field = false;
}

static void parse_csv(parser *p)
{
    struct csv_parser csv;
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        fail_at(p, 0, 0, "out of memory");
        return;
    }
    for (; p->pos < p->len && !p->failed; p->pos++) {
        size_t i = p->pos;
        char ch = p->data[i];
        if (!p->in_record && i == p->line_start && is_comment(p, i)) {
            const char *nl = memchr(p->data + i, '\n', p->len - i);
            p->pos = nl ? (size_t)(nl - p->data) : p->len - 1;
            p->line_start = p->pos + 1;
            p->line++;
            continue;
        }
        /* libcsv skips blanks before a field and blank lines, so a field
         * is placed at its first other byte. */
        bool blank = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
        if (!p->in_field && !blank) {
            p->in_record = p->in_field = true;
            p->field_line = p->line;
            p->field_col = col_at(p, i);
        }
        if (csv_parse(&csv, p->data + i, 1, csv_on_field, csv_on_record, p) !=
            1) {
            int code = csv_error(&csv);
            fail_at(p, p->line, col_at(p, i), "CSV syntax error: %s",
                    code == CSV_EPARSE ? "a quote inside an unquoted field, "
                                         "or text after a closing quote"
                                       : csv_strerror(code));
            break;
        }
        if (ch == '\n') {
            p->line++;
            p->line_start = i + 1;
        }
    }
    if (!p->failed && csv_fini(&csv, csv_on_field, csv_on_record, p) != 0)
        fail_at(p, p->field_line, p->field_col,
                "CSV syntax error: quoted field not closed before the end of"
                " the file");
    csv_free(&csv);
}

/* A NUL would silently cut a cell short, so it is refused up front. */
static bool check_no_nul(parser *p)
{
    const char *nul = memchr(p->data, '\0', p->len);
    if (!nul)
        return true;
    size_t at = (size_t)(nul - p->data), line_start = 0;
    unsigned line = 1;
    for (size_t i = 0; i < at; i++)
        if (p->data[i] == '\n')
            line++, line_start = i + 1;
    fail_at(p, line, column_at(p->data, line_start, at),
            "NUL byte in the file (is it text?)");
    return false;
}

fx_status fx_score_table_parse(fx_score_table **out, fx_score_role role,
                               const char *name, const char *data, size_t len,
                               bool csv, fx_score_error *err)
{
    fx_score_table *t = g_new0(fx_score_table, 1);
    t->name = g_strdup(name);
    t->role = role;
    t->rows = g_array_new(FALSE, FALSE, sizeof(score_row));
    t->strings = g_string_chunk_new(4096);
    parser p = {
        .table = t,
        .err = err,
        .data = data,
        .len = len,
        .cells = g_string_new(NULL),
        .cell_at = g_array_new(FALSE, FALSE, sizeof(cell_pos)),
        .colmap = g_array_new(FALSE, FALSE, sizeof(int)),
        .line = 1,
    };
    /* A spreadsheet's byte order mark is not part of the first cell. */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        p.pos = p.line_start = 3;
    if (check_no_nul(&p)) {
        if (csv)
            parse_csv(&p);
        else
            parse_tsv(&p);
    }
    if (!p.failed && !p.have_header)
        fail_at(&p, 0, 0, "no header line (the file is empty%s)",
                role == FX_SCORE_GOLD ? " or all comments" : "");
    g_string_free(p.cells, TRUE);
    g_array_free(p.cell_at, TRUE);
    g_array_free(p.colmap, TRUE);
    if (p.failed) {
        fx_score_table_free(t);
        *out = NULL;
        return FX_ERR_INPUT;
    }
    *out = t;
    return FX_OK;
}

static bool has_suffix_nocase(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && g_ascii_strcasecmp(path + n - k, suffix) == 0;
}

static bool choose_csv(fx_score_role role, const char *path,
                       const GString *data)
{
    if (has_suffix_nocase(path, ".csv"))
        return true;
    if (role == FX_SCORE_GOLD || has_suffix_nocase(path, ".tsv"))
        return false;
    const char *nl = memchr(data->str, '\n', data->len);
    size_t first = nl ? (size_t)(nl - data->str) : data->len;
    return memchr(data->str, '\t', first) == NULL;
}

fx_status fx_score_table_read(fx_score_table **out, fx_score_role role,
                              const char *path, fx_score_error *err)
{
    *out = NULL;
    bool is_stdin = strcmp(path, "-") == 0;
    if (!is_stdin && g_file_test(path, G_FILE_TEST_IS_DIR)) {
        set_error(err, path, 0, 0, "is a directory");
        return FX_ERR_IO;
    }
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        set_error(err, path, 0, 0, "cannot open: %s", g_strerror(errno));
        return FX_ERR_IO;
    }
    GString *data = g_string_new(NULL);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        g_string_append_len(data, buf, (gssize)n);
    int read_errno = ferror(fp) ? errno : 0;
    if (!is_stdin)
        fclose(fp);
    fx_status st;
    if (read_errno) {
        set_error(err, path, 0, 0, "read failed: %s", g_strerror(read_errno));
        st = FX_ERR_IO;
    } else {
        st = fx_score_table_parse(out, role, path, data->str, data->len,
                                  choose_csv(role, path, data), err);
    }
    g_string_free(data, TRUE);
    return st;
}

/* ---- scoring ---- */

/* Columns that place or key a row rather than describe it: they are not
 * scored (value is, but on its own). */
static bool is_scorable(fx_column c)
{
    switch (c) {
    case FX_COL_SOURCE:
    case FX_COL_START_BYTE:
    case FX_COL_END_BYTE:
    case FX_COL_LINE:
    case FX_COL_COLUMN:
    case FX_COL_TYPE:
    case FX_COL_VALUE:
    case FX_COL_RULE:
    case FX_COL_RULE_SOURCE:
        return false;
    default:
        return true;
    }
}

/* The rows of one document, split by type. */
typedef struct {
    const char *source;
    GArray *gold[FX_SCORE_TYPES]; /* of guint row indices */
    GArray *pred[FX_SCORE_TYPES];
    bool named_by_gold;
    uint64_t pred_rows;
    unsigned first_line, first_col; /* its first PRED row */
} document;

static document *document_new(const char *source)
{
    document *d = g_new0(document, 1);
    d->source = source;
    for (size_t t = 0; t < FX_SCORE_TYPES; t++) {
        d->gold[t] = g_array_new(FALSE, FALSE, sizeof(guint));
        d->pred[t] = g_array_new(FALSE, FALSE, sizeof(guint));
    }
    return d;
}

static void document_free(gpointer data)
{
    document *d = data;
    for (size_t t = 0; t < FX_SCORE_TYPES; t++) {
        g_array_free(d->gold[t], TRUE);
        g_array_free(d->pred[t], TRUE);
    }
    g_free(d);
}

/* Documents in the order first seen, and by source. */
typedef struct {
    GPtrArray *list;
    GHashTable *by_source;
} documents;

static document *document_for(documents *docs, const char *source)
{
    document *d = g_hash_table_lookup(docs->by_source, source);
    if (!d) {
        d = document_new(source);
        g_ptr_array_add(docs->list, d);
        g_hash_table_insert(docs->by_source, (gpointer)source, d);
    }
    return d;
}

static const score_row *row_at(const fx_score_table *t, guint i)
{
    return &g_array_index(t->rows, score_row, i);
}

static const char *source_of(const score_row *r)
{
    return r->cell[FX_COL_SOURCE] ? r->cell[FX_COL_SOURCE] : "";
}

/* PRED must have every scored column, and hold one document unless
 * GOLD says which document each row belongs to. */
static bool check_pred(const fx_score_table *gold, const fx_score_table *pred,
                       fx_score_error *err)
{
    for (int c = 0; c < FX_COL_COUNT; c++)
        if (gold->has[c] && is_scorable((fx_column)c) && !pred->has[c]) {
            set_error(err, pred->name, pred->header_line, 1,
                      "missing column '%s', which GOLD has and which is "
                      "scored",
                      fx_column_name((fx_column)c));
            return false;
        }
    if (gold->has[FX_COL_SOURCE]) {
        if (!pred->has[FX_COL_SOURCE]) {
            set_error(err, pred->name, pred->header_line, 1,
                      "missing column 'source' (GOLD has one, so rows are "
                      "matched per source)");
            return false;
        }
        return true;
    }
    for (guint i = 1; i < pred->rows->len; i++) {
        const score_row *r = row_at(pred, i), *first = row_at(pred, 0);
        if (strcmp(source_of(r), source_of(first)) != 0) {
            char *a = quote_cell(source_of(r)),
                 *b = quote_cell(source_of(first));
            set_error(err, pred->name, r->line, r->source_col,
                      "a second document, %s, after %s: add a source column"
                      " to GOLD to score several documents",
                      a, b);
            g_free(a);
            g_free(b);
            return false;
        }
    }
    return true;
}

static void group_rows(documents *docs, const fx_score_table *gold,
                       const fx_score_table *pred)
{
    bool per_source = gold->has[FX_COL_SOURCE];
    for (guint i = 0; i < gold->rows->len; i++) {
        const score_row *r = row_at(gold, i);
        document *d = document_for(docs, per_source ? source_of(r) : "");
        d->named_by_gold = true;
        g_array_append_val(d->gold[r->type], i);
    }
    for (guint i = 0; i < pred->rows->len; i++) {
        const score_row *r = row_at(pred, i);
        document *d = document_for(docs, per_source ? source_of(r) : "");
        d->named_by_gold |= !per_source; /* one document: GOLD's */
        if (d->pred_rows++ == 0) {
            d->first_line = r->line;
            d->first_col = r->source_col;
        }
        g_array_append_val(d->pred[r->type], i);
    }
}

static fx_score_rule *rule_for(GHashTable *rules, const char *id, fx_type type)
{
    fx_score_rule *r = g_hash_table_lookup(rules, id);
    if (!r) {
        r = g_new0(fx_score_rule, 1);
        r->rule = g_strdup(id);
        r->type = type;
        g_hash_table_insert(rules, r->rule, r);
    }
    return r;
}

static fx_score_span *spans_of(const fx_score_table *t, const GArray *rows)
{
    fx_score_span *s = g_new(fx_score_span, rows->len ? rows->len : 1);
    for (guint k = 0; k < rows->len; k++)
        s[k] = row_at(t, g_array_index(rows, guint, k))->span;
    return s;
}

/* Match one type of one document and add up what it gives; false when
 * too many of its spans overlap to be paired. */
static bool score_group(fx_score_result *res, GHashTable *rules,
                        const fx_score_table *gold, const GArray *gold_rows,
                        const fx_score_table *pred, const GArray *pred_rows,
                        fx_type type)
{
    size_t ng = gold_rows->len, np = pred_rows->len;
    fx_score_span *gs = spans_of(gold, gold_rows);
    fx_score_span *ps = spans_of(pred, pred_rows);
    size_t *g2p = g_new(size_t, ng ? ng : 1);
    size_t *p2g = g_new(size_t, np ? np : 1);
    fx_score_counts *n = &res->by_type[type];
    n->gold += ng;
    n->pred += np;
    n->strict_tp += fx_score_match_strict(gs, ng, ps, np, g2p, p2g);
    size_t lenient = fx_score_match_lenient(gs, ng, ps, np, g2p, p2g);
    if (lenient != FX_SCORE_UNMATCHED)
        n->lenient_tp += lenient;
    for (size_t k = 0; k < np && lenient != FX_SCORE_UNMATCHED; k++) {
        const score_row *pr = row_at(pred, g_array_index(pred_rows, guint, k));
        fx_score_rule *rule = rule_for(rules, pr->cell[FX_COL_RULE], type);
        rule->pred++;
        if (p2g[k] == FX_SCORE_UNMATCHED)
            continue;
        rule->tp++;
        const score_row *gr =
            row_at(gold, g_array_index(gold_rows, guint, p2g[k]));
        if (strcmp(gr->cell[FX_COL_VALUE], pr->cell[FX_COL_VALUE]) == 0)
            n->value_ok++;
        for (int c = 0; c < FX_COL_COUNT; c++)
            if (res->scored[c] && strcmp(gr->cell[c], pr->cell[c]) == 0)
                n->column_ok[c]++;
    }
    g_free(gs);
    g_free(ps);
    g_free(g2p);
    g_free(p2g);
    return lenient != FX_SCORE_UNMATCHED;
}

static int compare_rules(const void *a, const void *b)
{
    const fx_score_rule *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

static void collect_rules(fx_score_result *res, GHashTable **rules)
{
    size_t total = 0;
    for (size_t t = 0; t < FX_SCORE_TYPES; t++)
        total += g_hash_table_size(rules[t]);
    res->rules = g_new0(fx_score_rule, total ? total : 1);
    for (size_t t = 0; t < FX_SCORE_TYPES; t++) {
        GHashTableIter it;
        gpointer value;
        g_hash_table_iter_init(&it, rules[t]);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
            res->rules[res->nrules++] = *(fx_score_rule *)value;
            g_free(value); /* its rule id now belongs to res */
        }
        g_hash_table_destroy(rules[t]);
    }
    qsort(res->rules, res->nrules, sizeof *res->rules, compare_rules);
}

static void add_counts(fx_score_counts *sum, const fx_score_counts *n)
{
    sum->gold += n->gold;
    sum->pred += n->pred;
    sum->strict_tp += n->strict_tp;
    sum->lenient_tp += n->lenient_tp;
    sum->value_ok += n->value_ok;
    for (int c = 0; c < FX_COL_COUNT; c++)
        sum->column_ok[c] += n->column_ok[c];
}

fx_status fx_score_compute(fx_score_result **out, const fx_score_table *gold,
                           const fx_score_table *pred, fx_score_error *err)
{
    *out = NULL;
    if (!check_pred(gold, pred, err))
        return FX_ERR_INPUT;
    fx_score_result *res = g_new0(fx_score_result, 1);
    for (int c = 0; c < FX_COL_COUNT; c++)
        res->scored[c] = gold->has[c] && is_scorable((fx_column)c);
    documents docs = {
        g_ptr_array_new_with_free_func(document_free),
        g_hash_table_new(g_str_hash, g_str_equal),
    };
    group_rows(&docs, gold, pred);
    GHashTable *rules[FX_SCORE_TYPES];
    for (size_t t = 0; t < FX_SCORE_TYPES; t++)
        rules[t] = g_hash_table_new(g_str_hash, g_str_equal);
    res->strays = g_new0(fx_score_stray, docs.list->len + 1);
    bool ok = true;
    for (guint i = 0; i < docs.list->len && ok; i++) {
        const document *d = g_ptr_array_index(docs.list, i);
        for (size_t t = 0; t < FX_SCORE_TYPES && ok; t++) {
            ok = score_group(res, rules[t], gold, d->gold[t], pred, d->pred[t],
                             (fx_type)t);
            if (!ok)
                set_error(err, gold->name, 0, 0,
                          "more than %zu overlapping pairs of %s rows in "
                          "one document, too many to pair (are the spans "
                          "right?)",
                          FX_SCORE_MAX_OVERLAPS, fx_type_name((fx_type)t));
        }
        if (!d->named_by_gold)
            res->strays[res->nstrays++] =
                (fx_score_stray){g_strdup(d->source), d->pred_rows,
                                 d->first_line, d->first_col};
    }
    for (size_t t = 0; t < FX_SCORE_TYPES; t++)
        add_counts(&res->all, &res->by_type[t]);
    collect_rules(res, rules);
    g_hash_table_destroy(docs.by_source);
    g_ptr_array_free(docs.list, TRUE);
    if (!ok) {
        fx_score_result_free(res);
        return FX_ERR_INPUT;
    }
    *out = res;
    return FX_OK;
}

void fx_score_result_free(fx_score_result *result)
{
    if (!result)
        return;
    for (size_t i = 0; i < result->nrules; i++)
        g_free(result->rules[i].rule);
    for (size_t i = 0; i < result->nstrays; i++)
        g_free(result->strays[i].source);
    g_free(result->rules);
    g_free(result->strays);
    g_free(result);
}

/* ---- the report ---- */

/* Cells in rows of `ncols`; a NULL cell is a figure with no value (a
 * ratio over zero), shown as "-" in text and empty in TSV. */
typedef struct {
    GPtrArray *cells;
    guint ncols;
    guint left_cols; /* the first left_cols columns are names, left-aligned */
} table;

static table table_new(guint ncols, guint left_cols)
{
    table t = {g_ptr_array_new_with_free_func(g_free), ncols, left_cols};
    return t;
}

static void put_text(table *t, const char *s)
{
    g_ptr_array_add(t->cells, g_strdup(s));
}

/* A name from an input file, escaped so that it stays on one line. */
static void put_name(table *t, const char *s)
{
    GString *e = g_string_new(NULL);
    append_escaped(e, s, SIZE_MAX);
    g_ptr_array_add(t->cells, g_string_free(e, FALSE));
}

static void put_count(table *t, uint64_t n)
{
    g_ptr_array_add(t->cells, g_strdup_printf("%" PRIu64, n));
}

static void put_ratio(table *t, uint64_t num, uint64_t den)
{
    g_ptr_array_add(t->cells,
                    den ? g_strdup_printf("%.3f", (double)num / (double)den)
                        : NULL);
}

/* Characters in `s`, counting the bytes of broken UTF-8 one each. */
static size_t display_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void pad(GString *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        g_string_append_c(out, ' ');
}

static void table_render(const table *t, fx_score_output output, GString *out)
{
    guint n = t->cells->len;
    size_t *width = g_new0(size_t, t->ncols);
    for (guint i = 0; i < n; i++) {
        const char *s = g_ptr_array_index(t->cells, i);
        size_t w = s ? display_width(s) : 1;
        if (w > width[i % t->ncols])
            width[i % t->ncols] = w;
    }
    for (guint i = 0; i < n; i++) {
        guint col = i % t->ncols;
        const char *s = g_ptr_array_index(t->cells, i);
        if (output == FX_SCORE_OUT_TSV) {
            if (col > 0)
                g_string_append_c(out, '\t');
            g_string_append(out, s ? s : "");
        } else {
            const char *shown = s ? s : "-";
            size_t gap = width[col] - display_width(shown);
            bool last = col + 1 == t->ncols;
            if (col > 0)
                g_string_append(out, "  ");
            if (col >= t->left_cols)
                pad(out, gap);
            g_string_append(out, shown);
            if (col < t->left_cols && !last)
                pad(out, gap);
        }
        if (col + 1 == t->ncols)
            g_string_append_c(out, '\n');
    }
    g_free(width);
    g_ptr_array_free(t->cells, TRUE);
}

static void detection_rows(table *t, const char *type,
                           const fx_score_counts *n)
{
    for (int lenient = 0; lenient < 2; lenient++) {
        uint64_t tp = lenient ? n->lenient_tp : n->strict_tp;
        put_text(t, type);
        put_text(t, lenient ? "lenient" : "strict");
        put_count(t, n->gold);
        put_count(t, n->pred);
        put_count(t, tp);
        put_count(t, n->pred - tp);
        put_count(t, n->gold - tp);
        put_ratio(t, tp, n->pred);
        put_ratio(t, tp, n->gold);
        put_ratio(t, 2 * tp, n->gold + n->pred);
    }
}

static void accuracy_row(table *t, const fx_score_result *r, const char *type,
                         const fx_score_counts *n)
{
    put_text(t, type);
    put_count(t, n->lenient_tp);
    put_ratio(t, n->value_ok, n->lenient_tp);
    for (int c = 0; c < FX_COL_COUNT; c++)
        if (r->scored[c])
            put_ratio(t, n->column_ok[c], n->lenient_tp);
}

char *fx_score_render(const fx_score_result *result, fx_score_output output,
                      bool by_rule)
{
    GString *out = g_string_new(NULL);
    static const char *const detection_head[] = {
        "type", "match", "gold",      "pred",   "tp",
        "fp",   "fn",    "precision", "recall", "f1"};
    table t = table_new(G_N_ELEMENTS(detection_head), 2);
    for (size_t i = 0; i < G_N_ELEMENTS(detection_head); i++)
        put_text(&t, detection_head[i]);
    for (size_t ty = 0; ty < FX_SCORE_TYPES; ty++)
        detection_rows(&t, fx_type_name((fx_type)ty), &result->by_type[ty]);
    detection_rows(&t, "all", &result->all);
    table_render(&t, output, out);

    guint scored = 0;
    for (int c = 0; c < FX_COL_COUNT; c++)
        scored += result->scored[c];
    t = table_new(3 + scored, 1);
    put_text(&t, "type");
    put_text(&t, "pairs");
    put_text(&t, "value");
    for (int c = 0; c < FX_COL_COUNT; c++)
        if (result->scored[c])
            put_text(&t, fx_column_name((fx_column)c));
    for (size_t ty = 0; ty < FX_SCORE_TYPES; ty++)
        accuracy_row(&t, result, fx_type_name((fx_type)ty),
                     &result->by_type[ty]);
    accuracy_row(&t, result, "all", &result->all);
    g_string_append_c(out, '\n');
    table_render(&t, output, out);

    if (by_rule) {
        static const char *const rule_head[] = {
            "rule", "type", "pred", "tp", "precision", "recall_share"};
        t = table_new(G_N_ELEMENTS(rule_head), 2);
        for (size_t i = 0; i < G_N_ELEMENTS(rule_head); i++)
            put_text(&t, rule_head[i]);
        for (size_t i = 0; i < result->nrules; i++) {
            const fx_score_rule *r = &result->rules[i];
            put_name(&t, r->rule);
            put_text(&t, fx_type_name(r->type));
            put_count(&t, r->pred);
            put_count(&t, r->tp);
            put_ratio(&t, r->tp, r->pred);
            put_ratio(&t, r->tp, result->by_type[r->type].gold);
        }
        g_string_append_c(out, '\n');
        table_render(&t, output, out);
    }
    return g_string_free(out, FALSE);
}

/* ---- the command ---- */

static void print_error(FILE *msgs, const fx_score_error *e)
{
    if (e->line)
        fprintf(msgs, "figex: %s:%u:%u: error: %s\n", e->file, e->line, e->col,
                e->message);
    else
        fprintf(msgs, "figex: %s: error: %s\n", e->file, e->message);
}

static void print_strays(FILE *msgs, const char *pred_path,
                         const fx_score_result *res)
{
    for (size_t i = 0; i < res->nstrays; i++) {
        const fx_score_stray *s = &res->strays[i];
        char *q = quote_cell(s->source);
        fprintf(msgs,
                "figex: %s:%u:%u: warning: %" PRIu64 " row%s of source %s,"
                " which GOLD never names, count as false positives\n",
                pred_path, s->line, s->col, s->rows, s->rows == 1 ? "" : "s",
                q);
        g_free(q);
    }
}

int fx_score_run(const char *gold_path, const char *pred_path,
                 const fx_score_options *options, FILE *out, FILE *msgs)
{
    fx_score_error err = {0};
    fx_score_table *gold = NULL, *pred = NULL;
    fx_score_result *res = NULL;
    char *report = NULL;
    int status = EXIT_TROUBLE;
    if (strcmp(gold_path, "-") == 0 && strcmp(pred_path, "-") == 0) {
        fprintf(msgs, "figex: score: GOLD and PRED cannot both be standard"
                      " input\n");
        goto done;
    }
    /* Read both, so that one run names a problem in each. */
    bool ok = true;
    if (fx_score_table_read(&gold, FX_SCORE_GOLD, gold_path, &err) != FX_OK) {
        print_error(msgs, &err);
        fx_score_error_clear(&err);
        ok = false;
    }
    if (fx_score_table_read(&pred, FX_SCORE_PRED, pred_path, &err) != FX_OK) {
        print_error(msgs, &err);
        fx_score_error_clear(&err);
        ok = false;
    }
    if (!ok)
        goto done;
    if (fx_score_compute(&res, gold, pred, &err) != FX_OK) {
        print_error(msgs, &err);
        goto done;
    }
    print_strays(msgs, pred_path, res);
    report = fx_score_render(res, options->output, options->by_rule);
    if (fputs(report, out) == EOF || fflush(out) != 0 || ferror(out)) {
        fprintf(msgs, "figex: error: cannot write the report: %s\n",
                g_strerror(errno));
        goto done;
    }
    status = 0;
done:
    fx_score_error_clear(&err);
    fx_score_table_free(gold);
    fx_score_table_free(pred);
    fx_score_result_free(res);
    g_free(report);
    return status;
}

int fx_score_main(int argc, char **argv)
{
    gboolean by_rule = FALSE;
    char *format = NULL;
    GOptionEntry entries[] = {
        {"by-rule", 0, 0, G_OPTION_ARG_NONE, &by_rule,
         "Also score each rule: rows, true positives, precision and its "
         "share of its type's gold rows",
         NULL},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format,
         "Report format: text (default) or tsv", "FORMAT"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    /* GOption sees the subcommand's arguments only, under the name
     * "figex score" so that --help shows how to call it. */
    char prog[] = "figex score";
    int nargs = argc - 1;
    char **args = g_new0(char *, (gsize)nargs + 1);
    args[0] = prog;
    for (int i = 2; i < argc; i++)
        args[i - 1] = argv[i];
    char **parsed = args; /* GOption may reorder the array */
    GOptionContext *ctx = g_option_context_new("GOLD PRED");
    g_option_context_set_summary(
        ctx, "Compare predicted rows (figex's CSV or TSV output) with gold "
             "annotations:\nprecision, recall and F1 per type, with strict "
             "(same span) and lenient\n(overlapping span) matching, and "
             "value accuracy on matched rows.\nSee docs/scoring.md.");
    g_option_context_set_description(
        ctx, "Exit status: 0 success; 2 usage or input error.\n");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *gerr = NULL;
    int status = EXIT_TROUBLE;
    fx_score_options opt = {.output = FX_SCORE_OUT_TEXT};
    if (!g_option_context_parse(ctx, &nargs, &parsed, &gerr)) {
        fprintf(stderr, "figex: score: %s\nTry 'figex score --help'.\n",
                gerr->message);
        g_error_free(gerr);
        goto done;
    }
    if (format && strcmp(format, "tsv") == 0) {
        opt.output = FX_SCORE_OUT_TSV;
    } else if (format && strcmp(format, "text") != 0) {
        fprintf(stderr,
                "figex: score: unknown --format '%s' (expected text"
                " or tsv)\nTry 'figex score --help'.\n",
                format);
        goto done;
    }
    if (nargs != 3) {
        fprintf(stderr,
                "figex: score: expected two files, GOLD and PRED, "
                "not %d\nTry 'figex score --help'.\n",
                nargs - 1);
        goto done;
    }
    opt.by_rule = by_rule;
    status = fx_score_run(parsed[1], parsed[2], &opt, stdout, stderr);
done:
    g_option_context_free(ctx);
    g_free(format);
    g_free(args);
    return status;
}
