/* NetFlow and IPFIX datagrams. Layouts: Cisco's NetFlow v5 export format
 * (24-byte header, 48-byte records), RFC 3954 (v9: template flowset 0,
 * options template flowset 1, data flowsets from 256) and RFC 7011
 * (IPFIX: sets 2 and 3, enterprise bit, variable-length fields, reduced-
 * size integers). Field numbers are IANA's IPFIX information elements,
 * which v9's field types share. Every byte is read through the cursor. */
#include "ingest/netflow.h"

#include <stdint.h>
#include <string.h>

#include "base/cursor.h"
#include "base/xalloc.h"

enum {
    MAX_TEMPLATES = 1024, /* all exporters together; the oldest makes room */
    MAX_FIELDS = 128,     /* a template with more is refused */
    MAX_EXPORTERS = 256,
    TEMPLATE_INDEX = 2 * MAX_TEMPLATES, /* hash slots: at most half full */
    EXPORTER_INDEX = 2 * MAX_EXPORTERS,
    MAX_HELD = 64,        /* data sets waiting for their template */
    HELD_MAX_LEN = 8192,
    V5_HEADER = 24,
    V5_RECORD = 48,
    V9_HEADER = 20,
    IPFIX_HEADER = 16,
    VARLEN = 65535,
};

#define SEC INT64_C(1000000000)
#define HOLD_NS (10 * SEC)
#define DELTA_MAX_US (UINT64_C(1) << 40) /* 12 days before the export */

struct field {
    uint16_t type, len; /* len VARLEN: variable (IPFIX) */
    bool enterprise;    /* a vendor's element: skipped */
};

struct template {
    struct addr exporter;
    uint32_t domain; /* v9 source id, IPFIX observation domain */
    uint16_t id;
    uint8_t version;
    bool options;
    uint16_t nfields;
    int64_t used_ns;
    struct field fields[MAX_FIELDS];
};

struct exporter {
    struct addr addr;
    uint32_t domain;
    uint8_t version;
    bool seq_known;
    uint32_t next_seq;
    uint32_t last_seq, last_flows; /* IPFIX: the last message's */
    uint32_t sampling;  /* from an options record; 0: not sampled */
    int64_t sys_init_ns; /* IPFIX systemInitTimeMilliseconds; 0: unknown */
    int64_t used_ns;
};

struct held {
    struct addr exporter;
    uint32_t domain;
    uint8_t version;
    uint16_t set_id;
    int64_t arrived_ns;
    uint32_t export_secs, uptime_ms; /* the header's times */
    size_t len;
    uint8_t *data;
};

/* The header fields a record's times are relative to. */
struct context {
    const struct addr *exporter;
    uint32_t domain;
    uint8_t version;
    uint32_t export_secs, uptime_ms;
    int64_t now_ns;
};

struct netflow {
    struct template *templates; /* MAX_TEMPLATES; id 0: free */
    struct exporter exporters[MAX_EXPORTERS]; /* version 0: free */
    /* Open-addressing indexes by key (linear probing): the slot + 1, 0
     * empty. A key replaced or withdrawn makes an index stale, and it is
     * built again at the next lookup. */
    uint16_t template_index[TEMPLATE_INDEX], exporter_index[EXPORTER_INDEX];
    bool templates_stale, exporters_stale;
    struct held held[MAX_HELD];
    struct netflow_stats stats;
};

/* What a data record says, field by field. */
struct record {
    uint8_t src[16], dst[16];
    bool v4src, v4dst, v6src, v6dst;
    uint64_t packets, octets;
    uint16_t sport, dport, icmp;
    uint8_t proto, flags;
    bool have_icmp;
    int64_t first_ns, last_ns; /* absolute; INT64_MIN: not given */
    uint32_t first_up, last_up; /* sysUpTime ms */
    bool have_up;
    int64_t first_delta_us, last_delta_us; /* IPFIX delta from export time */
    bool have_delta;
    uint64_t sampling;
    uint64_t pkt_interval, pkt_space; /* RFC 5477: n sampled, then m skipped */
    int64_t sys_init_ns;
};

