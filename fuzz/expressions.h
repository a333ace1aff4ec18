/* For the expression fuzz targets: the first byte gives the expression's
 * length, the expression follows (in a buffer of exactly its size plus
 * the NUL, so that an overread leaves the allocation), and the rest is
 * events of RECORD bytes each. */
#ifndef FLOWSWARM_FUZZ_EXPRESSIONS_H
#define FLOWSWARM_FUZZ_EXPRESSIONS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/event.h"

enum { RECORD = 48 };

/* The expression (free it), with *rest set to where the events start;
 * NULL for an empty input. */
static inline char *fuzz_expression(const uint8_t *data, size_t size, size_t *rest)
{
    if (size < 1)
        return NULL;
    size_t n = data[0] % 160;
    if (n > size - 1)
        n = size - 1;
    char *expr = malloc(n + 1);
    memcpy(expr, data + 1, n);
    expr[n] = 0;
    *rest = 1 + n;
    return expr;
}

/* An event from RECORD bytes: IPv4, IPv6 or no address (then all zeros,
 * as a record that does not name a side has), any protocol and ports,
 * ICMP's type and code in dport as NetFlow packs them. */
static inline void fuzz_record(const uint8_t *p, struct event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->src.family = ev->dst.family = p[0] & 1 ? 6 : p[0] & 2 ? 0 : 4;
    if (ev->src.family) {
        memcpy(ev->src.b, p + 1, ev->src.family == 6 ? 16 : 4);
        memcpy(ev->dst.b, p + 17, ev->dst.family == 6 ? 16 : 4);
    }
    ev->proto = p[33];
    ev->sport = (uint16_t)(p[34] << 8 | p[35]);
    ev->dport = (uint16_t)(p[36] << 8 | p[37]);
    if (ev->proto == 1 || ev->proto == 58)
        ev->sport = 0;
    ev->tcpflags = p[38];
    memcpy(&ev->packets, p + 39, sizeof(ev->packets));
    memcpy(&ev->octets, p + 43, 5);
}

#endif
