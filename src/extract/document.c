/*
 * document.c: what only the whole document knows.
 *
 * The engine hands each row here once its place in the output is certain,
 * in output order.  The stage completes rows from what came before them
 * in the same document (one input file, unless the caller starts
 * documents itself):
 *
 *   acronyms   A bare acronym row ("CEIU", resolve "acronym") takes the
 *              value of the nearest earlier agency row with that acronym:
 *              a "Long Name (ACR)" definition or a gazetteer body.  An
 *              acronym the document never defined gives no row.
 *   officials  A row whose name has the surname and first name of an
 *              earlier official, or is that surname alone ("Attorney
 *              General Whitfield", resolve "surname"), takes the earlier
 *              full name, and its title when it has none.  A surname
 *              with no title ("Delgado said", resolve "surname-known")
 *              is dropped unless an earlier official had it.
 *   dates      A relative date ("last year") is resolved against the
 *              --doc-date, else the first date of day precision in the
 *              first FX_HEADER_LINES lines; before that, it stays
 *              unresolved (precision "unresolved").
 *   linking    A statistic's as_of is a date right after it ("in 2020"),
 *              else the first date of its sentence before it, else the
 *              first one after it that is not a comparison's baseline,
 *              else the last date earlier in its paragraph.  Its agency is the
 *              agency of its own sentence (nearest before, else first
 *              after), else the last agency of the same or the previous
 *              paragraph.  as_of is the date's value with its qualifier in
 *              front (">=1998").
 */
#include "internal.h"

/* Lines of a document that count as its header, for the document date. */
#define FX_HEADER_LINES 30

typedef struct {
    char *name;
    char *title;
} official;

/* The last date or agency seen, and where. */
typedef struct {
    GString *value;
    uint64_t sentence, paragraph;
    bool set;
} sighting;

struct fx_document {
    GDate fixed_date;      /* --doc-date, or invalid */
    GDate header_date;     /* found in the header, or invalid */
    GHashTable *acronyms;  /* acronym -> value, both owned */
    GPtrArray *officials;  /* of official, in order of first mention */
    GHashTable *by_name;   /* name -> official */
    GHashTable *by_surname; /* surname -> GPtrArray of official, in order */
    sighting date, agency; /* the last ones recorded */
    sighting first_date;   /* the first date of the last dated sentence */
    GString *next_date;    /* from lookahead rows; "" when none */
    GString *near_date;    /* a lookahead date right after the figure */
    GString *next_agency;
};

static void official_free(gpointer p)
{
    official *o = p;
    g_free(o->name);
    g_free(o->title);
    g_free(o);
}

