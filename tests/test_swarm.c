/* Swarm: the same events and steps give a bit-identical state; nothing
 * goes NaN or flies off when one host moves 99% of the bytes or 10k hosts
 * appear in one frame; idle things are reclaimed; limits hold. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "swarm/swarm.h"

static struct event make_event(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport,
                               uint16_t dport, uint64_t octets)
{
    struct event e;
    memset(&e, 0, sizeof(e));
    e.src.family = e.dst.family = 4;
    e.src.b[0] = (uint8_t)(src >> 24);
    e.src.b[1] = (uint8_t)(src >> 16);
    e.src.b[2] = (uint8_t)(src >> 8);
    e.src.b[3] = (uint8_t)src;
    e.dst.b[0] = (uint8_t)(dst >> 24);
    e.dst.b[1] = (uint8_t)(dst >> 16);
    e.dst.b[2] = (uint8_t)(dst >> 8);
    e.dst.b[3] = (uint8_t)dst;
    e.proto = proto;
    e.sport = sport;
    e.dport = dport;
    e.octets = octets;
    e.packets = 1;
    return e;
}

/* A scripted mix of services and hosts, with a pseudo-random generator
 * of its own so both runs see the same events. */
static void drive(struct swarm *s, int frames)
{
    static const uint16_t ports[] = {80, 443, 53, 22, 25, 3306, 8080, 123};
    unsigned seed = 42;
    for (int f = 0; f < frames; f++) {
        for (int k = 0; k < 40; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t client = 0x0a000000u | (seed >> 20);
            uint16_t port = ports[(seed >> 8) % 8];
            uint8_t proto = port == 53 || port == 123 ? 17 : 6;
            struct event e = make_event(client, 0xc0a80001u + port % 7, proto,
                                        (uint16_t)(40000 + (seed & 1023)), port,
                                        60 + (seed >> 4) % 1400);
            swarm_add_event(s, &e);
        }
        swarm_step(s, 0, 1.0f / 30);
    }
}

static bool all_finite(const struct swarm *s, float limit)
{
    size_t n;
    const struct swarm_host *hosts = swarm_hosts(s, &n);
    for (size_t i = 0; i < n; i++) {
        const struct swarm_host *h = &hosts[i];
        if (!h->live)
            continue;
        if (!isfinite(h->x) || !isfinite(h->y) || !isfinite(h->vx) || !isfinite(h->vy) ||
            !isfinite(h->size) || fabsf(h->x) > limit || fabsf(h->y) > limit)
            return false;
    }
    const struct swarm_hub *hubs = swarm_hubs(s, &n);
    for (size_t i = 0; i < n; i++) {
        const struct swarm_hub *h = &hubs[i];
        if (h->live && (!isfinite(h->x) || !isfinite(h->y) || !isfinite(h->size) ||
                        fabsf(h->x) > limit || fabsf(h->y) > limit))
            return false;
    }
    return true;
}

static void test_determinism(void)
{
    struct swarm *a = swarm_create(NULL), *b = swarm_create(NULL);
    drive(a, 300);
    drive(b, 300);
    size_t na, nb;
    const struct swarm_host *ha = swarm_hosts(a, &na), *hb = swarm_hosts(b, &nb);
    CHECK_EQ_U(na, nb);
    CHECK(memcmp(ha, hb, na * sizeof(*ha)) == 0);
    const struct swarm_hub *ua = swarm_hubs(a, &na), *ub = swarm_hubs(b, &nb);
    CHECK_EQ_U(na, nb);
    CHECK(memcmp(ua, ub, na * sizeof(*ua)) == 0);
    struct swarm_stats sa, sb;
    swarm_get_stats(a, &sa);
    swarm_get_stats(b, &sb);
    CHECK(sa.hosts > 100 && sa.hubs == 8);
    CHECK_EQ_U(sa.hosts, sb.hosts);
    CHECK(all_finite(a, 1e5f));
    swarm_destroy(a);
    swarm_destroy(b);
}

/* Frames of packets and flows with a duration on a capture clock,
 * continuing from *seed and *clock. */
