/*
 * golden_test.c: `figex test`, golden cases compared row by row.
 *
 * A golden case is a folder: `args` holds one line of figex arguments,
 * `expected.csv` (or `expected.tsv`) the rows those arguments must print,
 * and `expected.stderr` / `expected.exit` the diagnostics and exit status
 * when they are not empty and 0.  `figex test` runs its own binary on
 * each case (no shell: the line is split by g_shell_parse_argv) and
 * compares.  A line diff of a CSV file is hard to read once a rule
 * changes, so the output is compared by row: a row's identity is its key
 * (source, start_byte, end_byte, type), and rows of the same key are
 * paired in order.  Say the rule fruit-count stops taking "green" into
 * the unit, no longer counts pears and now counts plums, in
 *
 *     The stall sold 12 green apples,
 *     7 pears and 30 plums on Monday.
 *
 * The report says exactly that, naming the rule that made each row:
 *
 *     FAIL fruit
 *       rows differ from golden/fruit/expected.csv: 1 added, 1 removed,
 *       1 changed
 *       ~ 15-30 statistic "12 green apples" fruit-count fruit.rules:2
 *           unit: green apples -> apples
 *       - 32-39 statistic "7 pears" fruit-count fruit.rules:2
 *       + 44-52 statistic "30 plums" fruit-count fruit.rules:2
 *
 * The bytes must still match exactly: a difference the rows do not show
 * (quoting, line ends) is reported by its first line.
 */
#define _POSIX_C_SOURCE 200809L /* WIFEXITED and friends */
#include "golden_test.h"

#include <csv.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Columns every table with a header must have: the key, and what a
 * report shows of a row. */
static const char *const required_columns[] = {
    "source", "start_byte", "end_byte", "type", "text", "rule", "rule_source",
};
enum { KEY_COLUMNS = 4 }; /* the first four of required_columns */

/* ---- tables ---- */

static void row_free(gpointer data)
{
    fx_golden_row *row = data;
    g_strfreev(row->cells);
    g_free(row);
}

void fx_golden_table_free(fx_golden_table *table)
{
    if (!table)
        return;
    g_free(table->name);
    g_strfreev(table->header);
    g_ptr_array_unref(table->rows);
    g_free(table);
}

static int column_index(const fx_golden_table *table, const char *column)
{
    for (unsigned i = 0; i < table->ncols; i++)
        if (strcmp(table->header[i], column) == 0)
            return (int)i;
    return -1;
}

const char *fx_golden_cell(const fx_golden_table *table,
                           const fx_golden_row *row, const char *column)
{
    int i = column_index(table, column);
    return i < 0 ? "" : row->cells[i];
}

/* What a reader has found so far; the first problem stops it. */
typedef struct {
    fx_golden_table *table;
    GPtrArray *cells;  /* char *, the row being read */
    unsigned line;     /* line being read */
    unsigned row_line; /* line of the current row's first cell, or 0 */
    unsigned bad_line;
    char *bad; /* the first problem, or NULL */
} reader;

static void reader_fail(reader *rd, unsigned line, char *message)
{
    if (rd->bad) {
        g_free(message);
        return;
    }
    rd->bad_line = line;
    rd->bad = message;
}

static void reader_add_cell(reader *rd, char *cell)
{
    if (!rd->row_line)
        rd->row_line = rd->line;
    g_ptr_array_add(rd->cells, cell);
}

/* The cells read make the header (the first row) or a row. */
static void reader_end_row(reader *rd)
{
    fx_golden_table *t = rd->table;
    unsigned line = rd->row_line ? rd->row_line : rd->line;
    g_ptr_array_add(rd->cells, NULL);
    char **cells = (char **)g_ptr_array_free(rd->cells, FALSE);
    rd->cells = g_ptr_array_new_with_free_func(g_free);
    rd->row_line = 0;
    if (rd->bad) {
        g_strfreev(cells);
        return;
    }
    unsigned n = g_strv_length(cells);
    if (!t->header) {
        t->header = cells;
        t->ncols = n;
        for (size_t i = 0; i < G_N_ELEMENTS(required_columns); i++)
            if (column_index(t, required_columns[i]) < 0) {
                reader_fail(rd, line,
                            g_strdup_printf("the header has no '%s' column",
                                            required_columns[i]));
                return;
            }
        return;
    }
    if (n != t->ncols) {
        reader_fail(rd, line,
                    g_strdup_printf("a row of %u fields under a header of %u",
                                    n, t->ncols));
        g_strfreev(cells);
        return;
    }
    fx_golden_row *row = g_new(fx_golden_row, 1);
    row->line = line;
    row->cells = cells;
    g_ptr_array_add(t->rows, row);
}

static void csv_on_field(void *field, size_t len, void *payload)
{
    reader_add_cell(payload, g_strndup(field ? field : "", len));
}

static void csv_on_row(int terminator, void *payload)
{
    (void)terminator;
    reader_end_row(payload);
}

/* figex quotes a cell with a space at either end, but a hand-edited file
 * may not: no byte is blank to us, so no cell is trimmed. */
static int never_blank(unsigned char c)
{
    (void)c;
    return 0;
}

