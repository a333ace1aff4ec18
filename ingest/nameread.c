/* Names from packets: DNS answers (RFC 1035, with RFC 3596's AAAA and
 * RFC 6762's multicast DNS), the TLS server_name extension (RFC 8446
 * section 4.1.2, RFC 6066 section 3) and the HTTP Host header (RFC 9112
 * section 3.2). Every read goes through a cursor; a DNS name is followed
 * through compression pointers only backwards, so a pointer loop ends as
 * a malformed message. */
#include "ingest/nameread.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "base/cursor.h"
#include "base/hash.h"

void nameread_init(struct nameread_queue *q, uint32_t id_base)
{
    memset(q, 0, sizeof(*q));
    q->next_id = id_base;
}

/* Hashes of an address and of a name, eight bytes at a time; never 0
 * (an empty slot's). */
static uint64_t addr_hash(const struct addr *a)
{
    uint64_t w[2];
    memcpy(w, a->b, 16);
    return hash_mix64(hash_mix64(w[0] ^ a->family) ^ w[1]) | 1;
}

/* The seen slot of an address, by its hash. */
static size_t seen_index(uint64_t addr_key)
{
    return (addr_key >> 32) % NAMEREAD_SEEN;
}

static uint64_t name_hash(const char *name, size_t len)
{
    uint64_t h = len * 0x9e3779b97f4a7c15ULL;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v;
        memcpy(&v, name + i, 8);
        h = hash_mix64(h ^ v);
    }
    uint64_t tail = 0;
    memcpy(&tail, name + i, len - i);
    return hash_mix64(h ^ tail) | 1;
}

/* Whether the seen slot says name_key was sent for the address lately. */
static bool seen_lately(const struct nameread_seen *seen, uint64_t addr_key, uint32_t name_key,
                        int64_t time_ns)
{
    return seen->addr_key == (uint32_t)addr_key && seen->name_key == name_key &&
           time_ns >= seen->time_ns && time_ns - seen->time_ns < NAMEREAD_REPEAT_NS;
}

/* nameread_push, with the address's and the name's hashes at hand. */
static bool push_keyed(struct nameread_queue *q, int64_t time_ns, const struct addr *addr,
                       uint64_t ak, const char *name, size_t len, uint64_t nk,
                       enum event_name_origin origin)
{
    struct nameread_seen *seen = &q->seen[seen_index(ak)];
    if (seen_lately(seen, ak, (uint32_t)nk, time_ns))
        return true; /* the address's last name, sent lately: the cache has it */
    unsigned parts = (unsigned)((len + EVENT_NAME_TEXT - 1) / EVENT_NAME_TEXT);
    if (q->n + parts > NAMEREAD_QUEUE)
        return false;
    uint32_t id = q->next_id++;
    for (unsigned i = 0; i < parts; i++) {
        struct event *r = &q->rec[(q->head + q->n++) % NAMEREAD_QUEUE];
        memset(r, 0, sizeof(*r));
        r->time_ns = time_ns;
        r->flags = EVENT_NAME;
        r->src = *addr;
        size_t at = (size_t)i * EVENT_NAME_TEXT, take = len - at;
        if (take > EVENT_NAME_TEXT)
            take = EVENT_NAME_TEXT;
        r->name.id = id;
        r->name.part = (uint8_t)i;
        r->name.parts = (uint8_t)parts;
        r->name.len = (uint8_t)take;
        r->name.origin = (uint8_t)origin;
        memcpy(r->name.text, name + at, take);
    }
    seen->addr_key = (uint32_t)ak;
    seen->name_key = (uint32_t)nk;
    seen->time_ns = time_ns;
    return true;
}

bool nameread_push(struct nameread_queue *q, int64_t time_ns, const struct addr *addr,
                      const char *name, size_t len, enum event_name_origin origin)
{
    if (len == 0 || len > NAMEREAD_MAX_LEN)
        return false;
    return push_keyed(q, time_ns, addr, addr_hash(addr), name, len, name_hash(name, len),
                      origin);
}

bool nameread_pop(struct nameread_queue *q, struct event *out)
{
    if (!q->n)
        return false;
    *out = q->rec[q->head];
    q->head = (q->head + 1) % NAMEREAD_QUEUE;
    q->n--;
    return true;
}

/* ---- DNS ---- */