static void drive_flows(struct swarm *s, int frames, unsigned *seed, int64_t *clock)
{
    static const uint16_t ports[] = {80, 443, 53, 22, 25, 3306, 8080, 123, 9999, 31337};
    for (int f = 0; f < frames; f++) {
        for (int k = 0; k < 30; k++) {
            *seed = *seed * 1103515245u + 12345u;
            uint16_t port = ports[(*seed >> 8) % 10];
            struct event e = make_event(0x0a000000u | (*seed >> 21), 0xc0a80001u + port % 5,
                                        port == 53 ? 17 : 6,
                                        (uint16_t)(40000 + (*seed & 4095)), port,
                                        60 + (*seed >> 4) % 9000);
            e.time_ns = *clock;
            e.end_ns = *clock + (k % 4 == 0 ? (int64_t)(*seed % 3000) * 1000000 : 0);
            swarm_add_event(s, &e);
        }
        *clock += 33333333;
        swarm_step(s, *clock, 1.0f / 30);
    }
}

/* Saved and restored, a swarm goes on exactly as the one it was saved
 * from, through evictions, reused slots and flows still pulling. */
static void test_snapshot(void)
{
    struct swarm_opts o = {.max_hosts = 400, .max_hubs = 16};
    struct swarm *a = swarm_create(&o);
    unsigned seed = 7;
    int64_t clock = 1000000000;
    drive_flows(a, 200, &seed, &clock);
    struct swarm_snapshot *snap = swarm_save(a);
    unsigned seed_b = seed;
    int64_t clock_b = clock;
    drive_flows(a, 200, &seed, &clock);
    struct swarm *b = swarm_restore(snap);
    swarm_snapshot_free(snap);
    drive_flows(b, 200, &seed_b, &clock_b);
    size_t na, nb;
    const struct swarm_host *ha = swarm_hosts(a, &na), *hb = swarm_hosts(b, &nb);
    CHECK_EQ_U(na, nb);
    bool same = true;
    for (size_t i = 0; i < na && i < nb; i++)
        same &= ha[i].live == hb[i].live &&
                (!ha[i].live || memcmp(&ha[i], &hb[i], sizeof(ha[i])) == 0);
    CHECK(same);
    const struct swarm_hub *ua = swarm_hubs(a, &na), *ub = swarm_hubs(b, &nb);
    CHECK_EQ_U(na, nb);
    same = true;
    for (size_t i = 0; i < na && i < nb; i++)
        same &= ua[i].live == ub[i].live &&
                (!ua[i].live || memcmp(&ua[i], &ub[i], sizeof(ua[i])) == 0);
    CHECK(same);
    struct swarm_stats sa, sb;
    swarm_get_stats(a, &sa);
    swarm_get_stats(b, &sb);
    CHECK(sa.evicted > 0 && sa.flows > 0); /* the run went through both */
    CHECK(memcmp(&sa, &sb, sizeof(sa)) == 0);
    swarm_destroy(a);
    swarm_destroy(b);
}

static void test_one_host_dominates(void)
{
    struct swarm *s = swarm_create(NULL);
    for (int f = 0; f < 300; f++) {
        struct event big = make_event(0x0a000001u, 0x0a000002u, 6, 50000, 443,
                                      UINT64_C(1) << 40);
        swarm_add_event(s, &big);
        for (uint32_t k = 0; k < 20; k++) {
            struct event small = make_event(0x0b000000u + k, 0x0a000002u, 6, 50001, 443, 40);
            swarm_add_event(s, &small);
        }
        swarm_step(s, 0, 1.0f / 30);
        if (!all_finite(s, 1e5f))
            break;
    }
    CHECK(all_finite(s, 1e5f));
    swarm_destroy(s);
}

static void test_burst_of_hosts(void)
{
    struct swarm *s = swarm_create(NULL);
    for (uint32_t k = 0; k < 10000; k++) {
        struct event e = make_event(0x0a000000u + k, 0x08080808u, 17, 33000, 53, 80);
        swarm_add_event(s, &e);
    }
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    CHECK_EQ_U(st.hosts, 10001);
    for (int f = 0; f < 120; f++)
        swarm_step(s, 0, 1.0f / 30);
    CHECK(all_finite(s, 1e5f));
    swarm_destroy(s);
}

