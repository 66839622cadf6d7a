/*
 * prefilter.c: the literals a rule's matches cannot do without.
 *
 * Running every rule's PCRE2 pattern over every byte is what made figex
 * slow: most start positions fail after a costly try.  So each pattern is
 * read once, at load time, to find a set of literals such that every
 * match contains one of them, and how far before that literal the match
 * may start.  For
 *
 *     (?:(?<qualifier>about|over){{SP}})?\d+(?:[ ]?%|{{SP}}percent)
 *
 * the optional qualifier is no help, `\d+` gives the ten digits, and the
 * last group gives "%" or "percent"; the analysis keeps the cheapest
 * choice, the last group ("%" is rarer in prose than any digit).  A match
 * holding "%" at offset q starts at some s < q, and the bytes [s, q) are
 * the qualifier, spaces and the digits: at most 6 + 2 bytes outside the
 * bytes that repeat without bound (digits, space, tab, line feed).  Such a
 * trigger is
 *
 *     literal "%", dmin 1, dmax 8, free {0-9, ' ', '\t', '\r', '\n'}
 *
 * and the engine (engine.c) walks back from q over free bytes and at most
 * dmax others to find the earliest start, then runs PCRE2 only there.
 * Every step errs on the side of more: a construct the analysis does not
 * know (a back reference, a recursion) leaves the rule without triggers,
 * and it is scanned everywhere as before.  Output is the same either way;
 * tests/test_prefilter.c and the golden runs with FIGEX_PREFILTER=off
 * check that.
 *
 * Two refinements.  `\A` is a trigger without a literal: the engine opens
 * its window at the start of the text.  And a literal followed by
 * branches that each start with a literal gives their concatenations
 * ("A(?:BF|CF)": "ABF", "ACF"), so that the gazetteer's tries, cut at
 * every branch, give whole words back.  Each trigger also gets the part
 * of the pattern before it as an automaton (back.c), which tells the
 * engine where matches can start far better than dmax and free, and the
 * part after it, which tells whether a match can go on from the literal
 * at all (as far as the analysis follows it: the literal of a lookahead
 * knows only the rest of the lookahead).
 *
 * Caseless literals are matched folded to ASCII lower case.  In UTF mode
 * PCRE2 also folds 'k' with U+212A KELVIN SIGN and 's' with U+017F LONG
 * S, so a caseless trigger is cut to the longest stretch without k, s or
 * non-ASCII letters.
 */
#include "internal.h"

#include <math.h>

/* Repetition bounds above this count as unbounded. */
#define BIG 4096
/* A class of more members gives no triggers ([A-Z] gives 26). */
#define CLASS_MAX_MEMBERS 64
/* Most literals a class followed by literals makes ([A-Z][A-Z\d&]: 962). */
#define PRODUCT_MAX 1024

typedef struct {
    size_t min;           /* fewest bytes a match of the node takes */
    size_t fixed;         /* most bytes outside `free` */
    fx_byteset free;      /* bytes that may repeat without bound */
    fx_byteset bytes;     /* every byte a match may contain */
    GArray *trig;         /* of fx_trigger, relative to the node's start */
    double cost;          /* expected hits per byte of text, or INFINITY */
    fx_glu glu;           /* the node as an automaton (back.c) */
    fx_glu after;         /* a sequence's items after its triggers' */
    /* A short literal run, or a sequence that is only one so far: its
     * text, which the literals of what follows it may extend. */
    bool pure;
    bool pure_caseless;
    guint pure_len;
    char pure_lit[FX_TRIGGER_CHARS];
    /* A class whose members are its triggers, or a sequence that is only
     * one so far: every match is one of its literals. */
    bool whole;
    guint items;          /* a sequence's items so far */
    /* A negative lookbehind of one character: a match fails where an
     * ASCII byte of `guard_bytes` comes just before this place. */
    bool guard;
    fx_byteset guard_bytes;
    /* A sequence whose last items are such lookbehinds (and other items
     * that take no room): they bar these bytes before the next one. */
    bool guard_pending;
    fx_byteset guard_pending_bytes;
} node;

/* A trigger's back chain while the pattern is read: the parts before it,
 * the outermost first (back.c). */
struct fx_back_link {
    const fx_back_frag *frag;
    const struct fx_back_link *next;
    guint depth;
};

typedef struct {
    const char *p, *end;
    bool caseless;
    bool failed;
    GPtrArray *pool;  /* frozen parts and back automata; NULL: none */
    GPtrArray *links; /* of struct fx_back_link, freed at the end */
    GHashTable *backs; /* link -> its fx_back: triggers with one chain
                          share it, and so one DFA in the engine */
} parser;

static void set_add(fx_byteset *s, unsigned char c)
{
    s->w[c >> 5] |= 1u << (c & 31);
}

static void set_union(fx_byteset *s, const fx_byteset *o)
{
    for (int i = 0; i < 8; i++)
        s->w[i] |= o->w[i];
}

static void set_range(fx_byteset *s, unsigned lo, unsigned hi)
{
    for (unsigned c = lo; c <= hi; c++)
        set_add(s, (unsigned char)c);
}

/* Does caseless `c` (a byte of the pattern) also match a longer UTF-8
 * spelling: k and s (U+212A, U+017F), or any non-ASCII letter? */
static bool folds_wide(unsigned char c)
{
    return c > 127 || c == 'k' || c == 'K' || c == 's' || c == 'S';
}

static void node_init(node *n)
{
    memset(n, 0, sizeof *n);
    n->cost = INFINITY;
}

/* The node as "any string of its bytes": for a part too big to keep. */
static void glu_approx(node *n)
{
    fx_glu__any(&n->glu, &n->bytes, n->min == 0);
}

/* The node matches the empty string only (a lookaround, an anchor). */
static void glu_empty(node *n)
{
    fx_glu__clear(&n->glu);
}

static void node_clear(node *n)
{
    if (n->trig)
        g_array_free(n->trig, TRUE);
    n->trig = NULL;
    n->cost = INFINITY;
    fx_glu__clear(&n->after);
}

static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* Rough share of bytes of English prose that are `c` (folded). */
static double byte_freq(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return strchr("etaoinshr", c) ? 0.07 : 0.02;
    if (c == ' ' || c == '\n')
        return 0.17;
    if (c >= '0' && c <= '9')
        return 0.0008;
    if (c == ',')
        return 0.01;
    if (c == '.')
        return 0.006;
    return 0.002;
}

/* Rough share of the text's bytes where literal `s` starts.  Each byte
 * after the first divides by 4 (English letters are far from random),
 * then by 2 after the fourth; a capital letter after the first byte, or
 * a digit or '&' after a capital, by 50 (prose has few words in capitals:
 * "DOJ" is far rarer than "D", and "G7" than "G"). */
