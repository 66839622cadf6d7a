/*
 * factor.c: rewrite alternations so that PCRE2 fails fast.
 *
 * PCRE2 tries the branches of a group one after the other, so a list of
 * words, as in
 *
 *     (?!(?:The|This|That|These|Those|Our|We|In|On|At|...))
 *
 * makes it fail through every branch at every capital letter of the text:
 * most of figex's matching time went there.  Written with the shared
 * first characters once, a failing position costs a few comparisons:
 *
 *     (?!(?:T(?:h(?:e|is|at|ese|ose))|O(?:ur)|W(?:e)|I(?:n)|O...))
 *
 * Rule files keep the readable list; this module rewrites the expanded
 * pattern before it is compiled.  The rewrite never changes what matches
 * or in which order PCRE2 tries the possibilities:
 *
 *   - branches are only ever merged when they start with the same literal
 *     character (not quantified), which is then written once before a
 *     group of what follows it in each, in their old order;
 *   - branches are only moved past one another when every branch of the
 *     group starts with a literal character, so that no two groups of
 *     them can match at one position (caseless groups need ASCII first
 *     characters for that), and when none holds a capture (moving one would
 *     renumber the groups); otherwise only neighbours are merged;
 *   - a group whose branches change options inline ("a(?i)b|c": the
 *     setting carries into the next branch) is left as it is, and so are
 *     lookbehinds, conditionals and branch resets.
 *
 * A pattern with something this module does not read (\Q...\E, verbs,
 * callouts, numeric back references, the x option) is left whole.
 */
#include "internal.h"

typedef enum {
    TOK_LIT,   /* one literal character: `key` holds what it matches */
    TOK_OTHER, /* a class, an escape, an anchor, a call: copied as is */
    TOK_OPT,   /* an inline option setting such as (?i) or (?-i) */
    TOK_GROUP, /* a group: `text` is its opener, `alts` its branches */
} tok_kind;

typedef struct tok tok;

struct tok {
    tok_kind kind;
    const char *text; /* the token, or a group's opener ("(?:", "(?<n>") */
    gsize len;
    const char *quant; /* quantifier after the token ("", "?", "{0,2}+") */
    gsize quant_len;
    char key[4]; /* TOK_LIT: the character's bytes */
    gsize key_len;
    int caseless;   /* TOK_OPT: 1 sets i, 0 clears it, -1 leaves it;
                       TOK_GROUP: the same for an opener like (?i: */
    bool rewrite;   /* TOK_GROUP: its branches may be rewritten */
    bool captures;  /* TOK_GROUP: it or a group inside it captures */
    GPtrArray *alts; /* TOK_GROUP: of GArray of tok */
};

typedef struct {
    const char *p, *end;
    bool failed;
} parser;

static void alts_free(GPtrArray *alts);

static void seq_clear(GArray *seq)
{
    for (guint i = 0; i < seq->len; i++) {
        tok *t = &g_array_index(seq, tok, i);
        if (t->kind == TOK_GROUP)
            alts_free(t->alts);
    }
}

