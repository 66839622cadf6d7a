/*
 * literals.c: find every trigger literal in one pass over the text.
 *
 * An Aho-Corasick automaton turned into a full table of transitions, so
 * that each byte costs one load.  Bytes are first mapped to classes: all
 * bytes that occur in no literal share class 0, and in the scanner of
 * caseless triggers the two cases of an ASCII letter share one class.
 * (Exact and caseless triggers get a scanner each: folding the exact
 * ones too would make "US" fire on every "us".)  With the literals
 * "%" and "percent":
 *
 *     classes:  '%' -> 1, 'p' 'P' -> 2, 'e' 'E' -> 3, ...  others -> 0
 *     row of a state = one entry per class, the next state's row offset
 *
 * A row offset is a multiple of the (power of two) row width, which leaves
 * its lowest bit free: it is set on the states where some literal ends, so
 * the inner loop tests one bit and calls back only on a hit.  With fewer
 * than 32768 states the table holds 16-bit state numbers instead (the
 * same bit below them): the load each byte waits on then comes from a
 * nearer cache.
 */
#include "internal.h"

struct fx_literals {
    guint32 *delta;      /* nstates rows of `width` entries */
    guint16 *delta16;    /* or, when it fits, state << 1 | output bit */
    guint width;         /* power of two, >= classes */
    guint shift;         /* log2(width) */
    unsigned char cls[256];
    guint32 *out_start;  /* per state: its outputs are */
    guint32 *out;        /* out[out_start[s] .. out_start[s + 1]) */
    GArray *triggers;    /* of fx_trigger */
};

void fx_literals__free(fx_literals *lx)
{
    if (!lx)
        return;
    g_free(lx->delta);
    g_free(lx->delta16);
    g_free(lx->out_start);
    g_free(lx->out);
    if (lx->triggers)
        g_array_free(lx->triggers, TRUE);
    g_free(lx);
}

fx_literals *fx_literals__new(const GArray *all, bool caseless)
{
    GArray *triggers = g_array_new(FALSE, FALSE, sizeof(fx_trigger));
    for (guint i = 0; all && i < all->len; i++)
        if (g_array_index(all, fx_trigger, i).caseless == caseless)
            g_array_append_val(triggers, g_array_index(all, fx_trigger, i));
    if (triggers->len == 0) {
        g_array_free(triggers, TRUE);
        return NULL;
    }
    fx_literals *lx = g_new0(fx_literals, 1);
    lx->triggers = triggers;
    /* Byte classes. */
    guint ncls = 1;
    for (guint i = 0; i < triggers->len; i++) {
        const fx_trigger *t = &g_array_index(triggers, fx_trigger, i);
        for (guint k = 0; k < t->len; k++) {
            unsigned char c = (unsigned char)t->lit[k];
            if (!lx->cls[c]) {
                lx->cls[c] = (unsigned char)ncls;
                if (caseless && g_ascii_islower(c))
                    lx->cls[(unsigned char)g_ascii_toupper(c)] = (unsigned char)ncls;
                ncls++;
            }
        }
    }
    lx->width = 2;
    while (lx->width < ncls)
        lx->width *= 2;
    /* The trie, with UINT32_MAX for a missing edge. */
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(guint32));
    GPtrArray *own = g_ptr_array_new(); /* per state: GArray of guint32 */
    guint nstates = 1;
    g_array_set_size(rows, lx->width);
    memset(rows->data, 0xFF, lx->width * sizeof(guint32));
    g_ptr_array_add(own, NULL);
    for (guint i = 0; i < triggers->len; i++) {
        const fx_trigger *t = &g_array_index(triggers, fx_trigger, i);
        guint s = 0;
        for (guint k = 0; k < t->len; k++) {
            guint c = lx->cls[(unsigned char)t->lit[k]];
            guint32 *row = &g_array_index(rows, guint32, s * lx->width);
            if (row[c] == UINT32_MAX) {
                row[c] = nstates++;
                g_array_set_size(rows, nstates * lx->width);
                memset(&g_array_index(rows, guint32,
                                      (nstates - 1) * lx->width),
                       0xFF, lx->width * sizeof(guint32));
                g_ptr_array_add(own, NULL);
                row = &g_array_index(rows, guint32, s * lx->width);
            }
            s = row[c];
        }
        if (!own->pdata[s])
            own->pdata[s] = g_array_new(FALSE, FALSE, sizeof(guint32));
        guint32 idx = i;
        g_array_append_val((GArray *)own->pdata[s], idx);
    }
    /* Breadth first: failure links, full transitions, merged outputs. */
    guint32 *fail = g_new0(guint32, nstates);
    guint32 *queue = g_new(guint32, nstates);
    guint qh = 0, qt = 0;
    guint32 *d = (guint32 *)(void *)rows->data;
    for (guint c = 0; c < lx->width; c++) {
        if (d[c] == UINT32_MAX) {
            d[c] = 0;
        } else {
            fail[d[c]] = 0;
            queue[qt++] = d[c];
        }
    }
    GArray **outs = g_new0(GArray *, nstates);
    outs[0] = g_array_new(FALSE, FALSE, sizeof(guint32));
    while (qh < qt) {
        guint32 s = queue[qh++];
        GArray *o = g_array_new(FALSE, FALSE, sizeof(guint32));
        if (own->pdata[s])
            g_array_append_vals(o, ((GArray *)own->pdata[s])->data,
                                ((GArray *)own->pdata[s])->len);
        g_array_append_vals(o, outs[fail[s]]->data, outs[fail[s]]->len);
        outs[s] = o;
        for (guint c = 0; c < lx->width; c++) {
            guint32 *t = &d[s * lx->width + c];
            if (*t == UINT32_MAX) {
                *t = d[fail[s] * lx->width + c];
            } else {
                fail[*t] = d[fail[s] * lx->width + c];
                queue[qt++] = *t;
            }
        }
    }
    /* Flatten: entries become row offsets, with bit 0 for "has output". */
    lx->out_start = g_new(guint32, nstates + 1);
    guint total = 0;
    for (guint s = 0; s < nstates; s++) {
        lx->out_start[s] = total;
        total += outs[s]->len;
    }
    lx->out_start[nstates] = total;
    lx->out = g_new(guint32, MAX(total, 1));
    for (guint s = 0; s < nstates; s++)
        if (outs[s]->len)
            memcpy(lx->out + lx->out_start[s], outs[s]->data,
                   outs[s]->len * sizeof(guint32));
    for (guint i = 0; i < nstates * lx->width; i++) {
        guint32 t = d[i];
        d[i] = t * lx->width | (outs[t]->len ? 1u : 0u);
    }
    lx->delta = (guint32 *)(void *)g_array_free(rows, FALSE);
    while ((1u << lx->shift) < lx->width)
        lx->shift++;
    if (nstates < 32768) {
        lx->delta16 = g_new(guint16, nstates * lx->width);
        for (guint i = 0; i < nstates * lx->width; i++)
            lx->delta16[i] = (guint16)((lx->delta[i] >> lx->shift) << 1 |
                                       (lx->delta[i] & 1u));
        g_free(lx->delta);
        lx->delta = NULL;
    }
    for (guint s = 0; s < nstates; s++) {
        g_array_free(outs[s], TRUE);
        if (own->pdata[s])
            g_array_free(own->pdata[s], TRUE);
    }
    g_free(outs);
    g_ptr_array_free(own, TRUE);
    g_free(fail);
    g_free(queue);
    return lx;
}