static double lit_cost(const char *s, size_t len, bool caseless)
{
    unsigned char c = (unsigned char)s[0];
    double f = !caseless && g_ascii_isupper(c)
                   ? 0.004
                   : byte_freq((unsigned char)g_ascii_tolower(c));
    for (size_t i = 1; i < len; i++) {
        /* A capital, or a digit or '&' after one ("G7", "AT&T"). */
        bool rare = !caseless && (g_ascii_isupper(s[i]) ||
                                  ((g_ascii_isdigit(s[i]) || s[i] == '&') &&
                                   g_ascii_isupper(s[i - 1])));
        f *= rare ? 0.02 : i < 4 ? 0.25 : 0.5;
    }
    return f;
}

static void push_variant(GArray *a, const char *s, size_t len, bool caseless,
                         guint32 dmin, guint32 dmax)
{
    fx_trigger t = {0};
    t.len = (guint)len;
    t.caseless = caseless;
    for (guint i = 0; i < t.len; i++)
        t.lit[i] = caseless ? g_ascii_tolower(s[i]) : s[i];
    t.dmin = dmin;
    t.dmax = dmax;
    g_array_append_val(a, t);
}

/* Append the triggers for literal `s` (its first FX_TRIGGER_CHARS
 * characters) to `n`.  Caseless, each k or s also stands for U+212A or
 * U+017F, so the literal goes in once per spelling; it is cut before a
 * fourth k or s, or a non-ASCII character.  Returns the bytes of `s`
 * used (0: none, and the node has no triggers). */
static size_t add_literal(node *n, const char *s, size_t len, bool caseless,
                          guint32 dmin, guint32 dmax)
{
    size_t use = 0, ks = 0;
    while (use < len && use < FX_TRIGGER_CHARS) {
        unsigned char c = (unsigned char)s[use];
        if (caseless && (c & 0x80))
            break;
        if (caseless && folds_wide(c) && ++ks > 3)
            break;
        if (!caseless && (c & 0x80)) {
            /* keep whole characters */
            size_t l = (size_t)(g_utf8_next_char(s + use) - (s + use));
            if (use + l > len || use + l > FX_TRIGGER_MAX)
                break;
            use += l;
            continue;
        }
        use++;
    }
    if (use == 0) {
        node_clear(n);
        return 0;
    }
    if (!n->trig) {
        n->trig = g_array_new(FALSE, FALSE, sizeof(fx_trigger));
        n->cost = 0;
    }
    n->cost += lit_cost(s, use, caseless);
    guint variants = caseless ? 1u << ks : 1u;
    for (guint v = 0; v < variants; v++) {
        char b[FX_TRIGGER_MAX];
        size_t bl = 0;
        guint which = 0;
        for (size_t i = 0; i < use; i++) {
            char c = s[i];
            if (caseless && folds_wide((unsigned char)c) &&
                (v >> which++ & 1u)) {
                const char *alt = g_ascii_tolower(c) == 'k' ? "\xe2\x84\xaa"
                                                            : "\xc5\xbf";
                memcpy(b + bl, alt, strlen(alt));
                bl += strlen(alt);
            } else {
                b[bl++] = c;
            }
        }
        push_variant(n->trig, b, bl, caseless, dmin, dmax);
    }
    return use;
}

/* Encode code point `c` as UTF-8 into `out`; returns the length. */
static size_t utf8(guint32 c, char *out)
{
    return (size_t)g_unichar_to_utf8((gunichar)c, out);
}

/* The bytes a character of the pattern (code point `c`) may match. */
static void char_bytes(fx_byteset *out, guint32 c, bool caseless)
{
    char b[8];
    size_t len = utf8(c, b);
    for (size_t i = 0; i < len; i++)
        set_add(out, (unsigned char)b[i]);
    if (caseless && g_ascii_isalpha((int)c)) {
        set_add(out, (unsigned char)g_ascii_tolower((int)c));
        set_add(out, (unsigned char)g_ascii_toupper((int)c));
    }
    if (caseless && folds_wide((unsigned char)MIN(c, 0xFF)))
        /* KELVIN SIGN, LONG S and other non-ASCII case partners. */
        set_range(out, 0x80, 0xFF);
    if (caseless && c > 127) {
        /* and their ASCII partners (U+212A is also k) */
        set_range(out, 'A', 'Z');
        set_range(out, 'a', 'z');
    }
}

/* A literal character (code point `c`) as a node. */
static void literal_node(node *n, guint32 c, bool caseless)
{
    char b[8];
    size_t len = utf8(c, b);
    n->min = n->fixed = len;
    char_bytes(&n->bytes, c, caseless);
    if (caseless && folds_wide((unsigned char)MIN(c, 0xFF))) {
        n->min = 1; /* U+017F matches a one-byte 's' */
        n->fixed = 4;
    }
    fx_glu__char(&n->glu, &n->bytes);
    add_literal(n, b, len, caseless, 0, 0);
}

/* \A: a match through it starts at the start of the text, which the
 * engine knows without looking for a literal. */
static void start_node(node *n)
{
    fx_trigger t = {0};
    t.at_start = true;
    n->trig = g_array_new(FALSE, FALSE, sizeof(fx_trigger));
    g_array_append_val(n->trig, t);
    n->cost = 0;
}

/* A subroutine call or back reference: any string at all. */
static void opaque_node(node *n)
{
    node_init(n);
    set_range(&n->free, 0, 0xFF);
    set_range(&n->bytes, 0, 0xFF);
    glu_approx(n);
}

/* Put part `f` in front of the chain at `*head`. */
static void push_link(parser *ps, const struct fx_back_link **head,
                      const fx_back_frag *f)
{
    struct fx_back_link *l = g_new(struct fx_back_link, 1);
    l->frag = f;
    l->next = *head;
    l->depth = *head ? (*head)->depth + 1 : 1;
    g_ptr_array_add(ps->links, l);
    *head = l;
}

/* Put `after` (what a match holds after these triggers' literals, within
 * the node that holds them; consumed) into their forward chains, but
 * not into those of sealed triggers. */
static void chain_after(parser *ps, GArray *trig, fx_glu *after)
{
    if (ps->pool && after->cls && after->cls->len > 0) {
        const fx_back_frag *f = fx_glu__freeze_ahead(after);
        g_ptr_array_add(ps->pool, (gpointer)f);
        for (guint i = 0; i < trig->len; i++) {
            fx_trigger *t = &g_array_index(trig, fx_trigger, i);
            if (t->after_sealed)
                continue;
            push_link(ps, &t->after_link, f);
        }
    }
    fx_glu__clear(after);
}