/* libcsv is fed one line at a time so that a problem has a line. */
static void read_csv(reader *rd, const char *data, size_t len)
{
    struct csv_parser parser;
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        reader_fail(rd, 1, g_strdup("out of memory"));
        return;
    }
    csv_set_space_func(&parser, never_blank);
    const char *p = data, *end = data + len;
    while (p < end && !rd->bad) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (csv_parse(&parser, p, n, csv_on_field, csv_on_row, rd) != n)
            reader_fail(rd, rd->line,
                        g_strdup("malformed CSV: a quote inside an unquoted"
                                 " field, or text after a closing quote"));
        p += n;
        if (nl && !rd->bad)
            rd->line++;
    }
    if (!rd->bad && csv_fini(&parser, csv_on_field, csv_on_row, rd) != 0)
        reader_fail(rd, rd->row_line ? rd->row_line : rd->line,
                    g_strdup("malformed CSV: a quoted field is not closed"));
    csv_free(&parser);
}

/* Undo figex's TSV escapes in place; false on an unknown escape. */
static bool tsv_unescape(char *cell, char *bad)
{
    char *out = cell;
    for (const char *s = cell; *s; s++) {
        if (*s != '\\') {
            *out++ = *s;
            continue;
        }
        switch (s[1]) {
        case 't':
            *out++ = '\t';
            break;
        case 'n':
            *out++ = '\n';
            break;
        case 'r':
            *out++ = '\r';
            break;
        case '\\':
            *out++ = '\\';
            break;
        default:
            *bad = s[1];
            return false;
        }
        s++;
    }
    *out = '\0';
    return true;
}

static void read_tsv(reader *rd, const char *data, size_t len)
{
    const char *p = data, *end = data + len;
    for (; p < end && !rd->bad; rd->line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        if (stop > p) {
            char *line = g_strndup(p, (size_t)(stop - p));
            char **cells = g_strsplit(line, "\t", -1);
            g_free(line);
            for (char **c = cells; *c && !rd->bad; c++) {
                char bad;
                if (!tsv_unescape(*c, &bad))
                    reader_fail(
                        rd, rd->line,
                        bad ? g_strdup_printf("unknown escape '\\%c'", bad)
                            : g_strdup("a backslash ends a cell"));
                reader_add_cell(rd, g_strdup(*c));
            }
            g_strfreev(cells);
            reader_end_row(rd);
        }
        p = stop + 1;
    }
}

fx_golden_table *fx_golden_table_parse(const char *name, const char *data,
                                       size_t len, fx_golden_format format,
                                       unsigned *err_line, char **err)
{
    fx_golden_table *t = g_new0(fx_golden_table, 1);
    t->name = g_strdup(name);
    t->rows = g_ptr_array_new_with_free_func(row_free);
    reader rd = {.table = t,
                 .cells = g_ptr_array_new_with_free_func(g_free),
                 .line = 1};
    if (format == FX_GOLDEN_CSV)
        read_csv(&rd, data, len);
    else
        read_tsv(&rd, data, len);
    g_ptr_array_unref(rd.cells);
    if (rd.bad) {
        *err_line = rd.bad_line;
        *err = rd.bad;
        fx_golden_table_free(t);
        return NULL;
    }
    return t;
}

/* ---- row diff ---- */

static void delta_free(gpointer data)
{
    fx_golden_delta *d = data;
    g_ptr_array_unref(d->columns);
    g_free(d);
}

static fx_golden_delta *delta_new(fx_golden_change change,
                                  const fx_golden_row *expected,
                                  const fx_golden_row *actual,
                                  GPtrArray *columns)
{
    fx_golden_delta *d = g_new(fx_golden_delta, 1);
    d->change = change;
    d->expected = expected;
    d->actual = actual;
    d->columns = columns ? columns : g_ptr_array_new();
    return d;
}

static char *row_key(const fx_golden_table *t, const fx_golden_row *row)
{
    GString *key = g_string_new(NULL);
    for (int i = 0; i < KEY_COLUMNS; i++) {
        /* U+001F cannot occur in a number or a type, and a source name
         * holding it only risks pairing two rows of that one source. */
        if (i)
            g_string_append_c(key, '\x1f');
        g_string_append(key, fx_golden_cell(t, row, required_columns[i]));
    }
    return g_string_free(key, FALSE);
}

static bool is_key_column(const char *column)
{
    for (int i = 0; i < KEY_COLUMNS; i++)
        if (strcmp(column, required_columns[i]) == 0)
            return true;
    return false;
}

/* Names of the non-key columns in which two paired rows differ. */
static GPtrArray *differing_columns(const fx_golden_table *et,
                                    const fx_golden_row *er,
                                    const fx_golden_table *at,
                                    const fx_golden_row *ar)
{
    GPtrArray *cols = g_ptr_array_new();
    for (unsigned i = 0; i < at->ncols; i++) {
        const char *c = at->header[i];
        if (!is_key_column(c) &&
            strcmp(ar->cells[i], fx_golden_cell(et, er, c)) != 0)
            g_ptr_array_add(cols, (gpointer)c);
    }
    for (unsigned i = 0; i < et->ncols; i++) {
        const char *c = et->header[i];
        if (column_index(at, c) < 0 && er->cells[i][0])
            g_ptr_array_add(cols, (gpointer)c);
    }
    return cols;
}

typedef struct {
    const fx_golden_table *expected, *actual;
    GHashTable *source_rank; /* source -> 1-based order of appearance */
} diff_order;

static void rank_sources(GHashTable *rank, const fx_golden_table *t)
{
    for (guint i = 0; i < t->rows->len; i++) {
        const char *s = fx_golden_cell(t, t->rows->pdata[i], "source");
        if (!g_hash_table_contains(rank, s))
            g_hash_table_insert(rank, (gpointer)s,
                                GUINT_TO_POINTER(g_hash_table_size(rank) + 1));
    }
}

