/* libFuzzer target: sFlow v5 datagrams through the collector's parser,
 * down into the packet decoder for each sampled header. The input is a
 * run of datagrams (fuzz/datagrams.h). */
#include "fuzz/datagrams.h"
#include "ingest/sflow.h"

enum { MAX_EVENTS = 512 };

static void one(void *ctx, const uint8_t *d, size_t len)
{
    static const struct addr sender = {.family = 4, .b = {127, 0, 0, 1}};
    static struct event out[MAX_EVENTS];
    size_t n = sflow_parse(ctx, &sender, d, len, 0, out, MAX_EVENTS);
    check_events(out, n, MAX_EVENTS, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sflow *sf = sflow_create();
    each_datagram(data, size, one, sf);
    sflow_destroy(sf);
    return 0;
}