/* What follows these triggers is not known past here: their forward
 * chains end, and a match may hold anything after them. */
static void seal_after(GArray *trig)
{
    for (guint i = 0; trig && i < trig->len; i++)
        g_array_index(trig, fx_trigger, i).after_sealed = true;
}

/* The items of a sequence after its triggers, added one at a time: past
 * the automata's limits the triggers' chains end with what is there. */
static void grow_after(parser *ps, node *seq, const fx_glu *it)
{
    if (!seq->trig || !ps->pool)
        return;
    fx_glu copy = {0};
    fx_glu__copy(&copy, it);
    if (!fx_glu__concat(&seq->after, &copy)) {
        chain_after(ps, seq->trig, &seq->after);
        seal_after(seq->trig);
    }
}

/* ---- parsing ---- */

static void parse_alt(parser *ps, node *out);
static void parse_seq(parser *ps, node *seq);

static bool eat(parser *ps, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, s, n) == 0) {
        ps->p += n;
        return true;
    }
    return false;
}

static guint32 hex(parser *ps, int max_digits)
{
    guint32 v = 0;
    int n = 0;
    while (ps->p < ps->end && n < max_digits && g_ascii_isxdigit(*ps->p)) {
        v = v * 16 + (guint32)g_ascii_xdigit_value(*ps->p++);
        n++;
    }
    return v;
}

/* One UTF-8 character of the pattern itself. */
static guint32 pattern_char(parser *ps)
{
    gunichar c = g_utf8_get_char_validated(ps->p, ps->end - ps->p);
    if (c == (gunichar)-1 || c == (gunichar)-2) {
        ps->failed = true;
        ps->p++;
        return 0;
    }
    ps->p = g_utf8_next_char(ps->p);
    return c;
}

/* A character class escape or \p: its bytes and longest encoding. */
typedef struct {
    fx_byteset bytes;
    size_t maxlen;
} cls_info;

static bool class_escape(parser *ps, char e, bool caseless, cls_info *ci)
{
    memset(ci, 0, sizeof *ci);
    ci->maxlen = 1;
    switch (e) {
    case 'd':
        set_range(&ci->bytes, '0', '9');
        return true;
    case 'w':
        set_range(&ci->bytes, '0', '9');
        set_range(&ci->bytes, 'A', 'Z');
        set_range(&ci->bytes, 'a', 'z');
        set_add(&ci->bytes, '_');
        return true;
    case 's':
        set_range(&ci->bytes, '\t', '\r');
        set_add(&ci->bytes, ' ');
        set_range(&ci->bytes, 0x80, 0xFF);
        ci->maxlen = 2;
        return true;
    case 'h':
        set_add(&ci->bytes, '\t');
        set_add(&ci->bytes, ' ');
        set_range(&ci->bytes, 0x80, 0xFF);
        ci->maxlen = 3;
        return true;
    case 'v':
        set_range(&ci->bytes, '\n', '\r');
        set_range(&ci->bytes, 0x80, 0xFF);
        ci->maxlen = 3;
        return true;
    case 'p':
    case 'P': {
        char name[32] = "";
        if (eat(ps, "{")) {
            const char *close = memchr(ps->p, '}', ps->end - ps->p);
            if (!close || close - ps->p >= (ptrdiff_t)sizeof name) {
                ps->failed = true;
                return false;
            }
            memcpy(name, ps->p, close - ps->p);
            name[close - ps->p] = '\0';
            ps->p = close + 1;
        } else if (ps->p < ps->end) {
            name[0] = *ps->p++;
            name[1] = '\0';
        }
        ci->maxlen = 4;
        set_range(&ci->bytes, 0x80, 0xFF);
        bool lu = strcmp(name, "Lu") == 0, ll = strcmp(name, "Ll") == 0;
        if (e == 'p' && (strcmp(name, "L") == 0 || lu || ll)) {
            if (lu || caseless)
                set_range(&ci->bytes, 'A', 'Z');
            if (ll || caseless || !lu)
                set_range(&ci->bytes, 'a', 'z');
            if (!lu && !ll)
                set_range(&ci->bytes, 'A', 'Z');
        } else if (!(e == 'p' && strcmp(name, "M") == 0)) {
            set_range(&ci->bytes, 0, 0xFF);
        }
        return true;
    }
    case 'D':
    case 'W':
    case 'S':
    case 'H':
    case 'V':
    case 'N':
        set_range(&ci->bytes, 0, 0xFF);
        ci->maxlen = 4;
        return true;
    default:
        return false;
    }
}

/* A single-character escape (\n, \x{..}, \.); false if not one. */
static bool char_escape(parser *ps, char e, guint32 *c)
{
    switch (e) {
    case 'n': *c = '\n'; return true;
    case 't': *c = '\t'; return true;
    case 'r': *c = '\r'; return true;
    case 'f': *c = '\f'; return true;
    case 'e': *c = 0x1B; return true;
    case 'a': *c = 0x07; return true;
    case 'x':
        if (eat(ps, "{")) {
            *c = hex(ps, 8);
            if (!eat(ps, "}"))
                ps->failed = true;
        } else {
            *c = hex(ps, 2);
        }
        return true;
    case '0': {
        guint32 v = 0;
        for (int i = 0; i < 2 && ps->p < ps->end && *ps->p >= '0' &&
                        *ps->p <= '7'; i++)
            v = v * 8 + (guint32)(*ps->p++ - '0');
        *c = v;
        return true;
    }
    default:
        if (!g_ascii_isalnum(e)) {
            *c = (guint32)(unsigned char)e;
            return true;
        }
        return false;
    }
}

/* Add code point `c` to a class being read (`list` holds its UTF-8). */
static void class_add(fx_byteset *bytes, GString *list, size_t *maxlen,
                      guint32 c, bool caseless)
{
    char b[8];
    size_t len = utf8(c, b);
    *maxlen = MAX(*maxlen, len);
    for (size_t i = 0; i < len; i++)
        set_add(bytes, (unsigned char)b[i]);
    if (caseless && (c > 127 || c == 'k' || c == 'K' || c == 's' ||
                     c == 'S')) {
        /* U+212A and U+017F fold with k and s: every letter, to be safe. */
        set_range(bytes, 0x80, 0xFF);
        set_range(bytes, 'A', 'Z');
        set_range(bytes, 'a', 'z');
        *maxlen = 4;
        g_string_truncate(list, 0);
        g_string_append_c(list, '\x01'); /* poisoned: no triggers */
        return;
    }
    if (list->len && list->str[0] == '\x01')
        return;
    g_string_append_len(list, b, (gssize)len);
    g_string_append_c(list, '\0');
    if (caseless && g_ascii_isalpha((int)c)) {
        char o = g_ascii_isupper((int)c) ? g_ascii_tolower((int)c)
                                          : g_ascii_toupper((int)c);
        set_add(bytes, (unsigned char)o);
    }
}

