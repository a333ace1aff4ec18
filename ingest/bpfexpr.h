/* The trailing filter expression, with tcpdump's meaning on every input:
 * compiled with a message that points at the word that is wrong, and
 * applied to flow records through the packet headers a record describes. */
#ifndef FLOWSWARM_BPFEXPR_H
#define FLOWSWARM_BPFEXPR_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/event.h"

/* pcap_compile() on p, optimised, netmask unknown. On failure err holds
 * "bad filter expression 'EXPR': WHY", where WHY is libpcap's reason and,
 * for a syntax error (which libpcap does not place), the first word the
 * expression cannot go on from, or that it ends too early. */
bool bpfexpr_compile(pcap_t *p, const char *expr, struct bpf_program *prog, char *err,
                     size_t errlen);

struct bpfexpr;

/* Compiles expr for records of input name. Each record is matched as one
 * packet with the IPv4 or IPv6 header and the transport header (ports,
 * TCP flags, ICMP type and code) the record gives, and the record's mean
 * packet size as its length: host, net, port, portrange, proto, tcp[...]
 * flags, icmp[...], len and their and/or/not all mean what they mean to
 * tcpdump. An expression that needs link-layer bytes (ether, vlan, ...)
 * fails with a message naming the input. NULL with err set on failure;
 * free with bpfexpr_destroy(). */
struct bpfexpr *bpfexpr_create(const char *expr, const char *name, char *err,
                               size_t errlen);

/* Whether the record ev passes the expression. */
bool bpfexpr_match(const struct bpfexpr *b, const struct event *ev);

void bpfexpr_destroy(struct bpfexpr *b);

#endif