/* Call back for each trigger that ends at state `s`, at offset `end`. */
static void report(const fx_literals *lx, guint32 s, uint64_t end,
                   fx_literal_hit_fn fn, void *payload)
{
    for (guint32 k = lx->out_start[s]; k < lx->out_start[s + 1]; k++)
        fn(payload, &g_array_index(lx->triggers, fx_trigger, lx->out[k]),
           end);
}

guint32 fx_literals__scan(const fx_literals *lx, guint32 state,
                          const char *buf, size_t len, uint64_t pos,
                          fx_literal_hit_fn fn, void *payload)
{
    const unsigned char *cls = lx->cls;
    const unsigned char *p = (const unsigned char *)buf;
    guint32 v = state;
    if (lx->delta16) {
        const guint16 *delta = lx->delta16;
        const guint shift = lx->shift;
        for (size_t i = 0; i < len; i++) {
            v = delta[((v >> 1) << shift) + cls[p[i]]];
            if (G_UNLIKELY(v & 1u))
                report(lx, v >> 1, pos + i + 1, fn, payload);
        }
        return v;
    }
    const guint32 *delta = lx->delta;
    for (size_t i = 0; i < len; i++) {
        v = delta[(v & ~1u) + cls[p[i]]];
        if (G_UNLIKELY(v & 1u))
            report(lx, v / lx->width, pos + i + 1, fn, payload);
    }
    return v;
}

/* Both scanners over p[from, to) (offset `pos` is p[0]), reporting at
 * once. */
