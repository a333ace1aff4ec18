/* The plain record every source produces and every later stage consumes:
 * one packet or one flow record. */
#ifndef FLOWSWARM_EVENT_H
#define FLOWSWARM_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/addr.h"

/* A name learnt for an address (EVENT_NAME): a name longer than one
 * record's text comes as several records, parts 0 .. parts-1, that share
 * the address, time and id. */
enum { EVENT_NAME_TEXT = 40 };

enum event_name_origin {
    NAME_DNS = 1, /* a DNS answer (A, AAAA, through CNAMEs) */
    NAME_MDNS,    /* a multicast DNS answer */
    NAME_SNI,     /* the server name a TLS client asked for */
    NAME_HTTP,    /* the Host header an HTTP client sent */
    NAME_LOG,     /* a DNS server's log or a hosts file (--names) */
    NAME_ORIGINS
};

struct event_name {
    uint32_t id;   /* the same for every part of one name */
    uint8_t part, parts;
    uint8_t len;   /* bytes of text in this part */
    uint8_t origin; /* enum event_name_origin */
    char text[EVENT_NAME_TEXT];
};

struct event {
    int64_t time_ns; /* capture time, ns since the Unix epoch (UTC) */
    union {
        struct { /* traffic: a packet or a flow record */
            int64_t end_ns;  /* last packet of a flow; == time_ns for a packet */
            uint64_t octets; /* IP-layer bytes, as NetFlow counts them */
            uint32_t packets;
            uint16_t sport, dport; /* 0 where the protocol has none; ICMP: type*256+code */
            uint8_t proto;         /* IP protocol number */
            uint8_t tcpflags;
            struct addr dst;
        };
        struct event_name name; /* flags has EVENT_NAME: src is the address named */
    };
    struct addr src;
    uint16_t flags; /* EVENT_* */
};

enum {
    EVENT_CLAMPED = 1, /* arrived too late for the reorder window: its time
                          was raised to keep the stream in order */
    EVENT_SCALED = 2,  /* from a sampled export: packets and octets were
                          multiplied by the sampling rate */
    EVENT_NO_SRC = 4,  /* a filter (--top) shows only the other end: the */
    EVENT_NO_DST = 8,  /*   swarm leaves this one out */
    EVENT_NAME = 16,   /* not traffic: a name for src (the name stage takes
                          it out of the feed before any other stage) */
    /* set by the scans stage (analyze/scans.h) for the stages after it */
    EVENT_CLIENT_SPORT = 32,  /* sport is its host's client port: the */
    EVENT_CLIENT_DPORT = 64,  /*   service is the other port */
    EVENT_SCAN_SRC = 128,     /* src is a scanner */
    EVENT_SCAN_DST = 256,     /* dst is a scanner */
    EVENT_PROBE = 512,        /* a probe not answered (yet), or the answer */
    EVENT_FLOW = 1024,        /* a flow record (NetFlow, IPFIX, a flow file), not a
                                 packet: one flow in the counts */
};

#endif
