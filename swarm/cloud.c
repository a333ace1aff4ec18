/* Subnet clouds (see cloud.h). Membership changes through a table from
 * the subnet to its cloud; a host's subnet is looked up only when it
 * joins. Everything runs in host index order, so a run is deterministic. */
#include "swarm/cloud.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "swarm/motion.h"
#include "swarm/table.h"

#define CLOUD_KEEP 300      /* the busiest hosts stay single */
#define CLOUD_MIN 3         /* members a cloud needs to be drawn as one */
#define CLOUD_BUDGET 256    /* auto prefix: subnets at most, per family */
#define CLOUD_SPACING 3.5f  /* radius: this many world units per root of its hosts */
#define PLACE_SPACING 5.0f  /* its members' pattern: a little wider, so that
                               split, their dots stand apart */
#define GATHER 4.0f         /* a member nears its place at this rate, 1/s */
#define CLOUD_DRAG 2.5f     /* as a host's */
#define CLOUD_FADE_S 0.8f   /* a cloud fades in or out in this */
#define RANK_STEPS 8        /* steps between rankings of the hosts' heat */
#define REGROUP_STEPS 120   /* steps between choices of the prefix */
#define LEAVE_FACTOR 2.0f   /* a member leaves at this times the threshold */
#define CLOUD_PUSH 100.0f   /* clouds that overlap push apart, per unit */
#define PUSH_MAX 2048       /* formed clouds beyond which they do not */

struct acc {
    float x, y, fx, fy, heat;
    uint32_t n;
};

struct clouds {
    struct swarm_opts o;
    struct swarm_cloud *a;
    struct acc *acc;       /* this step's sums, per cloud */
    float *pull;           /* last step's mean pull, x and y per cloud */
    uint32_t cap, nused, nfree, *free;
    struct table *index;   /* subnet (the masked address) to cloud */
    float threshold;       /* heat under which a host is quiet */
    uint32_t steps;
    bool on;
    uint8_t v4, v6;        /* prefixes in force */
    float *sun;            /* members' places, x and y by slot, unscaled */
    uint32_t nsun;
    float *heats;          /* scratch for the ranking */
    uint32_t *ids;         /* scratch for the push: the formed clouds */
    uint8_t *seen;         /* scratch for the prefix choice: a bit per /24 */
    uint64_t *keys6;
    uint32_t formed, merged;
};

struct clouds *clouds_create(const struct swarm_opts *o)
{
    struct clouds *c = xcalloc(1, sizeof(*c));
    c->o = *o;
    c->v4 = o->group == SWARM_GROUP_FIXED && o->group_v4 ? o->group_v4 : 24;
    c->v6 = o->group == SWARM_GROUP_FIXED && o->group_v6 ? o->group_v6 : 64;
    if (c->v4 > 32)
        c->v4 = 32;
    if (c->v6 > 128)
        c->v6 = 128;
    c->index = table_create(o->max_hosts);
    return c;
}

void clouds_destroy(struct clouds *c)
{
    if (!c)
        return;
    free(c->a);
    free(c->acc);
    free(c->pull);
    free(c->free);
    table_destroy(c->index);
    free(c->sun);
    free(c->heats);
    free(c->ids);
    free(c->seen);
    free(c->keys6);
    free(c);
}

/* An array of cap entries, the first n of them copied from p. */
static void *dup(const void *p, size_t cap, size_t n, size_t size)
{
    void *q = xcalloc(cap, size);
    if (n)
        memcpy(q, p, n * size);
    return q;
}

