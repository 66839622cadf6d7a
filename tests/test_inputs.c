/*
 * test_inputs.c: the command line's inputs (src/inputs.c) and progress
 * line (src/progress.c).
 *
 * The line splitter is checked against a recorder that notes each
 * document's name and text, at several cuttings of the same input; the
 * folder walk on a temporary tree with links, a link loop and a pipe;
 * the progress line's text on fixed figures.  The built figex
 * (FIGEX_BIN) is then run end to end: --progress into a pipe, folders
 * with entries it may not read (as the user nobody when the tests run as
 * root, since root reads everything), and --input-format lines.
 */
#define _DEFAULT_SOURCE   /* setgroups */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, ptsname */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inputs.h"
#include "progress.h"
#include "support.h"

/* ---- the line splitter ---- */

/* What the splitter sent: "NAME{TEXT}\n" per document. */
typedef struct {
    GString *log;
    size_t pieces;    /* feed calls */
    size_t max_piece; /* longest feed */
    uint64_t bytes;   /* document bytes fed, for `counting_ops` */
    int fail_at_doc;  /* begin of this document (1-based) fails; 0: never */
    int docs;
} recorder;

static fx_status rec_begin(void *payload, const char *source)
{
    recorder *r = payload;
    if (++r->docs == r->fail_at_doc)
        return FX_ERR_SINK;
    g_string_append_printf(r->log, "%s{", source);
    return FX_OK;
}

static fx_status rec_feed(void *payload, const char *buf, size_t len)
{
    recorder *r = payload;
    assert_true(len > 0);
    g_string_append_len(r->log, buf, (gssize)len);
    r->pieces++;
    r->max_piece = MAX(r->max_piece, len);
    return FX_OK;
}

static fx_status rec_finish(void *payload)
{
    g_string_append(((recorder *)payload)->log, "}\n");
    return FX_OK;
}

/* The recorder's log for `text` fed in pieces of `chunk` bytes. */
static char *split(const char *text, size_t len, size_t chunk)
{
    recorder r = {g_string_new(NULL), 0, 0, 0, 0, 0};
    fx_doc_ops ops = {rec_begin, rec_feed, rec_finish, &r};
    fx_lines *l = fx_lines_new("f", &ops);
    for (size_t at = 0; at < len; at += chunk)
        assert_int_equal(fx_lines_feed(l, text + at, MIN(chunk, len - at)),
                         FX_OK);
    assert_int_equal(fx_lines_finish(l), FX_OK);
    fx_lines_free(l);
    return g_string_free(r.log, FALSE);
}

static const struct {
    const char *text, *want;
} split_cases[] = {
    {"a\tb c\nd e\n", "a{b c}\nf:2{d e}\n"},
    /* CRLF ends: the CR is not part of the document. */
    {"x\tone\r\ntwo\r\n", "x{one}\nf:2{two}\n"},
    /* A CR inside a line, or before a CRLF, is text. */
    {"a\rb\n", "f:1{a\rb}\n"},
    {"a\r\r\n", "f:1{a\r}\n"},
    {"\r\n", "f:1{}\n"},
    /* The last line needs no LF; a CR ending the input is a line end. */
    {"a\tlast", "a{last}\n"},
    {"abc\r", "f:1{abc}\n"},
    /* Empty lines are empty documents, so line numbers stay true. */
    {"\n\nx\n", "f:1{}\nf:2{}\nf:3{x}\n"},
    /* An empty id names nothing; only the first TAB ends the id. */
    {"\tdoc\n", "f:1{doc}\n"},
    {"id\ta\tb\n", "id{a\tb}\n"},
    {"id\t\n", "id{}\n"},
    {"", ""},
    /* Ids are cells: invalid UTF-8 becomes U+FFFD. */
    {"\377a\tx\n", "\357\277\275a{x}\n"},
};

