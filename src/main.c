/*
 * main.c: the figex command line.  It parses options, opens files, prints
 * diagnostics and picks the exit code; all matching is in libfigex.
 *
 * Exit status:  0  success (also when no rows were found)
 *               1  `figex test`: a golden case differs from its expected
 *                  files
 *               2  usage, rule, input or output error
 *               3  the run finished and its rows are written, but a rule
 *                  gave up on some text (a PCRE2 limit, a match longer
 *                  than FX_MAX_MATCH): that text was not fully scanned
 */
#define _XOPEN_SOURCE 700 /* fdopen, realpath */
#include "figex.h"
#include "golden_test.h"
#include "inputs.h"
#include "progress.h"
#include "score.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_TROUBLE 2
#define EXIT_GAVE_UP 3
#define DEFAULT_BLOCK ((size_t)1 << 20)

typedef struct {
    char **rules;
    char *format;
    char *output;
    char *types;
    char *block_size;
    char *doc_date;
    char *input_format;
    char **globs;
    char *progress;
    gboolean day_first;
    gint jobs;
    gboolean no_prefilter;
    gboolean list_rules;
    gboolean list_patterns;
    gboolean stats;
    gboolean explain;
    gboolean version;
    gboolean bom;
    gboolean summary;
    gboolean raw_cells;
} options;

/* ---- diagnostics ---- */

static void print_caret(const fx_diag *d)
{
    if (!d->source_line || d->col == 0)
        return;
    fprintf(stderr, "  %s\n  ", d->source_line);
    const char *s = d->source_line;
    for (unsigned c = 1; c < d->col && *s; c++) {
        fputc(*s == '\t' ? '\t' : ' ', stderr);
        s = g_utf8_next_char(s);
    }
    unsigned left = (unsigned)g_utf8_strlen(s, -1);
    unsigned span = d->span > left ? (left ? left : 1) : d->span;
    for (unsigned i = 0; i < span; i++)
        fputc('^', stderr);
    fputc('\n', stderr);
}

/* `payload` is the progress line (or NULL), erased before printing. */
static void print_diag(const fx_diag *d, void *payload)
{
    fx_progress_clear(payload);
    const char *sev = d->severity == FX_SEV_ERROR ? "error" : "warning";
    const char *file = d->file ? d->file : "-";
    if (d->line)
        fprintf(stderr, "figex: %s:%u:%u: %s: %s\n", file, d->line, d->col,
                sev, d->message);
    else if (d->offset || d->severity == FX_SEV_WARNING)
        fprintf(stderr, "figex: %s: byte %llu: %s: %s\n", file,
                (unsigned long long)d->offset, sev, d->message);
    else
        fprintf(stderr, "figex: %s: %s: %s\n", file, sev, d->message);
    print_caret(d);
}

/* Diagnostics found in the text, counted for the exit status. */
typedef struct {
    fx_progress *progress; /* erased before printing, or NULL */
    unsigned warnings;     /* rules that gave up on some text */
} text_diags;

static void print_text_diag(const fx_diag *d, void *payload)
{
    text_diags *t = payload;
    if (d->severity == FX_SEV_WARNING)
        t->warnings++;
    print_diag(d, t->progress);
}

static void fail_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "figex: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'figex --help'.\n");
}

/* ---- default rules ---- */

/* `path` relative to the working directory when it lies inside it, so that
 * rule_source reads "rules/date.rules:5" wherever the tree is checked out. */
static char *relative_to_cwd(char *path)
{
    char *cwd = g_get_current_dir();
    size_t n = strlen(cwd);
    char *out = path;
    if (strncmp(path, cwd, n) == 0 && path[n] == G_DIR_SEPARATOR &&
        path[n + 1]) {
        out = g_strdup(path + n + 1);
        g_free(path);
    }
    g_free(cwd);
    return out;
}

/* The bundled rules: installed beside the binary, else the source tree. */
static char *default_rules(void)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe) {
        /* PREFIX/bin/figex -> PREFIX/share/figex/rules, spelled without
         * "bin/.." so that rule_source names the installed file plainly. */
        char *bin = g_path_get_dirname(exe);
        char *prefix = g_path_get_dirname(bin);
        char *p = g_build_filename(prefix, "share", "figex", "rules", NULL);
        g_free(prefix);
        g_free(bin);
        g_free(exe);
        if (g_file_test(p, G_FILE_TEST_IS_DIR))
            return relative_to_cwd(p);
        g_free(p);
    }
    if (g_file_test(FIGEX_SOURCE_RULES, G_FILE_TEST_IS_DIR))
        return relative_to_cwd(g_strdup(FIGEX_SOURCE_RULES));
    return g_strdup(FIGEX_INSTALL_RULES);
}

