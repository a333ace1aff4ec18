/* The address-to-name cache: open addressing with linear probing and
 * backward-shift deletion, so that evicting never leaves tombstones. It
 * grows with what it holds, up to twice its capacity in slots; when full, the entry named longest ago among the next few from a moving hand
 * makes room. Names learnt most often are counted in a small table where
 * a name that collides with a busier one wears it down before taking its
 * place (heavy hitters keep theirs). */
#include "analyze/names.h"

#include <string.h>
#include <strings.h>

#include "base/xalloc.h"

enum {
    PENDING = 16,   /* names arriving in parts at once */
    RECENT = 8,     /* the last names learnt */
    MOST = 512,     /* names whose count is kept */
    EVICT_LOOK = 16 /* entries looked at to pick one to evict */
};

struct entry {
    struct addr addr; /* family 0: empty slot */
    uint8_t origin;
    int64_t time_ns;
    char *name;
};

struct pending {
    uint32_t id;
    struct addr addr;
    uint8_t parts, got; /* got: a bit per part arrived */
    uint64_t age;
    char text[EVENT_NAME_TEXT * 7 + 1];
};

struct most {
    char *name;
    uint64_t count;
};

struct names {
    struct entry *slots;
    size_t mask, held, capacity, hand;
    struct pending pending[PENDING];
    uint64_t age;
    char *recent[RECENT];
    unsigned recent_at;
    struct most most[MOST];
    uint64_t learnt, evicted;
};

struct names *names_create(size_t capacity)
{
    struct names *n = xcalloc(1, sizeof(*n));
    n->capacity = capacity ? capacity : 65536;
    n->slots = xcalloc(1024, sizeof(*n->slots)); /* grows with what it holds */
    n->mask = 1023;
    return n;
}

void names_destroy(struct names *n)
{
    if (!n)
        return;
    for (size_t i = 0; i <= n->mask; i++)
        free(n->slots[i].name);
    for (int i = 0; i < RECENT; i++)
        free(n->recent[i]);
    for (int i = 0; i < MOST; i++)
        free(n->most[i].name);
    free(n->slots);
    free(n);
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static size_t addr_slot(const struct names *n, const struct addr *a)
{
    uint64_t w[2];
    memcpy(w, a->b, 16);
    return (size_t)mix(w[0] ^ mix(w[1] ^ a->family)) & n->mask;
}

static size_t find(const struct names *n, const struct addr *a)
{
    for (size_t i = addr_slot(n, a);; i = (i + 1) & n->mask)
        if (!n->slots[i].addr.family || addr_equal(&n->slots[i].addr, a))
            return i;
}

/* Removes slot i, moving later entries of its run back into the gap. */
static void remove_at(struct names *n, size_t i)
{
    free(n->slots[i].name);
    n->slots[i] = (struct entry){0};
    for (size_t j = (i + 1) & n->mask; n->slots[j].addr.family; j = (j + 1) & n->mask) {
        size_t home = addr_slot(n, &n->slots[j].addr);
        /* j may move to i when its home is not within (i, j] cyclically */
        if (((j - home) & n->mask) >= ((j - i) & n->mask)) {
            n->slots[i] = n->slots[j];
            n->slots[j] = (struct entry){0};
            i = j;
        }
    }
    n->held--;
}

static void evict_one(struct names *n)
{
    size_t best = SIZE_MAX;
    for (size_t looked = 0; looked < EVICT_LOOK;) {
        size_t i = n->hand;
        n->hand = (n->hand + 1) & n->mask;
        if (!n->slots[i].addr.family)
            continue;
        looked++;
        if (best == SIZE_MAX || n->slots[i].time_ns < n->slots[best].time_ns)
            best = i;
    }
    remove_at(n, best);
    n->evicted++;
}

static uint64_t text_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (uint8_t)(*s | 0x20)) * 1099511628211ULL;
    return h;
}

static void count_name(struct names *n, const char *name)
{
    uint64_t h = text_hash(name);
    for (int k = 0; k < 2; k++) { /* two buckets per name */
        struct most *m = &n->most[(h >> (k * 32)) % MOST];
        if (m->name && strcasecmp(m->name, name) == 0) {
            m->count++;
            return;
        }
    }
    struct most *a = &n->most[h % MOST], *b = &n->most[(h >> 32) % MOST];
    struct most *m = !a->name ? a : !b->name ? b : a->count <= b->count ? a : b;
    if (m->name && --m->count > 0)
        return; /* the holder is busier: it wears down instead */
    free(m->name);
    m->name = xstrdup(name);
    m->count = 1;
}

/* Twice the slots, while that keeps under twice the capacity. */
static void grow(struct names *n)
{
    struct entry *old = n->slots;
    size_t size = n->mask + 1;
    n->slots = xcalloc(size * 2, sizeof(*n->slots));
    n->mask = size * 2 - 1;
    n->hand = 0;
    for (size_t i = 0; i < size; i++)
        if (old[i].addr.family)
            n->slots[find(n, &old[i].addr)] = old[i];
    free(old);
}

