/* sFlow version 5 datagrams (sflow.org's sFlow Version 5 specification):
 * flow samples and expanded flow samples carry the first bytes of a
 * sampled packet ("raw packet header" records), which the packet decoder
 * reads as it reads a capture; packets and octets are then scaled by the
 * sample's rate. Counter samples and other records are skipped. XDR:
 * every field is a big-endian 32-bit word, opaque data padded to four. */
#include "ingest/sflow.h"

#include <string.h>

#include "base/cursor.h"
#include "base/xalloc.h"
#include "ingest/decode.h"

enum {
    MAX_AGENTS = 256,
    FLOW_SAMPLE = 1,
    FLOW_SAMPLE_EXPANDED = 3,
    RAW_HEADER = 1,
    PROTO_ETHERNET = 1,
    PROTO_IPV4 = 11,
    PROTO_IPV6 = 12,
    DLT_EN10MB_ = 1,
    DLT_IPV4_ = 228,
    DLT_IPV6_ = 229,
};

struct agent {
    struct addr addr;
    uint32_t sub_id;
    bool seq_known;
    uint32_t next_seq;
    int64_t used_ns;
};

struct sflow {
    struct agent agents[MAX_AGENTS];
    struct sflow_stats stats;
};

struct sflow *sflow_create(void)
{
    return xcalloc(1, sizeof(struct sflow));
}

void sflow_destroy(struct sflow *sf)
{
    free(sf);
}

const struct sflow_stats *sflow_stats(const struct sflow *sf)
{
    return &sf->stats;
}

bool sflow_sniff(const uint8_t *d, size_t len)
{
    return len >= 8 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 5;
}

/* Datagrams lost between this one and the agent's last. */
static void sequence(struct sflow *sf, const struct addr *a, uint32_t sub, uint32_t seq,
                     int64_t now)
{
    struct agent *slot = &sf->agents[0];
    for (int i = 0; i < MAX_AGENTS; i++) {
        struct agent *g = &sf->agents[i];
        if (g->used_ns && g->sub_id == sub && addr_equal(&g->addr, a)) {
            slot = g;
            break;
        }
        if (g->used_ns < slot->used_ns)
            slot = g;
    }
    if (!(slot->used_ns && slot->sub_id == sub && addr_equal(&slot->addr, a)))
        *slot = (struct agent){.addr = *a, .sub_id = sub};
    uint32_t gap = seq - slot->next_seq;
    if (slot->seq_known && gap && gap < UINT32_C(1) << 30)
        sf->stats.lost += gap;
    slot->seq_known = true;
    slot->next_seq = seq + 1;
    slot->used_ns = now;
}

/* A raw packet header record into an event, scaled by rate. */
static bool raw_header(struct sflow *sf, struct cursor *c, uint32_t rate, int64_t now,
                       struct event *ev)
{
    uint32_t proto = cur_u32be(c), frame_len = cur_u32be(c);
    cur_skip(c, 4); /* bytes stripped from the frame's end */
    uint32_t hlen = cur_u32be(c);
    const uint8_t *h = cur_bytes(c, hlen);
    if (!h)
        return false;
    int dlt = proto == PROTO_ETHERNET ? DLT_EN10MB_
              : proto == PROTO_IPV4   ? DLT_IPV4_
              : proto == PROTO_IPV6   ? DLT_IPV6_
                                      : -1;
    if (dlt < 0) {
        sf->stats.not_ip++;
        return false;
    }
    enum decode_status ds = decode_packet(dlt, h, hlen, frame_len, ev);
    if (ds != DECODE_OK) {
        sf->stats.not_ip++;
        return false;
    }
    ev->time_ns = ev->end_ns = now; /* samples carry no time of their own */
    if (rate > 1) {
        ev->packets = rate;
        ev->octets *= rate;
        ev->flags |= EVENT_SCALED;
    }
    return true;
}

/* The records of one flow sample. */
static size_t flow_sample(struct sflow *sf, struct cursor *c, bool expanded, int64_t now,
                          struct event *out, size_t max)
{
    cur_skip(c, expanded ? 12 : 8); /* sequence; source id (expanded: type, index) */
    uint32_t rate = cur_u32be(c);
    cur_skip(c, 4); /* the sample pool */
    sf->stats.dropped += cur_u32be(c);
    cur_skip(c, expanded ? 16 : 8); /* input and output interfaces */
    uint32_t nrec = cur_u32be(c);
    size_t n = 0;
    for (uint32_t i = 0; i < nrec && !c->err; i++) {
        uint32_t format = cur_u32be(c), len = cur_u32be(c);
        if (len > cur_left(c)) {
            sf->stats.malformed++; /* a record longer than the sample */
            break;
        }
        struct cursor rec = cur_sub(c, (len + 3) & ~UINT32_C(3));
        if (format != RAW_HEADER || n == max)
            continue;
        if (raw_header(sf, &rec, rate, now, &out[n]))
            n++;
        else if (rec.err)
            sf->stats.malformed++;
    }
    return n;
}

size_t sflow_parse(struct sflow *sf, const struct addr *from, const uint8_t *d, size_t len,
                   int64_t now_ns, struct event *out, size_t max)
{
    struct cursor c = cur_make(d, len);
    if (!sflow_sniff(d, len))
        return 0;
    sf->stats.datagrams++;
    cur_skip(&c, 4);
    uint32_t atype = cur_u32be(&c);
    struct addr agent = {.family = atype == 2 ? 6 : 4};
    const uint8_t *a = cur_bytes(&c, atype == 2 ? 16 : 4);
    if (atype != 1 && atype != 2)
        c.err = true;
    if (a)
        memcpy(agent.b, a, atype == 2 ? 16 : 4);
    uint32_t sub = cur_u32be(&c), seq = cur_u32be(&c);
    cur_skip(&c, 4); /* uptime */
    uint32_t nsamples = cur_u32be(&c);
    if (c.err) {
        sf->stats.malformed++;
        return 0;
    }
    sequence(sf, agent.family ? &agent : from, sub, seq, now_ns);
    size_t n = 0;
    for (uint32_t i = 0; i < nsamples && !c.err; i++) {
        uint32_t format = cur_u32be(&c), slen = cur_u32be(&c);
        if (c.err || slen > cur_left(&c)) {
            sf->stats.malformed++; /* a sample longer than the datagram */
            break;
        }
        struct cursor s = cur_sub(&c, slen);
        if (format == FLOW_SAMPLE || format == FLOW_SAMPLE_EXPANDED)
            n += flow_sample(sf, &s, format == FLOW_SAMPLE_EXPANDED, now_ns, out + n, max - n);
    }
    sf->stats.samples += n;
    return n;
}