struct netflow *netflow_create(void)
{
    struct netflow *nf = xcalloc(1, sizeof(*nf));
    nf->templates = xcalloc(MAX_TEMPLATES, sizeof(*nf->templates));
    return nf;
}

void netflow_destroy(struct netflow *nf)
{
    if (!nf)
        return;
    for (int i = 0; i < MAX_HELD; i++)
        free(nf->held[i].data);
    free(nf->templates);
    free(nf);
}

const struct netflow_stats *netflow_stats(const struct netflow *nf)
{
    return &nf->stats;
}

bool netflow_sniff(const uint8_t *d, size_t len)
{
    if (len < 4)
        return false;
    unsigned v = (unsigned)d[0] << 8 | d[1];
    return v == 5 || v == 9 || v == 10;
}

/* FNV-1a over what names an exporter, or a template (id 0: none). */
static uint32_t key_hash(const struct context *cx, uint16_t id)
{
    uint8_t key[16 + 1 + 4 + 1 + 2];
    memcpy(key, cx->exporter->b, 16);
    key[16] = cx->exporter->family;
    memcpy(key + 17, &cx->domain, 4);
    key[21] = cx->version;
    memcpy(key + 22, &id, 2);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof(key); i++)
        h = (h ^ key[i]) * 16777619u;
    return h;
}

static bool exporter_is(const struct exporter *e, const struct context *cx)
{
    return e->version == cx->version && e->domain == cx->domain &&
           addr_equal(&e->addr, cx->exporter);
}

/* Puts slot + 1 in the first empty place from the key's hash. */
static void index_put(uint16_t *index, size_t size, uint32_t hash, size_t slot)
{
    size_t h = hash & (size - 1);
    while (index[h])
        h = (h + 1) & (size - 1);
    index[h] = (uint16_t)(slot + 1);
}

static void index_exporters(struct netflow *nf)
{
    memset(nf->exporter_index, 0, sizeof(nf->exporter_index));
    for (size_t i = 0; i < MAX_EXPORTERS; i++) {
        const struct exporter *e = &nf->exporters[i];
        if (e->version)
            index_put(nf->exporter_index, EXPORTER_INDEX,
                      key_hash(&(struct context){.exporter = &e->addr, .domain = e->domain,
                                                 .version = e->version},
                               0),
                      i);
    }
    nf->exporters_stale = false;
}

static struct exporter *exporter_for(struct netflow *nf, const struct context *cx)
{
    if (nf->exporters_stale)
        index_exporters(nf);
    for (size_t h = key_hash(cx, 0) & (EXPORTER_INDEX - 1); nf->exporter_index[h];
         h = (h + 1) & (EXPORTER_INDEX - 1)) {
        struct exporter *e = &nf->exporters[nf->exporter_index[h] - 1];
        if (exporter_is(e, cx)) {
            e->used_ns = cx->now_ns;
            return e;
        }
    }
    struct exporter *oldest = &nf->exporters[0]; /* a free one has used_ns 0 */
    for (int i = 0; i < MAX_EXPORTERS; i++)
        if (nf->exporters[i].used_ns < oldest->used_ns)
            oldest = &nf->exporters[i];
    nf->exporters_stale |= oldest->version != 0;
    memset(oldest, 0, sizeof(*oldest));
    oldest->addr = *cx->exporter;
    oldest->domain = cx->domain;
    oldest->version = cx->version;
    oldest->used_ns = cx->now_ns;
    if (!nf->exporters_stale)
        index_put(nf->exporter_index, EXPORTER_INDEX, key_hash(cx, 0),
                  (size_t)(oldest - nf->exporters));
    return oldest;
}

/* Counts what a sequence number says was lost; advance: what this
 * datagram adds to it (records for v5 and IPFIX, 1 for v9). */
static void sequence(struct netflow *nf, struct exporter *e, uint32_t seq, uint32_t advance)
{
    if (e->seq_known && seq != e->next_seq) {
        uint32_t gap = seq - e->next_seq;
        if (gap < UINT32_C(1) << 30) /* else a restart or a late datagram */
            nf->stats.lost += gap;
    }
    e->seq_known = true;
    e->next_seq = seq + advance;
}