fx_document *fx_document__new(void)
{
    fx_document *d = g_new0(fx_document, 1);
    d->acronyms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
    d->officials = g_ptr_array_new_with_free_func(official_free);
    d->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    d->by_surname = g_hash_table_new_full(
        g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    d->date.value = g_string_new(NULL);
    d->agency.value = g_string_new(NULL);
    d->first_date.value = g_string_new(NULL);
    d->next_date = g_string_new(NULL);
    d->near_date = g_string_new(NULL);
    d->next_agency = g_string_new(NULL);
    g_date_clear(&d->fixed_date, 1);
    g_date_clear(&d->header_date, 1);
    return d;
}

void fx_document__free(fx_document *d)
{
    if (!d)
        return;
    g_hash_table_destroy(d->acronyms);
    g_hash_table_destroy(d->by_name);
    g_hash_table_destroy(d->by_surname);
    g_ptr_array_free(d->officials, TRUE);
    g_string_free(d->date.value, TRUE);
    g_string_free(d->agency.value, TRUE);
    g_string_free(d->first_date.value, TRUE);
    g_string_free(d->next_date, TRUE);
    g_string_free(d->near_date, TRUE);
    g_string_free(d->next_agency, TRUE);
    g_free(d);
}

void fx_document__begin(fx_document *d, const GDate *doc_date)
{
    g_hash_table_remove_all(d->acronyms);
    g_hash_table_remove_all(d->by_name);
    g_hash_table_remove_all(d->by_surname);
    g_ptr_array_set_size(d->officials, 0);
    d->date.set = d->agency.set = d->first_date.set = false;
    g_string_truncate(d->next_date, 0);
    g_string_truncate(d->near_date, 0);
    g_string_truncate(d->next_agency, 0);
    g_date_clear(&d->header_date, 1);
    g_date_clear(&d->fixed_date, 1);
    if (doc_date && g_date_valid(doc_date))
        d->fixed_date = *doc_date;
}

/* ---- officials ---- */

/* The last word of a name ("Harper" of "Keith M. Harper"). */
static const char *surname(const char *name)
{
    const char *sp = strrchr(name, ' ');
    return sp ? sp + 1 : name;
}

/* Length of the first word of a name. */
static size_t first_len(const char *name)
{
    const char *sp = strchr(name, ' ');
    return sp ? (size_t)(sp - name) : strlen(name);
}

/* The earlier official `name` refers to, or NULL: the latest one with
 * that surname (and, unless `surname_only`, the same first name). */
static const official *earlier_official(const fx_document *d,
                                        const char *name, bool surname_only)
{
    GPtrArray *same = g_hash_table_lookup(d->by_surname, surname(name));
    size_t flen = first_len(name);
    for (guint i = same ? same->len : 0; i-- > 0;) {
        const official *o = g_ptr_array_index(same, i);
        if (surname_only ||
            (first_len(o->name) == flen && strncmp(o->name, name, flen) == 0))
            return o;
    }
    return NULL;
}

/* Complete an official from an earlier mention; false when `known` (a
 * bare surname) and nobody earlier had that surname. */
static bool resolve_official(fx_document *d, fx_fields *row, bool surname,
                             bool known)
{
    const official *o = earlier_official(d, row->f[FX_F_VALUE]->str, surname);
    if (!o)
        return !known;
    g_string_assign(row->f[FX_F_VALUE], o->name);
    if (row->f[FX_F_TITLE]->len == 0)
        g_string_assign(row->f[FX_F_TITLE], o->title);
    return true;
}

static void record_official(fx_document *d, const fx_fields *row)
{
    const char *name = row->f[FX_F_VALUE]->str;
    official *o = g_hash_table_lookup(d->by_name, name);
    if (o) {
        if (!o->title[0]) {
            g_free(o->title);
            o->title = g_strdup(row->f[FX_F_TITLE]->str);
        }
        return;
    }
    o = g_new(official, 1);
    o->name = g_strdup(name);
    o->title = g_strdup(row->f[FX_F_TITLE]->str);
    g_ptr_array_add(d->officials, o);
    g_hash_table_insert(d->by_name, o->name, o);
    const char *last = surname(o->name);
    GPtrArray *same = g_hash_table_lookup(d->by_surname, last);
    if (!same) {
        same = g_ptr_array_new();
        g_hash_table_insert(d->by_surname, (gpointer)last, same);
    }
    g_ptr_array_add(same, o);
}

/* ---- dates ---- */

static const GDate *document_date(const fx_document *d)
{
    if (g_date_valid(&d->fixed_date))
        return &d->fixed_date;
    if (g_date_valid(&d->header_date))
        return &d->header_date;
    return NULL;
}

static void note_header_date(fx_document *d, const fx_doc_place *at,
                             const fx_fields *row)
{
    int y, m, day;
    char end;
    if (g_date_valid(&d->header_date) || at->line > FX_HEADER_LINES ||
        strcmp(row->f[FX_F_PRECISION]->str, "day") != 0 ||
        sscanf(row->f[FX_F_VALUE]->str, "%4d-%2d-%2d%c", &y, &m, &day,
               &end) != 3 ||
        !g_date_valid_dmy((GDateDay)day, (GDateMonth)m, (GDateYear)y))
        return;
    g_date_set_dmy(&d->header_date, (GDateDay)day, (GDateMonth)m,
                   (GDateYear)y);
}

/* The as_of form of a date row: its value after its qualifier. */
static void as_of_form(GString *out, const fx_fields *row)
{
    g_string_assign(out, row->f[FX_F_QUALIFIER]->str);
    g_string_append(out, row->f[FX_F_VALUE]->str);
}

/* ---- the stage ---- */

bool fx_document__resolve(fx_document *d, const fx_doc_place *at,
                          fx_fields *row)
{
    const char *todo = row->f[FX_F_RESOLVE]->str;
    bool keep = true;
    switch (at->type) {
    case FX_TYPE_AGENCY:
        if (strcmp(todo, "acronym") == 0) {
            const char *v = g_hash_table_lookup(d->acronyms,
                                                row->f[FX_F_ACRONYM]->str);
            keep = v != NULL;
            if (v)
                g_string_assign(row->f[FX_F_VALUE], v);
        }
        break;
    case FX_TYPE_OFFICIAL: {
        bool known = strcmp(todo, "surname-known") == 0;
        keep = resolve_official(d, row, known || strcmp(todo, "surname") == 0,
                                known);
        break;
    }
    case FX_TYPE_DATE:
        if (todo[0] && document_date(d))
            keep = fx_date__resolve(row, todo, document_date(d));
        break;
    default:
        break;
    }
    g_string_truncate(row->f[FX_F_RESOLVE], 0);
    return keep;
}

/* Does `gap` (text between a figure and a later date) make the date a
 * baseline of a comparison ("up 31 percent from 7,337 in 2020", "higher
 * than in fiscal year 2019")? */
static bool baseline_gap(const char *gap, size_t len)
{
    static const char *const words[] = {"than", "from", "compared",
                                        "versus", "since"};
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
        size_t n = strlen(words[i]);
        for (size_t k = 0; k + n <= len; k++)
            if (g_ascii_strncasecmp(gap + k, words[i], n) == 0 &&
                (k == 0 || !g_ascii_isalpha(gap[k - 1])) &&
                (k + n == len || !g_ascii_isalpha(gap[k + n])))
                return true;
    }
    return false;
}

