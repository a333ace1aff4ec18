/* The ingest stage: opens the inputs, runs the reader thread that merges
 * them by time, decodes, reorders and fills the event ring. */
#ifndef FLOWSWARM_INGEST_H
#define FLOWSWARM_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"
#include "ingest/reorder.h"

struct ingest_opts {
    const char *const *paths; /* files, "-" for stdin */
    size_t npaths;
    const char *filter;         /* BPF expression for captures, or NULL */
    size_t ring_capacity;       /* 0 means 65536 */
    struct reorder_opts reorder; /* zeros: 2 s and 64 Ki events for captures,
                                    15 min and 256 Ki events with flow files */
    bool file_order;            /* skip the reorder stage: events leave in
                                   the order decode read them */
    const char *const *ifaces;  /* interfaces to capture on live (-i) */
    size_t nifaces;
    const char *const *collect; /* UDP collectors to open (--collect) */
    size_t ncollect;
    int snaplen;                /* -s: bytes kept of each packet; 0: all */
    bool no_promisc;            /* -p */
    int buffer_kib;             /* -B: the kernel's capture buffer; 0: default */
    bool names;                 /* read names from packets (EVENT_NAME records
                                   follow the packets they came in) */
};

struct ingest_stats {
    uint64_t records;   /* packets or flow records read */
    uint64_t events;    /* of those, events handed on (names not counted) */
    uint64_t not_ip, short_, malformed;
    uint64_t clamped;   /* stragglers whose time was raised */
    uint64_t dropped;   /* lost to a full ring (live sources only) */
    uint64_t os_dropped, if_dropped; /* live capture: lost by the kernel, and
                                        by the interface */
    uint64_t sock_dropped;  /* collector: datagrams the socket buffer lost */
    uint64_t agent_dropped; /* collector: packets sFlow agents could not sample */
    uint64_t seq_lost;  /* collector: lost on the way, by sequence numbers */
    uint64_t names, names_malformed; /* names read from packets; messages that
                                        carried names but broke their format */
    unsigned damaged;   /* inputs that ended early at damage */
};

struct ingest;

/* Opens every input now, so a bad path fails before anything starts.
 * Returns NULL with one line in err. Free with ingest_destroy(). */
struct ingest *ingest_create(const struct ingest_opts *opts, char *err, size_t errlen);

/* Starts the reader thread. */
void ingest_start(struct ingest *in);

/* Moves up to max events out, in time order. With block, waits for at
 * least one unless the input is exhausted. */
size_t ingest_pop(struct ingest *in, struct event *out, size_t max, bool block);

/* Waits up to timeout_ms for events, or the end; true if either came. */
bool ingest_wait(struct ingest *in, int timeout_ms);

/* Whether the inputs are live (captured as they happen): the reader never
 * waits for room in the ring, it drops and counts; reading goes on until
 * ingest_destroy(). */
bool ingest_live(const struct ingest *in);

/* True once every input is read and every event popped. */
bool ingest_finished(struct ingest *in);

/* Counters; exact once ingest_finished() is true. */
void ingest_stats(struct ingest *in, struct ingest_stats *out);

/* Stops the reader thread (if running) and frees everything. */
void ingest_destroy(struct ingest *in);

/* Reads the inputs once, separately, handing every event (filtered, in
 * each file's order) to each(ctx, ev): for the time range, the activity
 * histogram and the idle gaps before a replay. Fails (false, err set) for
 * stdin, which cannot be read twice, and when there are no events. */
bool ingest_scan(const struct ingest_opts *opts,
                 void (*each)(void *ctx, const struct event *ev), void *ctx, char *err,
                 size_t errlen);

#endif
