/* Hosts in a dense array, in the order they came, with an open-addressing
 * index over them that grows as they come. */
#include "analyze/talkers.h"

#include <stdlib.h>
#include <string.h>

#include "base/services.h"
#include "base/xalloc.h"

struct talkers {
    struct talker *hosts; /* in arrival order */
    size_t n, cap, max;
    uint32_t *index;      /* host + 1 per slot; 0: empty */
    size_t slots;         /* a power of two, at least twice n */
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
    return t;
}

void talkers_destroy(struct talkers *t)
{
    if (!t)
        return;
    free(t->hosts);
    free(t->index);
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

void talkers_add(struct talkers *t, const struct event *ev)
{
    uint16_t port = services_event_port(ev);
    const struct addr *ends[2] = {&ev->src, &ev->dst};
    for (int k = 0; k < 2; k++) {
        if (!ends[k]->family || (k == 1 && addr_equal(ends[0], ends[1])))
            continue;
        struct talker *h = get(t, ends[k]);
        if (!h)
            continue;
        h->octets += ev->octets;
        h->packets += ev->packets;
        add_service(h, ev->proto, port, ev->octets);
    }
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
