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

/* Most bytes scanned at once; a bigger feed is cut into slices. */
#define FX_SLICE ((size_t)1 << 20)
/* Context kept before every search offset, for lookbehinds and \b
 * (and more than FX_BOUNDARY_LOOKBACK, for sentence boundaries). */
#define FX_CONTEXT 64
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

struct fx_engine {
    const fx_ruleset *rs;
    const fx_sink *sink;
    fx_reporter rep;
    unsigned type_mask;
    bool day_first;
    GDate doc_date;      /* set by the caller, or invalid */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    fx_fields fields;    /* scratch for normalisers and emitted rows */
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
    size_t context;      /* bytes kept before the earliest needed offset */
    GArray *pending;     /* of cand: found, not yet settled */
    GArray *ready;       /* of cand: winners not yet emitted */
    uint64_t cur_pos;    /* text cursor: cur_* describe offset cur_pos */
    uint64_t cur_line, cur_col;
    bool cur_cr;                          /* the byte before cur_pos is a CR */
    uint64_t cur_sentence, cur_paragraph; /* boundaries passed so far */
    uint64_t held_start; /* the statistic waiting for its sentence end */
    uint64_t held_scanned; /* and how far that end was looked for */
    bool final;          /* the document's last bytes are in */
    fx_status failed;    /* first sink error, sticky */
    fx_explain_fn explain;
    void *explain_payload;
    fx_rule_stats *stats; /* per rule */
};

static void cand_free(cand *c)
{
    g_free(c->strs);
    c->strs = NULL;
    if (c->why)
        g_string_free(c->why, TRUE);
    c->why = NULL;
}

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
    uint32_t groups = 1;
    for (guint i = 0; i < rules->rules->len; i++) {
        const fx_rule *r = g_ptr_array_index(rules->rules, i);
        uint32_t n = 0;
        pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &n);
        groups = MAX(groups, n + 1);
    }
    e->md = pcre2_match_data_create(groups, NULL);
    e->mctx = pcre2_match_context_create(NULL);
    e->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    if (e->mctx)
        fx_limits__apply(e->mctx);
    if (e->jit)
        pcre2_jit_stack_assign(e->mctx, NULL, e->jit);
    fx_fields__init(&e->fields);
    fx_fields__init(&e->peek);
    e->doc = fx_document__new();
    e->next = g_new0(uint64_t, MAX(rules->rules->len, 1));
    e->skip_line = g_new0(bool, MAX(rules->rules->len, 1));
    e->stats = g_new0(fx_rule_stats, MAX(rules->rules->len, 1));
    e->context = rules->lookbehind + FX_CONTEXT;
    e->pending = g_array_new(FALSE, FALSE, sizeof(cand));
    e->ready = g_array_new(FALSE, FALSE, sizeof(cand));
    if (!e->md || !e->mctx) {
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
    e->cur_pos = 0;
    e->cur_line = 1;
    e->cur_col = 1;
    e->cur_cr = false;
    e->cur_sentence = e->cur_paragraph = 0;
    e->held_start = UINT64_MAX;
    e->held_scanned = 0;
    e->final = false;
    fx_document__begin(e->doc, &e->doc_date);
}

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
    pcre2_match_data_free(e->md);
    pcre2_match_context_free(e->mctx);
    pcre2_jit_stack_free(e->jit);
    fx_fields__clear(&e->fields);
    fx_fields__clear(&e->peek);
    fx_document__free(e->doc);
    g_free(e->next);
    g_free(e->skip_line);
    g_free(e->stats);
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

