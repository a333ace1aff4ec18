/* A loopback blaster for collector benchmarks: IPFIX or sFlow v5
 * datagrams to 127.0.0.1:PORT at RATE flows (or samples) per second for
 * SECONDS, paced every millisecond. Prints how many it sent.
 *
 *   bench_blast ipfix|sflow PORT RATE SECONDS [DOMAINS]
 *
 * IPFIX: a template (re-sent every second), then data sets of 30 IPv4
 * records, each a distinct host pair; with DOMAINS, that many observation
 * domains in turn, each with its template (as many exporters would). sFlow: flow samples of 10 per
 * datagram, each an Ethernet/IPv4/TCP header sampled 1 in 1. Driven by
 * collector_rate.py. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

enum { IPFIX_RECS = 30, IPFIX_REC_LEN = 45, SFLOW_SAMPLES = 10, SFLOW_SAMPLE_LEN = 120 };

static uint8_t *put16(uint8_t *p, uint16_t v)
{
    v = htons(v);
    memcpy(p, &v, 2);
    return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
    v = htonl(v);
    memcpy(p, &v, 4);
    return p + 4;
}

static uint8_t *put64(uint8_t *p, uint64_t v)
{
    p = put32(p, (uint32_t)(v >> 32));
    return put32(p, (uint32_t)v);
}

/* The template: addresses, ports, protocol, packets, octets, start, end. */
static size_t ipfix_template(uint8_t *d, uint32_t seq, uint32_t domain)
{
    static const uint16_t f[][2] = {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1},
                                    {2, 8}, {1, 8}, {152, 8}, {153, 8}};
    size_t n = sizeof(f) / sizeof(f[0]), len = 16 + 4 + 4 + n * 4;
    uint8_t *p = put16(d, 10);
    p = put16(p, (uint16_t)len);
    p = put32(p, (uint32_t)time(NULL));
    p = put32(p, seq);
    p = put32(p, domain);
    p = put16(p, 2);                 /* template set */
    p = put16(p, (uint16_t)(len - 16));
    p = put16(p, 256);
    p = put16(p, (uint16_t)n);
    for (size_t i = 0; i < n; i++) {
        p = put16(p, f[i][0]);
        p = put16(p, f[i][1]);
    }
    return len;
}

static size_t ipfix_data(uint8_t *d, uint32_t seq, uint32_t domain, uint32_t *host)
{
    size_t len = 16 + 4 + IPFIX_RECS * IPFIX_REC_LEN;
    uint64_t ms = (uint64_t)time(NULL) * 1000;
    uint8_t *p = put16(d, 10);
    p = put16(p, (uint16_t)len);
    p = put32(p, (uint32_t)time(NULL));
    p = put32(p, seq);
    p = put32(p, domain);
    p = put16(p, 256);
    p = put16(p, (uint16_t)(len - 16));
    for (int r = 0; r < IPFIX_RECS; r++, (*host)++) {
        p = put32(p, 0x0a000000u + (*host & 0xffff));
        p = put32(p, 0x0b000000u + (*host >> 4 & 0xffff));
        p = put16(p, (uint16_t)(1024 + *host % 60000));
        p = put16(p, 443);
        *p++ = 6;
        p = put64(p, 10);
        p = put64(p, 12000);
        p = put64(p, ms - 1000);
        p = put64(p, ms);
    }
    return len;
}