/* ---- option values ---- */

/* The same check the engine makes, done before any output is opened. */
static bool valid_doc_date(const char *s)
{
    int y, m, d;
    char end;
    return strlen(s) == 10 &&
           sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3 &&
           g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

static bool parse_block_size(const char *s, size_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (end == s || errno)
        return false;
    if (*end == 'k' || *end == 'K')
        n <<= 10, end++;
    else if (*end == 'm' || *end == 'M')
        n <<= 20, end++;
    if (*end || n == 0 || n > (1ull << 30))
        return false;
    *out = (size_t)n;
    return true;
}

static bool parse_types(const char *list, unsigned *mask)
{
    *mask = 0;
    char **names = g_strsplit(list, ",", -1);
    bool ok = names[0] != NULL;
    for (char **n = names; *n && ok; n++) {
        fx_type t;
        if (fx_type_from_name(g_strstrip(*n), &t) != 0 ||
            t == FX_TYPE_IGNORE) {
            fail_usage("unknown type '%s' in --types (expected agency, "
                       "official, date or statistic)", *n);
            ok = false;
        }
        *mask |= 1u << t;
    }
    g_strfreev(names);
    return ok;
}

/* ---- output formats: --format, --bom, --summary ---- */

static bool parse_format(const char *name, fx_format *out)
{
    static const struct {
        const char *name;
        fx_format format;
    } formats[] = {{"csv", FX_FORMAT_CSV},
                   {"tsv", FX_FORMAT_TSV},
                   {"jsonl", FX_FORMAT_JSONL}};
    for (size_t i = 0; i < G_N_ELEMENTS(formats); i++)
        if (strcmp(name, formats[i].name) == 0) {
            *out = formats[i].format;
            return true;
        }
    return false;
}

/* The sink for the rows, or for the summary sheet in their place. */
static fx_status make_sink(fx_sink *out, FILE *fp, fx_format format, bool bom,
                           bool raw_cells, bool summary)
{
    unsigned flags =
        (bom ? FX_EMIT_BOM : 0) | (raw_cells ? FX_EMIT_RAW_CELLS : 0);
    if (summary)
        return fx_emit_summary_new(out, fp, format, flags);
    switch (format) {
    case FX_FORMAT_TSV: return fx_emit_tsv_new_ext(out, fp, flags);
    case FX_FORMAT_JSONL: return fx_emit_jsonl_new(out, fp);
    default: return fx_emit_csv_new_ext(out, fp, flags);
    }
}

/* ---- running ---- */

/* Where rows go: stdout; or a temporary file beside the target, renamed
 * over it on success; or, when -o names a device or a pipe, that, written
 * in place. */
typedef struct {
    FILE *fp;
    char *tmp;     /* the temporary file, or NULL */
    char *target;  /* what `tmp` is renamed to: -o's path, its links
                      followed */
    bool in_place; /* -o names something that is not a regular file */
} output;

/* A file renamed over a device would replace the device itself (as root,
 * -o /dev/full would put a regular file in its place), and one renamed
 * over /dev/stdout would replace that link: those, and anything else that
 * is not a regular file (a FIFO), are written in place. */
static bool write_in_place(const char *path)
{
    struct stat st;
    return g_str_has_prefix(path, "/dev/") ||
           g_str_has_prefix(path, "/proc/") ||
           (stat(path, &st) == 0 && !S_ISREG(st.st_mode));
}

static bool open_output(output *o, const char *path)
{
    if (!path) {
        o->fp = stdout;
        return true;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "figex: %s: error: cannot write output: %s\n", path,
                g_strerror(EISDIR));
        return false;
    }
    if (write_in_place(path)) {
        o->in_place = true;
        if (!(o->fp = fopen(path, "wb"))) {
            fprintf(stderr, "figex: %s: error: cannot open output: %s\n", path,
                    g_strerror(errno));
            return false;
        }
        return true;
    }
    /* Through a link to a file, the file is replaced and the link kept. */
    char *real = realpath(path, NULL);
    o->target = g_strdup(real ? real : path);
    free(real);
    char *dir = g_path_get_dirname(o->target);
    char *base = g_path_get_basename(o->target);
    char *name = g_strdup_printf(".%s.XXXXXX", base);
    o->tmp = g_build_filename(dir, name, NULL);
    g_free(dir);
    g_free(base);
    g_free(name);
    int fd = g_mkstemp(o->tmp);
    /* mkstemp makes the file 0600; the output gets the mode of the file
     * it replaces, or the one the umask gives a new file. */
    mode_t mask = umask(0);
    umask(mask);
    struct stat old;
    mode_t mode =
        stat(o->target, &old) == 0 ? old.st_mode & 07777 : 0666 & ~mask;
    if (fd >= 0)
        fchmod(fd, mode);
    if (fd < 0 || !(o->fp = fdopen(fd, "wb"))) {
        fprintf(stderr, "figex: %s: error: cannot create output: %s\n", path,
                g_strerror(errno));
        if (fd >= 0) {
            close(fd);
            g_unlink(o->tmp);
        }
        g_clear_pointer(&o->tmp, g_free);
        g_clear_pointer(&o->target, g_free);
        return false;
    }
    return true;
}