static void add_candidate(fx_engine *e, const fx_rule *r, PCRE2_SIZE *ov)
{
    fx_match m = {r, e->buf, ov, pcre2_get_ovector_count(e->md),
                  e->day_first};
    fx_fields__reset(&e->fields);
    if (!fx_normalise__match(&m, e->rs, &e->fields))
        return;
    cand c = {e->base + ov[0], e->base + ov[1], r,
              fx_kind__get(r->type)->family, NULL, {0}, NULL};
    e->stats[r->index].matches++;
    gsize total = 0;
    for (int i = 0; i < FX_F_COUNT; i++)
        total += e->fields.f[i]->len + 1;
    c.strs = g_malloc(total);
    gsize at = 0;
    for (int i = 0; i < FX_F_COUNT; i++) {
        c.off[i] = (guint32)at;
        memcpy(c.strs + at, e->fields.f[i]->str, e->fields.f[i]->len + 1);
        at += e->fields.f[i]->len + 1;
    }
    g_array_append_val(e->pending, c);
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

/* Run rule `i` from its next offset; `final` at the document's end. */
static void scan_rule_timed(fx_engine *e, guint i, bool final);

static void scan_rule(fx_engine *e, guint i, bool final)
{
    gint64 t0 = g_get_monotonic_time();
    scan_rule_timed(e, i, final);
    e->stats[i].seconds += (double)(g_get_monotonic_time() - t0) / 1e6;
}

static void scan_rule_timed(fx_engine *e, guint i, bool final)
{
    const fx_rule *r = g_ptr_array_index(e->rs->rules, i);
    size_t off = (size_t)(e->next[i] - e->base);
    uint32_t opts = (final ? 0 : PCRE2_PARTIAL_HARD) |
                    (e->base > e->origin ? PCRE2_NOTBOL : 0);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(e->md);
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
    while (off < e->scan_len) {
        int rc = pcre2_match(r->code, (PCRE2_SPTR)e->buf, e->scan_len, off,
                             opts, e->md, e->mctx);
        if (rc >= 0) {
            if (ov[1] <= ov[0] || ov[0] < off) {
                /* Empty (or \K-reversed) matches make no row. */
                off = next_char(e, MAX(off, (size_t)MIN(ov[0], ov[1])));
                continue;
            }
            add_candidate(e, r, ov);
            off = ov[1];
        } else if (rc == PCRE2_ERROR_PARTIAL) {
            if (e->scan_len - ov[0] <= FX_MAX_MATCH) {
                off = ov[0]; /* wait here for more text */
                break;
            }
            warn_at(e, e->base + ov[0],
                    "rule '%s' (%s): a match starting here would be longer "
                    "than %u bytes; skipped", r->id, r->source_ref,
                    FX_MAX_MATCH);
            off = next_char(e, ov[0]);
        } else if (rc == PCRE2_ERROR_NOMATCH) {
            off = e->scan_len;
        } else {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(rc, msg, sizeof msg);
            /* Skip to the next line: the attempt cannot be repeated. */
            const char *nl = memchr(e->buf + off, '\n', e->scan_len - off);
            warn_at(e, e->base + off,
                    "rule '%s' (%s) gave up (%s); skipped to the next line",
                    r->id, r->source_ref, (const char *)msg);
            if (!nl) {
                e->skip_line[i] = true;
                off = e->scan_len;
                break;
            }
            off = (size_t)(nl - e->buf) + 1;
        }
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
        if (runaway && end > w)
            warn_at(e, c->start, "overlapping matches run on for more than "
                    "%u bytes; settled early", 8u * FX_MAX_MATCH);
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

static void advance_cursor(fx_engine *e, uint64_t to)
{
    if (to <= e->cur_pos)
        return;
    size_t i = (size_t)(e->cur_pos - e->base);
    size_t end = (size_t)(to - e->base);
    for (; i < end; i++) {
        unsigned char c = (unsigned char)e->buf[i];
        if (c <= ' ') {
            fx_boundary b = fx_sentence__boundary(e->buf, i, 0);
            e->cur_sentence += b != FX_BOUNDARY_NONE;
            e->cur_paragraph += b == FX_BOUNDARY_PARAGRAPH;
        }
        /* LF, CRLF and a lone CR (old Mac files) each end a line. */
        if (c == '\n' || c == '\r') {
            e->cur_line += c == '\r' || !e->cur_cr;
            e->cur_col = 1;
        } else if ((c & 0xC0) != 0x80) {
            e->cur_col++;
        }
        e->cur_cr = c == '\r';
    }
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
 * while the text that decides it has not arrived.  The search resumes
 * where it stopped when the same statistic waits over several chunks.
 */
static uint64_t sentence_end(fx_engine *e, const cand *c)
{
    uint64_t from = c->end;
    if (e->held_start == c->start)
        from = MAX(from, e->held_scanned);
    uint64_t limit = c->end + FX_SENTENCE_MAX;
    uint64_t avail = e->base + e->scan_len;
    for (uint64_t at = from; at < MIN(limit, avail); at++)
        if (fx_sentence__boundary(e->buf, (size_t)(at - e->base), 0))
            return at;
    if (limit <= avail)
        return limit;
    if (e->final)
        return avail;
    e->held_start = c->start;
    e->held_scanned = avail;
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
                if (d->start >= send)
                    break;
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

/* Scan what the window holds, settle, emit, and drop what no one needs. */
static void process(fx_engine *e, bool final)
{
    guint nrules = e->rs->rules->len;
    e->final = final;
    e->scan_len = final ? e->len : complete_len(e->buf, e->len);
    uint64_t w = UINT64_MAX;
    for (guint i = 0; i < nrules; i++) {
        scan_rule(e, i, final);
        w = MIN(w, e->next[i]);
    }
    if (final)
        w = UINT64_MAX;
    uint64_t pending_start = settle_upto(e, w);
    uint64_t bound = MIN(w, pending_start);
    emit_before(e, bound);
    if (final)
        return;
    /* Keep context before the earliest offset still needed. */
    uint64_t need = bound;
    if (e->ready->len)
        need = MIN(need, g_array_index(e->ready, cand, 0).start);
    advance_cursor(e, MIN(need, e->base + e->scan_len));
    uint64_t keep = need > e->base + e->context ? need - e->context : e->base;
    keep = MIN(keep, e->cur_pos);
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