struct clouds *clouds_dup(const struct clouds *c)
{
    struct clouds *d = clouds_create(&c->o);
    d->cap = c->cap;
    d->nused = c->nused;
    d->nfree = c->nfree;
    d->threshold = c->threshold;
    d->steps = c->steps;
    d->on = c->on;
    d->v4 = c->v4;
    d->v6 = c->v6;
    d->formed = c->formed;
    d->merged = c->merged;
    if (c->cap) {
        d->a = dup(c->a, c->cap, c->nused, sizeof(*c->a));
        d->acc = dup(c->acc, c->cap, c->nused, sizeof(*c->acc));
        d->pull = dup(c->pull, c->cap, c->nused, 2 * sizeof(*c->pull));
        d->free = dup(c->free, c->cap, c->nfree, sizeof(*c->free));
    }
    for (uint32_t i = 0; i < d->nused; i++)
        if (d->a[i].live)
            table_put(d->index, &d->a[i].net, i);
    return d;
}

/* The subnet of a, prefix bits kept. */
static struct addr subnet(const struct addr *a, unsigned prefix)
{
    struct addr n = {.family = a->family};
    unsigned bytes = a->family == 4 ? 4 : 16;
    for (unsigned i = 0; i < bytes; i++) {
        unsigned keep = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;
        n.b[i] = (uint8_t)(a->b[i] & (0xff00u >> keep));
    }
    return n;
}

static uint32_t take_cloud(struct clouds *c)
{
    if (c->nfree)
        return c->free[--c->nfree];
    if (c->nused == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->a = xreallocarray(c->a, c->cap, sizeof(*c->a));
        c->acc = xreallocarray(c->acc, c->cap, sizeof(*c->acc));
        c->pull = xreallocarray(c->pull, c->cap, 2 * sizeof(*c->pull));
        c->free = xreallocarray(c->free, c->cap, sizeof(*c->free));
    }
    return c->nused++;
}

static void join(struct clouds *c, struct swarm_host *h)
{
    struct addr net = subnet(&h->addr, h->addr.family == 4 ? c->v4 : c->v6);
    uint32_t i = table_get(c->index, &net);
    if (i == UINT32_MAX) {
        i = take_cloud(c);
        if (!table_put(c->index, &net, i)) { /* never: as many entries as hosts */
            c->a[i].live = false;
            c->free[c->nfree++] = i;
            return;
        }
        c->a[i] = (struct swarm_cloud){.x = h->x, .y = h->y, .live = true, .net = net,
                                       .prefix = h->addr.family == 4 ? c->v4 : c->v6};
        c->acc[i] = (struct acc){0};
        c->pull[2 * i] = c->pull[2 * i + 1] = 0;
    }
    c->a[i].hosts++;
    h->cloud = i;
    h->slot = c->a[i].next++;
}

void clouds_leave(struct clouds *c, struct swarm_host *h)
{
    if (h->cloud == SWARM_NO_CLOUD)
        return;
    struct swarm_cloud *cl = &c->a[h->cloud];
    if (--cl->hosts == 0)
        cl->next = 0; /* its places start over */
    h->cloud = SWARM_NO_CLOUD;
}

/* Every host out, every cloud gone at once (a new prefix, or off). */
static void dissolve(struct clouds *c, struct swarm_host *hosts, uint32_t nused)
{
    for (uint32_t i = 0; i < nused; i++)
        hosts[i].cloud = SWARM_NO_CLOUD;
    for (uint32_t i = 0; i < c->nused; i++) {
        if (c->a[i].live) {
            table_remove(c->index, &c->a[i].net);
            c->a[i].live = false;
            c->free[c->nfree++] = i;
        }
    }
    c->formed = c->merged = 0;
}

static bool may_merge(const struct swarm_host *h)
{
    return h->live && !h->hidden && !h->scanner && h->addr.family != 0;
}

