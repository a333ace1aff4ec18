/* Swarm physics. Hubs repel each other and are held to the centre; hosts
 * are pulled to their hubs by springs and push their near neighbours away
 * through a uniform grid, so a step costs O(hosts + hubs^2). */
#include "swarm/swarm.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/xalloc.h"
#include "swarm/cloud.h"
#include "swarm/motion.h"
#include "swarm/table.h"

/* Physics constants, in world units (a hub ring is a few hundred across)
 * and animation seconds. */
#define HUB_REPEL 4.0e6f   /* hub-hub push, over distance squared */
#define HUB_CENTER 0.6f    /* hub pull to the origin, per unit distance */
#define HUB_DRAG 3.0f
#define SPRING_K 6.0f      /* host pull per unit of stretch, at full strength */
#define HOST_REPEL 4000.0f /* host-host push (see repel_range) */
#define HOST_RADIUS 14.0f  /* range of host-host push: one grid cell */
#define HOST_DRAG 2.5f
#define MAX_NEIGHBOURS 16  /* hosts pushed per host per step: bounds a crowd */
#define SPRING_MIN 0.02f   /* weaker springs are cut */
#define PULSE_S 0.6f       /* animation seconds a pulse takes along an edge */
#define PULSE_START 1e-6f  /* a pulse just sent: at the start of its edge */
#define GRID_MAX 512       /* cells per side at most */
#define HIDE_S 0.5f        /* a host hidden by a filter fades out in this */
#define HIDE_HALF_S 0.06f  /* half-life of a hidden tie: gone within HIDE_S */

/* A flow record with a duration, still being fed to the swarm. */
struct swarm_flow {
    struct addr src, dst;
    int64_t start, end, applied; /* capture times, ns */
    double octets;               /* not yet applied */
    uint16_t port, sport, dport;
    uint8_t proto;
    uint16_t flags;
};

/* What ties hosts to a hub: one event, or a share of a flow. */
struct pull {
    const struct addr *src, *dst;
    uint16_t port, sport, dport; /* the hub's port; the event's ports */
    uint8_t proto;
    uint16_t flags; /* EVENT_NO_SRC, _NO_DST, _SCAN_SRC, _SCAN_DST, _PROBE */
    double octets;
};

struct swarm {
    struct swarm_opts o;
    struct swarm_hub *hubs;
    struct swarm_host *hosts;
    uint32_t nhubs_used, nhosts_used; /* high-water marks */
    uint32_t *free_hubs, *free_hosts; /* stacks of reusable indices */
    uint32_t *lru_prev, *lru_next;    /* hosts by last activity */
    uint32_t lru_head, lru_tail;      /* least and most recent; UINT32_MAX: none */
    uint32_t nfree_hubs, nfree_hosts;
    struct table *hub_index, *host_index;
    struct swarm_stats st;
    uint32_t port_seen[3][65536]; /* events per port: TCP, UDP, the rest */
    struct clouds *clouds;    /* quiet hosts merged by subnet */
    struct swarm_flow *flows; /* flows still pulling, in arrival order */
    uint32_t nflows;
    /* grid scratch, sized for max_hosts: each live host's cell, the hosts
     * sorted by cell with their cells and positions in that order, where
     * each cell starts in it, and the crowd push on each host (by host
     * index) */
    uint32_t *cell_of, *order, *cell_start, *gcell;
    float *gx, *gy, *rx, *ry;
    /* hub scratch, sized for max_hubs: a snapshot of the live hubs */
    struct {
        uint32_t *id;
        float *x, *y, *w, *fx, *fy;
    } hs;
};

struct swarm *swarm_create(const struct swarm_opts *opts)
{
    struct swarm *s = xcalloc(1, sizeof(*s));
    if (opts)
        s->o = *opts;
    if (!s->o.max_hosts)
        s->o.max_hosts = 100000;
    if (s->o.max_hosts < 2) /* an event's two ends must fit together */
        s->o.max_hosts = 2;
    if (!s->o.max_hubs)
        s->o.max_hubs = 1024;
    if (!(s->o.half_life_s > 0))
        s->o.half_life_s = 3.0f;
    if (!(s->o.idle_s > 0))
        s->o.idle_s = 4.0f;
    if (!(s->o.fade_s > 0))
        s->o.fade_s = 1.5f;
    if (!s->o.max_flows)
        s->o.max_flows = 65536;
    s->flows = xcalloc(s->o.max_flows, sizeof(*s->flows));
    s->hubs = xcalloc(s->o.max_hubs, sizeof(*s->hubs));
    s->hosts = xcalloc(s->o.max_hosts, sizeof(*s->hosts));
    s->free_hubs = xcalloc(s->o.max_hubs, sizeof(uint32_t));
    s->free_hosts = xcalloc(s->o.max_hosts, sizeof(uint32_t));
    s->lru_prev = xcalloc(s->o.max_hosts, sizeof(uint32_t));
    s->lru_next = xcalloc(s->o.max_hosts, sizeof(uint32_t));
    s->lru_head = s->lru_tail = UINT32_MAX;
    s->hub_index = table_create(s->o.max_hubs);
    s->host_index = table_create(s->o.max_hosts);
    s->cell_of = xcalloc(s->o.max_hosts, sizeof(uint32_t));
    s->order = xcalloc(s->o.max_hosts, sizeof(uint32_t));
    s->cell_start = xcalloc((size_t)GRID_MAX * GRID_MAX + 1, sizeof(uint32_t));
    s->gx = xcalloc(s->o.max_hosts, sizeof(float));
    s->rx = xcalloc(s->o.max_hosts, sizeof(float));
    s->ry = xcalloc(s->o.max_hosts, sizeof(float));
    s->gcell = xcalloc(s->o.max_hosts, sizeof(uint32_t));
    s->gy = xcalloc(s->o.max_hosts, sizeof(float));
    s->hs.id = xcalloc(s->o.max_hubs, sizeof(uint32_t));
    s->hs.x = xcalloc(s->o.max_hubs, sizeof(float));
    s->hs.y = xcalloc(s->o.max_hubs, sizeof(float));
    s->hs.w = xcalloc(s->o.max_hubs, sizeof(float));
    s->hs.fx = xcalloc(s->o.max_hubs, sizeof(float));
    s->hs.fy = xcalloc(s->o.max_hubs, sizeof(float));
    s->clouds = clouds_create(&s->o);
    return s;
}

