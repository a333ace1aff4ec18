/* libFuzzer target: the collector's datagram parser (NetFlow v5, v9,
 * IPFIX). The input is a run of datagrams (fuzz/datagrams.h) from one or
 * two exporters, a second apart, so templates, options and records held
 * for a template carry from one to the next. */
#include "fuzz/datagrams.h"
#include "ingest/netflow.h"

enum { MAX_EVENTS = 512 };

struct run {
    struct netflow *nf;
    int64_t now;
};

static void one(void *ctx, const uint8_t *d, size_t len)
{
    static const struct addr exporters[2] = {{.family = 4, .b = {127, 0, 0, 1}},
                                             {.family = 6, .b = {[15] = 1}}};
    static struct event out[MAX_EVENTS];
    struct run *r = ctx;
    size_t n = netflow_parse(r->nf, &exporters[len & 1], d, len, r->now, out, MAX_EVENTS);
    check_events(out, n, MAX_EVENTS, false);
    r->now += 1000000000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct run r = {netflow_create(), INT64_C(1700000000) * 1000000000};
    each_datagram(data, size, one, &r);
    netflow_destroy(r.nf);
    return 0;
}
