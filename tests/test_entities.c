/*
 * test_entities.c: agencies and officials from the bundled rules.
 *
 * Most cases run the bundled rules over a short text of their own with
 * run_bundled_type() and compare the rows, one a line:
 *
 *     agency|Justice Department|U.S. Department of Justice||||||DOJ|||
 *
 * Rows that the document stage completes (a bare acronym defined earlier
 * in the text, an official named again by surname) are checked where the
 * normaliser leaves them: the fields that one rule's first match makes in
 * a text, with the `resolve` note the document stage reads.  The few
 * end-to-end cases with such rows say so; their values change once the
 * document stage runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "internal.h"
#include "support.h"

/* ---- helpers ---- */

static char *agency_row(const char *text, const char *value,
                        const char *acronym)
{
    return g_strdup_printf("agency|%s|%s||||||%s|||\n", text, value,
                           acronym);
}

static char *official_row(const char *text, const char *name,
                          const char *title)
{
    return g_strdup_printf("official|%s|%s|||||||%s||\n", text, name, title);
}

/* Concatenate rows made by agency_row() or official_row(), freeing them;
 * the list ends with NULL. */
static char *rows(char *first, ...)
{
    GString *out = g_string_new(NULL);
    va_list ap;
    va_start(ap, first);
    for (char *r = first; r; r = va_arg(ap, char *)) {
        g_string_append(out, r);
        g_free(r);
    }
    va_end(ap);
    return g_string_free(out, FALSE);
}

/* Rows of `type` with a value.  A bare acronym the text never defined
 * ("COVID") leaves the rules with an empty value and is dropped by the
 * document stage; the texts that test what is *not* an agency use this so
 * that the assertion holds with and without that stage. */
static char *valued_rows(const char *text, const char *type)
{
    char *all = run_bundled_type(text, type, NULL);
    GString *out = g_string_new(NULL);
    char **lines = g_strsplit(all, "\n", -1);
    for (char **l = lines; *l; l++) {
        char **cells = g_strsplit(*l, "|", 4);
        if (g_strv_length(cells) >= 3 && cells[2][0])
            g_string_append_printf(out, "%s\n", *l);
        g_strfreev(cells);
    }
    g_strfreev(lines);
    g_free(all);
    return g_string_free(out, FALSE);
}

static void expect_rows(const char *text, const char *type, char *want)
{
    char *got = run_bundled_type(text, type, NULL);
    if (strcmp(got, want) != 0)
        print_message("text: %s\n", text);
    assert_string_equal(got, want);
    g_free(got);
    g_free(want);
}

static void expect_valued_rows(const char *text, const char *type,
                               char *want)
{
    char *got = valued_rows(text, type);
    if (strcmp(got, want) != 0)
        print_message("text: %s\n", text);
    assert_string_equal(got, want);
    g_free(got);
    g_free(want);
}

static void expect_no_valued_rows(const char *text, const char *type)
{
    char *got = valued_rows(text, type);
    if (*got)
        print_message("text: %s\n", text);
    assert_string_equal(got, "");
    g_free(got);
}

/* The bundled rules, loaded once for the normaliser cases. */
static fx_ruleset *bundled_rules;

static int load_bundled(void **state)
{
    (void)state;
    const char *dir = FIGEX_RULES_DIR;
    return fx_ruleset_load(&bundled_rules, &dir, 1, NULL, NULL) == FX_OK
               ? 0
               : -1;
}

static int free_bundled(void **state)
{
    (void)state;
    fx_ruleset_free(bundled_rules);
    bundled_rules = NULL;
    return 0;
}

static const fx_rule *rule_by_id(const char *id)
{
    for (guint i = 0; i < bundled_rules->rules->len; i++) {
        const fx_rule *r = g_ptr_array_index(bundled_rules->rules, i);
        if (strcmp(r->id, id) == 0)
            return r;
    }
    fail_msg("no rule '%s' in the bundled rules", id);
    return NULL;
}

/* The fields that the first match of rule `id` in `text` makes; false when
 * the rule does not match or its normaliser refuses the match. */
static bool first_fields(const char *id, const char *text, fx_fields *out)
{
    const fx_rule *r = rule_by_id(id);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->code,
                                                                NULL);
    bool made = false;
    int rc = pcre2_match(r->code, (PCRE2_SPTR)text, strlen(text), 0, 0, md,
                         NULL);
    if (rc > 0) {
        fx_match m = {.rule = r,
                      .subject = text,
                      .ovector = pcre2_get_ovector_pointer(md),
                      .pairs = pcre2_get_ovector_count(md)};
        fx_fields__reset(out);
        made = fx_normalise__match(&m, bundled_rules, out);
    }
    pcre2_match_data_free(md);
    return made;
}

