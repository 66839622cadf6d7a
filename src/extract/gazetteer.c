/*
 * gazetteer.c: TSV lists of named bodies that compile into patterns.
 *
 *     canonical<TAB>acronym<TAB>aliases<TAB>parent<TAB>kind
 *     U.S. Department of Justice<TAB>DOJ<TAB>Department of Justice|...
 *
 * `gazetteer AGENCY: agencies.tsv` in a rule file defines two macros:
 * {{AGENCY}}, every canonical name and alias (a trie of words, see
 * names_alternation; any whitespace run between words, so that names
 * wrapped across lines still match; each word's first letter as written,
 * the rest in any case), and {{AGENCY_ACRONYM}}, every acronym, exactly.
 * The agency normaliser then looks the matched text up here to find the
 * canonical name.  Name lookups fold case, whitespace, curly apostrophes
 * and a possessive 's; acronym lookups are exact.
 */
#include "internal.h"

enum { COL_CANONICAL, COL_ACRONYM, COL_ALIASES, COL_PARENT, COL_KIND, NCOLS };
static const char *const header[NCOLS] = {"canonical", "acronym", "aliases",
                                          "parent", "kind"};

struct fx_gazetteer {
    GPtrArray *entries;     /* of fx_gaz_entry */
    GHashTable *by_name;    /* folded name or alias -> entry */
    GHashTable *by_acronym; /* acronym -> entry */
    char *names_pattern;
    char *acronyms_pattern;
};

/* The lookup key of a name: casefolded, whitespace folded, ' for ’, and
 * without a trailing possessive. */
static char *fold_key(const char *s, gsize len)
{
    GString *t = g_string_sized_new(len);
    fx_text__fold(t, s, len);
    GString *u = g_string_sized_new(t->len);
    for (const char *p = t->str; *p;) {
        if (g_str_has_prefix(p, "\u2019")) {
            g_string_append_c(u, '\'');
            p += strlen("\u2019");
        } else {
            g_string_append_c(u, *p++);
        }
    }
    if (u->len > 2 && strcmp(u->str + u->len - 2, "'s") == 0)
        g_string_truncate(u, u->len - 2);
    char *key = g_utf8_casefold(u->str, (gssize)u->len);
    g_string_free(t, TRUE);
    g_string_free(u, TRUE);
    return key;
}

/* Words matched in any case wherever they stand ("Committee against
 * Torture", "Committee Against Torture", "COMMITTEE AGAINST TORTURE"). */
static const char *const small_words[] = {
    "of", "the", "and", "for", "on", "in", "to", "at", "against", "with",
    "by", "a", "an", "de", NULL,
};

bool fx_gazetteer__is_small_word(const char *w, gsize len)
{
    for (int i = 0; small_words[i]; i++)
        if (strlen(small_words[i]) == len &&
            g_ascii_strncasecmp(w, small_words[i], len) == 0)
            return true;
    return false;
}

/* Append the bytes [s, e) of a word as literal pattern text: either
 * apostrophe for an apostrophe, metacharacters escaped. */
static void append_literal(GString *out, const char *s, const char *e)
{
    for (; s < e; s++) {
        if (*s == '\'' || (e - s >= 3 && memcmp(s, "\u2019", 3) == 0)) {
            g_string_append(out, "['\u2019]");
            if (*s != '\'')
                s += 2;
        } else {
            if (strchr("\\.^$|?*+()[]{}-#/", *s))
                g_string_append_c(out, '\\');
            g_string_append_c(out, *s);
        }
    }
}

/*
 * One word of a surface form as a pattern.  A word keeps its first letter
 * as written and matches the rest in any case, so "Department" also
 * matches the "DEPARTMENT" of a letterhead but never "department": a
 * lower-case word in prose is not the body's name.  Small words such as
 * "of" and "against" match in any case.
 */
