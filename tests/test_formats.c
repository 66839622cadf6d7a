/*
 * test_formats.c: JSON Lines, the byte order mark and the summary sheet.
 *
 * The JSONL sink's output is parsed back with json-glib and compared field
 * by field with the rows, including JSON types (the four positions are
 * integers, everything else strings) and the escaping of every control
 * character, U+001F included, which json-glib alone writes raw.  The
 * summary sink gets rows whose counts were worked out by hand.  The
 * command-line part spawns the built figex (FIGEX_BIN): --bom for CSV and
 * TSV, its refusal for JSONL, --format jsonl against --format csv on the
 * same text, and --summary on two small files.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "figex.h"
#include "support.h"

#define BOM "\xEF\xBB\xBF"

/* ---- rows and memory streams ---- */

/* Every control character JSON must escape, plus DEL, quotes, backslash
 * and letters outside ASCII (Š, ć, é, Greek, CJK, and an emoji). */
static const char hard_text[] =
    "tab\there, line\nbreak, cr\r, \"quoted\" back\\slash "
    "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"
    "\x7f \xC5\xA0imonovi\xC4\x87 caf\xC3\xA9 \xCE\xB1\xCE\xB2 "
    "\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x93\x88";

/* A 400-digit figure: no JSON reader's double could hold it. */
static char long_figure[401];

static fx_row hard_row(void)
{
    memset(long_figure, '9', 400);
    long_figure[0] = '1';
    fx_row r = {
        .source = "dir/\xC3\xA9t\xC3\xA9 \"2024\".txt",
        .start_byte = 9007199254740993ull, /* 2^53 + 1: not a double */
        .end_byte = 9007199254741000ull,
        .line = 4294967296ull,
        .column = 1,
        .type = FX_TYPE_STATISTIC,
        .text = hard_text,
        .value = long_figure,
        .low = "10/20",
        .high = "",
        .unit = "people\x1f",
        .qualifier = ">=",
        .precision = "",
        .acronym = "\\",
        .title = "Rapporteur, \xC5\xA0imonovi\xC4\x87",
        .as_of = ">=1998",
        .agency = "line1\r\nline2",
        .rule = "statistic-count",
        .rule_source = "rules/statistic.rules:31",
    };
    return r;
}

/* A row of a summary test: only source, type, value and unit matter. */
static fx_row fact(const char *source, fx_type type, const char *value,
                   const char *unit)
{
    fx_row r = {
        .source = source,
        .type = type,
        .text = value,
        .value = value,
        .low = "",
        .high = "",
        .unit = unit,
        .qualifier = "",
        .precision = "",
        .acronym = "",
        .title = "",
        .as_of = "",
        .agency = "",
        .rule = "r",
        .rule_source = "r.rules:1",
    };
    return r;
}

typedef struct {
    char *data;
    size_t len;
    FILE *fp;
} memout;

static void memout_open(memout *m)
{
    m->data = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->data, &m->len);
    assert_non_null(m->fp);
}

