/*
 * progress.c: the progress line (`--progress`).
 *
 * The line is redrawn in place with a carriage return:
 *
 *     \rfigex: 12.6 MB of 40.0 MB (31%), 1.1 MB/s, ETA 0:25, 48213 rows
 *
 * padded with spaces when it got shorter, so no terminal escape is
 * needed and a log file that captured it stays readable.  The first draw
 * waits FIRST_DRAW_US, so a quick run on a terminal does not flash a line
 * it erases at once, and later draws come at most every REDRAW_US.  The
 * clock is read once per input block, which costs nothing beside the
 * scan of the block.
 *
 * Rows are counted by a sink placed in front of the real one: the engine
 * hands it each row, it counts and passes the row on.
 */
#define _POSIX_C_SOURCE 200809L /* fileno, isatty */
#include "progress.h"

#include <glib.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#define FIRST_DRAW_US ((gint64)500 * 1000)
#define REDRAW_US ((gint64)250 * 1000)

struct fx_progress {
    fx_progress_mode mode;
    FILE *stream;
    int64_t total;   /* bytes of all inputs, or -1 when unknown */
    uint64_t done;   /* bytes read so far */
    uint64_t rows;   /* rows the engine has emitted so far */
    gint64 start_us; /* monotonic clock at fx_progress_new() */
    gint64 drawn_us; /* when the line was last drawn */
    size_t shown;    /* characters now on the line; 0 when erased */
    bool ever_drawn; /* a line was drawn at some point */
    const fx_sink *inner;
    fx_sink counter; /* counts rows, passes every call to `inner` */
};

bool fx_progress_mode_parse(const char *name, fx_progress_mode *out)
{
    static const char *const names[] = {"auto", "always", "never"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (fx_progress_mode)i;
            return true;
        }
    return false;
}

fx_progress *fx_progress_new(fx_progress_mode mode, FILE *stream,
                             int64_t total)
{
    if (mode == FX_PROGRESS_NEVER ||
        (mode == FX_PROGRESS_AUTO && !isatty(fileno(stream))))
        return NULL;
    fx_progress *p = g_new0(fx_progress, 1);
    p->mode = mode;
    p->stream = stream;
    p->total = total;
    p->start_us = g_get_monotonic_time();
    return p;
}

/* ---- the counting sink ---- */

static fx_status counter_begin(void *payload)
{
    fx_progress *p = payload;
    return p->inner->begin ? p->inner->begin(p->inner->payload) : FX_OK;
}

static fx_status counter_row(void *payload, const fx_row *row)
{
    fx_progress *p = payload;
    p->rows++;
    return p->inner->row(p->inner->payload, row);
}

static fx_status counter_finish(void *payload)
{
    fx_progress *p = payload;
    return p->inner->finish ? p->inner->finish(p->inner->payload) : FX_OK;
}

const fx_sink *fx_progress_sink(fx_progress *p, const fx_sink *inner)
{
    if (!p)
        return inner;
    p->inner = inner;
    p->counter = (fx_sink){.name = inner->name,
                           .begin = counter_begin,
                           .row = counter_row,
                           .finish = counter_finish,
                           .payload = p};
    return &p->counter;
}

/* ---- the line ---- */

/* "12.6 MB", or "3.25 GB" from a thousand megabytes on. */
static void append_size(GString *s, double bytes)
{
    if (bytes >= 1e9)
        g_string_append_printf(s, "%.2f GB", bytes / 1e9);
    else
        g_string_append_printf(s, "%.1f MB", bytes / 1e6);
}

/* "0:25", or "1:02:03" from an hour on. */
static void append_duration(GString *s, double seconds)
{
    uint64_t t = (uint64_t)seconds;
    if ((double)t < seconds) /* round up: never promise too early */
        t++;
    if (t >= 3600)
        g_string_append_printf(s, "%" PRIu64 ":%02u:%02u", t / 3600,
                               (unsigned)(t / 60 % 60), (unsigned)(t % 60));
    else
        g_string_append_printf(s, "%" PRIu64 ":%02u", t / 60,
                               (unsigned)(t % 60));
}

char *fx_progress_format(uint64_t done, int64_t total, double seconds,
                         uint64_t rows, bool final)
{
    /* Below a millisecond the rate would be noise, not a measurement. */
    double rate = seconds >= 0.001 ? (double)done / seconds : 0.0;
    bool known = total >= 0 && !final;
    uint64_t whole = known ? (uint64_t)total : 0;
    uint64_t left = done >= whole ? 0 : whole - done;
    GString *s = g_string_new("figex: ");
    append_size(s, (double)done);
    if (final)
        g_string_append_printf(s, " in %.1f s", seconds);
    if (known) {
        /* A file that grew while it was read would pass 100%. */
        unsigned pct = left == 0 ? 100 : (unsigned)(done * 100 / whole);
        g_string_append(s, " of ");
        append_size(s, (double)whole);
        g_string_append_printf(s, " (%u%%)", pct);
    }
    g_string_append(s, ", ");
    append_size(s, rate);
    g_string_append(s, "/s");
    if (known) {
        g_string_append(s, ", ETA ");
        if (left == 0)
            g_string_append(s, "0:00");
        else if (rate > 0.0)
            append_duration(s, (double)left / rate);
        else
            g_string_append(s, "-:--");
    }
    g_string_append_printf(s, ", %" PRIu64 " %s", rows,
                           rows == 1 ? "row" : "rows");
    return g_string_free(s, FALSE);
}

/* Write `text` over the current line, padding out what it does not
 * cover; the line is plain ASCII, so bytes are characters. */
static void draw(fx_progress *p, const char *text, bool newline)
{
    size_t len = strlen(text);
    fprintf(p->stream, "\r%s", text);
    for (size_t i = len; i < p->shown; i++)
        fputc(' ', p->stream);
    if (newline)
        fputc('\n', p->stream);
    fflush(p->stream);
    p->shown = newline ? 0 : len;
    p->ever_drawn = true;
}

static double elapsed(const fx_progress *p, gint64 now)
{
    return (double)(now - p->start_us) / 1e6;
}

void fx_progress_add(fx_progress *p, uint64_t bytes)
{
    if (!p)
        return;
    p->done += bytes;
    gint64 now = g_get_monotonic_time();
    if (now - p->start_us < FIRST_DRAW_US ||
        (p->ever_drawn && now - p->drawn_us < REDRAW_US))
        return;
    char *line =
        fx_progress_format(p->done, p->total, elapsed(p, now), p->rows, false);
    draw(p, line, false);
    g_free(line);
    p->drawn_us = now;
}

void fx_progress_clear(fx_progress *p)
{
    if (!p || !p->shown)
        return;
    fputc('\r', p->stream);
    for (size_t i = 0; i < p->shown; i++)
        fputc(' ', p->stream);
    fputc('\r', p->stream);
    fflush(p->stream);
    p->shown = 0;
}

void fx_progress_end(fx_progress *p)
{
    if (!p || (p->mode == FX_PROGRESS_AUTO && !p->ever_drawn))
        return;
    char *line = fx_progress_format(
        p->done, p->total, elapsed(p, g_get_monotonic_time()), p->rows, true);
    draw(p, line, true);
    g_free(line);
}

void fx_progress_free(fx_progress *p)
{
    g_free(p);
}