static char *word_pattern(const char *w, gsize len)
{
    GString *p = g_string_new(NULL);
    const char *end = w + len;
    if (fx_gazetteer__is_small_word(w, len)) {
        char *lower = g_ascii_strdown(w, (gssize)len);
        g_string_append(p, "(?i)");
        append_literal(p, lower, lower + len);
        g_string_append(p, "(?-i)");
        g_free(lower);
        return g_string_free(p, FALSE);
    }
    const char *rest = g_utf8_find_next_char(w, end);
    if (!rest)
        rest = end;
    append_literal(p, w, rest);
    bool letters = false;
    for (const char *s = rest; s < end; s = g_utf8_next_char(s))
        if (g_unichar_isalpha(g_utf8_get_char(s)))
            letters = true;
    if (letters)
        g_string_append(p, "(?i)");
    append_literal(p, rest, end);
    if (letters)
        g_string_append(p, "(?-i)");
    return g_string_free(p, FALSE);
}

/*
 * The names of a gazetteer compile into one pattern.  A flat alternation
 * of ~600 names outgrows PCRE2's compiled-pattern limit (64 KiB with the
 * usual 2-byte links), so the names are stored as a trie of words and
 * emitted with their shared beginnings written once:
 *
 *     Office of Justice Programs          O(?i)ffice(?-i)\s+(?i)of(?-i)\s+
 *     Office of Legal Counsel       ->      (?:J(?i)ustice(?-i)\s+...
 *     Office                                 |L(?i)egal(?-i)\s+...))?
 *
 * A node where a name ends makes the rest optional, and greedy, so the
 * longest name is tried first and a shorter one is found on backtracking.
 */
typedef struct trie_node {
    char *atom;          /* the word's pattern; NULL at the root */
    bool terminal;       /* a name ends with this word */
    GPtrArray *children; /* of trie_node */
} trie_node;

static trie_node *trie_new(char *atom)
{
    trie_node *n = g_new0(trie_node, 1);
    n->atom = atom;
    n->children = g_ptr_array_new();
    return n;
}

static void trie_free(trie_node *n)
{
    for (guint i = 0; i < n->children->len; i++)
        trie_free(g_ptr_array_index(n->children, i));
    g_ptr_array_free(n->children, TRUE);
    g_free(n->atom);
    g_free(n);
}

/* Add a surface form, word by word (spaces separate words). */
static void trie_add(trie_node *root, const char *surface)
{
    trie_node *n = root;
    for (const char *s = surface; *s;) {
        while (*s == ' ')
            s++;
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        if (e == s)
            break;
        char *atom = word_pattern(s, (gsize)(e - s));
        trie_node *next = NULL;
        for (guint i = 0; i < n->children->len && !next; i++) {
            trie_node *c = g_ptr_array_index(n->children, i);
            if (strcmp(c->atom, atom) == 0)
                next = c;
        }
        if (next) {
            g_free(atom);
        } else {
            next = trie_new(atom);
            g_ptr_array_add(n->children, next);
        }
        n = next;
        s = e;
    }
    if (n != root)
        n->terminal = true;
}

static gint by_atom(gconstpointer a, gconstpointer b)
{
    const trie_node *x = *(const trie_node *const *)a;
    const trie_node *y = *(const trie_node *const *)b;
    return strcmp(x->atom, y->atom);
}

static void trie_emit_node(GString *out, trie_node *n, gsize skip);

/* The bytes of the character an atom starts with when it is matched
 * exactly (a letter as written, an escaped character), else 0: "(?i)of"
 * and "['’]" start with no one character. */
static gsize exact_lead(const char *atom)
{
    unsigned char c = (unsigned char)atom[0];
    if (c == '\\') /* append_literal() escapes one punctuation mark */
        return atom[1] ? 2 : 0;
    if (c == '(' || c == '[' || c == '\0')
        return 0;
    return (gsize)(g_utf8_next_char(atom) - atom);
}

/*
 * The alternatives of `n`'s children, in a group when there are several.
 * Children that start with the same exact character are written after it
 * once: PCRE2 tries the branches of a group one by one, so at a "W" the
 * flat list made it fail through every name from "A" to "V" first,
 *
 *     (?:D(?i)epartment...|D(?i)ivision...|O(?i)ffice...)
 *  -> (?:D(?:(?i)epartment...|(?i)ivision...)|O(?i)ffice...)
 *
 * The children are sorted, so those runs are contiguous and the order in
 * which PCRE2 tries the names does not change.
 */