static int compare_u64(guint64 a, guint64 b)
{
    return a < b ? -1 : a > b;
}

static int compare_deltas(gconstpointer pa, gconstpointer pb, gpointer data)
{
    const diff_order *o = data;
    const fx_golden_delta *a = *(fx_golden_delta *const *)pa;
    const fx_golden_delta *b = *(fx_golden_delta *const *)pb;
    const fx_golden_table *ta = a->actual ? o->actual : o->expected;
    const fx_golden_table *tb = b->actual ? o->actual : o->expected;
    const fx_golden_row *ra = a->actual ? a->actual : a->expected;
    const fx_golden_row *rb = b->actual ? b->actual : b->expected;
    int c =
        compare_u64(GPOINTER_TO_UINT(g_hash_table_lookup(
                        o->source_rank, fx_golden_cell(ta, ra, "source"))),
                    GPOINTER_TO_UINT(g_hash_table_lookup(
                        o->source_rank, fx_golden_cell(tb, rb, "source"))));
    for (int i = 1; i <= 2 && c == 0; i++)
        c = compare_u64(
            g_ascii_strtoull(fx_golden_cell(ta, ra, required_columns[i]), NULL,
                             10),
            g_ascii_strtoull(fx_golden_cell(tb, rb, required_columns[i]), NULL,
                             10));
    if (c == 0)
        c = strcmp(fx_golden_cell(ta, ra, "type"),
                   fx_golden_cell(tb, rb, "type"));
    if (c == 0)
        c = (int)a->change - (int)b->change;
    return c; /* ties keep file order: the sort is stable */
}

GPtrArray *fx_golden_diff(const fx_golden_table *expected,
                          const fx_golden_table *actual)
{
    GPtrArray *deltas = g_ptr_array_new_with_free_func(delta_free);
    /* key -> GQueue of the expected rows of that key not yet paired */
    GHashTable *unpaired = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_queue_free);
    for (guint i = 0; i < expected->rows->len; i++) {
        const fx_golden_row *er = expected->rows->pdata[i];
        char *key = row_key(expected, er);
        GQueue *q = g_hash_table_lookup(unpaired, key);
        if (!q)
            g_hash_table_insert(unpaired, g_strdup(key), q = g_queue_new());
        g_queue_push_tail(q, (gpointer)er);
        g_free(key);
    }
    for (guint i = 0; i < actual->rows->len; i++) {
        const fx_golden_row *ar = actual->rows->pdata[i];
        char *key = row_key(actual, ar);
        GQueue *q = g_hash_table_lookup(unpaired, key);
        const fx_golden_row *er = q ? g_queue_pop_head(q) : NULL;
        g_free(key);
        if (!er) {
            g_ptr_array_add(deltas,
                            delta_new(FX_GOLDEN_ADDED, NULL, ar, NULL));
            continue;
        }
        GPtrArray *cols = differing_columns(expected, er, actual, ar);
        if (cols->len)
            g_ptr_array_add(deltas,
                            delta_new(FX_GOLDEN_CHANGED, er, ar, cols));
        else
            g_ptr_array_unref(cols);
    }
    /* What is left of each queue is its tail, still in file order. */
    for (guint i = 0; i < expected->rows->len; i++) {
        const fx_golden_row *er = expected->rows->pdata[i];
        char *key = row_key(expected, er);
        GQueue *q = g_hash_table_lookup(unpaired, key);
        if (g_queue_peek_head(q) == er) {
            g_queue_pop_head(q);
            g_ptr_array_add(deltas,
                            delta_new(FX_GOLDEN_REMOVED, er, NULL, NULL));
        }
        g_free(key);
    }
    g_hash_table_unref(unpaired);

    diff_order order = {expected, actual,
                        g_hash_table_new(g_str_hash, g_str_equal)};
    rank_sources(order.source_rank, expected);
    rank_sources(order.source_rank, actual);
    g_ptr_array_sort_with_data(deltas, compare_deltas, &order);
    g_hash_table_unref(order.source_rank);
    return deltas;
}

/* A value as the report shows it: quoted when blanks would hide it. */
static void append_value(GString *out, const char *value)
{
    size_t n = strlen(value);
    if (n == 0 || value[0] == ' ' || value[n - 1] == ' ')
        g_string_append_printf(out, "\"%s\"", value);
    else
        g_string_append(out, value);
}

void fx_golden_delta_format(GString *out, const fx_golden_table *expected,
                            const fx_golden_table *actual,
                            const fx_golden_delta *delta, bool with_source)
{
    static const char signs[] = {'-', '+', '~'};
    const fx_golden_table *t = delta->actual ? actual : expected;
    const fx_golden_row *r = delta->actual ? delta->actual : delta->expected;
    g_string_append_printf(out, "  %c ", signs[delta->change]);
    if (with_source)
        g_string_append_printf(out, "%s:", fx_golden_cell(t, r, "source"));
    g_string_append_printf(
        out, "%s-%s %s \"%s\" %s %s\n", fx_golden_cell(t, r, "start_byte"),
        fx_golden_cell(t, r, "end_byte"), fx_golden_cell(t, r, "type"),
        fx_golden_cell(t, r, "text"), fx_golden_cell(t, r, "rule"),
        fx_golden_cell(t, r, "rule_source"));
    for (guint i = 0; i < delta->columns->len; i++) {
        const char *c = delta->columns->pdata[i];
        g_string_append_printf(out, "      %s: ", c);
        append_value(out, fx_golden_cell(expected, delta->expected, c));
        g_string_append(out, " -> ");
        append_value(out, fx_golden_cell(actual, delta->actual, c));
        g_string_append_c(out, '\n');
    }
}