/* [...]: after the '['. */
static void parse_class(parser *ps, node *n)
{
    bool negated = eat(ps, "^");
    fx_byteset bytes = {0};
    GString *list = g_string_new(NULL);
    size_t maxlen = 1, members = 0;
    bool first = true, large = false;
    while (ps->p < ps->end && !ps->failed) {
        if (*ps->p == ']' && !first) {
            ps->p++;
            break;
        }
        first = false;
        if (eat(ps, "[:")) {
            const char *close = strstr(ps->p, ":]");
            if (!close || close >= ps->end) {
                ps->failed = true;
                break;
            }
            ps->p = close + 2;
            set_range(&bytes, 0, 0xFF);
            maxlen = 4;
            large = true;
            continue;
        }
        guint32 c;
        if (*ps->p == '\\') {
            ps->p++;
            if (ps->p >= ps->end) {
                ps->failed = true;
                break;
            }
            char e = *ps->p++;
            cls_info ci;
            if (e == 'Q' || e == 'E') {
                ps->failed = true; /* not worth reading here */
                break;
            }
            if (e == 'b') {
                c = 0x08;
            } else if (e == 'd') {
                /* The ten ASCII digits (no UCP): members like others. */
                for (guint32 d = '0'; d <= '9'; d++)
                    class_add(&bytes, list, &maxlen, d, ps->caseless);
                members += 10;
                continue;
            } else if (class_escape(ps, e, ps->caseless, &ci)) {
                set_union(&bytes, &ci.bytes);
                maxlen = MAX(maxlen, ci.maxlen);
                large = true;
                continue;
            } else if (!char_escape(ps, e, &c)) {
                ps->failed = true;
                break;
            }
        } else {
            c = pattern_char(ps);
        }
        if (ps->p + 1 < ps->end && *ps->p == '-' && ps->p[1] != ']') {
            ps->p++;
            guint32 hi;
            if (*ps->p == '\\') {
                ps->p++;
                char e = ps->p < ps->end ? *ps->p++ : 0;
                if (!char_escape(ps, e, &hi)) {
                    ps->failed = true;
                    break;
                }
            } else {
                hi = pattern_char(ps);
            }
            if (hi < c || hi - c > 64) {
                /* A wide range: its bytes, no list. */
                char lo_b[8], hi_b[8];
                utf8(c, lo_b);
                size_t hl = utf8(hi, hi_b);
                if (hi < 128)
                    set_range(&bytes, c, hi);
                else
                    set_range(&bytes, (unsigned char)lo_b[0] < 0x80
                                          ? (unsigned char)lo_b[0]
                                          : 0x80,
                              0xFF);
                if (ps->caseless) {
                    set_range(&bytes, 'A', 'Z');
                    set_range(&bytes, 'a', 'z');
                    set_range(&bytes, 0x80, 0xFF);
                }
                maxlen = MAX(maxlen, hl);
                if (ps->caseless)
                    maxlen = 4;
                large = true;
            } else {
                for (guint32 x = c; x <= hi; x++)
                    class_add(&bytes, list, &maxlen, x, ps->caseless);
                members += hi - c + 1;
            }
            continue;
        }
        class_add(&bytes, list, &maxlen, c, ps->caseless);
        members++;
    }
    n->min = 1;
    n->fixed = negated ? 4 : maxlen;
    if (negated)
        set_range(&bytes, 0, 0xFF);
    n->bytes = bytes;
    fx_glu__char(&n->glu, &n->bytes);
    bool poisoned = list->len && list->str[0] == '\x01';
    if (!negated && !large && !poisoned && members > 0 &&
        members <= CLASS_MAX_MEMBERS) {
        for (const char *s = list->str; s < list->str + list->len;
             s += strlen(s) + 1)
            add_literal(n, s, strlen(s), false, 0, 0);
        n->whole = n->trig != NULL;
    }
    g_string_free(list, TRUE);
}

/* Skip a group's contents we do not analyse (a comment). */
static void skip_to_close(parser *ps)
{
    while (ps->p < ps->end && *ps->p != ')')
        ps->p++;
    if (!eat(ps, ")"))
        ps->failed = true;
}

/* Inline options "i", "-i", "im" ...: after "(?".  Returns true when the
 * group was only a setting "(?i)"; false when it opens "(?i:". */
static bool parse_options(parser *ps, bool *caseless, bool *is_group)
{
    bool on = true;
    while (ps->p < ps->end) {
        char c = *ps->p++;
        if (c == ')') {
            *is_group = false;
            return true;
        }
        if (c == ':') {
            *is_group = true;
            return true;
        }
        if (c == '-')
            on = false;
        else if (c == 'i')
            *caseless = on;
        else if (c == 'x' || c == 'X')
            return false; /* extended syntax: not read here */
        else if (!strchr("msnJU^", c))
            return false;
    }
    return false;
}

/* A zero-width node. */
static void empty_node(node *n)
{
    node_init(n);
}

/* Keep a node's triggers but make it take no room (a lookaround). */
static void zero_width(node *n)
{
    glu_empty(n);
    n->pure = false;
    n->whole = false;
    n->min = n->fixed = 0;
    memset(&n->free, 0, sizeof n->free);
    memset(&n->bytes, 0, sizeof n->bytes);
}

/*
 * "(?<=": after it.  A lookbehind whose every branch is a fixed string
 * (exact case) gives triggers that sit a known distance before the place:
 * "(?<=said )" puts the start 5 bytes after the start of "said ".  Any
 * other lookbehind gives none.
 */
static void parse_lookbehind(parser *ps, node *n)
{
    node_init(n);
    bool ok = true;
    do {
        node b;
        parse_seq(ps, &b);
        bool exact = b.trig && b.min == b.fixed &&
                     !memcmp(&b.free, &(fx_byteset){{0}}, sizeof b.free);
        for (guint i = 0; exact && i < b.trig->len; i++) {
            fx_trigger *t = &g_array_index(b.trig, fx_trigger, i);
            if (t->caseless || t->dmin != t->dmax || t->behind)
                exact = false;
            t->behind = true;
            t->ahead = (guint32)b.min - t->dmin;
        }
        if (exact && ok) {
            if (!n->trig) {
                n->trig = b.trig;
                n->cost = b.cost;
                b.trig = NULL;
            } else {
                g_array_append_vals(n->trig, b.trig->data, b.trig->len);
                n->cost += b.cost;
            }
        } else {
            ok = false;
        }
        node_clear(&b);
        fx_glu__clear(&b.glu);
    } while (!ps->failed && eat(ps, "|"));
    if (!eat(ps, ")"))
        ps->failed = true;
    if (!ok)
        node_clear(n);
    zero_width(n);
}

