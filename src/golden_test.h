/*
 * golden_test.h: `figex test`, the golden-case runner of the command line.
 *
 * This is CLI code, not libfigex: it runs the figex binary on each case
 * and compares what it prints with the case's expected files, row by row.
 * The pieces are exposed so that tests/test_golden.c can check the row
 * reader and the row diff on their own.
 */
#ifndef FX_GOLDEN_TEST_H
#define FX_GOLDEN_TEST_H

#include <glib.h>

#include <stdbool.h>
#include <stdio.h>

/* ---- Reading figex output ---- */

typedef enum { FX_GOLDEN_CSV, FX_GOLDEN_TSV } fx_golden_format;

/* One data row of an output file. */
typedef struct {
    unsigned line; /* 1-based line of the file where the row starts */
    char **cells;  /* one string per header column, never NULL */
} fx_golden_row;

/*
 * A figex output file: its header and rows.  An empty file has no header
 * (`header` is NULL, `ncols` 0) and no rows; a file that has a header
 * names at least the columns source, start_byte, end_byte, type, text,
 * rule and rule_source.
 */
typedef struct {
    char *name;      /* the file's name, for messages */
    char **header;   /* column names, NULL-terminated, or NULL */
    unsigned ncols;  /* length of `header` and of every row's `cells` */
    GPtrArray *rows; /* of fx_golden_row *, in file order */
} fx_golden_table;

/*
 * Read `len` bytes of figex output in `format`: CSV through libcsv, TSV
 * by undoing figex's \t, \n, \r and \\ escapes.  `name` is copied.
 * Blank lines are skipped.
 * @return a table the caller frees with fx_golden_table_free(), or NULL
 *         with the 1-based line of the first problem in *err_line and a
 *         message the caller frees with g_free() in *err.
 */
fx_golden_table *fx_golden_table_parse(const char *name, const char *data,
                                       size_t len, fx_golden_format format,
                                       unsigned *err_line, char **err);

/* Free a table; NULL is a no-op. */
void fx_golden_table_free(fx_golden_table *table);

/* The cell of `row` (a row of `table`) in `column`; "" when the table has
 * no such column.  Borrowed from the row. */
const char *fx_golden_cell(const fx_golden_table *table,
                           const fx_golden_row *row, const char *column);

/* ---- Row diff ---- */

typedef enum {
    FX_GOLDEN_REMOVED, /* an expected row with no actual row of its key */
    FX_GOLDEN_ADDED,   /* an actual row with no expected row of its key */
    FX_GOLDEN_CHANGED  /* a pair with the same key and different cells */
} fx_golden_change;

/*
 * One difference between expected and actual rows.  Rows are keyed by
 * (source, start_byte, end_byte, type); rows that share a key are paired
 * in file order.  The rows and column names are borrowed from the two
 * tables given to fx_golden_diff().
 */
typedef struct {
    fx_golden_change change;
    const fx_golden_row *expected; /* NULL when ADDED */
    const fx_golden_row *actual;   /* NULL when REMOVED */
    GPtrArray *columns; /* const char * names of the differing columns,
                           actual's header order first, then columns only
                           expected has; empty unless CHANGED */
} fx_golden_delta;

/*
 * Compare the rows of two tables.  Either table may be empty.
 * @return a GPtrArray of fx_golden_delta *, ordered by source (in order
 *         of first appearance), start_byte, end_byte and type, then
 *         removed before added before changed; empty when the rows are
 *         equal.  The caller frees it with g_ptr_array_unref() before
 *         freeing the tables.
 */
GPtrArray *fx_golden_diff(const fx_golden_table *expected,
                          const fx_golden_table *actual);

/*
 * Append one delta to `out` as report lines:
 *
 *     ~ 821-866 statistic "more than 2,300 examinations" statistic-count
 *       rules/statistic.rules:31              (one line in the report)
 *         unit: digital forensic examinations -> examinations
 *
 * The row shown is the actual row, or the expected row when it was
 * removed; `with_source` puts "SOURCE:" before the span.
 */
void fx_golden_delta_format(GString *out, const fx_golden_table *expected,
                            const fx_golden_table *actual,
                            const fx_golden_delta *delta, bool with_source);

/* ---- Running cases ---- */

/* Exit status of `figex test`. */
enum {
    FX_GOLDEN_EXIT_PASSED = 0, /* every case passed (or was updated) */
    FX_GOLDEN_EXIT_FAILED = 1, /* some case differs from its expected files */
    FX_GOLDEN_EXIT_USAGE = 2   /* bad options, DIR, case or expected file */
};

typedef struct {
    const char *figex;  /* the binary to run on each case */
    const char *dir;    /* the folder of cases */
    char **cases;       /* case names, NULL-terminated; NULL: all */
    char **block_sizes; /* --block-size values, NULL-terminated, or
                           NULL */
    bool update;        /* rewrite the expected files */
    FILE *out;          /* the report */
    FILE *err;          /* usage errors, "figex: FILE:LINE: error:" */
} fx_golden_opts;

/*
 * Run the cases of `opts->dir` (all of them, or `opts->cases`) in name
 * order and report each failure, then a summary line, to `opts->out`.
 * @return an FX_GOLDEN_EXIT_* status.
 */
int fx_golden_run(const fx_golden_opts *opts);

/*
 * The `figex test` command: `argv[0]` is the program, `argv[1]` "test",
 * then `[DIR] [--update] [--block-sizes LIST] [CASE...]`.  Runs the
 * program's own binary (/proc/self/exe, else argv[0]).
 * @return an FX_GOLDEN_EXIT_* status.
 */
int fx_golden_main(int argc, char **argv);

#endif