static void test_reclaim_and_limits(void)
{
    struct swarm *s = swarm_create(&(struct swarm_opts){.max_hosts = 50, .idle_s = 1,
                                                        .fade_s = 0.5f});
    for (uint32_t k = 0; k < 100; k++) {
        struct event e = make_event(0x0a000000u + k, 0x0a0000ffu, 6, 40000, 80, 500);
        swarm_add_event(s, &e);
    }
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    CHECK_EQ_U(st.hosts, 50);   /* the cap holds */
    /* the least recently active made room: 101 hosts came, 51 left, and
     * the server every event touched is still there */
    CHECK_EQ_U(st.evicted, 51);
    CHECK_EQ_U(st.refused, 0);
    size_t n;
    const struct swarm_host *hosts = swarm_hosts(s, &n);
    bool server = false, oldest = false;
    for (size_t i = 0; i < n; i++) {
        server |= hosts[i].live && hosts[i].addr.b[3] == 0xff;
        oldest |= hosts[i].live && hosts[i].addr.b[3] == 0x00;
    }
    CHECK(server);
    CHECK(!oldest);
    for (int f = 0; f < 30 * 5; f++)
        swarm_step(s, 0, 1.0f / 30);
    swarm_get_stats(s, &st);
    CHECK_EQ_U(st.hosts, 0); /* idle hosts faded and were reclaimed */
    CHECK_EQ_U(st.hubs, 0);
    /* and the freed slots are used again */
    struct event e = make_event(0x0c000001u, 0x0c000002u, 17, 5000, 53, 100);
    swarm_add_event(s, &e);
    swarm_get_stats(s, &st);
    CHECK_EQ_U(st.hosts, 2);
    CHECK_EQ_U(st.hubs, 1);
    swarm_destroy(s);
}

/* A flow record with a duration keeps its hosts in the swarm for all of
 * it; a packet's hosts fade once it is past. */
static void test_long_flow(void)
{
    struct swarm *s = swarm_create(NULL);
    const int64_t sec = 1000000000;
    struct event flow = make_event(0x0a000001u, 0x0a000002u, 6, 40000, 22, 5000000);
    flow.end_ns = 20 * sec;
    struct event blip = make_event(0x0b000001u, 0x0b000002u, 17, 40000, 53, 100);
    swarm_add_event(s, &flow);
    swarm_add_event(s, &blip);
    struct swarm_stats st;
    for (int i = 1; i <= 60; i++) /* 15 s, capture and animation alike */
        swarm_step(s, i * sec / 4, 0.25f);
    swarm_get_stats(s, &st);
    CHECK_EQ_U(st.flows, 1);
    CHECK_EQ_U(st.hosts, 2); /* the blip's hosts are gone, the flow's stay */
    CHECK(st.octets > 3700000 && st.octets < 3800000); /* 15/20 of it so far */
    for (int i = 61; i <= 120; i++)
        swarm_step(s, i * sec / 4, 0.25f);
    swarm_get_stats(s, &st);
    CHECK_EQ_U(st.flows, 0);
    CHECK_EQ_U(st.hosts, 0);
    /* all of it, once (plus the blip's 100), short only of rounding */
    CHECK(st.octets > 5000000 && st.octets <= 5000100);
    CHECK(all_finite(s, 1e5f));
    swarm_destroy(s);
}

/* An aggregate that names one side only ties just that host. */
static void test_one_sided(void)
{
    struct swarm *s = swarm_create(NULL);
    struct event e = make_event(0x0a000001u, 0, 0, 0, 0, 1000);
    memset(&e.dst, 0, sizeof(e.dst));
    swarm_add_event(s, &e);
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    CHECK_EQ_U(st.hosts, 1);
    CHECK_EQ_U(st.hubs, 1);
    memset(&e.src, 0, sizeof(e.src));
    swarm_add_event(s, &e); /* names nobody: refused, counted */
    swarm_get_stats(s, &st);
    CHECK_EQ_U(st.refused, 1);
    swarm_destroy(s);
}

/* The scale and half-life options change what they say they change. */
static void test_options(void)
{
    struct swarm *lg = swarm_create(NULL);
    struct swarm *sq = swarm_create(&(struct swarm_opts){.scale = SWARM_SCALE_SQRT});
    struct swarm *fast = swarm_create(&(struct swarm_opts){.half_life_s = 0.5f});
    struct swarm *all[3] = {lg, sq, fast};
    for (int k = 0; k < 3; k++) {
        struct event e = make_event(0x0a000001u, 0x0a000002u, 6, 40000, 80, 10000000);
        swarm_add_event(all[k], &e);
        for (int f = 0; f < 30; f++)
            swarm_step(all[k], 0, 1.0f / 30);
    }
    size_t n;
    float size[3], strength[3];
    for (int k = 0; k < 3; k++) {
        const struct swarm_host *h = swarm_hosts(all[k], &n);
        size[k] = h[0].size;
        strength[k] = h[0].nsprings ? h[0].springs[0].strength : 0;
    }
    CHECK(isfinite(size[0]) && isfinite(size[1]));
    CHECK(size[1] > size[0]); /* 10 MB: sqrt grows a host past log */
    CHECK(strength[1] > strength[0]);
    /* after 1 s: a 3 s half-life keeps 2^-1/3, a 0.5 s one 2^-2 */
    CHECK(strength[2] < strength[0] * 0.4f);
    for (int k = 0; k < 3; k++)
        swarm_destroy(all[k]);
}

