/* Hosts in a dense array, in the order they came, with an open-addressing
 * index over them that grows as they come; the services' totals the same
 * way; and a table of the conversations seen lately, for counting flows
 * in packets. */
#include "analyze/talkers.h"

#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/services.h"
#include "base/xalloc.h"

/* A conversation seen lately: a hash of its key (0: an empty slot) and
 * when it was last seen. Two conversations with one hash count as one:
 * at 64 bits, rare enough for a count. */
struct conv {
    uint64_t key;
    int64_t last_ns;
};

enum {
    CONV_MIN = 4096,
    CONV_MAX = 1 << 20, /* slots at most: 16 MiB */
    SERVICES_MAX = 1 << 20
};

struct talkers {
    struct talker *hosts; /* in arrival order */
    size_t n, cap, max;
    uint32_t *index;      /* host + 1 per slot; 0: empty */
    size_t slots;         /* a power of two, at least twice n */
    struct talker_total *svc; /* services, in arrival order */
    size_t nsvc, capsvc;
    uint32_t *svc_index;  /* service + 1 per slot */
    size_t svc_slots;
    struct conv *conv;    /* open addressing, linear probes */
    size_t nconv, conv_slots;
    uint64_t refused;
    unsigned top_n;       /* n of the last ranking */
    uint64_t *scratch;    /* the ranking's octets */
};

struct talkers *talkers_create(size_t max_hosts)
{
    struct talkers *t = xcalloc(1, sizeof(*t));
    t->max = max_hosts ? max_hosts : (size_t)4 << 20;
    t->slots = 1024;
    t->index = xcalloc(t->slots, sizeof(*t->index));
    t->svc_slots = 256;
    t->svc_index = xcalloc(t->svc_slots, sizeof(*t->svc_index));
    t->conv_slots = CONV_MIN;
    t->conv = xcalloc(t->conv_slots, sizeof(*t->conv));
    return t;
}

void talkers_destroy(struct talkers *t)
{
    if (!t)
        return;
    free(t->hosts);
    free(t->index);
    free(t->svc);
    free(t->svc_index);
    free(t->conv);
    free(t->scratch);
    free(t);
}

/* FNV-1a over the family and the bytes that matter. */
static size_t hash(const struct addr *a)
{
    uint64_t h = 1469598103934665603ull ^ a->family;
    unsigned n = a->family == 4 ? 4 : 16;
    for (unsigned i = 0; i < n; i++)
        h = (h ^ a->b[i]) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29));
}

static size_t slot_of(const struct talkers *t, const struct addr *a)
{
    size_t mask = t->slots - 1, i = hash(a) & mask;
    while (t->index[i] && !addr_equal(&t->hosts[t->index[i] - 1].addr, a))
        i = (i + 1) & mask;
    return i;
}

static void grow_index(struct talkers *t)
{
    free(t->index);
    t->slots *= 2;
    t->index = xcalloc(t->slots, sizeof(*t->index));
    for (size_t k = 0; k < t->n; k++)
        t->index[slot_of(t, &t->hosts[k].addr)] = (uint32_t)(k + 1);
}

static struct talker *get(struct talkers *t, const struct addr *a)
{
    size_t i = slot_of(t, a);
    if (t->index[i])
        return &t->hosts[t->index[i] - 1];
    if (t->n == t->max || t->n >= UINT32_MAX - 1) {
        t->refused++;
        return NULL;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->hosts = xreallocarray(t->hosts, t->cap, sizeof(*t->hosts));
    }
    struct talker *h = &t->hosts[t->n++];
    memset(h, 0, sizeof(*h));
    h->addr = *a;
    t->index[i] = (uint32_t)t->n;
    if (t->n * 2 > t->slots) {
        grow_index(t);
        h = &t->hosts[t->n - 1];
    }
    return h;
}

/* Adds octets to the host's service, keeping the busiest first; a new
 * service takes the place of the quietest when all are taken. */
static void add_service(struct talker *h, uint8_t proto, uint16_t port, uint64_t octets)
{
    struct talker_service *s = h->services;
    int k = 0;
    while (k < TALKER_SERVICES && s[k].octets && !(s[k].proto == proto && s[k].port == port))
        k++;
    if (k == TALKER_SERVICES)
        k = TALKER_SERVICES - 1;
    if (!s[k].octets || s[k].proto != proto || s[k].port != port)
        s[k] = (struct talker_service){.proto = proto, .port = port};
    s[k].octets += octets ? octets : 1;
    for (; k > 0 && s[k].octets > s[k - 1].octets; k--) {
        struct talker_service tmp = s[k];
        s[k] = s[k - 1];
        s[k - 1] = tmp;
    }
}