enum { NAME_BAD = -1, NAME_ODD = -2 }; /* malformed; well formed but unprintable */

/* A host name's bytes: what DNS allows and a label can show. */
static bool name_byte(uint8_t b)
{
    return b > 0x20 && b < 0x7f;
}

/* The name at off in the message, as text: its length, NAME_BAD or
 * NAME_ODD. Pointers are followed only backwards. */
static int dns_name(const uint8_t *m, size_t len, size_t off, char *out)
{
    size_t pos = off, n = 0;
    bool odd = false;
    for (int jumps = 0;;) {
        if (pos >= len)
            return NAME_BAD;
        uint8_t b = m[pos];
        if (b == 0)
            break;
        if ((b & 0xc0) == 0xc0) {
            if (pos + 1 >= len)
                return NAME_BAD;
            size_t to = (size_t)(b & 0x3f) << 8 | m[pos + 1];
            if (to >= pos || ++jumps > 64) /* only backwards: no loops */
                return NAME_BAD;
            pos = to;
            continue;
        }
        if (b & 0xc0) /* extended label types: obsolete */
            return NAME_BAD;
        if (pos + 1 + b > len || n + (n > 0) + b > NAMEREAD_MAX_LEN)
            return NAME_BAD;
        if (n)
            out[n++] = '.';
        for (unsigned i = 0; i < b; i++) {
            uint8_t c = m[pos + 1 + i];
            odd |= !name_byte(c) || c == '.';
            out[n++] = (char)c;
        }
        pos += 1u + b;
    }
    out[n] = 0;
    return odd ? NAME_ODD : (int)n;
}

/* The offset just past the name written at off (its pointers are not
 * followed: a pointer ends a name where it is written), or 0 when it
 * runs off the message or points forwards. */
static size_t dns_skip(const uint8_t *m, size_t len, size_t off)
{
    for (size_t pos = off; pos < len;) {
        uint8_t b = m[pos];
        if (b == 0)
            return pos + 1;
        if ((b & 0xc0) == 0xc0) {
            if (pos + 1 >= len || ((size_t)(b & 0x3f) << 8 | m[pos + 1]) >= pos)
                return 0;
            return pos + 2;
        }
        if (b & 0xc0)
            return 0;
        pos += 1u + b;
    }
    return 0;
}

/* The label at *pos of the name being walked (pointers followed, only
 * backwards): its length byte's offset, or SIZE_MAX at the name's end
 * or on damage (*bad set). */
static size_t next_label(const uint8_t *m, size_t len, size_t *pos, int *jumps, bool *bad)
{
    for (;;) {
        if (*pos >= len) {
            *bad = true;
            return SIZE_MAX;
        }
        uint8_t b = m[*pos];
        if (b == 0)
            return SIZE_MAX;
        if ((b & 0xc0) == 0xc0) {
            size_t to = *pos + 1 < len ? (size_t)(b & 0x3f) << 8 | m[*pos + 1] : SIZE_MAX;
            if (to >= *pos || ++*jumps > 64) {
                *bad = true;
                return SIZE_MAX;
            }
            *pos = to;
            continue;
        }
        if ((b & 0xc0) || *pos + 1 + b > len) {
            *bad = true;
            return SIZE_MAX;
        }
        size_t at = *pos;
        *pos += 1u + b;
        return at;
    }
}

/* Whether the names at a and b are the same, case ignored. */
static bool dns_same(const uint8_t *m, size_t len, size_t a, size_t b)
{
    int ja = 0, jb = 0;
    bool bad = false;
    for (int labels = 0; labels < 128; labels++) {
        size_t la = next_label(m, len, &a, &ja, &bad), lb = next_label(m, len, &b, &jb, &bad);
        if (bad || la == SIZE_MAX || lb == SIZE_MAX)
            return !bad && la == lb;
        if (la == lb) { /* the same bytes from here on: only check they end well */
            while (!bad && next_label(m, len, &a, &ja, &bad) != SIZE_MAX)
                ;
            return !bad;
        }
        uint8_t n = m[la];
        if (n != m[lb])
            return false;
        for (unsigned i = 1; i <= n; i++) {
            uint8_t x = m[la + i], y = m[lb + i];
            if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z'))
                return false;
        }
    }
    return false;
}

enum { DNS_RRS = 48 }; /* answers read from one message at most */