static void alts_free(GPtrArray *alts)
{
    for (guint i = 0; i < alts->len; i++) {
        seq_clear(g_ptr_array_index(alts, i));
        g_array_free(g_ptr_array_index(alts, i), TRUE);
    }
    g_ptr_array_free(alts, TRUE);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A quantifier at ps->p, if any: ? * + {n} {n,} {n,m}, then ? or +. */
static void parse_quant(parser *ps, tok *t)
{
    const char *p = ps->p;
    t->quant = p;
    if (p < ps->end && (*p == '?' || *p == '*' || *p == '+')) {
        p++;
    } else if (p < ps->end && *p == '{') {
        const char *q = p + 1;
        const char *digits = q;
        while (q < ps->end && is_digit(*q))
            q++;
        if (q == digits)
            goto none;
        if (q < ps->end && *q == ',') {
            q++;
            while (q < ps->end && is_digit(*q))
                q++;
        }
        if (q >= ps->end || *q != '}')
            goto none;
        p = q + 1;
    } else {
        goto none;
    }
    if (p < ps->end && (*p == '?' || *p == '+'))
        p++;
    t->quant_len = (gsize)(p - ps->p);
    ps->p = p;
    return;
none:
    t->quant_len = 0;
}

/* The byte after the first `close` at or after `p`; NULL, and the parse
 * failed, when the pattern ends first. */
static const char *past(parser *ps, const char *p, char close)
{
    const char *at = memchr(p, close, (size_t)(ps->end - p));
    if (!at)
        ps->failed = true;
    return at ? at + 1 : NULL;
}

/* Skip a brace-delimited argument ("{...}") if one starts at `p`. */
static const char *skip_braces(const char *p, const char *end)
{
    if (p < end && *p == '{') {
        while (p < end && *p != '}')
            p++;
        if (p < end)
            p++;
    }
    return p;
}

/* An escape sequence at ps->p (the backslash). */
static void parse_escape(parser *ps, tok *t)
{
    const char *p = ps->p + 1;
    if (p >= ps->end) {
        ps->failed = true;
        return;
    }
    unsigned char c = (unsigned char)*p;
    if (c < 128 && !g_ascii_isalnum(c)) {
        /* An escaped punctuation mark matches itself. */
        t->kind = TOK_LIT;
        t->key[0] = (char)c;
        t->key_len = 1;
        ps->p = p + 1;
        return;
    }
    t->kind = TOK_OTHER;
    if (c >= 128) {
        if (p + g_utf8_skip[c] > ps->end)
            ps->failed = true;
        else
            ps->p = p + g_utf8_skip[c];
        return;
    }
    switch (c) {
    case 'x':
        if (p + 1 < ps->end && p[1] == '{') {
            p = skip_braces(p + 1, ps->end);
        } else {
            p++;
            for (int i = 0; i < 2 && p < ps->end && g_ascii_isxdigit(*p); i++)
                p++;
        }
        break;
    case 'p':
    case 'P':
        if (p + 1 < ps->end && p[1] == '{')
            p = skip_braces(p + 1, ps->end);
        else
            p += 2;
        break;
    case 'N':
    case 'o':
        p = (p + 1 < ps->end && p[1] == '{') ? skip_braces(p + 1, ps->end)
                                             : p + 1;
        break;
    case 'c':
        p += 2;
        break;
    case 'g':
    case 'k':
        /* A back reference or call by name or relative number: \g{-1},
         * \k<name>.  Captures are never renumbered, so it stays valid. */
        p++;
        if (p < ps->end && (*p == '{' || *p == '<' || *p == '\'')) {
            p = past(ps, p + 1, *p == '{' ? '}' : *p == '<' ? '>' : '\'');
            if (!p)
                return;
        } else if (c == 'g') {
            if (p < ps->end && (*p == '-' || *p == '+'))
                p++;
            while (p < ps->end && is_digit(*p))
                p++;
        } else {
            ps->failed = true;
            return;
        }
        break;
    case 'Q':
    case 'E':
        ps->failed = true; /* quoting */
        return;
    default:
        if (is_digit((char)c)) {
            ps->failed = true; /* back reference or octal */
            return;
        }
        p++;
        break;
    }
    if (p > ps->end) {
        ps->failed = true;
        return;
    }
    ps->p = p;
}

/* A character class at ps->p (the '['). */
static void parse_class(parser *ps)
{
    const char *p = ps->p + 1;
    if (p < ps->end && *p == '^')
        p++;
    if (p < ps->end && *p == ']')
        p++;
    while (p < ps->end && *p != ']') {
        if (*p == '\\') {
            p += 2;
        } else if (*p == '[' && p + 1 < ps->end && p[1] == ':') {
            const char *close = g_strstr_len(p + 2, ps->end - p - 2, ":]");
            p = close ? close + 2 : p + 1;
        } else {
            p++;
        }
    }
    if (p >= ps->end) {
        ps->failed = true;
        return;
    }
    ps->p = p + 1;
}

static GPtrArray *parse_alts(parser *ps);

/*
 * What a "(?" construct is.  Sets the token's kind and opener and moves
 * ps->p past the opener; for a group the caller parses the branches.
 */
static void parse_paren(parser *ps, tok *t)
{
    const char *p = ps->p + 1;
    const char *end = ps->end;
    t->kind = TOK_GROUP;
    t->rewrite = true;
    t->caseless = -1;
    if (p < end && *p == '*') {
        ps->failed = true; /* a verb */
        return;
    }
    if (p >= end || *p != '?') {
        t->captures = true; /* a plain capturing group */
        ps->p = p;
        return;
    }
    p++;
    if (p >= end) {
        ps->failed = true;
        return;
    }
    if (*p == ':' || *p == '=' || *p == '!' || *p == '>') {
        ps->p = p + 1;
        return;
    }
    if (*p == '<' && p + 1 < end && (p[1] == '=' || p[1] == '!')) {
        t->rewrite = false; /* lookbehinds want fixed-length branches */
        ps->p = p + 2;
        return;
    }
    if (*p == '<' || *p == '\'' || (*p == 'P' && p + 1 < end && p[1] == '<')) {
        p = past(ps, p + 1, *p == '\'' ? '\'' : '>');
        if (!p)
            return;
        t->captures = true;
        ps->p = p;
        return;
    }
    if (*p == '(') {
        /* A conditional: (?(<name>)yes|no).  Its two branches stay. */
        if (p + 1 < end && (p[1] == '?' || p[1] == '*')) {
            ps->failed = true;
            return;
        }
        p = past(ps, p, ')');
        if (!p)
            return;
        t->rewrite = false;
        ps->p = p;
        return;
    }
    if (*p == 'R' || *p == '&' || *p == '+' || is_digit(*p) ||
        (*p == '-' && p + 1 < end && is_digit(p[1])) ||
        (*p == 'P' && p + 1 < end && (p[1] == '>' || p[1] == '='))) {
        /* A call or a named back reference: one token. */
        p = past(ps, p, ')');
        if (!p)
            return;
        t->kind = TOK_OTHER;
        ps->p = p;
        return;
    }
    /* Option letters, then ')' (a setting) or ':' (a group with them). */
    int caseless = -1;
    bool on = true;
    for (; p < end && *p != ')' && *p != ':'; p++) {
        if (*p == '-') {
            on = false;
        } else if (*p == '^') {
            caseless = 0;
        } else if (*p == 'i') {
            caseless = on ? 1 : 0;
        } else if (*p == '\0' || !strchr("imnsUJ", *p)) {
            ps->failed = true; /* extended mode (x), callouts, the unknown */
            return;
        }
    }
    if (p >= end) {
        ps->failed = true;
        return;
    }
    t->caseless = caseless;
    if (*p == ')')
        t->kind = TOK_OPT;
    ps->p = p + 1;
}

/* One token at ps->p, with its quantifier. */
static bool parse_tok(parser *ps, tok *t)
{
    memset(t, 0, sizeof *t);
    t->caseless = -1;
    t->text = ps->p;
    unsigned char c = (unsigned char)*ps->p;
    switch (c) {
    case '\\':
        parse_escape(ps, t);
        break;
    case '[':
        t->kind = TOK_OTHER;
        parse_class(ps);
        break;
    case '(':
        parse_paren(ps, t);
        break;
    case '.':
    case '^':
    case '$':
        t->kind = TOK_OTHER;
        ps->p++;
        break;
    case '?':
    case '*':
    case '+':
    case '{':
        ps->failed = true; /* a quantifier with nothing before it */
        break;
    default:
        t->kind = TOK_LIT;
        if (c >= 128) {
            gsize n = (gsize)g_utf8_skip[c];
            if (n > sizeof t->key || ps->p + n > ps->end ||
                g_utf8_get_char_validated(ps->p, (gssize)n) >= 0x110000) {
                ps->failed = true;
                break;
            }
            memcpy(t->key, ps->p, n);
            t->key_len = n;
            ps->p += n;
        } else {
            t->key[0] = (char)c;
            t->key_len = 1;
            ps->p++;
        }
        break;
    }
    if (ps->failed)
        return false;
    t->len = (gsize)(ps->p - t->text);
    if (t->kind == TOK_GROUP) {
        t->alts = parse_alts(ps);
        if (ps->failed || ps->p >= ps->end || *ps->p != ')') {
            ps->failed = true;
            return false;
        }
        ps->p++;
        for (guint i = 0; i < t->alts->len; i++) {
            GArray *seq = g_ptr_array_index(t->alts, i);
            for (guint k = 0; k < seq->len; k++) {
                const tok *in = &g_array_index(seq, tok, k);
                t->captures |= in->kind == TOK_GROUP && in->captures;
            }
        }
    }
    if (t->kind != TOK_OPT)
        parse_quant(ps, t);
    return true;
}

/* Branches up to the ')' that closes the group, or the end. */
static GPtrArray *parse_alts(parser *ps)
{
    GPtrArray *alts = g_ptr_array_new();
    GArray *seq = g_array_new(FALSE, FALSE, sizeof(tok));
    g_ptr_array_add(alts, seq);
    while (!ps->failed && ps->p < ps->end && *ps->p != ')') {
        if (*ps->p == '|') {
            ps->p++;
            seq = g_array_new(FALSE, FALSE, sizeof(tok));
            g_ptr_array_add(alts, seq);
            continue;
        }
        tok t;
        if (!parse_tok(ps, &t)) {
            if (t.kind == TOK_GROUP && t.alts)
                alts_free(t.alts);
            break;
        }
        g_array_append_val(seq, t);
    }
    return alts;
}

/* ---- writing ---- */

/* A branch from its `from`-th token on. */
typedef struct {
    const GArray *seq;
    guint from;
} suffix;

static void emit_alts(GString *out, const GPtrArray *alts, bool rewrite,
                      bool *caseless);

static void emit_tok(GString *out, const tok *t, bool *caseless)
{
    g_string_append_len(out, t->text, (gssize)t->len);
    if (t->kind == TOK_OPT && t->caseless >= 0)
        *caseless = t->caseless == 1;
    if (t->kind == TOK_GROUP) {
        bool inner = t->caseless >= 0 ? t->caseless == 1 : *caseless;
        emit_alts(out, t->alts, t->rewrite, &inner);
        g_string_append_c(out, ')');
    }
    g_string_append_len(out, t->quant, (gssize)t->quant_len);
}

static void emit_suffix(GString *out, suffix s, bool *caseless)
{
    for (guint i = s.from; i < s.seq->len; i++)
        emit_tok(out, &g_array_index(s.seq, tok, i), caseless);
}

/* The literal a suffix starts with, or NULL. */
static const tok *lead_of(suffix s)
{
    if (s.from >= s.seq->len)
        return NULL;
    const tok *t = &g_array_index(s.seq, tok, s.from);
    return t->kind == TOK_LIT && t->quant_len == 0 ? t : NULL;
}

static bool same_lead(const tok *a, const tok *b, bool caseless)
{
    if (!a || !b || a->key_len != b->key_len)
        return false;
    if (caseless && a->key_len == 1)
        return g_ascii_tolower(a->key[0]) == g_ascii_tolower(b->key[0]);
    return memcmp(a->key, b->key, a->key_len) == 0;
}

static bool suffix_captures(suffix s)
{
    for (guint i = s.from; i < s.seq->len; i++) {
        const tok *t = &g_array_index(s.seq, tok, i);
        if (t->kind == TOK_GROUP && t->captures)
            return true;
    }
    return false;
}

/* The branches `v` (suffixes), factored by their first characters. */
static void emit_factored(GString *out, const suffix *v, guint n,
                          bool caseless)
{
    bool reorder = n > 1;
    for (guint i = 0; i < n && reorder; i++) {
        const tok *t = lead_of(v[i]);
        reorder = t && (!caseless || (unsigned char)t->key[0] < 128) &&
                  !suffix_captures(v[i]);
    }
    bool *done = g_new0(bool, n);
    suffix *bucket = g_new(suffix, n);
    bool first = true;
    for (guint i = 0; i < n; i++) {
        if (done[i])
            continue;
        const tok *lead = lead_of(v[i]);
        guint count = 0;
        bucket[count++] = v[i];
        done[i] = true;
        for (guint j = i + 1; lead && j < n; j++) {
            if (done[j])
                continue;
            if (same_lead(lead, lead_of(v[j]), caseless)) {
                bucket[count++] = v[j];
                done[j] = true;
            } else if (!reorder) {
                break; /* only neighbours merge */
            }
        }
        if (!first)
            g_string_append_c(out, '|');
        first = false;
        bool mode = caseless;
        if (count == 1) {
            emit_suffix(out, v[i], &mode);
            continue;
        }
        /* The characters all of them share, then a group of the rests. */
        bool shared = true;
        while (shared) {
            emit_tok(out, lead, &mode);
            for (guint k = 0; k < count; k++)
                bucket[k].from++;
            lead = lead_of(bucket[0]);
            for (guint k = 1; k < count && shared; k++)
                shared = same_lead(lead, lead_of(bucket[k]), caseless);
        }
        g_string_append(out, "(?:");
        emit_factored(out, bucket, count, caseless);
        g_string_append_c(out, ')');
    }
    g_free(bucket);
    g_free(done);
}

static void emit_alts(GString *out, const GPtrArray *alts, bool rewrite,
                      bool *caseless)
{
    /* An inline setting in a branch carries into the next ones. */
    for (guint i = 0; i < alts->len && rewrite; i++) {
        const GArray *seq = g_ptr_array_index(alts, i);
        for (guint k = 0; k < seq->len && rewrite; k++)
            rewrite = g_array_index(seq, tok, k).kind != TOK_OPT;
    }
    if (!rewrite || alts->len < 2) {
        for (guint i = 0; i < alts->len; i++) {
            if (i > 0)
                g_string_append_c(out, '|');
            emit_suffix(out, (suffix){g_ptr_array_index(alts, i), 0},
                        caseless);
        }
        return;
    }
    suffix *v = g_new(suffix, alts->len);
    for (guint i = 0; i < alts->len; i++)
        v[i] = (suffix){g_ptr_array_index(alts, i), 0};
    emit_factored(out, v, alts->len, *caseless);
    g_free(v);
}

char *fx_factor__pattern(const char *pattern, size_t len)
{
    parser ps = {pattern, pattern + len, false};
    GPtrArray *alts = parse_alts(&ps);
    char *out = NULL;
    if (!ps.failed && ps.p == ps.end) {
        GString *s = g_string_sized_new(len);
        bool caseless = false;
        emit_alts(s, alts, true, &caseless);
        out = g_string_free(s, FALSE);
    }
    alts_free(alts);
    return out;
}