/* Run `n` rows through `sink` into `m`, close the stream, free the sink. */
static void run_sink(fx_sink *sink, memout *m, const fx_row *rows, size_t n)
{
    assert_int_equal(sink->begin(sink->payload), FX_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(sink->row(sink->payload, &rows[i]), FX_OK);
    assert_int_equal(sink->finish(sink->payload), FX_OK);
    assert_int_equal(fclose(m->fp), 0);
    m->fp = NULL;
    fx_sink_free(sink);
}

/* ---- reading JSON Lines back ---- */

static bool is_integer_column(fx_column c)
{
    return c == FX_COL_START_BYTE || c == FX_COL_END_BYTE ||
           c == FX_COL_LINE || c == FX_COL_COLUMN;
}

static uint64_t integer_of(const fx_row *r, fx_column c)
{
    return c == FX_COL_START_BYTE ? r->start_byte
           : c == FX_COL_END_BYTE ? r->end_byte
           : c == FX_COL_LINE     ? r->line
                                  : r->column;
}

/* Parse one line as a JSON object; it stays owned by `parser`. */
static JsonObject *parse_object(JsonParser *parser, const char *line)
{
    GError *err = NULL;
    if (!json_parser_load_from_data(parser, line, -1, &err)) {
        print_message("not JSON: %s\n%s\n", err->message, line);
        g_error_free(err);
        fail();
    }
    JsonNode *root = json_parser_get_root(parser);
    assert_int_equal(JSON_NODE_TYPE(root), JSON_NODE_OBJECT);
    return json_node_get_object(root);
}

/* The keys of `obj` are exactly `names`, in that order. */
static void assert_keys(JsonObject *obj, const char *const *names, int n)
{
    GList *members = json_object_get_members(obj);
    assert_int_equal(g_list_length(members), n);
    int i = 0;
    for (GList *l = members; l; l = l->next, i++)
        assert_string_equal(l->data, names[i]);
    g_list_free(members);
}

static void assert_string_member(JsonObject *obj, const char *key,
                                 const char *want)
{
    JsonNode *node = json_object_get_member(obj, key);
    assert_non_null(node);
    assert_int_equal(JSON_NODE_TYPE(node), JSON_NODE_VALUE);
    if (json_node_get_value_type(node) != G_TYPE_STRING)
        print_message("%s is not a string\n", key);
    assert_int_equal(json_node_get_value_type(node), G_TYPE_STRING);
    assert_string_equal(json_node_get_string(node), want);
}

static void assert_int_member(JsonObject *obj, const char *key, uint64_t want)
{
    JsonNode *node = json_object_get_member(obj, key);
    assert_non_null(node);
    assert_int_equal(JSON_NODE_TYPE(node), JSON_NODE_VALUE);
    if (json_node_get_value_type(node) != G_TYPE_INT64)
        print_message("%s is not an integer\n", key);
    assert_int_equal(json_node_get_value_type(node), G_TYPE_INT64);
    assert_int_equal((uint64_t)json_node_get_int(node), want);
}

/* `obj` holds every column of `r` with its JSON type and exact value. */
static void assert_row_object(JsonObject *obj, const fx_row *r)
{
    const char *names[FX_COL_COUNT];
    for (int c = 0; c < FX_COL_COUNT; c++)
        names[c] = fx_column_name((fx_column)c);
    assert_keys(obj, names, FX_COL_COUNT);
    char buf[FX_CELL_BUF];
    for (int c = 0; c < FX_COL_COUNT; c++) {
        fx_column col = (fx_column)c;
        if (is_integer_column(col))
            assert_int_member(obj, names[c], integer_of(r, col));
        else
            assert_string_member(obj, names[c], fx_row_cell(r, col, buf));
    }
}

/* JSON Lines: every line ends in LF, and no other byte below 0x20 is
 * left raw anywhere.  Returns the lines (the caller frees them). */
static char **jsonl_lines(const char *data, size_t len, size_t want_lines)
{
    size_t lf = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\n')
            lf++;
        else if (c < 0x20)
            fail_msg("raw control byte 0x%02x at byte %zu", c, i);
    }
    assert_int_equal(lf, want_lines);
    assert_true(len == 0 || data[len - 1] == '\n');
    char **lines = g_strsplit(data, "\n", -1);
    assert_int_equal(g_strv_length(lines), want_lines + 1);
    assert_string_equal(lines[want_lines], "");
    return lines;
}

/* ---- JSONL ---- */