static void test_lines_split(void **state)
{
    (void)state;
    static const size_t chunks[] = {1, 2, 3, 7, 1000};
    for (size_t i = 0; i < G_N_ELEMENTS(split_cases); i++)
        for (size_t c = 0; c < G_N_ELEMENTS(chunks); c++) {
            const char *text = split_cases[i].text;
            char *got = split(text, strlen(text), chunks[c]);
            if (strcmp(got, split_cases[i].want) != 0)
                print_message("case %zu, chunks of %zu\n", i, chunks[c]);
            assert_string_equal(got, split_cases[i].want);
            g_free(got);
        }
}

/* An id may be FX_LINES_ID_MAX bytes long; one byte more and the TAB is
 * text of a document named by its line. */
static void test_lines_long_id(void **state)
{
    (void)state;
    for (size_t extra = 0; extra <= 1; extra++) {
        char *id = g_strnfill(FX_LINES_ID_MAX + extra, 'k');
        char *text = g_strdup_printf("%s\tdoc\nnext\n", id);
        char *want = extra ? g_strdup_printf("f:1{%s\tdoc}\nf:2{next}\n", id)
                           : g_strdup_printf("%s{doc}\nf:2{next}\n", id);
        for (size_t chunk = 1000; chunk <= 10000; chunk += 9000) {
            char *got = split(text, strlen(text), chunk);
            assert_string_equal(got, want);
            g_free(got);
        }
        g_free(id);
        g_free(text);
        g_free(want);
    }
}

static fx_status count_feed(void *payload, const char *buf, size_t len)
{
    recorder *r = payload;
    (void)buf;
    r->bytes += len;
    r->pieces++;
    r->max_piece = MAX(r->max_piece, len);
    return FX_OK;
}

/* A line of 8 MiB reaches the documents' feed as it arrives, in pieces no
 * longer than those read, not once the line is whole. */
static void test_lines_stream(void **state)
{
    (void)state;
    enum { CHUNK = 64 * 1024, LINE = 8 * 1024 * 1024 };
    recorder r = {g_string_new(NULL), 0, 0, 0, 0, 0};
    fx_doc_ops ops = {rec_begin, count_feed, rec_finish, &r};
    fx_lines *l = fx_lines_new("big", &ops);
    char *chunk = g_malloc(CHUNK);
    memset(chunk, 'w', CHUNK);
    assert_int_equal(fx_lines_feed(l, "big-1\t", 6), FX_OK);
    for (int i = 0; i < LINE / CHUNK; i++) {
        assert_int_equal(fx_lines_feed(l, chunk, CHUNK), FX_OK);
        assert_int_equal(r.bytes, (uint64_t)(i + 1) * CHUNK);
    }
    assert_int_equal(fx_lines_feed(l, "\r\n", 2), FX_OK);
    assert_int_equal(fx_lines_finish(l), FX_OK);
    assert_int_equal(r.bytes, LINE);
    assert_int_equal(r.pieces, LINE / CHUNK);
    assert_int_equal(r.max_piece, CHUNK);
    assert_string_equal(r.log->str, "big-1{}\n");
    fx_lines_free(l);
    g_free(chunk);
    g_string_free(r.log, TRUE);
}

/* An op's error stops the splitter: later calls return it, doing
 * nothing. */
static void test_lines_error(void **state)
{
    (void)state;
    recorder r = {g_string_new(NULL), 0, 0, 0, 2, 0};
    fx_doc_ops ops = {rec_begin, rec_feed, rec_finish, &r};
    fx_lines *l = fx_lines_new("f", &ops);
    assert_int_equal(fx_lines_feed(l, "a\nb\nc\n", 6), FX_ERR_SINK);
    assert_int_equal(fx_lines_feed(l, "d\n", 2), FX_ERR_SINK);
    assert_int_equal(fx_lines_finish(l), FX_ERR_SINK);
    assert_string_equal(r.log->str, "f:1{a}\n");
    assert_int_equal(r.docs, 2);
    fx_lines_free(l);
    fx_lines_free(NULL);
    g_string_free(r.log, TRUE);
}