/* ---- line diffs, for stderr and for bytes the rows do not explain ---- */

/* `text` split into lines, without a final empty line. */
static char **split_lines(const char *text, guint *n)
{
    char **lines = g_strsplit(text, "\n", -1);
    *n = g_strv_length(lines);
    if (*n && lines[*n - 1][0] == '\0') {
        g_free(lines[--*n]);
        lines[*n] = NULL;
    }
    return lines;
}

/* Past this many cells the longest-common-subsequence table would cost
 * more than a report is worth; every line is then shown as changed. */
#define MAX_LCS_CELLS ((size_t)1 << 22)

/* Lines only in `expected` as "- ", lines only in `actual` as "+ ". */
static void append_line_diff(GString *out, const char *expected,
                             const char *actual)
{
    guint n, m;
    char **a = split_lines(expected, &n), **b = split_lines(actual, &m);
    size_t width = (size_t)m + 1, before = out->len;
    guint32 *lcs = NULL; /* lcs[i * width + j]: LCS of a[i..] and b[j..] */
    if (((size_t)n + 1) * width <= MAX_LCS_CELLS) {
        lcs = g_new0(guint32, ((size_t)n + 1) * width);
        for (guint i = n; i-- > 0;)
            for (guint j = m; j-- > 0;)
                lcs[i * width + j] = strcmp(a[i], b[j]) == 0
                                         ? lcs[(i + 1) * width + j + 1] + 1
                                         : MAX(lcs[(i + 1) * width + j],
                                               lcs[i * width + j + 1]);
    }
    guint i = 0, j = 0;
    while (i < n || j < m) {
        if (lcs && i < n && j < m && strcmp(a[i], b[j]) == 0) {
            i++, j++;
        } else if (i < n &&
                   (j == m || !lcs ||
                    lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])) {
            g_string_append_printf(out, "    - %s\n", a[i++]);
        } else {
            g_string_append_printf(out, "    + %s\n", b[j++]);
        }
    }
    if (out->len == before)
        g_string_append(out, "    (only the line break at the end "
                             "differs)\n");
    g_free(lcs);
    g_strfreev(a);
    g_strfreev(b);
}

/* The first line where two texts differ, as "- old" and "+ new". */
static void append_first_line_difference(GString *out, const char *expected,
                                         const char *actual)
{
    guint n, m, i = 0;
    char **a = split_lines(expected, &n), **b = split_lines(actual, &m);
    while (i < n && i < m && strcmp(a[i], b[i]) == 0)
        i++;
    g_string_append_printf(out, "    first difference at line %u:\n", i + 1);
    if (i < n)
        g_string_append_printf(out, "    - %s\n", a[i]);
    if (i < m)
        g_string_append_printf(out, "    + %s\n", b[i]);
    if (i == n && i == m)
        g_string_append(out, "    (only the line break at the end "
                             "differs)\n");
    g_strfreev(a);
    g_strfreev(b);
}

/* ---- running figex ---- */

typedef struct {
    char *out;  /* what it wrote to standard output */
    char *err;  /* ... and to standard error */
    int exit;   /* its exit status, when `signal` is 0 */
    int signal; /* the signal that ended it, or 0 */
} run_result;

static void run_result_clear(run_result *r)
{
    g_free(r->out);
    g_free(r->err);
    *r = (run_result){0};
}

/* Run `figex [--block-size SIZE] ARGS...`; false with *why on failure. */
static bool run_figex(const char *figex, char **args, const char *block_size,
                      run_result *res, char **why)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)figex);
    if (block_size) {
        g_ptr_array_add(argv, "--block-size");
        g_ptr_array_add(argv, (gpointer)block_size);
    }
    for (char **a = args; *a; a++)
        g_ptr_array_add(argv, *a);
    g_ptr_array_add(argv, NULL);
    GError *error = NULL;
    int status = 0;
    bool ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT,
                           NULL, NULL, &res->out, &res->err, &status, &error);
    g_ptr_array_unref(argv);
    if (!ok) {
        *why = g_strdup(error->message);
        g_error_free(error);
        return false;
    }
    if (WIFEXITED(status)) {
        res->exit = WEXITSTATUS(status);
        res->signal = 0;
    } else {
        res->exit = -1;
        res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : -1;
    }
    return true;
}

/* ---- one case ---- */

typedef enum {
    CASE_PASSED,
    CASE_FAILED,
    CASE_SKIPPED,
    CASE_UPDATED,
    CASE_UNCHANGED, /* --update found nothing to rewrite */
    CASE_ERROR      /* a usage error, already reported */
} case_outcome;

typedef struct {
    const fx_golden_opts *opts;
    const char *name;
    char *dir;   /* DIR/CASE */
    char **args; /* from `args` */
    fx_golden_format format;
    run_result run;  /* the run at the default block size */
    GString *report; /* what is printed under "FAIL CASE" */
} golden_case;

static void usage_error(const golden_case *c, const char *file, unsigned line,
                        const char *message)
{
    if (line)
        fprintf(c->opts->err, "figex: %s:%u: error: %s\n", file, line,
                message);
    else
        fprintf(c->opts->err, "figex: %s: error: %s\n", file, message);
}