/* IPFIX's sequence number counts the data records sent before this
 * message (RFC 7011 3.1). Some exporters count the flow records alone,
 * or count this message's too; a number that fits any of those readings
 * is no loss. records: the message's data records (SIZE_MAX: some were
 * held, uncounted), flows: its flow records. */
static void ipfix_sequence(struct netflow *nf, struct exporter *e, uint32_t seq,
                           size_t records, size_t flows)
{
    if (records == SIZE_MAX) { /* cannot be followed: start again */
        e->seq_known = false;
        return;
    }
    bool fits = !e->seq_known || seq == e->next_seq ||
                seq == e->last_seq + e->last_flows || seq - (uint32_t)records == e->last_seq ||
                seq - (uint32_t)flows == e->last_seq;
    if (!fits)
        sequence(nf, e, seq, 0);
    e->seq_known = true;
    e->next_seq = seq + (uint32_t)records;
    e->last_seq = seq;
    e->last_flows = (uint32_t)flows;
}

static void index_templates(struct netflow *nf)
{
    memset(nf->template_index, 0, sizeof(nf->template_index));
    for (size_t i = 0; i < MAX_TEMPLATES; i++) {
        const struct template *t = &nf->templates[i];
        if (t->id)
            index_put(nf->template_index, TEMPLATE_INDEX,
                      key_hash(&(struct context){.exporter = &t->exporter,
                                                 .domain = t->domain,
                                                 .version = t->version},
                               t->id),
                      i);
    }
    nf->templates_stale = false;
}

static struct template *template_find(struct netflow *nf, const struct context *cx,
                                      uint16_t id)
{
    if (nf->templates_stale)
        index_templates(nf);
    for (size_t h = key_hash(cx, id) & (TEMPLATE_INDEX - 1); nf->template_index[h];
         h = (h + 1) & (TEMPLATE_INDEX - 1)) {
        struct template *t = &nf->templates[nf->template_index[h] - 1];
        if (t->id == id && t->version == cx->version && t->domain == cx->domain &&
            addr_equal(&t->exporter, cx->exporter))
            return t;
    }
    return NULL;
}

/* The slot for a template: its own, a free one, or the least used. The
 * caller writes the template (this key) into it at once. */
static struct template *template_slot(struct netflow *nf, const struct context *cx,
                                      uint16_t id)
{
    struct template *t = template_find(nf, cx, id);
    if (t)
        return t;
    struct template *victim = &nf->templates[0];
    for (int i = 0; i < MAX_TEMPLATES; i++) {
        if (nf->templates[i].id == 0) {
            victim = &nf->templates[i];
            break;
        }
        if (nf->templates[i].used_ns < victim->used_ns)
            victim = &nf->templates[i];
    }
    if (victim->id) /* another key's: its place in the index goes stale */
        nf->templates_stale = true;
    else
        index_put(nf->template_index, TEMPLATE_INDEX, key_hash(cx, id),
                  (size_t)(victim - nf->templates));
    return victim;
}

/* An unsigned big-endian integer of 1 to 8 bytes (reduced-size encoding,
 * RFC 7011 6.2). */
static uint64_t uint_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n && i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* NTP timestamp (RFC 7011 6.1.9/6.1.10): seconds since 1900 and a binary
 * fraction; into ns since 1970. */
static int64_t ntp_ns(uint64_t v)
{
    int64_t secs = (int64_t)(v >> 32) - INT64_C(2208988800);
    int64_t frac = (int64_t)(((v & 0xffffffffu) * (uint64_t)SEC) >> 32);
    return secs * SEC + frac;
}

static int64_t clamp_u(uint64_t v, uint64_t max)
{
    return (int64_t)(v > max ? max : v);
}

/* v in units of unit_ns, as ns since 1970, held to year 2242 at most so
 * that no sum of times can overflow. */
static int64_t to_ns(uint64_t v, int64_t unit_ns)
{
    return clamp_u(v, (UINT64_C(1) << 33) * (uint64_t)(SEC / unit_ns)) * unit_ns;
}