/* ---- lines through the engine ---- */

static fx_status keep_row(void *payload, const fx_row *row)
{
    g_string_append_printf(
        payload,
        "%s|%" PRIu64 "|%" PRIu64 "|%" PRIu64 "|%" PRIu64 "|%s|%s|%s\n",
        row->source, row->start_byte, row->end_byte, row->line, row->column,
        fx_type_name(row->type), row->text, row->agency);
    return FX_OK;
}

/* Offsets, lines and columns count from the document, past the id; the
 * document stage starts afresh on each line (the second line's figure
 * has no agency: "the agency" points at nothing there). */
static void test_lines_engine(void **state)
{
    (void)state;
    const char *paths[] = {FIGEX_RULES_DIR};
    fx_ruleset *rs = NULL;
    assert_int_equal(fx_ruleset_load(&rs, paths, 1, NULL, NULL), FX_OK);
    GString *rows = g_string_new(NULL);
    fx_sink sink = {"keep", NULL, keep_row, NULL, NULL, rows};
    fx_engine *eng = NULL;
    assert_int_equal(fx_engine_new(&eng, rs, &sink, NULL, NULL), FX_OK);
    const char *text =
        "memo-1\tThe Department of Labor said on 3 May 2021 that 40 "
        "percent of workers quit.\r\n"
        "On 4 June 2021 the agency counted 12 inspectors.\n";
    char buf[5];
    char *dir = g_dir_make_tmp("figex-lines-XXXXXX", NULL);
    char *path = g_build_filename(dir, "t.lines", NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    fx_input in = {path, (int64_t)strlen(text), NULL};
    char *want = g_strdup_printf(
        "memo-1|4|23|1|5|agency|Department of Labor|\n"
        "memo-1|32|42|1|33|date|3 May 2021|\n"
        "memo-1|48|58|1|49|statistic|40 percent|U.S. Department of Labor\n"
        "%s:2|3|14|1|4|date|4 June 2021|\n"
        "%s:2|34|47|1|35|statistic|12 inspectors|\n",
        path, path);
    /* Blocks of 5 bytes, read as asked and read ahead by a thread. */
    for (int ahead = 0; ahead < 2; ahead++) {
        fx_reader reader = {eng, FX_INPUT_LINES, buf, sizeof buf, NULL,
                            ahead};
        g_string_truncate(rows, 0);
        fx_status st = FX_OK;
        assert_true(fx_inputs_read(&reader, &in, &st));
        assert_int_equal(st, FX_OK);
        assert_string_equal(rows->str, want);
    }
    g_free(want);
    remove_tree(dir);
    g_free(dir);
    g_free(path);
    fx_engine_free(eng);
    fx_ruleset_free(rs);
    g_string_free(rows, TRUE);
}

/* A sink that takes `payload` rows (an int countdown), then fails. */
static fx_status fail_later(void *payload, const fx_row *row)
{
    (void)row;
    int *left = payload;
    return (*left)-- > 0 ? FX_OK : FX_ERR_IO;
}

/* A sink error stops the read at once, read ahead or not: the helper
 * thread is stopped and joined, and the error is kept. */
static void test_read_ahead_stops(void **state)
{
    (void)state;
    const char *paths[] = {FIGEX_RULES_DIR};
    fx_ruleset *rs = NULL;
    assert_int_equal(fx_ruleset_load(&rs, paths, 1, NULL, NULL), FX_OK);
    char *dir = g_dir_make_tmp("figex-ahead-XXXXXX", NULL);
    char *path = g_build_filename(dir, "t.txt", NULL);
    GString *text = g_string_new(NULL);
    for (int i = 0; i < 2000; i++)
        g_string_append_printf(text, "In %d there were %d cats.\n",
                               1900 + i % 100, i);
    assert_true(g_file_set_contents(path, text->str, -1, NULL));
    fx_input in = {path, (int64_t)text->len, NULL};
    char buf[4096];
    for (int ahead = 0; ahead < 2; ahead++) {
        int left = 3;
        fx_sink sink = {"fail", NULL, fail_later, NULL, NULL, &left};
        fx_engine *eng = NULL;
        assert_int_equal(fx_engine_new(&eng, rs, &sink, NULL, NULL), FX_OK);
        fx_reader reader = {eng, FX_INPUT_TEXT, buf, sizeof buf, NULL,
                            ahead};
        fx_status st = FX_OK;
        fx_inputs_read(&reader, &in, &st);
        assert_int_equal(st, FX_ERR_IO);
        assert_true(left < 0); /* it did reach the failing row */
        fx_engine_free(eng);
    }
    g_string_free(text, TRUE);
    remove_tree(dir);
    g_free(dir);
    g_free(path);
    fx_ruleset_free(rs);
}

/* ---- the folder walk ---- */

static void write_text(const char *dir, const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);
    char *parent = g_path_get_dirname(path);
    assert_int_equal(g_mkdir_with_parents(parent, 0755), 0);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    g_free(parent);
    g_free(path);
}

