/* Gathering the HUD's values each frame. Rates run on capture time, so a
 * video's HUD is the same on every run. */
#include "app/hud.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "base/xalloc.h"

enum { RATE_SAMPLES = 128 };
#define RATE_SPAN_NS 3000000000ll /* rates average the last 3 s of capture time */
#define RATE_STEP_NS (RATE_SPAN_NS / 32) /* a sample at most this often */
enum { PANEL_HOSTS = 5, PANEL_NAMES = 3, PANEL_TEXT = 3072 };
#define PANEL_EVERY_NS 250000000ll /* capture time between updates of the panel */

struct hud {
    struct render_hud view;
    /* the swarm's counters RATE_STEP_NS or more apart, a ring */
    int64_t clock[RATE_SAMPLES];
    uint64_t events[RATE_SAMPLES], octets[RATE_SAMPLES];
    unsigned n, head;        /* samples held; the slot of the next */
    int64_t rated_at;        /* the clock the rates were made at */
    double *bins;
    size_t cap_bins;
    char filters[512]; /* the filters' line */
    char panel[PANEL_TEXT]; /* the talkers panel's text */
    int64_t panel_at;       /* the clock it was made at */
    bool panel_made;
};

struct hud *hud_create(double speed)
{
    struct hud *h = xcalloc(1, sizeof(*h));
    h->view.speed = speed;
    h->rated_at = INT64_MIN;
    return h;
}

void hud_destroy(struct hud *h)
{
    if (!h)
        return;
    free(h->bins);
    free(h);
}

/* Events and octets a second over the last RATE_SPAN_NS of capture time
 * (or what there is of it). A clock that has not moved (paused) leaves
 * them as they were; one that went back (a seek) starts them again. */
static void update_rates(struct hud *h, const struct swarm *s, int64_t clock)
{
    if (clock == h->rated_at)
        return;
    if (clock < h->rated_at)
        h->n = 0;
    h->rated_at = clock;
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    unsigned last = (h->head + RATE_SAMPLES - 1) % RATE_SAMPLES;
    if (h->n == 0 || clock - h->clock[last] >= RATE_STEP_NS) {
        h->clock[h->head] = clock;
        h->events[h->head] = st.events;
        h->octets[h->head] = st.octets;
        h->head = (h->head + 1) % RATE_SAMPLES;
        if (h->n < RATE_SAMPLES)
            h->n++;
    }
    /* the newest sample at least a span old, else the oldest */
    unsigned from = (h->head + RATE_SAMPLES - h->n) % RATE_SAMPLES;
    for (unsigned k = 1; k < h->n; k++) {
        unsigned i = (h->head + RATE_SAMPLES - 1 - k) % RATE_SAMPLES;
        if (clock - h->clock[i] >= RATE_SPAN_NS) {
            from = i;
            break;
        }
    }
    double dt = (double)(clock - h->clock[from]) / 1e9;
    h->view.events_per_s = dt > 0 ? (double)(st.events - h->events[from]) / dt : 0;
    h->view.octets_per_s = dt > 0 ? (double)(st.octets - h->octets[from]) / dt : 0;
}

/* The histogram from the span's start to its stop (or the clock, if
 * later), in as many bins as a w by hpx frame has bars. */
static void update_histogram(struct hud *h, const struct timeline *tl, int64_t clock, int w,
                             int hpx)
{
    size_t nb = tl->activity.any ? render_histogram_bars(w, hpx) : 0;
    h->view.nbins = nb;
    h->view.bins = nb ? h->bins : NULL;
    if (!nb)
        return;
    int64_t from = tl->start, to = tl->known ? tl->stop : clock;
    if (!tl->known && tl->activity.any && tl->activity.first_ns < from)
        from = tl->activity.first_ns; /* live, with files as its history */
    if (clock > to)
        to = clock;
    if (to <= from)
        to = from + 1000000000;
    if (nb > h->cap_bins) {
        h->cap_bins = nb;
        h->bins = xreallocarray(h->bins, nb, sizeof(*h->bins));
        h->view.bins = h->bins;
    }
    activity_bins(&tl->activity, from, to, h->bins, nb);
    h->view.hist_from_ns = from;
    h->view.hist_to_ns = to;
}

/* Appends one line to the panel's text, as the room allows. */
static void panel_line(struct hud *h, size_t *at, const char *key, const char *text)
{
    if (*at >= sizeof(h->panel) - 1)
        return;
    int n = snprintf(h->panel + *at, sizeof(h->panel) - *at, "%s%s%s%.40s", *at ? "\n" : "",
                     key ? key : "", key ? "\t" : "", text);
    *at += n > 0 ? (size_t)n : 0;
    if (*at >= sizeof(h->panel))
        *at = sizeof(h->panel) - 1;
}