struct dns_rr {
    uint16_t type;
    size_t owner; /* offsets of the names in the message */
    size_t target; /* CNAME, PTR: the name in its data */
    struct addr addr; /* A, AAAA */
    uint64_t addr_key; /* its hash */
};

static bool is_addr(const struct dns_rr *r)
{
    return r->type == 1 || r->type == 28;
}

/* One DNS message's answers, read. */
struct dns_msg {
    struct dns_rr rr[DNS_RRS];
    int n;
    int addrs;  /* A and AAAA among them */
    bool ptr;   /* a PTR among them */
    bool bad;   /* the message broke the format before its answers ended */
    uint64_t key; /* a hash of all its names could depend on: the message
                     from its flags to its last answer, less the TTLs */
    size_t end;   /* where its answers end */
    unsigned answers;    /* answers in it, kept or not */
    size_t ttl[DNS_RRS]; /* where each answer's TTL is */
};

/* h and n bytes at p, hashed eight at a time (a multiply and a shift
 * each: this runs over every DNS answer). */
static uint64_t hash_span(uint64_t h, const uint8_t *p, size_t n)
{
    const uint64_t k = 0x9e3779b97f4a7c15ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        h = (h ^ v) * k;
        h ^= h >> 29;
    }
    uint64_t tail = 0;
    if (n >= 8) /* the last eight bytes, some of them hashed already */
        memcpy(&tail, p + n - 8, 8);
    else
        for (size_t j = 0; j < n; j++)
            tail = tail << 8 | p[j];
    h = (h ^ tail ^ (uint64_t)n << 56) * k;
    return h ^ h >> 29;
}

/* The answers of one message into d (their names still offsets): -1
 * when it breaks the format before its answers end, else the count kept. */
static int dns_answers(const uint8_t *m, size_t len, struct dns_msg *d)
{
    struct cursor c = cur_make(m, len);
    cur_skip(&c, 4);
    uint16_t qd = cur_u16be(&c), an = cur_u16be(&c);
    cur_skip(&c, 4);
    if (c.err)
        return -1;
    for (unsigned i = 0; i < qd; i++) {
        size_t after = dns_skip(m, len, c.off);
        if (!after)
            return -1;
        c.off = after;
        cur_skip(&c, 4);
        if (c.err)
            return -1;
    }
    d->answers = an;
    uint64_t h = 0;
    size_t hashed = 2; /* the id is not hashed */
    for (unsigned i = 0; i < an; i++) {
        size_t owner = c.off, after = dns_skip(m, len, c.off);
        if (!after)
            return -1;
        c.off = after;
        uint16_t type = cur_u16be(&c), cls = cur_u16be(&c) & 0x7fff; /* mDNS: cache flush */
        size_t ttl = c.off;
        cur_skip(&c, 4);
        uint16_t rdlen = cur_u16be(&c);
        size_t rd = c.off;
        cur_skip(&c, rdlen);
        if (c.err)
            return -1;
        h = hash_span(h, m + hashed, ttl - hashed);
        hashed = ttl + 4;
        if (i < DNS_RRS)
            d->ttl[i] = ttl;
        if (cls != 1 || d->n == DNS_RRS)
            continue;
        struct dns_rr *r = &d->rr[d->n];
        r->type = type;
        r->owner = owner;
        if (type == 1 || type == 28) { /* A, AAAA */
            unsigned want = type == 1 ? 4 : 16;
            if (rdlen != want)
                return -1;
            memset(&r->addr, 0, sizeof(r->addr));
            r->addr.family = type == 1 ? 4 : 6;
            memcpy(r->addr.b, m + rd, want);
            r->addr_key = addr_hash(&r->addr);
            d->n++;
        } else if (type == 5 || type == 12) { /* CNAME, PTR */
            size_t end = dns_skip(m, rd + rdlen, rd);
            if (!end)
                return -1;
            r->target = rd;
            d->n++;
        }
    }
    d->key = hash_mix64(hash_span(h, m + hashed, c.off - hashed)) | 1; /* 0: an empty memo */
    d->end = c.off;
    return d->n;
}

/* The name a client asked for that led to the owner at o: back up the
 * CNAME chain (at most 16 links, which also ends a loop of CNAMEs). */