static void trie_emit_children(GString *out, trie_node *n, gsize skip)
{
    g_ptr_array_sort(n->children, by_atom);
    guint count = n->children->len;
    bool group = count > 1;
    if (group)
        g_string_append(out, "(?:");
    for (guint i = 0; i < count;) {
        if (i > 0)
            g_string_append_c(out, '|');
        trie_node *c = g_ptr_array_index(n->children, i);
        gsize lead = exact_lead(c->atom);
        guint j = i + 1;
        while (lead && j < count &&
               strncmp(((trie_node *)g_ptr_array_index(n->children, j))->atom,
                       c->atom, lead) == 0)
            j++;
        if (j - i == 1) {
            trie_emit_node(out, c, skip);
        } else {
            g_string_append_len(out, c->atom, (gssize)lead);
            g_string_append(out, "(?:");
            for (guint k = i; k < j; k++) {
                if (k > i)
                    g_string_append_c(out, '|');
                trie_emit_node(out, g_ptr_array_index(n->children, k), lead);
            }
            g_string_append_c(out, ')');
        }
        i = j;
    }
    if (group)
        g_string_append_c(out, ')');
}

/* A node's pattern, without the first `skip` bytes of its atom (its
 * parent wrote them, shared with its siblings). */
static void trie_emit_node(GString *out, trie_node *n, gsize skip)
{
    g_string_append(out, n->atom + skip);
    if (!n->children->len)
        return;
    g_string_append(out, n->terminal ? "(?:\\s+" : "\\s+");
    trie_emit_children(out, n, 0);
    if (n->terminal)
        g_string_append(out, ")?");
}

static char *names_alternation(GPtrArray *surfaces)
{
    trie_node *root = trie_new(NULL);
    for (guint i = 0; i < surfaces->len; i++)
        trie_add(root, g_ptr_array_index(surfaces, i));
    GString *p = g_string_new(NULL);
    if (root->children->len)
        trie_emit_children(p, root, 0);
    else /* an empty gazetteer matches nothing */
        g_string_append(p, "(*FAIL)");
    trie_free(root);
    return g_string_free(p, FALSE);
}