/* Takes one field's value into r. */
static void take(struct record *r, uint16_t type, const uint8_t *p, unsigned n)
{
    uint64_t v = n <= 8 ? uint_be(p, n) : 0;
    switch (type) {
    case 1: case 85: case 23: /* octetDeltaCount, octetTotalCount, postOctetDelta */
        if (!r->octets)
            r->octets = v;
        break;
    case 2: case 86: case 24: /* packetDeltaCount, packetTotalCount, postPacketDelta */
        if (!r->packets)
            r->packets = v;
        break;
    case 4: r->proto = (uint8_t)v; break;
    case 6: r->flags = (uint8_t)v; break;
    case 7: r->sport = (uint16_t)v; break;
    case 11: r->dport = (uint16_t)v; break;
    case 32: case 139: r->icmp = (uint16_t)v; r->have_icmp = true; break;
    case 8: if (n == 4) { memcpy(r->src, p, 4); r->v4src = true; } break;
    case 12: if (n == 4) { memcpy(r->dst, p, 4); r->v4dst = true; } break;
    case 27: if (n == 16) { memcpy(r->src, p, 16); r->v6src = true; } break;
    case 28: if (n == 16) { memcpy(r->dst, p, 16); r->v6dst = true; } break;
    case 22: r->first_up = (uint32_t)v; r->have_up = true; break;
    case 21: r->last_up = (uint32_t)v; r->have_up = true; break;
    case 150: r->first_ns = to_ns(v, SEC); break;
    case 151: r->last_ns = to_ns(v, SEC); break;
    case 152: r->first_ns = to_ns(v, 1000000); break;
    case 153: r->last_ns = to_ns(v, 1000000); break;
    case 154: case 156: r->first_ns = ntp_ns(v); break;
    case 155: case 157: r->last_ns = ntp_ns(v); break;
    case 158: r->first_delta_us = clamp_u(v, DELTA_MAX_US); r->have_delta = true; break;
    case 159: r->last_delta_us = clamp_u(v, DELTA_MAX_US); r->have_delta = true; break;
    case 34: case 50: if (v > 1) r->sampling = v; break; /* 1 in v */
    case 305: r->pkt_interval = v; break;
    case 306: r->pkt_space = v; break;
    case 160: r->sys_init_ns = to_ns(v, 1000000); break;
    default: break;
    }
}

/* The record's start and end, from whichever form of time it has. */
static void times(const struct record *r, const struct context *cx, const struct exporter *e,
                  struct event *ev)
{
    int64_t export_ns = (int64_t)cx->export_secs * SEC;
    int64_t first = export_ns, last = export_ns;
    if (r->first_ns != INT64_MIN) {
        first = r->first_ns;
        last = r->last_ns != INT64_MIN ? r->last_ns : first;
    } else if (r->have_delta) {
        first = export_ns - r->first_delta_us * 1000;
        last = export_ns - r->last_delta_us * 1000;
    } else if (r->have_up && cx->version == 9) {
        /* RFC 3954: First and Last are sysUpTime at the flow's packets */
        first = export_ns - (int64_t)(int32_t)(cx->uptime_ms - r->first_up) * 1000000;
        last = export_ns - (int64_t)(int32_t)(cx->uptime_ms - r->last_up) * 1000000;
    } else if (r->have_up) { /* IPFIX: relative to the exporter's start */
        int64_t init = r->sys_init_ns ? r->sys_init_ns : e->sys_init_ns;
        if (init) {
            first = init + (int64_t)r->first_up * 1000000;
            last = init + (int64_t)r->last_up * 1000000;
        }
    }
    ev->time_ns = first;
    ev->end_ns = last > first ? last : first;
}

