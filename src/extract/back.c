/*
 * back.c: automata of the text between a match's start and its trigger.
 *
 * A trigger (prefilter.c) says that every match of a rule holds a literal;
 * the engine then needs the places before a literal where such a match can
 * start.  Bounding that distance by a count of bytes does badly when words
 * of any length come first ("\p{Lu}\p{Ll}+ Department"): the walk back
 * crosses whole sentences.  So the part of the pattern before the literal
 * is also kept as an automaton, which the engine runs backwards from the
 * literal, one character at a time; it dies within a few words in prose,
 * and the places where it has read all of that part are the starts.
 *
 * The automaton is built by Glushkov's construction: one position per
 * character class of the pattern, with the sets of positions that can
 * come first and last and the pairs that can follow each other.  It reads
 * symbols, not bytes: an ASCII byte is itself, and any other character is
 * symbol 128, so a class holds symbol 128 when it holds any non-ASCII
 * character.  Every approximation errs towards more strings: lookarounds
 * and anchors match the empty string, a large count {m,n} becomes a loop,
 * and a part too big to keep becomes "any string of its bytes".
 *
 * The engine reads text backwards, so a frozen fragment keeps, for each
 * position, the positions that can come before it (`pred`), the positions
 * that can be read first (the last ones of the pattern, `enter`), and
 * whether reading a position can finish the fragment (it can come first
 * in the pattern, `leave`).  A reader turns the sets of positions it
 * meets into the states of a DFA as it goes, so that text it has seen
 * the like of costs one table load per character.
 *
 * The part after the literal is kept the same way, reversed, and read
 * forwards from the literal's end (fx_back__ahead): where every chain of
 * it dies, no match holds the literal there, and PCRE2 is not tried.  A
 * number followed by neither "to" nor a dash starts no range of figures.
 */
#include "internal.h"

/* Past these, a part is kept only as "any string of its bytes". */
#define GLU_MAX_POSITIONS 2048
#define GLU_MAX_PAIRS 16384
/* A count {m,n} is written out copy by copy up to these ("\d{5}" is five
 * digits, "\d{1,3}" one to three); a larger one becomes a loop. */
#define UNROLL_MAX_COPIES 16
#define UNROLL_MAX_POSITIONS 256

/* The symbols of a set of bytes: ASCII as is, any byte >= 0x80 (part of a
 * non-ASCII character) as symbol 128. */
static fx_byteset symbols_of(const fx_byteset *bytes)
{
    fx_byteset s = {{0}};
    for (int i = 0; i < 4; i++)
        s.w[i] = bytes->w[i];
    if (bytes->w[4] | bytes->w[5] | bytes->w[6] | bytes->w[7])
        s.w[4] = 1;
    return s;
}

static GArray *u32_array(void)
{
    return g_array_new(FALSE, FALSE, sizeof(guint32));
}

/* A zeroed fx_glu is empty and nullable too; its arrays come on first
 * use. */
static void glu_init(fx_glu *g)
{
    g->cls = g_array_new(FALSE, FALSE, sizeof(fx_byteset));
    g->follow = u32_array();
    g->first = u32_array();
    g->last = u32_array();
    g->nullable = true;
}

void fx_glu__clear(fx_glu *g)
{
    if (!g->cls)
        return;
    g_array_free(g->cls, TRUE);
    g_array_free(g->follow, TRUE);
    g_array_free(g->first, TRUE);
    g_array_free(g->last, TRUE);
    memset(g, 0, sizeof *g);
}

static void ensure(fx_glu *g)
{
    if (!g->cls)
        glu_init(g);
}

static void reset(fx_glu *g)
{
    ensure(g);
    g_array_set_size(g->cls, 0);
    g_array_set_size(g->follow, 0);
    g_array_set_size(g->first, 0);
    g_array_set_size(g->last, 0);
    g->nullable = true;
}

void fx_glu__char(fx_glu *g, const fx_byteset *bytes)
{
    reset(g);
    fx_byteset s = symbols_of(bytes);
    g_array_append_val(g->cls, s);
    guint32 zero = 0;
    g_array_append_val(g->first, zero);
    g_array_append_val(g->last, zero);
    g->nullable = false;
}