static void test_jsonl_round_trip(void **state)
{
    (void)state;
    fx_row rows[3] = {hard_row(), hard_row(), hard_row()};
    rows[1].type = FX_TYPE_DATE;
    rows[1].value = "2019-10/2020-09";
    rows[1].start_byte = 0;
    rows[1].line = 1;
    rows[2].type = FX_TYPE_AGENCY;
    rows[2].text = "";
    rows[2].value = "";
    rows[2].unit = "";
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_jsonl_new(&sink, m.fp), FX_OK);
    assert_string_equal(sink.name, "jsonl");
    run_sink(&sink, &m, rows, 3);
    char **lines = jsonl_lines(m.data, m.len, 3);
    JsonParser *parser = json_parser_new();
    for (int i = 0; i < 3; i++)
        assert_row_object(parse_object(parser, lines[i]), &rows[i]);
    g_object_unref(parser);
    g_strfreev(lines);
    free(m.data);
}

/* The exact bytes of one line: compact, keys in schema order, short
 * escapes where JSON has them and \u00XX for the other controls. */
static void test_jsonl_exact_line(void **state)
{
    (void)state;
    fx_row r = fact("a.txt", FX_TYPE_STATISTIC, "10/20", "percent");
    r.start_byte = 7;
    r.end_byte = 19;
    r.line = 2;
    r.column = 3;
    r.text = "10\t\"to\"\n20\\\x1f\x01 caf\xC3\xA9";
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_jsonl_new(&sink, m.fp), FX_OK);
    run_sink(&sink, &m, &r, 1);
    assert_string_equal(
        m.data,
        "{\"source\":\"a.txt\",\"start_byte\":7,\"end_byte\":19,\"line\":2,"
        "\"column\":3,\"type\":\"statistic\","
        "\"text\":\"10\\t\\\"to\\\"\\n20\\\\\\u001f\\u0001 caf\xC3\xA9\","
        "\"value\":\"10/20\",\"low\":\"\",\"high\":\"\","
        "\"unit\":\"percent\",\"qualifier\":\"\",\"precision\":\"\","
        "\"acronym\":\"\",\"title\":\"\",\"as_of\":\"\",\"agency\":\"\","
        "\"rule\":\"r\",\"rule_source\":\"r.rules:1\"}\n");
    free(m.data);
}

/* No header: a run without rows writes nothing at all. */
static void test_jsonl_no_header(void **state)
{
    (void)state;
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_jsonl_new(&sink, m.fp), FX_OK);
    run_sink(&sink, &m, NULL, 0);
    assert_int_equal(m.len, 0);
    free(m.data);
}

/* ---- the byte order mark ---- */

typedef fx_status (*plain_new_fn)(fx_sink *, FILE *);
typedef fx_status (*ext_new_fn)(fx_sink *, FILE *, unsigned);

/* With FX_EMIT_BOM the output is EF BB BF and then, byte for byte, what
 * the writer writes without it; with 0 it is exactly the plain writer's. */
static void check_bom(plain_new_fn plain, ext_new_fn ext, const char *head)
{
    fx_row rows[2] = {hard_row(), fact("b.txt", FX_TYPE_DATE, "2020", "")};
    memout without, with, zero;
    fx_sink sink = {0};
    memout_open(&without);
    assert_int_equal(plain(&sink, without.fp), FX_OK);
    run_sink(&sink, &without, rows, 2);
    memout_open(&with);
    assert_int_equal(ext(&sink, with.fp, FX_EMIT_BOM), FX_OK);
    run_sink(&sink, &with, rows, 2);
    memout_open(&zero);
    assert_int_equal(ext(&sink, zero.fp, 0), FX_OK);
    run_sink(&sink, &zero, rows, 2);

    assert_true(g_str_has_prefix(without.data, head));
    assert_int_equal(with.len, without.len + 3);
    assert_memory_equal(with.data, BOM, 3);
    assert_memory_equal(with.data + 3, without.data, without.len);
    assert_int_equal(zero.len, without.len);
    assert_memory_equal(zero.data, without.data, without.len);
    /* A flag the writer does not know is refused, not ignored. */
    assert_int_equal(ext(&sink, stdout, 0x4u), FX_ERR_USAGE);
    free(without.data);
    free(with.data);
    free(zero.data);
}

