/* libFuzzer target: sFlow v5 datagrams through the collector's parser,
 * down into the packet decoder for each sampled header. The input is a
 * run of datagrams, each behind a two-byte big-endian length. */
#include <stdlib.h>
#include <string.h>

#include "ingest/sflow.h"

enum { MAX_EVENTS = 512 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sflow *sf = sflow_create();
    static struct event out[MAX_EVENTS];
    struct addr sender = {.family = 4, .b = {127, 0, 0, 1}};
    for (size_t off = 0; off + 2 <= size;) {
        size_t len = (size_t)data[off] << 8 | data[off + 1];
        off += 2;
        if (len > size - off)
            len = size - off;
        uint8_t *d = malloc(len ? len : 1); /* exact size: an overread leaves it */
        memcpy(d, data + off, len);
        size_t n = sflow_parse(sf, &sender, d, len, 0, out, MAX_EVENTS);
        if (n > MAX_EVENTS)
            abort();
        for (size_t i = 0; i < n; i++)
            if (out[i].packets == 0 || (out[i].src.family != 4 && out[i].src.family != 6))
                abort();
        free(d);
        off += len;
    }
    sflow_destroy(sf);
    return 0;
}