static void panel_hosts(struct hud *h, size_t *at, const struct hud_sources *src,
                        const struct talkers *t, bool minute, int64_t clock)
{
    const struct talker *top[PANEL_HOSTS];
    size_t n = talkers_busiest(t, minute, clock, top, PANEL_HOSTS);
    panel_line(h, at, NULL, minute ? "top talkers, last minute" : "top talkers, whole run");
    if (!n)
        panel_line(h, at, "", "none yet");
    for (size_t i = 0; i < n; i++) {
        char bytes[32], a[64], who[80];
        units_bytes(minute ? talkers_recent(top[i], clock) : top[i]->octets, bytes,
                  sizeof(bytes));
        const char *name = src->learn ? learn_name_of(src->learn, &top[i]->addr) : NULL;
        bool scanner = watch_is_scanner(src->watch, &top[i]->addr);
        const char *mark = scanner ? " (scanner)" : ""; /* kept whole within a line's 40 */
        snprintf(who, sizeof(who), "%.*s%s", 40 - (int)strlen(mark),
                 name ? name : addr_format(&top[i]->addr, a, sizeof(a)), mark);
        panel_line(h, at, bytes, who);
    }
}

/* Top talkers over the last minute and the whole run, then the names
 * learnt last and most: remade every PANEL_EVERY_NS of capture time, so
 * a video's panel is the same on every run. */
static void update_panel(struct hud *h, const struct hud_sources *src, int64_t clock)
{
    if (!src->talkers_panel || !src->filters) {
        h->view.talkers_panel = NULL;
        h->panel_made = false;
        return;
    }
    h->view.talkers_panel = h->panel;
    if (h->panel_made && llabs(clock - h->panel_at) < PANEL_EVERY_NS)
        return;
    h->panel_made = true;
    h->panel_at = clock;
    size_t at = 0;
    const struct talkers *t = filters_talkers(src->filters);
    panel_hosts(h, &at, src, t, true, clock);
    panel_hosts(h, &at, src, t, false, clock);
    const struct names *nm = learn_names(src->learn);
    if (!nm)
        return;
    const char *names[PANEL_NAMES];
    uint64_t count[PANEL_NAMES];
    size_t n = names_recent(nm, names, PANEL_NAMES);
    panel_line(h, &at, NULL, "names learnt last");
    if (!n)
        panel_line(h, &at, "", "none yet");
    for (size_t i = 0; i < n; i++)
        panel_line(h, &at, "", names[i]);
    n = names_most(nm, names, count, PANEL_NAMES);
    panel_line(h, &at, NULL, "names learnt most");
    if (!n)
        panel_line(h, &at, "", "none yet");
    for (size_t i = 0; i < n; i++) {
        char times[32];
        snprintf(times, sizeof(times), "%llu\xc3\x97", (unsigned long long)count[i]);
        panel_line(h, &at, times, names[i]);
    }
}

struct render_hud *hud_update(struct hud *h, const struct hud_sources *src, int64_t clock,
                              int w, int hpx)
{
    struct ingest_stats st;
    ingest_stats(src->in, &st);
    h->view.clock_ns = clock;
    h->view.clamped = feed_clamped(src->feed);
    h->view.dropped = st.dropped;
    h->view.os_dropped = st.os_dropped;
    h->view.if_dropped = st.if_dropped;
    h->view.sock_dropped = st.sock_dropped;
    h->view.agent_dropped = st.agent_dropped;
    h->view.seq_lost = st.seq_lost;
    h->view.live = src->live;
    int64_t newest = feed_reached(src->feed);
    h->view.lag_ns = newest > 0 && clock >= newest ? clock - newest : -1;
    if (w > 0)
        update_histogram(h, src->tl, clock, w, hpx);
    update_rates(h, src->sw, clock);
    h->view.name_of = src->learn ? learn_name_of : NULL;
    h->view.name_ctx = src->learn;
    h->view.scanners = watch_scanners(src->watch);
    h->view.filters = NULL;
    h->view.hidden = 0;
    if (src->filters) {
        filters_describe(src->filters, h->filters, sizeof(h->filters));
        h->view.filters = h->filters;
        h->view.hidden = filters_hidden(src->filters);
    }
    update_panel(h, src, clock);
    return &h->view;
}

struct render_hud *hud_view(struct hud *h)
{
    return &h->view;
}
