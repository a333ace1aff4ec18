/* The stages of a run, built in pipeline order and torn down in reverse,
 * and the capture clock that both loops advance. */
#include "app/pipeline.h"

#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/privs.h"
#include "base/xalloc.h"

/* The one global: the signal that came, set by the handler, read by the
 * loops. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

bool pipeline_interrupted(void)
{
    return interrupted != 0;
}

int pipeline_exit_status(void)
{
    return interrupted ? 128 + interrupted : 0;
}

void pipeline_catch_signals(void)
{
    /* SA_RESTART: a write to stdout that the signal lands in is finished,
     * not failed (the loops see the flag; nothing waits on a bare read) */
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int64_t pipeline_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct ingest_opts pipeline_ingest_opts(const struct options *o)
{
    return (struct ingest_opts){.paths = o->inputs, .npaths = o->ninputs,
                                .filter = o->filter, .ifaces = o->ifaces,
                                .nifaces = o->nifaces, .collect = o->collect,
                                .ncollect = o->ncollect, .snaplen = o->snaplen,
                                .no_promisc = o->no_promisc, .buffer_kib = o->buffer_kib,
                                .names = !o->no_names};
}

static void to_swarm(void *ctx, const struct event *ev)
{
    swarm_add_event(ctx, ev);
}

/* The scan of files before a replay: time range, histogram, idle gaps. */
static void scan_event(void *ctx, const struct event *ev)
{
    struct timeline *tl = ctx;
    activity_add(&tl->activity, ev->time_ns, ev->end_ns, (double)ev->octets);
    if (tl->skip_ns)
        gaps_add(&tl->gaps, ev->time_ns, ev->end_ns);
}

/* The timeline: scanned up front unless stdin is among the inputs. */
static struct timeline *make_timeline(const struct options *o, const struct ingest_opts *io,
                                      char *err, size_t errlen)
{
    struct timeline *tl = xcalloc(1, sizeof(*tl));
    tl->known = !options_live(o);
    for (size_t i = 0; i < o->ninputs; i++)
        if (strcmp(o->inputs[i], "-") == 0)
            tl->known = false;
    tl->skip_ns = (int64_t)llround(o->skip_idle * 1e9);
    gaps_init(&tl->gaps, tl->skip_ns);
    activity_init(&tl->activity);
    if (tl->known) {
        if (!ingest_scan(io, scan_event, tl, err, errlen))
            goto fail;
        tl->first = tl->activity.first_ns;
        tl->last = tl->activity.last_ns;
        if (!timeline_set_span(tl, o->start, o->stop, err, errlen))
            goto fail;
    }
    return tl;
fail:
    gaps_free(&tl->gaps);
    free(tl);
    return NULL;
}

static bool make_view(struct pipeline *p, bool headless, char *err, size_t errlen)
{
    const struct options *o = p->o;
    p->ctx = glctx_create(&(struct glctx_opts){.width = o->width, .height = o->height,
                                               .headless = headless,
                                               .title = "flowswarm"},
                          err, errlen);
    if (!p->ctx)
        return false;
    p->rnd = render_create(&(struct render_opts){.talkers = (unsigned)o->talkers,
                                                 .no_bloom = o->no_bloom},
                           err, errlen);
    return p->rnd != NULL;
}

/* The feed from the ingest stage through the filters to the swarm. */
static void make_feed(struct pipeline *p)
{
    p->feed = feed_create(&(struct feed_opts){
        .in = p->in, .sink = to_swarm, .sink_ctx = p->sw,
        .activity = p->tl->known ? NULL : &p->tl->activity,
        .from_ns = p->tl->known ? p->tl->start : INT64_MIN,
        .cancelled = pipeline_interrupted,
        .names = p->learn ? learn_take : NULL, .names_ctx = p->learn});
    watch_attach(p->watch, p->feed);
    filters_attach(p->filters, p->feed);
}