void fx_glu__any(fx_glu *g, const fx_byteset *bytes, bool nullable)
{
    fx_glu__char(g, bytes);
    guint32 loop[2] = {0, 0};
    g_array_append_vals(g->follow, loop, 2);
    g->nullable = nullable;
}

/* Room for `n` more guint32 at the end of `a`, to be written through
 * the pointer returned: one resize instead of one call per element (the
 * automata of the bundled rules append some millions at load). */
static guint32 *grow_u32(GArray *a, size_t n)
{
    if (n == 0)
        return NULL; /* nothing to write, and an empty array may have no
                        data to point into */
    guint len = a->len;
    g_array_set_size(a, len + (guint)n);
    return &g_array_index(a, guint32, len);
}

static void append_shifted(GArray *to, const GArray *from, guint32 off)
{
    guint32 *dst = grow_u32(to, from->len);
    const guint32 *src = (const guint32 *)(void *)from->data;
    for (guint i = 0; i < from->len; i++)
        dst[i] = src[i] + off;
}

/* Append b's positions to a's, renumbered; returns b's first index. */
static guint32 absorb(fx_glu *a, const fx_glu *b)
{
    guint32 off = a->cls->len;
    g_array_append_vals(a->cls, b->cls->data, b->cls->len);
    append_shifted(a->follow, b->follow, off);
    return off;
}

/* Every position of `xs` may be followed by every one of `ys`. */
static void link_all(fx_glu *g, const GArray *xs, const GArray *ys,
                     guint32 yoff)
{
    guint32 *pair = grow_u32(g->follow, (size_t)2 * xs->len * ys->len);
    for (guint i = 0; i < xs->len; i++)
        for (guint j = 0; j < ys->len; j++) {
            *pair++ = g_array_index(xs, guint32, i);
            *pair++ = g_array_index(ys, guint32, j) + yoff;
        }
}

static bool fits(size_t positions, size_t pairs)
{
    return positions <= GLU_MAX_POSITIONS && pairs <= GLU_MAX_PAIRS;
}

bool fx_glu__concat(fx_glu *a, fx_glu *b)
{
    if (!b->cls)
        return true; /* b matches the empty string only */
    ensure(a);
    size_t pairs = (a->follow->len + b->follow->len) / 2 +
                   (size_t)a->last->len * b->first->len;
    if (!fits(a->cls->len + b->cls->len, pairs)) {
        fx_glu__clear(b);
        return false;
    }
    guint32 off = absorb(a, b);
    link_all(a, a->last, b->first, off);
    if (a->nullable)
        append_shifted(a->first, b->first, off);
    GArray *last = u32_array();
    append_shifted(last, b->last, off);
    if (b->nullable)
        g_array_append_vals(last, a->last->data, a->last->len);
    g_array_free(a->last, TRUE);
    a->last = last;
    a->nullable = a->nullable && b->nullable;
    fx_glu__clear(b);
    return true;
}

bool fx_glu__append_char(fx_glu *g, const fx_byteset *bytes)
{
    ensure(g);
    if (!fits(g->cls->len + 1, g->follow->len / 2 + g->last->len))
        return false;
    guint32 p = g->cls->len;
    fx_byteset s = symbols_of(bytes);
    g_array_append_val(g->cls, s);
    guint32 *pair = grow_u32(g->follow, (size_t)2 * g->last->len);
    for (guint i = 0; i < g->last->len; i++) {
        *pair++ = g_array_index(g->last, guint32, i);
        *pair++ = p;
    }
    if (g->nullable)
        g_array_append_val(g->first, p);
    g_array_set_size(g->last, 1);
    g_array_index(g->last, guint32, 0) = p;
    g->nullable = false;
    return true;
}

bool fx_glu__union(fx_glu *a, fx_glu *b)
{
    ensure(a);
    if (!b->cls) {
        a->nullable = true;
        return true;
    }
    if (!fits(a->cls->len + b->cls->len,
              (a->follow->len + b->follow->len) / 2)) {
        fx_glu__clear(b);
        return false;
    }
    guint32 off = absorb(a, b);
    append_shifted(a->first, b->first, off);
    append_shifted(a->last, b->last, off);
    a->nullable = a->nullable || b->nullable;
    fx_glu__clear(b);
    return true;
}

/* g{lo,hi} written out as lo copies of g, then hi - lo optional ones;
 * false when that would be too big. */