static void make_link(const char *dir, const char *name, const char *target)
{
    char *path = g_build_filename(dir, name, NULL);
    assert_int_equal(symlink(target, path), 0);
    g_free(path);
}

/*
 *   tree/.hidden.txt   tree/a.b.txt   tree/a/x.txt   tree/b/y.md
 *   tree/b/loop -> ..            (a folder link, back up the tree)
 *   tree/b/link.txt -> ../a/x.txt
 *   tree/b/dangling.txt -> nowhere
 *   tree/pipe                    (a named pipe)
 */
static int tree_setup(void **state)
{
    char *root = g_dir_make_tmp("figex-inputs-XXXXXX", NULL);
    assert_non_null(root);
    assert_int_equal(g_chmod(root, 0755), 0);
    char *tree = g_build_filename(root, "tree", NULL);
    write_text(tree, ".hidden.txt", "h\n");
    write_text(tree, "a.b.txt", "ab\n");
    write_text(tree, "a/x.txt", "xxx\n");
    write_text(tree, "b/y.md", "yyyy\n");
    make_link(tree, "b/loop", "..");
    make_link(tree, "b/link.txt", "../a/x.txt");
    make_link(tree, "b/dangling.txt", "nowhere");
    char *pipe = g_build_filename(tree, "pipe", NULL);
    assert_int_equal(mkfifo(pipe, 0644), 0);
    g_free(pipe);
    g_free(tree);
    *state = root;
    return 0;
}

static int tree_teardown(void **state)
{
    remove_tree(*state);
    g_free(*state);
    return 0;
}

/* "path size" lines, for inputs named relative to `root`. */
static char *describe(const GPtrArray *inputs, const char *root)
{
    GString *s = g_string_new(NULL);
    size_t skip = strlen(root) + 1;
    for (guint i = 0; i < inputs->len; i++) {
        const fx_input *in = inputs->pdata[i];
        const char *p = strncmp(in->path, root, skip - 1) == 0
                            ? in->path + skip
                            : in->path;
        g_string_append_printf(s, "%s %" PRId64 "%s%s\n", p, in->size,
                               in->error ? " " : "",
                               in->error ? in->error : "");
    }
    return g_string_free(s, FALSE);
}

static char *expand(const char *root, const char *const *ops, size_t n,
                    const char *const *globs, int64_t *total)
{
    GPtrArray *in = fx_inputs_expand(ops, n, globs);
    char *text = describe(in, root);
    if (total)
        *total = fx_inputs_total(in);
    g_ptr_array_unref(in);
    return text;
}

