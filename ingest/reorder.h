/* Time reorder: a bounded min-heap that releases events in time order
 * within a window. A straggler older than what was already released is
 * clamped to the release time and counted, never dropped. */
#ifndef FLOWSWARM_REORDER_H
#define FLOWSWARM_REORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

struct reorder_opts {
    size_t capacity;   /* events held at most; 0 means 65536 */
    int64_t window_ns; /* hold an event until one this much newer arrives;
                          0 means 2 s */
};

struct reorder;

/* Owned by the caller; free with reorder_destroy(). */
struct reorder *reorder_create(const struct reorder_opts *opts);
void reorder_destroy(struct reorder *r);

/* Adds an event. The caller first drains reorder_pop() until it returns
 * false, which guarantees room. */
void reorder_push(struct reorder *r, const struct event *ev);

/* Releases the oldest event if it is due: the heap is full, or a newer
 * event has arrived beyond the window. flush releases unconditionally
 * (end of input). Returns false when nothing is released. */
bool reorder_pop(struct reorder *r, struct event *out, bool flush);

size_t reorder_size(const struct reorder *r);
/* Events whose time was raised to keep the output in order. */
uint64_t reorder_clamped(const struct reorder *r);

#endif