static bool unroll(fx_glu *g, size_t lo, size_t hi)
{
    if (hi > UNROLL_MAX_COPIES || hi * g->cls->len > UNROLL_MAX_POSITIONS)
        return false;
    fx_glu out = {0};
    glu_init(&out);
    for (size_t i = 0; i < hi; i++) {
        fx_glu copy = {0};
        fx_glu__copy(&copy, g);
        if (i >= lo)
            copy.nullable = true;
        if (!fx_glu__concat(&out, &copy)) {
            fx_glu__clear(&out);
            return false;
        }
    }
    fx_glu__clear(g);
    *g = out;
    return true;
}

bool fx_glu__repeat(fx_glu *g, size_t lo, size_t hi)
{
    ensure(g);
    if (hi == 0) {
        reset(g);
        return true;
    }
    if (hi > 1 && hi != SIZE_MAX && unroll(g, lo, hi))
        return true;
    if (hi > 1) {
        if (!fits(g->cls->len,
                  g->follow->len / 2 + (size_t)g->last->len * g->first->len))
            return false;
        GArray *first = u32_array();
        g_array_append_vals(first, g->first->data, g->first->len);
        link_all(g, g->last, first, 0);
        g_array_free(first, TRUE);
    }
    if (lo == 0)
        g->nullable = true;
    return true;
}

void fx_glu__copy(fx_glu *dst, const fx_glu *src)
{
    fx_glu__clear(dst);
    if (!src->cls)
        return;
    glu_init(dst);
    g_array_append_vals(dst->cls, src->cls->data, src->cls->len);
    g_array_append_vals(dst->follow, src->follow->data, src->follow->len);
    g_array_append_vals(dst->first, src->first->data, src->first->len);
    g_array_append_vals(dst->last, src->last->data, src->last->len);
    dst->nullable = src->nullable;
}

static guint byteset_hash(gconstpointer p)
{
    const fx_byteset *b = p;
    guint h = 2166136261u;
    for (int i = 0; i < 8; i++)
        h = (h ^ b->w[i]) * 16777619u;
    return h;
}

static gboolean byteset_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(fx_byteset)) == 0;
}

static guint refine(guint8 *cls, const guint8 *by);

fx_back_frag *fx_glu__freeze(fx_glu *g)
{
    ensure(g);
    guint n = g->cls->len, npairs = g->follow->len / 2;
    /* One block: the header, then each array, 8-byte aligned. */
    size_t sz_cls = n * sizeof(fx_byteset);
    size_t sz_at = (n + 1) * sizeof(guint32);
    size_t sz_pred = npairs * sizeof(guint32);
    size_t sz_enter = g->last->len * sizeof(guint32);
    size_t head = (sizeof(fx_back_frag) + 7) & ~(size_t)7;
    size_t o_at = head + sz_cls;
    size_t o_pred = o_at + ((sz_at + 7) & ~(size_t)7);
    size_t o_enter = o_pred + ((sz_pred + 7) & ~(size_t)7);
    size_t o_leave = o_enter + ((sz_enter + 7) & ~(size_t)7);
    char *block = g_malloc0(o_leave + n + 1);
    fx_back_frag *f = (fx_back_frag *)block;
    f->n = n;
    f->cls = (fx_byteset *)(block + head);
    f->pred_at = (guint32 *)(block + o_at);
    f->pred = (guint32 *)(block + o_pred);
    f->enter = (guint32 *)(block + o_enter);
    f->leave = (guint8 *)(block + o_leave);
    f->nenter = g->last->len;
    f->nullable = g->nullable;
    memcpy(f->cls, g->cls->data, sz_cls);
    memcpy(f->enter, g->last->data, sz_enter);
    for (guint i = 0; i < f->nenter; i++)
        for (int w = 0; w < 8; w++)
            f->enter_any.w[w] |= f->cls[f->enter[i]].w[w];
    /* Its classes of symbols, split by each distinct set of a position. */
    GHashTable *seen = g_hash_table_new(byteset_hash, byteset_equal);
    for (guint x = 0; x < n; x++) {
        if (!g_hash_table_add(seen, &f->cls[x]))
            continue;
        guint8 in[129];
        for (unsigned sym = 0; sym < 129; sym++)
            in[sym] = fx_byteset__has(&f->cls[x], (unsigned char)sym);
        refine(f->sym_class, in);
    }
    g_hash_table_destroy(seen);
    for (guint i = 0; i < g->first->len; i++)
        f->leave[g_array_index(g->first, guint32, i)] = 1;
    /* pred[y]: every x of a pair (x, y), counted then placed. */
    const guint32 *pairs = (const guint32 *)g->follow->data;
    for (guint i = 0; i < npairs; i++)
        f->pred_at[pairs[2 * i + 1] + 1]++;
    for (guint y = 0; y < n; y++)
        f->pred_at[y + 1] += f->pred_at[y];
    guint32 *fill = g_new(guint32, n + 1);
    memcpy(fill, f->pred_at, (n + 1) * sizeof(guint32));
    for (guint i = 0; i < npairs; i++)
        f->pred[fill[pairs[2 * i + 1]]++] = pairs[2 * i];
    g_free(fill);
    return f;
}

