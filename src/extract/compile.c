/*
 * compile.c: turns parsed rules into PCRE2 code and checks them.
 *
 * For each rule: expand macros (keeping the position map), compile with
 * UTF and PCRE2_MATCH_INVALID_UTF (so that bad bytes in the text can never
 * stop a match), JIT-compile for complete and hard-partial matching (the
 * engine needs both; the offset limit lets the engine try only the starts
 * its prefilter allows), map each named capture to the kind's fields, refuse
 * patterns that can match the empty string, then run the rule's examples.
 * A PCRE2 error offset becomes the file:line:column of the offending
 * character, even inside a macro or on a continuation line.
 */
#include "internal.h"

static const char *const cap_names[FX_CAP_COUNT] = {
    "name",  "acronym",   "honorific", "title",    "year",
    "month", "day",       "qualifier", "number",   "scale",
    "currency", "percent", "unit",  "end_year", "end_month",
    "end_day", "quarter", "fiscal",  "decade",   "part",
    "season",  "relative", "end_number", "vague",
};

static int cap_from_name(const char *name)
{
    for (int i = 0; i < FX_CAP_COUNT; i++)
        if (strcmp(name, cap_names[i]) == 0)
            return i;
    return -1;
}

static char *allowed_caps(const fx_kind *kind)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < FX_CAP_COUNT; i++)
        if (kind->caps & (1u << i))
            g_string_append_printf(s, "%s%s", s->len ? ", " : "",
                                   cap_names[i]);
    if (!s->len)
        g_string_append(s, "none");
    return g_string_free(s, FALSE);
}

/* Map the pattern's named groups to captures; report unknown names. */
static bool bind_captures(fx_rule *r, const fx_locstr *src, fx_reporter *rep)
{
    uint32_t count = 0, entry_size = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMETABLE, &table);
    const fx_kind *kind = fx_kind__get(r->type);
    bool ok = true;
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR e = table + (size_t)i * entry_size;
        unsigned group = ((unsigned)e[0] << 8) | e[1];
        const char *name = (const char *)e + 2;
        int cap = cap_from_name(name);
        if (cap < 0 || !(kind->caps & (1u << cap))) {
            /* Point at the name where it is written in the pattern. */
            char *needle = g_strdup_printf("<%s>", name);
            const char *at = strstr(src->str->str, needle);
            gsize off = at ? (gsize)(at - src->str->str) + 1 : 0;
            fx_loc loc = at ? fx_locstr__locate(src, off) : r->loc;
            char *allowed = allowed_caps(kind);
            fx_report__at(rep, FX_SEV_ERROR, loc, (unsigned)strlen(name),
                          "capture '%s' means nothing to rules of type %s "
                          "(they read: %s)", name, kind->name, allowed);
            g_free(allowed);
            g_free(needle);
            ok = false;
            continue;
        }
        fx_cap_groups *g = &r->caps[cap];
        if (g->count < FX_CAP_MAX_GROUPS)
            g->group[g->count++] = (guint16)group;
    }
    return ok;
}

static bool compile_rule(fx_rule *r, fx_macro_table *macros,
                         fx_reporter *rep)
{
    fx_locstr src;
    fx_locstr__init(&src);
    bool ok = fx_macros__expand(macros, &r->pattern, &src, rep);
    if (ok && src.str->len == 0) {
        fx_report__at(rep, FX_SEV_ERROR, r->loc, 4, "rule '%s' has an empty "
                      "pattern", r->id);
        ok = false;
    }
    if (!ok)
        goto done;
    g_free(r->expanded);
    r->expanded = g_strndup(src.str->str, src.str->len);
    int code = 0;
    PCRE2_SIZE at = 0;
    r->code = pcre2_compile((PCRE2_SPTR)src.str->str, src.str->len,
                            FX_PATTERN_OPTIONS, &code, &at, NULL);
    if (!r->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        fx_report__at(rep, FX_SEV_ERROR, fx_locstr__locate(&src, at), 1,
                      "invalid pattern: %s", (const char *)msg);
        ok = false;
        goto done;
    }
    /* Compile the factored pattern in its place: errors above point into
     * the rule file, and the original stays when the rewrite fails. */
    char *factored = fx_factor__pattern(src.str->str, src.str->len);
    if (factored && strcmp(factored, src.str->str) != 0) {
        pcre2_code *fast =
            pcre2_compile((PCRE2_SPTR)factored, PCRE2_ZERO_TERMINATED,
                          FX_PATTERN_OPTIONS, &code, &at, NULL);
        if (fast) {
            pcre2_code_free(r->code);
            r->code = fast;
        }
    }
    g_free(factored);
    uint32_t minlen = 0, lookbehind = 0;
    pcre2_pattern_info(r->code, PCRE2_INFO_MINLENGTH, &minlen);
    pcre2_pattern_info(r->code, PCRE2_INFO_MAXLOOKBEHIND, &lookbehind);
    r->lookbehind = (size_t)lookbehind * 4; /* characters -> UTF-8 bytes */
    if (minlen == 0) {
        fx_report__at(rep, FX_SEV_ERROR, fx_locstr__locate(&r->pattern, 0),
                      1, "pattern can match the empty string");
        ok = false;
    }
    if (!bind_captures(r, &src, rep))
        ok = false;
done:
    fx_locstr__clear(&src);
    return ok;
}

