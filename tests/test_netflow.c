/* The collector's parser on hand-made datagrams: v9 and IPFIX templates
 * and data, options records giving the sampling rate, variable-length and
 * enterprise fields skipped, withdrawal, records held until their
 * template comes, sequence gaps, lengths that lie, a flood of templates,
 * and a fuzz finding (a time that overflowed) replayed.
 * usage: test_netflow [FUZZ_FINDING] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ingest/netflow.h"

#define SEC INT64_C(1000000000)
static const int64_t NOW = INT64_C(1700000000) * SEC;
static const struct addr EXPORTER = {.family = 4, .b = {127, 0, 0, 1}};

struct buf {
    uint8_t b[4096];
    size_t n;
};

static void u8(struct buf *b, unsigned v) { b->b[b->n++] = (uint8_t)v; }
static void u16(struct buf *b, unsigned v) { u8(b, v >> 8); u8(b, v); }
static void u32(struct buf *b, uint32_t v) { u16(b, v >> 16); u16(b, v & 0xffff); }
static void put(struct buf *b, const void *p, size_t n) { memcpy(b->b + b->n, p, n); b->n += n; }

/* Patches a 16-bit length at off to cover from start to the end. */
static void close_len(struct buf *b, size_t off, size_t start)
{
    b->b[off] = (uint8_t)((b->n - start) >> 8);
    b->b[off + 1] = (uint8_t)(b->n - start);
}

static void v9_header(struct buf *b, uint32_t seq)
{
    u16(b, 9); u16(b, 2); u32(b, 60000); u32(b, 1700000000); u32(b, seq); u32(b, 7);
}

static void ipfix_header(struct buf *b, uint32_t seq)
{
    u16(b, 10); u16(b, 0); u32(b, 1700000000); u32(b, seq); u32(b, 3);
}

static size_t parse(struct netflow *nf, struct buf *b, struct event *out, size_t max)
{
    return netflow_parse(nf, &EXPORTER, b->b, b->n, NOW, out, max);
}

static void test_v9(void)
{
    struct netflow *nf = netflow_create();
    struct event ev[8];
    /* data before its template: held */
    struct buf d = {0};
    v9_header(&d, 1);
    size_t set = d.n;
    u16(&d, 300); u16(&d, 0);
    put(&d, (uint8_t[]){10, 0, 0, 1, 10, 0, 0, 2, 6}, 9);
    u16(&d, 443); u16(&d, 50000); u32(&d, 7); u32(&d, 1500); u32(&d, 59000); u32(&d, 59500);
    u8(&d, 0x12);
    close_len(&d, set + 2, set);
    CHECK(parse(nf, &d, ev, 8) == 0);
    /* the template, and an options template with the sampling rate */
    struct buf t = {0};
    v9_header(&t, 2);
    set = t.n;
    u16(&t, 0); u16(&t, 0);
    u16(&t, 300); u16(&t, 10);
    const unsigned f[][2] = {{8, 4}, {12, 4}, {4, 1}, {7, 2}, {11, 2}, {2, 4}, {1, 4},
                             {22, 4}, {21, 4}, {6, 1}};
    for (int i = 0; i < 10; i++) {
        u16(&t, f[i][0]);
        u16(&t, f[i][1]);
    }
    close_len(&t, set + 2, set);
    size_t n = parse(nf, &t, ev, 8);
    CHECK(n == 1); /* the held record comes out with its template */
    CHECK(ev[0].src.family == 4 && ev[0].src.b[3] == 1 && ev[0].dst.b[3] == 2);
    CHECK(ev[0].proto == 6 && ev[0].sport == 443 && ev[0].dport == 50000);
    CHECK(ev[0].packets == 7 && ev[0].octets == 1500 && ev[0].tcpflags == 0x12);
    CHECK(ev[0].time_ns == NOW - 1 * SEC && ev[0].end_ns == NOW - SEC / 2);
    CHECK(!(ev[0].flags & EVENT_SCALED));
    /* options: 1 in 100; later records are scaled */
    struct buf o = {0};
    v9_header(&o, 3);
    set = o.n;
    u16(&o, 1); u16(&o, 0);
    u16(&o, 301); u16(&o, 4); u16(&o, 4); u16(&o, 2); u16(&o, 4); u16(&o, 34); u16(&o, 4);
    close_len(&o, set + 2, set);
    set = o.n;
    u16(&o, 301); u16(&o, 0); u32(&o, 1); u32(&o, 100);
    close_len(&o, set + 2, set);
    CHECK(parse(nf, &o, ev, 8) == 0);
    d.b[12] = 0; d.b[15] = 4; /* sequence 4 */
    n = parse(nf, &d, ev, 8);
    CHECK(n == 1 && ev[0].packets == 700 && ev[0].octets == 150000);
    CHECK(ev[0].flags & EVENT_SCALED);
    CHECK(netflow_stats(nf)->lost == 0);
    d.b[15] = 9; /* 5 to 8 never came */
    parse(nf, &d, ev, 8);
    CHECK_EQ_U(netflow_stats(nf)->lost, 4);
    /* a set whose length lies */
    struct buf bad = {0};
    v9_header(&bad, 10);
    u16(&bad, 300); u16(&bad, 400);
    uint64_t before = netflow_stats(nf)->malformed;
    CHECK(parse(nf, &bad, ev, 8) == 0 && netflow_stats(nf)->malformed == before + 1);
    netflow_destroy(nf);
}

