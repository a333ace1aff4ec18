/* Scanners and client ports, read from the traffic alone.
 *
 * A probe is a conversation one host opens and the other may answer: a
 * TCP SYN, a FIN, NULL or XMAS segment (no connection opens so), a UDP
 * datagram to a port that has not spoken to it first, an ICMP echo
 * request. A probe fails when the answer is a reset, or when none comes
 * within the reply wait (an ICMP unreachable is no answer). A host is a
 * scanner, for the rest of the run, once within --scan-window
 *  - its probes of --scan-ports ports of one host wait or failed: a
 *    port scan shows in its first probes, as no client keeps that many
 *    ports of one host waiting; or
 *  - its probes failed on one port of --scan-hosts hosts, or its pings
 *    went unanswered by that many.
 * The thresholds are Snort's sfPortscan for ports (5 ports of one host,
 * at its low sensitivity) and Zeek's scan policy for hosts and the window
 * (Scan::addr_scan_threshold 25, over 5 minutes); the reply wait is TCP's
 * classic initial retransmission timeout (3 s, RFC 1122).
 *
 * A client port is a source port one host opens conversations from
 * towards many destination ports (nmap sends a whole scan from one):
 * the far port is the service, never it.
 *
 * scans_event() marks each event for the stages after it:
 * EVENT_CLIENT_SPORT/DPORT where an end is a client port,
 * EVENT_SCAN_SRC/DST where an end is a scanner, EVENT_PROBE on probes not
 * answered and on their answers. Memory is bounded: past the limit, the
 * oldest state is forgotten first. */
#ifndef FLOWSWARM_SCANS_H
#define FLOWSWARM_SCANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

struct scans_opts {
    unsigned ports;        /* ports of one host waiting or failed; 0: 5 */
    unsigned hosts;        /* failed hosts on one port: an address scan; 0: 25 */
    unsigned client_ports; /* destination ports from one source port; 0: 8 */
    double window_s;       /* counting window; 0: 300 */
    double wait_s;         /* how long a probe waits for its answer; 0: 3 */
    size_t max_entries;    /* state kept at most; 0: 1 << 19 (a table of 32 MiB) */
};

/* What a scanner did, as the report lists it. */
enum {
    SCAN_PORTS = 1,   /* many ports of one host */
    SCAN_HOSTS = 2,   /* one port of many hosts */
    SCAN_SYN = 4,     /* probes seen: TCP SYN */
    SCAN_STEALTH = 8, /*   FIN, NULL or XMAS */
    SCAN_UDP = 16,    /*   UDP */
    SCAN_ICMP = 32,   /*   ICMP echo */
};

struct scans_scanner {
    struct addr addr;
    int64_t found_ns;  /* when the threshold was reached */
    int64_t last_ns;   /* its latest failed probe */
    uint64_t failed;   /* failed probes counted, from its first */
    unsigned how;      /* SCAN_* */
};

struct scans_stats {
    uint64_t probes;    /* probes opened */
    uint64_t failed;    /* of them, failed */
    uint64_t answered;
    uint64_t forgotten; /* state dropped to stay within max_entries */
    size_t scanners;
    size_t client_ports;
};

struct scans;

struct scans *scans_create(const struct scans_opts *o);
void scans_destroy(struct scans *s);

/* Watches one traffic event (in time order) and marks its flags. */
void scans_event(struct scans *s, struct event *ev);

/* The clock reached now_ns with no event: probes past the wait fail.
 * INT64_MAX at the end of the input settles every one left. */
void scans_settle(struct scans *s, int64_t now_ns);

/* Forgets everything (a replay that goes back in time starts afresh). */
void scans_reset(struct scans *s);

bool scans_is_scanner(const struct scans *s, const struct addr *a);

/* The scanners found, in the order found; valid until the next call. */
const struct scans_scanner *scans_scanners(const struct scans *s, size_t *n);

void scans_get_stats(const struct scans *s, struct scans_stats *out);

#endif