/* A data record into an event; false when it names no address. */
static bool record_event(struct netflow *nf, const struct record *r, const struct context *cx,
                         struct exporter *e, struct event *ev)
{
    memset(ev, 0, sizeof(*ev));
    if (!(r->v4src || r->v6src || r->v4dst || r->v6dst))
        return false;
    bool v6 = r->v6src || r->v6dst;
    ev->flags = EVENT_FLOW;
    ev->src.family = ev->dst.family = v6 ? 6 : 4;
    memcpy(ev->src.b, r->src, v6 ? 16 : 4);
    memcpy(ev->dst.b, r->dst, v6 ? 16 : 4);
    ev->proto = r->proto;
    ev->tcpflags = r->proto == 6 ? r->flags : 0;
    ev->sport = r->sport;
    ev->dport = r->dport;
    if ((r->proto == 1 || r->proto == 58) && r->have_icmp) {
        ev->sport = 0;
        ev->dport = r->icmp;
    }
    uint64_t rate = r->sampling ? r->sampling : e->sampling;
    uint64_t packets = r->packets, octets = r->octets;
    if (rate > 1) {
        packets = packets > UINT64_MAX / rate ? UINT64_MAX : packets * rate;
        octets = octets > UINT64_MAX / rate ? UINT64_MAX : octets * rate;
        ev->flags |= EVENT_SCALED;
        nf->stats.scaled++;
    }
    ev->packets = packets > UINT32_MAX ? UINT32_MAX : (uint32_t)packets;
    ev->octets = octets;
    times(r, cx, e, ev);
    return true;
}

/* One data set by its template; returns events made, and adds the data
 * records read (options records and records without an address too) to
 * *parsed. */
static size_t data_set(struct netflow *nf, const struct template *t, struct cursor *c,
                       const struct context *cx, struct event *out, size_t max,
                       size_t *parsed)
{
    struct exporter *e = exporter_for(nf, cx);
    size_t n = 0;
    /* a record is at least one byte (padding is shorter than a record) */
    while (cur_left(c) > 0) {
        struct record r = {.first_ns = INT64_MIN, .last_ns = INT64_MIN};
        size_t start = c->off;
        for (unsigned i = 0; i < t->nfields && !c->err; i++) {
            unsigned len = t->fields[i].len;
            if (len == VARLEN) { /* RFC 7011 7: one byte, or 255 and two */
                len = cur_u8(c);
                if (len == 255)
                    len = cur_u16be(c);
            }
            const uint8_t *p = cur_bytes(c, len);
            if (p && !t->fields[i].enterprise)
                take(&r, t->fields[i].type, p, len);
        }
        if (c->err || c->off == start)
            break; /* the set's padding, or a record cut short */
        (*parsed)++;
        if (r.pkt_interval && r.pkt_space && !r.sampling)
            r.sampling = (r.pkt_interval + r.pkt_space) / r.pkt_interval;
        if (t->options) {
            if (r.sampling)
                e->sampling = (uint32_t)(r.sampling > UINT32_MAX ? UINT32_MAX : r.sampling);
            if (r.sys_init_ns)
                e->sys_init_ns = r.sys_init_ns;
            continue;
        }
        if (n == max) {
            nf->stats.malformed++;
            break;
        }
        if (record_event(nf, &r, cx, e, &out[n]))
            n++;
    }
    nf->stats.records += n;
    return n;
}

static size_t parse_held(struct netflow *nf, const struct template *t, const struct context *cx,
                         struct event *out, size_t max);

/* Template records of one set (v9 flowset 0/1, IPFIX set 2/3). */
static size_t template_set(struct netflow *nf, struct cursor *c, const struct context *cx,
                           bool options, struct event *out, size_t max)
{
    size_t made = 0;
    bool ipfix = cx->version == 10;
    while (cur_left(c) >= 4) {
        uint16_t id = cur_u16be(c), count, scope = 0;
        if (options && !ipfix) { /* v9 (RFC 3954 6.1): lengths in bytes */
            uint16_t scope_len = cur_u16be(c), opt_len = cur_u16be(c);
            if (scope_len % 4 || opt_len % 4) {
                nf->stats.malformed++;
                return made;
            }
            count = (uint16_t)((scope_len + opt_len) / 4);
        } else {
            count = cur_u16be(c);
            if (options) /* IPFIX (RFC 7011 3.4.2.2): then the scope count */
                scope = cur_u16be(c);
        }
        if (ipfix && count == 0 && id >= 256) { /* RFC 7011 8.1: withdrawal */
            struct template *old = template_find(nf, cx, id);
            if (old) {
                old->id = 0;
                nf->templates_stale = true;
            }
            continue;
        }
        if (c->err || id < 256 || count == 0 || count > MAX_FIELDS || scope > count ||
            cur_left(c) < 4u * count) {
            if (!(id == 0 && count == 0)) /* v9 padding reads as zeros */
                nf->stats.malformed++;
            return made;
        }
        struct template t = {.exporter = *cx->exporter, .domain = cx->domain, .id = id,
                             .version = cx->version, .options = options,
                             .nfields = count, .used_ns = cx->now_ns};
        for (unsigned i = 0; i < count; i++) {
            uint16_t type = cur_u16be(c), len = cur_u16be(c);
            t.fields[i] = (struct field){.type = type & 0x7fff, .len = len,
                                         .enterprise = ipfix && (type & 0x8000)};
            if (t.fields[i].enterprise)
                cur_skip(c, 4); /* the enterprise number */
            if (len == VARLEN && !ipfix)
                c->err = true; /* v9 has no variable-length fields */
        }
        if (c->err) {
            nf->stats.malformed++;
            return made;
        }
        struct template *slot = template_slot(nf, cx, id);
        *slot = t;
        made += parse_held(nf, slot, cx, out + made, max - made);
    }
    return made;
}