static void test_walk_order(void **state)
{
    char *tree = g_build_filename(*state, "tree", NULL);
    const char *ops[] = {tree};
    int64_t total = 0;
    char *got = expand(*state, ops, 1, NULL, &total);
    /* strcmp order: '.' before '/', so a.b.txt before a/x.txt; the loop
     * link and the pipe are left out, the dangling link kept to be
     * reported. */
    assert_string_equal(got, "tree/.hidden.txt 2\n"
                             "tree/a.b.txt 3\n"
                             "tree/a/x.txt 4\n"
                             "tree/b/dangling.txt 0\n"
                             "tree/b/link.txt 4\n"
                             "tree/b/y.md 5\n");
    assert_int_equal(total, 18);
    g_free(got);
    g_free(tree);
}

static void test_walk_glob(void **state)
{
    char *tree = g_build_filename(*state, "tree", NULL);
    char *named = g_build_filename(tree, "a.b.txt", NULL);
    const char *one[] = {"*.md", NULL};
    const char *ops[] = {tree};
    char *got = expand(*state, ops, 1, one, NULL);
    assert_string_equal(got, "tree/b/y.md 5\n");
    g_free(got);
    /* Several globs: a file is kept when any matches; a file named as an
     * operand is kept whatever they say, and operands keep their order. */
    const char *two[] = {"*.md", "[xh]*", NULL};
    const char *ops2[] = {named, tree};
    got = expand(*state, ops2, 2, two, NULL);
    assert_string_equal(got, "tree/a.b.txt 3\n"
                             "tree/a/x.txt 4\n"
                             "tree/b/y.md 5\n");
    g_free(got);
    g_free(named);
    g_free(tree);
}

/* A folder link named as an operand is walked; the same link met inside
 * the walk is not, so the loop it makes ends at once. */
static void test_walk_link_operand(void **state)
{
    char *loop = g_build_filename(*state, "tree", "b", "loop", NULL);
    const char *ops[] = {loop};
    char *got = expand(*state, ops, 1, NULL, NULL);
    assert_string_equal(got, "tree/b/loop/.hidden.txt 2\n"
                             "tree/b/loop/a.b.txt 3\n"
                             "tree/b/loop/a/x.txt 4\n"
                             "tree/b/loop/b/dangling.txt 0\n"
                             "tree/b/loop/b/link.txt 4\n"
                             "tree/b/loop/b/y.md 5\n");
    g_free(got);
    g_free(loop);
}

/* Missing files are listed as named, with size 0, for the reader to
 * report; no operand at all means standard input. */
static void test_walk_operands(void **state)
{
    const char *ops[] = {"no/such/file.txt"};
    int64_t total = -5;
    char *got = expand(*state, ops, 1, NULL, &total);
    assert_string_equal(got, "no/such/file.txt 0\n");
    assert_int_equal(total, 0);
    g_free(got);
    GPtrArray *in = fx_inputs_expand(NULL, 0, NULL);
    assert_int_equal(in->len, 1);
    assert_string_equal(((fx_input *)in->pdata[0])->path, "-");
    g_ptr_array_unref(in);
}

/* ---- the progress line ---- */