/* Commit or discard the output; false when writing it failed. */
static bool close_output(output *o, const char *path, bool commit)
{
    if (o->in_place) {
        bool ok = fclose(o->fp) == 0;
        if (commit && !ok)
            fprintf(stderr, "figex: %s: error: cannot write output: %s\n",
                    path, g_strerror(errno));
        o->in_place = false;
        return ok || !commit;
    }
    if (!o->tmp)
        return fflush(stdout) == 0 || !commit;
    bool ok = fclose(o->fp) == 0;
    bool renamed = commit && ok && g_rename(o->tmp, o->target) == 0;
    if (commit && !renamed)
        fprintf(stderr, "figex: %s: error: cannot write output: %s\n", path,
                g_strerror(errno));
    if (!renamed)
        g_unlink(o->tmp);
    g_clear_pointer(&o->tmp, g_free);
    g_clear_pointer(&o->target, g_free);
    return renamed || !commit;
}

/* ---- --list-rules, --stats, --explain ---- */

/* A description on one line: its whitespace runs as single spaces. */
static char *one_line(const char *s)
{
    char **words = g_strsplit_set(s, " \t\r\n", -1);
    GString *out = g_string_new(NULL);
    for (char **w = words; *w; w++)
        if (**w)
            g_string_append_printf(out, "%s%s", out->len ? " " : "", *w);
    g_strfreev(words);
    return g_string_free(out, FALSE);
}

/* --list-rules, or with `patterns` --list-patterns: "id<TAB>pattern"
 * lines (a pattern never holds a line break: PCRE2 source is one line
 * once its macros are expanded and its continuation lines joined). */
static bool list_rules(const fx_ruleset *rs, bool patterns)
{
    if (!patterns)
        printf("id\ttype\tpriority\tsource\tdescription\n");
    fx_rule_info info;
    for (size_t i = 0; fx_ruleset_rule_info(rs, i, &info) == FX_OK; i++) {
        if (patterns) {
            printf("%s\t%s\n", info.id, info.pattern);
            continue;
        }
        char *d = one_line(info.description);
        printf("%s\t%s\t%d\t%s\t%s\n", info.id, fx_type_name(info.type),
               info.priority, info.source, d);
        g_free(d);
    }
    return fflush(stdout) == 0 && !ferror(stdout);
}

static void print_stats(const fx_ruleset *rs, const fx_engine *eng)
{
    fprintf(stderr, "%-32s %-9s %10s %10s %9s\n", "rule", "type", "matches",
            "rows", "seconds");
    fx_rule_info info;
    fx_rule_stats st, total = {0};
    for (size_t i = 0; fx_ruleset_rule_info(rs, i, &info) == FX_OK; i++) {
        fx_engine_rule_stats(eng, i, &st);
        fprintf(stderr, "%-32s %-9s %10" PRIu64 " %10" PRIu64 " %9.3f\n",
                info.id, fx_type_name(info.type), st.matches, st.rows,
                st.seconds);
        total.matches += st.matches;
        total.rows += st.rows;
        total.seconds += st.seconds;
    }
    fprintf(stderr, "%-32s %-9s %10" PRIu64 " %10" PRIu64 " %9.3f\n",
            "total", "", total.matches, total.rows, total.seconds);
}