static void test_bom_csv(void **state)
{
    (void)state;
    check_bom(fx_emit_csv_new, fx_emit_csv_new_ext, "source,start_byte,");
}

static void test_bom_tsv(void **state)
{
    (void)state;
    check_bom(fx_emit_tsv_new, fx_emit_tsv_new_ext, "source\tstart_byte\t");
}

/* ---- the summary sheet ---- */

/*
 * Nine entries from fifteen rows in three sources, counted by hand:
 *   date 2020         a a b c  -> 4 rows, 3 sources
 *   date 2019         a b      -> 2, 2
 *   statistic 40 %    a b c    -> 3, 3
 *   and six entries of one row each.
 * Types sort by name (official after date, unlike the enum), counts from
 * high to low, then values in byte order ("10/20" before "40"), then
 * units ("" before "cases").
 */
static const fx_row *summary_rows(size_t *n)
{
    static fx_row rows[15];
    size_t k = 0;
    rows[k++] = fact("a.txt", FX_TYPE_DATE, "2020", "");
    rows[k++] = fact("a.txt", FX_TYPE_DATE, "2020", "");
    rows[k++] = fact("a.txt", FX_TYPE_STATISTIC, "40", "percent");
    rows[k++] = fact("a.txt", FX_TYPE_AGENCY, "Department of State", "");
    rows[k++] = fact("a.txt", FX_TYPE_STATISTIC, "40", "");
    rows[k++] = fact("a.txt", FX_TYPE_DATE, "2019", "");
    rows[k++] = fact("b.txt", FX_TYPE_DATE, "2020", "");
    rows[k++] = fact("b.txt", FX_TYPE_STATISTIC, "40", "percent");
    rows[k++] =
        fact("b.txt", FX_TYPE_STATISTIC, "10/20", "people, mostly adults");
    rows[k++] = fact("b.txt", FX_TYPE_OFFICIAL, "Keith M. Harper", "");
    rows[k++] = fact("b.txt", FX_TYPE_DATE, "2019", "");
    rows[k++] = fact("c.txt", FX_TYPE_DATE, "2021", "");
    rows[k++] = fact("c.txt", FX_TYPE_STATISTIC, "40", "percent");
    rows[k++] = fact("c.txt", FX_TYPE_STATISTIC, "40", "cases");
    rows[k++] = fact("c.txt", FX_TYPE_DATE, "2020", "");
    assert_int_equal(k, 15);
    *n = k;
    return rows;
}

static char *summary_of(fx_format format, unsigned flags, const fx_row *rows,
                        size_t n)
{
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_summary_new(&sink, m.fp, format, flags), FX_OK);
    assert_string_equal(sink.name, "summary");
    run_sink(&sink, &m, rows, n);
    char *out = g_strndup(m.data, m.len);
    free(m.data);
    return out;
}

static void test_summary_csv(void **state)
{
    (void)state;
    size_t n;
    const fx_row *rows = summary_rows(&n);
    char *got = summary_of(FX_FORMAT_CSV, 0, rows, n);
    assert_string_equal(got, "type,value,unit,count,sources\n"
                             "agency,Department of State,,1,1\n"
                             "date,2020,,4,3\n"
                             "date,2019,,2,2\n"
                             "date,2021,,1,1\n"
                             "official,Keith M. Harper,,1,1\n"
                             "statistic,40,percent,3,3\n"
                             "statistic,10/20,\"people, mostly adults\",1,1\n"
                             "statistic,40,,1,1\n"
                             "statistic,40,cases,1,1\n");
    g_free(got);
}

