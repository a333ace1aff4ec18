/* Gathering the HUD's values each frame. Rates run on capture time, so a
 * video's HUD is the same on every run. */
#include "app/hud.h"

#include <math.h>

#include "base/xalloc.h"

enum { RATE_WINDOW = 256 };

struct hud {
    struct render_hud view;
    /* the swarm's counters at the last span frames, a ring */
    int64_t clock[RATE_WINDOW];
    uint64_t events[RATE_WINDOW], octets[RATE_WINDOW];
    unsigned n, head, span;
    double *bins;
    size_t cap_bins;
    char filters[512]; /* the filters' line */
};

struct hud *hud_create(unsigned rate_frames, double speed)
{
    struct hud *h = xcalloc(1, sizeof(*h));
    h->span = rate_frames < 1 ? 1 : rate_frames > RATE_WINDOW ? RATE_WINDOW : rate_frames;
    h->view.speed = speed;
    return h;
}

void hud_destroy(struct hud *h)
{
    if (!h)
        return;
    free(h->bins);
    free(h);
}

static void update_rates(struct hud *h, const struct swarm *s, int64_t clock)
{
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    unsigned i = h->head;
    h->clock[i] = clock;
    h->events[i] = st.events;
    h->octets[i] = st.octets;
    h->head = (h->head + 1) % h->span;
    if (h->n < h->span)
        h->n++;
    unsigned oldest = (i + h->span + 1 - h->n) % h->span;
    double dt = (double)(clock - h->clock[oldest]) / 1e9;
    if (dt > 0) {
        h->view.events_per_s = (double)(st.events - h->events[oldest]) / dt;
        h->view.octets_per_s = (double)(st.octets - h->octets[oldest]) / dt;
    }
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
    return &h->view;
}

struct render_hud *hud_histogram(struct hud *h, const struct timeline *tl, int64_t clock,
                                 int w, int hpx)
{
    update_histogram(h, tl, clock, w, hpx);
    return &h->view;
}

struct render_hud *hud_view(struct hud *h)
{
    return &h->view;
}
