/*
 * scan.c: a small program on libfigex's public API, and a starting point
 * for your own.
 *
 *     scan [--count] [--rules PATH] [TEXT...]
 *
 * loads the bundled rules (or PATH), scans TEXT, the arguments joined by
 * spaces as one document named "argv", or else standard input (named
 * "-"), and prints the rows as TSV with a header, exactly as
 * `figex -f tsv` would.  With --count it prints instead how many rows of
 * each type it found, through a sink of its own:
 *
 *     $ scan --count 'The FBI opened 40 cases in March 2021.'
 *     agency     1
 *     official   0
 *     date       1
 *     statistic  1
 *
 * Build it against an installed figex (see README.md, "Install"):
 *
 *     cc scan.c -o scan $(pkg-config --cflags --libs figex) \
 *        -DFIGEX_RULES_DIR="\"$(pkg-config --variable=rulesdir figex)\""
 *
 * or with CMake through find_package(figex): examples/CMakeLists.txt.
 * It uses only standard C and figex.h.
 */
#include <figex.h>

#include <stdio.h>
#include <string.h>

#ifndef FIGEX_RULES_DIR
#error "define FIGEX_RULES_DIR: the folder of the rules to load by default"
#endif

/* The exit status of the figex command: 2 for any usage or I/O error. */
#define EXIT_TROUBLE 2

/* Rule and text problems, in the figex command's "file:line:col" form. */
static void print_diag(const fx_diag *diag, void *payload)
{
    (void)payload;
    fprintf(stderr, "scan: %s:%u:%u: %s: %s\n",
            diag->file ? diag->file : "-", diag->line, diag->col,
            diag->severity == FX_SEV_ERROR ? "error" : "warning",
            diag->message);
}

/* ---- a sink of our own: count rows by type ---- */

typedef struct {
    unsigned long rows[FX_TYPE_COUNT];
} type_counts;

static fx_status count_begin(void *payload)
{
    memset(payload, 0, sizeof(type_counts));
    return FX_OK;
}

/* The row is borrowed: it is gone when this returns, so keep what you
 * need (here only its type). */
static fx_status count_row(void *payload, const fx_row *row)
{
    type_counts *counts = payload;
    counts->rows[row->type]++;
    return FX_OK;
}

static fx_status count_finish(void *payload)
{
    const type_counts *counts = payload;
    /* FX_TYPE_IGNORE rules claim text but never make rows. */
    for (int t = 0; t < FX_TYPE_IGNORE; t++)
        printf("%-10s %lu\n", fx_type_name((fx_type)t), counts->rows[t]);
    return ferror(stdout) ? FX_ERR_IO : FX_OK;
}

/* ---- scanning ---- */

/* One document: the arguments joined by spaces.  Feeding them one by one
 * gives the same rows as feeding the joined text at once: the engine
 * keeps whatever part of a match is still open between calls. */
static fx_status scan_args(fx_engine *eng, char **texts, int ntexts)
{
    fx_status st = fx_engine_begin(eng, "argv");
    for (int i = 0; i < ntexts && st == FX_OK; i++) {
        if (i > 0)
            st = fx_engine_feed(eng, " ", 1);
        if (st == FX_OK)
            st = fx_engine_feed(eng, texts[i], strlen(texts[i]));
    }
    return st == FX_OK ? fx_engine_finish(eng) : st;
}

/* One document read from standard input in blocks: memory stays bounded
 * however long the input is. */
static fx_status scan_stdin(fx_engine *eng)
{
    static char block[64 * 1024];
    fx_status st = fx_engine_begin(eng, "-");
    size_t n;
    while (st == FX_OK && (n = fread(block, 1, sizeof block, stdin)) > 0)
        st = fx_engine_feed(eng, block, n);
    if (st == FX_OK && ferror(stdin)) {
        fprintf(stderr, "scan: error: cannot read standard input\n");
        st = FX_ERR_IO;
    }
    return st == FX_OK ? fx_engine_finish(eng) : st;
}

static int usage(void)
{
    fprintf(stderr, "usage: scan [--count] [--rules PATH] [TEXT...]\n");
    return EXIT_TROUBLE;
}

int main(int argc, char **argv)
{
    const char *rules_path = FIGEX_RULES_DIR;
    int count = 0, first_text = 1;
    for (; first_text < argc; first_text++) {
        const char *arg = argv[first_text];
        if (strcmp(arg, "--count") == 0)
            count = 1;
        else if (strcmp(arg, "--rules") == 0 && first_text + 1 < argc)
            rules_path = argv[++first_text];
        else if (strcmp(arg, "--") == 0) {
            first_text++;
            break;
        } else if (arg[0] == '-' && arg[1] != '\0')
            return usage();
        else
            break;
    }

    int status = EXIT_TROUBLE;
    fx_ruleset *rules = NULL;
    fx_engine *eng = NULL;
    fx_sink sink = {0};
    type_counts counts;

    /* Every rule problem has been reported through print_diag when this
     * fails; the status only says what kind of failure it was. */
    fx_status st = fx_ruleset_load(&rules, &rules_path, 1, print_diag, NULL);
    if (st != FX_OK)
        goto done;
    if (count) {
        sink = (fx_sink){.name = "count",
                         .begin = count_begin,
                         .row = count_row,
                         .finish = count_finish,
                         .payload = &counts};
    } else if ((st = fx_emit_tsv_new(&sink, stdout)) != FX_OK) {
        goto done;
    }
    st = fx_engine_new(&eng, rules, &sink, print_diag, NULL);
    if (st == FX_OK)
        st = sink.begin(sink.payload);
    if (st == FX_OK)
        st = first_text < argc
                 ? scan_args(eng, argv + first_text, argc - first_text)
                 : scan_stdin(eng);
    if (st == FX_OK)
        st = sink.finish(sink.payload);
    if (st == FX_OK && fflush(stdout) != 0)
        st = FX_ERR_IO;
    if (st == FX_OK)
        status = 0;
done:
    if (st != FX_OK)
        fprintf(stderr, "scan: error: %s\n", fx_status_str(st));
    fx_engine_free(eng);
    /* A sink of our own has no free function: fx_sink_free() skips it. */
    fx_sink_free(&sink);
    fx_ruleset_free(rules);
    return status;
}