void names_learn(struct names *n, const struct addr *a, const char *name, size_t len,
                 enum event_name_origin origin, int64_t time_ns)
{
    if (!a->family || len == 0)
        return;
    if ((n->held + 1) * 2 > n->mask + 1 && (n->mask + 1) < n->capacity * 2)
        grow(n);
    size_t i = find(n, a);
    if (!n->slots[i].addr.family && n->held == n->capacity) {
        evict_one(n);
        i = find(n, a);
    }
    struct entry *e = &n->slots[i];
    if (!e->addr.family) {
        e->addr = *a;
        n->held++;
    }
    if (!e->name || strlen(e->name) != len || memcmp(e->name, name, len) != 0) {
        free(e->name);
        e->name = xcalloc(len + 1, 1);
        memcpy(e->name, name, len);
    }
    e->origin = (uint8_t)origin;
    e->time_ns = time_ns;
    n->learnt++;
    count_name(n, e->name);
    unsigned last = (n->recent_at + RECENT - 1) % RECENT;
    if (!n->recent[last] || strcasecmp(n->recent[last], e->name) != 0) {
        free(n->recent[n->recent_at]);
        n->recent[n->recent_at] = xstrdup(e->name);
        n->recent_at = (n->recent_at + 1) % RECENT;
    }
}

void names_take(struct names *n, const struct event *ev)
{
    const struct event_name *r = &ev->name;
    if (!(ev->flags & EVENT_NAME) || r->parts == 0 || r->parts > 7 || r->part >= r->parts ||
        r->len > EVENT_NAME_TEXT)
        return;
    if (r->parts == 1) {
        names_learn(n, &ev->src, r->text, r->len, r->origin, ev->time_ns);
        return;
    }
    struct pending *p = NULL, *oldest = &n->pending[0];
    for (int i = 0; i < PENDING && !p; i++) {
        struct pending *q = &n->pending[i];
        if (q->parts && q->id == r->id && addr_equal(&q->addr, &ev->src))
            p = q;
        else if (!q->parts || (oldest->parts && q->age < oldest->age))
            oldest = q;
    }
    if (!p || p->parts != r->parts) {
        p = p ? p : oldest;
        memset(p, 0, sizeof(*p));
        p->id = r->id;
        p->addr = ev->src;
        p->parts = r->parts;
    }
    p->age = ++n->age;
    /* every part but the last is full */
    if (r->part + 1 < r->parts && r->len != EVENT_NAME_TEXT)
        return;
    memcpy(p->text + (size_t)r->part * EVENT_NAME_TEXT, r->text, r->len);
    p->got |= (uint8_t)(1u << r->part);
    if (r->part + 1 == r->parts)
        p->text[(size_t)r->part * EVENT_NAME_TEXT + r->len] = 0;
    if (p->got == (1u << p->parts) - 1) {
        names_learn(n, &p->addr, p->text, strlen(p->text), r->origin, ev->time_ns);
        p->parts = 0;
    }
}

const char *names_get(const struct names *n, const struct addr *a,
                      enum event_name_origin *origin)
{
    if (!a->family || !n->held)
        return NULL;
    const struct entry *e = &n->slots[find(n, a)];
    if (!e->addr.family)
        return NULL;
    if (origin)
        *origin = (enum event_name_origin)e->origin;
    return e->name;
}

const char *names_origin_word(enum event_name_origin origin)
{
    switch (origin) {
    case NAME_DNS: return "dns";
    case NAME_MDNS: return "mdns";
    case NAME_SNI: return "tls";
    case NAME_HTTP: return "http";
    case NAME_LOG: return "log";
    default: return "?";
    }
}

void names_totals(const struct names *n, struct names_totals *out)
{
    *out = (struct names_totals){n->learnt, n->held, n->evicted};
}

size_t names_recent(const struct names *n, const char **name, size_t max)
{
    size_t k = 0;
    for (unsigned i = 1; i <= RECENT && k < max; i++) {
        const char *s = n->recent[(n->recent_at + RECENT - i) % RECENT];
        if (s)
            name[k++] = s;
    }
    return k;
}

size_t names_most(const struct names *n, const char **name, uint64_t *count, size_t max)
{
    size_t k = 0;
    for (int i = 0; i < MOST; i++) {
        const struct most *m = &n->most[i];
        if (!m->name)
            continue;
        size_t pos = k < max ? k++ : max;
        while (pos > 0 && (count[pos - 1] < m->count ||
                           (count[pos - 1] == m->count && strcmp(name[pos - 1], m->name) > 0))) {
            if (pos < max) {
                name[pos] = name[pos - 1];
                count[pos] = count[pos - 1];
            }
            pos--;
        }
        if (pos < max) {
            name[pos] = m->name;
            count[pos] = m->count;
        }
    }
    return k;
}