static char *case_file(const golden_case *c, const char *name)
{
    return g_build_filename(c->dir, name, NULL);
}

static bool read_args(golden_case *c)
{
    char *path = case_file(c, "args"), *text = NULL, *line_end;
    GError *error = NULL;
    bool ok = false;
    if (!g_file_get_contents(path, &text, NULL, &error)) {
        usage_error(c, c->dir, 0,
                    error->code == G_FILE_ERROR_NOENT
                        ? "the case has no args file"
                        : error->message);
        g_error_free(error);
        goto done;
    }
    line_end = strchr(text, '\n');
    if (line_end && line_end[strspn(line_end, "\r\n")]) {
        usage_error(c, path, 2, "args must be one line");
        goto done;
    }
    if (line_end)
        *line_end = '\0';
    g_strchomp(text); /* a CR left by an editor is not part of an arg */
    if (!g_shell_parse_argv(text, NULL, &c->args, &error)) {
        usage_error(c, path, 1,
                    error->code == G_SHELL_ERROR_EMPTY_STRING
                        ? "args is empty"
                        : error->message);
        g_error_free(error);
        goto done;
    }
    ok = true;
done:
    g_free(text);
    g_free(path);
    return ok;
}

/* The first argument naming a path under ../shared that is absent: the
 * shared seed documents are not in every checkout. */
static const char *absent_shared_path(char **args)
{
    for (char **a = args; *a; a++) {
        const char *eq = strchr(*a, '=');
        const char *path = **a == '-' && eq ? eq + 1 : *a;
        if (g_str_has_prefix(path, "../shared/") &&
            !g_file_test(path, G_FILE_TEST_EXISTS))
            return path;
    }
    return NULL;
}

static fx_golden_format args_format(char **args)
{
    fx_golden_format format = FX_GOLDEN_CSV;
    for (char **a = args; *a; a++) {
        const char *value = NULL;
        if ((strcmp(*a, "-f") == 0 || strcmp(*a, "--format") == 0) && a[1])
            value = a[1];
        else if (g_str_has_prefix(*a, "--format="))
            value = *a + strlen("--format=");
        else if (g_str_has_prefix(*a, "-f") && (*a)[2])
            value = *a + 2;
        if (value)
            format = strcmp(value, "tsv") == 0 ? FX_GOLDEN_TSV : FX_GOLDEN_CSV;
    }
    return format;
}

static const char *expected_name(fx_golden_format format)
{
    return format == FX_GOLDEN_TSV ? "expected.tsv" : "expected.csv";
}

/* Read an optional expected file: 1 read, 0 absent, -1 error reported. */
static int read_expected(const golden_case *c, const char *path, char **text,
                         size_t *len)
{
    GError *error = NULL;
    if (g_file_get_contents(path, text, len, &error))
        return 1;
    int status = error->code == G_FILE_ERROR_NOENT ? 0 : -1;
    if (status < 0)
        usage_error(c, path, 0, error->message);
    g_error_free(error);
    *text = NULL;
    *len = 0;
    return status;
}

static bool tables_have_many_sources(const fx_golden_table *a,
                                     const fx_golden_table *b)
{
    const char *first = NULL;
    const fx_golden_table *tables[] = {a, b};
    for (int t = 0; t < 2; t++)
        for (guint i = 0; i < tables[t]->rows->len; i++) {
            const char *s =
                fx_golden_cell(tables[t], tables[t]->rows->pdata[i], "source");
            if (!first)
                first = s;
            else if (strcmp(first, s) != 0)
                return true;
        }
    return false;
}

static void append_header_change(GString *out, const fx_golden_table *et,
                                 const fx_golden_table *at)
{
    for (unsigned i = 0; i < at->ncols; i++)
        if (et->header && column_index(et, at->header[i]) < 0)
            g_string_append_printf(out, "  column added: %s\n", at->header[i]);
    for (unsigned i = 0; i < et->ncols; i++)
        if (at->header && column_index(at, et->header[i]) < 0)
            g_string_append_printf(out, "  column removed: %s\n",
                                   et->header[i]);
}

/* Compare the rows of the default run with the expected file.
 * @return 1 same, 0 different (reported), -1 usage error (reported). */
static int compare_output(golden_case *c)
{
    char *path = case_file(c, expected_name(c->format)), *text = NULL;
    size_t len;
    fx_golden_table *et = NULL, *at = NULL;
    int status = read_expected(c, path, &text, &len);
    if (status <= 0) {
        if (status == 0)
            g_string_append_printf(c->report,
                                   "  %s is missing: 'figex test --update' "
                                   "writes it\n",
                                   path);
        goto done;
    }
    status = strcmp(text, c->run.out) == 0 && strlen(text) == len;
    if (status)
        goto done;
    unsigned line;
    char *why;
    if (!(et = fx_golden_table_parse(path, text, len, c->format, &line,
                                     &why))) {
        usage_error(c, path, line, why);
        g_free(why);
        status = -1;
        goto done;
    }
    at = fx_golden_table_parse("output", c->run.out, strlen(c->run.out),
                               c->format, &line, &why);
    if (!at) {
        g_string_append_printf(c->report,
                               "  the output cannot be read: line %u: %s\n",
                               line, why);
        g_free(why);
        append_first_line_difference(c->report, text, c->run.out);
        goto done;
    }
    append_header_change(c->report, et, at);
    GPtrArray *deltas = fx_golden_diff(et, at);
    unsigned count[3] = {0};
    for (guint i = 0; i < deltas->len; i++)
        count[((fx_golden_delta *)deltas->pdata[i])->change]++;
    if (deltas->len) {
        g_string_append_printf(c->report,
                               "  rows differ from %s: %u added, %u removed, "
                               "%u changed\n",
                               path, count[FX_GOLDEN_ADDED],
                               count[FX_GOLDEN_REMOVED],
                               count[FX_GOLDEN_CHANGED]);
        bool with_source = tables_have_many_sources(et, at);
        for (guint i = 0; i < deltas->len; i++)
            fx_golden_delta_format(c->report, et, at, deltas->pdata[i],
                                   with_source);
    } else {
        g_string_append_printf(c->report,
                               "  the rows are those of %s but the bytes "
                               "differ\n",
                               path);
        append_first_line_difference(c->report, text, c->run.out);
    }
    g_ptr_array_unref(deltas);
done:
    fx_golden_table_free(et);
    fx_golden_table_free(at);
    g_free(text);
    g_free(path);
    return status;
}

