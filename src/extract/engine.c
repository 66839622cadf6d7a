/*
 * engine.c: the streaming scanner.
 *
 * The document arrives in chunks of any size.  The engine keeps a window of
 * it, and for each rule the offset where that rule's next search starts:
 *
 *            base                      W                    base+len
 *   window:  |---- kept context ------|------ new text -------|
 *   rule A:                        next[A] (a partial match starts here)
 *   rule B:                                                next[B]
 *
 * Each rule scans on its own, leftmost first, each match starting where
 * the last one ended (as a whole-document scan would).  PCRE2_PARTIAL_HARD
 * tells when a match might still grow with more text; the rule then waits
 * at that offset for the next chunk.  So every rule finds exactly the
 * matches it would find in the whole document, whatever the chunking, as
 * long as no match is longer than FX_MAX_MATCH.
 *
 * Matches are normalised at once and become candidates.  Candidates of one
 * family that overlap form a component; a component is settled once W, the
 * smallest next[] of all rules, has passed its end (no later match can
 * touch it).  Within it, candidates win in this total order:
 *
 *     higher priority, then longer span, then earlier start, then the rule
 *     loaded first
 *
 * and each winner removes the candidates it overlaps.  Winners are emitted
 * in input order (start, end, family, rule) once nothing unsettled starts
 * before them.  Text before the earliest offset anyone still needs (minus
 * room for lookbehinds) is dropped from the window, so memory stays
 * bounded however long the document is.
 *
 * The first FX_SNIFF bytes of a document are held until they show what
 * the text is (sniff()): a UTF-8 byte order mark is dropped, so that the
 * text starts at byte 3 (`origin`) and offsets stay those of the file;
 * UTF-16 and UTF-32, whose letters would come out between NUL bytes and
 * match nothing, are refused with an error rather than scanned as junk.
 */
#include "internal.h"

#include <stdarg.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Most bytes scanned at once; a bigger feed is cut into slices. */
#define FX_SLICE ((size_t)1 << 20)
/* Context kept before every search offset, for lookbehinds and \b
 * (and more than FX_BOUNDARY_LOOKBACK, for sentence boundaries). */
#define FX_CONTEXT 64
/* New text below this is scanned for literals by one thread. */
#define FX_PARALLEL_LITERALS ((uint64_t)256 << 10)
/* A literal scan stops (at the end of a block of FX_HIT_BLOCK bytes) once
 * it holds this many hits, which the rules then take before it goes on:
 * text dense with triggers (all digits) must not fill memory. */
#define FX_MAX_HITS ((size_t)1 << 17)
#define FX_HIT_BLOCK ((uint64_t)4096)
/* A statistic looks this far past its end for the end of its sentence. */
#define FX_SENTENCE_MAX 4096
/* Bytes of a document looked at before its first scan, to tell UTF-16
 * from UTF-8: enough for 32 UTF-16 code units. */
#define FX_SNIFF 64

typedef struct {
    uint64_t start, end; /* absolute, half-open */
    const fx_rule *rule;
    unsigned family;
    char *strs; /* FX_F_COUNT strings, NUL-terminated, back to back */
    guint32 off[FX_F_COUNT];
    GString *why; /* the candidates it beat (--explain only), or NULL */
} cand;

/* A warning found while scanning, given once every rule has scanned, in
 * rule order, so that threads cannot change the order of messages. */
typedef struct {
    guint rule;
    guint seq; /* order among all of the round's warnings */
    uint64_t offset;
    char *msg;
} deferred;

/* A rule's last walk back: from trigger `t` at `q`, it opened a window
 * that ends just before `end`. */
typedef struct {
    const fx_trigger *t;
    uint64_t q, end;
} walk_memo;

/* What the threads do in a round. */
enum { ROUND_RULES, ROUND_TRIGGERS };

/* The emission of a chunk (settle_and_emit()): with threads, the last
 * worker runs it while the next chunk is scanned. */
enum { EMIT_IDLE, EMIT_DUE, EMIT_RUNNING };

/* A trigger found in the text: the literal ends at `end` (absolute). */
typedef struct {
    const fx_trigger *t;
    uint64_t end;
} trigger_hit;

/* A rule's hits: pushed once per hit, so without GArray's calls. */
typedef struct {
    trigger_hit *at;
    size_t len, cap;
} hit_list;

static inline void hits_push(hit_list *l, const fx_trigger *t, uint64_t end)
{
    if (G_UNLIKELY(l->len == l->cap)) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->at = g_renew(trigger_hit, l->at, l->cap);
    }
    l->at[l->len++] = (trigger_hit){t, end};
}

/*
 * What one thread needs to scan rules: PCRE2 match data and context (the
 * offset limit is set per call), scratch fields for normalisers, and the
 * candidates and warnings it found, merged by process().
 */
typedef struct {
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    fx_fields fields;
    GArray *found;    /* of cand */
    GArray *warnings; /* of deferred */
    fx_back_reader *back;
    GArray *starts;   /* of size_t: what fx_back__starts() found */
    /* Its part of the literal scan (find_triggers()): the triggers it
     * found, per rule, and the scanners' states at the end of its part. */
    guint nrules;
    hit_list *hits;   /* per rule */
    size_t nhits;     /* in all of them */
    uint64_t part_lo, part_hi; /* part_hi: where it stopped */
    guint32 end_exact, end_folded;
} scanner;

struct fx_engine {
    const fx_ruleset *rs;
    const fx_sink *sink;
    fx_reporter rep;
    unsigned type_mask;
    bool day_first;
    GDate doc_date;      /* set by the caller, or invalid */
    scanner *scanners;   /* one per thread; [0] is the caller's */
    guint nthreads;      /* >= 1 */
    GThread **threads;   /* nthreads - 1 workers */
    GMutex lock;         /* guards the fields below */
    GCond wake, done;
    guint generation;    /* bumped for each round of scanning */
    guint busy;          /* workers still scanning this round */
    bool quit;
    bool round_final;    /* the round's `final` argument */
    gint next_rule;      /* atomic: next index into `order` */
    guint *order;        /* rules, costliest first */
    fx_fields fields;    /* scratch for emitted rows */
    fx_fields peek;      /* scratch for lookahead rows */
    fx_document *doc;    /* the document stage */
    char *source;
    bool open;
    char *buf;           /* buf[0..len) is the document's [base, base+len) */
    size_t len, cap;
    size_t scan_len;     /* bytes a scan may look at: len less any
                            incomplete UTF-8 character at the end */
    uint64_t base;
    uint64_t origin;     /* where the text starts: 3 after a UTF-8 byte
                            order mark, else 0; origin <= base */
    bool sniffed;        /* the document's first bytes were looked at */
    bool refused;        /* not UTF-8 (sniff()): no byte of it is scanned */
    uint64_t *next;      /* per rule: next search offset, base <= next */
    bool *skip_line;     /* per rule: gave up; resume after the next LF */
    uint64_t *long_next; /* per rule: where a run of starts abandoned as
                            too long (take_result()) goes on */
    guint *long_run;     /* and how many it holds */
    size_t context;      /* bytes kept before the earliest needed offset */
    GArray *pending;     /* of cand: found, not yet settled */
    GArray *ready;       /* of cand: winners not yet emitted */
    uint64_t cur_pos;    /* text cursor: cur_* describe offset cur_pos */
    uint64_t cur_line, cur_col;
    bool cur_cr;                          /* the byte before cur_pos is a CR */
    uint64_t cur_sentence, cur_paragraph; /* boundaries passed so far */
    /* The last look for a sentence's end: no boundary in [sb_lo,
     * sb_hi), and one at sb_hi when sb_found.  Statistics of one
     * sentence, and one waiting for more text, look only once. */
    uint64_t sb_lo, sb_hi;
    bool sb_found;
    /* What the emission of the last chunk scanned goes by: */
    uint64_t emit_w;      /* every rule has scanned up to here */
    uint64_t emit_avail;  /* and the text then known ends here */
    bool emit_final;      /* the document's last bytes were in */
    bool emit_waiting;    /* it has not run yet */
    int emit_state;       /* EMIT_*, under `lock` */
    GArray *emit_warnings; /* of deferred: given once it is done */
    /* A literal scan's parts, taken by whichever thread is free (the
     * last one may be emitting); part p's hits go to scanners[p]. */
    gint next_part;       /* atomic */
    guint parts, parts_done; /* parts_done under `lock` */
    fx_status failed;    /* first sink error, sticky */
    fx_explain_fn explain;
    void *explain_payload;
    fx_rule_stats *stats; /* per rule */
    /* Prefilter (see scan_rule_triggered): */
    bool prefilter;      /* on unless fx_engine_set_prefilter(e, 0) */
    guint32 lit_exact, lit_folded; /* literal scanners' states at lit_pos */
    uint64_t lit_pos;    /* text before this has been scanned for triggers */
    GArray **windows;    /* per rule: fx_window, sorted and disjoint */
    walk_memo *walks;    /* per rule: its last walk back (open_windows()) */
    guint *win_head;     /* per rule: windows before this are used up */
    int round_job;       /* ROUND_* */
    size_t max_hits;     /* FX_MAX_HITS, or less for tests */
    gulong worker_delay; /* tests: microseconds a worker comes late */
    guint stray_parts;   /* parts scanned outside a literal scan: 0, or a
                            bug (under `lock`) */
};

