/* The --events printer: time src dst proto sport dport packets octets
 * tcpflags, with the time in seconds and six decimals, UTC; with
 * --events=names, then src_name dst_name. */
#include "app/events_tsv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/feed.h"
#include "app/filters.h"
#include "app/learn.h"
#include "app/pipeline.h"
#include "app/privs.h"
#include "app/report.h"
#include "app/watch.h"

/* Decimal digits of v at p, at least width of them; returns the end. */
static char *put_u(char *p, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || n < width);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_tab_u(char *p, uint64_t v)
{
    *p++ = '\t';
    return put_u(p, v, 1);
}

/* An address, IPv4 by hand (the common case, and most of a line's cost
 * through inet_ntop); returns the end. */
static char *put_addr(char *p, const struct addr *a)
{
    if (a->family != 4) {
        addr_format(a, p, 48);
        return p + strlen(p);
    }
    for (int i = 0; i < 4; i++) {
        if (i)
            *p++ = '.';
        p = put_u(p, a->b[i], 1);
    }
    return p;
}

struct printer {
    FILE *out;
    struct learn *learn; /* --events=names: the names to print; else NULL */
};

/* A tab, then the host's name or '-'. */
static char *put_name(char *p, const struct learn *l, const struct addr *a)
{
    const char *name = learn_name_of((void *)l, a);
    *p++ = '\t';
    if (!name) {
        *p++ = '-';
        return p;
    }
    size_t n = strlen(name);
    memcpy(p, name, n);
    return p + n;
}

/* Formatted by hand: printf's parsing was most of the cost of a line, and
 * a collector's stream runs to millions of lines a second. */
static void print_event(void *ctx, const struct event *e)
{
    const struct printer *pr = ctx;
    static const char hex[] = "0123456789abcdef";
    char line[192 + 2 * 256], *p = line;
    int64_t sec = e->time_ns / 1000000000, ns = e->time_ns % 1000000000;
    if (ns < 0) {
        ns += 1000000000;
        sec--;
    }
    if (sec < 0)
        *p++ = '-';
    p = put_u(p, sec < 0 ? (uint64_t)-sec : (uint64_t)sec, 1);
    *p++ = '.';
    p = put_u(p, (uint64_t)ns / 1000, 6);
    *p++ = '\t';
    p = put_addr(p, &e->src);
    *p++ = '\t';
    p = put_addr(p, &e->dst);
    p = put_tab_u(p, e->proto);
    p = put_tab_u(p, e->sport);
    p = put_tab_u(p, e->dport);
    p = put_tab_u(p, e->packets);
    p = put_tab_u(p, e->octets);
    *p++ = '\t';
    *p++ = hex[e->tcpflags >> 4 & 15];
    *p++ = hex[e->tcpflags & 15];
    if (pr->learn) {
        p = put_name(p, pr->learn, &e->src);
        p = put_name(p, pr->learn, &e->dst);
    }
    /* a sampled flow's counts were multiplied by the rate: a last column */
    if (e->flags & EVENT_SCALED) {
        memcpy(p, "\tscaled", 7);
        p += 7;
    }
    *p++ = '\n';
    fwrite_unlocked(line, 1, (size_t)(p - line), pr->out);
}

/* Live input: lines as events arrive, until the user stops it. What has
 * come is written at once, in one write a buffer (a write per line would
 * cap a collector at a few hundred thousand flows a second). */
static void pump_live(struct feed *f, struct ingest *in, struct learn *learn)
{
    while (!pipeline_interrupted() && !feed_ended(f)) {
        ingest_wait(in, 100);
        learn_poll(learn);
        feed_until(f, INT64_MAX, false);
        fflush(stdout);
    }
    /* what was read while a write waited on a slow reader still counts */
    feed_until(f, INT64_MAX, false);
}

int events_tsv_run(const struct options *o)
{
    char err[512];
    struct ingest_opts io = pipeline_ingest_opts(o);
    io.file_order = true;
    struct report *report = report_open(o->report, err, sizeof(err));
    struct filters *flt = !report && *err ? NULL : filters_create(o, false, err, sizeof(err));
    /* names cost a little: learnt only when printed or a rule asks */
    bool want = o->events_names || o->report || (flt && filters_need_names(flt));
    struct learn *learn = NULL;
    if (flt && want && !learn_create(o, &learn, err, sizeof(err))) {
        filters_destroy(flt);
        flt = NULL;
    }
    io.names = learn_from_packets(learn);
    if (flt)
        filters_use_names(flt, learn ? learn_name_of : NULL, learn);
    struct ingest *in = flt ? ingest_create(&io, err, sizeof(err)) : NULL;
    if (!in) {
        fprintf(stderr, "flowswarm: %s\n", err);
        report_abandon(report);
        filters_destroy(flt);
        learn_destroy(learn);
        return 1;
    }
    static char outbuf[1 << 16];
    bool live = ingest_live(in);
    if (live && !privs_drop(o->user, o->quiet, err, sizeof(err))) {
        fprintf(stderr, "flowswarm: %s\n", err);
        report_abandon(report);
        ingest_destroy(in);
        filters_destroy(flt);
        learn_destroy(learn);
        return 1;
    }
    if (live)
        pipeline_catch_signals();
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    ingest_start(in);
    struct printer pr = {stdout, o->events_names ? learn : NULL};
    struct feed *f = feed_create(&(struct feed_opts){.in = in, .sink = print_event,
                                                     .sink_ctx = &pr, .from_ns = INT64_MIN,
                                                     .names = learn ? learn_take : NULL,
                                                     .names_ctx = learn});
    /* the scans stage marks client ports and probes for the filters */
    struct watch *watch = watch_create(o);
    watch_attach(watch, f);
    filters_attach(flt, f);
    if (live)
        pump_live(f, in, learn);
    while (!live && !feed_ended(f))
        feed_until(f, INT64_MAX, true);
    feed_destroy(f);
    int status = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "flowswarm: writing the events failed\n");
        status = 1;
    }
    pipeline_report_input(in, false);
    watch_settle(watch, INT64_MAX);
    struct report_sources src = report_sources_of(flt, watch, learn);
    if (!report_finish(report, &src, o->quiet, err, sizeof(err))) {
        fprintf(stderr, "flowswarm: %s\n", err);
        status = 1;
    }
    watch_destroy(watch);
    ingest_destroy(in);
    filters_destroy(flt);
    learn_destroy(learn);
    setvbuf(stdout, NULL, _IONBF, 0);
    return status ? status : pipeline_exit_status();
}
