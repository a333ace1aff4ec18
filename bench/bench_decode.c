/* Decode throughput: packets per second through flowswarm's source and
 * decode path, and through the whole ingest stage (reader thread,
 * reorder, ring), against a bare libpcap read loop over the same file.
 * The file is read once first so every pass runs from the page cache.
 * usage: bench_decode FILE [PASSES] */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ingest/ingest.h"
#include "ingest/source.h"

static double bare_loop(const char *path, unsigned long *packets)
{
    char err[PCAP_ERRBUF_SIZE];
    double t0 = now();
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO,
                                                        err);
    if (!p) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    unsigned long n = 0, bytes = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        n++;
        bytes += h->caplen + d[0];
    }
    pcap_close(p);
    double t = now() - t0;
    *packets = n;
    if (bytes == 1)
        puts("");
    return t;
}


static double ingest_path(const char *path, unsigned long *events)
{
    char err[512];
    const char *paths[1] = {path};
    double t0 = now();
    struct ingest *in = ingest_create(&(struct ingest_opts){.paths = paths, .npaths = 1},
                                      err, sizeof(err));
    if (!in) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    ingest_start(in);
    static struct event buf[4096];
    unsigned long n = 0;
    size_t k;
    while ((k = ingest_pop(in, buf, 4096, true)) > 0)
        n += k;
    ingest_destroy(in);
    *events = n;
    return now() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_decode FILE [PASSES]\n");
        return 2;
    }
    int passes = argc > 2 ? atoi(argv[2]) : 5;
    unsigned long packets = 0, events = 0, ingested = 0;
    bare_loop(argv[1], &packets); /* warm the page cache */
    double best_bare = 1e30, best_decode = 1e30, best_ingest = 1e30;
    for (int i = 0; i < passes; i++) {
        double t = bare_loop(argv[1], &packets);
        best_bare = t < best_bare ? t : best_bare;
        t = read_all_events(argv[1], &events);
        best_decode = t < best_decode ? t : best_decode;
        t = ingest_path(argv[1], &ingested);
        best_ingest = t < best_ingest ? t : best_ingest;
    }
    printf("file: %s, %lu packets, %lu IP events (best of %d passes)\n", argv[1], packets,
           events, passes);
    printf("bare libpcap loop:      %8.2f M packets/s\n", packets / best_bare / 1e6);
    printf("source + decode:        %8.2f M packets/s  (%.2fx the bare loop)\n",
           packets / best_decode / 1e6, best_bare / best_decode);
    printf("whole ingest stage:     %8.2f M packets/s  (%.2fx the bare loop)\n",
           packets / best_ingest / 1e6, best_bare / best_ingest);
    return 0;
}
