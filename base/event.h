/* The plain record every source produces and every later stage consumes:
 * one packet or one flow record. */
#ifndef FLOWSWARM_EVENT_H
#define FLOWSWARM_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/addr.h"

struct event {
    int64_t time_ns; /* capture time, ns since the Unix epoch (UTC) */
    int64_t end_ns;  /* last packet of a flow; == time_ns for a packet */
    uint64_t octets; /* IP-layer bytes, as NetFlow counts them */
    uint32_t packets;
    uint16_t sport, dport; /* 0 where the protocol has none; ICMP: type*256+code */
    uint8_t proto;         /* IP protocol number */
    uint8_t tcpflags;
    struct addr src, dst;
    uint8_t flags; /* EVENT_* */
};

enum {
    EVENT_CLAMPED = 1, /* arrived too late for the reorder window: its time
                          was raised to keep the stream in order */
    EVENT_SCALED = 2,  /* from a sampled export: packets and octets were
                          multiplied by the sampling rate */
    EVENT_NO_SRC = 4,  /* a filter (--top) shows only the other end: the */
    EVENT_NO_DST = 8,  /*   swarm leaves this one out */
};

#endif