/* The conversation's key, the same both ways; ICMP's type and code are
 * left out, so a ping and its reply are one. */
static uint64_t conv_key(const struct event *ev)
{
    bool ports = ev->proto != 1 && ev->proto != 58;
    const struct addr *a = &ev->src, *b = &ev->dst;
    uint16_t pa = ports ? ev->sport : 0, pb = ports ? ev->dport : 0;
    int c = memcmp(a, b, sizeof(*a));
    if (c > 0 || (c == 0 && pa > pb)) {
        const struct addr *x = a;
        a = b;
        b = x;
        uint16_t y = pa;
        pa = pb;
        pb = y;
    }
    uint64_t h = 1469598103934665603ull;
    const struct addr *both[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        h = (h ^ both[k]->family) * 1099511628211ull;
        for (unsigned i = 0; i < 16; i++)
            h = (h ^ both[k]->b[i]) * 1099511628211ull;
    }
    h = hash_mix64(h ^ ((uint64_t)pa << 24 | (uint64_t)pb << 8 | ev->proto));
    return h ? h : 1;
}

static struct conv *conv_slot(struct conv *tab, size_t slots, uint64_t key)
{
    size_t mask = slots - 1, i = key & mask;
    while (tab[i].key && tab[i].key != key)
        i = (i + 1) & mask;
    return &tab[i];
}

/* Rehashes into slots, keeping the conversations seen since keep_ns. */
static void conv_rebuild(struct talkers *t, size_t slots, int64_t keep_ns)
{
    struct conv *old = t->conv, *tab = xcalloc(slots, sizeof(*tab));
    size_t n = 0;
    for (size_t i = 0; i < t->conv_slots; i++)
        if (old[i].key && old[i].last_ns >= keep_ns) {
            *conv_slot(tab, slots, old[i].key) = old[i];
            n++;
        }
    free(old);
    t->conv = tab;
    t->conv_slots = slots;
    t->nconv = n;
}

/* Whether the event starts a flow: a flow record does; a packet does
 * when its conversation is new or was silent past the idle time. */
static bool starts_flow(struct talkers *t, const struct event *ev)
{
    if (ev->flags & EVENT_FLOW)
        return true;
    const int64_t idle = (int64_t)TALKER_IDLE_S * 1000000000;
    uint64_t key = conv_key(ev);
    struct conv *c = conv_slot(t->conv, t->conv_slots, key);
    bool fresh = !c->key || ev->time_ns - c->last_ns > idle;
    if (!c->key) {
        c->key = key;
        t->nconv++;
    }
    if (fresh || ev->time_ns > c->last_ns)
        c->last_ns = ev->time_ns;
    if (t->nconv * 2 > t->conv_slots) {
        if (t->conv_slots < CONV_MAX)
            conv_rebuild(t, t->conv_slots * 2, INT64_MIN);
        else /* full: forget the idle ones, or all but the newest */
            conv_rebuild(t, t->conv_slots, ev->time_ns - idle);
        if (t->nconv * 8 > t->conv_slots * 3)
            conv_rebuild(t, t->conv_slots, ev->time_ns);
    }
    return fresh;
}

static size_t svc_slot_of(const struct talkers *t, uint8_t proto, uint16_t port)
{
    size_t mask = t->svc_slots - 1, i = hash_mix64((uint64_t)proto << 16 | port) & mask;
    for (uint32_t k; (k = t->svc_index[i]); i = (i + 1) & mask)
        if (t->svc[k - 1].proto == proto && t->svc[k - 1].port == port)
            break;
    return i;
}

