/* Scanners and client ports. Everything it keeps lives in one open
 * addressing table of 40-byte keys, each tagged with what it counts, and
 * held there as a 64-bit hash of the key: two keys that are in the table
 * at once share one with a chance of about 2^-45 at the table's bound,
 * and each slot is half a cache line instead of a whole one. The probes
 * waiting for an answer are also queued in time order, whole keys, so a
 * probe's wait runs out without a sweep of the table. */
#include "analyze/scans.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/hash.h"
#include "base/services.h"
#include "base/xalloc.h"

enum tag {
    T_CONV = 1,  /* a: opener, b: responder, p1/p2: their ports */
    T_FAILED,    /* a failed on (b, proto, p2): counted once a window */
    T_PCOUNT,    /* (b, proto, p2) counts among a's ports on b (state 1) */
    T_PORTS,     /* a's ports on b probed and not answered */
    T_HOSTS,     /* a's failed hosts on (proto, p2) */
    T_HOST,      /* a's failed probes before it is a scanner */
    T_CLIENT,    /* a's conversations from (proto, p1): distinct far ports */
    T_CLIENTDST, /* a opened from (proto, p1) to p2 */
    T_SCANNER,   /* a is found[n]; never forgotten */
};

enum { PENDING = 1, FAILED, ANSWERED };
enum { TH_FIN = 1, TH_SYN = 2, TH_RST = 4, TH_ACK = 16 };
enum { SCANNERS_MAX = 65536, FIFO_MAX = 1 << 18 };

struct key {
    struct addr a, b;
    uint16_t p1, p2;
    uint8_t proto, tag;
};
_Static_assert(sizeof(struct key) == 40, "a key hashes as five words");

struct val {
    int64_t t;     /* last touched: what is older than the window goes first */
    int64_t start; /* a count's window; a probe's opening */
    uint32_t n;
    uint8_t state; /* a probe: PENDING...; a client port: 1 once it is one */
    uint8_t kind;  /* a probe: SCAN_SYN...; a host: the kinds so far */
    uint8_t tag;   /* the key's */
};

struct slot {
    uint64_t id; /* the key's hash, never 0; 0: an empty slot */
    struct val v;
};
_Static_assert(sizeof(struct slot) == 32, "two slots a cache line");

struct pending {
    struct key k;
    int64_t start;
};

struct scans {
    struct scans_opts o;
    int64_t window, wait, now;
    struct slot *slots;
    size_t cap, count, max_cap;
    struct pending *fifo; /* probes waiting for an answer, oldest first */
    size_t fcap, fhead, flen;
    struct scans_scanner *found;
    size_t nfound, capfound;
    uint64_t scanner_bits[64];  /* by address hash: may be a scanner */
    uint64_t client_bits[1024]; /* by port: some host's client port */
    struct scans_stats st;
};

/* A key's hash, which stands for it in the table: every bit of the key
 * reaches every bit of it. Never 0. */
static uint64_t hash_key(const struct key *k)
{
    uint64_t w[5], h = 0x9e3779b97f4a7c15u;
    memcpy(w, k, sizeof(w));
    for (int i = 0; i < 5; i++)
        h = hash_mix64(h ^ w[i]);
    return h ? h : 1;
}

static struct key make_key(enum tag tag, const struct addr *a, const struct addr *b,
                           uint8_t proto, uint16_t p1, uint16_t p2)
{
    struct key k;
    memset(&k, 0, sizeof(k));
    k.a = *a;
    if (b)
        k.b = *b;
    k.proto = proto;
    k.p1 = p1;
    k.p2 = p2;
    k.tag = (uint8_t)tag;
    return k;
}

/* cap slots, zeroed, two to a cache line (a probe of the table touches
 * one line, not two); a big table asks for huge pages, as its lookups
 * land all over it and would miss the TLB at every one. */
