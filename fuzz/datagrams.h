/* For the collector's fuzz targets: an input is a run of datagrams, each
 * behind a two-byte big-endian length (the last one cut to what is
 * left). Each is handed over in a buffer of exactly its size, so that a
 * read past its end leaves the allocation and AddressSanitizer sees it.
 * The events a parse gives are checked: never more than max, each with an
 * address family, and with packets where the caller says so. */
#ifndef FLOWSWARM_FUZZ_DATAGRAMS_H
#define FLOWSWARM_FUZZ_DATAGRAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/event.h"

/* Calls each(ctx, datagram, length) for every datagram. */
static inline void each_datagram(const uint8_t *data, size_t size,
                                 void (*each)(void *ctx, const uint8_t *d, size_t len),
                                 void *ctx)
{
    for (size_t off = 0; off + 2 <= size;) {
        size_t len = (size_t)data[off] << 8 | data[off + 1];
        off += 2;
        if (len > size - off)
            len = size - off;
        uint8_t *d = malloc(len ? len : 1);
        memcpy(d, data + off, len);
        each(ctx, d, len);
        free(d);
        off += len;
    }
}

static inline void check_events(const struct event *out, size_t n, size_t max,
                                bool need_packets)
{
    if (n > max)
        abort();
    for (size_t i = 0; i < n; i++)
        if ((need_packets && out[i].packets == 0) ||
            (out[i].src.family != 4 && out[i].src.family != 6))
            abort();
}

#endif