void swarm_destroy(struct swarm *s)
{
    if (!s)
        return;
    free(s->hubs);
    free(s->hosts);
    free(s->free_hubs);
    free(s->free_hosts);
    free(s->lru_prev);
    free(s->lru_next);
    table_destroy(s->hub_index);
    table_destroy(s->host_index);
    free(s->cell_of);
    free(s->order);
    free(s->cell_start);
    free(s->gx);
    free(s->rx);
    free(s->ry);
    free(s->gcell);
    free(s->gy);
    free(s->hs.id);
    free(s->hs.x);
    free(s->hs.y);
    free(s->hs.w);
    free(s->hs.fx);
    free(s->hs.fy);
    free(s->flows);
    clouds_destroy(s->clouds);
    free(s);
}

/* A point in a disk of the given radius, from a hash: a thing lands in
 * the same place on every run. */
static void hash_position(uint64_t h, float radius, float *x, float *y)
{
    float a = (float)(h & 0xffffff) / (float)0x1000000 * 6.2831853f;
    float r = radius * sqrtf((float)((h >> 24) & 0xffffff) / (float)0x1000000);
    *x = r * cosf(a);
    *y = r * sinf(a);
}

static struct addr hub_key(uint8_t proto, uint16_t port)
{
    struct addr k = {.family = 0};
    k.b[0] = proto;
    k.b[1] = (uint8_t)(port >> 8);
    k.b[2] = (uint8_t)port;
    return k;
}

/* A scan hub's key: the scanner's address, marked apart from the
 * (protocol, port) keys. */
static struct addr scan_key(const struct addr *scanner)
{
    struct addr k = *scanner;
    k.family |= 0x80;
    return k;
}

static struct addr index_key(const struct swarm_hub *h)
{
    return h->scan ? scan_key(&h->scanner) : hub_key(h->proto, h->port);
}

static uint32_t take_slot(uint32_t *free_stack, uint32_t *nfree, uint32_t *used,
                          uint32_t max)
{
    if (*nfree)
        return free_stack[--*nfree];
    if (*used < max)
        return (*used)++;
    return UINT32_MAX;
}

/* The hub for (proto, port), created if new. When the hub limit is hit,
 * unknown ports share one "other" hub per protocol. */
static uint32_t get_hub(struct swarm *s, uint8_t proto, uint16_t port)
{
    struct addr k = hub_key(proto, port);
    uint32_t i = table_get(s->hub_index, &k);
    if (i != UINT32_MAX)
        return i;
    /* keep the last few slots for the per-protocol fallbacks */
    uint32_t live = s->nhubs_used - s->nfree_hubs;
    if (port != 0 && live + 8 >= s->o.max_hubs)
        return get_hub(s, proto, 0);
    i = take_slot(s->free_hubs, &s->nfree_hubs, &s->nhubs_used, s->o.max_hubs);
    if (i == UINT32_MAX || !table_put(s->hub_index, &k, i))
        return UINT32_MAX;
    struct swarm_hub *h = &s->hubs[i];
    memset(h, 0, sizeof(*h));
    h->live = true;
    h->proto = proto;
    h->port = port;
    h->cls = (uint8_t)services_class(proto, port);
    services_label(proto, port, h->label, sizeof(h->label));
    hash_position(table_hash(&k), 300.0f, &h->x, &h->y);
    h->size = swarm_hub_size(0);
    return i;
}

/* The scan hub of a scanner, created if new; at the hub limit the
 * scanners share one. */
static uint32_t get_scan_hub(struct swarm *s, const struct addr *scanner)
{
    struct addr k = scan_key(scanner);
    uint32_t i = table_get(s->hub_index, &k);
    if (i != UINT32_MAX)
        return i;
    uint32_t live = s->nhubs_used - s->nfree_hubs;
    if (scanner->family && live + 8 >= s->o.max_hubs)
        return get_scan_hub(s, &(struct addr){.family = 0});
    i = take_slot(s->free_hubs, &s->nfree_hubs, &s->nhubs_used, s->o.max_hubs);
    if (i == UINT32_MAX || !table_put(s->hub_index, &k, i))
        return UINT32_MAX;
    struct swarm_hub *h = &s->hubs[i];
    memset(h, 0, sizeof(*h));
    h->live = true;
    h->scan = true;
    h->scanner = *scanner;
    h->cls = SVC_OTHER;
    char a[64];
    if (scanner->family)
        addr_format(scanner, a, sizeof(a));
    /* a long IPv6 address is cut: the scanner's own label has it whole */
    snprintf(h->label, sizeof(h->label), "scan %.26s", scanner->family ? a : "(many)");
    hash_position(table_hash(&k), 300.0f, &h->x, &h->y);
    h->size = swarm_hub_size(0);
    return i;
}