static struct slot *new_slots(size_t cap)
{
    size_t bytes = cap * sizeof(struct slot);
    bool huge = bytes >= (2u << 20);
    struct slot *t = aligned_alloc(huge ? (2u << 20) : 64, bytes);
    xalloc_check(t, bytes);
    if (huge)
        madvise(t, bytes, MADV_HUGEPAGE);
    memset(t, 0, bytes);
    return t;
}

static size_t find_slot(const struct slot *slots, size_t cap, uint64_t id)
{
    size_t i = (size_t)id & (cap - 1);
    while (slots[i].id && slots[i].id != id)
        i = (i + 1) & (cap - 1);
    return i;
}

/* The table, moved into one of cap slots. */
static void rebuild(struct scans *s, size_t cap)
{
    struct slot *old = s->slots;
    size_t oldcap = s->cap;
    s->slots = new_slots(cap);
    s->cap = cap;
    s->count = 0;
    for (size_t i = 0; i < oldcap; i++) {
        const struct slot *e = &old[i];
        if (!e->id)
            continue;
        s->slots[find_slot(s->slots, cap, e->id)] = *e;
        s->count++;
    }
    free(old);
}

/* Forgets what was touched before cutoff (never a scanner) where it
 * lies, without a second table: at the limit the table is the biggest
 * thing the program holds. Then every key left is placed again, in
 * order from an empty slot on, which only moves it back along its probe
 * path, over the holes the forgotten left. */
static void forget(struct scans *s, int64_t cutoff)
{
    size_t mask = s->cap - 1, start = s->cap;
    for (size_t i = 0; i < s->cap; i++) {
        struct slot *e = &s->slots[i];
        if (e->id && e->v.tag != T_SCANNER && e->v.t < cutoff) {
            memset(e, 0, sizeof(*e));
            s->count--;
            s->st.forgotten++;
        }
        if (!e->id && start == s->cap)
            start = i;
    }
    if (start == s->cap)
        return; /* no hole: nothing was forgotten (the table is never full) */
    for (size_t n = 1; n < s->cap; n++) {
        struct slot *e = &s->slots[(start + n) & mask];
        if (!e->id)
            continue;
        struct slot moved = *e;
        memset(e, 0, sizeof(*e));
        s->slots[find_slot(s->slots, s->cap, moved.id)] = moved;
    }
}

/* Room for one more key: a bigger table while the limit allows, then
 * forgetting what the window no longer counts, then what is older than a
 * probe's wait, then all but the scanners. */
static void make_room(struct scans *s)
{
    if (s->cap < s->max_cap) {
        rebuild(s, s->cap * 2);
        return;
    }
    int64_t cutoffs[] = {s->now - s->window, s->now - s->wait, s->now, INT64_MAX};
    for (size_t i = 0; i < sizeof(cutoffs) / sizeof(cutoffs[0]); i++) {
        forget(s, cutoffs[i]);
        if (s->count * 4 <= s->cap)
            return;
    }
}

static struct val *find(const struct scans *s, const struct key *k)
{
    size_t i = find_slot(s->slots, s->cap, hash_key(k));
    return s->slots[i].id ? &s->slots[i].v : NULL;
}

/* The value for k, made (zeroed) if new. Valid until the next get(). */
static struct val *get(struct scans *s, const struct key *k, bool *made)
{
    uint64_t id = hash_key(k);
    size_t i = find_slot(s->slots, s->cap, id);
    *made = !s->slots[i].id;
    if (!*made)
        return &s->slots[i].v;
    if ((s->count + 1) * 2 > s->cap) {
        make_room(s);
        i = find_slot(s->slots, s->cap, id);
    }
    s->slots[i].id = id;
    s->slots[i].v = (struct val){.tag = k->tag};
    s->count++;
    return &s->slots[i].v;
}

/* A count that starts again when its window is over. */
static struct val *bump(struct scans *s, const struct key *k)
{
    bool made;
    struct val *v = get(s, k, &made);
    if (made || s->now - v->start > s->window) {
        v->n = 0;
        v->start = s->now;
    }
    v->n++;
    v->t = s->now;
    return v;
}