/* Read forwards, a part is its reverse read backwards: the first
 * positions become the last, and each pair turns round. */
fx_back_frag *fx_glu__freeze_ahead(fx_glu *g)
{
    ensure(g);
    GArray *first = g->first;
    g->first = g->last;
    g->last = first;
    guint32 *pairs = (guint32 *)g->follow->data;
    for (guint i = 0; i + 1 < g->follow->len; i += 2) {
        guint32 x = pairs[i];
        pairs[i] = pairs[i + 1];
        pairs[i + 1] = x;
    }
    return fx_glu__freeze(g);
}

/* ---- reading backwards ---- */

/* The parts that may be entered, given those whose bit is set in `enter`:
 * a nullable part may be passed over.  Bit n: all of them are read. */
static guint64 closure(const fx_back_chain *c, guint64 enter)
{
    for (guint k = 0; k < c->n; k++)
        if ((enter >> k & 1) && c->frag[k]->nullable)
            enter |= (guint64)1 << (k + 1);
    return enter;
}

/* Split the classes `cls` (of 129 symbols) by those of `by`; returns how
 * many there are then. */
static guint refine(guint8 *cls, const guint8 *by)
{
    /* Only the pairs that can occur are cleared: this runs for every
     * class of every part. */
    guint ncls = 1, nby = 1;
    for (unsigned sym = 0; sym < 129; sym++) {
        ncls = MAX(ncls, (guint)cls[sym] + 1);
        nby = MAX(nby, (guint)by[sym] + 1);
    }
    guint16 id[129 * 129];
    memset(id, 0xFF, ncls * nby * sizeof id[0]);
    guint n = 0;
    for (unsigned sym = 0; sym < 129; sym++) {
        guint16 *to = &id[cls[sym] * nby + by[sym]];
        if (*to == 0xFFFF)
            *to = (guint16)n++;
        cls[sym] = (guint8)*to;
    }
    return n;
}

void fx_back_chain__prepare(fx_back_chain *c)
{
    guint64 enter = closure(c, 1);
    memset(&c->first, 0, sizeof c->first);
    for (guint k = 0; k < c->n; k++)
        if (enter >> k & 1)
            for (int w = 0; w < 8; w++)
                c->first.w[w] |= c->frag[k]->enter_any.w[w];
    c->through = enter >> c->n & 1;
    /* The chain's classes of symbols: its parts' classes, combined. */
    memset(c->sym_class, 0, sizeof c->sym_class);
    c->nclasses = 1;
    for (guint k = 0; k < c->n; k++)
        c->nclasses = refine(c->sym_class, c->frag[k]->sym_class);
}

/* ---- the reader: a DFA per chain, built as it is read ---- */

/* A state of a chain being read: the last position read was `x` of part
 * `k`. */
typedef struct {
    guint32 k, x;
} nfa_state;

/* Most bytes a reader's DFAs take, over all chains, before it starts
 * afresh (the 10 MiB SOTU text makes about 22000 states in all). */
#define READER_MAX_BYTES ((size_t)8 << 20)
/* Chains whose DFA a reader finds without its hash table (the top six
 * bits of a hash pick the place). */
#define READER_RECENT 64

/* step() gives up on a set too big. */
#define GIVES_UP UINT32_MAX

