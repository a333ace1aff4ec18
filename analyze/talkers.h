/* Who talks: each host's octets and packets so far and its busiest
 * services, and the ranking that --top and the 't' key show. Fed every
 * event before the filters, so a host's totals are its whole traffic
 * whatever is hidden. */
#ifndef FLOWSWARM_TALKERS_H
#define FLOWSWARM_TALKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

enum { TALKER_SERVICES = 3 };

struct talker_service {
    uint64_t octets;
    uint16_t port; /* the service side's port; 0 for ICMP and the like */
    uint8_t proto;
};

struct talker {
    struct addr addr;
    uint64_t octets, packets;
    struct talker_service services[TALKER_SERVICES]; /* busiest first; octets 0: none */
    bool top; /* among the busiest at the last ranking */
    uint32_t shown, dropped; /* stamps the filter stage keeps */
};

struct talkers;

/* Keeps up to max_hosts hosts (0: 4 Mi); hosts past that are not counted
 * (talkers_refused() says how many events touched one). */
struct talkers *talkers_create(size_t max_hosts);
void talkers_destroy(struct talkers *t);

/* Counts the event for both its endpoints. */
void talkers_add(struct talkers *t, const struct event *ev);

/* The host's totals, or NULL if it has not been seen. */
const struct talker *talkers_find(const struct talkers *t, const struct addr *a);

/* The same, to change the stamps. */
struct talker *talkers_lookup(struct talkers *t, const struct addr *a);

/* Marks the n busiest hosts by octets as top (ties broken by the order
 * the hosts came in); n = 0 marks none. */
void talkers_rank(struct talkers *t, unsigned n);

/* Whether a is among the n busiest at the last ranking with that n; with
 * no more than n hosts known, every host is. */
bool talkers_is_top(const struct talkers *t, const struct addr *a);

/* A copy with the same hosts, totals, ranking and stamps, for going back
 * in a replay. */
struct talkers *talkers_copy(const struct talkers *t);

size_t talkers_count(const struct talkers *t);
uint64_t talkers_refused(const struct talkers *t);

#endif