static unsigned scanner_bit(const struct addr *a)
{
    struct key k = make_key(T_SCANNER, a, NULL, 0, 0, 0);
    return (unsigned)(hash_key(&k) >> 52) & 4095u;
}

bool scans_is_scanner(const struct scans *s, const struct addr *a)
{
    unsigned bit = scanner_bit(a);
    if (!(s->scanner_bits[bit >> 6] >> (bit & 63) & 1))
        return false;
    struct key k = make_key(T_SCANNER, a, NULL, 0, 0, 0);
    return find(s, &k) != NULL;
}

/* a is a scanner (how: SCAN_*), if not one already; failed: its failed
 * probes so far. */
static void found(struct scans *s, const struct addr *a, unsigned how)
{
    struct key k = make_key(T_SCANNER, a, NULL, 0, 0, 0);
    if (scans_is_scanner(s, a)) {
        s->found[find(s, &k)->n].how |= how;
        return;
    }
    if (s->nfound == SCANNERS_MAX)
        return;
    struct key hk = make_key(T_HOST, a, NULL, 0, 0, 0);
    const struct val *acc = find(s, &hk);
    if (s->nfound == s->capfound) {
        s->capfound = s->capfound ? s->capfound * 2 : 16;
        s->found = xreallocarray(s->found, s->capfound, sizeof(*s->found));
    }
    s->found[s->nfound] = (struct scans_scanner){
        .addr = *a, .found_ns = s->now, .last_ns = s->now, .failed = acc ? acc->n : 0,
        .how = how | (acc ? acc->kind : 0)};
    bool made;
    get(s, &k, &made)->n = (uint32_t)s->nfound++;
    unsigned bit = scanner_bit(a);
    s->scanner_bits[bit >> 6] |= 1ull << (bit & 63);
}

/* a's probe of (b, proto, port) counts towards the ports of b from the
 * moment it is sent until it is answered: a port scan shows in its first
 * probes, before their wait is over, and no client keeps that many ports
 * of one host waiting. */
static void count_port(struct scans *s, const struct key *conv, unsigned kind)
{
    bool made;
    struct key k = make_key(T_PCOUNT, &conv->a, &conv->b, conv->proto, 0, conv->p2);
    struct val *v = get(s, &k, &made);
    if (!made && v->state && s->now - v->t <= s->window)
        return;
    v->state = 1;
    v->t = s->now;
    k = make_key(T_PORTS, &conv->a, &conv->b, 0, 0, 0);
    if (bump(s, &k)->n >= s->o.ports)
        found(s, &conv->a, SCAN_PORTS | kind);
}

/* The probe was answered: it counts no more. */
static void uncount_port(struct scans *s, const struct key *conv)
{
    struct key k = make_key(T_PCOUNT, &conv->a, &conv->b, conv->proto, 0, conv->p2);
    struct val *v = find(s, &k);
    if (!v || !v->state)
        return;
    v->state = 0;
    k = make_key(T_PORTS, &conv->a, &conv->b, 0, 0, 0);
    v = find(s, &k);
    if (v && v->n)
        v->n--;
}

/* The probe conv failed: counted once per window towards the hosts on
 * its port (and its ports, if it was not yet); past either threshold its
 * opener is a scanner. */
static void failed(struct scans *s, const struct key *conv, unsigned kind)
{
    s->st.failed++;
    if (conv->proto != 1 && conv->proto != 58)
        count_port(s, conv, kind);
    bool made;
    struct key k = make_key(T_FAILED, &conv->a, &conv->b, conv->proto, 0, conv->p2);
    struct val *v = get(s, &k, &made);
    if (!made && s->now - v->t <= s->window)
        return;
    v->t = s->now;
    k = make_key(T_HOST, &conv->a, NULL, 0, 0, 0);
    v = get(s, &k, &made);
    v->n++;
    v->t = s->now;
    v->kind |= (uint8_t)kind;
    if (scans_is_scanner(s, &conv->a)) {
        k = make_key(T_SCANNER, &conv->a, NULL, 0, 0, 0);
        struct scans_scanner *sc = &s->found[find(s, &k)->n];
        sc->failed++;
        sc->last_ns = s->now;
        sc->how |= kind;
        return;
    }
    k = make_key(T_HOSTS, &conv->a, NULL, conv->proto, 0, conv->p2);
    if (bump(s, &k)->n >= s->o.hosts)
        found(s, &conv->a, SCAN_HOSTS | kind);
}

