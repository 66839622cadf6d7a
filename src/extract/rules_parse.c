/*
 * rules_parse.c: reads the line-oriented rule format (docs/rules.md).
 *
 *     # Dates with the month's name first.
 *     macro MONTH: (?i:jan(?:uary)?|feb(?:ruary)?|...)
 *     gazetteer AGENCY: agencies.tsv
 *
 *     rule date-month-day-year
 *       type: date
 *       priority: 20
 *       pattern: (?<month>{{MONTH}})\.?\s+(?<day>\d{1,2}),\s*
 *              | (?<year>\d{4})\b
 *       example: January 18, 2022 => 2022-01-18
 *       counter: Covid-19
 *
 * A line whose first non-blank character is `|` continues the value of the
 * line before (pattern, macro or description): the text after the bar, and
 * after one space if there is one, is appended as it stands.  Every value
 * keeps a position map (fx_locstr) so later errors point at the right
 * column.  The parser reads on after an error so that one run reports them
 * all.
 */
#include "internal.h"

#include <errno.h>

typedef enum {
    CONT_NONE,
    CONT_PATTERN,
    CONT_MACRO,
    CONT_DESCRIPTION
} cont_kind;

typedef struct {
    fx_ruleset *rs;
    fx_macro_table *macros;
    fx_reporter *rep;
    const char *file; /* interned */
    fx_rule *rule;    /* the rule being read, or NULL */
    cont_kind cont;   /* what a `|` line would continue */
    fx_locstr macro_body;
    char *macro_name;
    fx_loc macro_loc;
    GHashTable *ids;  /* rule id -> fx_rule, across all files */
} parser;