/* Starts [lo, hi] (absolute, inclusive) where a rule's match may begin,
 * from the triggers found in the text. */
typedef struct {
    uint64_t lo, hi;
} fx_window;

static void cand_free(cand *c)
{
    g_free(c->strs);
    c->strs = NULL;
    if (c->why)
        g_string_free(c->why, TRUE);
    c->why = NULL;
}

static bool scanner_init(scanner *sc, uint32_t groups, guint nrules)
{
    sc->nrules = nrules;
    sc->hits = g_new0(hit_list, MAX(nrules, 1));
    sc->md = pcre2_match_data_create(groups, NULL);
    sc->mctx = pcre2_match_context_create(NULL);
    sc->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    if (sc->mctx)
        fx_limits__apply(sc->mctx);
    if (sc->mctx && sc->jit)
        pcre2_jit_stack_assign(sc->mctx, NULL, sc->jit);
    fx_fields__init(&sc->fields);
    sc->found = g_array_new(FALSE, FALSE, sizeof(cand));
    sc->warnings = g_array_new(FALSE, FALSE, sizeof(deferred));
    sc->starts = g_array_new(FALSE, FALSE, sizeof(size_t));
    sc->back = fx_back_reader__new(0);
    return sc->md && sc->mctx;
}

static void scanner_clear(scanner *sc)
{
    pcre2_match_data_free(sc->md);
    pcre2_match_context_free(sc->mctx);
    pcre2_jit_stack_free(sc->jit);
    fx_fields__clear(&sc->fields);
    for (guint i = 0; sc->found && i < sc->found->len; i++)
        cand_free(&g_array_index(sc->found, cand, i));
    if (sc->found)
        g_array_free(sc->found, TRUE);
    for (guint i = 0; sc->warnings && i < sc->warnings->len; i++)
        g_free(g_array_index(sc->warnings, deferred, i).msg);
    if (sc->warnings)
        g_array_free(sc->warnings, TRUE);
    if (sc->starts)
        g_array_free(sc->starts, TRUE);
    fx_back_reader__free(sc->back);
    for (guint i = 0; sc->hits && i < sc->nrules; i++)
        g_free(sc->hits[i].at);
    g_free(sc->hits);
    memset(sc, 0, sizeof *sc);
}

/* Capture groups a match data needs for every rule. */
static uint32_t max_groups(const fx_ruleset *rules)
{
    uint32_t groups = 1;
    for (guint i = 0; i < rules->rules->len; i++) {
        const fx_rule *r = g_ptr_array_index(rules->rules, i);
        uint32_t n = 0;
        pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &n);
        groups = MAX(groups, n + 1);
    }
    return groups;
}

static gpointer init_cursor_class(gpointer unused);

fx_status fx_engine_new(fx_engine **out, const fx_ruleset *rules,
                        const fx_sink *sink, fx_diag_fn diag, void *payload)
{
    *out = NULL;
    if (!rules || !sink || !sink->row)
        return FX_ERR_USAGE;
    fx_engine *e = g_new0(fx_engine, 1);
    e->rs = rules;
    e->sink = sink;
    e->rep.fn = diag;
    e->rep.payload = payload;
    e->type_mask = ~0u;
    g_date_clear(&e->doc_date, 1);
    e->nthreads = 1;
    e->scanners = g_new0(scanner, 1);
    bool ok = scanner_init(&e->scanners[0], max_groups(rules),
                           rules->rules->len);
    g_mutex_init(&e->lock);
    g_cond_init(&e->wake);
    g_cond_init(&e->done);
    e->order = g_new0(guint, MAX(rules->rules->len, 1));
    for (guint i = 0; i < rules->rules->len; i++)
        e->order[i] = i;
    fx_fields__init(&e->fields);
    fx_fields__init(&e->peek);
    e->doc = fx_document__new();
    e->next = g_new0(uint64_t, MAX(rules->rules->len, 1));
    e->skip_line = g_new0(bool, MAX(rules->rules->len, 1));
    e->long_next = g_new0(uint64_t, MAX(rules->rules->len, 1));
    e->long_run = g_new0(guint, MAX(rules->rules->len, 1));
    e->stats = g_new0(fx_rule_stats, MAX(rules->rules->len, 1));
    e->context = rules->lookbehind + FX_CONTEXT;
    static GOnce cursor_once = G_ONCE_INIT;
    g_once(&cursor_once, init_cursor_class, NULL);
    fx_engine_set_prefilter(e, 1);
    e->max_hits = FX_MAX_HITS;
    e->windows = g_new0(GArray *, MAX(rules->rules->len, 1));
    e->win_head = g_new0(guint, MAX(rules->rules->len, 1));
    e->walks = g_new0(walk_memo, MAX(rules->rules->len, 1));
    for (guint i = 0; i < rules->rules->len; i++)
        e->windows[i] = g_array_new(FALSE, FALSE, sizeof(fx_window));
    e->pending = g_array_new(FALSE, FALSE, sizeof(cand));
    e->ready = g_array_new(FALSE, FALSE, sizeof(cand));
    e->emit_warnings = g_array_new(FALSE, FALSE, sizeof(deferred));
    if (!ok) {
        fx_engine_free(e);
        return FX_ERR_NOMEM;
    }
    *out = e;
    return FX_OK;
}

void fx_engine_set_types(fx_engine *eng, unsigned type_mask)
{
    eng->type_mask = type_mask;
}

void fx_engine_set_prefilter(fx_engine *eng, int on)
{
    eng->prefilter =
        on && (eng->rs->literals_exact || eng->rs->literals_folded);
}

void fx_engine__set_max_hits(fx_engine *eng, size_t max_hits)
{
    eng->max_hits = max_hits ? max_hits : FX_MAX_HITS;
}

void fx_engine__set_worker_delay(fx_engine *eng, gulong usec)
{
    eng->worker_delay = usec;
}

guint fx_engine__stray_parts(fx_engine *eng)
{
    g_mutex_lock(&eng->lock);
    guint n = eng->stray_parts;
    g_mutex_unlock(&eng->lock);
    return n;
}

void fx_engine_set_day_first(fx_engine *eng, int day_first)
{
    eng->day_first = day_first != 0;
}

void fx_engine_set_explain(fx_engine *eng, fx_explain_fn fn, void *payload)
{
    eng->explain = fn;
    eng->explain_payload = payload;
}

fx_status fx_engine_rule_stats(const fx_engine *eng, size_t index,
                               fx_rule_stats *out)
{
    if (!eng || !out || index >= eng->rs->rules->len)
        return FX_ERR_USAGE;
    *out = eng->stats[index];
    return FX_OK;
}