static int compare_stderr(golden_case *c)
{
    char *path = case_file(c, "expected.stderr"), *text;
    size_t len;
    int status = read_expected(c, path, &text, &len);
    if (status >= 0) {
        status = strcmp(text ? text : "", c->run.err) == 0;
        if (!status) {
            g_string_append_printf(c->report, "  stderr differs from %s%s:\n",
                                   path, text ? "" : " (absent: no output)");
            append_line_diff(c->report, text ? text : "", c->run.err);
        }
    }
    g_free(text);
    g_free(path);
    return status;
}

static int compare_exit(golden_case *c)
{
    char *path = case_file(c, "expected.exit"), *text;
    size_t len;
    int status = read_expected(c, path, &text, &len);
    long want = 0;
    if (status > 0) {
        char *end;
        errno = 0;
        want = strtol(text, &end, 10);
        if (end == text || errno || want < 0 || want > 255 ||
            end[strspn(end, " \t\r\n")]) {
            usage_error(c, path, 1, "not an exit status (0 to 255)");
            status = -1;
        }
    }
    if (status >= 0) {
        status = c->run.signal == 0 && c->run.exit == want;
        if (c->run.signal)
            g_string_append_printf(c->report,
                                   "  killed by signal %d, expected exit "
                                   "status %ld\n",
                                   c->run.signal, want);
        else if (!status)
            g_string_append_printf(c->report,
                                   "  exit status %d, expected %ld\n",
                                   c->run.exit, want);
    }
    g_free(text);
    g_free(path);
    return status;
}

/* "exit status 2" or "killed by signal 11". */
static void describe_end(const run_result *run, char out[40])
{
    if (run->signal)
        g_snprintf(out, 40, "killed by signal %d", run->signal);
    else
        g_snprintf(out, 40, "exit status %d", run->exit);
}

/* Run the case at each --block-sizes value; the bytes and exit status
 * must be those of the default run.
 * @return 1 same, 0 different (reported), -1 usage error (reported). */
static int compare_block_sizes(golden_case *c)
{
    int status = 1;
    for (char **bs = c->opts->block_sizes; bs && *bs && status >= 0; bs++) {
        run_result run = {0};
        char *why;
        if (!run_figex(c->opts->figex, c->args, *bs, &run, &why)) {
            usage_error(c, c->opts->figex, 0, why);
            g_free(why);
            status = -1;
            break;
        }
        if (run.signal != c->run.signal || run.exit != c->run.exit) {
            char here[40], there[40];
            describe_end(&run, here);
            describe_end(&c->run, there);
            g_string_append_printf(c->report,
                                   "  --block-size %s: %s, %s with the "
                                   "default block size\n",
                                   *bs, here, there);
            status = 0;
        }
        if (strcmp(run.out, c->run.out) != 0) {
            unsigned line;
            char *ignored = NULL;
            fx_golden_table *base = fx_golden_table_parse(
                "default", c->run.out, strlen(c->run.out), c->format, &line,
                &ignored);
            g_free(ignored);
            ignored = NULL;
            fx_golden_table *other = fx_golden_table_parse(
                "block", run.out, strlen(run.out), c->format, &line, &ignored);
            g_free(ignored);
            GPtrArray *deltas =
                base && other ? fx_golden_diff(base, other) : NULL;
            if (deltas && deltas->len) {
                g_string_append_printf(c->report,
                                       "  --block-size %s gives other rows "
                                       "than the default block size; the "
                                       "first:\n",
                                       *bs);
                fx_golden_delta_format(c->report, base, other,
                                       deltas->pdata[0],
                                       tables_have_many_sources(base, other));
            } else {
                g_string_append_printf(c->report,
                                       "  --block-size %s gives other bytes "
                                       "than the default block size\n",
                                       *bs);
                append_first_line_difference(c->report, c->run.out, run.out);
            }
            if (deltas)
                g_ptr_array_unref(deltas);
            fx_golden_table_free(base);
            fx_golden_table_free(other);
            status = 0;
        }
        run_result_clear(&run);
    }
    return status;
}

/* Write `text` to `path` unless it already holds it; NULL text removes
 * the file.  Appends the file's name to `changed` when it changes. */