static size_t chain_head(const uint8_t *m, size_t len, const struct dns_rr *rr, int n,
                         size_t o)
{
    for (int hops = 0; hops < 16; hops++) {
        int up = -1;
        for (int i = 0; i < n && up < 0; i++)
            if (rr[i].type == 5 && dns_same(m, len, rr[i].target, o) &&
                !dns_same(m, len, rr[i].owner, o))
                up = i;
        if (up < 0)
            break;
        o = rr[up].owner;
    }
    return o;
}


/* Reads a message's header and answers: 0 when it is no response, -1
 * when it is too short for a header, else 1 (d->bad says whether it is whole). */
static int dns_parse(const uint8_t *p, size_t len, struct dns_msg *d)
{
    if (len < 12)
        return -1;
    uint16_t flags = (uint16_t)(p[2] << 8 | p[3]);
    if (!(flags & 0x8000) || (flags >> 11 & 15) != 0) /* a response to a query */
        return 0;
    d->n = 0;
    d->answers = 0;
    d->bad = dns_answers(p, len, d) < 0;
    d->addrs = 0;
    d->ptr = false;
    for (int i = 0; i < d->n; i++) {
        d->addrs += is_addr(&d->rr[i]);
        d->ptr |= d->rr[i].type == 12;
    }
    return 1;
}

/* The names of a parsed message, each through found: the count; *bad is
 * set where a name is damaged. */
static int dns_names(const uint8_t *p, size_t len, const struct dns_msg *d,
                     nameread_found_fn found, void *ctx, bool *bad)
{
    const struct dns_rr *rr = d->rr;
    int got = 0;
    char name[NAMEREAD_MAX_LEN + 1], target[NAMEREAD_MAX_LEN + 1];
    size_t named = SIZE_MAX; /* the owner whose head is in name */
    int named_len = 0;
    for (int i = 0; i < d->n; i++) {
        if (rr[i].type == 5)
            continue;
        if (rr[i].type == 12) { /* PTR: the owner spells the address */
            struct addr a;
            int on = dns_name(p, len, rr[i].owner, name);
            int tn = dns_name(p, len, rr[i].target, target);
            if (on == NAME_BAD || tn == NAME_BAD) {
                *bad = true;
                continue;
            }
            if (on > 0 && tn > 0 && addr_from_reverse(name, &a)) {
                found(ctx, &a, target, (size_t)tn);
                got++;
            }
            named = SIZE_MAX;
            continue;
        }
        if (rr[i].owner != named) {
            named = rr[i].owner;
            named_len = dns_name(p, len, chain_head(p, len, rr, d->n, rr[i].owner), name);
            if (named_len == NAME_BAD)
                *bad = true;
        }
        if (named_len > 0) {
            found(ctx, &rr[i].addr, name, (size_t)named_len);
            got++;
        }
    }
    return got;
}

int nameread_dns(const uint8_t *p, size_t len, nameread_found_fn found, void *ctx)
{
    struct dns_msg d;
    int r = dns_parse(p, len, &d);
    if (r <= 0)
        return r;
    bool bad = d.bad;
    int got = dns_names(p, len, &d, found, ctx, &bad);
    return bad ? -1 : got;
}

/* ---- TLS ClientHello ---- */