/* Does `g` match exactly one character? */
static bool one_char(const fx_glu *g)
{
    return g->cls && g->cls->len == 1 && g->follow->len == 0 &&
           !g->nullable;
}

/* The ASCII bytes that the one-character pattern `content` (caseless
 * when `ci`) matches, asked of PCRE2 itself, so that they are exact:
 * false when the content is not that simple (a group, an anchor, an
 * alternative), or does not compile. */
static bool barred_bytes(const char *content, size_t len, bool ci,
                         fx_byteset *out)
{
    for (size_t i = 0; i < len; i++) {
        char c = content[i];
        if (c == '(' || c == '|' || c == '$' ||
            (c == '^' && (i == 0 || content[i - 1] != '[')))
            return false;
        if (c == '\\' && i + 1 < len) {
            if (strchr("bBAzZGKQE", content[i + 1]))
                return false;
            i++;
        }
    }
    GString *pat = g_string_new(ci ? "(?i)(?:" : "(?:");
    g_string_append_len(pat, content, (gssize)len);
    g_string_append_c(pat, ')');
    int err;
    PCRE2_SIZE at;
    pcre2_code *code = pcre2_compile(
        (PCRE2_SPTR)pat->str, pat->len,
        PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &err, &at, NULL);
    g_string_free(pat, TRUE);
    if (!code)
        return false;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    memset(out, 0, sizeof *out);
    for (unsigned b = 0; b < 128; b++) {
        PCRE2_UCHAR8 subject = (PCRE2_UCHAR8)b;
        if (pcre2_match(code, &subject, 1, 0, 0, md, NULL) >= 0)
            set_add(out, (unsigned char)b);
    }
    pcre2_match_data_free(md);
    pcre2_code_free(code);
    return true;
}

/* "(": after the '('. */
static void parse_group(parser *ps, node *n)
{
    bool saved = ps->caseless;
    bool lookaround = false, conditional = false, behind_not = false;
    if (eat(ps, "?:") || eat(ps, "?>") || eat(ps, "?|")) {
    } else if (eat(ps, "?=")) {
        /* What a lookahead needs is needed at this place; what comes
         * after it in the pattern starts here too, not after it. */
        parse_alt(ps, n);
        seal_after(n->trig);
        if (!eat(ps, ")"))
            ps->failed = true;
        ps->caseless = saved;
        zero_width(n);
        return;
    } else if (eat(ps, "?<=")) {
        parse_lookbehind(ps, n);
        ps->caseless = saved;
        return;
    } else if (eat(ps, "?!")) {
        lookaround = true;
    } else if (eat(ps, "?<!")) {
        lookaround = behind_not = true;
    } else if (eat(ps, "?<") || eat(ps, "?P<") || eat(ps, "?'")) {
        while (ps->p < ps->end && (g_ascii_isalnum(*ps->p) || *ps->p == '_'))
            ps->p++;
        if (!eat(ps, ">") && !eat(ps, "'"))
            ps->failed = true;
    } else if (eat(ps, "?#")) {
        skip_to_close(ps);
        empty_node(n);
        return;
    } else if (eat(ps, "?(")) {
        /* (?(<name>)yes|no) and the like: either branch may run. */
        conditional = true;
        if (ps->p < ps->end && *ps->p == '?') {
            ps->failed = true; /* an assertion as condition */
        } else {
            const char *close = memchr(ps->p, ')', ps->end - ps->p);
            if (!close || eat(ps, "DEFINE") || eat(ps, "R"))
                ps->failed = true;
            else
                ps->p = close + 1;
        }
    } else if (ps->p + 1 < ps->end && ps->p[0] == '?' &&
               (strchr("-+0123456789&R", ps->p[1]) ||
                (ps->p[1] == 'P' && ps->p + 2 < ps->end &&
                 ps->p[2] == '>'))) {
        /* (?-1), (?2), (?&name), (?R), (?P>name): a subroutine call.  But
         * "(?-i)" is an option setting. */
        const char *q = ps->p + 1;
        if (*q == '-' || *q == '+')
            q++;
        if (q < ps->end && (g_ascii_isdigit(*q) || ps->p[1] == '&' ||
                            ps->p[1] == 'R' || ps->p[1] == 'P')) {
            skip_to_close(ps);
            opaque_node(n);
            return;
        }
        goto options;
    } else if (ps->p < ps->end && *ps->p == '?') {
    options:
        ps->p++;
        bool is_group = false;
        bool ci = ps->caseless;
        if (!parse_options(ps, &ci, &is_group)) {
            ps->failed = true;
            empty_node(n);
            return;
        }
        if (!is_group) {
            ps->caseless = ci; /* lasts to the end of the enclosing group */
            empty_node(n);
            return;
        }
        ps->caseless = ci;
    } else if (ps->p < ps->end && *ps->p == '*') {
        ps->failed = true; /* (*VERB) */
    }
    const char *content = ps->p;
    parse_alt(ps, n);
    size_t content_len = (size_t)(ps->p - content);
    if (!eat(ps, ")"))
        ps->failed = true;
    bool ci = ps->caseless;
    ps->caseless = saved;
    if (lookaround) {
        fx_byteset barred;
        bool guard = behind_not && !ps->failed && one_char(&n->glu) &&
                     barred_bytes(content, content_len, ci, &barred);
        node_clear(n);
        glu_empty(n);
        empty_node(n);
        n->guard = guard;
        if (guard)
            n->guard_bytes = barred;
    }
    if (conditional) {
        /* A missing "no" branch matches the empty string. */
        n->min = 0;
        n->pure = false;
        n->whole = false;
        fx_glu__union(&n->glu, &(fx_glu){0});
        if (n->trig) {
            node_clear(n);
        }
    }
}

/* One atom (no quantifier); `lit` gets its code point when it is a plain
 * literal character. */