/* DFA state flags. */
#define ALL_READ 1u /* every part is read: a start */
#define DEAD 2u     /* nothing more can be read */

/* A transition is 16 bits, the state it leads to with that state's flags
 * (id << 2 | flags), so that a step is one load from a small table; or
 * one of these.  A DFA of more states gives up past them. */
#define EDGE_UNKNOWN 0xFFFFu
#define EDGE_GIVES_UP 0xFFFEu
#define EDGE_MAX_STATE 16382u

typedef struct {
    GHashTable *ids;   /* key (GBytes: enter mask, then nfa_states) -> id+1 */
    GPtrArray *keys;   /* per state: its GBytes */
    GArray *delta;     /* per state: a guint16 edge per class of symbols */
    GByteArray *flags; /* per state */
    guint16 *edges;    /* delta's data, one load nearer for each step */
    guint flags0;      /* the flags of state 0, where every read starts */
} chain_dfa;

struct fx_back_reader {
    GHashTable *dfas; /* a chain's frag array -> chain_dfa* */
    size_t bytes;     /* about what all of them take */
    size_t max_bytes; /* past this, they are dropped */
    /* Chains looked up lately, by a hash of their address: a rule's
     * hits come one after another, each reading a few chains. */
    struct {
        const void *key; /* the chain's parts (dfa_of()) */
        chain_dfa *dfa;
    } recent[READER_RECENT];
};

static void dfa_free(gpointer p)
{
    chain_dfa *d = p;
    g_hash_table_destroy(d->ids);
    g_ptr_array_free(d->keys, TRUE);
    g_array_free(d->delta, TRUE);
    g_byte_array_free(d->flags, TRUE);
    g_free(d);
}

fx_back_reader *fx_back_reader__new(size_t max_bytes)
{
    fx_back_reader *rd = g_new0(fx_back_reader, 1);
    rd->max_bytes = max_bytes ? max_bytes : READER_MAX_BYTES;
    rd->dfas = g_hash_table_new_full(NULL, NULL, NULL, dfa_free);
    return rd;
}

void fx_back_reader__free(fx_back_reader *rd)
{
    if (!rd)
        return;
    g_hash_table_destroy(rd->dfas);
    g_free(rd);
}

/* Add (k, x) to the `*n` states of `set`, kept sorted; false when it is
 * full. */
static bool add_state(nfa_state *set, guint *n, guint32 k, guint32 x)
{
    guint at = *n;
    while (at > 0 &&
           (set[at - 1].k > k || (set[at - 1].k == k && set[at - 1].x > x)))
        at--;
    if (at > 0 && set[at - 1].k == k && set[at - 1].x == x)
        return true;
    if (*n == FX_BACK_MAX_STATES)
        return false;
    memmove(set + at + 1, set + at, (*n - at) * sizeof *set);
    set[at] = (nfa_state){k, x};
    (*n)++;
    return true;
}

/* The id of the DFA state (enter, set[0..n)), added when new. */
static guint32 intern(fx_back_reader *rd, const fx_back_chain *c, chain_dfa *d,
                      guint64 enter, const nfa_state *set, guint n)
{
    gsize len = sizeof enter + n * sizeof *set;
    guint8 *buf = g_malloc(len);
    memcpy(buf, &enter, sizeof enter);
    if (n)
        memcpy(buf + sizeof enter, set, n * sizeof *set);
    GBytes *key = g_bytes_new_take(buf, len);
    gpointer id = g_hash_table_lookup(d->ids, key);
    if (id) {
        g_bytes_unref(key);
        return GPOINTER_TO_UINT(id) - 1;
    }
    guint32 nid = d->keys->len;
    g_ptr_array_add(d->keys, key);
    g_hash_table_insert(d->ids, key, GUINT_TO_POINTER(nid + 1));
    g_array_set_size(d->delta, (nid + 1) * c->nclasses);
    d->edges = (guint16 *)(void *)d->delta->data;
    memset(&d->edges[nid * c->nclasses], 0xFF,
           c->nclasses * sizeof(guint16));
    guint64 all = (guint64)1 << c->n;
    guint8 f = (enter & all ? ALL_READ : 0) |
               (n == 0 && (enter & (all - 1)) == 0 ? DEAD : 0);
    g_byte_array_append(d->flags, &f, 1);
    if (nid == 0)
        d->flags0 = f;
    rd->bytes += len + c->nclasses * sizeof(guint16) + 64;
    return nid;
}

