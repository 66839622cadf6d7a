/*
 * macros.c: named sub-patterns shared by all rule files.
 *
 * `macro MONTH: (?i:jan(?:uary)?|...)` defines MONTH; a pattern uses it as
 * {{MONTH}}.  A use expands to "(?:" body ")", so a macro behaves as one
 * atom whatever its content.  Macros may use other macros; a cycle is an
 * error.  Expansion happens after every file is read, so a macro may be
 * defined in any file, before or after its use.
 */
#include "internal.h"

typedef struct {
    char *name;
    fx_locstr body;     /* as written */
    fx_locstr expanded; /* valid when state == DONE */
    fx_loc loc;
    bool used;
    bool generated;     /* made by a gazetteer: never reported unused */
    enum { TODO, BUSY, DONE, FAILED } state;
} macro;

struct fx_macro_table {
    GHashTable *by_name;  /* name -> macro */
    GPtrArray *in_order;  /* of macro, definition order */
};

static void macro_free(gpointer data)
{
    macro *m = data;
    g_free(m->name);
    fx_locstr__clear(&m->body);
    fx_locstr__clear(&m->expanded);
    g_free(m);
}

fx_macro_table *fx_macros__new(void)
{
    fx_macro_table *mt = g_new0(fx_macro_table, 1);
    mt->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    mt->in_order = g_ptr_array_new_with_free_func(macro_free);
    return mt;
}

void fx_macros__free(fx_macro_table *mt)
{
    if (!mt)
        return;
    g_hash_table_destroy(mt->by_name);
    g_ptr_array_free(mt->in_order, TRUE);
    g_free(mt);
}

void fx_macros__define(fx_macro_table *mt, const char *name,
                       const fx_locstr *body, fx_loc loc, fx_reporter *rep)
{
    macro *prev = g_hash_table_lookup(mt->by_name, name);
    if (prev) {
        fx_report__at(rep, FX_SEV_ERROR, loc, (unsigned)strlen(name),
                      "macro '%s' is already defined at %s:%u", name,
                      prev->loc.file, prev->loc.line);
        return;
    }
    macro *m = g_new0(macro, 1);
    m->name = g_strdup(name);
    m->loc = loc;
    m->generated = body->anchors->len > 0 &&
                   !g_array_index(body->anchors, fx_anchor, 0).literal;
    fx_locstr__init(&m->body);
    fx_locstr__append_locstr(&m->body, body);
    g_hash_table_insert(mt->by_name, m->name, m);
    g_ptr_array_add(mt->in_order, m);
}

static bool expand(fx_macro_table *mt, const fx_locstr *src, fx_locstr *out,
                   fx_reporter *rep);

/* The expansion of macro `m`, computed once. */
static const fx_locstr *expansion(fx_macro_table *mt, macro *m,
                                  fx_loc use, fx_reporter *rep)
{
    if (m->state == DONE)
        return &m->expanded;
    if (m->state == FAILED)
        return NULL;
    if (m->state == BUSY) {
        fx_report__at(rep, FX_SEV_ERROR, use, (unsigned)strlen(m->name) + 4,
                      "macro '%s' uses itself", m->name);
        return NULL;
    }
    m->state = BUSY;
    fx_locstr__init(&m->expanded);
    bool ok = expand(mt, &m->body, &m->expanded, rep);
    m->state = ok ? DONE : FAILED;
    return ok ? &m->expanded : NULL;
}

/* Where the text of anchor `a` ends: at the next anchor or the end. */
static gsize anchor_end(const fx_locstr *ls, guint a)
{
    if (a + 1 < ls->anchors->len)
        return g_array_index(ls->anchors, fx_anchor, a + 1).offset;
    return ls->str->len;
}

static bool expand(fx_macro_table *mt, const fx_locstr *src, fx_locstr *out,
                   fx_reporter *rep)
{
    const char *s = src->str->str;
    gsize len = src->str->len, copied = 0;
    bool ok = true;
    for (gsize i = 0; i + 1 < len; i++) {
        if (s[i] != '{' || s[i + 1] != '{')
            continue;
        const char *close = g_strstr_len(s + i + 2, (gssize)(len - i - 2),
                                         "}}");
        fx_loc use = fx_locstr__locate(src, i);
        if (!close) {
            fx_report__at(rep, FX_SEV_ERROR, use, 2,
                          "'{{' without a closing '}}'");
            return false;
        }
        gsize name_len = (gsize)(close - (s + i + 2));
        char *name = g_strndup(s + i + 2, name_len);
        macro *m = g_hash_table_lookup(mt->by_name, name);
        if (!m) {
            fx_report__at(rep, FX_SEV_ERROR, use, (unsigned)name_len + 4,
                          "unknown macro '%s'", name);
            g_free(name);
            ok = false;
            i += name_len + 3;
            continue;
        }
        g_free(name);
        m->used = true;
        /* Copy the literal text before the reference with its anchors. */
        fx_locstr piece;
        fx_locstr__init(&piece);
        for (guint a = 0; a < src->anchors->len; a++) {
            fx_anchor an = g_array_index(src->anchors, fx_anchor, a);
            gsize next = anchor_end(src, a);
            gsize from = MAX(an.offset, copied), to = MIN(next, i);
            if (from >= to)
                continue;
            fx_loc at = fx_locstr__locate(src, from);
            fx_locstr__append(&piece, s + from, (gssize)(to - from), at,
                              an.literal);
        }
        fx_locstr__append_locstr(out, &piece);
        fx_locstr__clear(&piece);
        const fx_locstr *body = expansion(mt, m, use, rep);
        if (!body) {
            ok = false;
        } else {
            fx_locstr__append(out, "(?:", 3, use, false);
            fx_locstr__append_locstr(out, body);
            fx_locstr__append(out, ")", 1, use, false);
        }
        i += name_len + 3;
        copied = i + 1;
    }
    /* The rest after the last reference. */
    for (guint a = 0; a < src->anchors->len; a++) {
        fx_anchor an = g_array_index(src->anchors, fx_anchor, a);
        gsize next = anchor_end(src, a);
        gsize from = MAX(an.offset, copied);
        if (from >= next)
            continue;
        fx_locstr__append(out, s + from, (gssize)(next - from),
                          fx_locstr__locate(src, from), an.literal);
    }
    return ok;
}

bool fx_macros__expand(fx_macro_table *mt, const fx_locstr *src,
                       fx_locstr *out, fx_reporter *rep)
{
    return expand(mt, src, out, rep);
}

void fx_macros__report_unused(fx_macro_table *mt, fx_reporter *rep)
{
    for (guint i = 0; i < mt->in_order->len; i++) {
        macro *m = g_ptr_array_index(mt->in_order, i);
        if (!m->used && !m->generated)
            fx_report__at(rep, FX_SEV_WARNING, m->loc,
                          (unsigned)strlen(m->name),
                          "macro '%s' is never used", m->name);
    }
}