/* ---- agencies: one canonical value for every variant ---- */

static void test_agency_prefixes_and_variants(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "the United States Department of Justice said",
        "the U.S. Department of Justice said",
        "the U. S. Department of Justice said",
        "the US Department of Justice said",
        "the Department of Justice said",
        "UNITED STATES DEPARTMENT OF JUSTICE\n",
    };
    static const char *const spans[] = {
        "United States Department of Justice",
        "U.S. Department of Justice",
        "U. S. Department of Justice",
        "US Department of Justice",
        "Department of Justice",
        "UNITED STATES DEPARTMENT OF JUSTICE",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++)
        expect_rows(texts[i], "agency",
                    agency_row(spans[i], "U.S. Department of Justice",
                               "DOJ"));
    expect_rows("officials of the Justice Department and the UN Committee "
                "Against Torture",
                "agency",
                rows(agency_row("Justice Department",
                                "U.S. Department of Justice", "DOJ"),
                     agency_row("UN Committee Against Torture",
                                "Committee against Torture", ""),
                     NULL));
}

static void test_agency_possessives_and_line_breaks(void **state)
{
    (void)state;
    expect_rows("DOJ's lawyers and the Office of Juvenile Justice and "
                "Delinquency\nPrevention's (OJJDP) grants",
                "agency",
                rows(agency_row("DOJ", "U.S. Department of Justice", "DOJ"),
                     agency_row("Office of Juvenile Justice and "
                                "Delinquency Prevention's (OJJDP)",
                                "Office of Juvenile Justice and Delinquency "
                                "Prevention",
                                "OJJDP"),
                     NULL));
    expect_rows("The U.S. Department of\nHomeland Security (DHS) said that "
                "DHS's analysts and DHS\nstaff agree.",
                "agency",
                rows(agency_row("U.S. Department of Homeland Security (DHS)",
                                "U.S. Department of Homeland Security",
                                "DHS"),
                     agency_row("DHS", "U.S. Department of Homeland Security",
                                "DHS"),
                     agency_row("DHS", "U.S. Department of Homeland Security",
                                "DHS"),
                     NULL));
}

static void test_agency_capitals_and_places(void **state)
{
    (void)state;
    expect_rows("U.S. DEPARTMENT OF HOMELAND SECURITY\nOFFICE OF THE "
                "INSPECTOR GENERAL\n\nMemo",
                "agency",
                rows(agency_row("U.S. DEPARTMENT OF HOMELAND SECURITY",
                                "U.S. Department of Homeland Security",
                                "DHS"),
                     agency_row("OFFICE OF THE INSPECTOR GENERAL",
                                "Office of the Inspector General", ""),
                     NULL));
    /* A state's department is not the federal one of the same name. */
    expect_rows("The California Department of Justice and the Washington "
                "State Department of Health agreed.",
                "agency",
                rows(agency_row("California Department of Justice",
                                "California Department of Justice", ""),
                     agency_row("Washington State Department of Health",
                                "Washington State Department of Health",
                                ""),
                     NULL));
}

static void test_agency_chain(void **state)
{
    (void)state;
    expect_rows("funds from the U.S. Department of Justice (DOJ) Office of "
                "Juvenile Justice and Delinquency Prevention's (OJJDP) "
                "Internet Crimes Against Children (ICAC) Task Force Program "
                "help states",
                "agency",
                rows(agency_row("U.S. Department of Justice (DOJ)",
                                "U.S. Department of Justice", "DOJ"),
                     agency_row("Office of Juvenile Justice and Delinquency "
                                "Prevention's (OJJDP)",
                                "Office of Juvenile Justice and Delinquency "
                                "Prevention",
                                "OJJDP"),
                     agency_row("Internet Crimes Against Children (ICAC) "
                                "Task Force Program",
                                "Internet Crimes Against Children Task Force "
                                "Program",
                                "ICAC"),
                     NULL));
    /* The same chain with a unit the gazetteer does not know. */
    expect_rows("the Department of Homeland Security (DHS) Immigration and "
                "Customs Enforcement (ICE) Document Fraud Analysis Unit "
                "(DFAU) reviews passports",
                "agency",
                rows(agency_row("Department of Homeland Security (DHS)",
                                "U.S. Department of Homeland Security",
                                "DHS"),
                     agency_row("Immigration and Customs Enforcement (ICE)",
                                "U.S. Immigration and Customs Enforcement",
                                "ICE"),
                     agency_row("Document Fraud Analysis Unit (DFAU)",
                                "Document Fraud Analysis Unit", "DFAU"),
                     NULL));
}

