/* flow-tools reading from hand-built files: the version 1 stream header
 * and its compat records (flow-tools 0.68 no longer writes them, so the
 * shared data has none) in both byte orders, and a version 3 header with
 * an unknown TLV and alignment padding. Real files are covered by
 * golden_flowtools.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ingest/source.h"

static void put32(uint8_t *p, uint32_t v, bool be)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(be ? v >> (24 - 8 * i) : v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v, bool be)
{
    p[0] = (uint8_t)(be ? v >> 8 : v);
    p[1] = (uint8_t)(be ? v : v >> 8);
}

static char *write_temp(const uint8_t *p, size_t n)
{
    char *path = strdup("/tmp/flowswarm-test-XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "wb");
    fwrite(p, 1, n, f);
    fclose(f);
    return path;
}

static void test_stream_v1(bool be)
{
    uint8_t file[360 + 2 * 60];
    memset(file, 0, sizeof(file));
    file[0] = 0xcf;
    file[1] = 0x10;
    file[2] = be ? 2 : 1;
    file[3] = 1;
    put16(file + 4, 5, be);  /* export version 5 */
    put32(file + 16, 1, be); /* done */
    put32(file + 24, 2, be); /* two flows */
    for (int i = 0; i < 2; i++) {
        uint8_t *r = file + 360 + 60 * i;
        put32(r + 0, 1262304000u + (uint32_t)i, be); /* unix_secs */
        put32(r + 4, 250, be);                      /* unix_msecs */
        put32(r + 8, 0x0a000001u, be);              /* 10.0.0.1 */
        put32(r + 12, 0xc0a80102u, be);             /* 192.168.1.2 */
        put32(r + 24, 7, be);                       /* dPkts */
        put32(r + 28, 4200, be);                    /* dOctets */
        put32(r + 32, 1500, be);                    /* First */
        put32(r + 36, 2500, be);                    /* Last */
        put16(r + 40, 51000, be);
        put16(r + 42, 443, be);
        r[46] = 6;    /* prot */
        r[48] = 0x1b; /* tcp flags */
    }
    char *path = write_temp(file, sizeof(file));
    char err[256];
    struct source *s = source_open(path, NULL, err, sizeof(err));
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK(source_kind(s)->flows);
    struct event ev;
    int n = 0;
    while (source_next(s, &ev)) {
        /* sysUpTime is 0 in a v1 stream: start = unix time + First */
        CHECK(ev.time_ns == (1262304000 + n + 1) * INT64_C(1000000000) + 750000000);
        CHECK(ev.end_ns == (1262304000 + n + 2) * INT64_C(1000000000) + 750000000);
        CHECK(ev.src.family == 4 && ev.src.b[0] == 10 && ev.src.b[3] == 1);
        CHECK(ev.dst.b[0] == 192 && ev.dst.b[3] == 2);
        CHECK_EQ_U(ev.packets, 7);
        CHECK_EQ_U(ev.octets, 4200);
        CHECK_EQ_U(ev.sport, 51000);
        CHECK_EQ_U(ev.dport, 443);
        CHECK_EQ_U(ev.proto, 6);
        CHECK_EQ_U(ev.tcpflags, 0x1b);
        n++;
    }
    CHECK_EQ_U(n, 2);
    CHECK(!source_stats(s)->damaged);
    source_destroy(s);
    remove(path);
    free(path);
}

static void test_stream_v3_tlvs(void)
{
    /* header: gen(4) off(4) TLVs: unknown 0x77 (3 bytes), EX_VER 7,
     * FLAGS 0, then 2 bytes of padding; one v7 record (68 bytes) */
    uint8_t file[8 + 7 + 6 + 8 + 2 + 68];
    memset(file, 0, sizeof(file));
    size_t hlen = 8 + 7 + 6 + 8 + 2;
    file[0] = 0xcf;
    file[1] = 0x10;
    file[2] = 1;
    file[3] = 3;
    put32(file + 4, (uint32_t)hlen, false);
    uint8_t *t = file + 8;
    put16(t, 0x77, false);
    put16(t + 2, 3, false);
    t += 7;
    put16(t, 0x2, false);
    put16(t + 2, 2, false);
    put16(t + 4, 7, false);
    t += 6;
    put16(t, 0x8, false);
    put16(t + 2, 4, false);
    uint8_t *r = file + hlen;
    put32(r + 0, 1000, false);     /* unix_secs */
    put32(r + 8, 2000, false);     /* sysUpTime 2 s */
    put32(r + 16, 0x01020304u, false);
    put32(r + 20, 0x05060708u, false);
    put32(r + 32, 3, false);
    put32(r + 36, 300, false);
    put32(r + 40, 500, false);     /* First: 1.5 s before export */
    put32(r + 44, 1500, false);
    r[52] = 17;
    char *path = write_temp(file, sizeof(file));
    char err[256];
    struct source *s = source_open(path, NULL, err, sizeof(err));
    CHECK(s != NULL);
    if (s) {
        struct event ev;
        CHECK(source_next(s, &ev));
        CHECK(ev.time_ns == 998500000000);
        CHECK(ev.end_ns == 999500000000);
        CHECK(ev.src.b[0] == 1 && ev.dst.b[3] == 8);
        CHECK_EQ_U(ev.proto, 17);
        CHECK(!source_next(s, &ev));
        CHECK(!source_stats(s)->damaged);
        source_destroy(s);
    } else {
        fprintf(stderr, "%s\n", err);
    }
    remove(path);
    free(path);
}

int main(void)
{
    test_stream_v1(false);
    test_stream_v1(true);
    test_stream_v3_tlvs();
    return check_done("flowfile");
}