fx_status fx_engine_set_doc_date(fx_engine *eng, const char *iso_date)
{
    g_date_clear(&eng->doc_date, 1);
    if (!iso_date)
        return FX_OK;
    int y, m, d;
    char end;
    if (strlen(iso_date) != 10 ||
        sscanf(iso_date, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 ||
        !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return FX_ERR_USAGE;
    g_date_set_dmy(&eng->doc_date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
    return FX_OK;
}

static void drop_all(GArray *a)
{
    for (guint i = 0; i < a->len; i++)
        cand_free(&g_array_index(a, cand, i));
    g_array_set_size(a, 0);
}

static void reset_document(fx_engine *e)
{
    drop_all(e->pending);
    drop_all(e->ready);
    e->len = 0;
    e->base = 0;
    e->origin = 0;
    e->sniffed = false;
    e->refused = false;
    memset(e->next, 0, sizeof(uint64_t) * MAX(e->rs->rules->len, 1));
    memset(e->skip_line, 0, sizeof(bool) * MAX(e->rs->rules->len, 1));
    memset(e->long_run, 0, sizeof(guint) * MAX(e->rs->rules->len, 1));
    e->cur_pos = 0;
    e->cur_line = 1;
    e->cur_col = 1;
    e->cur_cr = false;
    e->cur_sentence = e->cur_paragraph = 0;
    e->sb_lo = UINT64_MAX;
    e->sb_hi = 0;
    e->sb_found = false;
    e->emit_final = false;
    e->emit_waiting = false;
    e->lit_exact = e->lit_folded = 0;
    e->lit_pos = 0;
    for (guint i = 0; e->windows && i < e->rs->rules->len; i++) {
        g_array_set_size(e->windows[i], 0);
        for (guint t = 0; t < e->nthreads; t++)
            e->scanners[t].hits[i].len = 0;
        e->walks[i] = (walk_memo){NULL, 0, 0};
        e->win_head[i] = 0;
    }
    fx_document__begin(e->doc, &e->doc_date);
}

static void stop_workers(fx_engine *e);

void fx_engine_free(fx_engine *e)
{
    if (!e)
        return;
    if (e->pending)
        reset_document(e);
    if (e->pending)
        g_array_free(e->pending, TRUE);
    if (e->ready)
        g_array_free(e->ready, TRUE);
    if (e->emit_warnings) {
        for (guint i = 0; i < e->emit_warnings->len; i++)
            g_free(g_array_index(e->emit_warnings, deferred, i).msg);
        g_array_free(e->emit_warnings, TRUE);
    }
    stop_workers(e);
    for (guint i = 0; e->scanners && i < e->nthreads; i++)
        scanner_clear(&e->scanners[i]);
    g_free(e->scanners);
    g_free(e->order);
    g_mutex_clear(&e->lock);
    g_cond_clear(&e->wake);
    g_cond_clear(&e->done);
    fx_fields__clear(&e->fields);
    fx_fields__clear(&e->peek);
    fx_document__free(e->doc);
    g_free(e->next);
    g_free(e->skip_line);
    g_free(e->long_next);
    g_free(e->long_run);
    g_free(e->stats);
    for (guint i = 0; e->windows && i < e->rs->rules->len; i++)
        g_array_free(e->windows[i], TRUE);
    g_free(e->windows);
    g_free(e->win_head);
    g_free(e->walks);
    g_free(e->buf);
    g_free(e->source);
    g_free(e);
}

static void warn_at(fx_engine *e, uint64_t offset, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void warn_at(fx_engine *e, uint64_t offset, const char *fmt, ...)
{
    e->rep.warnings++;
    if (!e->rep.fn)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fx_diag d = {FX_SEV_WARNING, e->source, 0, 0, offset, msg, NULL, 1};
    e->rep.fn(&d, e->rep.payload);
    g_free(msg);
}

/* ---- candidates ---- */

/* A warning met while scanning rule `rule`, kept for later (see
 * deferred). */
static void defer_warning(scanner *sc, guint rule, uint64_t offset,
                          const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void defer_warning(scanner *sc, guint rule, uint64_t offset,
                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    deferred d = {rule, 0, offset, g_strdup_vprintf(fmt, ap)};
    va_end(ap);
    g_array_append_val(sc->warnings, d);
}

static void add_candidate(fx_engine *e, scanner *sc, const fx_rule *r,
                          PCRE2_SIZE *ov)
{
    fx_match m = {r, e->buf, ov, pcre2_get_ovector_count(sc->md),
                  e->day_first};
    fx_fields *fl = &sc->fields;
    fx_fields__reset(fl);
    if (!fx_normalise__match(&m, e->rs, fl))
        return;
    cand c = {e->base + ov[0], e->base + ov[1], r,
              fx_kind__get(r->type)->family, NULL, {0}, NULL};
    e->stats[r->index].matches++;
    gsize total = 0;
    for (int i = 0; i < FX_F_COUNT; i++)
        total += fl->f[i]->len + 1;
    c.strs = g_malloc(total);
    gsize at = 0;
    for (int i = 0; i < FX_F_COUNT; i++) {
        c.off[i] = (guint32)at;
        memcpy(c.strs + at, fl->f[i]->str, fl->f[i]->len + 1);
        at += fl->f[i]->len + 1;
    }
    g_array_append_val(sc->found, c);
}

/* Offset just past the character at `off` (one byte if it is not UTF-8). */
static size_t next_char(const fx_engine *e, size_t off)
{
    size_t n = off + 1;
    while (n < e->scan_len && ((unsigned char)e->buf[n] & 0xC0) == 0x80 &&
           n - off < 4)
        n++;
    return n;
}


/* What one pcre2_match() result means for the scan of rule `r`. */
typedef enum { STEP_ON, STEP_WAIT, STEP_DONE } step;

/* Starts of one run abandoned as too long before the rest of their line
 * goes too (take_result()). */
#define FX_LONG_RUN 64u

/* Go on after the line that holds `from`, for rule `i`: *off becomes the
 * start of the next line, or the rule waits for it to arrive. */
static step skip_to_next_line(fx_engine *e, guint i, size_t from,
                              size_t *off)
{
    const char *nl = memchr(e->buf + from, '\n', e->scan_len - from);
    if (!nl) {
        e->skip_line[i] = true;
        *off = e->scan_len;
        return STEP_WAIT;
    }
    *off = (size_t)(nl - e->buf) + 1;
    return STEP_ON;
}

/*
 * Act on the result `rc` of trying rule `r` from `*off`: record a match,
 * wait for more text after a partial one, or skip past an error.  `*off`
 * becomes where the next try starts.
 */
static step take_result(fx_engine *e, scanner *sc, guint i, int rc,
                        size_t *off)
{
    const fx_rule *r = g_ptr_array_index(e->rs->rules, i);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
    if (rc >= 0) {
        if (ov[1] <= ov[0] || ov[0] < *off) {
            /* Empty (or \K-reversed) matches make no row. */
            *off = next_char(e, MAX(*off, (size_t)MIN(ov[0], ov[1])));
            return STEP_ON;
        }
        add_candidate(e, sc, r, ov);
        *off = ov[1];
        return STEP_ON;
    }
    if (rc == PCRE2_ERROR_PARTIAL) {
        if (e->scan_len - ov[0] <= FX_MAX_MATCH) {
            *off = ov[0]; /* wait here for more text */
            return STEP_WAIT;
        }
        /* Abandon this start.  But a run of starts, one character after
         * another, each too long (a line of 1 MB of digits) would cost a
         * scan to the end of the text each: after FX_LONG_RUN of them the
         * rest of the line goes too. */
        uint64_t at = e->base + ov[0];
        bool goes_on = e->long_run[i] > 0 && e->long_next[i] == at;
        e->long_run[i] = goes_on ? e->long_run[i] + 1 : 1;
        e->long_next[i] = e->base + next_char(e, ov[0]);
        if (e->long_run[i] < FX_LONG_RUN) {
            defer_warning(sc, i, at,
                          "rule '%s' (%s): a match starting here would be "
                          "longer than %u bytes; skipped",
                          r->id, r->source_ref, FX_MAX_MATCH);
            *off = next_char(e, ov[0]);
            return STEP_ON;
        }
        e->long_run[i] = 0;
        defer_warning(sc, i, at,
                      "rule '%s' (%s): a match starting here would be "
                      "longer than %u bytes, as from each of the %u "
                      "characters before it; skipped to the next line",
                      r->id, r->source_ref, FX_MAX_MATCH, FX_LONG_RUN - 1);
        return skip_to_next_line(e, i, ov[0], off);
    }
    if (rc == PCRE2_ERROR_NOMATCH)
        return STEP_DONE;
    PCRE2_UCHAR msg[160];
    pcre2_get_error_message(rc, msg, sizeof msg);
    /* Skip to the next line: the attempt cannot be repeated. */
    defer_warning(sc, i, e->base + *off,
                  "rule '%s' (%s) gave up (%s); skipped to the next line",
                  r->id, r->source_ref, (const char *)msg);
    return skip_to_next_line(e, i, *off, off);
}

/* ---- the prefilter ---- */

/*
 * Earliest start of a match whose trigger begins at `q` (relative to the
 * window): walk back over bytes in `free` and at most `dmax` others, but
 * not below `floor`, where starts are covered already (the rule's last
 * window) or cannot matter (the window's first byte).
 */
static size_t walk_back(const fx_engine *e, size_t q, size_t floor,
                        guint32 dmax, const fx_byteset *free)
{
    size_t i = q;
    guint32 budget = dmax;
    while (i > floor) {
        unsigned char c = (unsigned char)e->buf[i - 1];
        if (!fx_byteset__has(free, c)) {
            if (budget == 0)
                break;
            budget--;
        }
        i--;
        if (q - i > FX_MAX_MATCH)
            return i; /* a match from further back would be too long for
                         the engine's promise (FX_MAX_MATCH) anyway */
    }
    /* PCRE2 tries whole characters only. */
    while (i > floor && i < e->len &&
           ((unsigned char)e->buf[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* Add starts [lo, hi] to a rule's windows, keeping them sorted and
 * disjoint (their union does not depend on the order they come in).
 * Triggers arrive nearly in order, so the place is found from the end. */
static void add_window(fx_engine *e, guint rule, uint64_t lo, uint64_t hi)
{
    GArray *w = e->windows[rule];
    guint head = e->win_head[rule];
    guint at = w->len; /* insert before `at` */
    while (at > head && g_array_index(w, fx_window, at - 1).lo > lo)
        at--;
    fx_window win = {lo, hi};
    g_array_insert_val(w, at, win);
    /* Merge with the one before, then absorb the ones after. */
    if (at > head) {
        fx_window *prev = &g_array_index(w, fx_window, at - 1);
        if (prev->hi + 1 >= lo) {
            prev->hi = MAX(prev->hi, hi);
            g_array_remove_index(w, at);
            at--;
        }
    }
    fx_window *cur = &g_array_index(w, fx_window, at);
    while (at + 1 < w->len &&
           g_array_index(w, fx_window, at + 1).lo <= cur->hi + 1) {
        cur->hi = MAX(cur->hi, g_array_index(w, fx_window, at + 1).hi);
        g_array_remove_index(w, at + 1);
        cur = &g_array_index(w, fx_window, at);
    }
}

/* Can a match of `t`'s rule go on from its literal ending at `end`? */
static bool goes_on(fx_engine *e, scanner *sc, const fx_trigger *t,
                    uint64_t end)
{
    return !t->after || fx_back__ahead(t->after, e->buf,
                                       (size_t)(end - e->base), e->scan_len,
                                       sc->back);
}

/* Open a window at each start that trigger `t`'s back automaton allows
 * for its literal ending at `end`; false when it gave up.  The cheaper
 * check comes first: most hits have no start, or no way on. */
static bool back_starts(fx_engine *e, scanner *sc, const fx_trigger *t,
                        uint64_t end)
{
    size_t q = (size_t)(end - t->len - e->base);
    if (!fx_back__starts(t->back, e->buf, q, sc->back, sc->starts))
        return false;
    if (sc->starts->len == 0 || !goes_on(e, sc, t, end))
        return true;
    for (guint i = 0; i < sc->starts->len; i++) {
        uint64_t s = e->base + g_array_index(sc->starts, size_t, i);
        add_window(e, t->rule, s, s);
    }
    return true;
}

/* Open the windows of a trigger whose literal ends at `end`. */
static void open_windows(fx_engine *e, scanner *sc, const fx_trigger *t,
                         uint64_t end)
{
    uint64_t q = end - t->len;
    if (q < e->base + t->dmin && !t->behind)
        return; /* the match would start before the text */
    if (q > e->base &&
        fx_byteset__has(&t->barred, (unsigned char)e->buf[q - e->base - 1]))
        return; /* a lookbehind right before the literal fails */
    if (t->back && back_starts(e, sc, t, end))
        return;
    if (!goes_on(e, sc, t, end))
        return;
    if (t->behind) {
        add_window(e, t->rule, q + t->ahead, q + t->ahead);
        return;
    }
    /* A walk from an earlier hit of the same trigger reached at least as
     * far back as this one can (it had no fewer bytes to spare there), so
     * this one may stop where that one's window ends.  Not so after
     * another trigger's window, or a hit further on. */
    walk_memo *m = &e->walks[t->rule];
    size_t floor = 0;
    if (m->t == t && m->q <= q && m->end > e->base && m->end <= q)
        floor = (size_t)(m->end - e->base);
    size_t lo = walk_back(e, (size_t)(q - e->base), floor, t->dmax,
                          &t->free);
    uint64_t hi = q - t->dmin;
    if (e->base + lo <= hi) {
        add_window(e, t->rule, e->base + lo, hi);
        *m = (walk_memo){t, q, hi + 1};
    }
}

/* A trigger found: its windows are opened when its rule scans next, so
 * that the work is shared out between threads with the rules.  The
 * payload is the scanner whose part of the text it is in. */
static void on_trigger(void *payload, const fx_trigger *t, uint64_t end)
{
    scanner *sc = payload;
    hits_push(&sc->hits[t->rule], t, end);
    sc->nhits++;
}

static void ignore_trigger(void *payload, const fx_trigger *t, uint64_t end)
{
    (void)payload;
    (void)t;
    (void)end;
}

/* Find the triggers in [from, to) (absolute), the literal scanners
 * starting from states *exact and *folded, left at the states they end
 * in. */
static void scan_literals(fx_engine *e, void *payload, fx_literal_hit_fn fn,
                          uint64_t from, uint64_t to, guint32 *exact,
                          guint32 *folded)
{
    fx_literals__scan_pair(e->rs->literals_exact, e->rs->literals_folded,
                           exact, folded, e->buf + (size_t)(from - e->base),
                           (size_t)(to - from), from, fn, payload);
}

/* One thread's part of the literal scan.  The first part goes on from
 * where the last call left off; another starts from the scanners' first
 * state FX_TRIGGER_MAX bytes early, which puts them in the state they
 * would be in there (no literal is longer), and ignores what they find
 * before its part. */
static void scan_part(fx_engine *e, scanner *sc)
{
    if (sc == &e->scanners[0]) {
        sc->end_exact = e->lit_exact;
        sc->end_folded = e->lit_folded;
    } else {
        sc->end_exact = sc->end_folded = 0;
        uint64_t warm = sc->part_lo - MIN(sc->part_lo - e->base,
                                          (uint64_t)FX_TRIGGER_MAX);
        scan_literals(e, NULL, ignore_trigger, warm, sc->part_lo,
                      &sc->end_exact, &sc->end_folded);
    }
    sc->nhits = 0;
    for (uint64_t at = sc->part_lo; at < sc->part_hi;) {
        uint64_t to = MIN(at + FX_HIT_BLOCK, sc->part_hi);
        scan_literals(e, sc, on_trigger, at, to, &sc->end_exact,
                      &sc->end_folded);
        at = to;
        if (sc->nhits >= e->max_hits)
            sc->part_hi = at; /* the rest in another round */
    }
}

static void run_round(fx_engine *e, int job, bool final);

/* Find the triggers in the text that arrived since the last call: in
 * parts, one per thread, when there is enough of it (each taken by the
 * first thread free).  Each rule later takes its triggers from the parts
 * in order.  It may stop early (see FX_MAX_HITS): e->lit_pos tells how
 * far it got. */
static void find_triggers(fx_engine *e)
{
    uint64_t end = e->base + e->scan_len;
    if (e->lit_pos < e->base)
        e->lit_pos = e->base; /* text starts after a byte order mark */
    if (!e->prefilter || e->lit_pos >= end)
        return;
    guint parts = end - e->lit_pos >= FX_PARALLEL_LITERALS ? e->nthreads : 1;
    uint64_t size = (end - e->lit_pos) / parts;
    for (guint t = 0; t < parts; t++) {
        scanner *sc = &e->scanners[t];
        sc->part_lo = MIN(e->lit_pos + t * size, end);
        sc->part_hi = t + 1 >= parts ? end : e->lit_pos + (t + 1) * size;
    }
    uint64_t planned[FX_MAX_THREADS];
    for (guint t = 0; t < parts; t++)
        planned[t] = e->scanners[t].part_hi;
    e->parts = parts;
    if (parts > 1) {
        run_round(e, ROUND_TRIGGERS, false);
    } else {
        scan_part(e, &e->scanners[0]);
    }
    /* Up to the first part that stopped early: the later parts' hits
     * are dropped, to be found again from there. */
    guint last = 0;
    while (last + 1 < parts && e->scanners[last].part_hi == planned[last])
        last++;
    for (guint t = last + 1; t < parts; t++)
        for (guint i = 0; i < e->rs->rules->len; i++)
            e->scanners[t].hits[i].len = 0;
    e->lit_exact = e->scanners[last].end_exact;
    e->lit_folded = e->scanners[last].end_folded;
    e->lit_pos = e->scanners[last].part_hi;
}

/*
 * Scan a rule that has triggers: try PCRE2 only at the starts its windows
 * allow, each try bounded by the window's end (the offset limit).  Starts
 * outside every window cannot begin a match (prefilter.c), so the rule
 * finds the same matches as a scan of every start, provided it never
 * skips past a start that a trigger not yet seen could still allow.
 */
static void scan_rule_triggered(fx_engine *e, scanner *sc, guint i,
                                bool final, size_t off, uint32_t opts)
{
    const fx_rule *r = g_ptr_array_index(e->rs->rules, i);
    GArray *w = e->windows[i];
    guint *head = &e->win_head[i];
    /* Starts before `safe` that no window holds cannot begin a match; a
     * trigger still to come (partly in the text scanned for them, or
     * after it) could open a window at `safe` or later. */
    size_t safe = e->scan_len;
    if (!final && r->walk_len > 0) {
        size_t known = (size_t)(MAX(e->lit_pos, e->base) - e->base);
        size_t q = known >= r->walk_len - 1 ? known - (r->walk_len - 1) : 0;
        safe = walk_back(e, q, 0, r->walk_dmax, &r->walk_free);
    }
    for (;;) {
        while (*head < w->len &&
               g_array_index(w, fx_window, *head).hi < e->base + off)
            (*head)++;
        uint64_t lo = *head < w->len ? g_array_index(w, fx_window, *head).lo
                                     : UINT64_MAX;
        if (lo > e->base + MAX(off, safe)) {
            /* Nothing known to try before `safe`: skip to it and wait. */
            off = MAX(off, safe);
            break;
        }
        const fx_window *win = &g_array_index(w, fx_window, *head);
        size_t start = (size_t)(MAX(e->base + off, win->lo) - e->base);
        pcre2_set_offset_limit(sc->mctx, (PCRE2_SIZE)(win->hi - e->base));
        int rc = pcre2_match(r->code, (PCRE2_SPTR)e->buf, e->scan_len,
                             start, opts, sc->md, sc->mctx);
        size_t at = start;
        step st = take_result(e, sc, i, rc, &at);
        if (st == STEP_WAIT) {
            off = at;
            break;
        }
        off = st == STEP_DONE ? MAX(off, (size_t)(win->hi - e->base) + 1)
                              : at;
    }
    pcre2_set_offset_limit(sc->mctx, PCRE2_UNSET);
    /* Drop used windows now and then, not on every call. */
    if (*head > 64 && *head * 2 > w->len) {
        g_array_remove_range(w, 0, *head);
        *head = 0;
    }
    e->next[i] = e->base + off;
}

/* Run rule `i` from its next offset; `final` at the document's end. */
static void scan_rule(fx_engine *e, scanner *sc, guint i, bool final)
{
    const fx_rule *r = g_ptr_array_index(e->rs->rules, i);
    size_t off = (size_t)(e->next[i] - e->base);
    uint32_t opts = (final ? 0 : PCRE2_PARTIAL_HARD) |
                    (e->base > e->origin ? PCRE2_NOTBOL : 0);
    if (e->prefilter && r->triggered) {
        /* The windows of the triggers found since the rule last ran. */
        for (guint t = 0; t < e->nthreads; t++) {
            hit_list *hits = &e->scanners[t].hits[i];
            for (size_t k = 0; k < hits->len; k++)
                open_windows(e, sc, hits->at[k].t, hits->at[k].end);
            hits->len = 0;
        }
    }
    if (e->skip_line[i]) {
        /* The line may end in a later chunk: keep skipping until it does,
         * so that the outcome does not depend on the chunking. */
        const char *nl = memchr(e->buf + off, '\n', e->scan_len - off);
        if (!nl) {
            e->next[i] = e->base + e->scan_len;
            return;
        }
        off = (size_t)(nl - e->buf) + 1;
        e->skip_line[i] = false;
    }
    if (e->prefilter && r->triggered) {
        scan_rule_triggered(e, sc, i, final, off, opts);
        return;
    }
    while (off < e->scan_len) {
        int rc = pcre2_match(r->code, (PCRE2_SPTR)e->buf, e->scan_len, off,
                             opts, sc->md, sc->mctx);
        step st = take_result(e, sc, i, rc, &off);
        if (st == STEP_DONE)
            off = e->scan_len;
        if (st != STEP_ON)
            break;
    }
    e->next[i] = e->base + off;
}

/* ---- settling overlaps ---- */

/* The last tie-break of every order: the rule loaded first. */
static gint by_rule(const cand *x, const cand *y)
{
    return x->rule->index < y->rule->index   ? -1
           : x->rule->index > y->rule->index ? 1
                                             : 0;
}

static gint by_family_start(gconstpointer a, gconstpointer b)
{
    const cand *x = a, *y = b;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return by_rule(x, y);
}

/* The overlap order (see the top of this file). */
static gint by_rank(gconstpointer a, gconstpointer b)
{
    const cand *x = a, *y = b;
    if (x->rule->priority != y->rule->priority)
        return x->rule->priority > y->rule->priority ? -1 : 1;
    uint64_t lx = x->end - x->start, ly = y->end - y->start;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return by_rule(x, y);
}

static gint by_output_order(gconstpointer a, gconstpointer b)
{
    const cand *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return by_rule(x, y);
}

/* Why `w` ranks above `l` in the overlap order. */
static const char *rank_reason(const cand *w, const cand *l)
{
    if (w->rule->priority != l->rule->priority)
        return "higher priority";
    if (w->end - w->start != l->end - l->start)
        return "longer match";
    if (w->start != l->start)
        return "starts first";
    return "rule loaded first";
}

/* Note on winner `w` that it beat `l` (--explain). */
static void note_loser(cand *w, const cand *l)
{
    if (!w->why)
        w->why = g_string_new(NULL);
    g_string_append_printf(
        w->why, "beat %s (%s, priority %d) at bytes %" G_GUINT64_FORMAT
        "-%" G_GUINT64_FORMAT " \"%s\": %s (%d against %d, %" G_GUINT64_FORMAT
        " bytes against %" G_GUINT64_FORMAT ")\n",
        l->rule->id, l->rule->source_ref, l->rule->priority, l->start, l->end,
        l->strs + l->off[FX_F_TEXT], rank_reason(w, l), w->rule->priority,
        l->rule->priority, w->end - w->start, l->end - l->start);
}

/* Pick the winners of one component; losers and ignore rows are freed. */
static void settle(fx_engine *e, cand *comp, guint n)
{
    qsort(comp, n, sizeof(cand), by_rank);
    guint won = 0;
    for (guint i = 0; i < n; i++) {
        guint clash = won;
        for (guint j = 0; j < won && clash == won; j++)
            if (comp[i].start < comp[j].end && comp[j].start < comp[i].end)
                clash = j;
        if (clash < won) {
            if (e->explain)
                note_loser(&comp[clash], &comp[i]);
            cand_free(&comp[i]);
            continue;
        }
        if (won != i) {
            cand t = comp[won];
            comp[won] = comp[i];
            comp[i] = t;
        }
        won++;
    }
    for (guint i = 0; i < won; i++) {
        if (comp[i].rule->type == FX_TYPE_IGNORE)
            cand_free(&comp[i]);
        else
            g_array_append_val(e->ready, comp[i]);
    }
}

/* Settle every component that ends at or before `w`.  Returns the
 * smallest start among candidates left pending (UINT64_MAX if none). */
static uint64_t settle_upto(fx_engine *e, uint64_t w)
{
    GArray *p = e->pending;
    g_array_sort(p, by_family_start);
    GArray *keep = g_array_new(FALSE, FALSE, sizeof(cand));
    uint64_t min_start = UINT64_MAX;
    guint i = 0;
    while (i < p->len) {
        cand *c = &g_array_index(p, cand, i);
        uint64_t end = c->end;
        guint j = i + 1;
        while (j < p->len) {
            cand *d = &g_array_index(p, cand, j);
            if (d->family != c->family || d->start >= end)
                break;
            end = MAX(end, d->end);
            j++;
        }
        /* A chain of overlaps this long means a runaway rule: settle it
         * now rather than hold memory without bound. */
        bool runaway = end - c->start > 8ull * FX_MAX_MATCH;
        if (runaway && end > w) {
            deferred d = {0, 0, c->start,
                          g_strdup_printf("overlapping matches run on for "
                                          "more than %u bytes; settled early",
                                          8u * FX_MAX_MATCH)};
            g_array_append_val(e->emit_warnings, d);
        }
        if (end <= w || runaway) {
            settle(e, c, j - i);
        } else {
            g_array_append_vals(keep, c, j - i);
            min_start = MIN(min_start, c->start);
        }
        i = j;
    }
    g_array_set_size(p, 0);
    g_array_append_vals(p, keep->data, keep->len);
    g_array_free(keep, TRUE);
    return min_start;
}

/* ---- emitting ---- */

/* fx_sentence__boundary() with its most common answer decided inline: a
 * boundary needs whitespace after a line break, a mark or a closer. */
static fx_boundary boundary_at(const char *buf, size_t i)
{
    unsigned char c = (unsigned char)buf[i];
    if (c > ' ')
        return FX_BOUNDARY_NONE;
    unsigned char p = i > 0 ? (unsigned char)buf[i - 1] : 0;
    if (c != '\n' && !fx_sentence__mark(p) && !fx_sentence__closer(p))
        return FX_BOUNDARY_NONE;
    return fx_sentence__boundary(buf, i, 0);
}

/* What the cursor needs to know of a byte, from one table load
 * (cursor_class[]): most bytes only move the column. */
enum {
    CUR_START = 1, /* starts a character (not a UTF-8 continuation) */
    CUR_BLANK = 2, /* a blank or a control: may end a sentence */
    CUR_LF = 4,
    CUR_CR = 8,
    CUR_AFTER = 16 /* a sentence mark or closer: a blank after it may end
                      a sentence */
};

static guint8 cursor_class[256];

static gpointer init_cursor_class(gpointer unused)
{
    (void)unused;
    for (unsigned c = 0; c < 256; c++) {
        guint8 k = (c & 0xC0) != 0x80 ? CUR_START : 0;
        if (c <= ' ')
            k |= CUR_BLANK;
        if (fx_sentence__mark((unsigned char)c) ||
            fx_sentence__closer((unsigned char)c))
            k |= CUR_AFTER;
        k |= c == '\n' ? CUR_LF : c == '\r' ? CUR_CR : 0;
        cursor_class[c] = k;
    }
    return NULL;
}

/* What the cursor does at byte i of class k, the byte before being of
 * class prev, besides counting the byte's character: end a line, count a
 * sentence. */
static inline void cursor_event(fx_engine *e, size_t i, guint8 k,
                                guint8 prev, uint64_t *line, uint64_t *col,
                                uint64_t *sentence, uint64_t *paragraph)
{
    if (k & (CUR_LF | CUR_CR)) {
        /* LF, CRLF and a lone CR (old Mac files) each end a line. */
        *line += (k & CUR_CR) || !(prev & CUR_CR);
        *col = 1;
    }
    /* A blank may end a sentence after a line feed, a mark or a closer. */
    if ((k & CUR_BLANK) && ((k & CUR_LF) || (prev & CUR_AFTER))) {
        fx_boundary b = fx_sentence__boundary(e->buf, i, 0);
        *sentence += b != FX_BOUNDARY_NONE;
        *paragraph += b == FX_BOUNDARY_PARAGRAPH;
    }
}

#ifdef __SSE2__
/* Bit j of each tells of byte p[j], for 64 bytes. */
typedef struct {
    uint64_t cont;  /* a UTF-8 continuation byte: no new character */
    uint64_t eol;   /* LF or CR */
    uint64_t blank; /* a space or a control byte */
    uint64_t after; /* a sentence mark or closer */
} cursor_masks;

static inline uint64_t bits16(__m128i m, int at)
{
    return (uint64_t)(unsigned)_mm_movemask_epi8(m) << at;
}

static inline cursor_masks cursor_masks_at(const unsigned char *p)
{
    cursor_masks m = {0, 0, 0, 0};
    for (int at = 0; at < 64; at += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + at));
#define FX_IS(c) _mm_cmpeq_epi8(v, _mm_set1_epi8(c))
        m.cont |= bits16(_mm_cmplt_epi8(v, _mm_set1_epi8(-64)), at);
        m.eol |= bits16(_mm_or_si128(FX_IS('\n'), FX_IS('\r')), at);
        m.blank |= bits16(
            _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(' ')), v), at);
        __m128i marks = _mm_or_si128(_mm_or_si128(FX_IS('.'), FX_IS('!')),
                                     FX_IS('?'));
        __m128i closers = _mm_or_si128(_mm_or_si128(FX_IS('"'), FX_IS('\'')),
                                       _mm_or_si128(FX_IS(')'), FX_IS(']')));
        m.after |= bits16(_mm_or_si128(marks, closers), at);
#undef FX_IS
    }
    return m;
}

/* The bits below bit n (n <= 64). */
static inline uint64_t low_bits(unsigned n)
{
    return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
}
#endif

/*
 * Move the cursor (line, column, sentence and paragraph counts) to `to`.
 * Most bytes only move the column: with SSE2, 64 bytes at a time give
 * masks of the few that do more (line ends, blanks after a sentence mark
 * or closer), and the characters between them are counted by popcount.
 */
static void advance_cursor(fx_engine *e, uint64_t to)
{
    if (to <= e->cur_pos)
        return;
    const unsigned char *buf = (const unsigned char *)e->buf;
    size_t i = (size_t)(e->cur_pos - e->base);
    size_t end = (size_t)(to - e->base);
    /* In locals: stores through e-> could alias the text's bytes. */
    uint64_t line = e->cur_line, col = e->cur_col;
    uint64_t sentence = e->cur_sentence, paragraph = e->cur_paragraph;
    guint8 prev = i > 0 ? cursor_class[buf[i - 1]] : 0;
    prev = (guint8)((prev & ~CUR_CR) | (e->cur_cr ? CUR_CR : 0));
#ifdef __SSE2__
    for (; i + 64 <= end; i += 64) {
        cursor_masks m = cursor_masks_at(buf + i);
        uint64_t events =
            m.eol | (m.blank & (m.after << 1 | ((prev & CUR_AFTER) != 0)));
        uint64_t starts = ~m.cont;
        while (events) {
            unsigned j = (unsigned)__builtin_ctzll(events);
            col += (uint64_t)__builtin_popcountll(starts & low_bits(j + 1));
            starts &= ~low_bits(j + 1);
            guint8 before = j > 0 ? cursor_class[buf[i + j - 1]] : prev;
            cursor_event(e, i + j, cursor_class[buf[i + j]], before, &line,
                         &col, &sentence, &paragraph);
            events &= events - 1;
        }
        col += (uint64_t)__builtin_popcountll(starts);
        prev = cursor_class[buf[i + 63]];
    }
#endif
    for (; i < end; i++) {
        guint8 k = cursor_class[buf[i]];
        col += k & CUR_START;
        /* The bytes the masks above mark as events: a line end, or a
         * blank after a sentence mark or closer. */
        if (G_UNLIKELY((k & (CUR_LF | CUR_CR)) ||
                       ((k & CUR_BLANK) && (prev & CUR_AFTER))))
            cursor_event(e, i, k, prev, &line, &col, &sentence, &paragraph);
        prev = k;
    }
    e->cur_line = line;
    e->cur_col = col;
    e->cur_sentence = sentence;
    e->cur_paragraph = paragraph;
    e->cur_cr = prev & CUR_CR;
    e->cur_pos = to;
}

/* Copy a candidate's strings into `fl`. */
static void unpack(fx_fields *fl, const cand *c)
{
    for (int i = 0; i < FX_F_COUNT; i++)
        g_string_assign(fl->f[i], c->strs + c->off[i]);
}

/*
 * Where the sentence of the statistic `c` ends: the first boundary after
 * it, or FX_SENTENCE_MAX bytes on, or the end of the text.  UINT64_MAX
 * while the text that decides it has not arrived.  The search goes on
 * from where the last one left off when it started in the stretch that
 * one covered (sb_lo...).
 */
static uint64_t sentence_end(fx_engine *e, const cand *c)
{
    uint64_t limit = c->end + FX_SENTENCE_MAX;
    uint64_t at = c->end;
    if (e->sb_lo <= at && at <= e->sb_hi) {
        if (e->sb_found)
            return MIN(e->sb_hi, limit);
        at = e->sb_hi;
    } else {
        e->sb_lo = at;
    }
    for (uint64_t stop = MIN(limit, e->emit_avail); at < stop; at++)
        if (boundary_at(e->buf, (size_t)(at - e->base))) {
            e->sb_hi = at;
            e->sb_found = true;
            return at;
        }
    e->sb_hi = at;
    e->sb_found = false;
    if (limit <= at)
        return limit;
    if (e->emit_final)
        return e->emit_avail;
    return UINT64_MAX;
}

static void emit(fx_engine *e, const cand *c)
{
    if (e->failed || !(e->type_mask & (1u << c->rule->type)))
        return;
    const char *f[FX_F_COUNT];
    for (int i = 0; i < FX_F_COUNT; i++)
        f[i] = e->fields.f[i]->str;
    fx_row row = {
        .source = e->source,
        .start_byte = c->start,
        .end_byte = c->end,
        .line = e->cur_line,
        .column = e->cur_col,
        .type = c->rule->type,
        .text = f[FX_F_TEXT],
        .value = f[FX_F_VALUE],
        .low = f[FX_F_LOW],
        .high = f[FX_F_HIGH],
        .unit = f[FX_F_UNIT],
        .qualifier = f[FX_F_QUALIFIER],
        .precision = f[FX_F_PRECISION],
        .acronym = f[FX_F_ACRONYM],
        .title = f[FX_F_TITLE],
        .as_of = f[FX_F_AS_OF],
        .agency = f[FX_F_AGENCY],
        .rule = c->rule->id,
        .rule_source = c->rule->source_ref,
    };
    fx_status st = e->sink->row(e->sink->payload, &row);
    if (st != FX_OK)
        e->failed = st;
    e->stats[c->rule->index].rows++;
    if (e->explain && st == FX_OK)
        e->explain(&row, c->why ? c->why->str : "", e->explain_payload);
}

/*
 * Pass ready rows that start before `bound` through the document stage
 * and emit them, in output order.  A statistic first waits until its
 * sentence is complete and every row in it is ready.
 */
static void emit_before(fx_engine *e, uint64_t bound)
{
    GArray *r = e->ready;
    g_array_sort(r, by_output_order);
    guint n = 0;
    for (; n < r->len; n++) {
        cand *c = &g_array_index(r, cand, n);
        if (c->start >= bound)
            break;
        bool statistic = c->rule->type == FX_TYPE_STATISTIC;
        uint64_t send = statistic ? sentence_end(e, c) : 0;
        if (statistic && (send == UINT64_MAX || send > bound))
            break;
        advance_cursor(e, c->start);
        fx_doc_place at = {c->rule->type, e->cur_line, e->cur_sentence,
                           e->cur_paragraph};
        if (statistic) {
            for (guint k = n + 1; k < r->len; k++) {
                const cand *d = &g_array_index(r, cand, k);
                if (d->start >= send || fx_document__lookahead_done(e->doc))
                    break;
                if (!fx_document__lookahead_wants(e->doc, d->rule->type))
                    continue; /* it could change nothing */
                fx_doc_place dat = at;
                dat.type = d->rule->type;
                unpack(&e->peek, d);
                uint64_t gap = d->start > c->end ? d->start - c->end : 0;
                if (fx_document__resolve(e->doc, &dat, &e->peek))
                    fx_document__lookahead(
                        e->doc, dat.type, &e->peek,
                        gap <= FX_LINK_GAP ? e->buf + (c->end - e->base)
                                           : NULL,
                        (size_t)gap);
            }
        }
        unpack(&e->fields, c);
        if (fx_document__resolve(e->doc, &at, &e->fields)) {
            if (statistic)
                fx_document__link(e->doc, &at, &e->fields);
            emit(e, c);
            fx_document__record(e->doc, &at, &e->fields);
        }
        cand_free(c);
    }
    g_array_remove_range(r, 0, n);
}

/* Length of buf without a trailing UTF-8 character whose last bytes have
 * not arrived yet: PCRE2 would take its first bytes for invalid UTF-8 and
 * match differently than when the character is whole. */
static size_t complete_len(const char *buf, size_t len)
{
    for (size_t k = 1; k <= 3 && k <= len; k++) {
        unsigned char c = (unsigned char)buf[len - k];
        if ((c & 0xC0) == 0x80)
            continue;
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return need > k ? len - k : len;
    }
    return len;
}

/* ---- scanning in threads ---- */

/*
 * Rules scan independently of each other (each has its own next offset
 * and windows), so a round of scanning hands them out to threads: each
 * takes the next rule from a shared counter, costliest rules first.  What
 * they find is merged afterwards, and settling sorts it, so the rows do
 * not depend on which thread scanned what.  Warnings wait in each
 * scanner and are given in rule order.
 */
static void scan_queue(fx_engine *e, scanner *sc, bool final)
{
    guint n = e->rs->rules->len;
    for (;;) {
        guint k = (guint)g_atomic_int_add(&e->next_rule, 1);
        if (k >= n)
            break;
        guint i = e->order[k];
        gint64 t0 = g_get_monotonic_time();
        scan_rule(e, sc, i, final);
        e->stats[i].seconds += (double)(g_get_monotonic_time() - t0) / 1e6;
    }
}

/* Parts of the literal scan, while some are left. */
static void scan_parts(fx_engine *e)
{
    for (;;) {
        guint p = (guint)g_atomic_int_add(&e->next_part, 1);
        if (p >= e->parts)
            break;
        scan_part(e, &e->scanners[p]);
        g_mutex_lock(&e->lock);
        if (e->round_job != ROUND_TRIGGERS)
            e->stray_parts++;
        if (++e->parts_done == e->parts)
            g_cond_broadcast(&e->done);
        g_mutex_unlock(&e->lock);
    }
}

/* A thread's share of a round: parts of the literal scan, or rules from
 * the queue. */
static void do_round(fx_engine *e, scanner *sc, int job, bool final)
{
    if (job == ROUND_TRIGGERS)
        scan_parts(e);
    else
        scan_queue(e, sc, final);
}

typedef struct {
    fx_engine *e;
    scanner *sc;
    guint seen; /* the round before the worker's first: read at creation,
                   since a round may start before the thread runs */
} worker_arg;

static void settle_and_emit(fx_engine *e);

static gpointer worker_main(gpointer data)
{
    worker_arg *arg = data;
    fx_engine *e = arg->e;
    guint seen = arg->seen;
    bool emitter = arg->sc == &e->scanners[e->nthreads - 1];
    g_mutex_lock(&e->lock);
    for (;;) {
        while (!e->quit && e->generation == seen &&
               !(emitter && e->emit_state == EMIT_DUE))
            g_cond_wait(&e->wake, &e->lock);
        if (e->quit)
            break;
        if (emitter && e->emit_state == EMIT_DUE) {
            /* The last chunk's emission comes before this one's scan. */
            e->emit_state = EMIT_RUNNING;
            g_mutex_unlock(&e->lock);
            settle_and_emit(e);
            g_mutex_lock(&e->lock);
            e->emit_state = EMIT_IDLE;
            g_cond_broadcast(&e->done);
            continue;
        }
        seen = e->generation;
        int job = e->round_job;
        bool final = e->round_final;
        g_mutex_unlock(&e->lock);
        if (G_UNLIKELY(e->worker_delay))
            g_usleep(e->worker_delay);
        do_round(e, arg->sc, job, final);
        g_mutex_lock(&e->lock);
        /* A literal scan ends with its last part, whoever scans it. */
        if (job == ROUND_RULES && --e->busy == 0)
            g_cond_broadcast(&e->done);
    }
    g_mutex_unlock(&e->lock);
    g_free(arg);
    return NULL;
}

static void stop_workers(fx_engine *e)
{
    if (!e->threads)
        return;
    g_mutex_lock(&e->lock);
    e->quit = true;
    g_cond_broadcast(&e->wake);
    g_mutex_unlock(&e->lock);
    for (guint i = 0; i + 1 < e->nthreads; i++)
        if (e->threads[i])
            g_thread_join(e->threads[i]);
    g_free(e->threads);
    e->threads = NULL;
    e->quit = false;
}

fx_status fx_engine_set_threads(fx_engine *e, unsigned threads)
{
    if (!e || threads == 0 || threads > FX_MAX_THREADS || e->open)
        return FX_ERR_USAGE;
    stop_workers(e);
    for (guint i = 1; i < e->nthreads; i++)
        scanner_clear(&e->scanners[i]);
    e->scanners = g_renew(scanner, e->scanners, threads);
    uint32_t groups = max_groups(e->rs);
    fx_status st = FX_OK;
    guint made = 1;
    for (; made < threads; made++) {
        memset(&e->scanners[made], 0, sizeof(scanner));
        if (!scanner_init(&e->scanners[made], groups, e->rs->rules->len)) {
            scanner_clear(&e->scanners[made]);
            st = FX_ERR_NOMEM;
            break;
        }
    }
    e->nthreads = made;
    if (made > 1) {
        e->threads = g_new0(GThread *, made - 1);
        for (guint i = 0; i + 1 < made; i++) {
            worker_arg *arg = g_new(worker_arg, 1);
            *arg = (worker_arg){e, &e->scanners[i + 1], e->generation};
            e->threads[i] = g_thread_new("figex-scan", worker_main, arg);
        }
    }
    return st;
}

static gint by_cost(gconstpointer a, gconstpointer b, gpointer data)
{
    const fx_rule_stats *st = data;
    guint x = *(const guint *)a, y = *(const guint *)b;
    if (st[x].seconds != st[y].seconds)
        return st[x].seconds > st[y].seconds ? -1 : 1;
    return x < y ? -1 : x > y;
}

static gint by_rule_then_seq(gconstpointer a, gconstpointer b)
{
    const deferred *x = a, *y = b;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Give the round's warnings, in rule order.  A rule's warnings all come
 * from one scanner, in order: numbered as they are gathered, sorting by
 * rule keeps that order. */
static void give_warnings(fx_engine *e)
{
    GArray *warnings = g_array_new(FALSE, FALSE, sizeof(deferred));
    for (guint t = 0; t < e->nthreads; t++) {
        scanner *sc = &e->scanners[t];
        g_array_append_vals(warnings, sc->warnings->data, sc->warnings->len);
        g_array_set_size(sc->warnings, 0);
    }
    deferred *w = (deferred *)(void *)warnings->data;
    for (guint i = 0; i < warnings->len; i++)
        w[i].seq = i;
    g_array_sort(warnings, by_rule_then_seq);
    w = (deferred *)(void *)warnings->data;
    for (guint i = 0; i < warnings->len; i++) {
        warn_at(e, w[i].offset, "%s", w[i].msg);
        g_free(w[i].msg);
    }
    g_array_free(warnings, TRUE);
}

/* Run a round of `job` on every thread, this one included, and wait for
 * all of them (for a literal scan, for all its parts: the last thread
 * may join late, after an emission, or not at all). */
static void run_round(fx_engine *e, int job, bool final)
{
    if (e->nthreads > 1) {
        g_mutex_lock(&e->lock);
        e->round_job = job;
        e->round_final = final;
        e->busy = e->nthreads - 1;
        e->parts_done = 0;
        /* Parts go out only in a literal scan.  A worker may still be on
         * its way into the last one, which the others have finished: in
         * a round of rules it must find no part left, or it would push
         * hits into the lists the rules are reading. */
        g_atomic_int_set(&e->next_part,
                         job == ROUND_TRIGGERS ? 0 : FX_MAX_THREADS);
        e->generation++;
        g_cond_broadcast(&e->wake);
        g_mutex_unlock(&e->lock);
    }
    do_round(e, &e->scanners[0], job, final);
    if (e->nthreads > 1) {
        g_mutex_lock(&e->lock);
        while (job == ROUND_TRIGGERS ? e->parts_done < e->parts : e->busy)
            g_cond_wait(&e->done, &e->lock);
        g_mutex_unlock(&e->lock);
    }
}

/* ---- emission ---- */

/* Settle what every rule has passed, emit the rows that are ready and
 * move the cursor on: the part of a chunk's work that is in text order.
 * It goes by emit_w, emit_avail and emit_final, set when the chunk was
 * scanned, and touches nothing that scanning does, so that it can run
 * while the next chunk is scanned. */
static void settle_and_emit(fx_engine *e)
{
    uint64_t w = e->emit_w;
    uint64_t pending_start = settle_upto(e, w);
    uint64_t bound = MIN(w, pending_start);
    emit_before(e, bound);
    if (e->emit_final)
        return;
    uint64_t need = bound;
    if (e->ready->len)
        need = MIN(need, g_array_index(e->ready, cand, 0).start);
    advance_cursor(e, MIN(need, e->emit_avail));
}

/* Hand the waiting emission to the last thread. */
static void start_emission(fx_engine *e)
{
    if (!e->emit_waiting || e->nthreads == 1)
        return;
    e->emit_waiting = false;
    g_mutex_lock(&e->lock);
    e->emit_state = EMIT_DUE;
    g_cond_broadcast(&e->wake);
    g_mutex_unlock(&e->lock);
}

/* Wait for the emission (running it here when no thread has), then give
 * its warnings. */
static void finish_emission(fx_engine *e)
{
    if (e->emit_waiting) {
        e->emit_waiting = false;
        settle_and_emit(e);
    }
    if (e->nthreads > 1) {
        g_mutex_lock(&e->lock);
        while (e->emit_state != EMIT_IDLE)
            g_cond_wait(&e->done, &e->lock);
        g_mutex_unlock(&e->lock);
    }
    deferred *w = (deferred *)(void *)e->emit_warnings->data;
    for (guint i = 0; i < e->emit_warnings->len; i++) {
        warn_at(e, w[i].offset, "%s", w[i].msg);
        g_free(w[i].msg);
    }
    g_array_set_size(e->emit_warnings, 0);
}

/* One round: every rule scans what the window holds.  The emission of
 * the chunk before ends first: it settles the candidates found so far,
 * and its warnings come before the round's. */
static void scan_all(fx_engine *e, bool final)
{
    guint n = e->rs->rules->len;
    if (e->nthreads > 1)
        g_qsort_with_data(e->order, (gint)n, sizeof(guint), by_cost,
                          e->stats);
    g_atomic_int_set(&e->next_rule, 0);
    run_round(e, ROUND_RULES, final);
    finish_emission(e);
    guint nwarn = 0;
    for (guint t = 0; t < e->nthreads; t++) {
        scanner *sc = &e->scanners[t];
        g_array_append_vals(e->pending, sc->found->data, sc->found->len);
        g_array_set_size(sc->found, 0);
        nwarn += sc->warnings->len;
    }
    if (nwarn)
        give_warnings(e);
}

/*
 * Scan what the window holds, settle, emit, and drop what no one needs.
 * With threads, the emission of a chunk waits for the next call, where
 * the last thread runs it while the others start on the new text.
 */
static void process(fx_engine *e, bool final)
{
    guint nrules = e->rs->rules->len;
    e->scan_len = final ? e->len : complete_len(e->buf, e->len);
    start_emission(e);
    /* Until every trigger of the text is found: more than one round only
     * when the text is dense with them (FX_MAX_HITS). */
    bool all_found;
    do {
        find_triggers(e);
        all_found = !e->prefilter || e->lit_pos >= e->base + e->scan_len;
        scan_all(e, final && all_found);
    } while (!all_found);
    uint64_t w = UINT64_MAX;
    for (guint i = 0; i < nrules; i++)
        w = MIN(w, e->next[i]);
    if (final)
        w = UINT64_MAX;
    e->emit_w = w;
    e->emit_avail = e->base + e->scan_len;
    e->emit_final = final;
    e->emit_waiting = true;
    if (final || e->nthreads == 1)
        finish_emission(e);
    if (final)
        return;
    /* Keep context before the earliest offset still needed: by the
     * rules, and by the emission (from its cursor on). */
    uint64_t need = MIN(w, e->cur_pos);
    uint64_t keep = need > e->base + e->context ? need - e->context : e->base;
    size_t drop = (size_t)(keep - e->base);
    /* Move only when it frees a good part of the window: a memmove per
     * tiny feed would make small chunks quadratic. */
    if (drop > 0 && drop >= e->len / 2) {
        memmove(e->buf, e->buf + drop, e->len - drop);
        e->len -= drop;
        e->base = keep;
    }
}

/* ---- the start of a document ---- */

/* UTF-16 without a byte order mark, as English text is: one byte of each
 * pair NUL and the other not, in at least 3 pairs out of 4. */
static const char *utf16_by_nuls(const unsigned char *b, size_t n)
{
    size_t pairs = MIN(n, (size_t)FX_SNIFF) / 2, le = 0, be = 0;
    if (pairs < 4)
        return NULL;
    for (size_t i = 0; i < pairs; i++) {
        le += b[2 * i] != 0 && b[2 * i + 1] == 0;
        be += b[2 * i] == 0 && b[2 * i + 1] != 0;
    }
    if (4 * le >= 3 * pairs)
        return "UTF-16 (little-endian, no byte order mark: every other "
               "byte is NUL)";
    if (4 * be >= 3 * pairs)
        return "UTF-16 (big-endian, no byte order mark: every other byte "
               "is NUL)";
    return NULL;
}

/*
 * Look at the first bytes of the document, once FX_SNIFF of them (or all
 * of a shorter one) are in the window: drop a UTF-8 byte order mark, or
 * refuse the document when it is UTF-16 or UTF-32.  Returns false when
 * it is refused; its bytes are then dropped and it makes no row.
 */
static bool sniff(fx_engine *e)
{
    static const struct {
        const char *mark;
        size_t len;
        const char *what;
    } marks[] = {
        /* UTF-32 first: its little-endian mark starts as UTF-16's does. */
        {"\xFF\xFE\0\0", 4,
         "UTF-32 (little-endian, byte order mark FF FE 00 00)"},
        {"\0\0\xFE\xFF", 4, "UTF-32 (big-endian, byte order mark 00 00 FE FF)"},
        {"\xFF\xFE", 2, "UTF-16 (little-endian, byte order mark FF FE)"},
        {"\xFE\xFF", 2, "UTF-16 (big-endian, byte order mark FE FF)"},
    };
    const unsigned char *b = (const unsigned char *)e->buf;
    const char *what = NULL;
    e->sniffed = true;
    for (size_t i = 0; i < G_N_ELEMENTS(marks) && !what; i++)
        if (e->len >= marks[i].len &&
            memcmp(b, marks[i].mark, marks[i].len) == 0)
            what = marks[i].what;
    if (!what)
        what = utf16_by_nuls(b, e->len);
    if (what) {
        char *msg = g_strdup_printf(
            "the text is %s, not UTF-8; not scanned (convert it first, "
            "e.g. iconv -f %.6s -t UTF-8)",
            what, what);
        fx_diag d = {FX_SEV_ERROR, e->source, 0, 0, 0, msg, NULL, 1};
        if (e->rep.fn)
            e->rep.fn(&d, e->rep.payload);
        g_free(msg);
        e->refused = true;
        e->len = 0;
        return false;
    }
    if (e->len >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) {
        /* Not text: the window starts after it, offsets stay the file's. */
        memmove(e->buf, e->buf + 3, e->len - 3);
        e->len -= 3;
        e->base = e->origin = e->cur_pos = 3;
        for (guint i = 0; i < e->rs->rules->len; i++)
            e->next[i] = 3;
    }
    /* Rules that may match at the text's start (\A) have no literal
     * there to open their window. */
    for (guint i = 0; e->windows && i < e->rs->rules->len; i++) {
        const fx_rule *r = g_ptr_array_index(e->rs->rules, i);
        if (r->at_start)
            add_window(e, i, e->origin + r->start_lo,
                       e->origin + r->start_hi);
    }
    return true;
}

/* ---- public calls ---- */

fx_status fx_engine_begin(fx_engine *e, const char *source)
{
    if (!e)
        return FX_ERR_USAGE;
    fx_status st = FX_OK;
    if (e->open)
        st = fx_engine_finish(e);
    if (st == FX_ERR_INPUT)
        st = FX_OK; /* the last document was refused, and said so */
    g_free(e->source);
    e->source = g_strdup(source ? source : "-");
    reset_document(e);
    e->open = true;
    return st;
}

fx_status fx_engine_feed(fx_engine *e, const void *data, size_t len)
{
    if (!e || (!data && len))
        return FX_ERR_USAGE;
    if (!e->open)
        fx_engine_begin(e, NULL);
    if (e->refused)
        return FX_ERR_INPUT;
    const char *p = data;
    while (len > 0 && !e->failed) {
        size_t take = MIN(len, FX_SLICE);
        if (e->len + take > e->cap) {
            e->cap = MAX(e->len + take, e->cap * 2);
            e->buf = g_realloc(e->buf, e->cap);
        }
        memcpy(e->buf + e->len, p, take);
        e->len += take;
        p += take;
        len -= take;
        if (!e->sniffed && e->len < FX_SNIFF)
            continue; /* too few bytes yet to tell the encoding */
        if (!e->sniffed && !sniff(e))
            return FX_ERR_INPUT;
        process(e, false);
    }
    return e->failed;
}

fx_status fx_engine_finish(fx_engine *e)
{
    if (!e)
        return FX_ERR_USAGE;
    if (!e->open)
        return e->failed;
    bool refused = e->refused || (!e->sniffed && !sniff(e));
    if (!refused)
        process(e, true);
    reset_document(e);
    e->open = false;
    return e->failed ? e->failed : refused ? FX_ERR_INPUT : FX_OK;
}