/* The k-th largest of v[0, n), by quickselect (v is reordered). */
static float kth_largest(float *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        float pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] > pivot)
                i++;
            while (v[j] < pivot)
                j--;
            if (i <= j) {
                float t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

static void rank_heat(struct clouds *c, const struct swarm_host *hosts, uint32_t nused)
{
    if (!c->heats)
        c->heats = xcalloc(c->o.max_hosts, sizeof(float));
    uint32_t n = 0;
    for (uint32_t i = 0; i < nused; i++)
        if (may_merge(&hosts[i]))
            c->heats[n++] = hosts[i].heat;
    c->threshold = n > CLOUD_KEEP ? kth_largest(c->heats, (int)n, CLOUD_KEEP) : -1.0f;
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The longest of the prefixes (longest first) under which the quiet
 * hosts make at most CLOUD_BUDGET subnets; the shortest if none does. */
static uint8_t choose(const uint32_t count[5], const uint8_t prefix[5])
{
    for (int k = 0; k < 5; k++)
        if (count[k] <= CLOUD_BUDGET)
            return prefix[k];
    return prefix[4];
}

/* AUTO: counts the quiet hosts' subnets at /24 /20 /16 /12 /8 (IPv4, a
 * bitmap each) and /64 /56 /48 /40 /32 (IPv6, sorted), and picks. */
static void choose_prefixes(struct clouds *c, const struct swarm_host *hosts, uint32_t nused,
                            uint8_t *v4, uint8_t *v6)
{
    static const uint8_t p4[5] = {24, 20, 16, 12, 8}, p6[5] = {64, 56, 48, 40, 32};
    static const size_t off[5] = {0, 1u << 21, (1u << 21) + (1u << 17),
                                  (1u << 21) + (1u << 17) + (1u << 13),
                                  (1u << 21) + (1u << 17) + (1u << 13) + (1u << 9)};
    size_t bytes = off[4] + (1u << 5);
    if (!c->seen)
        c->seen = xmalloc(bytes);
    if (!c->keys6)
        c->keys6 = xcalloc(c->o.max_hosts, sizeof(uint64_t));
    memset(c->seen, 0, bytes);
    uint32_t n4[5] = {0}, n6[5] = {0}, nk = 0;
    for (uint32_t i = 0; i < nused; i++) {
        const struct swarm_host *h = &hosts[i];
        if (!may_merge(h) || h->heat >= c->threshold)
            continue;
        if (h->addr.family == 4) {
            uint32_t a = (uint32_t)h->addr.b[0] << 16 | (uint32_t)h->addr.b[1] << 8 |
                         h->addr.b[2];
            for (int k = 0; k < 5; k++) {
                uint32_t v = a >> (24 - p4[k]);
                uint8_t *byte = &c->seen[off[k] + v / 8], bit = (uint8_t)(1u << (v % 8));
                n4[k] += !(*byte & bit);
                *byte |= bit;
            }
        } else {
            uint64_t v = 0;
            for (int b = 0; b < 8; b++)
                v = v << 8 | h->addr.b[b];
            c->keys6[nk++] = v;
        }
    }
    if (nk > 1)
        qsort(c->keys6, nk, sizeof(uint64_t), by_key);
    for (uint32_t i = 0; i < nk; i++)
        for (int k = 0; k < 5; k++)
            n6[k] += i == 0 || (c->keys6[i] ^ c->keys6[i - 1]) >> (64 - p6[k]) != 0;
    *v4 = choose(n4, p4);
    *v6 = choose(n6, p6);
}

void clouds_update(struct clouds *c, struct swarm_host *hosts, uint32_t nused, uint32_t nlive)
{
    uint32_t at = c->o.group_at ? c->o.group_at : 2000;
    bool on = c->o.group != SWARM_GROUP_OFF && nlive > (c->on ? at - at / 5 : at);
    if (!on) {
        if (c->on)
            dissolve(c, hosts, nused);
        c->on = false;
        return;
    }
    if (!c->on || c->steps % RANK_STEPS == 0)
        rank_heat(c, hosts, nused);
    /* the prefix is chosen again now and then, and soon when the clouds
     * have grown far past the budget (a crowd arriving at once) */
    bool crowded = c->nused - c->nfree > 4 * CLOUD_BUDGET && c->steps % RANK_STEPS == 0;
    if (c->o.group == SWARM_GROUP_AUTO &&
        (!c->on || c->steps % REGROUP_STEPS == 0 || crowded)) {
        uint8_t v4, v6;
        choose_prefixes(c, hosts, nused, &v4, &v6);
        if (v4 != c->v4 || v6 != c->v6) {
            dissolve(c, hosts, nused);
            c->v4 = v4;
            c->v6 = v6;
        }
    }
    c->on = true;
    c->steps++;
    for (uint32_t i = 0; i < nused; i++) {
        struct swarm_host *h = &hosts[i];
        if (!h->live)
            continue;
        bool in = h->cloud != SWARM_NO_CLOUD;
        bool quiet = may_merge(h) && h->heat < c->threshold * (in ? LEAVE_FACTOR : 1.0f);
        if (quiet && !in)
            join(c, h);
        else if (!quiet && in)
            clouds_leave(c, h);
    }
}

bool clouds_holds(const struct clouds *c, const struct swarm_host *h)
{
    return h->cloud != SWARM_NO_CLOUD && c->a[h->cloud].formed;
}

/* Member places: the k-th at sqrt(k + 1/2) along the golden angle times
 * k, a sunflower's pattern, which fills a disc evenly however many there
 * are; the disc of n has a radius of about sqrt(n). */
static const float *place_of(struct clouds *c, uint32_t slot)
{
    if (slot >= c->nsun) {
        uint32_t n = c->nsun ? c->nsun : 1024;
        while (n <= slot)
            n *= 2;
        c->sun = xreallocarray(c->sun, n, 2 * sizeof(float));
        for (uint32_t k = c->nsun; k < n; k++) {
            float r = sqrtf((float)k + 0.5f), t = 2.39996323f * (float)k;
            c->sun[2 * k] = r * cosf(t);
            c->sun[2 * k + 1] = r * sinf(t);
        }
        c->nsun = n;
    }
    return &c->sun[2 * slot];
}

bool clouds_place(struct clouds *c, struct swarm_host *h, float fx, float fy, float dt)
{
    if (h->cloud == SWARM_NO_CLOUD)
        return false;
    uint32_t i = h->cloud;
    struct acc *a = &c->acc[i];
    a->x += h->x;
    a->y += h->y;
    a->fx += fx;
    a->fy += fy;
    a->heat += h->heat;
    a->n++;
    const struct swarm_cloud *cl = &c->a[i];
    if (!cl->formed)
        return false;
    const float *p = place_of(c, h->slot);
    float k = 1.0f - expf(-GATHER * dt);
    h->x += (cl->x + PLACE_SPACING * p[0] - h->x) * k;
    h->y += (cl->y + PLACE_SPACING * p[1] - h->y) * k;
    h->vx = cl->vx;
    h->vy = cl->vy;
    return true;
}

/* Adds a member's tie of strength w to hub into the cloud's strongest
 * few; when they are full, a stronger tie takes the weakest's place. */
static void add_tie(struct swarm_cloud *cl, uint32_t hub, float w)
{
    int weakest = 0;
    for (int k = 0; k < cl->nties; k++) {
        if (cl->hub[k] == hub) {
            cl->tie[k] += w;
            return;
        }
        if (cl->tie[k] < cl->tie[weakest])
            weakest = k;
    }
    if (cl->nties < SWARM_SPRINGS) {
        cl->hub[cl->nties] = hub;
        cl->tie[cl->nties++] = w;
    } else if (w > cl->tie[weakest]) {
        cl->hub[weakest] = hub;
        cl->tie[weakest] = w;
    }
}

/* Formed clouds that overlap push each other apart, in proportion to
 * the overlap: the push goes into the pull every member gets. Every pair,
 * as for the hubs: there are a few hundred at most unless a fixed prefix
 * makes more, and past PUSH_MAX they may overlap. */
static void push_apart(struct clouds *c)
{
    if (c->formed > PUSH_MAX)
        return;
    if (!c->ids)
        c->ids = xcalloc(PUSH_MAX, sizeof(uint32_t));
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->nused; i++)
        if (c->a[i].live && c->a[i].formed)
            c->ids[n++] = i;
    for (uint32_t p = 0; p < n; p++) {
        uint32_t i = c->ids[p];
        const struct swarm_cloud *a = &c->a[i];
        for (uint32_t q = p + 1; q < n; q++) {
            uint32_t j = c->ids[q];
            const struct swarm_cloud *b = &c->a[j];
            float dx = a->x - b->x, dy = a->y - b->y;
            float reach = (a->size + b->size) * 1.1f, d2 = dx * dx + dy * dy;
            if (d2 >= reach * reach)
                continue;
            float d = sqrtf(d2) + 1e-3f, f = CLOUD_PUSH * (reach - d) / d;
            c->pull[2 * i] += f * dx;
            c->pull[2 * i + 1] += f * dy;
            c->pull[2 * j] -= f * dx;
            c->pull[2 * j + 1] -= f * dy;
        }
    }
}

void clouds_finish(struct clouds *c, const struct swarm_host *hosts, uint32_t nused,
                   const struct swarm_hub *hubs, float dt)
{
    for (uint32_t i = 0; i < c->nused; i++)
        c->a[i].nties = 0;
    for (uint32_t i = 0; i < nused; i++) {
        const struct swarm_host *h = &hosts[i];
        if (!h->live || h->cloud == SWARM_NO_CLOUD)
            continue;
        for (int k = 0; k < h->nsprings; k++)
            add_tie(&c->a[h->cloud], h->springs[k].hub, h->springs[k].strength);
    }
    c->formed = c->merged = 0;
    for (uint32_t i = 0; i < c->nused; i++) {
        struct swarm_cloud *cl = &c->a[i];
        if (!cl->live)
            continue;
        struct acc *a = &c->acc[i];
        if (a->n && !cl->formed) { /* forming: where its members are */
            cl->x = a->x / (float)a->n;
            cl->y = a->y / (float)a->n;
            cl->vx = cl->vy = 0;
        }
        if (a->n) {
            c->pull[2 * i] = a->fx / (float)a->n;
            c->pull[2 * i + 1] = a->fy / (float)a->n;
        }
        cl->heat = a->heat;
        *a = (struct acc){0};
        float best = -1;
        for (int k = 0; k < cl->nties; k++) {
            if (cl->tie[k] > best) {
                best = cl->tie[k];
                cl->cls = hubs[cl->hub[k]].cls;
            }
        }
        cl->formed = cl->hosts >= CLOUD_MIN;
        cl->size = CLOUD_SPACING * sqrtf((float)cl->hosts);
        float step = dt / CLOUD_FADE_S;
        cl->alpha = cl->formed ? fminf(cl->alpha + step, 1.0f) : fmaxf(cl->alpha - step, 0.0f);
        if (cl->formed) {
            c->formed++;
            c->merged += cl->hosts;
        }
        if (cl->hosts == 0 && cl->alpha <= 0) {
            table_remove(c->index, &cl->net);
            cl->live = false;
            c->free[c->nfree++] = i;
        }
    }
    if (c->formed > 1)
        push_apart(c);
    /* a formed cloud moves as one body, by its members' mean pull */
    float drag = expf(-CLOUD_DRAG * dt);
    for (uint32_t i = 0; i < c->nused; i++) {
        struct swarm_cloud *cl = &c->a[i];
        if (cl->live && cl->formed && cl->hosts)
            integrate(&cl->x, &cl->y, &cl->vx, &cl->vy, c->pull[2 * i], c->pull[2 * i + 1],
                      drag, dt);
    }
}

const struct swarm_cloud *clouds_array(const struct clouds *c, size_t *n)
{
    *n = c->nused;
    return c->a;
}

void clouds_counts(const struct clouds *c, uint32_t *formed, uint32_t *merged)
{
    *formed = c->formed;
    *merged = c->merged;
}