static void test_service_side(void)
{
    /* a flood from random source ports gathers on its one target port */
    struct swarm *sw = swarm_create(NULL);
    for (uint32_t k = 0; k < 200; k++) {
        uint16_t sport = (uint16_t)(1000 + k * 300);
        if (services_known(6, sport)) /* a random port that is a service's (9100) */
            sport++;
        struct event e = make_event(0x0a000000u + k, 0x0a0a0a0au, 6, sport, 25565, 60);
        swarm_add_event(sw, &e);
    }
    struct swarm_stats st;
    swarm_get_stats(sw, &st);
    CHECK(st.hubs <= 2); /* 25565, and at most the first lower source port */
    swarm_destroy(sw);

    CHECK_EQ_U(services_port(6, 51000, 443), 443);
    CHECK_EQ_U(services_port(6, 443, 51000), 443);
    CHECK_EQ_U(services_port(17, 53, 5353), 53);   /* both known: the lower */
    CHECK_EQ_U(services_port(6, 40000, 31337), 31337); /* unknown: the lower */
    CHECK_EQ_U(services_port(1, 0, 0x0800), 0);
    char label[32];
    services_label(6, 443, label, sizeof(label));
    CHECK(strcmp(label, "https 443/tcp") == 0);
    services_label(17, 53, label, sizeof(label));
    CHECK(strcmp(label, "domain 53/udp") == 0);
    services_label(47, 0, label, sizeof(label));
    CHECK(strcmp(label, "gre") == 0);
    CHECK(services_class(6, 3306) == SVC_DB);
    CHECK(services_class(58, 0) == SVC_ICMP);
}

/* The spring of host addr to its one hub. */
static const struct swarm_spring *spring_of(const struct swarm *s, uint32_t addr)
{
    size_t n;
    const struct swarm_host *hosts = swarm_hosts(s, &n);
    for (size_t i = 0; i < n; i++)
        if (hosts[i].live && hosts[i].addr.b[3] == (uint8_t)addr &&
            hosts[i].addr.b[0] == (uint8_t)(addr >> 24) && hosts[i].nsprings == 1)
            return &hosts[i].springs[0];
    return NULL;
}

/* An event sends a pulse from the sender toward the hub and from the hub
 * toward the receiver; it runs its course in PULSE_S, and events while it
 * runs do not restart it. */
static void test_pulses(void)
{
    struct swarm *s = swarm_create(NULL);
    struct event e = make_event(0x0a000001u, 0x0a000002u, 6, 40000, 443, 1500);
    swarm_add_event(s, &e);
    const struct swarm_spring *a = spring_of(s, 0x0a000001u), *b = spring_of(s, 0x0a000002u);
    CHECK(a && b);
    if (!a || !b)
        return;
    CHECK(a->pulse > 0 && a->pulse < 0.01f);
    CHECK(b->pulse < 0 && b->pulse > -0.01f);
    swarm_step(s, 0, 0.3f);
    a = spring_of(s, 0x0a000001u);
    b = spring_of(s, 0x0a000002u);
    CHECK(fabsf(a->pulse - 0.5f) < 0.01f);
    CHECK(fabsf(b->pulse + 0.5f) < 0.01f);
    swarm_add_event(s, &e); /* in flight: not restarted */
    a = spring_of(s, 0x0a000001u);
    CHECK(fabsf(a->pulse - 0.5f) < 0.01f);
    swarm_step(s, 0, 0.35f);
    a = spring_of(s, 0x0a000001u);
    b = spring_of(s, 0x0a000002u);
    CHECK(a->pulse == 0 && b->pulse == 0);
    swarm_add_event(s, &e); /* arrived: the next one goes */
    CHECK(spring_of(s, 0x0a000001u)->pulse > 0);
    swarm_destroy(s);
}

/* 320 busy hosts and 100 quiet ones in 10.1.2.0/24, with clouds from
 * 100 live hosts: the quiet ones merge into one cloud, gather around its
 * centre, and the busy ones stay single; off, nothing merges. */
