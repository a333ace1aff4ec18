/* NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) export
 * datagrams into events, with the state they need across datagrams:
 * templates per exporter and observation domain (source id), the
 * sampling rate options records give, and sequence numbers for loss.
 * Everything is bounded: templates, exporters and records held back for
 * a template that has not come yet. */
#ifndef FLOWSWARM_NETFLOW_H
#define FLOWSWARM_NETFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

struct netflow_stats {
    uint64_t datagrams;  /* taken as NetFlow or IPFIX */
    uint64_t records;    /* flow records made into events */
    uint64_t malformed;  /* datagrams, or sets in them, that did not parse */
    uint64_t lost;       /* flows (v5, IPFIX) or datagrams (v9) that the
                            exporters' sequence numbers say never came */
    uint64_t no_template; /* data sets dropped: their template never came */
    uint64_t scaled;     /* records scaled by a sampling rate */
};

struct netflow;

struct netflow *netflow_create(void);
void netflow_destroy(struct netflow *nf);

/* Whether a datagram's first bytes are NetFlow v5, v9 or IPFIX. */
bool netflow_sniff(const uint8_t *d, size_t len);

/* Parses one datagram that exporter sent, received at now_ns. Puts up to
 * max events into out and returns how many; records past max are
 * counted as dropped in malformed. A data set whose template is not
 * known yet is held back (10 s at most, a bounded number) and parsed when
 * the template comes: its events are returned then. */
size_t netflow_parse(struct netflow *nf, const struct addr *exporter, const uint8_t *d,
                     size_t len, int64_t now_ns, struct event *out, size_t max);

const struct netflow_stats *netflow_stats(const struct netflow *nf);

#endif
