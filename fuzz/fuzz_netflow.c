/* libFuzzer target: the collector's datagram parser (NetFlow v5, v9,
 * IPFIX). The input is a run of datagrams, each behind a two-byte big-
 * endian length, from one or two exporters, a second apart, so templates,
 * options and records held for a template carry from one to the next.
 * Every event must name an address family; the count never passes max. */
#include <stdlib.h>
#include <string.h>

#include "ingest/netflow.h"

enum { MAX_EVENTS = 512 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct netflow *nf = netflow_create();
    static struct event out[MAX_EVENTS];
    struct addr exporters[2] = {{.family = 4, .b = {127, 0, 0, 1}},
                                {.family = 6, .b = {[15] = 1}}};
    int64_t now = INT64_C(1700000000) * 1000000000;
    for (size_t off = 0; off + 2 <= size;) {
        size_t len = (size_t)data[off] << 8 | data[off + 1];
        off += 2;
        if (len > size - off)
            len = size - off;
        uint8_t *d = malloc(len ? len : 1); /* exact size: an overread leaves it */
        memcpy(d, data + off, len);
        size_t n = netflow_parse(nf, &exporters[len & 1], d, len, now, out, MAX_EVENTS);
        if (n > MAX_EVENTS)
            abort();
        for (size_t i = 0; i < n; i++)
            if (out[i].src.family != 4 && out[i].src.family != 6)
                abort();
        free(d);
        off += len;
        now += 1000000000;
    }
    netflow_destroy(nf);
    return 0;
}