/* The hosts in order of last activity, least recent first: a doubly
 * linked list through lru_prev/lru_next, so a touch and an eviction are
 * both O(1). */
static void lru_unlink(struct swarm *s, uint32_t i)
{
    uint32_t p = s->lru_prev[i], n = s->lru_next[i];
    if (p != UINT32_MAX)
        s->lru_next[p] = n;
    else
        s->lru_head = n;
    if (n != UINT32_MAX)
        s->lru_prev[n] = p;
    else
        s->lru_tail = p;
}

static void lru_append(struct swarm *s, uint32_t i)
{
    s->lru_prev[i] = s->lru_tail;
    s->lru_next[i] = UINT32_MAX;
    if (s->lru_tail != UINT32_MAX)
        s->lru_next[s->lru_tail] = i;
    else
        s->lru_head = i;
    s->lru_tail = i;
}

static void release_host(struct swarm *s, uint32_t i)
{
    struct swarm_host *h = &s->hosts[i];
    for (int k = 0; k < h->nsprings; k++)
        s->hubs[h->springs[k].hub].links--;
    h->nsprings = 0;
    table_remove(s->host_index, &h->addr);
    clouds_leave(s->clouds, h);
    lru_unlink(s, i);
    h->live = false;
    s->st.scanners -= h->scanner;
    s->free_hosts[s->nfree_hosts++] = i;
}

/* The host for an address, created if new and marked most recently
 * active. At the host limit the least recently active host makes room. */
static uint32_t get_host(struct swarm *s, const struct addr *a)
{
    uint32_t i = table_get(s->host_index, a);
    if (i != UINT32_MAX) {
        lru_unlink(s, i);
        lru_append(s, i);
        return i;
    }
    if (s->nhosts_used - s->nfree_hosts >= s->o.max_hosts && s->lru_head != UINT32_MAX) {
        release_host(s, s->lru_head);
        s->st.evicted++;
    }
    i = take_slot(s->free_hosts, &s->nfree_hosts, &s->nhosts_used, s->o.max_hosts);
    if (i == UINT32_MAX || !table_put(s->host_index, a, i))
        return UINT32_MAX;
    struct swarm_host *h = &s->hosts[i];
    memset(h, 0, sizeof(*h));
    h->live = true;
    h->addr = *a;
    h->cloud = SWARM_NO_CLOUD;
    hash_position(table_hash(a), 350.0f, &h->x, &h->y);
    h->size = 3.0f;
    lru_append(s, i);
    return i;
}

/* Strengthens (or makes) the spring between a host and a hub, and sends
 * a pulse along it unless one is still on its way: toward the hub when the
 * host sent (dir 1), toward the host when it received (dir -1). A steady
 * stream of events so becomes a steady stream of pulses. */
static void tie(struct swarm *s, uint32_t host, uint32_t hub, float amount, float dir,
                const struct pull *pl)
{
    struct swarm_host *h = &s->hosts[host];
    h->hidden = false;
    int weakest = 0;
    for (int k = 0; k < h->nsprings; k++) {
        struct swarm_spring *sp = &h->springs[k];
        if (sp->hub == hub) {
            sp->strength += amount;
            if (sp->pulse == 0)
                sp->pulse = dir * PULSE_START;
            sp->cut = false;
            sp->sent = dir > 0;
            sp->peer = dir > 0 ? *pl->dst : *pl->src;
            sp->sport = pl->sport;
            sp->dport = pl->dport;
            sp->proto = pl->proto;
            return;
        }
        if (h->springs[k].strength < h->springs[weakest].strength)
            weakest = k;
    }
    int k;
    if (h->nsprings < SWARM_SPRINGS) {
        k = h->nsprings++;
    } else { /* full: the new tie replaces the weakest */
        k = weakest;
        s->hubs[h->springs[k].hub].links--;
    }
    h->springs[k] = (struct swarm_spring){.hub = hub, .strength = amount,
                                          .pulse = dir * PULSE_START,
                                          .peer = dir > 0 ? *pl->dst : *pl->src,
                                          .sport = pl->sport, .dport = pl->dport,
                                          .proto = pl->proto, .sent = dir > 0};
    s->hubs[hub].links++;
}

static void touch_host(struct swarm_host *h, float octets)
{
    h->heat += octets;
    h->idle = 0;
    h->flash = 1.0f;
}

/* Ties both known endpoints to the service hub with a pull of octets.
 * A side with no address (family 0: a flow aggregate that does not name
 * it) or masked by a filter (EVENT_NO_SRC, EVENT_NO_DST) is left out.
 * False when the host or hub limit refused it. */
