/*
 * qualifier.c: words that bound a figure or a date, mapped to symbols.
 *
 *     "more than 300,000"  ->  >      "since 1998"   ->  >=
 *     "up to 10 days"      ->  <=     "before 2016"  ->  <
 *     "about 40 percent"   ->  ~
 *
 * The table is the documented mapping (docs/rules.md, and for figures
 * docs/statistics.md); a rule's `qualifier` capture is looked up here
 * after folding case and spaces.  "as many as 500" is a ceiling, so <=;
 * "just over" and "well over" only say how far over, so both are >.
 */
#include "internal.h"

static const struct {
    const char *phrase;
    const char *symbol;
} table[] = {
    {"more than", ">"},      {"over", ">"},          {"above", ">"},
    {"exceeding", ">"},      {"in excess of", ">"},  {"greater than", ">"},
    {"upwards of", ">"},     {"upward of", ">"},     {"after", ">"},
    {"well over", ">"},      {"well above", ">"},    {"just over", ">"},
    {"just above", ">"},
    {"at least", ">="},      {"no fewer than", ">="}, {"no less than", ">="},
    {"not less than", ">="}, {"since", ">="},        {"from", ">="},
    {"starting in", ">="},   {"beginning in", ">="},
    {"less than", "<"},      {"under", "<"},         {"below", "<"},
    {"fewer than", "<"},     {"before", "<"},        {"prior to", "<"},
    {"just under", "<"},     {"just below", "<"},    {"well under", "<"},
    {"well below", "<"},
    {"up to", "<="},         {"at most", "<="},      {"no more than", "<="},
    {"not more than", "<="}, {"until", "<="},        {"through", "<="},
    {"by", "<="},            {"as many as", "<="},   {"as much as", "<="},
    {"within", "<="},
    {"about", "~"},          {"approximately", "~"}, {"around", "~"},
    {"roughly", "~"},        {"nearly", "~"},        {"almost", "~"},
    {"some", "~"},           {"an estimated", "~"},  {"estimated", "~"},
    {"close to", "~"},       {"circa", "~"},         {"approx.", "~"},
};

const char *fx_qualifier__symbol(const char *phrase, gsize len)
{
    GString *f = g_string_new(NULL);
    fx_text__fold(f, phrase, len);
    char *key = g_ascii_strdown(f->str, (gssize)f->len);
    g_string_free(f, TRUE);
    const char *symbol = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(table); i++)
        if (strcmp(key, table[i].phrase) == 0) {
            symbol = table[i].symbol;
            break;
        }
    g_free(key);
    return symbol;
}
