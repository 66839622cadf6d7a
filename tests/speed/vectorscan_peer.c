/*
 * vectorscan_peer.c: how fast vectorscan (the Hyperscan fork Debian
 * ships) finds figex's own patterns, for scripts/bench.
 *
 *   vectorscan_peer PATTERNS TEXT RUNS
 *
 * PATTERNS is `figex --list-patterns` (id, tab, pattern).  Vectorscan
 * needs no captures, so group names go ("(?<year>" becomes "(": it
 * refuses a name used twice) and so does \K (it only moves a match's
 * start).  Each pattern is then compiled alone in prefilter mode (HS_FLAG_PREFILTER: vectorscan
 * widens what it cannot do exactly, such as lookarounds, so a match
 * still has to be confirmed by PCRE2); those it refuses are named with
 * vectorscan's reason.  The accepted ones are compiled into one streaming
 * database, and TEXT is streamed through it in blocks of 1 MiB RUNS
 * times, reporting end offsets only (start offsets cost more).  Prints
 *
 *   accepted N of M patterns, compiled in S s, MATCHES matches
 *   scan seconds: T1 T2 ...
 *
 * This is an upper bound for a vectorscan prefilter in figex: the
 * confirmation, the normalisers and the output would come on top.
 */
#include <hs/hs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK ((size_t)1 << 20)
#define MAX_PATTERNS 1024

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_match(unsigned id, unsigned long long from,
                       unsigned long long to, unsigned flags, void *ctx)
{
    (void)id;
    (void)from;
    (void)to;
    (void)flags;
    ++*(unsigned long long *)ctx;
    return 0; /* go on */
}

/* `p` without group names and \K, in a new string.  (No pattern of
 * figex's has "(?<" or "\K" inside a character class.) */
static char *without_names(const char *p)
{
    char *out = malloc(strlen(p) + 1), *o = out;
    if (!out)
        return NULL;
    while (*p) {
        if (p[0] == '\\' && p[1] == 'K') {
            p += 2;
        } else if (p[0] == '\\' && p[1]) {
            *o++ = *p++;
            *o++ = *p++;
        } else if (strncmp(p, "(?<", 3) == 0 && p[3] != '=' && p[3] != '!') {
            const char *close = strchr(p, '>');
            *o++ = '(';
            p = close ? close + 1 : p + 3;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

/* Stream `path` through `db` once; the matches, or -1 on error. */
static long long scan_file(const hs_database_t *db, hs_scratch_t *scratch,
                           const char *path, char *buf)
{
    FILE *fp = fopen(path, "rb");
    hs_stream_t *stream = NULL;
    if (!fp || hs_open_stream(db, 0, &stream) != HS_SUCCESS) {
        if (fp)
            fclose(fp);
        return -1;
    }
    unsigned long long matches = 0;
    size_t n;
    int ok = 1;
    while (ok && (n = fread(buf, 1, BLOCK, fp)) > 0)
        ok = hs_scan_stream(stream, buf, (unsigned)n, 0, scratch,
                            count_match, &matches) == HS_SUCCESS;
    ok = hs_close_stream(stream, scratch, count_match, &matches) ==
             HS_SUCCESS && ok && !ferror(fp);
    fclose(fp);
    return ok ? (long long)matches : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4 || atoi(argv[3]) < 1) {
        fprintf(stderr, "usage: vectorscan_peer PATTERNS TEXT RUNS\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "r");
    if (!fp) {
        perror(argv[1]);
        return 2;
    }
    static char *pattern[MAX_PATTERNS];
    static unsigned flags[MAX_PATTERNS], ids[MAX_PATTERNS];
    unsigned accepted = 0, total = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    const unsigned mode = HS_FLAG_PREFILTER | HS_FLAG_UTF8 | HS_FLAG_UCP |
                          HS_FLAG_ALLOWEMPTY;
    double t0 = now();
    while ((len = getline(&line, &cap, fp)) > 0 && total < MAX_PATTERNS) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        total++;
        char *plain = without_names(tab + 1);
        hs_database_t *one = NULL;
        hs_compile_error_t *err = NULL;
        if (!plain || hs_compile(plain, mode, HS_MODE_STREAM, NULL, &one,
                                 &err) != HS_SUCCESS) {
            fprintf(stderr, "vectorscan refuses %s: %s\n", line,
                    err ? err->message : "out of memory");
            hs_free_compile_error(err);
            free(plain);
            continue;
        }
        hs_free_database(one);
        pattern[accepted] = plain;
        flags[accepted] = mode;
        ids[accepted] = accepted;
        accepted++;
    }
    free(line);
    fclose(fp);
    if (accepted == 0) {
        fprintf(stderr, "vectorscan accepts none of the patterns\n");
        return 1;
    }
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;
    if (hs_compile_multi((const char *const *)pattern, flags, ids, accepted,
                         HS_MODE_STREAM, NULL, &db, &err) != HS_SUCCESS) {
        fprintf(stderr, "vectorscan: %s\n", err ? err->message : "?");
        return 1;
    }
    double compiled = now() - t0;
    hs_scratch_t *scratch = NULL;
    char *buf = malloc(BLOCK);
    if (!buf || hs_alloc_scratch(db, &scratch) != HS_SUCCESS)
        return 1;
    int runs = atoi(argv[3]);
    long long matches = 0;
    printf("scan seconds:");
    for (int r = 0; r < runs; r++) {
        double t = now();
        matches = scan_file(db, scratch, argv[2], buf);
        if (matches < 0) {
            fprintf(stderr, "vectorscan: cannot scan %s\n", argv[2]);
            return 1;
        }
        printf(" %.3f", now() - t);
    }
    printf("\naccepted %u of %u patterns, compiled in %.1f s, %lld "
           "matches\n", accepted, total, compiled, matches);
    hs_free_scratch(scratch);
    hs_free_database(db);
    free(buf);
    for (unsigned i = 0; i < accepted; i++)
        free(pattern[i]);
    return 0;
}