static size_t sflow_datagram(uint8_t *d, uint32_t seq, uint32_t *host)
{
    uint8_t *p = put32(d, 5);
    p = put32(p, 1);           /* agent address: IPv4 */
    p = put32(p, 0x7f000001);
    p = put32(p, 0);           /* sub-agent */
    p = put32(p, seq);
    p = put32(p, seq * 10);    /* uptime, ms */
    p = put32(p, SFLOW_SAMPLES);
    for (int s = 0; s < SFLOW_SAMPLES; s++, (*host)++) {
        p = put32(p, 1);       /* flow sample */
        p = put32(p, SFLOW_SAMPLE_LEN - 8);
        p = put32(p, seq * SFLOW_SAMPLES + (uint32_t)s);
        p = put32(p, 1);       /* source id */
        p = put32(p, 1);       /* sampling rate */
        p = put32(p, seq * SFLOW_SAMPLES + (uint32_t)s);
        p = put32(p, 0);       /* drops */
        p = put32(p, 1);       /* input */
        p = put32(p, 2);       /* output */
        p = put32(p, 1);       /* records */
        p = put32(p, 1);       /* raw packet header */
        p = put32(p, 16 + 56);
        p = put32(p, 1);       /* Ethernet */
        p = put32(p, 1514);    /* frame length */
        p = put32(p, 4);       /* stripped */
        p = put32(p, 54);      /* header length */
        uint8_t *h = p;
        memset(h, 0, 56);
        h[12] = 0x08;          /* IPv4 */
        uint8_t *ip = h + 14;
        ip[0] = 0x45;
        put16(ip + 2, 1500);
        ip[8] = 64;
        ip[9] = 6;
        put32(ip + 12, 0x0a000000u + (*host & 0xffff));
        put32(ip + 16, 0x0b000000u + (*host >> 4 & 0xffff));
        uint8_t *tcp = ip + 20;
        put16(tcp, (uint16_t)(1024 + *host % 60000));
        put16(tcp + 2, 443);
        tcp[12] = 0x50;
        tcp[13] = 0x10;
        p += 56;
    }
    return (size_t)(p - d);
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6 || (strcmp(argv[1], "ipfix") && strcmp(argv[1], "sflow"))) {
        fprintf(stderr, "usage: bench_blast ipfix|sflow PORT RATE SECONDS [DOMAINS]\n");
        return 2;
    }
    bool sflow = strcmp(argv[1], "sflow") == 0;
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    uint32_t domains = argc == 6 ? (uint32_t)atoi(argv[5]) : 1;
    if (domains < 1)
        domains = 1;
    uint32_t *dseq = calloc(domains, sizeof(*dseq)); /* records sent, per domain */
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int per = sflow ? SFLOW_SAMPLES : IPFIX_RECS;
    enum { BURST = 64 };
    static uint8_t bufs[BURST][1500];
    struct iovec iov[BURST];
    struct mmsghdr msgs[BURST];
    uint32_t seq = 0, host = 0;
    unsigned long sent = 0, datagrams = 0;
    double t0 = now(), owed = 0, last_template = -1;
    for (unsigned long tick = 0;; tick++) {
        double t = t0 + (double)tick / 1000.0;
        if (t - t0 >= seconds)
            break;
        struct timespec ts = {.tv_sec = (time_t)t, .tv_nsec = (long)((t - floor(t)) * 1e9)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        if (!sflow && t - last_template >= 1.0) {
            for (uint32_t k = 0; k < domains; k++) {
                size_t n = ipfix_template(bufs[0], dseq[k], k + 1);
                sendto(fd, bufs[0], n, 0, (struct sockaddr *)&dst, sizeof(dst));
            }
            last_template = t;
        }
        owed += rate / 1000.0 / per; /* datagrams due this tick */
        while (owed >= 1) {
            unsigned k = owed < BURST ? (unsigned)owed : BURST;
            for (unsigned i = 0; i < k; i++) {
                uint32_t k = seq % domains;
                size_t n = sflow ? sflow_datagram(bufs[i], seq, &host)
                                 : ipfix_data(bufs[i], dseq[k], k + 1, &host);
                dseq[k] += IPFIX_RECS;
                seq++;
                iov[i] = (struct iovec){bufs[i], n};
                msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &dst,
                                                       .msg_namelen = sizeof(dst),
                                                       .msg_iov = &iov[i], .msg_iovlen = 1}};
            }
            int m = sendmmsg(fd, msgs, k, 0);
            if (m <= 0) {
                perror("bench_blast: sendmmsg");
                return 1;
            }
            datagrams += (unsigned)m;
            sent += (unsigned long)m * (unsigned long)per;
            owed -= m;
        }
    }
    double took = now() - t0;
    printf("%lu %lu %.3f\n", sent, datagrams, took);
    close(fd);
    free(dseq);
    return 0;
}