/* Keeps a data set for a template that may still come. */
static void hold(struct netflow *nf, const struct context *cx, uint16_t set_id,
                 const struct cursor *c)
{
    size_t len = cur_left(c);
    struct held *slot = NULL;
    for (int i = 0; i < MAX_HELD && !slot; i++)
        if (!nf->held[i].data)
            slot = &nf->held[i];
    if (!slot || len > HELD_MAX_LEN) {
        nf->stats.no_template++;
        return;
    }
    *slot = (struct held){.exporter = *cx->exporter, .domain = cx->domain,
                          .version = cx->version, .set_id = set_id,
                          .arrived_ns = cx->now_ns, .export_secs = cx->export_secs,
                          .uptime_ms = cx->uptime_ms, .len = len, .data = xmalloc(len)};
    memcpy(slot->data, c->p + c->off, len);
}

/* Drops what waited too long; parses what t can read now. */
static size_t parse_held(struct netflow *nf, const struct template *t, const struct context *cx,
                         struct event *out, size_t max)
{
    size_t made = 0;
    for (int i = 0; i < MAX_HELD; i++) {
        struct held *h = &nf->held[i];
        if (!h->data)
            continue;
        bool mine = t && h->set_id == t->id && h->version == t->version &&
                    h->domain == t->domain && addr_equal(&h->exporter, &t->exporter);
        if (mine && max > made) {
            struct context hc = *cx;
            hc.export_secs = h->export_secs;
            hc.uptime_ms = h->uptime_ms;
            struct cursor c = cur_make(h->data, h->len);
            size_t parsed = 0;
            made += data_set(nf, t, &c, &hc, out + made, max - made, &parsed);
        } else if (cx->now_ns - h->arrived_ns <= HOLD_NS) {
            continue;
        } else {
            nf->stats.no_template++;
        }
        free(h->data);
        h->data = NULL;
    }
    return made;
}

/* The sets of a v9 or IPFIX message after its header. *data_records:
 * the data records in it, or SIZE_MAX when some could not be counted
 * (held for their template). */
static size_t sets(struct netflow *nf, struct cursor *c, const struct context *cx,
                   struct event *out, size_t max, size_t *data_records)
{
    bool ipfix = cx->version == 10;
    size_t made = 0;
    while (cur_left(c) >= 4) {
        uint16_t id = cur_u16be(c), len = cur_u16be(c);
        if (len < 4 || len - 4u > cur_left(c)) {
            nf->stats.malformed++; /* a length that lies */
            break;
        }
        struct cursor set = cur_sub(c, len - 4u);
        uint16_t tmpl = ipfix ? 2 : 0, opts = ipfix ? 3 : 1;
        if (id == tmpl || id == opts) {
            made += template_set(nf, &set, cx, id == opts, out + made, max - made);
        } else if (id >= 256) {
            struct template *t = template_find(nf, cx, id);
            if (!t) {
                hold(nf, cx, id, &set);
                *data_records = SIZE_MAX;
                continue;
            }
            t->used_ns = cx->now_ns;
            size_t parsed = 0;
            made += data_set(nf, t, &set, cx, out + made, max - made, &parsed);
            if (*data_records != SIZE_MAX)
                *data_records += parsed;
        } else {
            nf->stats.malformed++; /* ids 2-255 (v9) or 4-255 (IPFIX) are reserved */
        }
    }
    return made;
}