static void queue(struct scans *s, const struct key *k, int64_t start)
{
    if (s->flen == s->fcap) {
        if (s->fcap == FIFO_MAX) { /* full: the oldest waits no more */
            s->fhead = (s->fhead + 1) % s->fcap;
            s->flen--;
            s->st.forgotten++;
        } else {
            size_t cap = s->fcap ? s->fcap * 2 : 256;
            struct pending *q = xcalloc(cap, sizeof(*q));
            for (size_t i = 0; i < s->flen; i++)
                q[i] = s->fifo[(s->fhead + i) % s->fcap];
            free(s->fifo);
            s->fifo = q;
            s->fcap = cap;
            s->fhead = 0;
        }
    }
    s->fifo[(s->fhead + s->flen++) % s->fcap] = (struct pending){*k, start};
}

void scans_settle(struct scans *s, int64_t now_ns)
{
    while (s->flen) {
        struct pending p = s->fifo[s->fhead];
        if (now_ns != INT64_MAX && p.start > now_ns - s->wait)
            return;
        s->fhead = (s->fhead + 1) % s->fcap;
        s->flen--;
        struct val *c = find(s, &p.k);
        if (!c || c->state != PENDING || c->start != p.start)
            continue; /* answered, or opened again since */
        c->state = FAILED;
        /* counted at the moment it failed, however late it is noticed */
        int64_t now = s->now;
        s->now = p.start + s->wait;
        failed(s, &p.k, c->kind);
        if (now > s->now)
            s->now = now;
    }
}

/* A has opened from sport to dport: a source port that opens towards
 * many destination ports is a client port. */
static void client_count(struct scans *s, const struct key *conv)
{
    if (!conv->p1 || !conv->p2)
        return;
    bool made;
    struct key k = make_key(T_CLIENTDST, &conv->a, NULL, conv->proto, conv->p1, conv->p2);
    struct val *v = get(s, &k, &made);
    bool again = !made && s->now - v->t <= s->window;
    v->t = s->now;
    if (again)
        return;
    k = make_key(T_CLIENT, &conv->a, NULL, conv->proto, conv->p1, 0);
    v = bump(s, &k);
    if (v->n >= s->o.client_ports && !v->state) {
        v->state = 1;
        s->client_bits[conv->p1 >> 6] |= 1ull << (conv->p1 & 63);
        s->st.client_ports++;
    }
}

static bool is_client(const struct scans *s, const struct addr *a, uint8_t proto,
                      uint16_t port)
{
    if (!(s->client_bits[port >> 6] >> (port & 63) & 1))
        return false;
    struct key k = make_key(T_CLIENT, a, NULL, proto, port, 0);
    const struct val *v = find(s, &k);
    return v && v->state && s->now - v->t <= s->window;
}

/* ev opens (or repeats) the probe k. A FIN, NULL or XMAS segment has
 * failed as it is sent: nothing answers it with a connection. */
static void open_probe(struct scans *s, struct event *ev, const struct key *k,
                       unsigned kind, bool fails)
{
    bool made;
    struct val *c = get(s, k, &made);
    bool fresh = made || (c->state != PENDING && s->now - c->start > s->window);
    c->t = s->now;
    if (fresh) {
        c->state = fails ? FAILED : PENDING;
        c->start = s->now;
        c->kind = (uint8_t)kind;
        s->st.probes++;
    }
    bool answered = c->state == ANSWERED;
    if (fresh) {
        if (fails) {
            failed(s, k, kind);
        } else {
            queue(s, k, s->now);
            if (k->proto != 1 && k->proto != 58)
                count_port(s, k, kind);
        }
        client_count(s, k);
    }
    if (!answered)
        ev->flags |= EVENT_PROBE;
}