static void parse_atom(parser *ps, node *n, bool *is_lit, guint32 *lit)
{
    node_init(n);
    *is_lit = false;
    char c = *ps->p;
    if (c == '(') {
        ps->p++;
        parse_group(ps, n);
        return;
    }
    if (c == '[') {
        ps->p++;
        parse_class(ps, n);
        return;
    }
    if (c == '.') {
        ps->p++;
        n->min = 1;
        n->fixed = 4;
        set_range(&n->bytes, 0, 0xFF);
        fx_glu__char(&n->glu, &n->bytes);
        return;
    }
    if (c == '^' || c == '$') {
        ps->p++;
        return;
    }
    if (c == '\\') {
        ps->p++;
        if (ps->p >= ps->end) {
            ps->failed = true;
            return;
        }
        char e = *ps->p++;
        if (e == 'A') {
            start_node(n);
            return;
        }
        if (strchr("bBzZGK", e))
            return; /* zero-width */
        cls_info ci;
        if (class_escape(ps, e, ps->caseless, &ci)) {
            n->min = 1;
            n->fixed = ci.maxlen;
            n->bytes = ci.bytes;
            fx_glu__char(&n->glu, &n->bytes);
            for (char d = '0'; e == 'd' && d <= '9'; d++)
                add_literal(n, &d, 1, false, 0, 0);
            return;
        }
        if (e == 'R') {
            n->min = 1;
            n->fixed = 3;
            set_range(&n->bytes, '\n', '\r');
            set_range(&n->bytes, 0x80, 0xFF);
            glu_approx(n); /* CR LF is two characters */
            return;
        }
        if (e == 'g' || e == 'k' || (e >= '1' && e <= '9')) {
            /* A back reference \1, \g{-1}, \k<name>: any string. */
            if (ps->p < ps->end && strchr("{<'", *ps->p)) {
                char close = *ps->p == '{' ? '}' : *ps->p == '<' ? '>' : '\'';
                const char *c = memchr(ps->p, close, ps->end - ps->p);
                ps->p = c ? c + 1 : ps->end;
            } else {
                while (ps->p < ps->end &&
                       (g_ascii_isdigit(*ps->p) || *ps->p == '-'))
                    ps->p++;
            }
            opaque_node(n);
            return;
        }
        guint32 cp;
        if (e == 'Q') {
            ps->failed = true; /* \Q...\E: not used by the bundled rules */
            return;
        }
        if (!char_escape(ps, e, &cp)) {
            ps->failed = true; /* back reference, \X, \C ... */
            return;
        }
        *is_lit = true;
        *lit = cp;
        return;
    }
    *is_lit = true;
    *lit = pattern_char(ps);
}

/* A quantifier after an atom: false when there is none. */
static bool parse_quant(parser *ps, size_t *lo, size_t *hi)
{
    if (ps->p >= ps->end)
        return false;
    char c = *ps->p;
    if (c == '?' || c == '*' || c == '+') {
        ps->p++;
        *lo = c == '+' ? 1 : 0;
        *hi = c == '?' ? 1 : SIZE_MAX;
    } else if (c == '{') {
        const char *q = ps->p + 1;
        size_t a = 0, b;
        if (q >= ps->end || !g_ascii_isdigit(*q))
            return false;
        for (; q < ps->end && g_ascii_isdigit(*q); q++)
            a = MIN(a * 10 + (size_t)(*q - '0'), (size_t)BIG * 2);
        b = a;
        if (q < ps->end && *q == ',') {
            q++;
            if (q < ps->end && g_ascii_isdigit(*q)) {
                b = 0;
                for (; q < ps->end && g_ascii_isdigit(*q); q++)
                    b = MIN(b * 10 + (size_t)(*q - '0'), (size_t)BIG * 2);
            } else {
                b = SIZE_MAX;
            }
        }
        if (q >= ps->end || *q != '}')
            return false;
        ps->p = q + 1;
        *lo = a;
        *hi = b;
    } else {
        return false;
    }
    if (ps->p < ps->end && (*ps->p == '?' || *ps->p == '+'))
        ps->p++; /* lazy or possessive: the same strings or fewer */
    return true;
}

static void repeat(parser *ps, node *n, size_t lo, size_t hi)
{
    size_t min = n->min * lo; /* lo <= 2 * BIG and min is small */
    bool unbounded = hi == SIZE_MAX || hi > BIG ||
                     (n->fixed && hi > BIG / n->fixed);
    if (unbounded) {
        set_union(&n->free, &n->bytes);
        n->fixed = 0;
    } else {
        n->fixed *= hi;
    }
    n->min = min;
    n->pure = false;
    n->whole = false;
    if (lo == 0) {
        node_clear(n);
        n->guard = false; /* an optional lookbehind bars nothing */
    }
    /* After the first copy's literal come the other copies. */
    fx_glu more = {0};
    if (n->trig && hi > 1) {
        fx_glu__copy(&more, &n->glu);
        if (!fx_glu__repeat(&more, lo - 1, hi == SIZE_MAX ? hi : hi - 1))
            fx_glu__any(&more, &n->bytes, lo == 1);
    }
    if (!fx_glu__repeat(&n->glu, lo, hi))
        glu_approx(n);
    if (n->trig && hi > 1)
        chain_after(ps, n->trig, &more);
}

/* Shift triggers by a prefix: `pre` is what comes before them.  False
 * when they cannot be (a lookbehind's, after a prefix that takes room). */
static bool shift(GArray *trig, const node *pre)
{
    bool empty = pre->min == 0 && pre->fixed == 0 &&
                 !memcmp(&pre->free, &(fx_byteset){{0}}, sizeof pre->free);
    for (guint i = 0; i < trig->len; i++)
        if (g_array_index(trig, fx_trigger, i).behind && !empty)
            return false;
    for (guint i = 0; i < trig->len; i++) {
        fx_trigger *t = &g_array_index(trig, fx_trigger, i);
        t->dmin = (guint32)MIN(add_sat(t->dmin, pre->min), G_MAXUINT32);
        t->dmax = (guint32)MIN(add_sat(t->dmax, pre->fixed), G_MAXUINT32);
        set_union(&t->free, &pre->free);
    }
    return true;
}

/* Put `before` (what a match holds before these triggers, within the
 * node that adopts them) into the triggers' back chains. */
static void chain_outer(parser *ps, GArray *trig, fx_glu *before)
{
    if (!ps->pool || !before->cls || before->cls->len == 0)
        return; /* no parts kept, or nothing before them */
    const fx_back_frag *f = fx_glu__freeze(before);
    g_ptr_array_add(ps->pool, (gpointer)f);
    for (guint i = 0; i < trig->len; i++) {
        fx_trigger *t = &g_array_index(trig, fx_trigger, i);
        push_link(ps, &t->link, f);
    }
}

/*
 * A sequence that is a literal so far ("A"), then an item whose every
 * match starts with one of its literals ("BF|CF|L"): every match of the
 * two starts with their concatenation ("ABF", "ACF", "AL"), which is far
 * rarer than either.  Such as the gazetteer's tries, whose words are cut
 * at each branch.  The same for a class whose members are its literals
 * ("[A-Z][A-Z\d&]" gives "AA" to "Z&").  Take them when they are cheaper
 * than the sequence's own literals; false when they are not, or cannot
 * be made.
 */
