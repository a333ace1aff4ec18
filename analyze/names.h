/* The names learnt for addresses: a bounded address-to-name cache fed by
 * the EVENT_NAME records ingest reads from packets, and by name logs.
 * The latest name for an address wins, and where it came from is kept.
 * It also keeps the DNS statistics the talkers panel shows: the names
 * learnt last, and the names learnt most often. */
#ifndef FLOWSWARM_ANALYZE_NAMES_H
#define FLOWSWARM_ANALYZE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

struct names;

/* capacity: addresses held at most (0: 65536); past it, the addresses
 * named longest ago make room. Free with names_destroy(). */
struct names *names_create(size_t capacity);
void names_destroy(struct names *n);

/* Takes one EVENT_NAME record; the name it completes is learnt. Parts
 * of a name that never complete are dropped as others come. */
void names_take(struct names *n, const struct event *ev);

/* Learns name[0, len) for a, seen at time_ns. */
void names_learn(struct names *n, const struct addr *a, const char *name, size_t len,
                 enum event_name_origin origin, int64_t time_ns);

/* The name learnt last for a, or NULL; origin (may be NULL) says where
 * it came from. Valid until the next change to n. */
const char *names_get(const struct names *n, const struct addr *a,
                      enum event_name_origin *origin);

/* "dns", "mdns", "tls", "http", "log". */
const char *names_origin_word(enum event_name_origin origin);

struct names_totals {
    uint64_t learnt;  /* names taken, all told */
    size_t held;      /* addresses named now */
    uint64_t evicted; /* addresses forgotten to stay within capacity */
};
void names_totals(const struct names *n, struct names_totals *out);

/* The last names learnt, newest first: up to max of them. */
size_t names_recent(const struct names *n, const char **name, size_t max);

/* The names learnt most often, most first, with their counts: up to max.
 * Counts are kept for a bounded set of names: one that is rarely learnt
 * can lose its place to others. */
size_t names_most(const struct names *n, const char **name, uint64_t *count, size_t max);

#endif