/* Compare what an example produced with `VALUE; column=value; ...`. */
static bool check_expected(const fx_rule *r, const fx_example *ex,
                           const fx_fields *got, fx_reporter *rep)
{
    char **parts = g_strsplit(ex->expected, ";", -1);
    bool ok = true;
    for (int i = 0; parts[i]; i++) {
        char *part = g_strstrip(parts[i]);
        fx_field field = FX_F_VALUE;
        const char *want = part;
        if (i > 0) {
            char *whole = g_strdup(part);
            char *eq = strchr(part, '=');
            int f = eq ? (*eq = '\0', fx_field__from_column(g_strstrip(part)))
                       : -1;
            if (f < 0) {
                fx_report__at(rep, FX_SEV_ERROR, ex->loc, 1,
                              "example expects '%s', which is not "
                              "'column=value' with a text column", whole);
                g_free(whole);
                ok = false;
                continue;
            }
            g_free(whole);
            field = (fx_field)f;
            want = g_strstrip(eq + 1);
        }
        const char *have = got->f[field]->str;
        if (strcmp(have, want) != 0) {
            const char *col = field == FX_F_VALUE ? "value" : part;
            fx_report__at(rep, FX_SEV_ERROR, ex->loc,
                          (unsigned)g_utf8_strlen(ex->text, -1),
                          "rule '%s': example gives %s '%s', expected '%s'",
                          r->id, col, have, want);
            ok = false;
        }
    }
    g_strfreev(parts);
    return ok;
}

/* The first match of `r` in `text` that its kind accepts. */
static bool first_match(const fx_rule *r, const fx_ruleset *rs,
                        const char *text, pcre2_match_data *md,
                        fx_fields *out)
{
    size_t len = strlen(text), pos = 0;
    while (pos <= len) {
        int rc = pcre2_match(r->code, (PCRE2_SPTR)text, len, pos, 0, md,
                             NULL);
        if (rc <= 0)
            return false;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (ov[1] > ov[0]) {
            fx_match m = {r, text, ov, pcre2_get_ovector_count(md), false};
            fx_fields__reset(out);
            if (fx_normalise__match(&m, rs, out))
                return true;
        }
        pos = ov[1] > pos ? ov[1] : pos + 1;
    }
    return false;
}

static bool check_examples(const fx_rule *r, const fx_ruleset *rs,
                           fx_reporter *rep)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->code, NULL);
    fx_fields got;
    fx_fields__init(&got);
    bool ok = true;
    for (guint i = 0; i < r->examples->len; i++) {
        const fx_example *ex = g_ptr_array_index(r->examples, i);
        bool hit = first_match(r, rs, ex->text, md, &got);
        unsigned span = (unsigned)g_utf8_strlen(ex->text, -1);
        if (!ex->expected && hit) {
            fx_report__at(rep, FX_SEV_ERROR, ex->loc, span,
                          "rule '%s' matches its counter-example ('%s')",
                          r->id, got.f[FX_F_TEXT]->str);
            ok = false;
        } else if (ex->expected && !hit) {
            fx_report__at(rep, FX_SEV_ERROR, ex->loc, span,
                          "rule '%s' does not match its example", r->id);
            ok = false;
        } else if (ex->expected && !check_expected(r, ex, &got, rep)) {
            ok = false;
        }
    }
    fx_fields__clear(&got);
    pcre2_match_data_free(md);
    return ok;
}