static gint by_string(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Acronyms match exactly, longest first, as a trie of characters: a flat
 * alternation of ~500 acronyms makes PCRE2 try every branch at every
 * capital letter of the text, a trie only the branches that share the
 * letters seen so far.
 *
 *     DHS DOJ DOJ-OIG   ->   D(?:HS|OJ(?:\-OIG)?)
 *
 * `list` is sorted; [from, to) share their first `depth` bytes.
 */
static void acronym_trie(GString *p, GPtrArray *list, guint from, guint to,
                         gsize depth)
{
    bool terminal = false;
    for (guint i = from; i < to; i++)
        if (!((const char *)g_ptr_array_index(list, i))[depth])
            terminal = true;
    /* Children: runs of entries with the same next character. */
    GString *alt = g_string_new(NULL);
    guint count = 0;
    for (guint i = from; i < to;) {
        const char *s = g_ptr_array_index(list, i);
        if (!s[depth]) {
            i++;
            continue;
        }
        const char *next = g_utf8_next_char(s + depth);
        gsize clen = (gsize)(next - (s + depth));
        guint j = i + 1;
        while (j < to) {
            const char *t = g_ptr_array_index(list, j);
            if (strncmp(t + depth, s + depth, clen) != 0)
                break;
            j++;
        }
        if (count++)
            g_string_append_c(alt, '|');
        append_literal(alt, s + depth, next);
        acronym_trie(alt, list, i, j, depth + clen);
        i = j;
    }
    if (count > 1 || (count == 1 && terminal))
        g_string_append_printf(p, "(?:%s)%s", alt->str, terminal ? "?" : "");
    else
        g_string_append(p, alt->str);
    g_string_free(alt, TRUE);
}

static char *acronyms_alternation(GPtrArray *acronyms)
{
    g_ptr_array_sort(acronyms, by_string);
    GString *p = g_string_new(NULL);
    if (acronyms->len)
        acronym_trie(p, acronyms, 0, acronyms->len, 0);
    else
        g_string_append(p, "(*FAIL)");
    return g_string_free(p, FALSE);
}

void fx_gazetteer__free(fx_gazetteer *gaz)
{
    if (!gaz)
        return;
    g_ptr_array_free(gaz->entries, TRUE);
    g_hash_table_destroy(gaz->by_name);
    g_hash_table_destroy(gaz->by_acronym);
    g_free(gaz->names_pattern);
    g_free(gaz->acronyms_pattern);
    g_free(gaz);
}

typedef struct {
    const char *file;
    unsigned line;
    const char *line_start;
    fx_reporter *rep;
} tsv_pos;

static fx_loc pos_loc(const tsv_pos *tp, const char *at)
{
    fx_loc loc = {tp->file, tp->line, 1};
    for (const char *s = tp->line_start; s < at; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            loc.col++;
    return loc;
}

static bool add_name(fx_gazetteer *gz, const tsv_pos *tp, const char *at,
                     const char *surface, fx_gaz_entry *e,
                     GPtrArray *surfaces)
{
    char *key = fold_key(surface, strlen(surface));
    fx_gaz_entry *prev = g_hash_table_lookup(gz->by_name, key);
    if (prev && prev != e) {
        fx_report__at(tp->rep, FX_SEV_ERROR, pos_loc(tp, at),
                      (unsigned)g_utf8_strlen(surface, -1),
                      "'%s' already names '%s' (line %u)", surface,
                      prev->canonical, prev->loc.line);
        g_free(key);
        return false;
    }
    g_hash_table_replace(gz->by_name, key, e);
    g_ptr_array_add(surfaces, (gpointer)surface);
    return true;
}

static void load_line(fx_gazetteer *gz, tsv_pos *tp, char *line,
                      GStringChunk *strings, GPtrArray *names,
                      GPtrArray *acronyms)
{
    char **cols = g_strsplit(line, "\t", -1);
    guint n = g_strv_length(cols);
    if (n != NCOLS) {
        fx_report__at(tp->rep, FX_SEV_ERROR, pos_loc(tp, line), 1,
                      "expected %d tab-separated columns (canonical, "
                      "acronym, aliases, parent, kind), found %u", NCOLS, n);
        g_strfreev(cols);
        return;
    }
    const char *at[NCOLS];
    const char *p = line;
    for (int c = 0; c < NCOLS; c++) {
        at[c] = p;
        p += strlen(cols[c]) + 1;
        g_strstrip(cols[c]);
    }
    if (!*cols[COL_CANONICAL]) {
        fx_report__at(tp->rep, FX_SEV_ERROR, pos_loc(tp, line), 1,
                      "the canonical name is empty");
        g_strfreev(cols);
        return;
    }
    fx_gaz_entry *e = g_new0(fx_gaz_entry, 1);
    e->canonical = g_string_chunk_insert_const(strings, cols[COL_CANONICAL]);
    e->acronym = g_string_chunk_insert_const(strings, cols[COL_ACRONYM]);
    e->parent = g_string_chunk_insert_const(strings, cols[COL_PARENT]);
    e->kind = g_string_chunk_insert_const(strings, cols[COL_KIND]);
    e->loc = pos_loc(tp, line);
    g_ptr_array_add(gz->entries, e);
    add_name(gz, tp, at[COL_CANONICAL], e->canonical, e, names);
    if (*e->acronym) {
        fx_gaz_entry *prev = g_hash_table_lookup(gz->by_acronym, e->acronym);
        if (prev)
            fx_report__at(tp->rep, FX_SEV_ERROR, pos_loc(tp, at[COL_ACRONYM]),
                          (unsigned)strlen(e->acronym),
                          "acronym '%s' already belongs to '%s' (line %u)",
                          e->acronym, prev->canonical, prev->loc.line);
        else
            g_hash_table_insert(gz->by_acronym, (gpointer)e->acronym, e);
        g_ptr_array_add(acronyms, (gpointer)e->acronym);
    }
    if (*cols[COL_ALIASES]) {
        char **aliases = g_strsplit(cols[COL_ALIASES], "|", -1);
        for (char **a = aliases; *a; a++) {
            g_strstrip(*a);
            if (!**a) {
                fx_report__at(tp->rep, FX_SEV_ERROR,
                              pos_loc(tp, at[COL_ALIASES]), 1,
                              "empty alias (two '|' in a row?)");
                continue;
            }
            add_name(gz, tp, at[COL_ALIASES],
                     g_string_chunk_insert_const(strings, *a), e, names);
        }
        g_strfreev(aliases);
    }
    g_strfreev(cols);
}

fx_gazetteer *fx_gazetteer__load(const char *path, fx_loc directive,
                                 GStringChunk *strings,
                                 fx_reporter *rep)
{
    gchar *data = NULL;
    gsize len = 0;
    GError *err = NULL;
    if (!g_file_get_contents(path, &data, &len, &err)) {
        fx_report__at(rep, FX_SEV_ERROR, directive, 1,
                      "cannot read gazetteer: %s", err->message);
        g_error_free(err);
        return NULL;
    }
    const char *file = g_string_chunk_insert_const(strings, path);
    const char *bad = NULL;
    if (!g_utf8_validate(data, (gssize)len, &bad)) {
        tsv_pos at = {file, 1, data, rep};
        for (const char *s = data; s < bad; s++)
            if (*s == '\n') {
                at.line++;
                at.line_start = s + 1;
            }
        fx_report__at(rep, FX_SEV_ERROR, pos_loc(&at, bad), 1,
                      "invalid UTF-8 in gazetteer");
        g_free(data);
        return NULL;
    }
    fx_gazetteer *gz = g_new0(fx_gazetteer, 1);
    gz->entries = g_ptr_array_new_with_free_func(g_free);
    gz->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gz->by_acronym = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *names = g_ptr_array_new(), *acronyms = g_ptr_array_new();
    unsigned before = rep->errors;
    bool seen_header = false;
    tsv_pos tp = {file, 0, NULL, rep};
    char *save = data;
    for (char *line = data; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        tp.line++;
        tp.line_start = line;
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[ll - 1] = '\0';
        if (*line && *line != '#') {
            if (!seen_header) {
                char *want = g_strjoinv("\t", (char **)header);
                if (strcmp(line, want) != 0)
                    fx_report__at(rep, FX_SEV_ERROR, pos_loc(&tp, line), 1,
                                  "the first row must be the header '%s' "
                                  "(tab-separated)", "canonical acronym "
                                  "aliases parent kind");
                g_free(want);
                seen_header = true;
            } else {
                load_line(gz, &tp, line, strings, names, acronyms);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    gz->names_pattern = names_alternation(names);
    gz->acronyms_pattern = acronyms_alternation(acronyms);
    g_ptr_array_free(names, TRUE);
    g_ptr_array_free(acronyms, TRUE);
    g_free(save);
    if (rep->errors != before) {
        fx_gazetteer__free(gz);
        return NULL;
    }
    return gz;
}

const char *fx_gazetteer__names_pattern(const fx_gazetteer *gaz)
{
    return gaz->names_pattern;
}

const char *fx_gazetteer__acronyms_pattern(const fx_gazetteer *gaz)
{
    return gaz->acronyms_pattern;
}

const fx_gaz_entry *fx_gazetteer__lookup(const fx_gazetteer *gaz,
                                         const char *text, gsize len)
{
    char *exact = g_strndup(text, len);
    const fx_gaz_entry *e = g_hash_table_lookup(gaz->by_acronym, exact);
    g_free(exact);
    if (e)
        return e;
    char *key = fold_key(text, len);
    e = g_hash_table_lookup(gaz->by_name, key);
    g_free(key);
    return e;
}