static bool apply(struct swarm *s, const struct pull *pl)
{
    bool scan = (pl->flags & EVENT_PROBE) && (pl->flags & (EVENT_SCAN_SRC | EVENT_SCAN_DST));
    const struct addr *scanner = pl->flags & EVENT_SCAN_SRC ? pl->src : pl->dst;
    uint32_t hub = scan ? get_scan_hub(s, scanner) : get_hub(s, pl->proto, pl->port);
    if (hub == UINT32_MAX)
        return false;
    uint32_t ends[2];
    float dir[2];
    int n = 0;
    bool src = pl->src->family && !(pl->flags & EVENT_NO_SRC);
    bool dst = pl->dst->family && !(pl->flags & EVENT_NO_DST);
    if (src) {
        dir[n] = 1.0f;
        ends[n++] = get_host(s, pl->src);
    }
    if (dst && !(src && addr_equal(pl->src, pl->dst))) {
        dir[n] = -1.0f;
        ends[n++] = get_host(s, pl->dst);
    }
    for (int k = 0; k < n; k++)
        if (ends[k] == UINT32_MAX)
            return false;
    if (n == 0)
        return false;
    /* A compressed scale: a jumbo transfer outweighs a SYN without
     * drowning it (about 1 for a 1500-byte packet on either scale). */
    float octets = (float)pl->octets;
    float amount = s->o.scale == SWARM_SCALE_SQRT ? sqrtf(octets) / 40.0f
                                                  : log2f(1.0f + octets) / 10.0f;
    for (int k = 0; k < n; k++) {
        tie(s, ends[k], hub, amount, dir[k], pl);
        struct swarm_host *h = &s->hosts[ends[k]];
        touch_host(h, octets);
        if (!h->scanner && (pl->flags & (dir[k] > 0 ? EVENT_SCAN_SRC : EVENT_SCAN_DST))) {
            h->scanner = true;
            s->st.scanners++;
        }
    }
    struct swarm_hub *h = &s->hubs[hub];
    h->heat += octets;
    h->idle = 0;
    return true;
}

/* The service side of an event. Past the table of known services and
 * the client ports, the port seen in more events wins (ties: the lower):
 * a server's port recurs across its clients while their ephemeral ports
 * do not, so a flood from random source ports gathers on its one target
 * port. */
static uint16_t service_port(struct swarm *s, const struct event *ev)
{
    uint16_t port = services_event_port(ev);
    unsigned client = ev->flags & (EVENT_CLIENT_SPORT | EVENT_CLIENT_DPORT);
    if (port == 0 || services_known(ev->proto, port) ||
        client == EVENT_CLIENT_SPORT || client == EVENT_CLIENT_DPORT)
        return port;
    uint32_t *seen = s->port_seen[ev->proto == 6 ? 0 : ev->proto == 17 ? 1 : 2];
    if (seen[ev->sport] < UINT32_MAX)
        seen[ev->sport]++;
    if (seen[ev->dport] < UINT32_MAX && ev->dport != ev->sport)
        seen[ev->dport]++;
    uint16_t other = port == ev->sport ? ev->dport : ev->sport;
    return seen[other] > seen[port] ? other : port;
}

void swarm_add_event(struct swarm *s, const struct event *ev)
{
    uint16_t port = service_port(s, ev);
    struct pull pl = {.src = &ev->src, .dst = &ev->dst, .port = port, .sport = ev->sport,
                      .dport = ev->dport, .proto = ev->proto, .flags = ev->flags,
                      .octets = (double)ev->octets};
    int64_t span = ev->end_ns - ev->time_ns;
    if (span > 0 && s->nflows < s->o.max_flows) {
        /* A flow with a duration pulls for all of it: the octets are
         * spread over its span as the clock passes (swarm_step). */
        struct swarm_flow *f = &s->flows[s->nflows++];
        *f = (struct swarm_flow){.src = ev->src, .dst = ev->dst, .start = ev->time_ns,
                                 .end = ev->end_ns, .applied = ev->time_ns,
                                 .octets = (double)ev->octets, .port = port,
                                 .sport = ev->sport, .dport = ev->dport,
                                 .proto = ev->proto, .flags = ev->flags};
        /* its hosts show up now; the bytes follow step by step */
        pl.octets = 0;
        if (!apply(s, &pl)) {
            s->nflows--;
            s->st.refused++;
            return;
        }
        s->st.events++;
        return;
    }
    if (!apply(s, &pl)) {
        s->st.refused++;
        return;
    }
    s->st.events++;
    s->st.octets += ev->octets;
}

/* Feeds ongoing flows the share of their octets that falls between the
 * last step and now. */
static void step_flows(struct swarm *s, int64_t now)
{
    for (uint32_t i = 0; i < s->nflows;) {
        struct swarm_flow *f = &s->flows[i];
        int64_t until = now < f->end ? now : f->end;
        if (until > f->applied) {
            double share = f->octets * (double)(until - f->applied) /
                           (double)(f->end - f->applied);
            apply(s, &(struct pull){.src = &f->src, .dst = &f->dst, .port = f->port,
                                    .sport = f->sport, .dport = f->dport,
                                    .proto = f->proto, .flags = f->flags,
                                    .octets = share});
            s->st.octets += (uint64_t)share;
            f->octets -= share;
            f->applied = until;
        }
        if (f->applied >= f->end) {
            s->flows[i] = s->flows[--s->nflows];
            continue;
        }
        i++;
    }
}

/* Growth of a radius with recent octets, on the chosen scale. */
static float size_of(const struct swarm_opts *o, float heat, float klog, float ksqrt)
{
    return o->scale == SWARM_SCALE_SQRT ? ksqrt * sqrtf(heat)
                                        : klog * log2f(1.0f + heat / 256.0f);
}