struct pipeline *pipeline_create(const struct options *o, bool headless, char *err,
                                 size_t errlen)
{
    struct pipeline *p = xcalloc(1, sizeof(*p));
    p->o = o;
    struct ingest_opts io = pipeline_ingest_opts(o);
    if (!(p->report = report_open(o->report, err, errlen)) && *err)
        goto fail;
    if (!learn_create(o, &p->learn, err, errlen))
        goto fail;
    if (!(p->filters = filters_create(o, true, err, errlen)))
        goto fail;
    filters_use_names(p->filters, p->learn ? learn_name_of : NULL, p->learn);
    p->watch = watch_create(o);
    if (!(p->tl = make_timeline(o, &io, err, errlen)))
        goto fail;
    if (!(p->in = ingest_create(&io, err, errlen)))
        goto fail;
    pipeline_catch_signals();
    ingest_start(p->in);
    p->live = ingest_live(p->in);
    p->sw = swarm_create(&(struct swarm_opts){
        .max_hosts = (unsigned)o->max_hosts,
        .half_life_s = (float)o->half_life,
        .scale = o->scale == 1 ? SWARM_SCALE_SQRT : SWARM_SCALE_LOG,
        .group = o->group == 2 ? SWARM_GROUP_OFF
                 : o->group == 1 ? SWARM_GROUP_FIXED : SWARM_GROUP_AUTO,
        .group_v4 = (uint8_t)o->group_v4, .group_v6 = (uint8_t)o->group_v6,
        .group_at = (unsigned)o->group_at});
    make_feed(p);
    p->have_first = p->tl->known;
    p->clock = p->tl->start;
    if (p->live) { /* the clock follows wall time from now on */
        p->tl->first = p->tl->start = p->clock = pipeline_wall_ns();
        p->tl->stop = INT64_MAX;
        p->have_first = true;
    }
    if (!make_view(p, headless, err, errlen))
        goto fail;
    return p;
fail:
    pipeline_destroy(p);
    return NULL;
}

void pipeline_destroy(struct pipeline *p)
{
    if (!p)
        return;
    report_abandon(p->report);
    hud_destroy(p->hud);
    render_destroy(p->rnd);
    glctx_destroy(p->ctx);
    feed_destroy(p->feed);
    filters_destroy(p->filters);
    learn_destroy(p->learn);
    watch_destroy(p->watch);
    swarm_destroy(p->sw);
    ingest_destroy(p->in);
    if (p->tl)
        gaps_free(&p->tl->gaps);
    free(p->tl);
    free(p);
}

bool pipeline_finish(struct pipeline *p, char *err, size_t errlen)
{
    pipeline_report_input(p->in, p->o->quiet);
    watch_report(p->watch, p->o->quiet);
    struct report_sources src = report_sources_of(p->filters, p->watch, p->learn);
    bool ok = report_finish(p->report, &src, p->o->quiet, err, errlen);
    p->report = NULL;
    return ok;
}

bool pipeline_drop_privileges(struct pipeline *p, char *err, size_t errlen)
{
    return !p->live || privs_drop(p->o->user, p->o->quiet, err, errlen);
}

int pipeline_start(struct pipeline *p, bool block, char *err, size_t errlen)
{
    feed_until(p->feed, INT64_MIN, block);
    const struct event *ev = feed_peek(p->feed);
    if (!ev)
        return 0;
    p->tl->first = ev->time_ns;
    if (!timeline_set_span(p->tl, p->o->start, p->o->stop, err, errlen))
        return -1;
    feed_set_from(p->feed, p->tl->start);
    p->have_first = true;
    p->clock = p->tl->start;
    return 1;
}

/* Idle skipping where the gaps could not be found up front: once the
 * clock is skip_ns past the last event and the next one is further on,
 * the clock jumps to it. */
static void skip_live(struct pipeline *p, bool block)
{
    const struct event *next = feed_peek(p->feed);
    if (!p->tl->skip_ns || !next)
        return;
    if (p->clock < feed_reached(p->feed) + p->tl->skip_ns || next->time_ns <= p->clock)
        return;
    p->skipped += next->time_ns - p->clock;
    p->clock = next->time_ns;
    feed_until(p->feed, p->clock, block);
}