/* The DFA of chain `c`, with state 0 its start.  A chain copied into
 * another trigger's automaton (compile.c) keeps its array of parts, so
 * that array, not the copy, names the DFA: copies share one. */
static chain_dfa *dfa_of(fx_back_reader *rd, const fx_back_chain *c)
{
    if (rd->bytes > rd->max_bytes) {
        g_hash_table_remove_all(rd->dfas); /* start afresh */
        rd->bytes = 0;
        memset(rd->recent, 0, sizeof rd->recent);
    }
    const void *key = c->frag;
    guint slot = (guint)(((guint64)(guintptr)key * G_GUINT64_CONSTANT(
                              0x9E3779B97F4A7C15)) >> 58); /* of 64 */
    if (rd->recent[slot].key == key)
        return rd->recent[slot].dfa;
    chain_dfa *d = g_hash_table_lookup(rd->dfas, key);
    if (!d) {
        d = g_new0(chain_dfa, 1);
        d->ids = g_hash_table_new(g_bytes_hash, g_bytes_equal);
        d->keys =
            g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
        d->delta = g_array_new(FALSE, FALSE, sizeof(guint16));
        d->flags = g_byte_array_new();
        g_hash_table_insert(rd->dfas, (gpointer)key, d);
        intern(rd, c, d, closure(c, 1), NULL, 0);
    }
    rd->recent[slot].key = key;
    rd->recent[slot].dfa = d;
    return d;
}

/* Work out the transition of state `id` on symbol `sym`. */
static guint32 step(fx_back_reader *rd, const fx_back_chain *c, chain_dfa *d,
                    guint32 id, unsigned sym)
{
    GBytes *key = g_ptr_array_index(d->keys, id);
    gsize len;
    const guint8 *b = g_bytes_get_data(key, &len);
    guint64 enter;
    memcpy(&enter, b, sizeof enter);
    guint ncur = (guint)((len - sizeof enter) / sizeof(nfa_state));
    nfa_state cur[FX_BACK_MAX_STATES], next[FX_BACK_MAX_STATES];
    memcpy(cur, b + sizeof enter, ncur * sizeof *cur);
    guint nnext = 0;
    for (guint s = 0; s < ncur; s++) {
        const fx_back_frag *f = c->frag[cur[s].k];
        guint32 x = cur[s].x;
        for (guint32 p = f->pred_at[x]; p < f->pred_at[x + 1]; p++)
            if (fx_byteset__has(&f->cls[f->pred[p]], (unsigned char)sym) &&
                !add_state(next, &nnext, cur[s].k, f->pred[p]))
                return GIVES_UP;
    }
    for (guint k = 0; k < c->n; k++) {
        const fx_back_frag *f = c->frag[k];
        if (!(enter >> k & 1) ||
            !fx_byteset__has(&f->enter_any, (unsigned char)sym))
            continue;
        for (guint p = 0; p < f->nenter; p++)
            if (fx_byteset__has(&f->cls[f->enter[p]], (unsigned char)sym) &&
                !add_state(next, &nnext, k, f->enter[p]))
                return GIVES_UP;
    }
    guint64 out = 0;
    for (guint s = 0; s < nnext; s++)
        if (c->frag[next[s].k]->leave[next[s].x])
            out |= (guint64)1 << (next[s].k + 1);
    return intern(rd, c, d, closure(c, out), next, nnext);
}

/* The edge from state `id` on `sym`: worked out the first time. */
static inline guint next_edge(fx_back_reader *rd, const fx_back_chain *c,
                              chain_dfa *d, guint id, unsigned sym)
{
    guint at = id * c->nclasses + c->sym_class[sym];
    guint edge = d->edges[at];
    if (edge == EDGE_UNKNOWN) {
        guint32 nid = step(rd, c, d, id, sym); /* may move delta */
        edge = nid > EDGE_MAX_STATE
                   ? EDGE_GIVES_UP
                   : (guint)(nid << 2 | d->flags->data[nid]);
        d->edges[at] = (guint16)edge;
    }
    return edge;
}

/* The character that ends just before buf[i]: its first byte in *j, its
 * symbol returned; -1 when the bytes there are not UTF-8. */