static bool extend(node *seq, const node *it)
{
    if (!it->trig)
        return false;
    bool caseless = seq->pure ? seq->pure_caseless : false;
    for (guint i = 0; i < it->trig->len; i++) {
        const fx_trigger *t = &g_array_index(it->trig, fx_trigger, i);
        if (t->behind || t->at_start || t->link || t->dmin || t->dmax ||
            memcmp(&t->free, &(fx_byteset){{0}}, sizeof t->free) ||
            t->caseless != caseless)
            return false; /* not at the item's very start */
    }
    /* The prefixes: the sequence's literal, or its class's members. */
    guint nprefix = seq->pure ? 1 : seq->trig->len;
    if ((size_t)nprefix * it->trig->len > PRODUCT_MAX)
        return false;
    GArray *ext = g_array_new(FALSE, FALSE, sizeof(fx_trigger));
    double cost = 0;
    for (guint p = 0; p < nprefix; p++) {
        const char *pre = seq->pure ? seq->pure_lit
                                    : g_array_index(seq->trig, fx_trigger, p).lit;
        size_t plen = seq->pure ? seq->pure_len
                                : g_array_index(seq->trig, fx_trigger, p).len;
        for (guint i = 0; i < it->trig->len; i++) {
            const fx_trigger *t = &g_array_index(it->trig, fx_trigger, i);
            fx_trigger x = *t;
            /* A prefix of a needed literal is needed too: cut it to the
             * longest whole characters that fit. */
            size_t len = MIN(plen + t->len, FX_TRIGGER_MAX);
            char b[FX_TRIGGER_MAX * 2];
            memcpy(b, pre, plen);
            memcpy(b + plen, t->lit, t->len);
            while (len < plen + t->len && len > plen &&
                   ((unsigned char)b[len] & 0xC0) == 0x80)
                len--;
            if (len < plen + t->len) {
                /* Its chain starts after the whole of t's literal. */
                x.after_link = NULL;
                x.after_sealed = true;
            }
            memset(&x.barred, 0, sizeof x.barred); /* it starts earlier */
            x.len = (guint)len;
            memcpy(x.lit, b, len);
            if (x.caseless)
                for (size_t k = 0; k < len; k++)
                    x.lit[k] = g_ascii_tolower(x.lit[k]);
            cost += lit_cost(x.lit, len, x.caseless);
            g_array_append_val(ext, x);
        }
    }
    if (cost >= seq->cost) {
        g_array_free(ext, TRUE);
        return false;
    }
    node_clear(seq);
    seq->trig = ext;
    seq->cost = cost;
    return true;
}

/* Bar the bytes of the lookbehinds just before `it` (in `seq`) before
 * the literals it starts with; then note its own. */
static void guard_triggers(node *seq, const node *it)
{
    for (guint i = 0; seq->guard_pending && it->trig && i < it->trig->len;
         i++) {
        fx_trigger *t = &g_array_index(it->trig, fx_trigger, i);
        if (!t->behind && !t->at_start && !t->link && !t->dmin && !t->dmax &&
            !memcmp(&t->free, &(fx_byteset){{0}}, sizeof t->free))
            set_union(&t->barred, &seq->guard_pending_bytes);
    }
    if (it->guard) {
        if (!seq->guard_pending)
            memset(&seq->guard_pending_bytes, 0,
                   sizeof seq->guard_pending_bytes);
        seq->guard_pending = true;
        set_union(&seq->guard_pending_bytes, &it->guard_bytes);
    } else if (it->glu.cls && it->glu.cls->len > 0) {
        seq->guard_pending = false; /* it takes room */
    }
}

/* Append item `it` to sequence `seq`, keeping the cheaper triggers.  A
 * trigger far into the match costs more: each hit then tries PCRE2 at
 * more starts. */
static void seq_append(parser *ps, node *seq, node *it)
{
    guard_triggers(seq, it);
    if (seq->items++ == 0 && it->pure) {
        seq->pure = true;
        seq->pure_caseless = it->pure_caseless;
        seq->pure_len = it->pure_len;
        memcpy(seq->pure_lit, it->pure_lit, it->pure_len);
    } else if (seq->items == 1 && it->whole) {
        seq->whole = true; /* once it has taken the class's literals */
    } else if (seq->pure || seq->whole) {
        bool whole = seq->whole && seq->trig;
        seq->whole = false;
        if ((seq->pure || whole) && extend(seq, it)) {
            seq->pure = false;
            goto adopted;
        }
        seq->pure = false;
    }
    if (it->trig)
        it->cost *= 1.0 + (double)MIN(seq->fixed, 4096) / 16.0;
    if (it->trig && it->cost < seq->cost && shift(it->trig, seq)) {
        node_clear(seq);
        seq->trig = it->trig;
        seq->cost = it->cost;
        it->trig = NULL;
        chain_outer(ps, seq->trig, &seq->glu);
        goto adopted;
    }
    grow_after(ps, seq, &it->glu);
adopted:
    node_clear(it);
    seq->min = add_sat(seq->min, it->min);
    seq->fixed = add_sat(seq->fixed, it->fixed);
    set_union(&seq->free, &it->free);
    set_union(&seq->bytes, &it->bytes);
    if (!fx_glu__concat(&seq->glu, &it->glu))
        glu_approx(seq);
}

/* The characters run[from, to) (whole UTF-8 characters) as an automaton,
 * one position each, and the bytes they may match added to `*all`. */
static void run_glu(fx_glu *g, const GString *run, gsize from, gsize to,
                    bool caseless, fx_byteset *all)
{
    bool fits = true;
    for (const char *c = run->str + from; c < run->str + to;
         c = g_utf8_next_char(c)) {
        fx_byteset b = {{0}};
        char_bytes(&b, g_utf8_get_char(c), caseless);
        set_union(all, &b);
        fits = fits && fx_glu__append_char(g, &b);
    }
    if (!fits) /* a run longer than the limits: any string of its bytes */
        fx_glu__any(g, all, false);
}

