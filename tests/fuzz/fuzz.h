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

#endif