static void test_ipfix(void)
{
    struct netflow *nf = netflow_create();
    struct event ev[8];
    struct buf m = {0};
    ipfix_header(&m, 0);
    size_t set = m.n;
    u16(&m, 2); u16(&m, 0);
    u16(&m, 400); u16(&m, 7);
    u16(&m, 27); u16(&m, 16);             /* sourceIPv6Address */
    u16(&m, 28); u16(&m, 16);             /* destinationIPv6Address */
    u16(&m, 4); u16(&m, 1);               /* protocolIdentifier */
    u16(&m, 139); u16(&m, 2);             /* icmpTypeCodeIPv6 */
    u16(&m, 0x8000 | 12); u16(&m, 65535); u32(&m, 29305); /* an enterprise's, varlen */
    u16(&m, 2); u16(&m, 8);               /* packetDeltaCount, 8 bytes */
    u16(&m, 152); u16(&m, 8);             /* flowStartMilliseconds */
    close_len(&m, set + 2, set);
    set = m.n;
    u16(&m, 400); u16(&m, 0);
    uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, z[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
    put(&m, a, 16); put(&m, z, 16); u8(&m, 58); u16(&m, 128 << 8);
    u8(&m, 3); put(&m, "abc", 3);         /* the varlen field: skipped */
    u32(&m, 0); u32(&m, 5);
    uint64_t start_ms = UINT64_C(1700000000000) - 2000;
    u32(&m, (uint32_t)(start_ms >> 32)); u32(&m, (uint32_t)start_ms);
    close_len(&m, set + 2, set);
    close_len(&m, 2, 0);
    size_t n = parse(nf, &m, ev, 8);
    CHECK(n == 1);
    CHECK(ev[0].src.family == 6 && ev[0].src.b[15] == 1 && ev[0].dst.b[15] == 2);
    CHECK(ev[0].proto == 58 && ev[0].sport == 0 && ev[0].dport == 128 << 8);
    CHECK(ev[0].packets == 5 && ev[0].time_ns == NOW - 2 * SEC);

    /* withdrawn: the same data waits for a template again */
    struct buf w = {0};
    ipfix_header(&w, 1);
    u16(&w, 2); u16(&w, 8); u16(&w, 400); u16(&w, 0);
    close_len(&w, 2, 0);
    CHECK(parse(nf, &w, ev, 8) == 0);
    CHECK(parse(nf, &m, ev, 8) == 1); /* its own template came along */

    /* a flood of templates: bounded, and the newest still work */
    for (unsigned id = 500; id < 3500; id++) {
        struct buf t = {0};
        ipfix_header(&t, 2);
        u16(&t, 2); u16(&t, 12); u16(&t, (uint16_t)id); u16(&t, 1); u16(&t, 8); u16(&t, 4);
        close_len(&t, 2, 0);
        parse(nf, &t, ev, 8);
    }
    struct buf d = {0};
    ipfix_header(&d, 3);
    u16(&d, 3499); u16(&d, 8); put(&d, (uint8_t[]){192, 0, 2, 9}, 4);
    close_len(&d, 2, 0);
    n = parse(nf, &d, ev, 8);
    CHECK(n == 1 && ev[0].src.b[0] == 192 && ev[0].src.b[3] == 9);

    /* a huge field count, and a message length that lies */
    uint64_t before = netflow_stats(nf)->malformed;
    struct buf huge = {0};
    ipfix_header(&huge, 4);
    u16(&huge, 2); u16(&huge, 8); u16(&huge, 600); u16(&huge, 60000);
    close_len(&huge, 2, 0);
    parse(nf, &huge, ev, 8);
    struct buf lie = {0};
    ipfix_header(&lie, 5);
    lie.b[2] = 0x7f;
    parse(nf, &lie, ev, 8);
    CHECK_EQ_U(netflow_stats(nf)->malformed, before + 2);
    netflow_destroy(nf);
}

int main(int argc, char **argv)
{
    test_v9();
    test_ipfix();
    if (argc > 1) { /* a fuzz finding: must parse without a sanitizer report */
        FILE *f = fopen(argv[1], "rb");
        CHECK(f != NULL);
        if (f) {
            static uint8_t d[65536];
            size_t n = fread(d, 1, sizeof(d), f);
            fclose(f);
            struct netflow *nf = netflow_create();
            static struct event out[512];
            for (size_t off = 0; off + 2 <= n;) {
                size_t len = (size_t)d[off] << 8 | d[off + 1];
                off += 2;
                if (len > n - off)
                    len = n - off;
                netflow_parse(nf, &EXPORTER, d + off, len, NOW, out, 512);
                off += len;
            }
            netflow_destroy(nf);
        }
    }
    return check_done("netflow");
}