static bool update_file(golden_case *c, const char *name, const char *text,
                        GString *changed)
{
    char *path = case_file(c, name), *old = NULL;
    bool ok = true, exists = g_file_get_contents(path, &old, NULL, NULL);
    GError *error = NULL;
    if (text && !(exists && strcmp(old, text) == 0)) {
        ok = g_file_set_contents(path, text, -1, &error);
        g_string_append_printf(changed, " %s", name);
    } else if (!text && exists) {
        ok = g_remove(path) == 0;
        g_string_append_printf(changed, " %s (removed)", name);
    }
    if (!ok)
        usage_error(c, path, 0, error ? error->message : g_strerror(errno));
    if (error)
        g_error_free(error);
    g_free(old);
    g_free(path);
    return ok;
}

/* --update: the expected files become the default run's output.  The
 * other format's expected file goes, so a case never holds both. */
static case_outcome update_case(golden_case *c)
{
    if (c->run.signal) {
        g_string_append_printf(
            c->report, "  killed by signal %d: not updated\n", c->run.signal);
        return CASE_FAILED;
    }
    GString *changed = g_string_new(NULL);
    char exit_text[16];
    g_snprintf(exit_text, sizeof exit_text, "%d\n", c->run.exit);
    bool ok =
        update_file(c, expected_name(c->format), c->run.out, changed) &&
        update_file(c,
                    expected_name(c->format == FX_GOLDEN_CSV ? FX_GOLDEN_TSV
                                                             : FX_GOLDEN_CSV),
                    NULL, changed) &&
        update_file(c, "expected.stderr", c->run.err[0] ? c->run.err : NULL,
                    changed) &&
        update_file(c, "expected.exit", c->run.exit ? exit_text : NULL,
                    changed);
    case_outcome outcome = !ok            ? CASE_ERROR
                           : changed->len ? CASE_UPDATED
                                          : CASE_UNCHANGED;
    if (outcome == CASE_UPDATED)
        fprintf(c->opts->out, "UPDATED %s:%s\n", c->name, changed->str);
    g_string_free(changed, TRUE);
    return outcome;
}

static case_outcome run_case(const fx_golden_opts *opts, const char *name)
{
    golden_case c = {.opts = opts,
                     .name = name,
                     .dir = g_build_filename(opts->dir, name, NULL),
                     .report = g_string_new(NULL)};
    case_outcome outcome = CASE_ERROR;
    char *why;
    if (!read_args(&c))
        goto done;
    const char *absent = absent_shared_path(c.args);
    if (absent) {
        fprintf(opts->out, "SKIP %s: %s is not present\n", name, absent);
        outcome = CASE_SKIPPED;
        goto done;
    }
    c.format = args_format(c.args);
    if (!run_figex(opts->figex, c.args, NULL, &c.run, &why)) {
        usage_error(&c, opts->figex, 0, why);
        g_free(why);
        goto done;
    }
    int same;
    if (opts->update) {
        outcome = update_case(&c);
        same = outcome == CASE_ERROR ? -1 : outcome != CASE_FAILED;
    } else {
        int output = compare_output(&c), err = compare_stderr(&c),
            exit = compare_exit(&c);
        same = MIN(output, MIN(err, exit));
        outcome = same > 0 ? CASE_PASSED : CASE_FAILED;
    }
    if (same >= 0 && opts->block_sizes) {
        int blocks = compare_block_sizes(&c);
        if (blocks < 0)
            same = -1;
        else if (blocks == 0)
            outcome = CASE_FAILED;
    }
    if (same < 0)
        outcome = CASE_ERROR;
    else if (outcome == CASE_FAILED)
        fprintf(opts->out, "FAIL %s\n%s", name, c.report->str);
done:
    run_result_clear(&c.run);
    g_strfreev(c.args);
    g_string_free(c.report, TRUE);
    g_free(c.dir);
    return outcome;
}

/* ---- all cases ---- */

static int compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The case names to run, sorted, or NULL (reported) when DIR is
 * unreadable or a named case is not a folder in it. */
static GPtrArray *list_cases(const fx_golden_opts *opts)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    bool ok = true;
    if (opts->cases && *opts->cases) {
        for (char **n = opts->cases; *n; n++) {
            char *path = g_build_filename(opts->dir, *n, NULL);
            if (strchr(*n, G_DIR_SEPARATOR) ||
                !g_file_test(path, G_FILE_TEST_IS_DIR)) {
                fprintf(opts->err, "figex: %s: error: no such case\n", path);
                ok = false;
            }
            g_free(path);
            g_ptr_array_add(names, g_strdup(*n));
        }
    } else {
        GError *error = NULL;
        GDir *dir = g_dir_open(opts->dir, 0, &error);
        if (!dir) {
            fprintf(opts->err, "figex: %s: error: %s\n", opts->dir,
                    error->code == G_FILE_ERROR_NOENT    ? "no such folder"
                    : error->code == G_FILE_ERROR_NOTDIR ? "not a folder"
                                                         : error->message);
            g_error_free(error);
            ok = false;
        }
        const char *name;
        while (dir && (name = g_dir_read_name(dir))) {
            char *path = g_build_filename(opts->dir, name, NULL);
            if (name[0] != '.' && g_file_test(path, G_FILE_TEST_IS_DIR))
                g_ptr_array_add(names, g_strdup(name));
            g_free(path);
        }
        if (dir)
            g_dir_close(dir);
    }
    if (!ok) {
        g_ptr_array_unref(names);
        return NULL;
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 1; i < names->len;) {
        if (strcmp(names->pdata[i - 1], names->pdata[i]) == 0)
            g_ptr_array_remove_index(names, i);
        else
            i++;
    }
    return names;
}

