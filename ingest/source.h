/* An input of events. Every kind of input is one row of the source table
 * (source.c): files are told apart by their first bytes, and each kind
 * says how to open, read and poll it and whether it is live. Sources
 * yield events in the order they read them. See ingest/README.md for how
 * a live source plugs in. */
#ifndef FLOWSWARM_SOURCE_H
#define FLOWSWARM_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/event.h"
#include "ingest/decode.h"

struct source;

struct source_stats {
    uint64_t records;         /* packets or flow records read */
    struct decode_stats decode;
    bool damaged;             /* reading stopped early at damage */
    char damage[320];         /* then: one line naming the file and offset */
    uint64_t skipped;         /* records with nothing to show */
    char skip_reason[160];    /* why, when skipped is not zero */
    uint64_t os_dropped;      /* live capture: lost by the kernel (ps_drop) */
    uint64_t if_dropped;      /* live capture: lost by the interface (ps_ifdrop) */
    uint64_t sock_dropped;    /* collector: datagrams the socket buffer had no
                                 room for (SO_RXQ_OVFL) */
    uint64_t agent_dropped;   /* collector: packets sFlow agents could not
                                 sample (their own drop counters) */
    uint64_t names;           /* names read from packets (source_learn_names) */
    uint64_t name_records;    /* the EVENT_NAME records that carried them */
    uint64_t names_malformed; /* DNS messages, TLS hellos that broke their format */
    uint64_t seq_lost;        /* collector: flows or datagrams the exporters''
                                 sequence numbers say never came */
};

/* What a read gives. File sources only ever give the first two. */
enum source_status {
    SOURCE_END,   /* no more: the end of a file, damage, or a live input that stopped */
    SOURCE_EVENT, /* an event */
    SOURCE_IDLE,  /* live: nothing now; poll the descriptor for more */
};

/* How to open an input. */
struct source_params {
    const char *name;   /* names it in messages; for an input that is not a
                           file, the interface or address to open */
    const char *filter; /* the trailing expression, or NULL */
    int snaplen;        /* live capture: bytes kept of each packet; 0: all */
    bool no_promisc;    /* live capture: leave the interface's mode alone */
    int buffer_kib;     /* live capture: the kernel's buffer; 0: libpcap's */
};

/* One kind of input: a row of the source table. */
struct source_kind {
    const char *name; /* "pcap", "flow-tools", ... for messages */
    /* Whether a file that begins with head[0..n) is of this kind; NULL
     * for inputs that are not files (interfaces, sockets), which are
     * opened by name instead. n is at least SOURCE_SNIFF_LEN. */
    bool (*sniff)(const uint8_t *head, size_t n);
    /* Opens the input: fp (owned from here on, closed on failure too) is
     * at the file's first byte, or NULL for an input that is not a file.
     * A kind with .packets applies p->filter itself. NULL with one line in
     * err. */
    void *(*open)(FILE *fp, const struct source_params *p, char *err, size_t errlen);
    /* The next event (damage, or why a live input stopped, is said in st). */
    enum source_status (*next)(void *impl, struct event *ev, struct source_stats *st);
    /* A descriptor to poll() for more input, or -1. */
    int (*fd)(const void *impl);
    void (*destroy)(void *impl);
    /* The TCP or UDP payload of the packet next() gave last, for reading
     * names from it; NULL for kinds that read no packets. */
    const struct decode_payload *(*payload)(const void *impl);
    bool live;    /* never ends by itself; must not block (ingest/README.md) */
    bool packets; /* reads packets, and filters them itself with BPF */
    bool flows;   /* yields flow records, whose start times lag their export */
};

enum { SOURCE_SNIFF_LEN = 4 };

/* Opens path ("-" for stdin); filter, if not NULL, is the trailing BPF
 * expression, which applies to every kind (to packets as they are, to
 * flow records through the headers they describe). Returns NULL with a
 * one-line message in err (naming the file) when the file cannot be
 * opened, is not a known format, or the filter does not compile. The
 * caller owns the source; free it with source_destroy(). */
struct source *source_open(const char *path, const char *filter, char *err,
                           size_t errlen);

/* The same for an open stream (a file, a pipe, memory), which the source
 * takes over: it is closed with the source or on failure, unless it is
 * stdin. name is used in messages. */
struct source *source_open_stream(FILE *fp, const char *name, const char *filter,
                                  char *err, size_t errlen);

/* Opens a live input of the kind named (a row with no sniff), as p says.
 * NULL with one line in err. */
struct source *source_open_live(const char *kind, const struct source_params *p, char *err,
                                size_t errlen);

/* Next event that passes the filter. Damage, or a live input stopping,
 * ends the input and is described in source_stats(). */
enum source_status source_read(struct source *s, struct event *ev);

/* The same for reading a file to its end: true for an event. */
bool source_next(struct source *s, struct event *ev);

/* From now on, the names in the packets read (DNS answers, TLS server
 * names, HTTP hosts) follow each packet as EVENT_NAME records; id_base
 * keeps their ids apart from other inputs'. Kinds that read no packets
 * have none. */
void source_learn_names(struct source *s, uint32_t id_base);

const struct source_stats *source_stats(const struct source *s);
const struct source_kind *source_kind(const struct source *s);
/* The descriptor to poll for more input, or -1 (see source_kind.fd). */
int source_fd(const struct source *s);
const char *source_name(const struct source *s);
void source_destroy(struct source *s);

#endif