static void count_service(struct talkers *t, const struct event *ev, uint16_t port, bool flow)
{
    size_t i = svc_slot_of(t, ev->proto, port);
    if (!t->svc_index[i]) {
        if (t->nsvc == SERVICES_MAX)
            return;
        if (t->nsvc == t->capsvc) {
            t->capsvc = t->capsvc ? t->capsvc * 2 : 256;
            t->svc = xreallocarray(t->svc, t->capsvc, sizeof(*t->svc));
        }
        t->svc[t->nsvc++] = (struct talker_total){.port = port, .proto = ev->proto};
        t->svc_index[i] = (uint32_t)t->nsvc;
        if (t->nsvc * 2 > t->svc_slots) {
            free(t->svc_index);
            t->svc_slots *= 2;
            t->svc_index = xcalloc(t->svc_slots, sizeof(*t->svc_index));
            for (size_t k = 0; k < t->nsvc; k++)
                t->svc_index[svc_slot_of(t, t->svc[k].proto, t->svc[k].port)] =
                    (uint32_t)(k + 1);
        }
        i = svc_slot_of(t, ev->proto, port);
    }
    struct talker_total *s = &t->svc[t->svc_index[i] - 1];
    s->octets += ev->octets;
    s->packets += ev->packets;
    s->flows += flow;
}

static int64_t bin_of(int64_t ns)
{
    return ns >= 0 ? ns / TALKER_BIN_NS : -((-ns - 1) / TALKER_BIN_NS) - 1;
}

static size_t ring_at(int64_t bin)
{
    int64_t r = bin % TALKER_RECENT_BINS;
    return (size_t)(r < 0 ? r + TALKER_RECENT_BINS : r);
}

/* Adds octets at time_ns to the host's last minute; a bin that falls out
 * of the ring is cleared before it is used again. */
static void add_recent(struct talker *h, int64_t time_ns, uint64_t octets)
{
    int64_t b = bin_of(time_ns);
    if (b > h->recent_bin) {
        int64_t gap = b - h->recent_bin;
        for (int64_t k = 1; k <= gap && k <= TALKER_RECENT_BINS; k++)
            h->recent[ring_at(h->recent_bin + k)] = 0;
        h->recent_bin = b;
    } else if (b <= h->recent_bin - TALKER_RECENT_BINS) {
        return; /* older than the ring holds */
    }
    h->recent[ring_at(b)] += octets;
}

static void count_host(struct talker *h, const struct event *ev, uint16_t port, bool flow)
{
    if (!h->packets && !h->octets && !h->flows) {
        h->first_ns = ev->time_ns;
        h->last_ns = ev->end_ns;
        h->recent_bin = bin_of(ev->time_ns);
    }
    h->octets += ev->octets;
    h->packets += ev->packets;
    h->flows += flow;
    if (ev->time_ns < h->first_ns)
        h->first_ns = ev->time_ns;
    int64_t end = ev->end_ns > ev->time_ns ? ev->end_ns : ev->time_ns;
    if (end > h->last_ns)
        h->last_ns = end;
    add_recent(h, ev->time_ns, ev->octets);
    add_service(h, ev->proto, port, ev->octets);
}

void talkers_add(struct talkers *t, const struct event *ev)
{
    uint16_t port = services_event_port(ev);
    bool flow = starts_flow(t, ev);
    count_service(t, ev, port, flow);
    const struct addr *ends[2] = {&ev->src, &ev->dst};
    for (int k = 0; k < 2; k++) {
        if (!ends[k]->family || (k == 1 && addr_equal(ends[0], ends[1])))
            continue;
        struct talker *h = get(t, ends[k]);
        if (h)
            count_host(h, ev, port, flow);
    }
}

const struct talker *talkers_at(const struct talkers *t, size_t i)
{
    return i < t->n ? &t->hosts[i] : NULL;
}

uint64_t talkers_recent(const struct talker *h, int64_t now_ns)
{
    int64_t now = bin_of(now_ns);
    uint64_t total = 0;
    for (int64_t b = now - (TALKER_RECENT_BINS - 1); b <= now; b++)
        if (b <= h->recent_bin && b > h->recent_bin - TALKER_RECENT_BINS)
            total += h->recent[ring_at(b)];
    return total;
}

size_t talkers_busiest(const struct talkers *t, bool last_minute, int64_t now_ns,
                       const struct talker **out, size_t n)
{
    uint64_t v[64];
    if (n > 64)
        n = 64;
    size_t got = 0;
    for (size_t i = 0; i < t->n && n; i++) {
        const struct talker *h = &t->hosts[i];
        uint64_t x = last_minute ? talkers_recent(h, now_ns) : h->octets;
        if ((last_minute && !x) || (got == n && x <= v[n - 1]))
            continue;
        size_t k = got < n ? got++ : n - 1;
        for (; k > 0 && v[k - 1] < x; k--) {
            v[k] = v[k - 1];
            out[k] = out[k - 1];
        }
        v[k] = x;
        out[k] = h;
    }
    return got;
}