int fx_golden_run(const fx_golden_opts *opts)
{
    GPtrArray *names = list_cases(opts);
    if (!names)
        return FX_GOLDEN_EXIT_USAGE;
    unsigned count[CASE_ERROR + 1] = {0};
    for (guint i = 0; i < names->len; i++) {
        count[run_case(opts, names->pdata[i])]++;
        fflush(opts->out);
    }
    g_ptr_array_unref(names);
    if (opts->update)
        fprintf(opts->out,
                "figex test: %u updated, %u unchanged, %u failed, "
                "%u skipped",
                count[CASE_UPDATED], count[CASE_UNCHANGED], count[CASE_FAILED],
                count[CASE_SKIPPED]);
    else
        fprintf(opts->out, "figex test: %u passed, %u failed, %u skipped",
                count[CASE_PASSED], count[CASE_FAILED], count[CASE_SKIPPED]);
    if (count[CASE_ERROR])
        fprintf(opts->out, ", %u with errors", count[CASE_ERROR]);
    fputc('\n', opts->out);
    fflush(opts->out);
    return count[CASE_ERROR]    ? FX_GOLDEN_EXIT_USAGE
           : count[CASE_FAILED] ? FX_GOLDEN_EXIT_FAILED
                                : FX_GOLDEN_EXIT_PASSED;
}

/* ---- the command line ---- */

/* "1 7 64", "1,7,64": each a whole number with an optional K or M, as
 * --block-size takes them; NULL (reported) on a bad list. */
static char **parse_block_sizes(const char *list)
{
    char **sizes = g_strsplit_set(list, " \t,", -1);
    GPtrArray *kept = g_ptr_array_new();
    bool ok = true;
    for (char **s = sizes; *s; s++) {
        if (!**s) {
            g_free(*s);
            continue;
        }
        size_t digits = strspn(*s, "0123456789");
        const char *rest = *s + digits;
        if (digits == 0 || strspn(*s, "0") == digits ||
            (rest[0] && (strchr("kKmM", rest[0]) == NULL || rest[1]))) {
            fprintf(stderr,
                    "figex: invalid --block-sizes entry '%s' (a whole "
                    "number of bytes, K and M suffixes allowed)\n",
                    *s);
            ok = false;
        }
        g_ptr_array_add(kept, *s);
    }
    g_free(sizes); /* the strings moved to `kept` */
    if (!ok || kept->len == 0) {
        if (ok)
            fprintf(stderr, "figex: --block-sizes needs at least one size\n");
        g_ptr_array_set_free_func(kept, g_free);
        g_ptr_array_unref(kept);
        return NULL;
    }
    g_ptr_array_add(kept, NULL);
    return (char **)g_ptr_array_free(kept, FALSE);
}

/* The running binary, to run it again on each case. */
static char *self_path(const char *argv0)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe)
        return exe;
    if (strchr(argv0, G_DIR_SEPARATOR))
        return g_strdup(argv0);
    exe = g_find_program_in_path(argv0);
    return exe ? exe : g_strdup(argv0);
}

int fx_golden_main(int argc, char **argv)
{
    gboolean update = FALSE;
    char *block_sizes = NULL;
    GOptionEntry entries[] = {
        {"update", 0, 0, G_OPTION_ARG_NONE, &update,
         "Rewrite the expected files from the actual outputs", NULL},
        {"block-sizes", 0, 0, G_OPTION_ARG_STRING, &block_sizes,
         "Also run each case with each of these --block-size values "
         "(\"1 7 64\") and require the same bytes",
         "LIST"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new("[DIR] [CASE...]");
    g_option_context_set_summary(
        ctx, "Run the golden cases in DIR (default: golden), or only the\n"
             "named ones, and report how their rows differ from the\n"
             "expected files.");
    g_option_context_set_description(
        ctx, "Exit status: 0 every case passed; 1 a case differs; 2 usage "
             "error (bad\noption, unreadable DIR, a case without args, a "
             "malformed expected file).\n");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_set_prgname("figex test");
    int status = FX_GOLDEN_EXIT_USAGE;
    char **sizes = NULL, *figex = NULL;
    /* argv[1] is "test": it stands in for the program name. */
    int sub_argc = argc - 1;
    char **sub_argv = argv + 1;
    GError *error = NULL;
    if (!g_option_context_parse(ctx, &sub_argc, &sub_argv, &error)) {
        fprintf(stderr, "figex test: %s\nTry 'figex test --help'.\n",
                error->message);
        g_error_free(error);
        goto done;
    }
    if (block_sizes && !(sizes = parse_block_sizes(block_sizes)))
        goto done;
    GPtrArray *cases = g_ptr_array_new();
    for (int i = 2; i < sub_argc; i++)
        g_ptr_array_add(cases, sub_argv[i]);
    g_ptr_array_add(cases, NULL);
    figex = self_path(argv[0]);
    fx_golden_opts opts = {
        .figex = figex,
        .dir = sub_argc > 1 ? sub_argv[1] : "golden",
        .cases = (char **)cases->pdata,
        .block_sizes = sizes,
        .update = update,
        .out = stdout,
        .err = stderr,
    };
    status = fx_golden_run(&opts);
    g_ptr_array_unref(cases);
done:
    g_free(figex);
    g_strfreev(sizes);
    g_free(block_sizes);
    g_option_context_free(ctx);
    return status;
}