static void test_summary_tsv_bom(void **state)
{
    (void)state;
    size_t n;
    const fx_row *rows = summary_rows(&n);
    fx_row extra = fact("c.txt", FX_TYPE_AGENCY, "tab\there\\", "");
    fx_row all[16];
    memcpy(all, rows, n * sizeof *rows);
    all[n] = extra;
    char *got = summary_of(FX_FORMAT_TSV, FX_EMIT_BOM, all, n + 1);
    assert_string_equal(got, BOM "type\tvalue\tunit\tcount\tsources\n"
                                 "agency\tDepartment of State\t\t1\t1\n"
                                 "agency\ttab\\there\\\\\t\t1\t1\n"
                                 "date\t2020\t\t4\t3\n"
                                 "date\t2019\t\t2\t2\n"
                                 "date\t2021\t\t1\t1\n"
                                 "official\tKeith M. Harper\t\t1\t1\n"
                                 "statistic\t40\tpercent\t3\t3\n"
                                 "statistic\t10/20\tpeople, mostly adults"
                                 "\t1\t1\n"
                                 "statistic\t40\t\t1\t1\n"
                                 "statistic\t40\tcases\t1\t1\n");
    g_free(got);
}

static void test_summary_jsonl(void **state)
{
    (void)state;
    size_t n;
    const fx_row *rows = summary_rows(&n);
    fx_row all[16];
    memcpy(all, rows, n * sizeof *rows);
    all[n] = fact("c.txt", FX_TYPE_AGENCY,
                  "Bureau\x1f"
                  "of\tStats",
                  "");
    char *got = summary_of(FX_FORMAT_JSONL, 0, all, n + 1);
    char **lines = jsonl_lines(got, strlen(got), 10);
    static const char *const keys[] = {"type", "value", "unit", "count",
                                       "sources"};
    static const struct {
        const char *type, *value, *unit;
        uint64_t count, sources;
    } want[] = {
        {"agency",
         "Bureau\x1f"
         "of\tStats",
         "", 1, 1},
        {"agency", "Department of State", "", 1, 1},
        {"date", "2020", "", 4, 3},
        {"date", "2019", "", 2, 2},
        {"date", "2021", "", 1, 1},
        {"official", "Keith M. Harper", "", 1, 1},
        {"statistic", "40", "percent", 3, 3},
        {"statistic", "10/20", "people, mostly adults", 1, 1},
        {"statistic", "40", "", 1, 1},
        {"statistic", "40", "cases", 1, 1},
    };
    JsonParser *parser = json_parser_new();
    for (int i = 0; i < 10; i++) {
        JsonObject *obj = parse_object(parser, lines[i]);
        assert_keys(obj, keys, 5);
        assert_string_member(obj, "type", want[i].type);
        assert_string_member(obj, "value", want[i].value);
        assert_string_member(obj, "unit", want[i].unit);
        assert_int_member(obj, "count", want[i].count);
        assert_int_member(obj, "sources", want[i].sources);
    }
    assert_string_equal(lines[0], "{\"type\":\"agency\",\"value\":"
                                  "\"Bureau\\u001fof\\tStats\",\"unit\":\"\","
                                  "\"count\":1,\"sources\":1}");
    g_object_unref(parser);
    g_strfreev(lines);
    g_free(got);
}

/* No rows: CSV and TSV still get their header, JSONL nothing. */
static void test_summary_empty(void **state)
{
    (void)state;
    char *csv = summary_of(FX_FORMAT_CSV, 0, NULL, 0);
    char *jsonl = summary_of(FX_FORMAT_JSONL, 0, NULL, 0);
    assert_string_equal(csv, "type,value,unit,count,sources\n");
    assert_string_equal(jsonl, "");
    g_free(csv);
    g_free(jsonl);
}

/* Many rows of few entries make few lines: counts add up exactly, and a
 * source counts once however many of its rows repeat an entry.  A source
 * named again after another one counts again (documented in figex.h). */
