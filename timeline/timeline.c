/* Shown time runs through the span from start to stop; in a gap longer
 * than skip_ns it runs skip_ns into the gap and then jumps to its end. */
#include "timeline/timeline.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEC INT64_C(1000000000)

/* Seconds with an optional fraction ("12", "12.25"); false if s is not
 * just that. */
static bool seconds(const char *s, double lo, double hi, double *out)
{
    char *end;
    if (!isdigit((unsigned char)*s))
        return false;
    double v = strtod(s, &end);
    if (*end || !isfinite(v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* "H:MM:SS", "M:SS" or "SS", each with an optional fraction. */
static bool clock_span(const char *s, double *out)
{
    double parts[3], total = 0;
    int n = 0;
    char buf[64];
    if (strlen(s) >= sizeof(buf))
        return false;
    strcpy(buf, s);
    for (char *tok = buf, *colon; n < 3; tok = colon + 1) {
        colon = strchr(tok, ':');
        if (colon)
            *colon = 0;
        if (!seconds(tok, 0, colon ? 1e9 : 1e12, &parts[n++]))
            return false;
        if (!colon)
            break;
        if (n == 3)
            return false;
    }
    for (int i = 0; i < n; i++) {
        if (i > 0 && parts[i] >= 60)
            return false;
        total = total * 60 + parts[i];
    }
    *out = total;
    return true;
}

static int64_t to_ns(double secs)
{
    return (int64_t)llround(secs * 1e9);
}

bool timeline_parse_time(const char *s, int64_t first_ns, int64_t *out, char *err,
                         size_t errlen)
{
    double v;
    int y, mo, d, h, mi, used = 0;
    if (s[0] == '+' && clock_span(s + 1, &v) && v < 9e9) {
        *out = first_ns + to_ns(v);
        return true;
    }
    if (s[0] == '@' && seconds(s + 1, 0, 9.2e9, &v)) {
        *out = to_ns(v);
        return true;
    }
    if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d%n", &y, &mo, &d, &h, &mi, &used) == 5 &&
        mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60) {
        double sec = 0;
        if (s[used] == ':' && !seconds(s + used + 1, 0, 60.999, &sec))
            goto bad;
        if (s[used] && s[used] != ':')
            goto bad;
        struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                        .tm_hour = h, .tm_min = mi};
        time_t t = timegm(&tm);
        *out = (int64_t)t * SEC + to_ns(sec);
        return true;
    }
    /* a time of day: "12:00" is noon (H:MM), unlike "+1:30" (M:SS) */
    char tod[40];
    const char *colon = strchr(s, ':');
    bool hm = colon && !strchr(colon + 1, ':');
    if (colon && snprintf(tod, sizeof(tod), "%s%s", s, hm ? ":00" : "") < (int)sizeof(tod) &&
        clock_span(tod, &v) && v < 86400) {
        int64_t day = first_ns / SEC / 86400 * 86400;
        *out = day * SEC + to_ns(v);
        return true;
    }
bad:
    snprintf(err, errlen,
             "%s: expected a time: \"2024-05-01 12:00:00\" (UTC), \"12:00\" (on the "
             "capture's first day), \"+90\" or \"+1:30\" (after its start), or "
             "\"@1714564800\"", s);
    return false;
}

static void fmt(int64_t ns, char *buf, size_t len)
{
    time_t t = (time_t)(ns / SEC);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

bool timeline_set_span(struct timeline *tl, const char *start, const char *stop, char *err,
                       size_t errlen)
{
    char e[400];
    tl->start = tl->first;
    tl->stop = tl->known ? tl->last : INT64_MAX;
    if (start && !timeline_parse_time(start, tl->first, &tl->start, e, sizeof(e))) {
        snprintf(err, errlen, "--start %s", e);
        return false;
    }
    if (stop && !timeline_parse_time(stop, tl->first, &tl->stop, e, sizeof(e))) {
        snprintf(err, errlen, "--stop %s", e);
        return false;
    }
    char a[40], b[40];
    if (tl->known && (tl->start > tl->last || tl->stop < tl->first)) {
        fmt(tl->first, a, sizeof(a));
        fmt(tl->last, b, sizeof(b));
        snprintf(err, errlen, "--%s is outside the capture, which runs from %s to %s",
                 tl->start > tl->last ? "start" : "stop", a, b);
        return false;
    }
    if (tl->stop <= tl->start) {
        fmt(tl->start, a, sizeof(a));
        fmt(tl->stop, b, sizeof(b));
        snprintf(err, errlen, "--stop (%s) is not after --start (%s)", b, a);
        return false;
    }
    if (tl->start < tl->first)
        tl->start = tl->first;
    if (tl->known && tl->stop > tl->last)
        tl->stop = tl->last;
    tl->cursor = 0;
    tl->cursor_t = tl->start;
    tl->cursor_show = 0;
    return true;
}

/* A gap cut to the shown span; false if nothing of it is left. */
static bool clipped(const struct timeline *tl, size_t i, int64_t *from, int64_t *to)
{
    *from = tl->gaps.v[i].from_ns > tl->start ? tl->gaps.v[i].from_ns : tl->start;
    *to = tl->gaps.v[i].to_ns < tl->stop ? tl->gaps.v[i].to_ns : tl->stop;
    return *to - *from > tl->skip_ns;
}

int64_t timeline_shown_ns(const struct timeline *tl)
{
    int64_t span = tl->stop - tl->start;
    if (!tl->skip_ns)
        return span;
    for (size_t i = 0; i < tl->gaps.n; i++) {
        int64_t from, to;
        if (clipped(tl, i, &from, &to))
            span -= to - from - tl->skip_ns;
    }
    return span;
}

int64_t timeline_clock(struct timeline *tl, int64_t show_ns)
{
    if (!tl->skip_ns)
        return tl->start + show_ns;
    if (show_ns < tl->cursor_show) {
        tl->cursor = 0;
        tl->cursor_show = 0;
        tl->cursor_t = tl->start;
    }
    /* from the first gap not yet passed: the capture time reached there,
     * and the shown time still to go */
    int64_t t = tl->cursor ? tl->cursor_t : tl->start;
    int64_t left = show_ns - (tl->cursor ? tl->cursor_show : 0);
    for (size_t i = tl->cursor; i < tl->gaps.n; i++) {
        int64_t from, to;
        if (!clipped(tl, i, &from, &to))
            continue;
        int64_t plays = from + tl->skip_ns - t; /* shown time up to the jump */
        if (left <= plays)
            break;
        left -= plays;
        t = to;
        tl->cursor = i + 1;
        tl->cursor_t = t;
        tl->cursor_show = show_ns - left;
    }
    return t + left;
}
