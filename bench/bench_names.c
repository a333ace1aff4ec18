/* What learning names costs: the whole ingest stage (reader thread,
 * reorder, ring) over a capture, with names off and on; with them on,
 * the name records are taken into the cache as the feed would. Best of
 * PASSES each. A capture that is 20% DNS comes from gen_dns_capture.py.
 * usage: bench_names FILE [PASSES] [on|off|source: that alone, for a profiler] */
#include <stdio.h>
#include <stdlib.h>

#include "analyze/names.h"
#include "common.h"
#include "ingest/ingest.h"
#include "ingest/source.h"

static double run(const char *path, bool names, unsigned long *events,
                  unsigned long *records, size_t *held)
{
    char err[512];
    const char *paths[1] = {path};
    double t0 = now();
    struct ingest *in = ingest_create(
        &(struct ingest_opts){.paths = paths, .npaths = 1, .names = names}, err, sizeof(err));
    if (!in) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    struct names *cache = names_create(0);
    ingest_start(in);
    static struct event buf[4096];
    unsigned long n = 0, r = 0;
    size_t k;
    while ((k = ingest_pop(in, buf, 4096, true)) > 0)
        for (size_t i = 0; i < k; i++) {
            if (buf[i].flags & EVENT_NAME) {
                names_take(cache, &buf[i]);
                r++;
            } else {
                n++;
            }
        }
    ingest_destroy(in);
    struct names_totals t;
    names_totals(cache, &t);
    names_destroy(cache);
    *events = n;
    *records = r;
    *held = t.held;
    return now() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_names FILE [PASSES]\n");
        return 2;
    }
    int passes = argc > 2 ? atoi(argv[2]) : 5;
    unsigned long ev = 0, rec = 0;
    size_t held = 0;
    double off = 1e30, on = 1e30, src_off = 1e30, src_on = 1e30;
    unsigned long src_n = 0;
    if (argc > 3) { /* one setting alone: on, off, or the source alone with names */
        bool on = argv[3][1] == 'n';
        for (int i = 0; i < passes; i++)
            if (argv[3][0] == 's')
                read_source_events(argv[1], true, &ev);
            else
                run(argv[1], on, &ev, &rec, &held);
        return 0;
    }
    run(argv[1], false, &ev, &rec, &held); /* warm the page cache */
    for (int i = 0; i < passes; i++) {
        double t = run(argv[1], false, &ev, &rec, &held);
        off = t < off ? t : off;
        t = run(argv[1], true, &ev, &rec, &held);
        on = t < on ? t : on;
        t = read_source_events(argv[1], false, &src_n);
        src_off = t < src_off ? t : src_off;
        t = read_source_events(argv[1], true, &src_n);
        src_on = t < src_on ? t : src_on;
    }
    printf("file: %s, %lu events, %lu name records, %zu addresses named "
           "(best of %d passes)\n", argv[1], ev, rec, held, passes);
    printf("names off: %.3f s, %.2f M events/s\n", off, (double)ev / off / 1e6);
    printf("names on:  %.3f s, %.2f M events/s (%+.1f%%)\n", on, (double)ev / on / 1e6,
           100.0 * (on - off) / off);
    printf("the source alone (read, decode, names; no thread, reorder or ring): "
           "off %.3f s, on %.3f s (%+.1f%%)\n", src_off, src_on,
           100.0 * (src_on - src_off) / src_off);
    return 0;
}