float swarm_share(enum swarm_scale scale, float part)
{
    if (!(part > 0))
        return 0;
    if (part >= 1)
        return 1;
    return scale == SWARM_SCALE_SQRT ? sqrtf(part) : log1pf(part * 99.0f) / logf(100.0f);
}

float swarm_hub_size(float share)
{
    return 6.0f + 34.0f * share;
}

/* Fade in while active, out after idle_s; returns false once gone. */
static bool fade(float *alpha, float *idle, const struct swarm_opts *o, float dt)
{
    *idle += dt;
    if (*idle < o->idle_s)
        *alpha = fminf(1.0f, *alpha + dt / 0.4f);
    else
        *alpha -= dt / o->fade_s;
    return *alpha > 0 || *idle < o->idle_s;
}

/* Hub forces over a snapshot of the live hubs, so every hub sees the
 * same positions whatever the order. */
static void step_hubs(struct swarm *s, float dt, float decay)
{
    float drag = expf(-HUB_DRAG * dt);
    uint32_t n = 0;
    float top = 0;
    for (uint32_t i = 0; i < s->nhubs_used; i++) {
        const struct swarm_hub *h = &s->hubs[i];
        if (!h->live)
            continue;
        top = fmaxf(top, h->heat);
        s->hs.id[n] = i;
        s->hs.x[n] = h->x;
        s->hs.y[n] = h->y;
        s->hs.w[n] = HUB_REPEL * (0.2f + h->alpha);
        s->hs.fx[n] = -HUB_CENTER * h->x;
        s->hs.fy[n] = -HUB_CENTER * h->y;
        n++;
    }
    /* Every pair both ways, with no branch and four running sums: the
     * compiler keeps it in vector registers. The +100 softening keeps it
     * finite when two hubs meet; a hub adds nothing to itself (dx = 0). */
    const float *hx = s->hs.x, *hy = s->hs.y, *hw = s->hs.w;
    for (uint32_t a = 0; a < n; a++) {
        float ax = hx[a], ay = hy[a];
        float sx[4] = {0, 0, 0, 0}, sy[4] = {0, 0, 0, 0};
        uint32_t b = 0;
        for (; b + 4 <= n; b += 4) {
            for (int l = 0; l < 4; l++) {
                float dx = ax - hx[b + l], dy = ay - hy[b + l];
                float d2 = dx * dx + dy * dy + 100.0f;
                float k = hw[b + l] / (d2 * sqrtf(d2));
                sx[l] += dx * k;
                sy[l] += dy * k;
            }
        }
        for (; b < n; b++) {
            float dx = ax - hx[b], dy = ay - hy[b];
            float d2 = dx * dx + dy * dy + 100.0f;
            float k = hw[b] / (d2 * sqrtf(d2));
            sx[0] += dx * k;
            sy[0] += dy * k;
        }
        s->hs.fx[a] += (sx[0] + sx[1]) + (sx[2] + sx[3]);
        s->hs.fy[a] += (sy[0] + sy[1]) + (sy[2] + sy[3]);
    }
    for (uint32_t a = 0; a < n; a++) {
        uint32_t i = s->hs.id[a];
        struct swarm_hub *h = &s->hubs[i];
        integrate(&h->x, &h->y, &h->vx, &h->vy, s->hs.fx[a], s->hs.fy[a], drag, dt);
        h->share = top > 0 ? swarm_share(s->o.scale, h->heat / top) : 0;
        h->heat *= decay;
        h->size = swarm_hub_size(h->share);
        if (!fade(&h->alpha, &h->idle, &s->o, dt) && h->links == 0) {
            struct addr k = index_key(h);
            table_remove(s->hub_index, &k);
            h->live = false;
            s->free_hubs[s->nfree_hubs++] = i;
        }
    }
    s->st.hub_heat_max = top * decay;
}

/* Buckets live hosts into a uniform grid over their bounding box; cells
 * are HOST_RADIUS wide unless that would exceed GRID_MAX per side. */
struct grid {
    float x0, y0, cell;
    uint32_t nx, ny;
    uint32_t n; /* hosts in it */
};

/* A host in the crowd's push: live, and not held in a subnet cloud's
 * pattern. */
static bool in_grid(const struct swarm *s, const struct swarm_host *h)
{
    return h->live && !clouds_holds(s->clouds, h);
}

