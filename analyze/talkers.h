/* Who talks: each host's octets, packets and flows so far, when it was
 * first and last seen, its octets over the last minute and its busiest
 * services; the services' own totals; and the ranking that --top and the
 * 't' key show. Fed every event before the filters, so a host's totals
 * are its whole traffic whatever is hidden.
 *
 * Flows: each flow record is one; for packets, each conversation (one
 * protocol, two addresses and two ports, in both directions) is one, and
 * a new one starts after TALKER_IDLE_S seconds of silence, as a flow
 * exporter's idle timeout would cut it. */
#ifndef FLOWSWARM_TALKERS_H
#define FLOWSWARM_TALKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

enum {
    TALKER_SERVICES = 3,
    TALKER_IDLE_S = 60,    /* a conversation silent this long is a new flow */
    TALKER_RECENT_BINS = 6 /* the last minute, in bins of ten seconds */
};
#define TALKER_BIN_NS 10000000000ll

struct talker_service {
    uint64_t octets;
    uint16_t port; /* the service side's port; 0 for ICMP and the like */
    uint8_t proto;
};

struct talker {
    struct addr addr;
    uint64_t octets, packets, flows;
    int64_t first_ns, last_ns; /* capture time of its first event, its last event's end */
    uint64_t recent[TALKER_RECENT_BINS]; /* octets per bin of capture time, a ring */
    int64_t recent_bin;                  /* the newest bin in it */
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

/* The i-th host, in the order they came (i < talkers_count()). */
const struct talker *talkers_at(const struct talkers *t, size_t i);

/* A host's octets in the last minute of capture time up to now_ns (the
 * bins of ten seconds that end after now_ns - 60 s). */
uint64_t talkers_recent(const struct talker *h, int64_t now_ns);

/* The n busiest hosts by octets, busiest first, into out: over the whole
 * run, or (last_minute) by talkers_recent() at now_ns, leaving out hosts
 * quiet in that minute. Returns how many were put. O(hosts * n). */
size_t talkers_busiest(const struct talkers *t, bool last_minute, int64_t now_ns,
                       const struct talker **out, size_t n);

/* A service's totals: the service side's port as services_event_port()
 * picks it (0 for ICMP and the like), over all the hosts. */
struct talker_total {
    uint64_t octets, packets, flows;
    uint16_t port;
    uint8_t proto;
};

/* Every service seen, in no order; *n how many. Valid until the next
 * talkers_add(). */
const struct talker_total *talkers_services(const struct talkers *t, size_t *n);

/* Marks the n busiest hosts by octets as top (ties broken by the order
 * the hosts came in); n = 0 marks none. */
void talkers_rank(struct talkers *t, unsigned n);

/* Whether a is among the n busiest at the last ranking with that n; with
 * no more than n hosts known, every host is. */
bool talkers_is_top(const struct talkers *t, const struct addr *a);

/* A copy with the same hosts, totals, ranking and stamps, for going back
 * in a replay. It starts with no conversations seen (a replay keeps many
 * copies, and the table of them is the biggest part): a conversation
 * under way at the copy counts as a flow once more when it goes on. */
struct talkers *talkers_copy(const struct talkers *t);

size_t talkers_count(const struct talkers *t);
uint64_t talkers_refused(const struct talkers *t);

#endif