/* ev comes from the responder of the probe c (its opener is ev->dst). */
static void answer(struct scans *s, struct event *ev, struct val *c, bool ok)
{
    uint8_t was = c->state;
    if (was == ANSWERED)
        return;
    if (was == PENDING) {
        c->state = ok ? ANSWERED : FAILED;
        unsigned kind = c->kind;
        uint16_t p1 = ev->proto == 6 || ev->proto == 17 ? ev->dport : 0;
        uint16_t p2 = ev->proto == 6 || ev->proto == 17 ? ev->sport : 0;
        struct key k = make_key(T_CONV, &ev->dst, &ev->src, ev->proto, p1, p2);
        if (ok) {
            s->st.answered++;
            uncount_port(s, &k);
        } else {
            failed(s, &k, kind);
        }
    }
    ev->flags |= EVENT_PROBE;
}

static struct val *find_conv(const struct scans *s, const struct addr *a,
                             const struct addr *b, uint8_t proto, uint16_t p1, uint16_t p2)
{
    struct key k = make_key(T_CONV, a, b, proto, p1, p2);
    return find(s, &k);
}

static void tcp(struct scans *s, struct event *ev)
{
    uint8_t f = ev->tcpflags;
    bool syn = f & TH_SYN, ack = f & TH_ACK, rst = f & TH_RST;
    if (ack && !syn && !rst)
        return; /* a conversation under way */
    if ((syn && !ack) || (!syn && !ack && !rst)) { /* an opening; FIN, NULL, XMAS */
        /* whoever opens is the client, unless its port is a service's */
        if (!services_known(6, ev->sport))
            ev->flags |= EVENT_CLIENT_SPORT;
        struct key k = make_key(T_CONV, &ev->src, &ev->dst, 6, ev->sport, ev->dport);
        open_probe(s, ev, &k, syn ? SCAN_SYN : SCAN_STEALTH, !syn);
        return;
    }
    /* SYN-ACK or a reset: the responder's answer, or the opener giving up */
    struct val *c = find_conv(s, &ev->dst, &ev->src, 6, ev->dport, ev->sport);
    if (c) {
        if (!services_known(6, ev->dport))
            ev->flags |= EVENT_CLIENT_DPORT;
        answer(s, ev, c, !rst);
        return;
    }
    c = find_conv(s, &ev->src, &ev->dst, 6, ev->sport, ev->dport);
    if (c && c->state != ANSWERED)
        ev->flags |= EVENT_PROBE;
}