static void test_summary_many_rows(void **state)
{
    (void)state;
    const char *sources[] = {"one.txt", "two.txt", "three.txt"};
    memout m;
    memout_open(&m);
    fx_sink sink = {0};
    assert_int_equal(fx_emit_summary_new(&sink, m.fp, FX_FORMAT_CSV, 0),
                     FX_OK);
    assert_int_equal(sink.begin(sink.payload), FX_OK);
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < 100000; i++) {
            fx_row r =
                fact(sources[s], FX_TYPE_DATE, i % 4 ? "2020" : "2021", "");
            assert_int_equal(sink.row(sink.payload, &r), FX_OK);
        }
    fx_row again = fact("one.txt", FX_TYPE_DATE, "2021", "");
    assert_int_equal(sink.row(sink.payload, &again), FX_OK);
    assert_int_equal(sink.finish(sink.payload), FX_OK);
    assert_int_equal(fclose(m.fp), 0);
    fx_sink_free(&sink);
    assert_string_equal(m.data, "type,value,unit,count,sources\n"
                                "date,2020,,225000,3\n"
                                "date,2021,,75001,4\n");
    free(m.data);
}

static void test_summary_refusals(void **state)
{
    (void)state;
    fx_sink sink = {0};
    assert_int_equal(
        fx_emit_summary_new(&sink, stdout, FX_FORMAT_JSONL, FX_EMIT_BOM),
        FX_ERR_USAGE);
    assert_int_equal(fx_emit_summary_new(&sink, stdout, FX_FORMAT_CSV, 0x4u),
                     FX_ERR_USAGE);
    assert_int_equal(fx_emit_summary_new(&sink, stdout, (fx_format)3, 0),
                     FX_ERR_USAGE);
    assert_null(sink.payload);
    /* A row whose type has no name is refused rather than counted. */
    assert_int_equal(fx_emit_summary_new(&sink, stdout, FX_FORMAT_CSV, 0),
                     FX_OK);
    fx_row bad = fact("a.txt", FX_TYPE_COUNT, "x", "");
    assert_int_equal(sink.row(sink.payload, &bad), FX_ERR_SINK);
    fx_sink_free(&sink);
}

/* ---- write errors ---- */

/* /dev/full accepts writes into the stdio buffer and fails the flush:
 * finish must report it. */
static void check_full_device(fx_sink *sink, FILE *fp, const fx_row *r)
{
    assert_int_equal(sink->begin(sink->payload), FX_OK);
    assert_int_equal(sink->row(sink->payload, r), FX_OK);
    assert_int_equal(sink->finish(sink->payload), FX_ERR_IO);
    fx_sink_free(sink);
    fclose(fp);
}

static void test_write_errors(void **state)
{
    (void)state;
    fx_row r = fact("a.txt", FX_TYPE_DATE, "2020", "");
    FILE *fp = fopen("/dev/full", "w");
    if (!fp) {
        skip();
        return;
    }
    fx_sink sink = {0};
    assert_int_equal(fx_emit_jsonl_new(&sink, fp), FX_OK);
    check_full_device(&sink, fp, &r);
    for (int f = FX_FORMAT_CSV; f <= FX_FORMAT_JSONL; f++) {
        fp = fopen("/dev/full", "w");
        assert_non_null(fp);
        assert_int_equal(fx_emit_summary_new(&sink, fp, (fx_format)f, 0),
                         FX_OK);
        check_full_device(&sink, fp, &r);
    }
}

/* ---- the command line ---- */

typedef struct {
    int exit;
    char *out, *err;
    size_t out_len;
} cli_result;

static void cli_result_clear(cli_result *r)
{
    g_free(r->out);
    g_free(r->err);
}

/* Run the built figex in `cwd` with the NULL-terminated arguments. */
static cli_result run_cli(const char *cwd, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, FIGEX_BIN);
    va_list ap;
    va_start(ap, cwd);
    for (const char *a; (a = va_arg(ap, const char *));)
        g_ptr_array_add(argv, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    cli_result r = {0};
    int status;
    GError *error = NULL;
    assert_true(g_spawn_sync(cwd, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT,
                             NULL, NULL, &r.out, &r.err, &status, &error));
    assert_true(WIFEXITED(status));
    r.exit = WEXITSTATUS(status);
    r.out_len = strlen(r.out); /* figex writes no NUL byte */
    g_ptr_array_unref(argv);
    return r;
}

