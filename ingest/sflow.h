/* sFlow version 5 datagrams into events: the sampled packet headers of
 * flow samples (compact and expanded), decoded as packets are and scaled
 * by the sampling rate; counter samples skipped; datagrams lost counted
 * per agent by sequence number. */
#ifndef FLOWSWARM_SFLOW_H
#define FLOWSWARM_SFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

struct sflow_stats {
    uint64_t datagrams, samples; /* datagrams taken; packet samples made events */
    uint64_t malformed;          /* a sample or record longer than its datagram */
    uint64_t not_ip;             /* sampled headers that are not IP */
    uint64_t lost;               /* datagrams the agents' sequence numbers miss */
    uint64_t dropped;            /* samples the agents say they dropped */
};

struct sflow;

struct sflow *sflow_create(void);
void sflow_destroy(struct sflow *sf);

/* Whether a datagram's first bytes are sFlow version 5. */
bool sflow_sniff(const uint8_t *d, size_t len);

/* Parses one datagram from sender, received at now_ns (the time every
 * sample gets); up to max events into out, returns how many. */
size_t sflow_parse(struct sflow *sf, const struct addr *sender, const uint8_t *d, size_t len,
                   int64_t now_ns, struct event *out, size_t max);

const struct sflow_stats *sflow_stats(const struct sflow *sf);

#endif