static gint by_literal(gconstpointer a, gconstpointer b)
{
    const fx_trigger *x = a, *y = b;
    /* Triggers that fix the start exactly merge only with their equals. */
    if (x->at_start != y->at_start)
        return x->at_start ? 1 : -1;
    if (x->behind != y->behind)
        return x->behind ? 1 : -1;
    if (x->behind && x->ahead != y->ahead)
        return x->ahead < y->ahead ? -1 : 1;
    if (x->caseless != y->caseless)
        return x->caseless ? 1 : -1;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->lit, y->lit, x->len);
}

static bool same_chain(const fx_back_chain *x, const fx_back_chain *y)
{
    if (x->n != y->n)
        return false;
    for (guint k = 0; k < x->n; k++)
        if (x->frag[k] != y->frag[k])
            return false;
    return true;
}

/* A back (or forward) automaton holding the chains of both, each once
 * (the branches of an alternation share the parts around it), or NULL
 * when either has none or they would be too many. */
static const fx_back *merge_backs(GPtrArray *pool, const fx_back *a,
                                  const fx_back *b)
{
    if (!a || !b || a->n + b->n > FX_BACK_MAX_CHAINS)
        return NULL;
    fx_back *m = g_malloc(sizeof *m + (a->n + b->n) * sizeof(fx_back_chain));
    fx_back_chain *c = (fx_back_chain *)(m + 1);
    memcpy(c, a->chain, a->n * sizeof *c);
    guint n = a->n;
    for (guint j = 0; j < b->n; j++) {
        guint k = 0;
        while (k < a->n && !same_chain(&a->chain[k], &b->chain[j]))
            k++;
        if (k == a->n)
            c[n++] = b->chain[j];
    }
    m->n = n;
    m->chain = c;
    g_ptr_array_add(pool, m);
    return m;
}

/* One trigger per literal, with the loosest bounds of its copies (the
 * same literal often ends several branches) and all their chains. */
static void dedupe_triggers(GArray *trig, GPtrArray *pool)
{
    g_array_sort(trig, by_literal);
    guint n = 0;
    for (guint k = 0; k < trig->len; k++) {
        fx_trigger *t = &g_array_index(trig, fx_trigger, k);
        fx_trigger *last = n ? &g_array_index(trig, fx_trigger, n - 1) : NULL;
        if (last && by_literal(last, t) == 0) {
            last->dmin = MIN(last->dmin, t->dmin);
            last->dmax = MAX(last->dmax, t->dmax);
            for (int w = 0; w < 8; w++)
                last->free.w[w] |= t->free.w[w];
            last->back = merge_backs(pool, last->back, t->back);
            /* A match may go on after the literal as either allows,
             * and after a byte that either allows before it. */
            last->after = merge_backs(pool, last->after, t->after);
            for (int w = 0; w < 8; w++)
                last->barred.w[w] &= t->barred.w[w];
            continue;
        }
        g_array_index(trig, fx_trigger, n++) = *t;
    }
    g_array_set_size(trig, n);
}

/* A rule's triggers (prefilter.c), merged by literal; NULL when it has
 * none.  Each rule on its own, so that threads can share the rules. */
static GArray *rule_triggers(fx_rule *r)
{
    r->back_pool = g_ptr_array_new_with_free_func(g_free);
    GArray *trig = fx_prefilter__analyse(r->expanded, strlen(r->expanded),
                                         r->back_pool);
    if (trig)
        dedupe_triggers(trig, r->back_pool);
    return trig;
}

/* Give each rule the triggers found for it (`trig`, one per rule, freed
 * here) and build the scanner that finds them all. */
static void build_prefilter(fx_ruleset *rs, GArray **trig_of)
{
    GArray *all = g_array_new(FALSE, FALSE, sizeof(fx_trigger));
    for (guint i = 0; i < rs->rules->len; i++) {
        fx_rule *r = g_ptr_array_index(rs->rules, i);
        GArray *trig = trig_of[i];
        if (!trig)
            continue;
        r->triggered = true;
        guint keep = 0;
        for (guint k = 0; k < trig->len; k++) {
            fx_trigger *t = &g_array_index(trig, fx_trigger, k);
            if (t->at_start) {
                /* No literal to find: the engine opens its window. */
                guint32 ahead = t->behind ? t->ahead : 0;
                r->start_lo = r->at_start ? MIN(r->start_lo, ahead) : ahead;
                r->start_hi = r->at_start ? MAX(r->start_hi, ahead) : ahead;
                r->at_start = true;
                continue;
            }
            t->rule = i;
            g_array_index(trig, fx_trigger, keep++) = *t;
            r->walk_dmax = MAX(r->walk_dmax, t->dmax);
            r->walk_len = MAX(r->walk_len, t->len);
            for (int w = 0; w < 8; w++)
                r->walk_free.w[w] |= t->free.w[w];
        }
        g_array_append_vals(all, trig->data, keep);
        g_array_free(trig, TRUE);
    }
    rs->literals_exact = fx_literals__new(all, false);
    rs->literals_folded = fx_literals__new(all, true);
    g_array_free(all, TRUE);
}