static fx_loc loc_at(const parser *p, unsigned line, const char *line_start,
                     const char *at)
{
    fx_loc loc = {p->file, line, 1};
    for (const char *s = line_start; s < at; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            loc.col++;
    return loc;
}

static bool is_id_char(char c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
}

static bool is_name_char(char c)
{
    return g_ascii_isalnum(c) || c == '_';
}

static const char *skip_blanks(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

static const char *trim_end(const char *s, const char *end)
{
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    return end;
}

static void finish_macro(parser *p)
{
    if (p->macro_name) {
        fx_macros__define(p->macros, p->macro_name, &p->macro_body,
                          p->macro_loc, p->rep);
        g_free(p->macro_name);
        p->macro_name = NULL;
        fx_locstr__clear(&p->macro_body);
    }
}

static void finish_rule(parser *p)
{
    fx_rule *r = p->rule;
    p->rule = NULL;
    if (!r)
        return;
    if (!r->has_type)
        fx_report__at(p->rep, FX_SEV_ERROR, r->loc, 4,
                      "rule '%s' has no type", r->id);
    if (!r->has_pattern)
        fx_report__at(p->rep, FX_SEV_ERROR, r->loc, 4,
                      "rule '%s' has no pattern", r->id);
    if (!r->has_type || !r->has_pattern)
        r->broken = true;
}

static void example_free(gpointer data)
{
    fx_example *ex = data;
    g_free(ex->text);
    g_free(ex->expected);
    g_free(ex);
}

void fx_rule__free(gpointer data)
{
    fx_rule *r = data;
    g_free(r->id);
    g_free(r->description);
    g_free(r->source_ref);
    fx_locstr__clear(&r->pattern);
    g_free(r->expanded);
    if (r->examples)
        g_ptr_array_free(r->examples, TRUE);
    pcre2_code_free(r->code);
    if (r->back_pool)
        g_ptr_array_free(r->back_pool, TRUE);
    g_free(r);
}

static void start_rule(parser *p, unsigned lineno, const char *line,
                       const char *id, const char *end)
{
    fx_loc loc = loc_at(p, lineno, line, id);
    const char *e = id;
    while (e < end && is_id_char(*e))
        e++;
    if (e == id || e != end) {
        fx_report__at(p->rep, FX_SEV_ERROR, loc_at(p, lineno, line, e), 1,
                      "invalid rule id (letters, digits, '.', '-' and '_' "
                      "only)");
        return;
    }
    fx_rule *r = g_new0(fx_rule, 1);
    r->id = g_strndup(id, (gsize)(end - id));
    r->loc = loc_at(p, lineno, line, line);
    r->loc.col = 1;
    fx_locstr__init(&r->pattern);
    r->examples = g_ptr_array_new_with_free_func(example_free);
    r->index = p->rs->rules->len;
    r->source_ref = g_strdup_printf("%s:%u", p->file, lineno);
    fx_rule *prev = g_hash_table_lookup(p->ids, r->id);
    if (prev) {
        fx_report__at(p->rep, FX_SEV_ERROR, loc, (unsigned)(end - id),
                      "duplicate rule id '%s' (first defined at %s)", r->id,
                      prev->source_ref);
        r->broken = true;
    } else
        g_hash_table_insert(p->ids, r->id, r);
    g_ptr_array_add(p->rs->rules, r);
    p->rule = r;
}

/* Decode \n, \t and \\ in example text; other backslashes stay. */
static char *decode_example(const char *s, const char *end)
{
    GString *out = g_string_sized_new((gsize)(end - s));
    for (; s < end; s++) {
        if (*s == '\\' && s + 1 < end) {
            char c = s[1];
            if (c == 'n' || c == 't' || c == '\\') {
                g_string_append_c(out, c == 'n'   ? '\n'
                                       : c == 't' ? '\t'
                                                  : '\\');
                s++;
                continue;
            }
        }
        g_string_append_c(out, *s);
    }
    return g_string_free(out, FALSE);
}

static void add_example(parser *p, fx_loc loc, const char *v,
                        const char *end, bool counter)
{
    fx_example *ex = g_new0(fx_example, 1);
    ex->loc = loc;
    if (counter) {
        ex->text = decode_example(v, end);
    } else {
        const char *arrow = g_strstr_len(v, end - v, "=>");
        if (!arrow) {
            fx_report__at(p->rep, FX_SEV_ERROR, loc, 1,
                          "example needs the form 'TEXT => VALUE'");
            example_free(ex);
            return;
        }
        ex->text = decode_example(v, trim_end(v, arrow));
        const char *exp = skip_blanks(arrow + 2, end);
        ex->expected = g_strndup(exp, (gsize)(end - exp));
    }
    if (!*ex->text) {
        fx_report__at(p->rep, FX_SEV_ERROR, loc, 1, "example text is empty");
        example_free(ex);
        return;
    }
    g_ptr_array_add(p->rule->examples, ex);
    p->rs->examples++;
}

static void set_type(parser *p, fx_loc loc, const char *v, const char *end)
{
    char *name = g_strndup(v, (gsize)(end - v));
    fx_type t;
    if (fx_type_from_name(name, &t) != 0)
        fx_report__at(p->rep, FX_SEV_ERROR, loc, (unsigned)(end - v),
                      "unknown type '%s' (expected agency, official, date, "
                      "statistic or ignore)", name);
    else
        p->rule->type = t;
    p->rule->has_type = true;
    g_free(name);
}

static void set_priority(parser *p, fx_loc loc, const char *v,
                         const char *end)
{
    char *text = g_strndup(v, (gsize)(end - v));
    char *stop = NULL;
    errno = 0;
    long n = strtol(text, &stop, 10);
    if (!*text || *stop || errno || n < -1000 || n > 1000)
        fx_report__at(p->rep, FX_SEV_ERROR, loc, (unsigned)(end - v),
                      "invalid priority '%s' (expected a whole number from "
                      "-1000 to 1000)", text);
    else
        p->rule->priority = (int)n;
    g_free(text);
}

/* `key: value` inside a rule. */
static void parse_field(parser *p, unsigned lineno, const char *line,
                        const char *key, const char *end)
{
    const char *k = key;
    while (k < end && (g_ascii_isalpha(*k) || *k == '_'))
        k++;
    fx_loc kloc = loc_at(p, lineno, line, key);
    char *name = g_strndup(key, (gsize)(k - key));
    const char *colon = skip_blanks(k, end);
    if (colon == end || *colon != ':') {
        fx_report__at(p->rep, FX_SEV_ERROR, loc_at(p, lineno, line, colon), 1,
                      "expected ':' after field name '%s'", name);
        g_free(name);
        return;
    }
    const char *v = skip_blanks(colon + 1, end);
    fx_loc vloc = loc_at(p, lineno, line, v);
    fx_rule *r = p->rule;
    p->cont = CONT_NONE;
    if (strcmp(name, "type") == 0) {
        if (r->has_type)
            fx_report__at(p->rep, FX_SEV_ERROR, kloc, 4, "duplicate field "
                          "'type'");
        set_type(p, vloc, v, end);
    } else if (strcmp(name, "priority") == 0) {
        set_priority(p, vloc, v, end);
    } else if (strcmp(name, "description") == 0) {
        g_free(r->description);
        r->description = g_strndup(v, (gsize)(end - v));
        p->cont = CONT_DESCRIPTION;
    } else if (strcmp(name, "pattern") == 0) {
        if (r->has_pattern)
            fx_report__at(p->rep, FX_SEV_ERROR, kloc, 7, "duplicate field "
                          "'pattern'");
        r->has_pattern = true;
        fx_locstr__clear(&r->pattern);
        fx_locstr__init(&r->pattern);
        fx_locstr__append(&r->pattern, v, end - v, vloc, true);
        p->cont = CONT_PATTERN;
    } else if (strcmp(name, "example") == 0) {
        add_example(p, vloc, v, end, false);
    } else if (strcmp(name, "counter") == 0) {
        add_example(p, vloc, v, end, true);
    } else {
        fx_report__at(p->rep, FX_SEV_ERROR, kloc, (unsigned)(k - key),
                      "unknown field '%s' (expected type, priority, "
                      "description, pattern, example or counter)", name);
    }
    g_free(name);
}

/* `macro NAME: body` or `gazetteer NAME: file.tsv`. */
static void parse_definition(parser *p, unsigned lineno, const char *line,
                             const char *word, const char *end, bool gaz)
{
    const char *n = skip_blanks(word, end);
    const char *ne = n;
    while (ne < end && is_name_char(*ne))
        ne++;
    fx_loc nloc = loc_at(p, lineno, line, n);
    if (ne == n || !g_ascii_isalpha(*n)) {
        fx_report__at(p->rep, FX_SEV_ERROR, nloc, 1,
                      "expected a name (a letter, then letters, digits or "
                      "'_')");
        return;
    }
    const char *colon = skip_blanks(ne, end);
    if (colon == end || *colon != ':') {
        fx_report__at(p->rep, FX_SEV_ERROR, loc_at(p, lineno, line, colon), 1,
                      "expected ':' after the name");
        return;
    }
    const char *v = skip_blanks(colon + 1, end);
    fx_loc vloc = loc_at(p, lineno, line, v);
    char *name = g_strndup(n, (gsize)(ne - n));
    if (gaz) {
        char *rel = g_strndup(v, (gsize)(end - v));
        char *dir = g_path_get_dirname(p->file);
        char *path = g_path_is_absolute(rel)
                         ? g_strdup(rel)
                         : g_build_filename(dir, rel, NULL);
        fx_gazetteer *gz = fx_gazetteer__load(path, vloc,
                                              p->rs->strings, p->rep);
        if (gz) {
            g_ptr_array_add(p->rs->gazetteers, gz);
            fx_loc gen = vloc;
            fx_locstr body;
            fx_locstr__init(&body);
            fx_locstr__append(&body, fx_gazetteer__names_pattern(gz), -1, gen,
                              false);
            fx_macros__define(p->macros, name, &body, nloc, p->rep);
            fx_locstr__clear(&body);
            char *acr = g_strconcat(name, "_ACRONYM", NULL);
            fx_locstr__init(&body);
            fx_locstr__append(&body, fx_gazetteer__acronyms_pattern(gz), -1,
                              gen, false);
            fx_macros__define(p->macros, acr, &body, nloc, p->rep);
            fx_locstr__clear(&body);
            g_free(acr);
        }
        g_free(path);
        g_free(dir);
        g_free(rel);
        g_free(name);
        return;
    }
    p->macro_name = name;
    p->macro_loc = nloc;
    fx_locstr__init(&p->macro_body);
    fx_locstr__append(&p->macro_body, v, end - v, vloc, true);
    p->cont = CONT_MACRO;
}

static void parse_continuation(parser *p, unsigned lineno, const char *line,
                               const char *bar, const char *end)
{
    const char *v = bar + 1;
    if (v < end && *v == ' ')
        v++;
    fx_loc vloc = loc_at(p, lineno, line, v);
    switch (p->cont) {
    case CONT_PATTERN:
        fx_locstr__append(&p->rule->pattern, v, end - v, vloc, true);
        break;
    case CONT_MACRO:
        fx_locstr__append(&p->macro_body, v, end - v, vloc, true);
        break;
    case CONT_DESCRIPTION: {
        char *more = g_strndup(v, (gsize)(end - v));
        char *joined = g_strconcat(p->rule->description, " ", more, NULL);
        g_free(p->rule->description);
        p->rule->description = joined;
        g_free(more);
        break;
    }
    case CONT_NONE:
        fx_report__at(p->rep, FX_SEV_ERROR, loc_at(p, lineno, line, bar), 1,
                      "'|' continues a pattern, macro or description, but "
                      "the line before is none of these");
        break;
    }
}

static bool starts_word(const char *s, const char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - s) > n && strncmp(s, word, n) == 0 &&
           (s[n] == ' ' || s[n] == '\t');
}

static void parse_line_in(parser *p, unsigned lineno, const char *line,
                          const char *end);

/* Parse one line; a rule with an error in any of its lines is marked
 * broken so that it is not compiled (its other problems would be noise). */
static void parse_line(parser *p, unsigned lineno, const char *line,
                       const char *end)
{
    unsigned before = p->rep->errors;
    fx_rule *r = p->rule;
    parse_line_in(p, lineno, line, end);
    if (p->rep->errors != before && r && p->rule == r)
        r->broken = true;
}

static void parse_line_in(parser *p, unsigned lineno, const char *line,
                          const char *end)
{
    const char *s = skip_blanks(line, end);
    end = trim_end(s, end);
    if (s == end || *s == '#')
        return; /* blank lines and comments continue nothing new */
    if (*s == '|') {
        parse_continuation(p, lineno, line, s, end);
        return;
    }
    finish_macro(p);
    p->cont = CONT_NONE;
    if (starts_word(s, end, "rule")) {
        finish_rule(p);
        start_rule(p, lineno, line, skip_blanks(s + 4, end), end);
    } else if (starts_word(s, end, "macro")) {
        finish_rule(p);
        parse_definition(p, lineno, line, s + 5, end, false);
    } else if (starts_word(s, end, "gazetteer")) {
        finish_rule(p);
        parse_definition(p, lineno, line, s + 9, end, true);
    } else if (p->rule) {
        parse_field(p, lineno, line, s, end);
    } else {
        const char *w = s;
        while (w < end && *w != ' ' && *w != '\t' && *w != ':')
            w++;
        fx_report__at(p->rep, FX_SEV_ERROR, loc_at(p, lineno, line, s),
                      (unsigned)(w - s),
                      "expected 'rule ID', 'macro NAME: PATTERN' or "
                      "'gazetteer NAME: FILE' here");
    }
}

bool fx_rules__parse_file(fx_ruleset *rs, fx_macro_table *macros,
                          const char *path, fx_reporter *rep)
{
    gchar *data = NULL;
    gsize len = 0;
    GError *err = NULL;
    const char *file = g_string_chunk_insert_const(rs->strings, path);
    fx_loc floc = {file, 0, 0};
    if (!g_file_get_contents(path, &data, &len, &err)) {
        fx_report__at(rep, FX_SEV_ERROR, floc, 0, "cannot read rule file: %s",
                      err->message);
        g_error_free(err);
        return false;
    }
    unsigned before = rep->errors;
    const char *bad = NULL;
    if (!g_utf8_validate(data, (gssize)len, &bad)) {
        unsigned line = 1;
        const char *ls = data;
        for (const char *s = data; s < bad; s++)
            if (*s == '\n') {
                line++;
                ls = s + 1;
            }
        parser tmp = {.file = file};
        fx_report__at(rep, FX_SEV_ERROR, loc_at(&tmp, line, ls, bad), 1,
                      "invalid UTF-8 in rule file");
        g_free(data);
        return false;
    }
    parser p = {rs, macros, rep, file, NULL, CONT_NONE, {0}, NULL, {0}, NULL};
    /* Rule ids are unique across files: index the ones already loaded. */
    p.ids = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < rs->rules->len; i++) {
        fx_rule *r = g_ptr_array_index(rs->rules, i);
        g_hash_table_insert(p.ids, r->id, r);
    }
    const char *line = data, *end = data + len;
    unsigned lineno = 1;
    while (line < end) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *le = nl ? nl : end;
        parse_line(&p, lineno, line, le);
        line = nl ? nl + 1 : end;
        lineno++;
    }
    finish_macro(&p);
    finish_rule(&p);
    g_hash_table_destroy(p.ids);
    g_free(data);
    return rep->errors == before;
}
