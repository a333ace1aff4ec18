/* Packet decode: from a captured frame of a given link type to an event
 * (addresses, protocol, ports, TCP flags, IP-layer octets). */
#ifndef FLOWSWARM_DECODE_H
#define FLOWSWARM_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/event.h"

enum decode_status {
    DECODE_OK,       /* ev is filled */
    DECODE_NOT_IP,   /* a frame that carries no IP packet (ARP, STP, ...) */
    DECODE_SHORT,    /* captured bytes end inside the link or IP header */
    DECODE_MALFORMED /* a header field contradicts the IP version or lengths */
};

/* Counters a source keeps of what decode said. */
struct decode_stats {
    uint64_t ok, not_ip, short_, malformed;
};

/* Whether decode_packet understands this libpcap DLT_ value. */
bool decode_linktype_supported(int dlt);

/* Decodes one frame. caplen bytes of pkt are present; wirelen is the
 * frame's length on the wire. Fills every field of ev except the times,
 * which belong to the caller. Never reads outside pkt[0, caplen). */
enum decode_status decode_packet(int dlt, const uint8_t *pkt, uint32_t caplen,
                                 uint32_t wirelen, struct event *ev);

/* The bytes a TCP or UDP header carries, as far as they were captured
 * (and within the IP packet's length). */
struct decode_payload {
    const uint8_t *p; /* NULL: none (another protocol, a later fragment) */
    uint32_t len;
};

/* decode_packet that also finds the transport payload, for what reads
 * names from it (ingest/names.c). pl may be NULL. */
enum decode_status decode_packet_payload(int dlt, const uint8_t *pkt, uint32_t caplen,
                                         uint32_t wirelen, struct event *ev,
                                         struct decode_payload *pl);

static inline void decode_count(struct decode_stats *s, enum decode_status st)
{
    switch (st) {
    case DECODE_OK: s->ok++; break;
    case DECODE_NOT_IP: s->not_ip++; break;
    case DECODE_SHORT: s->short_++; break;
    case DECODE_MALFORMED: s->malformed++; break;
    }
}

#endif
