/* The particle simulation: service hubs keyed by (protocol, service port)
 * and endpoint hosts keyed by address, tied by springs that octets
 * strengthen and time decays. Runs on a fixed animation step, so the same
 * events and options always give the same state. */
#ifndef FLOWSWARM_SWARM_H
#define FLOWSWARM_SWARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"
#include "base/services.h"

enum { SWARM_SPRINGS = 4 }; /* hubs one host is tied to at most */

enum swarm_scale { SWARM_SCALE_LOG, SWARM_SCALE_SQRT };

/* How quiet hosts merge into subnet clouds past group_at live hosts:
 * AUTO starts from /24 (IPv4) and /64 (IPv6) and widens the prefix while
 * that would make more than a few hundred clouds; FIXED keeps group_v4
 * and group_v6; OFF never merges. */
enum swarm_group { SWARM_GROUP_AUTO, SWARM_GROUP_FIXED, SWARM_GROUP_OFF };

#define SWARM_NO_CLOUD UINT32_MAX

struct swarm_opts {
    uint32_t max_hosts; /* 0 means 100000; at the limit the least recently
                           active host is evicted */
    uint32_t max_hubs;  /* 0 means 1024 */
    float half_life_s;  /* spring and activity decay, animation seconds; 0: 3 */
    float idle_s;       /* quiet time before fading out; 0: 4 */
    float fade_s;       /* fade-out (and reclaim) time; 0: 1.5 */
    uint32_t max_flows; /* flows with a duration pulling at once; 0: 65536
                           (beyond it a flow pulls all at its start) */
    enum swarm_scale scale; /* octets to pull and size: log (default) or sqrt */
    enum swarm_group group; /* subnet clouds: auto (default), fixed or off */
    uint8_t group_v4, group_v6; /* FIXED: prefix lengths (0: 24 and 64) */
    uint32_t group_at;  /* live hosts past which quiet ones merge; 0: 2000 */
};

struct swarm_spring {
    uint32_t hub;   /* index into the hub array */
    float strength; /* grows with log octets, decays */
    float pulse;    /* 0: none; else a pulse is |pulse| (0..1) along the
                       edge, from the host if positive (it sent), from the
                       hub if negative (it received) */
    /* the last event that pulled it, as swarm_filter() tests it again */
    struct addr peer;      /* the other end */
    uint16_t sport, dport;
    uint8_t proto;
    bool sent;             /* the host was its source */
    bool cut;              /* hidden by a filter: fading out fast */
};

struct swarm_hub {
    float x, y, vx, vy;
    float heat;   /* recent octets, decaying */
    float share;  /* 0..1: heat against the busiest hub's, on the scale
                     (swarm_share()); size and brightness follow it */
    float size;   /* radius in world units */
    float alpha;  /* 0..1: fades in when born, out when idle */
    float idle;   /* animation seconds since its last event */
    uint32_t links; /* springs that point here */
    uint16_t port;
    uint8_t proto;
    uint8_t cls;  /* enum service_class */
    bool live;
    bool scan;    /* one scanner's probes (EVENT_SCAN_*), not a service */
    struct addr scanner; /* a scan hub's scanner */
    char label[32];
};

struct swarm_host {
    float x, y, vx, vy;
    float heat, size, alpha, idle;
    float flash; /* 1 at an event, decaying fast */
    struct swarm_spring springs[SWARM_SPRINGS];
    uint8_t nsprings;
    uint8_t cls; /* class of its strongest spring */
    bool live;
    bool hidden; /* every spring cut by a filter: fading out fast */
    bool scanner; /* an event said so (EVENT_SCAN_SRC, _DST) */
    uint32_t cloud; /* index into swarm_clouds(), or SWARM_NO_CLOUD */
    uint32_t slot;  /* its place in the cloud's pattern */
    struct addr addr;
};

