/* pcap and pcapng files read through libpcap, keeping nanosecond times:
 * two rows of the source table. */
#ifndef FLOWSWARM_PCAPFILE_H
#define FLOWSWARM_PCAPFILE_H

#include <pcap/pcap.h>

#include "ingest/source.h"

extern const struct source_kind pcapfile_kind, pcapngfile_kind;

/* One packet from libpcap into ev: counted in st, decoded, its time taken
 * (tv_usec holds nanoseconds when nano), its transport payload in pl.
 * False when it is not an IP packet flowswarm can show (counted by why).
 * For the live rows too. */
bool pcapfile_packet(int dlt, const struct pcap_pkthdr *h, const uint8_t *data, bool nano,
                     struct event *ev, struct decode_payload *pl, struct source_stats *st);

#endif
