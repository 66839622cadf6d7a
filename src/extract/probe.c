/*
 * probe.c: run every rule over texts made to provoke backtracking, under
 * the engine's PCRE2 limits, for `figex check`.
 *
 * A rule that only misbehaves on unusual text (a run of capitalised
 * words, thousands of digits and commas, a line of initials) would
 * otherwise be found in production, on somebody's deadline, as a warning
 * that it gave up.  The probes are long runs of the shapes the bundled
 * rules work on; a rule that hits a limit on one of them is reported at
 * its `rule` line.
 */
#include "internal.h"

/* Each probe repeats `unit` to about FX_PROBE_BYTES. */
#define FX_PROBE_BYTES (32 * 1024)

static const struct {
    const char *name;
    const char *unit;
} probes[] = {
    {"capitalised words", "Office Of The Special Rapporteur And "},
    {"capitalised lines", "Special Rapporteur On The Right\n"},
    {"initials", "A. B. "},
    {"digits and commas", "1,000,"},
    {"digits and points", "1.2."},
    {"lower-case words", "and the state and local partner agencies "},
    {"numbers and words", "300 cases 4.5 million "},
    {"spaces and line breaks", " \t\n"},
    {"upper-case tokens", "ICE DHS FBI "},
    {"punctuation", "(-,.'/)"},
};

void fx_limits__apply(pcre2_match_context *mctx)
{
    pcre2_set_match_limit(mctx, 5000000);
    pcre2_set_depth_limit(mctx, 100000);
    pcre2_set_heap_limit(mctx, 16 * 1024); /* KiB */
}

/* Run `code` over `text` as the engine would; the first error code, or
 * 0. */
static int probe_rule(const pcre2_code *code, const char *text, size_t len,
                      pcre2_match_data *md, pcre2_match_context *mctx)
{
    size_t off = 0;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    while (off < len) {
        int rc = pcre2_match(code, (PCRE2_SPTR)text, len, off, 0, md, mctx);
        if (rc == PCRE2_ERROR_NOMATCH)
            return 0;
        if (rc < 0)
            return rc;
        off = ov[1] > off ? ov[1] : off + 1;
    }
    return 0;
}

fx_status fx_ruleset_probe(const fx_ruleset *rs, fx_diag_fn diag,
                           void *payload)
{
    if (!rs)
        return FX_ERR_USAGE;
    fx_reporter rep = {diag, payload, 0, 0, NULL};
    pcre2_match_data *md = pcre2_match_data_create(64, NULL);
    pcre2_match_context *mctx = pcre2_match_context_create(NULL);
    pcre2_jit_stack *jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024,
                                                  NULL);
    fx_limits__apply(mctx);
    if (jit)
        pcre2_jit_stack_assign(mctx, NULL, jit);
    /* A probe is matched whole, in complete mode, for which the ruleset
     * has no JIT code (compile.c: the engine needs that mode only at a
     * document's end, and there runs the interpreter).  Copies of the
     * patterns get it here: probing every rule takes a second, and half
     * a minute interpreted.  So the probes show the JIT's limits, which
     * the engine meets on all but the end of a text. */
    GPtrArray *codes = g_ptr_array_new_with_free_func(
        (GDestroyNotify)pcre2_code_free);
    for (guint i = 0; i < rs->rules->len; i++) {
        const fx_rule *r = g_ptr_array_index(rs->rules, i);
        pcre2_code *copy = pcre2_code_copy(r->code);
        if (copy)
            (void)pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE);
        g_ptr_array_add(codes, copy);
    }
    GString *text = g_string_new(NULL);
    for (size_t p = 0; p < G_N_ELEMENTS(probes); p++) {
        g_string_truncate(text, 0);
        while (text->len < FX_PROBE_BYTES)
            g_string_append(text, probes[p].unit);
        for (guint i = 0; i < rs->rules->len; i++) {
            const fx_rule *r = g_ptr_array_index(rs->rules, i);
            const pcre2_code *code = g_ptr_array_index(codes, i);
            int rc = probe_rule(code ? code : r->code, text->str, text->len,
                                md, mctx);
            if (rc == 0)
                continue;
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(rc, msg, sizeof msg);
            fx_report__at(&rep, FX_SEV_ERROR, r->loc, 0,
                          "rule '%s' gives up on a probe text of %s (%s); "
                          "it would skip text in real documents too",
                          r->id, probes[p].name, (const char *)msg);
        }
    }
    g_string_free(text, TRUE);
    g_ptr_array_free(codes, TRUE);
    pcre2_jit_stack_free(jit);
    pcre2_match_context_free(mctx);
    pcre2_match_data_free(md);
    unsigned errors = rep.errors;
    fx_report__clear(&rep);
    return errors ? FX_ERR_RULES : FX_OK;
}
