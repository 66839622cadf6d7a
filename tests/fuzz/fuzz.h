/*
 * fuzz.h: what the fuzz targets of tests/fuzz share.
 *
 * Each target is one file that defines LLVMFuzzerTestOneInput (and
 * LLVMFuzzerInitialize for what it sets up once).  Built with clang and
 * -fsanitize=fuzzer (FIGEX_FUZZ), libFuzzer drives it; built by any
 * compiler with replay.c, it runs over the files it is given, which is how
 * ctest replays the seed corpus and the regression inputs.
 */
#ifndef FX_FUZZ_H
#define FX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <figex.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a crash, so that libFuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* Make GLib's criticals and warnings fatal: each is a programming error
 * (a g_return_if_fail that failed), which a fuzzer must report. */
void fuzz_fatal_glib_warnings(void);

/*
 * Scan `text` as a document named "fuzz" twice with one engine: in one
 * block with the prefilter off, then in blocks of `block` bytes with the
 * prefilter and two threads.  Both scans must give the same rows, byte
 * for byte (the output depends on none of these, and
 * nothing is carried from one document to the next), and every row must
 * keep the promises of figex.h and of the README's row schema: in input
 * order, valid UTF-8, its `text` the folded bytes of its span, its line
 * and column those of its first byte.  `opts`: bit 0 --day-first, bit 1
 * the document date 2020-02-29, bits 2-5 the types kept (0: all).
 */
void fuzz_scan_twice(const fx_ruleset *rules, const uint8_t *text, size_t len,
                     size_t block, unsigned opts);

#endif
