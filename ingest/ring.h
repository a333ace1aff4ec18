/* The event ring between the ingest thread and the main thread: fixed
 * capacity, one producer, one consumer, moved in batches. */
#ifndef FLOWSWARM_RING_H
#define FLOWSWARM_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

struct ring;

/* capacity 0 means 65536 events. Free with ring_destroy(). */
struct ring *ring_create(size_t capacity);
void ring_destroy(struct ring *r);

/* What a push does when the ring is full. */
enum ring_full {
    RING_WAIT, /* wait for room until all are in or the consumer cancelled */
    RING_DROP, /* drop what does not fit, and count it (live input) */
    RING_KEEP, /* move in what fits; the caller keeps the rest to push again */
};

/* Producer: moves up to n events in. Returns the number moved in. */
size_t ring_push(struct ring *r, const struct event *evs, size_t n, enum ring_full full);

/* Producer: no more events will come. */
void ring_close(struct ring *r);

/* Consumer: moves up to max events out. With block, waits until at least
 * one is there or the ring is closed and empty. Returns the number moved. */
size_t ring_pop(struct ring *r, struct event *out, size_t max, bool block);

/* Consumer: waits up to timeout_ms for events to pop or the ring to be
 * closed; true if either came. */
bool ring_wait(struct ring *r, int timeout_ms);

/* Consumer: stop the producer; a blocked or later push returns at once. */
void ring_cancel(struct ring *r);

/* True once closed and drained. */
bool ring_finished(struct ring *r);
uint64_t ring_dropped(struct ring *r);

#endif