/* What the swarm shows, tested again once the filters have changed. */
static void refilter(struct pipeline *p)
{
    uint64_t gen = filters_generation(p->filters);
    if (gen == p->filters_seen)
        return;
    p->filters_seen = gen;
    swarm_filter(p->sw, filters_keep, p->filters);
}

void pipeline_advance(struct pipeline *p, int64_t show_ns, bool block)
{
    struct timeline *tl = p->tl;
    learn_poll(p->learn); /* --names files that grew */
    if (p->live) {
        p->clock = pipeline_wall_ns();
        feed_until(p->feed, p->clock, false);
    } else {
        p->clock = tl->known ? timeline_clock(tl, show_ns) : tl->start + show_ns + p->skipped;
        feed_until(p->feed, p->clock, block);
        if (!tl->known)
            skip_live(p, block);
    }
    watch_settle(p->watch, p->clock);
    refilter(p);
}

bool pipeline_rewindable(const struct pipeline *p)
{
    return p->tl->known && !p->live;
}

bool pipeline_rewind(struct pipeline *p, const struct swarm_snapshot *snap,
                     const struct filters_mark *mark, int64_t clock, char *err,
                     size_t errlen)
{
    struct ingest_opts io = pipeline_ingest_opts(p->o);
    struct ingest *in = ingest_create(&io, err, errlen);
    if (!in)
        return false;
    feed_destroy(p->feed);
    ingest_destroy(p->in);
    p->in = in;
    ingest_start(p->in);
    swarm_destroy(p->sw);
    p->sw = swarm_restore(snap);
    filters_rewind(p->filters, mark);
    watch_rewind(p->watch);
    make_feed(p);
    feed_set_after(p->feed, clock);
    p->clock = clock;
    p->filters_seen = UINT64_MAX; /* the state may predate the rules: test it again */
    return true;
}

struct hud_sources pipeline_hud_sources(const struct pipeline *p)
{
    return (struct hud_sources){.feed = p->feed, .in = p->in, .tl = p->tl, .sw = p->sw,
                                .live = p->live, .filters = p->filters,
                                .learn = p->learn, .watch = p->watch,
                                .talkers_panel = p->o->talkers_panel};
}

bool pipeline_over(const struct pipeline *p)
{
    return feed_ended(p->feed) || (p->have_first && p->clock >= p->tl->stop);
}

void pipeline_report_input(struct ingest *in, bool quiet)
{
    struct ingest_stats st;
    ingest_stats(in, &st);
    if (quiet)
        return;
    if (st.short_ || st.malformed)
        fprintf(stderr,
                "flowswarm: %" PRIu64 " of %" PRIu64 " packets skipped: %" PRIu64
                " cut short, %" PRIu64 " malformed\n",
                st.short_ + st.malformed, st.records, st.short_, st.malformed);
    if (st.names_malformed)
        fprintf(stderr, "flowswarm: %" PRIu64 " DNS answers or TLS hellos were malformed; "
                "the names in them were skipped\n", st.names_malformed);
    if (st.clamped)
        fprintf(stderr, "flowswarm: %" PRIu64 " events arrived out of time order beyond "
                "the reorder window; their times were raised\n", st.clamped);
    if (st.dropped)
        fprintf(stderr, "flowswarm: %" PRIu64 " events lost: flowswarm fell behind the "
                "input\n", st.dropped);
    if (st.os_dropped || st.if_dropped)
        fprintf(stderr, "flowswarm: the capture lost %" PRIu64 " packets in the kernel "
                "and %" PRIu64 " at the interface; -B gives the kernel a larger buffer\n",
                st.os_dropped, st.if_dropped);
    if (st.sock_dropped)
        fprintf(stderr, "flowswarm: the collector's socket buffer overflowed: %" PRIu64
                " datagrams lost; give a larger one with -B KiB\n", st.sock_dropped);
    if (st.agent_dropped)
        fprintf(stderr, "flowswarm: the sFlow agents say %" PRIu64 " packets went unsampled "
                "(their own drops)\n", st.agent_dropped);
    if (st.seq_lost)
        fprintf(stderr, "flowswarm: the exporters' sequence numbers say %" PRIu64
                " flows or datagrams never came\n", st.seq_lost);
}