/* `payload` is the progress line (or NULL), erased before printing. */
static void print_explanation(const fx_row *row, const char *why,
                              void *payload)
{
    fx_progress_clear(payload);
    fprintf(stderr, "%s:%" PRIu64 ":%" PRIu64 ": %s \"%s\" by %s (%s)\n",
            row->source, row->line, row->column, fx_type_name(row->type),
            row->text, row->rule, row->rule_source);
    if (!*why) {
        fprintf(stderr, "  no overlapping match of its kind\n");
        return;
    }
    char **lines = g_strsplit(why, "\n", -1);
    for (char **l = lines; *l; l++)
        if (**l)
            fprintf(stderr, "  %s\n", *l);
    g_strfreev(lines);
}

static int cmd_check(char **paths, int n)
{
    char *def = NULL;
    const char *one[1];
    if (n == 0) {
        one[0] = def = default_rules();
        paths = (char **)one;
        n = 1;
    }
    fx_ruleset *rs = NULL;
    fx_status st = fx_ruleset_load(&rs, (const char *const *)paths,
                                   (size_t)n, print_diag, NULL);
    if (st == FX_OK)
        st = fx_ruleset_probe(rs, print_diag, NULL);
    if (st == FX_OK)
        printf("figex: %zu rules loaded, %zu examples checked, probe texts "
               "passed: ok\n",
               fx_ruleset_rule_count(rs), fx_ruleset_example_count(rs));
    fx_ruleset_free(rs);
    g_free(def);
    return st == FX_OK ? 0 : EXIT_TROUBLE;
}

