/* The replay's time: which span of the capture is shown (--start,
 * --stop), idle gaps cut short (--skip-idle), and the mapping from
 * "shown" time, which the animation runs on, to capture time. */
#ifndef FLOWSWARM_TIMELINE_H
#define FLOWSWARM_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timeline/activity.h"
#include "timeline/gaps.h"

struct timeline {
    struct activity activity; /* octets over the capture, for the HUD */
    struct gaps gaps;         /* idle stretches longer than skip_ns */
    int64_t first, last;      /* the capture's span */
    int64_t start, stop;      /* the span shown */
    int64_t skip_ns;          /* gaps are cut to this; 0: not cut */
    bool known;               /* scanned up front (files, not stdin) */
    size_t cursor;            /* gaps before it are behind the clock: */
    int64_t cursor_t, cursor_show; /* capture and shown time past the last */
};

/* Reads a time as the options take it: "2024-05-01 12:00:00" (UTC, 'T'
 * also allowed, seconds optional, fractions allowed), "12:00[:00]" (that
 * time on the capture's first day, UTC), "+90" or "+1:30" (after the
 * capture's first event), "@1714564800" (seconds since the epoch).
 * False with one line in err naming what was wrong. */
bool timeline_parse_time(const char *s, int64_t first_ns, int64_t *out, char *err,
                         size_t errlen);

/* Sets start and stop from the options' strings (NULL: the capture's
 * ends) once first (and, when known, last) are. False with err set when
 * a time cannot be read or the span is empty. */
bool timeline_set_span(struct timeline *tl, const char *start, const char *stop, char *err,
                       size_t errlen);

/* Length of the shown span, gaps cut (known timelines). */
int64_t timeline_shown_ns(const struct timeline *tl);

/* Capture time show_ns into the shown span; show_ns must not decrease
 * from one call to the next. */
int64_t timeline_clock(struct timeline *tl, int64_t show_ns);

#endif