static bool unicast(const struct addr *a)
{
    if (a->family == 6)
        return a->b[0] != 0xff;
    uint32_t v = (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 |
                 (uint32_t)a->b[2] << 8 | a->b[3];
    return v != 0 && v != 0xffffffffu && (v >> 28) != 0xe;
}

static void udp(struct scans *s, struct event *ev)
{
    if (!ev->sport || !ev->dport)
        return; /* a fragment: no ports to say whose it is */
    struct val *c = find_conv(s, &ev->dst, &ev->src, 17, ev->dport, ev->sport);
    if (c) {
        answer(s, ev, c, true);
        return;
    }
    /* from a service's port to a port that is none: the answer to a
     * question this input did not hold, not a probe */
    if (!unicast(&ev->dst) ||
        (services_known(17, ev->sport) && !services_known(17, ev->dport)))
        return;
    struct key k = make_key(T_CONV, &ev->src, &ev->dst, 17, ev->sport, ev->dport);
    open_probe(s, ev, &k, SCAN_UDP, false);
}

static void icmp(struct scans *s, struct event *ev)
{
    bool v6 = ev->proto == 58;
    unsigned type = ev->dport >> 8;
    if (type == (v6 ? 128u : 8u)) { /* echo request */
        if (!unicast(&ev->dst))
            return;
        struct key k = make_key(T_CONV, &ev->src, &ev->dst, ev->proto, 0, 0);
        open_probe(s, ev, &k, SCAN_ICMP, false);
    } else if (type == (v6 ? 129u : 0u)) { /* echo reply */
        struct val *c = find_conv(s, &ev->dst, &ev->src, ev->proto, 0, 0);
        if (c)
            answer(s, ev, c, true);
    } else if (v6 ? type == 1 || type == 3 : type == 3 || type == 11) {
        /* unreachable, time exceeded: no answer, but part of a scan */
        ev->flags |= EVENT_PROBE;
    }
}

static void mark_clients(const struct scans *s, struct event *ev)
{
    if (!s->st.client_ports || (ev->proto != 6 && ev->proto != 17))
        return;
    if (is_client(s, &ev->src, ev->proto, ev->sport))
        ev->flags |= EVENT_CLIENT_SPORT;
    if (is_client(s, &ev->dst, ev->proto, ev->dport))
        ev->flags |= EVENT_CLIENT_DPORT;
}

void scans_event(struct scans *s, struct event *ev)
{
    if (ev->time_ns > s->now)
        s->now = ev->time_ns;
    if (s->flen)
        scans_settle(s, s->now);
    if (ev->src.family && ev->dst.family && !addr_equal(&ev->src, &ev->dst)) {
        if (ev->proto == 6)
            tcp(s, ev);
        else if (ev->proto == 17)
            udp(s, ev);
        else if (ev->proto == 1 || ev->proto == 58)
            icmp(s, ev);
    }
    mark_clients(s, ev);
    if (s->nfound) {
        if (scans_is_scanner(s, &ev->src))
            ev->flags |= EVENT_SCAN_SRC;
        if (scans_is_scanner(s, &ev->dst))
            ev->flags |= EVENT_SCAN_DST;
    }
}

struct scans *scans_create(const struct scans_opts *o)
{
    struct scans *s = xcalloc(1, sizeof(*s));
    if (o)
        s->o = *o;
    if (!s->o.ports)
        s->o.ports = 5;
    if (!s->o.hosts)
        s->o.hosts = 25;
    if (!s->o.client_ports)
        s->o.client_ports = 8;
    if (!(s->o.window_s > 0))
        s->o.window_s = 300;
    if (!(s->o.wait_s > 0))
        s->o.wait_s = 3;
    if (s->o.max_entries < 1024)
        s->o.max_entries = s->o.max_entries ? 1024 : (size_t)1 << 19;
    s->window = (int64_t)(s->o.window_s * 1e9);
    s->wait = (int64_t)(s->o.wait_s * 1e9);
    for (s->max_cap = 1024; s->max_cap < s->o.max_entries * 2;)
        s->max_cap *= 2;
    scans_reset(s);
    return s;
}

void scans_reset(struct scans *s)
{
    free(s->slots);
    free(s->fifo);
    free(s->found);
    struct scans_opts o = s->o;
    int64_t window = s->window, wait = s->wait;
    size_t max_cap = s->max_cap;
    memset(s, 0, sizeof(*s));
    s->o = o;
    s->window = window;
    s->wait = wait;
    s->max_cap = max_cap;
    s->cap = 1024;
    s->slots = new_slots(s->cap);
    s->now = INT64_MIN / 2;
}

void scans_destroy(struct scans *s)
{
    if (!s)
        return;
    free(s->slots);
    free(s->fifo);
    free(s->found);
    free(s);
}

const struct scans_scanner *scans_scanners(const struct scans *s, size_t *n)
{
    *n = s->nfound;
    return s->found;
}

void scans_get_stats(const struct scans *s, struct scans_stats *out)
{
    *out = s->st;
    out->scanners = s->nfound;
}