/* Two small documents in a fresh folder, the test's state. */
static const char doc_a[] =
    "The U.S. Department of Justice (DOJ) wrote on 18 January 2022 that\n"
    "its caseload had grown since 2020.  By March 2021 the DOJ had opened\n"
    "more than 300,000 investigations,\tnearly 40 percent of them in\n"
    "2020 alone, Ms. Zo\xC3\xAB M\xC3\xBCller said.\n";
static const char doc_b[] = "In 2020 the DOJ hired 1,200 staff.\n";

static int tmp_setup(void **state)
{
    char *dir = g_dir_make_tmp("figex-formats-XXXXXX", NULL);
    assert_non_null(dir);
    char *a = g_build_filename(dir, "a.txt", NULL);
    char *b = g_build_filename(dir, "b.txt", NULL);
    assert_true(g_file_set_contents(a, doc_a, -1, NULL));
    assert_true(g_file_set_contents(b, doc_b, -1, NULL));
    g_free(a);
    g_free(b);
    *state = dir;
    return 0;
}

static int tmp_teardown(void **state)
{
    remove_tree(*state);
    g_free(*state);
    return 0;
}

static void check_cli_bom(const char *dir, const char *format,
                          const char *head)
{
    cli_result plain = run_cli(dir, "-f", format, "a.txt", "b.txt", NULL);
    cli_result bom =
        run_cli(dir, "--bom", "-f", format, "a.txt", "b.txt", NULL);
    assert_int_equal(plain.exit, 0);
    assert_int_equal(bom.exit, 0);
    assert_true(g_str_has_prefix(plain.out, head));
    assert_true(strchr(plain.out, '\n') < plain.out + plain.out_len - 1);
    assert_int_equal(bom.out_len, plain.out_len + 3);
    assert_memory_equal(bom.out, BOM, 3);
    assert_string_equal(bom.out + 3, plain.out);
    assert_string_equal(bom.err, "");
    cli_result_clear(&plain);
    cli_result_clear(&bom);
}

static void test_cli_bom(void **state)
{
    check_cli_bom(*state, "csv", "source,start_byte,");
    check_cli_bom(*state, "tsv", "source\tstart_byte\t");
    /* The summary sheet takes the mark too, before its header. */
    cli_result r = run_cli(*state, "--bom", "--summary", "a.txt", NULL);
    assert_int_equal(r.exit, 0);
    assert_true(g_str_has_prefix(r.out, BOM "type,value,unit,count,"
                                            "sources\n"));
    cli_result_clear(&r);
}

static void test_cli_bom_jsonl_refused(void **state)
{
    const char *want = "figex: --bom cannot be used with --format jsonl: "
                       "JSON Lines forbids a byte order mark\n"
                       "Try 'figex --help'.\n";
    cli_result r = run_cli(*state, "--bom", "-f", "jsonl", "a.txt", NULL);
    assert_int_equal(r.exit, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, want);
    cli_result_clear(&r);
    r = run_cli(*state, "--summary", "--format=jsonl", "--bom", "a.txt", NULL);
    assert_int_equal(r.exit, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, want);
    cli_result_clear(&r);
    r = run_cli(*state, "-f", "json", "a.txt", NULL);
    assert_int_equal(r.exit, 2);
    assert_string_equal(r.err, "figex: unknown --format 'json' (expected "
                               "csv, tsv or jsonl)\nTry 'figex --help'.\n");
    cli_result_clear(&r);
}

/* The same run as CSV and as JSONL: the same rows, cell for cell, with
 * the positions as JSON integers. */