static void run_subnets(struct swarm *s, int frames)
{
    for (int f = 0; f < frames; f++) {
        for (uint32_t i = 0; i < 320; i++) {
            struct event e = make_event(0x0a090000u + i, 0xc0a80001u, 6,
                                        (uint16_t)(40000 + i), 443, 20000);
            swarm_add_event(s, &e);
        }
        if (f % 10 == 0) {
            for (uint32_t i = 0; i < 100; i++) {
                struct event e = make_event(0x0a010200u + i, 0xc0a80002u, 17,
                                            (uint16_t)(50000 + i), 53, 80);
                swarm_add_event(s, &e);
            }
        }
        swarm_step(s, 0, 1.0f / 30);
    }
}

static void test_clouds(void)
{
    struct swarm *s = swarm_create(&(struct swarm_opts){.group_at = 100});
    run_subnets(s, 150);
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    CHECK_EQ_U(st.clouds, 1);    /* one cloud: the 100 quiet hosts */
    CHECK_EQ_U(st.merged, 100);
    size_t nh, nc;
    const struct swarm_host *hosts = swarm_hosts(s, &nh);
    const struct swarm_cloud *clouds = swarm_clouds(s, &nc);
    const struct swarm_cloud *c = NULL;
    for (size_t i = 0; i < nc; i++)
        if (clouds[i].live && clouds[i].formed)
            c = &clouds[i];
    /* it is 10.1.2.0/24 */
    CHECK(c && c->net.b[0] == 10 && c->net.b[1] == 1 && c->net.b[2] == 2 && c->net.b[3] == 0 &&
          c->prefix == 24 && c->hosts == 100);
    CHECK(c && fabsf(c->size - 35.0f) < 0.01f); /* radius: 3.5 per root of its hosts */
    CHECK(c && c->nties == 1 && c->alpha > 0.99f); /* faded in, tied to the DNS hub */
    int single = 0, apart = 0;
    for (size_t i = 0; i < nh; i++) {
        const struct swarm_host *h = &hosts[i];
        if (!h->live)
            continue;
        bool quiet = h->addr.b[1] == 1;
        single += h->addr.b[1] == 9 && h->cloud == SWARM_NO_CLOUD;
        if (quiet && c && hypotf(h->x - c->x, h->y - c->y) > c->size * 2)
            apart++;
    }
    CHECK_EQ_U(single, 320); /* the busy hosts stay single */
    CHECK_EQ_U(apart, 0);    /* the members gather within the cloud */

    struct swarm_snapshot *snap = swarm_save(s);
    struct swarm *t = swarm_restore(snap);
    swarm_snapshot_free(snap);
    run_subnets(s, 30);
    run_subnets(t, 30);
    const struct swarm_cloud *ca = swarm_clouds(s, &nc), *cb = swarm_clouds(t, &nh);
    /* a restored swarm's clouds go on as the saved one's */
    bool same = nc == nh;
    for (size_t i = 0; same && i < nc; i++)
        same = ca[i].live == cb[i].live && ca[i].hosts == cb[i].hosts && ca[i].x == cb[i].x &&
               ca[i].y == cb[i].y && ca[i].alpha == cb[i].alpha && ca[i].nties == cb[i].nties;
    CHECK(same);
    swarm_destroy(t);
    swarm_destroy(s);

    s = swarm_create(&(struct swarm_opts){.group_at = 100, .group = SWARM_GROUP_OFF});
    run_subnets(s, 60);
    swarm_get_stats(s, &st);
    CHECK(st.clouds == 0 && st.merged == 0); /* off merges nothing */
    swarm_destroy(s);

    s = swarm_create(&(struct swarm_opts){.group_at = 100, .group = SWARM_GROUP_FIXED,
                                          .group_v4 = 16});
    run_subnets(s, 60);
    clouds = swarm_clouds(s, &nc);
    int sixteen = 0;
    for (size_t i = 0; i < nc; i++)
        sixteen += clouds[i].live && clouds[i].formed && clouds[i].prefix == 16 &&
                   clouds[i].net.b[2] == 0;
    CHECK_EQ_U(sixteen, 1); /* a fixed /16 makes 10.1.0.0/16 */
    swarm_destroy(s);

    s = swarm_create(&(struct swarm_opts){0});
    run_subnets(s, 60);
    swarm_get_stats(s, &st);
    CHECK_EQ_U(st.clouds, 0); /* under 2000 live hosts nothing merges */
    swarm_destroy(s);
}

int main(void)
{
    test_pulses();
    test_service_side();
    test_determinism();
    test_snapshot();
    test_one_host_dominates();
    test_burst_of_hosts();
    test_reclaim_and_limits();
    test_long_flow();
    test_one_sided();
    test_options();
    test_clouds();
    return check_done("swarm");
}