/* ---- agencies the text defines ---- */

static void test_agency_definitions(void **state)
{
    (void)state;
    static const struct {
        const char *text, *span, *value, *acronym;
    } cases[] = {
        {"The Bureau of Motor Carrier Audits (BMCA) inspects trucks.",
         "Bureau of Motor Carrier Audits (BMCA)",
         "Bureau of Motor Carrier Audits", "BMCA"},
        {"the agency's Office of Grant Oversight and Review (OGOR) will",
         "Office of Grant Oversight and Review (OGOR)",
         "Office of Grant Oversight and Review", "OGOR"},
        {"members of the Lakeshore Regional Human Trafficking Task Force\n"
         "(LRHTTF) met",
         "Lakeshore Regional Human Trafficking Task Force (LRHTTF)",
         "Lakeshore Regional Human Trafficking Task Force", "LRHTTF"},
        /* Words before the name are not the acronym's. */
        {"During the Regional Fusion Center (RFC) review",
         "Regional Fusion Center (RFC)", "Regional Fusion Center", "RFC"},
        {"Inspectors of the Office of Legal Policy (OLP) said",
         "Office of Legal Policy (OLP)", "Office of Legal Policy", "OLP"},
        /* "United States" in front is written "U.S." in the value. */
        {"the United States Trade and Development Agency (USTDA) funds",
         "United States Trade and Development Agency (USTDA)",
         "U.S. Trade and Development Agency", "USTDA"},
        /* A long name the gazetteer knows takes its canonical name. */
        {"the National Center for Missing and Exploited Children (NCMEC)",
         "National Center for Missing and Exploited Children (NCMEC)",
         "National Center for Missing & Exploited Children", "NCMEC"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        expect_rows(cases[i].text, "agency",
                    agency_row(cases[i].span, cases[i].value,
                               cases[i].acronym));
}

static void test_agency_definitions_of_other_things(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "questions about information and communications technology (ICT) "
        "and its misuse",
        "The two offices signed a Memorandum of Understanding (MOU) in "
        "May.",
        "Prosecutions under the Trafficking Victims Protection Act (TVPA) "
        "rose.",
        "The Department of Homeland Security Appropriations Act (DHSAA) "
        "was passed.",
        "Grants from the Crime Victims Fund (CVF) and the Edward Byrne "
        "Memorial Justice Assistance Grant (JAG) Program",
        "children in the Neonatal Intensive Care Unit (NICU) and a Control "
        "Group (CG)",
        "The Youth Risk Behavior Survey (YRBS) and the Trafficking in "
        "Persons (TIP) Report",
        "Cases rose during the COVID pandemic, the RRDP noted.",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++)
        expect_no_valued_rows(texts[i], "agency");
}

static void test_agency_proper_names_without_acronym(void **state)
{
    (void)state;
    expect_valued_rows("NEWS RELEASE\nOffice of Media Relations\nU.S. "
                       "Department of Labor\n",
                       "agency",
                       rows(agency_row("Office of Media Relations",
                                       "Office of Media Relations", ""),
                            agency_row("U.S. Department of Labor",
                                       "U.S. Department of Labor", "DOL"),
                            NULL));
    /* The acronym before a unit is its owner, a row of its own. */
    expect_rows("a referral to the USMS Fugitive Apprehension Unit and the "
                "Dayton Police Department",
                "agency",
                rows(agency_row("USMS", "U.S. Marshals Service", "USMS"),
                     agency_row("Fugitive Apprehension Unit",
                                "Fugitive Apprehension Unit", ""),
                     agency_row("Dayton Police Department",
                                "Dayton Police Department", ""),
                     NULL));
    expect_no_valued_rows("the Oval Office, the Board of Directors and the "
                          "Office of Legal Policy Act",
                          "agency");
}

/* ---- bare acronyms, left for the document stage ---- */

static void test_bare_acronym_fields(void **state)
{
    (void)state;
    fx_fields f;
    fx_fields__init(&f);
    static const struct {
        const char *text, *acronym;
    } cases[] = {
        {"report to OGOR by March", "OGOR"},
        {"the BMCA's inspectors", "BMCA"},
        {"two DFAUs opened", "DFAU"},
        {"the S&T staff", "S&T"},
        /* Undefined tokens too: the document stage drops them. */
        {"during the COVID pandemic", "COVID"},
        {"Recipients: RRDP", "RRDP"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        assert_true(first_fields("agency-acronym-bare", cases[i].text, &f));
        assert_string_equal(f.f[FX_F_VALUE]->str, "");
        assert_string_equal(f.f[FX_F_ACRONYM]->str, cases[i].acronym);
        assert_string_equal(f.f[FX_F_RESOLVE]->str, "acronym");
    }
    /* Not standing alone, or not upper case: no match. */
    static const char *const refused[] = {
        "ICT-related crimes", "the U.S. and A", "Covid-19", "X",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(refused); i++)
        assert_false(first_fields("agency-acronym-bare", refused[i], &f));
    /* A gazetteer acronym is complete at once, and outranks the bare rule. */
    assert_true(first_fields("agency-acronym", "the FBI said", &f));
    assert_string_equal(f.f[FX_F_VALUE]->str,
                        "Federal Bureau of Investigation");
    assert_string_equal(f.f[FX_F_RESOLVE]->str, "");
    assert_true(rule_by_id("agency-acronym")->priority >
                rule_by_id("agency-acronym-bare")->priority);
    /* A definition's row carries the acronym the document stage looks up. */
    assert_true(first_fields("agency-defined",
                             "the Document Fraud Analysis Unit (DFAU) said",
                             &f));
    assert_string_equal(f.f[FX_F_VALUE]->str, "Document Fraud Analysis Unit");
    assert_string_equal(f.f[FX_F_ACRONYM]->str, "DFAU");
    assert_string_equal(f.f[FX_F_RESOLVE]->str, "");
    fx_fields__clear(&f);
}

/* End to end: the document stage gives the later "DFAU" the defined long
 * name, and drops "PDF", which the document never defined. */
static void test_bare_acronym_rows(void **state)
{
    (void)state;
    expect_rows("The Document Fraud Analysis Unit (DFAU) reads each PDF.\n"
                "Last year the DFAU flagged forgeries.",
                "agency",
                rows(agency_row("Document Fraud Analysis Unit (DFAU)",
                                "Document Fraud Analysis Unit", "DFAU"),
                     agency_row("DFAU", "Document Fraud Analysis Unit",
                                "DFAU"), NULL));
}

/* ---- officials ---- */

static void test_official_address_blocks(void **state)
{
    (void)state;
    expect_rows("July 9, 2024\n\n"
                "Ms. Anneliese Vandermolen-Ruiz\n"
                "Special Rapporteur on the protection of migrant workers\n"
                "and members of their families\n"
                "Geneva, Switzerland\n\n"
                "The Honorable Oswaldo P. McKinnon, Jr.\n"
                "Chief Inspector\n"
                "Bureau of Motor Carrier Audits\n"
                "1200 New Jersey Avenue SE\n"
                "Washington, DC 20590\n\n"
                "Dear Colleagues:\n",
                "official",
                rows(official_row("Anneliese Vandermolen-Ruiz Special "
                                  "Rapporteur on the protection of migrant "
                                  "workers and members of their families",
                                  "Anneliese Vandermolen-Ruiz",
                                  "Special Rapporteur on the protection of "
                                  "migrant workers and members of their "
                                  "families"),
                     official_row("Oswaldo P. McKinnon, Jr. Chief Inspector "
                                  "Bureau of Motor Carrier Audits",
                                  "Oswaldo P. McKinnon",
                                  "Chief Inspector, Bureau of Motor Carrier "
                                  "Audits"),
                     NULL));
}

static void test_official_honorifics_and_name_shapes(void **state)
{
    (void)state;
    static const struct {
        const char *line, *name;
    } cases[] = {
        {"Mr. Tomasz Wróblewski", "Tomasz Wróblewski"},
        {"Mrs. Adaeze Okonkwo-Baptiste", "Adaeze Okonkwo-Baptiste"},
        {"Dr. Sinéad O'Donoghue", "Sinéad O'Donoghue"},
        {"Prof. Hendrik van der Waals", "Hendrik van der Waals"},
        {"H.E. Mr. Faisal bin Rashid", "Faisal bin Rashid"},
        {"H.E. Ms. Lucía de la Fuente Ibáñez", "Lucía de la Fuente Ibáñez"},
        {"Dr Karim al-Masri", "Karim al-Masri"},
        {"Dame Philippa MacAllister", "Philippa MacAllister"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *text = g_strdup_printf("\n\n%s\nAmbassador\nBern, "
                                     "Switzerland\n",
                                     cases[i].line);
        char *span = g_strdup_printf("%s Ambassador", cases[i].name);
        expect_rows(text, "official",
                    official_row(span, cases[i].name, "Ambassador"));
        g_free(span);
        g_free(text);
    }
}

static void test_official_signatures(void **state)
{
    (void)state;
    /* The line describing the signature is passed over: one official,
     * with the title of the lines under the typed name. */
    const char *described =
        "We look forward to your reply.\n\n"
        "Sincerely,\n\n"
        "A signature in green ink that seems to read 'Marguerite E. "
        "Lindqvist', with a long underline.\n\n"
        "Marguerite E. Lindqvist\n"
        "Deputy Permanent Representative\n"
        "Labour Affairs\n\n"
        "Enclosure\n";
    expect_rows(described, "official",
                official_row("Marguerite E. Lindqvist Deputy Permanent "
                             "Representative Labour Affairs",
                             "Marguerite E. Lindqvist",
                             "Deputy Permanent Representative, Labour "
                             "Affairs"));
    /* No blank line after the closing, or the description right above
     * the name. */
    expect_rows("Respectfully,\nDr. Lena Ortiz\nChief, Victim Services "
                "Section\nRoom 4100\n",
                "official",
                official_row("Lena Ortiz Chief, Victim Services Section",
                             "Lena Ortiz", "Chief, Victim Services Section"));
    expect_rows("Sincerely yours,\n\n[signature of Lena Ortiz]\nLena Ortiz\n"
                "Director\nOffice of Media Relations\n",
                "official",
                official_row("Lena Ortiz Director Office of Media Relations",
                             "Lena Ortiz",
                             "Director, Office of Media Relations"));
    /* A description alone makes no official. */
    expect_rows("Sincerely,\n\nA signature that appears to read 'Lena "
                "Ortiz', Director.\n",
                "official", g_strdup(""));
}

static void test_official_memo_headers(void **state)
{
    (void)state;
    expect_rows("MEMORANDUM FOR:  Ines M. Carvalho\n"
                "                 Director, Office of Media Relations\n\n"
                "FROM:            Peter J. Halloran, Assistant Secretary "
                "for\n"
                "                 Policy\n\n"
                "cc:  Ruth A. Ferris\n"
                "     Chief Financial Officer\n"
                "CC:  Deputy Secretary\n",
                "official",
                rows(official_row("Ines M. Carvalho Director, Office of "
                                  "Media Relations",
                                  "Ines M. Carvalho",
                                  "Director, Office of Media Relations"),
                     official_row("Peter J. Halloran, Assistant Secretary "
                                  "for Policy",
                                  "Peter J. Halloran",
                                  "Assistant Secretary for Policy"),
                     official_row("Ruth A. Ferris Chief Financial Officer",
                                  "Ruth A. Ferris",
                                  "Chief Financial Officer"),
                     NULL));
}

static void test_official_inline_titles(void **state)
{
    (void)state;
    static const struct {
        const char *text, *span, *name, *title;
    } cases[] = {
        {"said Attorney General Jane Q. Doe on Monday.",
         "Attorney General Jane Q. Doe", "Jane Q. Doe", "Attorney General"},
        {"Secretary of State Harold W.\nPemberton met them.",
         "Secretary of State Harold W. Pemberton", "Harold W. Pemberton",
         "Secretary of State"},
        {"FBI Director Lionel Achterberg said",
         "FBI Director Lionel Achterberg", "Lionel Achterberg",
         "FBI Director"},
        {"with Ambassador Ngozi Abernathy-Cole in Rome",
         "Ambassador Ngozi Abernathy-Cole", "Ngozi Abernathy-Cole",
         "Ambassador"},
        {"said Deputy Director for Field Operations Samuel K. Okonjo-Reyes.",
         "Deputy Director for Field Operations Samuel K. Okonjo-Reyes",
         "Samuel K. Okonjo-Reyes", "Deputy Director for Field Operations"},
        {"said Jane Doe, Deputy Assistant Secretary for Border and\n"
         "Transportation Policy, on Friday.",
         "Jane Doe, Deputy Assistant Secretary for Border and "
         "Transportation Policy",
         "Jane Doe",
         "Deputy Assistant Secretary for Border and Transportation Policy"},
        {"asked Tomas R. Quill, Senior Program Advisor, to reply",
         "Tomas R. Quill, Senior Program Advisor", "Tomas R. Quill",
         "Senior Program Advisor"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        expect_rows(cases[i].text, "official",
                    official_row(cases[i].span, cases[i].name,
                                 cases[i].title));
}

static void test_official_surname_fields(void **state)
{
    (void)state;
    fx_fields f;
    fx_fields__init(&f);
    static const struct {
        const char *text, *name, *title;
    } cases[] = {
        {"Attorney General Whitfield and Director Delgado will", "Whitfield",
         "Attorney General"},
        {"\"Not now,\" Director\nDelgado said.", "Delgado", "Director"},
        {"thanked Ambassador Harper's team", "Harper", "Ambassador"},
        {"Secretary of State Pemberton said", "Pemberton",
         "Secretary of State"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        assert_true(first_fields("official-title-surname", cases[i].text,
                                 &f));
        assert_string_equal(f.f[FX_F_VALUE]->str, cases[i].name);
        assert_string_equal(f.f[FX_F_TITLE]->str, cases[i].title);
        assert_string_equal(f.f[FX_F_RESOLVE]->str, "surname");
    }
    /* A full name is complete, and not the surname rule's. */
    assert_true(first_fields("official-title-name",
                             "Director Marcus T. Delgado said", &f));
    assert_string_equal(f.f[FX_F_VALUE]->str, "Marcus T. Delgado");
    assert_string_equal(f.f[FX_F_RESOLVE]->str, "");
    static const char *const refused[] = {
        "Director Marcus T. Delgado said",
        "the Director General of the agency",
        "the Secretary Office Building",
        "Ambassador Program results",
        "Keith Alder\nDirector\nGeneva, Switzerland\n",
        "the Director of Operations",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
        if (first_fields("official-title-surname", refused[i], &f))
            print_message("text: %s\n", refused[i]);
        assert_false(first_fields("official-title-surname", refused[i], &f));
    }
    fx_fields__clear(&f);
}

/* End to end, before the document stage: the second mention keeps its
 * surname; the document stage makes it "Eleanor R. Whitfield". */
static void test_official_second_mention_rows(void **state)
{
    (void)state;
    expect_rows("Attorney General Eleanor R. Whitfield spoke. Later, "
                "Attorney General Whitfield left.",
                "official",
                rows(official_row("Attorney General Eleanor R. Whitfield",
                                  "Eleanor R. Whitfield", "Attorney General"),
                     official_row("Attorney General Whitfield",
                                  "Eleanor R. Whitfield", "Attorney General"),
                     NULL));
}

static void test_official_negatives(void **state)
{
    (void)state;
    static const char *const texts[] = {
        /* A description of a signature, and no typed name. */
        "Sincerely,\n\nA handwritten signature in blue ink, appearing to "
        "read 'Marguerite E. Lindqvist', with a flourish.\n",
        /* Titles without names. */
        "The Director General of the agency met the Secretary of State.",
        "CC:  Deputy Secretary\n     Chief Financial Officer\n",
        "The Secretary Office Building is closed.",
        /* Capitalised sentence starts and headings are not names. */
        "Program Results\nThe Director reported growth.\n",
        "Last Year, Director of Operations said the plan works.",
        "\n\nHuman Rights Council\nSpecial Rapporteur on the right to "
        "food\n",
        "\n\nDirector Reports\nAnnual Review\n",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
        char *got = run_bundled_type(texts[i], "official", NULL);
        if (*got)
            print_message("text: %s\n", texts[i]);
        assert_string_equal(got, "");
        g_free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agency_prefixes_and_variants),
        cmocka_unit_test(test_agency_possessives_and_line_breaks),
        cmocka_unit_test(test_agency_capitals_and_places),
        cmocka_unit_test(test_agency_chain),
        cmocka_unit_test(test_agency_definitions),
        cmocka_unit_test(test_agency_definitions_of_other_things),
        cmocka_unit_test(test_agency_proper_names_without_acronym),
        cmocka_unit_test(test_bare_acronym_fields),
        cmocka_unit_test(test_bare_acronym_rows),
        cmocka_unit_test(test_official_address_blocks),
        cmocka_unit_test(test_official_honorifics_and_name_shapes),
        cmocka_unit_test(test_official_signatures),
        cmocka_unit_test(test_official_memo_headers),
        cmocka_unit_test(test_official_inline_titles),
        cmocka_unit_test(test_official_surname_fields),
        cmocka_unit_test(test_official_second_mention_rows),
        cmocka_unit_test(test_official_negatives),
    };
    return cmocka_run_group_tests(tests, load_bundled, free_bundled);
}
