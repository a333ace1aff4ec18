/* Helpers shared by the benchmark programs: a wall clock, a timed read
 * of every event of an input through flowswarm's source path, and an
 * event made by hand. */
#ifndef FLOWSWARM_BENCH_COMMON_H
#define FLOWSWARM_BENCH_COMMON_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/source.h"

static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds to read every event of path (learning names from the packets
 * too, if names); their count, name records included, in *events. */
static inline double read_source_events(const char *path, bool names, unsigned long *events)
{
    char err[512];
    double t0 = now();
    struct source *s = source_open(path, NULL, err, sizeof(err));
    if (!s) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    if (names)
        source_learn_names(s, 0);
    struct event ev;
    unsigned long n = 0, octets = 0;
    while (source_next(s, &ev)) {
        n++;
        octets += ev.octets; /* touch the event so the read is not elided */
    }
    source_destroy(s);
    double t = now() - t0;
    *events = n;
    if (octets == 1)
        puts("");
    return t;
}

/* Seconds to read every event of path; their count in *events. */
static inline double read_all_events(const char *path, unsigned long *events)
{
    return read_source_events(path, false, events);
}

/* A TCP event from 10.0.0.0 + host to port on 192.168.0.0 + port, at
 * time t, for the programs that feed a swarm by hand. */
static inline struct event bench_event(uint32_t host, uint16_t port, uint64_t octets, int64_t t)
{
    struct event e;
    memset(&e, 0, sizeof(e));
    e.src.family = e.dst.family = 4;
    uint32_t a = 0x0a000000u + host, b = 0xc0a80000u + port;
    for (int i = 0; i < 4; i++) {
        e.src.b[i] = (uint8_t)(a >> (24 - 8 * i));
        e.dst.b[i] = (uint8_t)(b >> (24 - 8 * i));
    }
    e.proto = 6;
    e.sport = (uint16_t)(40000 + host % 20000);
    e.dport = port;
    e.octets = octets;
    e.packets = 1;
    e.time_ns = e.end_ns = t;
    return e;
}

#endif
