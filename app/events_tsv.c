/* The --events printer: time src dst proto sport dport packets octets
 * tcpflags, with the time in seconds and six decimals, UTC. */
#include "app/events_tsv.h"

#include <inttypes.h>
#include <stdio.h>

#include "app/feed.h"
#include "app/pipeline.h"
#include "app/privs.h"

static void print_event(void *ctx, const struct event *e)
{
    FILE *out = ctx;
    char s[48], d[48];
    int64_t sec = e->time_ns / 1000000000, ns = e->time_ns % 1000000000;
    if (ns < 0) {
        ns += 1000000000;
        sec--;
    }
    /* a sampled flow's counts were multiplied by the rate: a tenth column */
    fprintf(out,
            "%" PRId64 ".%06" PRId64 "\t%s\t%s\t%u\t%u\t%u\t%" PRIu32 "\t%" PRIu64
            "\t%02x%s\n",
            sec, ns / 1000, addr_format(&e->src, s, sizeof(s)),
            addr_format(&e->dst, d, sizeof(d)), e->proto, e->sport, e->dport, e->packets,
            e->octets, e->tcpflags, e->flags & EVENT_SCALED ? "\tscaled" : "");
}

/* Live input: lines as events arrive, until the user stops it. */
static void pump_live(struct feed *f, struct ingest *in)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (!pipeline_interrupted() && !feed_ended(f)) {
        ingest_wait(in, 100);
        feed_until(f, INT64_MAX, false);
    }
}

int events_tsv_run(const struct options *o)
{
    char err[512];
    struct ingest_opts io = pipeline_ingest_opts(o);
    io.file_order = true;
    struct ingest *in = ingest_create(&io, err, sizeof(err));
    if (!in) {
        fprintf(stderr, "flowswarm: %s\n", err);
        return 1;
    }
    static char outbuf[1 << 16];
    bool live = ingest_live(in);
    if (live && !privs_drop(o->user, o->quiet, err, sizeof(err))) {
        fprintf(stderr, "flowswarm: %s\n", err);
        ingest_destroy(in);
        return 1;
    }
    if (live)
        pipeline_catch_signals();
    else
        setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    ingest_start(in);
    struct feed *f = feed_create(&(struct feed_opts){.in = in, .sink = print_event,
                                                     .sink_ctx = stdout,
                                                     .from_ns = INT64_MIN});
    if (live)
        pump_live(f, in);
    while (!live && !feed_ended(f))
        feed_until(f, INT64_MAX, true);
    feed_destroy(f);
    int status = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "flowswarm: writing the events failed\n");
        status = 1;
    }
    pipeline_report_input(in, false);
    ingest_destroy(in);
    setvbuf(stdout, NULL, _IONBF, 0);
    return status ? status : pipeline_exit_status();
}