static int host_text(const uint8_t *s, size_t n, char *out, size_t outlen)
{
    if (n == 0 || n > NAMEREAD_MAX_LEN || n >= outlen)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (!(c == '-' || c == '.' || c == '_' || (c >= '0' && c <= '9') ||
              ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
            return 0;
        out[i] = (char)c;
    }
    out[n] = 0;
    return 1;
}

int nameread_tls_sni(const uint8_t *p, size_t len, char *out, size_t outlen)
{
    struct cursor c = cur_make(p, len);
    if (cur_u8(&c) != 0x16 || cur_u8(&c) != 3) /* a handshake record */
        return 0;
    cur_skip(&c, 1);
    uint16_t reclen = cur_u16be(&c);
    if (c.err)
        return 0;
    struct cursor h = cur_sub(&c, reclen); /* what of the record was captured */
    if (cur_u8(&h) != 1) /* ClientHello */
        return 0;
    cur_skip(&h, 3 + 2 + 32); /* length, legacy version, random */
    uint8_t sid = cur_u8(&h);
    if (sid > 32)
        return h.err ? 0 : -1;
    cur_skip(&h, sid);
    uint16_t cs = cur_u16be(&h);
    cur_skip(&h, cs);
    uint8_t comp = cur_u8(&h);
    cur_skip(&h, comp);
    uint16_t extlen = cur_u16be(&h);
    if (h.err)
        return 0; /* cut before the extensions: the hello goes on in the next segment */
    struct cursor e = cur_sub(&h, extlen);
    while (cur_left(&e) >= 4) {
        uint16_t type = cur_u16be(&e), elen = cur_u16be(&e);
        if (type != 0) {
            cur_skip(&e, elen);
            continue;
        }
        struct cursor s = cur_sub(&e, elen);
        bool whole = s.len == elen; /* else the capture cut it */
        cur_skip(&s, 2);            /* the list's length */
        uint8_t kind = cur_u8(&s);
        uint16_t nlen = cur_u16be(&s);
        const uint8_t *name = cur_bytes(&s, nlen);
        if (s.err)
            return whole ? -1 : 0;
        if (kind != 0)
            return 0;
        return host_text(name, nlen, out, outlen) ? 1 : -1;
    }
    return 0;
}

/* ---- HTTP ---- */

int nameread_http_host(const uint8_t *p, size_t len, char *out, size_t outlen)
{
    static const char *const methods[] = {"GET ", "POST ", "HEAD ", "PUT ", "DELETE ",
                                          "OPTIONS ", "PATCH ", "CONNECT "};
    bool request = false;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]) && !request; i++) {
        size_t m = strlen(methods[i]);
        request = len > m && memcmp(p, methods[i], m) == 0;
    }
    if (!request)
        return 0;
    if (len > 8192)
        len = 8192;
    for (size_t i = 0; i + 7 < len; i++) {
        if (p[i] != '\n')
            continue;
        if (p[i + 1] == '\r' || p[i + 1] == '\n') /* the end of the header */
            return 0;
        if (strncasecmp((const char *)p + i + 1, "host:", 5) != 0)
            continue;
        size_t a = i + 6, b;
        while (a < len && (p[a] == ' ' || p[a] == '\t'))
            a++;
        for (b = a; b < len && p[b] != '\r' && p[b] != '\n' && p[b] != ':'; b++)
            ;
        if (b == len || a == b || p[a] == '[') /* cut, empty, or an IPv6 literal */
            return 0;
        if (!host_text(p + a, b - a, out, outlen))
            return -1;
        unsigned char bin[4];
        if (inet_pton(AF_INET, out, bin) == 1) /* an address is not a name */
            return 0;
        return 1;
    }
    return 0;
}

/* ---- one packet ---- */

struct found_ctx {
    struct nameread_queue *q;
    const struct event *ev;
    enum event_name_origin origin;
    struct nameread_counts *c;
    int left;
    uint64_t name_key; /* of the names found: the first one's hash, */
    bool mixed;        /*   and whether another differed */
};

static void queue_found(void *ctx, const struct addr *a, const char *name, size_t len)
{
    struct found_ctx *f = ctx;
    if (f->left <= 0 || len == 0 || len > NAMEREAD_MAX_LEN)
        return;
    f->left--;
    uint64_t nk = name_hash(name, len);
    f->mixed |= f->name_key && f->name_key != nk;
    f->name_key = nk;
    if (push_keyed(f->q, f->ev->time_ns, a, addr_hash(a), name, len, nk, f->origin))
        f->c->found++;
}

/* Whether the bytes [at, at + n) hold none that the key leaves out: the
 * id, an answer's TTL, what follows the answers. */
static bool keyed_bytes(const struct dns_msg *d, size_t at, size_t n)
{
    if (at < 2 || at + n > d->end)
        return false;
    for (unsigned i = 0; i < d->answers; i++)
        if (at < d->ttl[i] + 4 && d->ttl[i] < at + n)
            return false;
    return true;
}

/* Whether the names of a message's answers are read from bytes its key
 * holds only. A pointer may lead anywhere before it, the id or a TTL
 * included; no real server's does, but a message whose names would
 * change with its TTLs must not be taken for the one before it. */