/* A run of literal characters as one item: the best stretch of it. */
static void run_node(parser *ps, node *n, const GString *run, bool caseless)
{
    node_init(n);
    run_glu(&n->glu, run, 0, run->len, caseless, &n->bytes);
    /* Short, and caseless only in ASCII letters that fold alone. */
    n->pure = run->len < FX_TRIGGER_CHARS;
    for (gsize i = 0; n->pure && i < run->len; i++)
        if (caseless && folds_wide((unsigned char)run->str[i]))
            n->pure = false;
    if (n->pure) {
        n->pure_caseless = caseless;
        n->pure_len = (guint)run->len;
        memcpy(n->pure_lit, run->str, run->len);
    }
    n->min = n->fixed = run->len;
    if (caseless) {
        /* Each k, s or non-ASCII byte may stand for up to 3 bytes more,
         * and a character of several bytes may match a single one. */
        n->min = (size_t)g_utf8_strlen(run->str, (gssize)run->len);
        for (gsize i = 0; i < run->len; i++)
            if (folds_wide((unsigned char)run->str[i]))
                n->fixed += 3;
    }
    gsize best = 0, best_len = 0, i = 0;
    while (i < run->len) {
        gsize j = i;
        while (j < run->len && !(caseless && (run->str[j] & 0x80)))
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j + 1;
    }
    if (best_len == 0)
        return;
    /* The stretch's offset is exact only before any folded k or s. */
    gsize off_fixed = best;
    if (caseless)
        for (gsize k = 0; k < best; k++)
            if (folds_wide((unsigned char)run->str[k]))
                off_fixed += 3;
    guint32 dmin = caseless ? (guint32)g_utf8_strlen(run->str, (gssize)best)
                            : (guint32)best;
    size_t used = add_literal(n, run->str + best, best_len, caseless, dmin,
                              (guint32)off_fixed);
    if (n->trig && best + used < run->len) {
        fx_glu rest = {0};
        fx_byteset unused = {{0}};
        run_glu(&rest, run, best + used, run->len, caseless, &unused);
        chain_after(ps, n->trig, &rest);
    }
    if (n->trig && best > 0) {
        fx_glu before = {0};
        fx_byteset unused = {{0}};
        run_glu(&before, run, 0, best, caseless, &unused);
        chain_outer(ps, n->trig, &before);
        fx_glu__clear(&before);
    }
}

static void flush_run(parser *ps, node *seq, GString *run, bool caseless)
{
    if (!run->len)
        return;
    node it;
    run_node(ps, &it, run, caseless);
    seq_append(ps, seq, &it);
    g_string_truncate(run, 0);
}

static void parse_seq(parser *ps, node *seq)
{
    node_init(seq);
    seq->cost = INFINITY;
    GString *run = g_string_new(NULL);
    bool run_caseless = false;
    while (ps->p < ps->end && !ps->failed && *ps->p != '|' &&
           *ps->p != ')') {
        bool ci_before = ps->caseless;
        node it;
        bool is_lit;
        guint32 cp = 0;
        parse_atom(ps, &it, &is_lit, &cp);
        size_t lo, hi;
        bool quant = parse_quant(ps, &lo, &hi);
        if (is_lit && !quant) {
            char b[8];
            size_t len = utf8(cp, b);
            if (run->len && run_caseless != ci_before)
                flush_run(ps, seq, run, run_caseless);
            run_caseless = ci_before;
            g_string_append_len(run, b, (gssize)len);
            node_clear(&it);
            continue;
        }
        flush_run(ps, seq, run, run_caseless);
        if (is_lit)
            literal_node(&it, cp, ci_before);
        if (quant)
            repeat(ps, &it, lo, hi);
        seq_append(ps, seq, &it);
    }
    flush_run(ps, seq, run, run_caseless);
    g_string_free(run, TRUE);
    if (seq->trig)
        chain_after(ps, seq->trig, &seq->after);
}

static void parse_alt(parser *ps, node *out)
{
    parse_seq(ps, out);
    while (!ps->failed && eat(ps, "|")) {
        node b;
        parse_seq(ps, &b);
        out->pure = false;
        out->whole = false;
        out->min = MIN(out->min, b.min);
        out->fixed = MAX(out->fixed, b.fixed);
        set_union(&out->free, &b.free);
        set_union(&out->bytes, &b.bytes);
        if (!fx_glu__union(&out->glu, &b.glu))
            glu_approx(out);
        if (out->trig && b.trig) {
            g_array_append_vals(out->trig, b.trig->data, b.trig->len);
            out->cost += b.cost;
        } else {
            node_clear(out);
        }
        node_clear(&b);
    }
}

/* A trigger's back automaton from its chain: one block, in `pool`,
 * made once per chain. */
static const fx_back *back_of(parser *ps, const struct fx_back_link *l)
{
    const struct fx_back_link *key = l;
    const fx_back *known = g_hash_table_lookup(ps->backs, key);
    if (known)
        return known;
    GPtrArray *pool = ps->pool;
    guint depth = l ? l->depth : 0;
    if (depth > FX_BACK_MAX_FRAGS)
        return NULL;
    size_t sz = sizeof(fx_back) + sizeof(fx_back_chain) +
                depth * sizeof(const fx_back_frag *);
    char *block = g_malloc(sz);
    fx_back *b = (fx_back *)block;
    fx_back_chain *c = (fx_back_chain *)(block + sizeof(fx_back));
    const fx_back_frag **frag =
        (const fx_back_frag **)(block + sizeof(fx_back) + sizeof *c);
    /* The chain lists the outermost part first; the engine reads the one
     * next to the literal first. */
    for (guint i = depth; i-- > 0; l = l->next)
        frag[i] = l->frag;
    c->n = depth;
    c->frag = frag;
    fx_back_chain__prepare(c);
    b->n = 1;
    b->chain = c;
    g_ptr_array_add(pool, b);
    g_hash_table_insert(ps->backs, (gpointer)key, b);
    return b;
}

GArray *fx_prefilter__analyse(const char *pattern, size_t len,
                              GPtrArray *pool)
{
    parser ps = {pattern, pattern + len, false, false, pool,
                 g_ptr_array_new_with_free_func(g_free),
                 g_hash_table_new(NULL, NULL)};
    node n;
    parse_alt(&ps, &n);
    fx_glu__clear(&n.glu);
    if (ps.failed || ps.p != ps.end || !n.trig || n.cost > 0.5) {
        node_clear(&n);
        g_ptr_array_free(ps.links, TRUE);
        g_hash_table_destroy(ps.backs);
        return NULL;
    }
    for (guint i = 0; i < n.trig->len; i++) {
        fx_trigger *t = &g_array_index(n.trig, fx_trigger, i);
        bool exact = t->behind || t->at_start; /* no walk at all */
        t->back = pool && !exact ? back_of(&ps, t->link) : NULL;
        t->link = NULL;
        t->after = pool && t->after_link && !t->at_start
                       ? back_of(&ps, t->after_link)
                       : NULL;
        t->after_link = NULL;
    }
    g_ptr_array_free(ps.links, TRUE);
    g_hash_table_destroy(ps.backs);
    return n.trig;
}