static inline void scan_two(const fx_literals *a, const fx_literals *b,
                            guint32 *va_, guint32 *vb_,
                            const unsigned char *p, size_t from, size_t to,
                            uint64_t pos, fx_literal_hit_fn fn,
                            void *payload)
{
    const guint16 *da = a->delta16, *db = b->delta16;
    const guint sa = a->shift, sb = b->shift;
    const unsigned char *ca = a->cls, *cb = b->cls;
    guint32 va = *va_, vb = *vb_;
    for (size_t i = from; i < to; i++) {
        va = da[((va >> 1) << sa) + ca[p[i]]];
        vb = db[((vb >> 1) << sb) + cb[p[i]]];
        if (G_UNLIKELY((va | vb) & 1u)) {
            if (va & 1u)
                report(a, va >> 1, pos + i + 1, fn, payload);
            if (vb & 1u)
                report(b, vb >> 1, pos + i + 1, fn, payload);
        }
    }
    *va_ = va;
    *vb_ = vb;
}

/* A hit of the second half, told once the first half is done. */
typedef struct {
    const fx_literals *lx;
    guint32 state;
    size_t end; /* relative to the buffer */
} held_hit;

#define HELD_MAX 256
/* Below this, a buffer is not cut in two. */
#define SPLIT_MIN 512

void fx_literals__scan_pair(const fx_literals *a, const fx_literals *b,
                            guint32 *state_a, guint32 *state_b,
                            const char *buf, size_t len, uint64_t pos,
                            fx_literal_hit_fn fn, void *payload)
{
    if (!a || !b || !a->delta16 || !b->delta16) {
        if (a)
            *state_a = fx_literals__scan(a, *state_a, buf, len, pos, fn,
                                         payload);
        if (b)
            *state_b = fx_literals__scan(b, *state_b, buf, len, pos, fn,
                                         payload);
        return;
    }
    const unsigned char *p = (const unsigned char *)buf;
    if (len < SPLIT_MIN) {
        scan_two(a, b, state_a, state_b, p, 0, len, pos, fn, payload);
        return;
    }
    /*
     * Each byte's load waits on the one before: two scanners give the
     * processor two chains of loads to run side by side, and the two
     * halves of the buffer two more.  The second half starts from the
     * first state FX_TRIGGER_MAX bytes before its place, which puts the
     * scanners in the state a scan of the whole has there (no literal is
     * longer); what it finds ending in the first half is the first
     * half's, and what it finds after is held back, so that hits come in
     * the order of a plain scan.
     */
    size_t m = (len + FX_TRIGGER_MAX) / 2; /* first half: [0, m) */
    size_t s2 = m - FX_TRIGGER_MAX;        /* second: [s2, len) */
    size_t n = len - s2;                   /* m or m - 1 */
    const guint16 *da = a->delta16, *db = b->delta16;
    const guint sa = a->shift, sb = b->shift;
    const unsigned char *ca = a->cls, *cb = b->cls;
    const unsigned char *p2 = p + s2;
    guint32 va = *state_a, vb = *state_b, wa = 0, wb = 0;
    held_hit held[HELD_MAX];
    guint nheld = 0;
    size_t i = 0;
    for (; i < n; i++) {
        va = da[((va >> 1) << sa) + ca[p[i]]];
        vb = db[((vb >> 1) << sb) + cb[p[i]]];
        wa = da[((wa >> 1) << sa) + ca[p2[i]]];
        wb = db[((wb >> 1) << sb) + cb[p2[i]]];
        if (G_UNLIKELY((va | vb | wa | wb) & 1u)) {
            if (va & 1u)
                report(a, va >> 1, pos + i + 1, fn, payload);
            if (vb & 1u)
                report(b, vb >> 1, pos + i + 1, fn, payload);
            if (i >= FX_TRIGGER_MAX && ((wa | wb) & 1u)) {
                if (nheld + 2 > HELD_MAX)
                    break; /* the rest one half after the other */
                if (wa & 1u)
                    held[nheld++] = (held_hit){a, wa >> 1, s2 + i + 1};
                if (wb & 1u)
                    held[nheld++] = (held_hit){b, wb >> 1, s2 + i + 1};
            }
        }
    }
    /* The rest of the first half (a byte, or more after a break), the
     * hits held, then the rest of the second half. */
    size_t resume = i; /* the second half's next byte, p2[resume] */
    scan_two(a, b, &va, &vb, p, i < n ? i + 1 : n, m, pos, fn, payload);
    if (i < n) {
        /* The byte p2[i] was read, its hits not yet taken. */
        for (guint k = 0; k < nheld; k++)
            report(held[k].lx, held[k].state, pos + held[k].end, fn,
                   payload);
        nheld = 0;
        if (wa & 1u)
            report(a, wa >> 1, pos + s2 + i + 1, fn, payload);
        if (wb & 1u)
            report(b, wb >> 1, pos + s2 + i + 1, fn, payload);
        resume = i + 1;
    }
    for (guint k = 0; k < nheld; k++)
        report(held[k].lx, held[k].state, pos + held[k].end, fn, payload);
    scan_two(a, b, &wa, &wb, p, s2 + resume, len, pos, fn, payload);
    *state_a = wa;
    *state_b = wb;
}