static struct grid build_grid(struct swarm *s)
{
    float minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (uint32_t i = 0; i < s->nhosts_used; i++) {
        const struct swarm_host *h = &s->hosts[i];
        if (!in_grid(s, h))
            continue;
        minx = fminf(minx, h->x);
        maxx = fmaxf(maxx, h->x);
        miny = fminf(miny, h->y);
        maxy = fmaxf(maxy, h->y);
    }
    struct grid g = {.x0 = minx, .y0 = miny, .cell = HOST_RADIUS, .nx = 1, .ny = 1};
    if (!(minx <= maxx))
        return g;
    float span = fmaxf(maxx - minx, maxy - miny);
    if (span / g.cell >= GRID_MAX)
        g.cell = span / (GRID_MAX - 1);
    g.nx = (uint32_t)((maxx - minx) / g.cell) + 1;
    g.ny = (uint32_t)((maxy - miny) / g.cell) + 1;
    size_t ncells = (size_t)g.nx * g.ny;
    memset(s->cell_start, 0, (ncells + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < s->nhosts_used; i++) {
        const struct swarm_host *h = &s->hosts[i];
        if (!in_grid(s, h))
            continue;
        g.n++;
        uint32_t cx = (uint32_t)((h->x - g.x0) / g.cell);
        uint32_t cy = (uint32_t)((h->y - g.y0) / g.cell);
        if (cx >= g.nx)
            cx = g.nx - 1;
        if (cy >= g.ny)
            cy = g.ny - 1;
        s->cell_of[i] = cy * g.nx + cx;
        s->cell_start[s->cell_of[i] + 1]++;
    }
    for (size_t c = 0; c < ncells; c++)
        s->cell_start[c + 1] += s->cell_start[c];
    /* counting sort, stable in host index: deterministic neighbour order;
     * positions are copied in that order so neighbour scans read memory
     * straight through */
    for (uint32_t i = 0; i < s->nhosts_used; i++) {
        if (!in_grid(s, &s->hosts[i]))
            continue;
        uint32_t k = s->cell_start[s->cell_of[i]]++;
        s->order[k] = i;
        s->gcell[k] = s->cell_of[i];
        s->gx[k] = s->hosts[i].x;
        s->gy[k] = s->hosts[i].y;
    }
    for (size_t c = ncells; c > 0; c--)
        s->cell_start[c] = s->cell_start[c - 1];
    s->cell_start[0] = 0;
    return g;
}

/* Pushes the host at (hx, hy) away from hosts in [from, to) of the
 * sorted snapshot within distance r; returns false once MAX_NEIGHBOURS
 * have pushed. The push is K (1 - d^2/r^2) / (d^2 + (r/4)^2) along the
 * offset: it fades to zero at r, peaks near r/4, and needs no square
 * root. Four candidates go at a time in vector registers with no
 * data-dependent branch (in a crowd "in range?" is a coin toss): hosts
 * out of range, and the host itself, weigh 0. The cap is checked every
 * CHUNK candidates. */
typedef float vf4 __attribute__((vector_size(16)));
typedef int32_t vi4 __attribute__((vector_size(16)));
enum { CHUNK = 8, LANES = 4 };

static bool repel_range(const struct swarm *s, float hx, float hy, uint32_t from,
                        uint32_t to, float r, int *seen, float *fx, float *fy)
{
    const float *gx = s->gx, *gy = s->gy;
    float r2 = r * r;
    const vf4 vhx = {hx, hx, hx, hx}, vhy = {hy, hy, hy, hy};
    const vf4 vr2 = {r2, r2, r2, r2}, veps = {1e-6f, 1e-6f, 1e-6f, 1e-6f};
    const vf4 vinv = vr2 * 0 + 1.0f / r2, vc = vr2 / 16.0f;
    const vf4 vk = vr2 * 0 + HOST_REPEL, one = vr2 * 0 + 1.0f;
    vf4 ax = vr2 * 0, ay = ax, hits = ax;
    float sx = 0, sy = 0, sh = 0;
    uint32_t k = from;
    int done = *seen;
    while (k < to && done < MAX_NEIGHBOURS) {
        uint32_t end = k + CHUNK <= to ? k + CHUNK : to;
        for (; k + LANES <= end; k += LANES) {
            vf4 px, py;
            memcpy(&px, gx + k, sizeof(px));
            memcpy(&py, gy + k, sizeof(py));
            vf4 dx = vhx - px, dy = vhy - py;
            vf4 d2 = dx * dx + dy * dy;
            vi4 in = (d2 < vr2) & (d2 > veps); /* lanes: -1 or 0 */
            vf4 w = (vf4)((vi4)one & in);      /* 1.0f or 0.0f */
            vf4 f = w * vk * (one - d2 * vinv) / (d2 + vc);
            ax += f * dx;
            ay += f * dy;
            hits += w;
        }
        for (; k < end; k++) {
            float dx = hx - gx[k], dy = hy - gy[k];
            float d2 = dx * dx + dy * dy;
            float w = (d2 < r2) & (d2 > 1e-6f) ? 1.0f : 0.0f;
            float f = w * HOST_REPEL * (1.0f - d2 / r2) / (d2 + r2 / 16.0f);
            sx += f * dx;
            sy += f * dy;
            sh += w;
        }
        done = *seen + (int)(sh + (hits[0] + hits[1]) + (hits[2] + hits[3]));
    }
    *fx += sx + (ax[0] + ax[1]) + (ax[2] + ax[3]);
    *fy += sy + (ay[0] + ay[1]) + (ay[2] + ay[3]);
    *seen = done;
    return done < MAX_NEIGHBOURS;
}

/* The push on the host in sorted slot k from up to MAX_NEIGHBOURS hosts
 * within one cell width: its own cell first, where the near ones mostly
 * are, then the cells beside it, then the rows above and below (each row
 * of cells is contiguous in the sorted order). */
static void repel_slot(const struct swarm *s, const struct grid *g, uint32_t k, float *fx,
                       float *fy)
{
    uint32_t c = s->gcell[k], nx = g->nx;
    uint32_t cx = c % nx, cy = c / nx;
    uint32_t x0 = cx > 0 ? cx - 1 : 0, x1 = cx + 1 < nx ? cx + 1 : cx;
    const uint32_t *start = s->cell_start;
    float hx = s->gx[k], hy = s->gy[k], r = g->cell;
    int seen = 0;
    if (!repel_range(s, hx, hy, start[c], start[c + 1], r, &seen, fx, fy) ||
        !repel_range(s, hx, hy, start[cy * nx + x0], start[c], r, &seen, fx, fy) ||
        !repel_range(s, hx, hy, start[c + 1], start[cy * nx + x1 + 1], r, &seen, fx, fy))
        return;
    if (cy > 0 && !repel_range(s, hx, hy, start[(cy - 1) * nx + x0],
                               start[(cy - 1) * nx + x1 + 1], r, &seen, fx, fy))
        return;
    if (cy + 1 < g->ny)
        repel_range(s, hx, hy, start[(cy + 1) * nx + x0], start[(cy + 1) * nx + x1 + 1],
                    r, &seen, fx, fy);
}


static void step_hosts(struct swarm *s, float dt, float decay)
{
    clouds_update(s->clouds, s->hosts, s->nhosts_used, s->nhosts_used - s->nfree_hosts);
    struct grid g = build_grid(s);
    /* Crowd pushes first, in cell order: neighbouring slots share their
     * neighbours, so the scans stay in cache. */
    for (uint32_t k = 0; k < g.n; k++) {
        float px = 0, py = 0;
        repel_slot(s, &g, k, &px, &py);
        s->rx[s->order[k]] = px; /* by host index, for the pass below */
        s->ry[s->order[k]] = py;
    }
    float drag = expf(-HOST_DRAG * dt);
    float flash_decay = expf(-6.0f * dt);
    float hide_decay = exp2f(-dt / HIDE_HALF_S);
    for (uint32_t i = 0; i < s->nhosts_used; i++) {
        struct swarm_host *h = &s->hosts[i];
        if (!h->live)
            continue;
        float fx = 0, fy = 0;
        float best = -1;
        for (int k = 0; k < h->nsprings;) {
            struct swarm_spring *sp = &h->springs[k];
            const struct swarm_hub *hub = &s->hubs[sp->hub];
            float w = sp->strength / (sp->strength + 1.0f);
            float dx = hub->x - h->x, dy = hub->y - h->y;
            float d = sqrtf(dx * dx + dy * dy) + 1e-3f;
            float rest = hub->size + 18.0f;
            float f = SPRING_K * w * (d - rest);
            fx += f * dx / d;
            fy += f * dy / d;
            if (sp->strength > best) {
                best = sp->strength;
                h->cls = hub->cls;
            }
            if (sp->pulse != 0) {
                float p = fabsf(sp->pulse) + dt / PULSE_S;
                sp->pulse = p >= 1.0f ? 0.0f : sp->pulse < 0 ? -p : p;
            }
            sp->strength *= sp->cut || h->hidden ? hide_decay : decay;
            if (sp->strength < SPRING_MIN) { /* cut: move the last one here */
                s->hubs[sp->hub].links--;
                h->springs[k] = h->springs[--h->nsprings];
                continue;
            }
            k++;
        }
        if (!clouds_place(s->clouds, h, fx, fy, dt)) { /* held: its cloud places it */
            fx += s->rx[i];
            fy += s->ry[i];
            integrate(&h->x, &h->y, &h->vx, &h->vy, fx, fy, drag, dt);
        }
        h->heat *= decay;
        h->flash *= flash_decay;
        h->size = 3.0f + size_of(&s->o, h->heat, 1.5f, 0.02f);
        if (h->hidden ? (h->alpha -= dt / HIDE_S) <= 0 : !fade(&h->alpha, &h->idle, &s->o, dt))
            release_host(s, i);
    }
    clouds_finish(s->clouds, s->hosts, s->nhosts_used, s->hubs, dt);
}

struct swarm_snapshot {
    struct swarm_opts o;
    uint32_t nhubs_used, nhosts_used, nfree_hubs, nfree_hosts, lru_head, lru_tail, nflows;
    struct swarm_stats st;
    struct swarm_hub *hubs;
    struct swarm_host *hosts;
    uint32_t *free_hubs, *free_hosts, *lru_prev, *lru_next;
    uint32_t (*port_seen)[65536];
    struct swarm_flow *flows;
    struct clouds *clouds;
};

static void *dup_array(const void *p, size_t n, size_t size)
{
    void *q = xmalloc(n ? n * size : 1);
    if (n)
        memcpy(q, p, n * size);
    return q;
}

struct swarm_snapshot *swarm_save(const struct swarm *s)
{
    struct swarm_snapshot *k = xcalloc(1, sizeof(*k));
    k->o = s->o;
    k->nhubs_used = s->nhubs_used;
    k->nhosts_used = s->nhosts_used;
    k->nfree_hubs = s->nfree_hubs;
    k->nfree_hosts = s->nfree_hosts;
    k->lru_head = s->lru_head;
    k->lru_tail = s->lru_tail;
    k->nflows = s->nflows;
    k->st = s->st;
    k->hubs = dup_array(s->hubs, s->nhubs_used, sizeof(*s->hubs));
    k->hosts = dup_array(s->hosts, s->nhosts_used, sizeof(*s->hosts));
    k->free_hubs = dup_array(s->free_hubs, s->nfree_hubs, sizeof(uint32_t));
    k->free_hosts = dup_array(s->free_hosts, s->nfree_hosts, sizeof(uint32_t));
    k->lru_prev = dup_array(s->lru_prev, s->nhosts_used, sizeof(uint32_t));
    k->lru_next = dup_array(s->lru_next, s->nhosts_used, sizeof(uint32_t));
    k->port_seen = dup_array(s->port_seen, 3, sizeof(s->port_seen[0]));
    k->flows = dup_array(s->flows, s->nflows, sizeof(*s->flows));
    k->clouds = clouds_dup(s->clouds);
    return k;
}

void swarm_snapshot_free(struct swarm_snapshot *k)
{
    if (!k)
        return;
    free(k->hubs);
    free(k->hosts);
    free(k->free_hubs);
    free(k->free_hosts);
    free(k->lru_prev);
    free(k->lru_next);
    free(k->port_seen);
    free(k->flows);
    clouds_destroy(k->clouds);
    free(k);
}

struct swarm *swarm_restore(const struct swarm_snapshot *k)
{
    struct swarm *s = swarm_create(&k->o);
    s->nhubs_used = k->nhubs_used;
    s->nhosts_used = k->nhosts_used;
    s->nfree_hubs = k->nfree_hubs;
    s->nfree_hosts = k->nfree_hosts;
    s->lru_head = k->lru_head;
    s->lru_tail = k->lru_tail;
    s->nflows = k->nflows;
    s->st = k->st;
    memcpy(s->hubs, k->hubs, k->nhubs_used * sizeof(*s->hubs));
    memcpy(s->hosts, k->hosts, k->nhosts_used * sizeof(*s->hosts));
    memcpy(s->free_hubs, k->free_hubs, k->nfree_hubs * sizeof(uint32_t));
    memcpy(s->free_hosts, k->free_hosts, k->nfree_hosts * sizeof(uint32_t));
    memcpy(s->lru_prev, k->lru_prev, k->nhosts_used * sizeof(uint32_t));
    memcpy(s->lru_next, k->lru_next, k->nhosts_used * sizeof(uint32_t));
    memcpy(s->port_seen, k->port_seen, sizeof(s->port_seen));
    memcpy(s->flows, k->flows, k->nflows * sizeof(*s->flows));
    clouds_destroy(s->clouds);
    s->clouds = clouds_dup(k->clouds);
    /* the indexes are only looked up, never walked: rebuilt, they answer
     * the same */
    for (uint32_t i = 0; i < s->nhubs_used; i++) {
        if (s->hubs[i].live) {
            struct addr key = index_key(&s->hubs[i]);
            table_put(s->hub_index, &key, i);
        }
    }
    for (uint32_t i = 0; i < s->nhosts_used; i++)
        if (s->hosts[i].live)
            table_put(s->host_index, &s->hosts[i].addr, i);
    return s;
}

/* The last event that pulled a spring of host h. */
static struct event spring_event(const struct swarm *s, const struct swarm_host *h,
                                 const struct swarm_spring *sp)
{
    struct event ev = {.proto = sp->proto, .sport = sp->sport,
                       .dport = sp->dport, .packets = 1};
    ev.src = sp->sent ? h->addr : sp->peer;
    ev.dst = sp->sent ? sp->peer : h->addr;
    return ev;
}

void swarm_filter(struct swarm *s,
                  bool (*keep)(void *ctx, const struct event *ev, const struct addr *host),
                  void *ctx)
{
    for (uint32_t i = 0; i < s->nflows;) {
        const struct swarm_flow *f = &s->flows[i];
        struct event ev = {.src = f->src, .dst = f->dst, .proto = f->proto,
                           .sport = f->sport, .dport = f->dport, .packets = 1};
        if (!keep(ctx, &ev, NULL)) {
            s->flows[i] = s->flows[--s->nflows];
            continue;
        }
        i++;
    }
    for (uint32_t i = 0; i < s->nhosts_used; i++) {
        struct swarm_host *h = &s->hosts[i];
        if (!h->live || h->nsprings == 0)
            continue;
        int kept = 0;
        for (int k = 0; k < h->nsprings; k++) {
            struct swarm_spring *sp = &h->springs[k];
            struct event ev = spring_event(s, h, sp);
            sp->cut = !keep(ctx, &ev, &h->addr);
            kept += !sp->cut;
        }
        h->hidden = kept == 0;
    }
}

void swarm_step(struct swarm *s, int64_t now_ns, float dt)
{
    step_flows(s, now_ns);
    if (!(dt > 0))
        return;
    float decay = exp2f(-dt / s->o.half_life_s);
    step_hosts(s, dt, decay);
    step_hubs(s, dt, decay);
}

const struct swarm_hub *swarm_hubs(const struct swarm *s, size_t *n)
{
    *n = s->nhubs_used;
    return s->hubs;
}

const struct swarm_host *swarm_hosts(const struct swarm *s, size_t *n)
{
    *n = s->nhosts_used;
    return s->hosts;
}

const struct swarm_cloud *swarm_clouds(const struct swarm *s, size_t *n)
{
    return clouds_array(s->clouds, n);
}

const struct swarm_opts *swarm_options(const struct swarm *s)
{
    return &s->o;
}

void swarm_get_stats(const struct swarm *s, struct swarm_stats *out)
{
    *out = s->st;
    out->hosts = s->nhosts_used - s->nfree_hosts;
    out->hubs = s->nhubs_used - s->nfree_hubs;
    out->flows = s->nflows;
    clouds_counts(s->clouds, &out->clouds, &out->merged);
}