const struct talker_total *talkers_services(const struct talkers *t, size_t *n)
{
    *n = t->nsvc;
    return t->svc;
}

const struct talker *talkers_find(const struct talkers *t, const struct addr *a)
{
    size_t i = slot_of(t, a);
    return t->index[i] ? &t->hosts[t->index[i] - 1] : NULL;
}

struct talker *talkers_lookup(struct talkers *t, const struct addr *a)
{
    size_t i = slot_of(t, a);
    return t->index[i] ? &t->hosts[t->index[i] - 1] : NULL;
}

/* The k-th largest (from 0) of v[0..n), moving v about: quickselect
 * with a three-way split, so runs of equal totals cost nothing extra. */
static uint64_t kth_largest(uint64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n; /* the answer lies in v[lo..hi) */
    for (;;) {
        uint64_t pivot = v[lo + (hi - lo) / 2];
        size_t gt = lo, i = lo, lt = hi; /* [lo,gt) > pivot, [gt,i) ==, [lt,hi) < */
        while (i < lt) {
            uint64_t x = v[i];
            if (x > pivot) {
                v[i++] = v[gt];
                v[gt++] = x;
            } else if (x < pivot) {
                v[i] = v[--lt];
                v[lt] = x;
            } else {
                i++;
            }
        }
        if (k < gt)
            hi = gt;
        else if (k >= lt)
            lo = lt;
        else
            return pivot;
    }
}

void talkers_rank(struct talkers *t, unsigned n)
{
    t->top_n = n;
    if (n == 0 || t->n <= n) {
        for (size_t i = 0; i < t->n; i++)
            t->hosts[i].top = n != 0;
        return;
    }
    t->scratch = xreallocarray(t->scratch, t->n, sizeof(*t->scratch));
    for (size_t i = 0; i < t->n; i++)
        t->scratch[i] = t->hosts[i].octets;
    uint64_t bar = kth_largest(t->scratch, t->n, n - 1);
    size_t above = 0;
    for (size_t i = 0; i < t->n; i++)
        above += t->hosts[i].octets > bar;
    size_t ties = n - above; /* hosts at the bar that still fit, first come first */
    for (size_t i = 0; i < t->n; i++) {
        struct talker *h = &t->hosts[i];
        h->top = h->octets > bar || (h->octets == bar && ties > 0);
        if (h->octets == bar && ties > 0)
            ties--;
    }
}

bool talkers_is_top(const struct talkers *t, const struct addr *a)
{
    if (t->n <= t->top_n)
        return true;
    const struct talker *h = talkers_find(t, a);
    return h && h->top;
}

struct talkers *talkers_copy(const struct talkers *t)
{
    struct talkers *c = xcalloc(1, sizeof(*c));
    *c = *t;
    c->hosts = xreallocarray(NULL, t->cap ? t->cap : 1, sizeof(*t->hosts));
    if (t->n)
        memcpy(c->hosts, t->hosts, t->n * sizeof(*t->hosts));
    c->index = xreallocarray(NULL, t->slots, sizeof(*t->index));
    memcpy(c->index, t->index, t->slots * sizeof(*t->index));
    c->svc = xreallocarray(NULL, t->capsvc ? t->capsvc : 1, sizeof(*t->svc));
    if (t->nsvc)
        memcpy(c->svc, t->svc, t->nsvc * sizeof(*t->svc));
    c->svc_index = xreallocarray(NULL, t->svc_slots, sizeof(*t->svc_index));
    memcpy(c->svc_index, t->svc_index, t->svc_slots * sizeof(*t->svc_index));
    c->conv_slots = CONV_MIN; /* see talkers_copy() in the header */
    c->nconv = 0;
    c->conv = xcalloc(c->conv_slots, sizeof(*c->conv));
    c->scratch = NULL;
    return c;
}

size_t talkers_count(const struct talkers *t)
{
    return t->n;
}

uint64_t talkers_refused(const struct talkers *t)
{
    return t->refused;
}
