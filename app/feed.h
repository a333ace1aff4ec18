/* The one event pump: events leave the ingest ring, pass the stages in
 * order (filters that may drop them, then analysers that watch them) and
 * reach one sink: the swarm in the loops, the TSV printer for --events.
 * A new consumer of events is a stage here, never a second loop. */
#ifndef FLOWSWARM_FEED_H
#define FLOWSWARM_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "base/event.h"
#include "ingest/ingest.h"
#include "timeline/activity.h"

/* A step between the ring and the sink. event() returns false to drop
 * the event: later stages and the sink do not see it. It may mark the
 * event (EVENT_NO_SRC, EVENT_NO_DST) for the stages after it. */
struct feed_stage {
    bool (*event)(void *ctx, struct event *ev);
    void *ctx;
};

struct feed_opts {
    struct ingest *in;          /* started; not owned */
    void (*sink)(void *ctx, const struct event *ev);
    void *sink_ctx;
    /* EVENT_NAME records go here, and nowhere else (not to the stages,
     * not cut by --start); NULL: they are dropped */
    void (*names)(void *ctx, const struct event *ev);
    void *names_ctx;
    struct activity *activity;  /* filled as events apply (input that was
                                   not scanned first), or NULL */
    int64_t from_ns;            /* events over before this are left out */
    bool (*cancelled)(void);    /* when it says true, a blocking feed_until()
                                   returns at once; NULL: never */
};

enum { FEED_STAGES_MAX = 16 };

struct feed;

struct feed *feed_create(const struct feed_opts *opts);
void feed_destroy(struct feed *f);

/* Adds a stage after those already there. */
void feed_add_stage(struct feed *f, const struct feed_stage *stage);

/* Events over before from_ns are left out from now on. */
void feed_set_from(struct feed *f, int64_t from_ns);

/* Events that start at or before after_ns are left out from now on: a
 * replay read again from a saved state already holds them. */
void feed_set_after(struct feed *f, int64_t after_ns);

/* Passes every event with a time at or before clock to the stages and
 * the sink. With block, waits for the reader so that nothing due is
 * missed (export, --events), unless cancelled; without, takes what has
 * arrived (window). */
void feed_until(struct feed *f, int64_t clock, bool block);

/* The next event not yet due, or NULL when none has arrived. Valid until
 * the next feed_until(). */
const struct event *feed_peek(const struct feed *f);

/* True once the input is exhausted and every event has been passed on. */
bool feed_ended(const struct feed *f);

uint64_t feed_clamped(const struct feed *f); /* events whose time was raised */
int64_t feed_reached(const struct feed *f);  /* the latest end an event reached */

#endif