/* Is `gap` only a short preposition or nothing: "40 percent in 2020",
 * "4,200 cases during FY2020"? */
static bool adjacent_gap(const char *gap, size_t len)
{
    if (len > 12)
        return false;
    for (size_t k = 0; k < len; k++)
        if (!g_ascii_isalpha(gap[k]) && !g_ascii_isspace(gap[k]))
            return false;
    return !baseline_gap(gap, len);
}

void fx_document__lookahead(fx_document *d, fx_type type,
                            const fx_fields *row, const char *gap,
                            size_t gap_len)
{
    if (!fx_document__lookahead_wants(d, type))
        return; /* the engine skips the same rows (wants() decides both) */
    if (type == FX_TYPE_DATE && row->f[FX_F_VALUE]->len) {
        bool baseline = gap && baseline_gap(gap, gap_len);
        if (!d->near_date->len && gap && adjacent_gap(gap, gap_len))
            as_of_form(d->near_date, row);
        if (!baseline)
            as_of_form(d->next_date, row);
    }
    if (type == FX_TYPE_AGENCY)
        g_string_assign(d->next_agency, row->f[FX_F_VALUE]->str);
}

bool fx_document__lookahead_wants(const fx_document *d, fx_type type)
{
    /* near_date is taken only before next_date, and neither changes
     * once set, nor does next_agency. */
    return (type == FX_TYPE_DATE && !d->next_date->len) ||
           (type == FX_TYPE_AGENCY && !d->next_agency->len);
}

bool fx_document__lookahead_done(const fx_document *d)
{
    return !fx_document__lookahead_wants(d, FX_TYPE_DATE) &&
           !fx_document__lookahead_wants(d, FX_TYPE_AGENCY);
}

void fx_document__link(fx_document *d, const fx_doc_place *at,
                       fx_fields *row)
{
    const sighting *first = &d->first_date, *date = &d->date;
    const sighting *agency = &d->agency;
    if (d->near_date->len)
        g_string_assign(row->f[FX_F_AS_OF], d->near_date->str);
    else if (first->set && first->sentence == at->sentence)
        g_string_assign(row->f[FX_F_AS_OF], first->value->str);
    else if (d->next_date->len)
        g_string_assign(row->f[FX_F_AS_OF], d->next_date->str);
    else if (date->set && date->paragraph == at->paragraph)
        g_string_assign(row->f[FX_F_AS_OF], date->value->str);
    if (agency->set && agency->sentence == at->sentence)
        g_string_assign(row->f[FX_F_AGENCY], agency->value->str);
    else if (d->next_agency->len)
        g_string_assign(row->f[FX_F_AGENCY], d->next_agency->str);
    else if (agency->set && agency->paragraph + 1 >= at->paragraph)
        g_string_assign(row->f[FX_F_AGENCY], agency->value->str);
    g_string_truncate(d->next_date, 0);
    g_string_truncate(d->near_date, 0);
    g_string_truncate(d->next_agency, 0);
}

static void sight(sighting *s, const fx_doc_place *at)
{
    s->sentence = at->sentence;
    s->paragraph = at->paragraph;
    s->set = true;
}

void fx_document__record(fx_document *d, const fx_doc_place *at,
                         const fx_fields *row)
{
    switch (at->type) {
    case FX_TYPE_AGENCY:
        if (row->f[FX_F_ACRONYM]->len && row->f[FX_F_VALUE]->len)
            g_hash_table_insert(d->acronyms,
                                g_strdup(row->f[FX_F_ACRONYM]->str),
                                g_strdup(row->f[FX_F_VALUE]->str));
        g_string_assign(d->agency.value, row->f[FX_F_VALUE]->str);
        sight(&d->agency, at);
        break;
    case FX_TYPE_OFFICIAL:
        record_official(d, row);
        break;
    case FX_TYPE_DATE:
        if (!row->f[FX_F_VALUE]->len)
            break; /* an unresolved relative date */
        note_header_date(d, at, row);
        as_of_form(d->date.value, row);
        if (!d->first_date.set || d->first_date.sentence != at->sentence) {
            as_of_form(d->first_date.value, row);
            sight(&d->first_date, at);
        }
        sight(&d->date, at);
        break;
    default:
        break;
    }
}