/* Quiet hosts of one subnet, drawn as one soft disc while formed. */
struct swarm_cloud {
    float x, y;   /* its centre: its members' while it forms, then its own */
    float vx, vy;
    float size;   /* radius in world units: grows with the square root of
                     its hosts */
    float alpha;  /* 0..1: fades in as it forms, out as it empties */
    float heat;   /* its members' */
    uint32_t hosts; /* members */
    uint32_t next;  /* the next member's place */
    uint32_t hub[SWARM_SPRINGS]; /* its strongest ties: its members' summed */
    float tie[SWARM_SPRINGS];
    uint8_t nties;
    uint8_t cls;  /* class of its strongest tie */
    uint8_t prefix; /* of net */
    bool live;
    bool formed;  /* members enough to be drawn as one */
    struct addr net;
};

struct swarm_stats {
    uint32_t hosts, hubs;   /* live now */
    uint64_t events;        /* applied since creation */
    uint64_t octets;
    uint64_t refused;       /* events lost to the hub limit */
    uint64_t evicted;       /* hosts evicted to stay within max_hosts */
    uint32_t flows;         /* flows still pulling */
    uint32_t scanners;      /* live hosts that are scanners */
    uint32_t clouds;        /* formed subnet clouds */
    uint32_t merged;        /* live hosts drawn in them */
    float hub_heat_max;     /* the busiest live hub's heat: octets over
                               about half_life_s / ln 2 lately */
};

struct swarm;

/* Owned by the caller; free with swarm_destroy(). */
struct swarm *swarm_create(const struct swarm_opts *opts);
void swarm_destroy(struct swarm *s);

/* Applies one event: both endpoints are tied to the event's service hub,
 * or, for a scanner's probe (EVENT_PROBE with EVENT_SCAN_SRC or _DST), to
 * that scanner's one scan hub; an end marked a scanner is drawn as one. The service is the port services_event_port() says where the
 * table knows it or an end is a client port, else the port seen more.
 * An event with a duration (a flow record) keeps pulling until its end
 * as swarm_step() moves the capture clock past it. */
void swarm_add_event(struct swarm *s, const struct event *ev);

/* Tests what is on screen again after the filters changed. keep() is
 * asked about each spring with the last event that pulled it, host being
 * the spring's own end, and about each flow still pulling (host NULL). A
 * flow it refuses stops; a spring it refuses is cut; a host left with no
 * spring fades out in half a second, and its pull on the hubs goes with
 * it. A later event that reaches a cut spring or a hidden host brings it
 * back. */
void swarm_filter(struct swarm *s,
                  bool (*keep)(void *ctx, const struct event *ev, const struct addr *host),
                  void *ctx);

/* A saved state of the simulation, for going back in a replay: what is
 * in use and no more (a few kB per live host). */
struct swarm_snapshot;

struct swarm_snapshot *swarm_save(const struct swarm *s);
void swarm_snapshot_free(struct swarm_snapshot *snap);

/* A swarm in the state snap holds, which then goes on exactly as the
 * saved one would have. Free with swarm_destroy(). */
struct swarm *swarm_restore(const struct swarm_snapshot *snap);

/* Advances the simulation by dt animation seconds, with the capture
 * clock now at now_ns. */
void swarm_step(struct swarm *s, int64_t now_ns, float dt);

/* Arrays of capacity *n; entries with live == false are unused. Valid
 * until the next swarm_add_event() or swarm_step(). */
const struct swarm_hub *swarm_hubs(const struct swarm *s, size_t *n);
const struct swarm_host *swarm_hosts(const struct swarm *s, size_t *n);

/* Subnet clouds, capacity *n; entries with live == false are unused. A
 * host in a formed cloud is drawn as part of it. */
const struct swarm_cloud *swarm_clouds(const struct swarm *s, size_t *n);

void swarm_get_stats(const struct swarm *s, struct swarm_stats *out);

/* The options it runs with, the defaults filled in. */
const struct swarm_opts *swarm_options(const struct swarm *s);

/* A hub's share for a heat of `part` of the busiest hub's (0..1): on the
 * log scale two decades span it (a tenth reads as a half, a hundredth as
 * a seventh), on the sqrt scale its area follows the octets. */
float swarm_share(enum swarm_scale scale, float part);

/* A hub's radius, in world units, at a share. */
float swarm_hub_size(float share);

#endif