int main(int argc, char **argv)
{
    /* `test` and `score` have options of their own: they take over
     * before the scanner's options are parsed. */
    if (argc > 1 && strcmp(argv[1], "test") == 0)
        return fx_golden_main(argc, argv);
    if (argc > 1 && strcmp(argv[1], "score") == 0)
        return fx_score_main(argc, argv);
    options opt = {0};
    opt.jobs = 1;
    GOptionEntry entries[] = {
        {"rules", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt.rules,
         "Rule file or folder (repeatable; default: the bundled rules)",
         "PATH"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &opt.format,
         "Output format: csv (default), tsv or jsonl", "FORMAT"},
        {"bom", 0, 0, G_OPTION_ARG_NONE, &opt.bom,
         "Start CSV or TSV output with a UTF-8 byte order mark (for "
         "Excel)", NULL},
        {"raw-cells", 0, 0, G_OPTION_ARG_NONE, &opt.raw_cells,
         "Write CSV and TSV cells as they are: no apostrophe before cells "
         "that a spreadsheet would run as formulas (=, +, -, @)", NULL},
        {"summary", 0, 0, G_OPTION_ARG_NONE, &opt.summary,
         "Write counts per type, value and unit instead of the rows",
         NULL},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &opt.output,
         "Write rows to FILE (replaced only when the run succeeds)", "FILE"},
        {"types", 't', 0, G_OPTION_ARG_STRING, &opt.types,
         "Only these types, comma-separated (agency,official,date,"
         "statistic)", "LIST"},
        {"block-size", 0, 0, G_OPTION_ARG_STRING, &opt.block_size,
         "Read input in blocks of N bytes (K and M suffixes; default 1M)",
         "N"},
        {"input-format", 0, 0, G_OPTION_ARG_STRING, &opt.input_format,
         "One document per input (text, the default) or per line (lines)",
         "FORMAT"},
        {"glob", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt.globs,
         "In folders, read only files whose name matches (repeatable)",
         "PATTERN"},
        {"progress", 0, 0, G_OPTION_ARG_STRING, &opt.progress,
         "Progress on standard error: auto (the default), always, never",
         "WHEN"},
        {"day-first", 0, 0, G_OPTION_ARG_NONE, &opt.day_first,
         "Read numeric dates like 01/02/2020 day first (default: month "
         "first)", NULL},
        {"jobs", 'j', 0, G_OPTION_ARG_INT, &opt.jobs,
         "Load the rules and scan with N threads (default 1); the rows "
         "are the same for every N", "N"},
        {"no-prefilter", 0, 0, G_OPTION_ARG_NONE, &opt.no_prefilter,
         "Try every rule at every position, without the literal "
         "prefilter (same rows, much slower; for checking)", NULL},
        {"doc-date", 0, 0, G_OPTION_ARG_STRING, &opt.doc_date,
         "Resolve relative dates (\"last year\") against this date "
         "(default: the first full date in each document's header)",
         "YYYY-MM-DD"},
        {"list-rules", 0, 0, G_OPTION_ARG_NONE, &opt.list_rules,
         "List the loaded rules (id, type, priority, file:line, "
         "description) and exit", NULL},
        {"list-patterns", 0, 0, G_OPTION_ARG_NONE, &opt.list_patterns,
         "Print each rule's id and PCRE2 pattern (macros expanded), one "
         "rule a line, and exit", NULL},
        {"stats", 0, 0, G_OPTION_ARG_NONE, &opt.stats,
         "Print per-rule match counts and time to standard error", NULL},
        {"explain", 0, 0, G_OPTION_ARG_NONE, &opt.explain,
         "Print to standard error, for each row, the overlapping matches it "
         "beat and why", NULL},
        {"version", 'V', 0, G_OPTION_ARG_NONE, &opt.version,
         "Print the version and exit", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new(
        "[FILE|FOLDER...] | check [RULES...] |\n"
        "  test [DIR] [CASE...] | score GOLD PRED");
    g_option_context_set_summary(
        ctx, "Extract agencies, officials, dates and statistics from text\n"
             "as CSV, TSV or JSONL rows.  Reads standard input when no FILE"
             "\n(or -) is given; a FOLDER is read recursively, in sorted "
             "order.\n'figex check' loads rules and checks their examples.\n"
             "'figex test' runs golden cases (see 'figex test --help').\n"
             "'figex score' measures rows against gold annotations "
             "(figex score --help).");
    g_option_context_set_description(
        ctx, "Exit status: 0 success (also with no rows); 1 'figex test': "
             "a case differs;\n2 usage, rule, input or output error; 3 the "
             "rows are written but a rule\ngave up on some text (a PCRE2 "
             "limit), which was not fully scanned.\n");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    int status = EXIT_TROUBLE;
    fx_ruleset *rs = NULL;
    fx_engine *eng = NULL;
    fx_sink sink = {0};
    GPtrArray *inputs = NULL;
    fx_progress *progress = NULL;
    output out = {0};
    text_diags diags = {NULL, 0};
    char *buf = NULL, *def_rules = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fail_usage("%s", err->message);
        g_error_free(err);
        goto done;
    }
    if (opt.version) {
        printf("figex %s\n", FIGEX_VERSION);
        status = 0;
        goto done;
    }
    if (argc > 1 && strcmp(argv[1], "check") == 0) {
        int n = argc - 2 + (opt.rules ? (int)g_strv_length(opt.rules) : 0);
        char **paths = g_new0(char *, (gsize)n + 1);
        int k = 0;
        for (char **r = opt.rules; r && *r; r++)
            paths[k++] = *r;
        for (int i = 2; i < argc; i++)
            paths[k++] = argv[i];
        status = cmd_check(paths, n);
        g_free(paths);
        goto done;
    }
    if (opt.jobs < 1 || opt.jobs > FX_MAX_THREADS) {
        char *n = g_strdup_printf("%d", opt.jobs);
        fail_usage("invalid --jobs %s (1 to " G_STRINGIFY(FX_MAX_THREADS)
                   " threads)", n);
        g_free(n);
        goto done;
    }
    size_t block = DEFAULT_BLOCK;
    if (opt.block_size && !parse_block_size(opt.block_size, &block)) {
        fail_usage("invalid --block-size '%s' (a whole number of bytes from"
                   " 1 to 1G, K and M suffixes allowed)", opt.block_size);
        goto done;
    }
    fx_format format = FX_FORMAT_CSV;
    if (opt.format && !parse_format(opt.format, &format)) {
        fail_usage("unknown --format '%s' (expected csv, tsv or jsonl)",
                   opt.format);
        goto done;
    }
    if (opt.bom && format == FX_FORMAT_JSONL) {
        fail_usage("%s", "--bom cannot be used with --format jsonl: JSON "
                         "Lines forbids a byte order mark");
        goto done;
    }
    fx_input_format input_format = FX_INPUT_TEXT;
    if (opt.input_format &&
        !fx_input_format_parse(opt.input_format, &input_format)) {
        fail_usage("unknown --input-format '%s' (expected text or lines)",
                   opt.input_format);
        goto done;
    }
    fx_progress_mode progress_mode = FX_PROGRESS_AUTO;
    if (opt.progress &&
        !fx_progress_mode_parse(opt.progress, &progress_mode)) {
        fail_usage("unknown --progress '%s' (expected auto, always or "
                   "never)", opt.progress);
        goto done;
    }
    unsigned mask = ~0u;
    if (opt.types && !parse_types(opt.types, &mask))
        goto done;
    if (opt.doc_date && !valid_doc_date(opt.doc_date)) {
        fail_usage("invalid --doc-date '%s' (expected a date as YYYY-MM-DD)",
                   opt.doc_date);
        goto done;
    }

    const char *one[1];
    const char *const *paths = (const char *const *)opt.rules;
    size_t npaths = opt.rules ? g_strv_length(opt.rules) : 0;
    if (npaths == 0) {
        one[0] = def_rules = default_rules();
        paths = one;
        npaths = 1;
    }
    if (fx_ruleset_load_threads(&rs, paths, npaths, (unsigned)opt.jobs,
                                print_diag, NULL) != FX_OK)
        goto done;
    if (opt.list_rules || opt.list_patterns) {
        status = list_rules(rs, opt.list_patterns) ? 0 : EXIT_TROUBLE;
        goto done;
    }
    if (!open_output(&out, opt.output))
        goto done;
    /* As curl does with its meter: rows scrolling on the terminal would
     * tear the line apart, and are progress enough. */
    if (progress_mode == FX_PROGRESS_AUTO && !opt.output &&
        isatty(STDOUT_FILENO))
        progress_mode = FX_PROGRESS_NEVER;
    inputs =
        fx_inputs_expand((const char *const *)argv + 1, (size_t)(argc - 1),
                         (const char *const *)opt.globs);
    progress = fx_progress_new(progress_mode, stderr, fx_inputs_total(inputs));
    diags.progress = progress;
    if (make_sink(&sink, out.fp, format, opt.bom, opt.raw_cells,
                  opt.summary) != FX_OK ||
        fx_engine_new(&eng, rs, fx_progress_sink(progress, &sink),
                      print_text_diag, &diags) != FX_OK ||
        fx_engine_set_threads(eng, (unsigned)opt.jobs) != FX_OK) {
        fprintf(stderr, "figex: error: out of memory\n");
        close_output(&out, opt.output, false);
        goto done;
    }
    fx_engine_set_types(eng, mask);
    fx_engine_set_day_first(eng, opt.day_first);
    fx_engine_set_prefilter(eng, !opt.no_prefilter);
    if (opt.explain)
        fx_engine_set_explain(eng, print_explanation, progress);
    fx_engine_set_doc_date(eng, opt.doc_date); /* checked above */
    buf = g_malloc(block);
    bool inputs_ok = true;
    fx_status st = sink.begin(sink.payload);
    fx_reader reader = {eng, input_format, buf, block, progress,
                        opt.jobs > 1};
    for (guint i = 0; i < inputs->len && st == FX_OK; i++)
        if (!fx_inputs_read(&reader, inputs->pdata[i], &st))
            inputs_ok = false;
    if (st == FX_OK)
        st = sink.finish(sink.payload);
    int write_errno = errno;
    fx_progress_end(progress);
    /* The reader of a pipe went away (`figex big.txt | head -1` with
     * SIGPIPE ignored): it wanted no more rows, so nothing is said. */
    bool pipe_closed = st == FX_ERR_IO && !opt.output && write_errno == EPIPE;
    if (st != FX_OK && !pipe_closed)
        fprintf(stderr, "figex: %s: error: %s\n",
                opt.output ? opt.output : "standard output",
                st == FX_ERR_IO ? g_strerror(write_errno) : fx_status_str(st));
    if (opt.stats)
        print_stats(rs, eng);
    bool ok = st == FX_OK && inputs_ok;
    if (!inputs_ok && opt.output)
        fprintf(stderr, "figex: %s: not written because an input failed\n",
                opt.output);
    if (!close_output(&out, opt.output, ok))
        ok = false;
    if (ok && diags.warnings)
        fprintf(stderr,
                "figex: warning: %u time%s a rule gave up on the text (see "
                "above); that text was not fully scanned (exit status 3)\n",
                diags.warnings, diags.warnings == 1 ? "" : "s");
    status = !ok ? EXIT_TROUBLE : diags.warnings ? EXIT_GAVE_UP : 0;
done:
    fx_engine_free(eng);
    fx_progress_free(progress);
    if (inputs)
        g_ptr_array_unref(inputs);
    fx_sink_free(&sink);
    fx_ruleset_free(rs);
    g_free(buf);
    g_free(def_rules);
    g_strfreev(opt.rules);
    g_free(opt.format);
    g_free(opt.output);
    g_free(opt.types);
    g_free(opt.block_size);
    g_free(opt.doc_date);
    g_free(opt.input_format);
    g_strfreev(opt.globs);
    g_free(opt.progress);
    g_option_context_free(ctx);
    return status;
}