static void test_progress_format(void **state)
{
    (void)state;
    static const struct {
        uint64_t done;
        int64_t total;
        double seconds;
        uint64_t rows;
        bool final;
        const char *want;
    } cases[] = {
        {12600000, 40000000, 10.0, 48213, false,
         "figex: 12.6 MB of 40.0 MB (31%), 1.3 MB/s, ETA 0:22, 48213 rows"},
        {5000000, -1, 2.0, 1, false, "figex: 5.0 MB, 2.5 MB/s, 1 row"},
        {2600000, 40000000, 2.4, 37041, true,
         "figex: 2.6 MB in 2.4 s, 1.1 MB/s, 37041 rows"},
        {1500000000, 3000000000, 5000.0, 0, false,
         "figex: 1.50 GB of 3.00 GB (50%), 0.3 MB/s, ETA 1:23:20, 0 rows"},
        /* Nothing measured yet: no rate, no estimate. */
        {0, 100, 0.0, 0, false,
         "figex: 0.0 MB of 0.0 MB (0%), 0.0 MB/s, ETA -:--, 0 rows"},
        /* A file that grew while it was read. */
        {150, 100, 1.0, 2, false,
         "figex: 0.0 MB of 0.0 MB (100%), 0.0 MB/s, ETA 0:00, 2 rows"},
        {0, 0, 1.0, 0, false,
         "figex: 0.0 MB of 0.0 MB (100%), 0.0 MB/s, ETA 0:00, 0 rows"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *got =
            fx_progress_format(cases[i].done, cases[i].total, cases[i].seconds,
                               cases[i].rows, cases[i].final);
        assert_string_equal(got, cases[i].want);
        g_free(got);
    }
}

static void test_progress_mode(void **state)
{
    (void)state;
    fx_progress_mode m = FX_PROGRESS_NEVER;
    assert_true(fx_progress_mode_parse("auto", &m));
    assert_int_equal(m, FX_PROGRESS_AUTO);
    assert_true(fx_progress_mode_parse("always", &m));
    assert_int_equal(m, FX_PROGRESS_ALWAYS);
    assert_true(fx_progress_mode_parse("never", &m));
    assert_int_equal(m, FX_PROGRESS_NEVER);
    assert_false(fx_progress_mode_parse("yes", &m));
    fx_input_format f = FX_INPUT_LINES;
    assert_true(fx_input_format_parse("text", &f));
    assert_int_equal(f, FX_INPUT_TEXT);
    assert_true(fx_input_format_parse("lines", &f));
    assert_int_equal(f, FX_INPUT_LINES);
    assert_false(fx_input_format_parse("csv", &f));
}

static fx_status count_row(void *payload, const fx_row *row)
{
    (void)row;
    ++*(int *)payload;
    return FX_OK;
}

/* auto draws only on a terminal; the counting sink passes rows on and
 * counts them for the summary, which ends with a newline. */
static void test_progress_stream(void **state)
{
    (void)state;
    FILE *file = tmpfile();
    assert_non_null(file);
    assert_null(fx_progress_new(FX_PROGRESS_AUTO, file, 10));
    assert_null(fx_progress_new(FX_PROGRESS_NEVER, file, 10));
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    FILE *tty = fopen(ptsname(master), "w");
    assert_non_null(tty);
    fx_progress *on_tty = fx_progress_new(FX_PROGRESS_AUTO, tty, 10);
    assert_non_null(on_tty);
    fx_progress_free(on_tty);
    fclose(tty);
    close(master);

    int seen = 0;
    fx_sink inner = {"count", NULL, count_row, NULL, NULL, &seen};
    assert_ptr_equal(fx_progress_sink(NULL, &inner), &inner);
    fx_progress *p = fx_progress_new(FX_PROGRESS_ALWAYS, file, -1);
    assert_non_null(p);
    const fx_sink *sink = fx_progress_sink(p, &inner);
    assert_ptr_not_equal(sink, &inner);
    fx_row row = {0};
    assert_int_equal(sink->begin(sink->payload), FX_OK);
    assert_int_equal(sink->row(sink->payload, &row), FX_OK);
    assert_int_equal(sink->row(sink->payload, &row), FX_OK);
    assert_int_equal(sink->finish(sink->payload), FX_OK);
    assert_int_equal(seen, 2);
    fx_progress_add(p, 3);
    fx_progress_clear(p); /* nothing drawn yet: writes nothing */
    fx_progress_end(p);
    fx_progress_free(p);
    fx_progress_free(NULL);
    fx_progress_add(NULL, 1);
    fx_progress_clear(NULL);
    fx_progress_end(NULL);
    rewind(file);
    char text[200] = "";
    size_t n = fread(text, 1, sizeof text - 1, file);
    text[n] = '\0';
    fclose(file);
    assert_true(g_str_has_prefix(text, "\rfigex: 0.0 MB in "));
    assert_true(g_str_has_suffix(text, " MB/s, 2 rows\n"));
}

/* ---- the command line ---- */

typedef struct {
    int exit;
    char *out, *err;
} cli_result;

static void cli_result_clear(cli_result *r)
{
    g_free(r->out);
    g_free(r->err);
}

/* Drop root's powers in the child, so that modes are obeyed. */
static void become_nobody(gpointer data)
{
    (void)data;
    if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
        _exit(127);
}

/* Run the built figex in `cwd` (as nobody when `as_nobody` and root)
 * with the NULL-terminated arguments. */
static cli_result run_cli(const char *cwd, bool as_nobody, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, FIGEX_BIN);
    va_list ap;
    va_start(ap, as_nobody);
    for (const char *a; (a = va_arg(ap, const char *));)
        g_ptr_array_add(argv, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    cli_result r = {0};
    int status;
    GError *error = NULL;
    GSpawnChildSetupFunc setup =
        as_nobody && geteuid() == 0 ? become_nobody : NULL;
    assert_true(g_spawn_sync(cwd, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT,
                             setup, NULL, &r.out, &r.err, &status, &error));
    assert_true(WIFEXITED(status));
    r.exit = WEXITSTATUS(status);
    g_ptr_array_unref(argv);
    return r;
}

static const char *const paragraph =
    "The Department of Labor said on 3 May 2021 that 40 percent of "
    "workers quit.\n";

/* Standard error is a pipe here: --progress=always draws there and ends
 * with a newline, auto and never print nothing, and the rows are the
 * same in all three. */
static void test_cli_progress(void **state)
{
    char *dir = *state;
    GString *text = g_string_new(NULL);
    for (int i = 0; i < 2000; i++)
        g_string_append(text, paragraph);
    write_text(dir, "p.txt", text->str);
    g_string_free(text, TRUE);
    cli_result never = run_cli(dir, false, "--progress=never", "p.txt", NULL);
    cli_result aut = run_cli(dir, false, "p.txt", NULL);
    cli_result always =
        run_cli(dir, false, "--progress", "always", "p.txt", NULL);
    assert_int_equal(never.exit, 0);
    assert_int_equal(aut.exit, 0);
    assert_int_equal(always.exit, 0);
    assert_string_equal(never.err, "");
    assert_string_equal(aut.err, "");
    assert_string_equal(aut.out, never.out);
    assert_string_equal(always.out, never.out);
    /* One line per row and the header. */
    assert_int_equal(strlen(never.out) > 0, 1);
    unsigned rows = 0;
    for (const char *c = never.out; *c; c++)
        rows += *c == '\n';
    assert_int_equal(rows, 3 * 2000 + 1);
    /* Every redraw starts with a CR; the last is the summary. */
    assert_true(g_str_has_prefix(always.err, "\rfigex: "));
    assert_true(g_str_has_suffix(always.err, "\n"));
    const char *last = strrchr(always.err, '\r');
    assert_true(g_regex_match_simple(
        "^\rfigex: 0\\.2 MB in [0-9]+\\.[0-9] s, [0-9]+\\.[0-9] MB/s, "
        "6000 rows *\n$",
        last, 0, 0));
    cli_result_clear(&never);
    cli_result_clear(&aut);
    cli_result_clear(&always);
}

/* A folder that cannot be listed and a file that cannot be opened are
 * reported by name; the other files are still read; the exit status is
 * 2.  Root reads everything, so the run is made as nobody. */
static void test_cli_unreadable(void **state)
{
    char *dir = *state;
    write_text(dir, "docs/a.txt", paragraph);
    write_text(dir, "docs/locked/b.txt", paragraph);
    write_text(dir, "docs/shut.txt", paragraph);
    write_text(dir, "docs/z.txt", paragraph);
    char *locked = g_build_filename(dir, "docs", "locked", NULL);
    char *shut = g_build_filename(dir, "docs", "shut.txt", NULL);
    assert_int_equal(g_chmod(locked, 0), 0);
    assert_int_equal(g_chmod(shut, 0), 0);
    cli_result r = run_cli(dir, true, "-f", "tsv", "docs", NULL);
    assert_int_equal(r.exit, 2);
    assert_string_equal(
        r.err, "figex: docs/locked: error: cannot list folder: Permission "
               "denied\n"
               "figex: docs/shut.txt: error: cannot open: Permission "
               "denied\n");
    char **lines = g_strsplit(r.out, "\n", -1);
    assert_int_equal(g_strv_length(lines), 8); /* header, 6 rows, "" */
    assert_true(g_str_has_prefix(lines[1], "docs/a.txt\t4\t23\t"));
    assert_true(g_str_has_prefix(lines[4], "docs/z.txt\t4\t23\t"));
    assert_true(g_str_has_prefix(lines[6], "docs/z.txt\t48\t58\t"));
    g_strfreev(lines);
    g_chmod(locked, 0755);
    g_chmod(shut, 0644);
    g_free(locked);
    g_free(shut);
    cli_result_clear(&r);
}

/* --input-format lines through the command line, from a file and from
 * standard input; --glob picks files in a folder. */
static void test_cli_lines(void **state)
{
    char *dir = *state;
    write_text(dir, "in/one.lines",
               "n-1\tOn 3 May 2021 we hired 12 inspectors.\r\n"
               "On 4 June 2021 we hired 9 more.\n");
    write_text(dir, "in/skip.txt", paragraph);
    cli_result r = run_cli(dir, false, "--input-format", "lines", "--glob",
                           "*.lines", "-t", "date", "in", NULL);
    assert_int_equal(r.exit, 0);
    assert_string_equal(r.err, "");
    char **lines = g_strsplit(r.out, "\n", -1);
    assert_int_equal(g_strv_length(lines), 4);
    assert_true(g_str_has_prefix(lines[1], "n-1,3,13,1,4,date,3 May 2021,"));
    assert_true(g_str_has_prefix(lines[2],
                                 "in/one.lines:2,3,14,1,4,date,4 June 2021,"));
    g_strfreev(lines);
    cli_result_clear(&r);

    r = run_cli(dir, false, "--input-format", "nope", NULL);
    assert_int_equal(r.exit, 2);
    assert_string_equal(r.err,
                        "figex: unknown --input-format 'nope' (expected "
                        "text or lines)\nTry 'figex --help'.\n");
    cli_result_clear(&r);
    r = run_cli(dir, false, "--progress=sometimes", NULL);
    assert_int_equal(r.exit, 2);
    assert_string_equal(r.err,
                        "figex: unknown --progress 'sometimes' (expected "
                        "auto, always or never)\nTry 'figex --help'.\n");
    cli_result_clear(&r);
}

static int tmp_setup(void **state)
{
    char *root = g_dir_make_tmp("figex-cli-XXXXXX", NULL);
    assert_non_null(root);
    /* nobody must reach it when the tests run as root */
    assert_int_equal(g_chmod(root, 0755), 0);
    *state = root;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_split),
        cmocka_unit_test(test_lines_long_id),
        cmocka_unit_test(test_lines_stream),
        cmocka_unit_test(test_lines_error),
        cmocka_unit_test(test_lines_engine),
        cmocka_unit_test(test_read_ahead_stops),
        cmocka_unit_test_setup_teardown(test_walk_order, tree_setup,
                                        tree_teardown),
        cmocka_unit_test_setup_teardown(test_walk_glob, tree_setup,
                                        tree_teardown),
        cmocka_unit_test_setup_teardown(test_walk_link_operand, tree_setup,
                                        tree_teardown),
        cmocka_unit_test_setup_teardown(test_walk_operands, tree_setup,
                                        tree_teardown),
        cmocka_unit_test(test_progress_format),
        cmocka_unit_test(test_progress_mode),
        cmocka_unit_test(test_progress_stream),
        cmocka_unit_test_setup_teardown(test_cli_progress, tmp_setup,
                                        tree_teardown),
        cmocka_unit_test_setup_teardown(test_cli_unreadable, tmp_setup,
                                        tree_teardown),
        cmocka_unit_test_setup_teardown(test_cli_lines, tmp_setup,
                                        tree_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
