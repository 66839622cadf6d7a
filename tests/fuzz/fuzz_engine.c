/*
 * fuzz_engine.c: the engine and its normalisers on arbitrary text.
 *
 * The bundled rules (FIGEX_RULES_DIR, the source tree's rules/) are loaded
 * once.  The first two bytes of an input choose how it is scanned, the
 * rest is the document:
 *
 *     byte 0   block size: 1-64 below 0x80, else 1 + 37 * (b & 0x7f)
 *     byte 1   bit 0 --day-first, bit 1 a fixed document date,
 *              bits 2-5 the types kept (0: all of them)
 *
 * and fuzz_scan_twice() (support.c) scans it in one block without the
 * prefilter and in blocks of that size with it and two threads, and
 * checks the rows.
 */
#include "fuzz.h"

static fx_ruleset *rules;

static void free_rules(void)
{
    fx_ruleset_free(rules);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_fatal_glib_warnings();
    const char *dir = FIGEX_RULES_DIR;
    FUZZ_CHECK(fx_ruleset_load(&rules, &dir, 1, NULL, NULL) == FX_OK);
    atexit(free_rules);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t block =
        data[0] < 0x80 ? 1u + (data[0] & 0x3f) : 1u + 37u * (data[0] & 0x7f);
    fuzz_scan_twice(rules, data + 2, size - 2, block, data[1]);
    return 0;
}