/* NetFlow v5: a fixed header and 48-byte records. */
static size_t parse_v5(struct netflow *nf, struct cursor *c, struct context *cx,
                       struct event *out, size_t max)
{
    cur_skip(c, 2);
    uint16_t count = cur_u16be(c);
    cx->uptime_ms = cur_u32be(c);
    cx->export_secs = cur_u32be(c);
    uint32_t nsecs = cur_u32be(c), seq = cur_u32be(c);
    uint8_t engine_type = cur_u8(c), engine_id = cur_u8(c);
    uint16_t sampling = cur_u16be(c) & 0x3fff; /* the top two bits: the mode */
    if (c->err || count == 0 || count > 30 || cur_left(c) < (size_t)count * V5_RECORD) {
        nf->stats.malformed++;
        return 0;
    }
    cx->domain = (uint32_t)engine_type << 8 | engine_id;
    struct exporter *e = exporter_for(nf, cx);
    sequence(nf, e, seq, count);
    size_t n = 0;
    int64_t export_ns = (int64_t)cx->export_secs * SEC + nsecs % SEC;
    for (unsigned i = 0; i < count && n < max; i++) {
        const uint8_t *p = cur_bytes(c, V5_RECORD);
        struct record r = {.first_ns = INT64_MIN, .last_ns = INT64_MIN, .v4src = true,
                           .v4dst = true, .sampling = sampling > 1 ? sampling : 0};
        memcpy(r.src, p, 4);
        memcpy(r.dst, p + 4, 4);
        r.packets = uint_be(p + 16, 4);
        r.octets = uint_be(p + 20, 4);
        uint32_t first = (uint32_t)uint_be(p + 24, 4), last = (uint32_t)uint_be(p + 28, 4);
        r.first_ns = export_ns - (int64_t)(int32_t)(cx->uptime_ms - first) * 1000000;
        r.last_ns = export_ns - (int64_t)(int32_t)(cx->uptime_ms - last) * 1000000;
        r.sport = (uint16_t)uint_be(p + 32, 2);
        r.dport = (uint16_t)uint_be(p + 34, 2);
        r.flags = p[37];
        r.proto = p[38];
        if (record_event(nf, &r, cx, e, &out[n]))
            n++;
    }
    nf->stats.records += n;
    return n;
}

size_t netflow_parse(struct netflow *nf, const struct addr *exporter, const uint8_t *d,
                     size_t len, int64_t now_ns, struct event *out, size_t max)
{
    struct cursor c = cur_make(d, len);
    struct context cx = {.exporter = exporter, .version = (uint8_t)uint_be(d, len >= 2 ? 2 : 0),
                         .now_ns = now_ns};
    size_t made = parse_held(nf, NULL, &cx, out, 0); /* expire what waited too long */
    if (!netflow_sniff(d, len))
        return 0;
    nf->stats.datagrams++;
    if (cx.version == 5)
        return parse_v5(nf, &c, &cx, out, max);
    size_t records = 0;
    uint32_t seq;
    if (cx.version == 9) { /* RFC 3954 5.1 */
        cur_skip(&c, 4);
        cx.uptime_ms = cur_u32be(&c);
        cx.export_secs = cur_u32be(&c);
        seq = cur_u32be(&c);
        cx.domain = cur_u32be(&c);
    } else { /* RFC 7011 3.1: the length covers the whole message */
        cur_skip(&c, 2);
        uint16_t mlen = cur_u16be(&c);
        cx.export_secs = cur_u32be(&c);
        seq = cur_u32be(&c);
        cx.domain = cur_u32be(&c);
        if (mlen < IPFIX_HEADER || mlen > len)
            c.err = true;
        else
            c.len = mlen;
    }
    if (c.err) {
        nf->stats.malformed++;
        return 0;
    }
    made += sets(nf, &c, &cx, out, max, &records);
    struct exporter *e = exporter_for(nf, &cx);
    if (cx.version == 9)
        sequence(nf, e, seq, 1);
    else
        ipfix_sequence(nf, e, seq, records, made);
    return made;
}
