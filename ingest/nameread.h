/* Names read from packets as they pass: the addresses DNS answers give
 * (A and AAAA, through CNAME chains, and PTR), the server name a TLS
 * client asks for, and the Host an HTTP client sends. Each name becomes
 * records (EVENT_NAME, see base/event.h) that follow the packet down the
 * ring. Everything read is bounded: a malformed message is skipped and
 * counted, never trusted. */
#ifndef FLOWSWARM_NAMEREAD_H
#define FLOWSWARM_NAMEREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

enum {
    NAMEREAD_MAX_LEN = 253,   /* the longest DNS name in text (RFC 1035) */
    NAMEREAD_QUEUE = 256,     /* records waiting to leave */
    NAMEREAD_PER_PACKET = 32, /* names taken from one packet at most */
    NAMEREAD_SEEN = 16384,    /* addresses whose last name sent is remembered */
    NAMEREAD_MEMO = 4096      /* DNS answers whose name is remembered */
};

/* A name answered again for an address whose last name it already was,
 * within this much capture time, is not sent again: DNS repeats itself
 * (every client, every TTL), and the cache already holds it. A different
 * name always goes, so the latest answer still wins. */
#define NAMEREAD_REPEAT_NS INT64_C(60000000000)

struct nameread_counts {
    uint64_t found;     /* names read (repeats within NAMEREAD_REPEAT_NS too) */
    uint64_t malformed; /* DNS messages or hellos that broke their own rules */
};

/* The name sent for an address last (their hashes), and when. */
/* 16 bytes, so that the table stays small enough for the cache: the
 * address's hash picks the slot by its high bits and is checked by its
 * low 32, the name by 32 bits of its hash. */
struct nameread_seen {
    uint32_t addr_key, name_key;
    int64_t time_ns;
};

/* A DNS answer read before: the hash of its content (all but its id and
 * TTLs, which is all its names depend on) and of the one name it gave
 * every address in it. An answer met again needs only its addresses'
 * seen slots checked: most answers repeat one sent lately. */
struct nameread_memo {
    uint64_t key;
    uint32_t name_key;
};

/* The records one source has yet to hand on. */
struct nameread_queue {
    struct event rec[NAMEREAD_QUEUE];
    unsigned head, n;
    uint32_t next_id;
    struct nameread_seen seen[NAMEREAD_SEEN]; /* by the address's hash */
    struct nameread_memo memo[NAMEREAD_MEMO]; /* by the answer's hash */
};

/* Starts an empty queue whose name ids begin at id_base (one range per
 * input, so that parts of names from two inputs never mix). */
void nameread_init(struct nameread_queue *q, uint32_t id_base);

/* Reads the names in one packet: ev is its decoded event (addresses,
 * protocol, ports, time), p[0, len) its TCP or UDP payload. */
void nameread_packet(struct nameread_queue *q, const struct event *ev, const uint8_t *p, size_t len,
                struct nameread_counts *c);

/* The next queued record, if any. */
bool nameread_pop(struct nameread_queue *q, struct event *out);

/* Queues name (len bytes) for addr as records of the given time and
 * origin, unless it is the name last sent for addr, within
 * NAMEREAD_REPEAT_NS. False when the queue has no room for all of it. */
bool nameread_push(struct nameread_queue *q, int64_t time_ns, const struct addr *addr,
                      const char *name, size_t len, enum event_name_origin origin);

/* The extractors on their own, for tests and fuzzing: each calls
 * found(ctx, addr, name, len) per name and returns the number found, or
 * -1 when the message is malformed. */
typedef void (*nameread_found_fn)(void *ctx, const struct addr *a, const char *name, size_t len);
int nameread_dns(const uint8_t *p, size_t len, nameread_found_fn found, void *ctx);
int nameread_tls_sni(const uint8_t *p, size_t len, char *out, size_t outlen);
int nameread_http_host(const uint8_t *p, size_t len, char *out, size_t outlen);

#endif