static int char_before(const char *buf, size_t i, size_t *j)
{
    size_t k = i - 1;
    unsigned c = (unsigned char)buf[k];
    if (c < 0x80) {
        *j = k;
        return (int)c;
    }
    while (k > 0 && i - k < 4 && ((unsigned char)buf[k] & 0xC0) == 0x80)
        k--;
    unsigned lead = (unsigned char)buf[k];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if ((lead & 0xC0) != 0xC0 || i - k != want)
        return -1;
    *j = k;
    return 128;
}

static bool chain_starts(fx_back_reader *rd, const fx_back_chain *c,
                         const char *buf, size_t q, GArray *starts)
{
    if (c->through)
        g_array_append_val(starts, q);
    /* Most hits end here: the character before the literal fits no part
     * (this also reads bytes that are not UTF-8 as symbol 128). */
    unsigned char before = q == 0 ? 0 : (unsigned char)buf[q - 1];
    if (q == 0 || !fx_byteset__has(&c->first, before < 0x80 ? before : 128))
        return true;
    chain_dfa *d = dfa_of(rd, c);
    guint id = 0, f = d->flags0;
    size_t i = q;
    for (guint steps = 0;; steps++) {
        if (steps > 0 && (f & ALL_READ))
            g_array_append_val(starts, i);
        if (f & DEAD)
            return true; /* nothing more can be read */
        if (i == 0)
            return true; /* the text starts here */
        if (steps == FX_BACK_MAX_STEPS)
            return false;
        size_t j;
        int sym = char_before(buf, i, &j);
        if (sym < 0)
            return false;
        guint edge = next_edge(rd, c, d, id, (unsigned)sym);
        if (edge == EDGE_GIVES_UP)
            return false;
        id = edge >> 2;
        f = edge & 3;
        i = j;
    }
}

bool fx_back__starts(const fx_back *b, const char *buf, size_t q,
                     fx_back_reader *rd, GArray *starts)
{
    g_array_set_size(starts, 0);
    for (guint c = 0; c < b->n; c++)
        if (!chain_starts(rd, &b->chain[c], buf, q, starts))
            return false;
    return true;
}

/* ---- reading forwards ---- */

/* The character at buf[i] (i < len): its symbol, and its length in *n;
 * -1 when the bytes there are not a whole UTF-8 character. */
static int char_at(const char *buf, size_t i, size_t len, size_t *n)
{
    unsigned c = (unsigned char)buf[i];
    if (c < 0x80) {
        *n = 1;
        return (int)c;
    }
    size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (c < 0xC2 || c > 0xF4 || want > len - i)
        return -1;
    for (size_t k = 1; k < want; k++)
        if (((unsigned char)buf[i + k] & 0xC0) != 0x80)
            return -1;
    *n = want;
    return 128;
}

static bool chain_ahead(fx_back_reader *rd, const fx_back_chain *c,
                        const char *buf, size_t from, size_t len)
{
    if (c->through || from >= len)
        return true;
    /* Most hits end here: the character after the literal fits no part
     * (no match goes on through a byte that is not UTF-8 either). */
    unsigned char next = (unsigned char)buf[from];
    if (!fx_byteset__has(&c->first, next < 0x80 ? next : 128))
        return false;
    chain_dfa *d = dfa_of(rd, c);
    guint id = 0, f = d->flags0;
    size_t i = from;
    for (guint steps = 0;; steps++) {
        if (f & ALL_READ)
            return true; /* a match may end here */
        if (f & DEAD)
            return false;
        if (i >= len || steps == FX_BACK_MAX_STEPS)
            return true; /* the text known so far ends, or too far */
        size_t n;
        int sym = char_at(buf, i, len, &n);
        if (sym < 0)
            return true;
        guint edge = next_edge(rd, c, d, id, (unsigned)sym);
        if (edge == EDGE_GIVES_UP)
            return true;
        id = edge >> 2;
        f = edge & 3;
        i += n;
    }
}

bool fx_back__ahead(const fx_back *a, const char *buf, size_t from,
                    size_t len, fx_back_reader *rd)
{
    for (guint c = 0; c < a->n; c++)
        if (chain_ahead(rd, &a->chain[c], buf, from, len))
            return true;
    return false;
}