/* The work on each compiled rule that needs no other: its JIT code and
 * its triggers.  Threads take rules in turn. */
typedef struct {
    fx_ruleset *rs;
    GArray **trig_of;
    guint *order; /* the rules, longest pattern first */
    gint next;    /* atomic: next index into `order` */
} prepare_job;

static gint by_pattern_length(gconstpointer a, gconstpointer b,
                              gpointer data)
{
    const fx_ruleset *rs = data;
    guint x = *(const guint *)a, y = *(const guint *)b;
    size_t lx = strlen(((const fx_rule *)g_ptr_array_index(rs->rules, x))
                           ->expanded);
    size_t ly = strlen(((const fx_rule *)g_ptr_array_index(rs->rules, y))
                           ->expanded);
    if (lx != ly)
        return lx > ly ? -1 : 1;
    return x < y ? -1 : x > y;
}

static gpointer prepare_rules(gpointer data)
{
    prepare_job *job = data;
    guint n = job->rs->rules->len;
    for (;;) {
        guint k = (guint)g_atomic_int_add(&job->next, 1);
        if (k >= n)
            break;
        guint i = job->order[k];
        fx_rule *r = g_ptr_array_index(job->rs->rules, i);
        /* JIT code only for the mode the engine scans the bulk of a
         * text in.  A complete match is asked for only at a document's
         * end, from where each rule last stopped, and PCRE2 runs its
         * interpreter for it (the same matches); JIT code for that mode
         * too cost 14 % of the load's instructions and 4 MiB.  Without
         * JIT (rare platforms) matching is slower but still correct. */
        (void)pcre2_jit_compile(r->code, PCRE2_JIT_PARTIAL_HARD);
        job->trig_of[i] = rule_triggers(r);
    }
    return NULL;
}

bool fx_rules__compile(fx_ruleset *rs, fx_macro_table *macros,
                       unsigned threads, fx_reporter *rep)
{
    bool ok = true;
    for (guint i = 0; i < rs->rules->len; i++) {
        fx_rule *r = g_ptr_array_index(rs->rules, i);
        if (r->broken || !r->has_pattern || !r->has_type ||
            !compile_rule(r, macros, rep)) {
            ok = false;
            continue;
        }
        if (r->lookbehind > rs->lookbehind)
            rs->lookbehind = r->lookbehind;
    }
    fx_macros__report_unused(macros, rep);
    if (!ok || rep->errors)
        return false;
    /* The longest first, so that no thread is left with one at the end. */
    prepare_job job = {rs, g_new0(GArray *, MAX(rs->rules->len, 1)),
                       g_new(guint, MAX(rs->rules->len, 1)), 0};
    for (guint i = 0; i < rs->rules->len; i++)
        job.order[i] = i;
    g_qsort_with_data(job.order, (gint)rs->rules->len, sizeof(guint),
                      by_pattern_length, rs);
    GThread *helpers[FX_MAX_THREADS];
    guint nhelpers = MIN(threads, rs->rules->len);
    nhelpers = nhelpers > 1 ? nhelpers - 1 : 0;
    for (guint t = 0; t < nhelpers; t++)
        helpers[t] = g_thread_new("figex-load", prepare_rules, &job);
    prepare_rules(&job);
    for (guint t = 0; t < nhelpers; t++)
        g_thread_join(helpers[t]);
    /* Examples run after all rules compiled: a failure is then about the
     * example, never a side effect of another broken rule. */
    for (guint i = 0; i < rs->rules->len; i++)
        if (!check_examples(g_ptr_array_index(rs->rules, i), rs, rep))
            ok = false;
    if (ok) {
        build_prefilter(rs, job.trig_of);
    } else {
        for (guint i = 0; i < rs->rules->len; i++)
            if (job.trig_of[i])
                g_array_free(job.trig_of[i], TRUE);
    }
    g_free(job.trig_of);
    g_free(job.order);
    return ok;
}