static bool dns_keyed(const uint8_t *m, size_t len, const struct dns_msg *d)
{
    if (d->answers > DNS_RRS)
        return false;
    for (int i = 0; i < d->n; i++)
        for (int k = 0; k < 2; k++) {
            size_t pos = k ? d->rr[i].target : d->rr[i].owner;
            if (k && d->rr[i].type != 5)
                continue;
            for (int jumps = 0; pos < len && m[pos] != 0;) {
                size_t step = (m[pos] & 0xc0) == 0xc0 ? 2 : 1u + m[pos];
                if (!keyed_bytes(d, pos, step) || pos + step > len || ++jumps > 255)
                    return false;
                pos = step == 2 && (m[pos] & 0xc0) == 0xc0
                          ? (size_t)(m[pos] & 0x3f) << 8 | m[pos + 1]
                          : pos + step;
            }
            if (!keyed_bytes(d, pos, 1))
                return false;
        }
    return true;
}

/* Whether every address of a message met before was given its one name
 * lately: then the full reading would send nothing. */
static bool dns_repeats(const struct nameread_queue *q, const struct dns_msg *d, int64_t t)
{
    const struct nameread_memo *m = &q->memo[d->key % NAMEREAD_MEMO];
    if (m->key != d->key)
        return false;
    for (int i = 0; i < d->n; i++)
        if (is_addr(&d->rr[i])) {
            uint64_t ak = d->rr[i].addr_key;
            if (!seen_lately(&q->seen[seen_index(ak)], ak, m->name_key, t))
                return false;
        }
    return true;
}

/* The names in one DNS message. An answer met before whose addresses
 * were all given its name lately is done with once its addresses' seen
 * slots agree; the rest is read in full, and remembered when it is
 * whole and names all its addresses alike. */
static void dns_packet(struct nameread_queue *q, const struct event *ev, const uint8_t *p,
                       size_t len, enum event_name_origin origin, struct nameread_counts *c)
{
    struct dns_msg d;
    int r = dns_parse(p, len, &d);
    if (r <= 0) {
        c->malformed += r < 0;
        return;
    }
    bool memo = !d.bad && !d.ptr && d.addrs > 0 && d.addrs <= NAMEREAD_PER_PACKET;
    if (memo) { /* the slots about to be read, fetched together rather than in turn */
        __builtin_prefetch(&q->memo[d.key % NAMEREAD_MEMO]);
        for (int i = 0; i < d.n; i++)
            if (is_addr(&d.rr[i]))
                __builtin_prefetch(&q->seen[seen_index(d.rr[i].addr_key)]);
    }
    if (memo && dns_repeats(q, &d, ev->time_ns)) {
        c->found += (uint64_t)d.addrs;
        return;
    }
    struct found_ctx f = {q, ev, origin, c, NAMEREAD_PER_PACKET, 0, false};
    bool bad = d.bad;
    int got = dns_names(p, len, &d, queue_found, &f, &bad);
    if (bad)
        c->malformed++;
    else if (memo && got == d.addrs && !f.mixed && dns_keyed(p, len, &d))
        q->memo[d.key % NAMEREAD_MEMO] = (struct nameread_memo){d.key, (uint32_t)f.name_key};
}

void nameread_packet(struct nameread_queue *q, const struct event *ev, const uint8_t *p, size_t len,
                struct nameread_counts *c)
{
    if (!p || len == 0)
        return;
    if (ev->proto == 17 && (ev->sport == 53 || ev->sport == 5353)) {
        dns_packet(q, ev, p, len, ev->sport == 53 ? NAME_DNS : NAME_MDNS, c);
        return;
    }
    if (ev->proto != 6)
        return;
    if (ev->sport == 53) { /* DNS over TCP: the first message of the segment */
        uint16_t mlen = len >= 2 ? (uint16_t)(p[0] << 8 | p[1]) : 0;
        if (mlen >= 12 && (size_t)mlen + 2 <= len)
            dns_packet(q, ev, p + 2, mlen, NAME_DNS, c);
        return;
    }
    char name[NAMEREAD_MAX_LEN + 1];
    int r = 0;
    enum event_name_origin origin = NAME_SNI;
    if (p[0] == 0x16)
        r = nameread_tls_sni(p, len, name, sizeof(name));
    else if (p[0] >= 'A' && p[0] <= 'Z') {
        r = nameread_http_host(p, len, name, sizeof(name));
        origin = NAME_HTTP;
    }
    if (r < 0)
        c->malformed++;
    else if (r > 0 && nameread_push(q, ev->time_ns, &ev->dst, name, strlen(name), origin))
        c->found++;
}