static void test_cli_jsonl_matches_csv(void **state)
{
    cli_result csv = run_cli(*state, "a.txt", "b.txt", NULL);
    cli_result jsonl =
        run_cli(*state, "--format", "jsonl", "a.txt", "b.txt", NULL);
    assert_int_equal(csv.exit, 0);
    assert_int_equal(jsonl.exit, 0);
    GPtrArray *table = parse_csv(csv.out, csv.out_len);
    size_t nrows = table->len - 1;
    assert_true(nrows >= 8); /* agencies, dates and figures of both files */
    char **lines = jsonl_lines(jsonl.out, jsonl.out_len, nrows);
    JsonParser *parser = json_parser_new();
    for (size_t i = 0; i < nrows; i++) {
        GPtrArray *cells = g_ptr_array_index(table, i + 1);
        assert_int_equal(cells->len, FX_COL_COUNT);
        JsonObject *obj = parse_object(parser, lines[i]);
        for (int c = 0; c < FX_COL_COUNT; c++) {
            const char *name = fx_column_name((fx_column)c);
            const char *cell = g_ptr_array_index(cells, c);
            if (is_integer_column((fx_column)c))
                assert_int_member(obj, name, g_ascii_strtoull(cell, NULL, 10));
            else
                assert_string_member(obj, name, cell);
        }
    }
    g_object_unref(parser);
    g_strfreev(lines);
    g_ptr_array_unref(table);
    cli_result_clear(&csv);
    cli_result_clear(&jsonl);
}

/*
 * Agencies and dates of the two documents, counted by hand:
 *   U.S. Department of Justice  a: the full name, "the DOJ"; b: "the DOJ"
 *   2020                        a: "since 2020", "2020 alone"; b: "In 2020"
 *   2022-01-18, 2021-03         once each, in a
 */
static void test_cli_summary(void **state)
{
    cli_result r = run_cli(*state, "--summary", "-t", "agency,date", "a.txt",
                           "b.txt", NULL);
    assert_int_equal(r.exit, 0);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, "type,value,unit,count,sources\n"
                               "agency,U.S. Department of Justice,,3,2\n"
                               "date,2020,,3,2\n"
                               "date,2021-03,,1,1\n"
                               "date,2022-01-18,,1,1\n");
    cli_result_clear(&r);
    /* The same sheet as JSON Lines, written to a file with -o. */
    r = run_cli(*state, "--summary", "-t", "agency,date", "-f", "jsonl", "-o",
                "sheet.jsonl", "a.txt", "b.txt", NULL);
    assert_int_equal(r.exit, 0);
    assert_string_equal(r.out, "");
    char *path = g_build_filename(*state, "sheet.jsonl", NULL), *text;
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    assert_string_equal(
        text,
        "{\"type\":\"agency\",\"value\":\"U.S. Department of Justice\","
        "\"unit\":\"\",\"count\":3,\"sources\":2}\n"
        "{\"type\":\"date\",\"value\":\"2020\",\"unit\":\"\",\"count\":3,"
        "\"sources\":2}\n"
        "{\"type\":\"date\",\"value\":\"2021-03\",\"unit\":\"\","
        "\"count\":1,\"sources\":1}\n"
        "{\"type\":\"date\",\"value\":\"2022-01-18\",\"unit\":\"\","
        "\"count\":1,\"sources\":1}\n");
    g_free(text);
    g_free(path);
    cli_result_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonl_round_trip),
        cmocka_unit_test(test_jsonl_exact_line),
        cmocka_unit_test(test_jsonl_no_header),
        cmocka_unit_test(test_bom_csv),
        cmocka_unit_test(test_bom_tsv),
        cmocka_unit_test(test_summary_csv),
        cmocka_unit_test(test_summary_tsv_bom),
        cmocka_unit_test(test_summary_jsonl),
        cmocka_unit_test(test_summary_empty),
        cmocka_unit_test(test_summary_many_rows),
        cmocka_unit_test(test_summary_refusals),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test_setup_teardown(test_cli_bom, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_cli_bom_jsonl_refused, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test_setup_teardown(test_cli_jsonl_matches_csv, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test_setup_teardown(test_cli_summary, tmp_setup,
                                        tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
