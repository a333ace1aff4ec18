/* Packet decode: hand-built frames for the edge cases the RFCs define,
 * and every prefix of every packet of real captures, which must decode
 * to a clean status and never read past the bytes given (run it under
 * FLOWSWARM_SANITIZE=address to make that last part bite). */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ingest/decode.h"

/* Ethernet + IPv4 header with the given fields, then payload. */
static size_t ipv4_frame(uint8_t *buf, uint8_t proto, uint16_t totlen, uint16_t frag,
                         const uint8_t *payload, size_t plen)
{
    static const uint8_t eth[14] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00};
    memcpy(buf, eth, 14);
    uint8_t *ip = buf + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(totlen >> 8);
    ip[3] = (uint8_t)totlen;
    ip[6] = (uint8_t)(frag >> 8);
    ip[7] = (uint8_t)frag;
    ip[8] = 64;
    ip[9] = proto;
    const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {192, 168, 1, 2};
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    memcpy(ip + 20, payload, plen);
    return 14 + 20 + plen;
}

static void test_ipv4_cases(void)
{
    uint8_t buf[256];
    struct event ev;
    const uint8_t tcp[20] = {0x01, 0xbb, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x12};
    size_t n = ipv4_frame(buf, 6, 1500, 0x4000, tcp, sizeof(tcp));
    CHECK(decode_packet(1, buf, (uint32_t)n, 1514, &ev) == DECODE_OK);
    CHECK_EQ_U(ev.sport, 443);
    CHECK_EQ_U(ev.dport, 50000);
    CHECK_EQ_U(ev.tcpflags, 0x12);
    CHECK_EQ_U(ev.octets, 1500); /* the IP total length, not the capture */
    CHECK(ev.src.family == 4 && ev.src.b[0] == 10 && ev.dst.b[3] == 2);

    /* A later fragment: octets counted, no ports (its bytes are not a
     * transport header). */
    n = ipv4_frame(buf, 17, 1000, 0x00b9, tcp, sizeof(tcp));
    CHECK(decode_packet(1, buf, (uint32_t)n, 1014, &ev) == DECODE_OK);
    CHECK_EQ_U(ev.octets, 1000);
    CHECK_EQ_U(ev.sport, 0);
    CHECK_EQ_U(ev.dport, 0);

    /* ICMP echo request: NetFlow's dport = type * 256 + code. */
    const uint8_t icmp[8] = {8, 0, 0, 0, 0, 1, 0, 1};
    n = ipv4_frame(buf, 1, 28, 0, icmp, sizeof(icmp));
    CHECK(decode_packet(1, buf, (uint32_t)n, (uint32_t)n, &ev) == DECODE_OK);
    CHECK_EQ_U(ev.dport, 0x0800);
    CHECK_EQ_U(ev.sport, 0);

    /* Zero total length (segmentation offload): the frame's length. */
    n = ipv4_frame(buf, 6, 0, 0, tcp, sizeof(tcp));
    CHECK(decode_packet(1, buf, (uint32_t)n, 9014, &ev) == DECODE_OK);
    CHECK_EQ_U(ev.octets, 9000);

    /* Header length below 20: malformed. */
    n = ipv4_frame(buf, 6, 40, 0, tcp, sizeof(tcp));
    buf[14] = 0x44;
    CHECK(decode_packet(1, buf, (uint32_t)n, (uint32_t)n, &ev) == DECODE_MALFORMED);

    /* ARP is not IP. */
    buf[12] = 0x08;
    buf[13] = 0x06;
    CHECK(decode_packet(1, buf, (uint32_t)n, (uint32_t)n, &ev) == DECODE_NOT_IP);
}

static void test_ipv6_chain(void)
{
    /* Raw IPv6: hop-by-hop with a jumbo option, then a first fragment,
     * then UDP 5353 -> 53. */
    uint8_t p[40 + 8 + 8 + 8];
    memset(p, 0, sizeof(p));
    p[0] = 0x60;
    p[6] = 0; /* next: hop-by-hop */
    p[8] = 0x20;
    p[8 + 15] = 1;
    p[24] = 0x20;
    p[24 + 15] = 2;
    uint8_t *hbh = p + 40;
    hbh[0] = 44; /* next: fragment */
    hbh[1] = 0;  /* 8 bytes */
    hbh[2] = 0xc2;
    hbh[3] = 4;
    hbh[4] = 0;
    hbh[5] = 1;
    hbh[6] = 0;
    hbh[7] = 0; /* jumbo payload length 65536 */
    uint8_t *frag = p + 48;
    frag[0] = 17;
    frag[3] = 1; /* offset 0, more fragments */
    uint8_t *udp = p + 56;
    udp[0] = 0x14;
    udp[1] = 0xe9;
    udp[2] = 0;
    udp[3] = 53;
    struct event ev;
    CHECK(decode_packet(12, p, sizeof(p), sizeof(p), &ev) == DECODE_OK);
    CHECK(ev.src.family == 6 && ev.src.b[15] == 1 && ev.dst.b[15] == 2);
    CHECK_EQ_U(ev.proto, 17);
    CHECK_EQ_U(ev.sport, 5353);
    CHECK_EQ_U(ev.dport, 53);
    CHECK_EQ_U(ev.octets, 40 + 65536); /* RFC 2675 */

    /* The same as a later fragment: protocol known, ports not. */
    frag[2] = 0x01;
    frag[3] = 0x00;
    CHECK(decode_packet(12, p, sizeof(p), sizeof(p), &ev) == DECODE_OK);
    CHECK_EQ_U(ev.proto, 17);
    CHECK_EQ_U(ev.sport, 0);
}

/* Every prefix of every packet: a clean status, the same addresses and
 * octets as the full packet when the prefix reaches them (the protocol may
 * differ: a chain of IPv6 extension headers cut short names the last
 * header it reached). */
static void test_prefixes(const char *path)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, errbuf);
    if (!p) {
        fprintf(stderr, "%s: %s\n", path, errbuf);
        CHECK(p != NULL);
        return;
    }
    int dlt = pcap_datalink(p);
    struct pcap_pkthdr *h;
    const u_char *data;
    unsigned long packets = 0, ok = 0;
    bool consistent = true;
    while (pcap_next_ex(p, &h, &data) == 1) {
        packets++;
        struct event full, part;
        enum decode_status fs = decode_packet(dlt, data, h->caplen, h->len, &full);
        ok += fs == DECODE_OK;
        for (uint32_t len = 0; len < h->caplen; len++) {
            /* a private copy of exactly len bytes, so a sanitizer sees
             * any read past it */
            uint8_t *copy = malloc(len ? len : 1);
            memcpy(copy, data, len);
            enum decode_status ps = decode_packet(dlt, copy, len, h->len, &part);
            free(copy);
            if (ps == DECODE_OK && fs == DECODE_OK &&
                !(addr_equal(&part.src, &full.src) && addr_equal(&part.dst, &full.dst) &&
                  part.octets == full.octets)) {
                if (consistent)
                    fprintf(stderr, "%s: packet %lu cut to %u bytes decodes differently\n",
                            path, packets, len);
                consistent = false;
            }
        }
    }
    pcap_close(p);
    printf("  %s: %lu packets, %lu decoded\n", path, packets, ok);
    CHECK(packets > 0);
    CHECK(consistent);
}

int main(int argc, char **argv)
{
    test_ipv4_cases();
    test_ipv6_chain();
    for (int i = 1; i < argc; i++)
        test_prefixes(argv[i]);
    if (argc == 1)
        printf("decode: no captures given; real-capture prefix checks skipped\n");
    return check_done("decode");
}
