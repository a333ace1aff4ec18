/* Scanners and client ports (analyze/scans.c): made-up conversations for
 * each kind of probe and for clients that must not look like scanners,
 * then, given the data directory, a real SYN scan read, marked, put into
 * the swarm and drawn: one scan hub instead of a hub per probed port, the
 * scanner ringed and labelled.
 * usage: test_scans [DATA_DIR] */
#include <stdlib.h>
#include <string.h>

#include "analyze/scans.h"
#include "base/services.h"
#include "base/xalloc.h"
#include "check.h"
#include "ingest/ingest.h"
#include "renderer/context.h"
#include "renderer/palette.h"
#include "renderer/readback.h"
#include "renderer/render.h"
#include "swarm/swarm.h"

enum { SYN = 2, RST = 4, ACK = 16, FIN = 1, PSH = 8, URG = 32 };
#define SEC 1000000000LL
#define T0 (1700000000LL * SEC)

static struct addr ip(const char *s)
{
    struct addr a;
    if (!addr_parse(s, &a))
        abort();
    return a;
}

static struct event ev(int64_t t, const char *src, const char *dst, uint8_t proto,
                       uint16_t sport, uint16_t dport, uint8_t flags)
{
    return (struct event){.time_ns = t, .end_ns = t, .octets = 60, .packets = 1,
                          .sport = sport, .dport = dport, .proto = proto,
                          .tcpflags = flags, .src = ip(src), .dst = ip(dst)};
}

/* Feeds e and gives back its flags. */
static unsigned feed(struct scans *s, struct event e)
{
    scans_event(s, &e);
    return e.flags;
}

static bool scanner(const struct scans *s, const char *a)
{
    struct addr x = ip(a);
    return scans_is_scanner(s, &x);
}

static unsigned how(const struct scans *s, const char *a)
{
    size_t n;
    const struct scans_scanner *sc = scans_scanners(s, &n);
    struct addr x = ip(a);
    for (size_t i = 0; i < n; i++)
        if (addr_equal(&sc[i].addr, &x))
            return sc[i].how;
    return 0;
}

static void syn_port_scan(void)
{
    struct scans *s = scans_create(NULL);
    /* four closed ports: a client that tried its luck, not yet a scan */
    for (int p = 0; p < 4; p++) {
        int64_t t = T0 + p * SEC / 100;
        feed(s, ev(t, "10.0.0.9", "10.0.0.1", 6, 40000, (uint16_t)(1000 + p), SYN));
        feed(s, ev(t + 1000, "10.0.0.1", "10.0.0.9", 6, (uint16_t)(1000 + p), 40000,
                   RST | ACK));
    }
    CHECK(!scanner(s, "10.0.0.9"));
    /* the fifth is counted as it is sent, before any answer */
    unsigned f = feed(s, ev(T0 + SEC, "10.0.0.9", "10.0.0.1", 6, 40000, 2000, SYN));
    CHECK(scanner(s, "10.0.0.9"));
    CHECK(f & EVENT_PROBE);
    CHECK(f & EVENT_SCAN_SRC);
    CHECK(!(f & EVENT_SCAN_DST));
    CHECK_EQ_U(how(s, "10.0.0.9"), SCAN_PORTS | SCAN_SYN);
    f = feed(s, ev(T0 + SEC + 5, "10.0.0.1", "10.0.0.9", 6, 2000, 40000, RST | ACK));
    CHECK((f & (EVENT_PROBE | EVENT_SCAN_DST)) == (EVENT_PROBE | EVENT_SCAN_DST));
    /* an open port's answer, and the scanner's own reset: still the scan */
    feed(s, ev(T0 + 2 * SEC, "10.0.0.9", "10.0.0.1", 6, 40000, 22, SYN));
    f = feed(s, ev(T0 + 2 * SEC + 5, "10.0.0.1", "10.0.0.9", 6, 22, 40000, SYN | ACK));
    CHECK(f & EVENT_PROBE);
    /* the opener's port is the client side; the answer's far port too */
    CHECK(f & EVENT_CLIENT_DPORT);
    /* the scanner's later traffic on a connection is no probe, but its end
     * is still a scanner */
    f = feed(s, ev(T0 + 3 * SEC, "10.0.0.9", "10.0.0.1", 6, 40000, 22, ACK | PSH));
    CHECK(!(f & EVENT_PROBE));
    CHECK(f & EVENT_SCAN_SRC);
    CHECK(!scanner(s, "10.0.0.1"));
    scans_reset(s);
    CHECK(!scanner(s, "10.0.0.9"));
    scans_destroy(s);
}

static void stealth_scans(void)
{
    static const uint8_t kinds[] = {FIN, 0, FIN | PSH | URG}; /* FIN, NULL, XMAS */
    for (int k = 0; k < 3; k++) {
        struct scans *s = scans_create(NULL);
        for (int p = 0; p < 5; p++)
            feed(s, ev(T0 + p, "10.1.0.9", "10.1.0.1", 6, 50000, (uint16_t)(100 + p),
                       kinds[k]));
        CHECK(scanner(s, "10.1.0.9"));
        CHECK_EQ_U(how(s, "10.1.0.9"), SCAN_PORTS | SCAN_STEALTH);
        scans_destroy(s);
    }
    /* a connection's own FIN carries an ACK: nothing */
    struct scans *s = scans_create(NULL);
    for (int p = 0; p < 50; p++)
        feed(s, ev(T0 + p, "10.1.0.8", "10.1.0.1", 6, (uint16_t)(50000 + p), 443,
                   FIN | ACK));
    CHECK(!scanner(s, "10.1.0.8"));
    scans_destroy(s);
}

static void sweeps(void)
{
    struct scans *s = scans_create(NULL);
    char dst[32];
    /* port 22 of 25 hosts, none answering: a sweep once the wait is over */
    for (int h = 0; h < 25; h++) {
        snprintf(dst, sizeof(dst), "10.2.0.%d", h + 1);
        feed(s, ev(T0 + h * SEC / 10, "10.2.1.1", dst, 6, (uint16_t)(41000 + h), 22, SYN));
    }
    CHECK(!scanner(s, "10.2.1.1"));
    scans_settle(s, T0 + 10 * SEC);
    CHECK(scanner(s, "10.2.1.1"));
    CHECK_EQ_U(how(s, "10.2.1.1"), SCAN_HOSTS | SCAN_SYN);
    /* 24, and one more after the window: no sweep */
    for (int h = 0; h < 24; h++) {
        snprintf(dst, sizeof(dst), "10.3.0.%d", h + 1);
        feed(s, ev(T0 + 20 * SEC, "10.3.1.1", dst, 6, (uint16_t)(41000 + h), 22, SYN));
    }
    feed(s, ev(T0 + 400 * SEC, "10.3.1.1", "10.3.0.200", 6, 41999, 22, SYN));
    scans_settle(s, INT64_MAX);
    CHECK(!scanner(s, "10.3.1.1"));
    /* pings: 25 hosts that never answer; 40 that all do */
    for (int h = 0; h < 25; h++) {
        snprintf(dst, sizeof(dst), "10.4.0.%d", h + 1);
        feed(s, ev(T0 + 500 * SEC + h, "10.4.1.1", dst, 1, 0, 8 << 8, 0));
    }
    for (int h = 0; h < 40; h++) {
        snprintf(dst, sizeof(dst), "10.5.0.%d", h + 1);
        feed(s, ev(T0 + 500 * SEC + h, "10.5.1.1", dst, 1, 0, 8 << 8, 0));
        unsigned f = feed(s, ev(T0 + 500 * SEC + h + 1000, dst, "10.5.1.1", 1, 0, 0, 0));
        CHECK(!(f & EVENT_SCAN_DST));
    }
    scans_settle(s, T0 + 600 * SEC);
    CHECK(scanner(s, "10.4.1.1"));
    CHECK_EQ_U(how(s, "10.4.1.1"), SCAN_HOSTS | SCAN_ICMP);
    CHECK(!scanner(s, "10.5.1.1"));
    scans_destroy(s);
}

static void udp_probes(void)
{
    struct scans *s = scans_create(NULL);
    /* closed UDP ports answer with ICMP unreachable: no answer at all */
    for (int p = 0; p < 5; p++) {
        feed(s, ev(T0 + p, "10.6.0.9", "10.6.0.1", 17, 45000, (uint16_t)(700 + p), 0));
        feed(s, ev(T0 + p + 100, "10.6.0.1", "10.6.0.9", 1, 0, 3 << 8 | 3, 0));
    }
    CHECK(scanner(s, "10.6.0.9"));
    CHECK_EQ_U(how(s, "10.6.0.9"), SCAN_PORTS | SCAN_UDP);
    unsigned f = feed(s, ev(T0 + 200, "10.6.0.1", "10.6.0.9", 1, 0, 3 << 8 | 3, 0));
    CHECK((f & (EVENT_PROBE | EVENT_SCAN_DST)) == (EVENT_PROBE | EVENT_SCAN_DST));
    /* a resolver's client: a new port for every question, each answered */
    for (int q = 0; q < 200; q++) {
        int64_t t = T0 + SEC + q * SEC / 50;
        feed(s, ev(t, "10.6.1.5", "10.6.1.53", 17, (uint16_t)(30000 + q * 7), 53, 0));
        feed(s, ev(t + 1000, "10.6.1.53", "10.6.1.5", 17, 53, (uint16_t)(30000 + q * 7), 0));
    }
    /* answers whose questions the capture missed: from a service's port */
    for (int q = 0; q < 200; q++)
        feed(s, ev(T0 + 2 * SEC + q, "10.6.1.53", "10.6.1.6", 17, 53,
                   (uint16_t)(20000 + q * 3), 0));
    scans_settle(s, INT64_MAX);
    CHECK(!scanner(s, "10.6.1.5"));
    CHECK(!scanner(s, "10.6.1.53"));
    /* multicast has no one to answer: never a probe */
    for (int p = 0; p < 50; p++)
        feed(s, ev(T0 + 3 * SEC + p, "10.6.2.2", "239.255.255.250", 17,
                   (uint16_t)(50000 + p), (uint16_t)(1900 + p), 0));
    scans_settle(s, INT64_MAX);
    CHECK(!scanner(s, "10.6.2.2"));
    struct scans_stats st;
    scans_get_stats(s, &st);
    CHECK_EQ_U(st.scanners, 1);
    CHECK_EQ_U(st.client_ports, 0);
    scans_destroy(s);
}

static void clients(void)
{
    struct scans *s = scans_create(NULL);
    /* a browser: 60 hosts on 443, each answered; 4 ports of one server */
    char dst[32];
    for (int h = 0; h < 60; h++) {
        snprintf(dst, sizeof(dst), "192.0.2.%d", h + 1);
        int64_t t = T0 + h * SEC / 100;
        feed(s, ev(t, "10.7.0.5", dst, 6, (uint16_t)(50000 + h), 443, SYN));
        feed(s, ev(t + SEC / 20, dst, "10.7.0.5", 6, 443, (uint16_t)(50000 + h), SYN | ACK));
    }
    static const uint16_t mail[] = {25, 143, 587, 993};
    for (int p = 0; p < 4; p++)
        feed(s, ev(T0 + 2 * SEC, "10.7.0.5", "10.7.0.25", 6, (uint16_t)(51000 + p), mail[p],
                   SYN));
    scans_settle(s, INT64_MAX);
    CHECK(!scanner(s, "10.7.0.5"));
    scans_destroy(s);

    /* one source port opening 8 destination ports: a client port */
    s = scans_create(NULL);
    for (int p = 0; p < 8; p++) {
        int64_t t = T0 + p * SEC;
        feed(s, ev(t, "10.8.0.5", "10.8.0.1", 6, 31337, (uint16_t)(9000 + p), SYN));
        feed(s, ev(t + 10, "10.8.0.1", "10.8.0.5", 6, (uint16_t)(9000 + p), 31337, SYN | ACK));
    }
    CHECK(!scanner(s, "10.8.0.5"));
    struct event e = ev(T0 + 9 * SEC, "10.8.0.5", "10.8.0.1", 6, 31337, 40001, ACK);
    scans_event(s, &e);
    CHECK(e.flags & EVENT_CLIENT_SPORT);
    CHECK_EQ_U(services_event_port(&e), 40001);
    CHECK_EQ_U(services_port(6, 31337, 40001), 31337); /* what it would have been */
    e = ev(T0 + 9 * SEC, "10.8.0.1", "10.8.0.5", 6, 40001, 31337, ACK);
    scans_event(s, &e);
    CHECK(e.flags & EVENT_CLIENT_DPORT);
    CHECK_EQ_U(services_event_port(&e), 40001);
    /* whoever sends a SYN is the client, unless its port is a service's */
    CHECK(feed(s, ev(T0, "10.8.1.1", "10.8.1.2", 6, 40000, 31000, SYN)) & EVENT_CLIENT_SPORT);
    CHECK(!(feed(s, ev(T0, "10.8.1.1", "10.8.1.2", 6, 20, 31001, SYN)) & EVENT_CLIENT_SPORT));
    struct scans_stats st;
    scans_get_stats(s, &st);
    CHECK_EQ_U(st.client_ports, 1);
    scans_destroy(s);
}

/* A flood of one-off probes from many hosts within a small bound: the
 * state is forgotten oldest first, and a scan after it is still found. */
static void bounded(void)
{
    struct scans *s = scans_create(&(struct scans_opts){.max_entries = 4096});
    char src[32];
    for (int i = 0; i < 200000; i++) {
        snprintf(src, sizeof(src), "10.%d.%d.%d", 10 + i / 65536, i / 256 % 256, i % 256);
        feed(s, ev(T0 + i * (SEC / 1000), src, "10.9.0.1", 17, (uint16_t)(1024 + i % 60000),
                   161, 0));
    }
    struct scans_stats st;
    scans_get_stats(s, &st);
    CHECK(st.forgotten > 0);
    CHECK_EQ_U(st.scanners, 0);
    for (int p = 0; p < 5; p++)
        feed(s, ev(T0 + 300 * SEC + p, "10.9.9.9", "10.9.0.1", 6, 40000, (uint16_t)(1 + p),
                   SYN));
    CHECK(scanner(s, "10.9.9.9"));
    scans_destroy(s);
}

/* The real SYN scan, read and drawn as the export draws it (30 frames a
 * second of capture time). */
static void real_scan(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/pcap/chrissanders/synscan.pcapng", dir);
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("test_scans: %s is not there, the real scan is skipped\n", path);
        return;
    }
    fclose(f);
    char err[512];
    const char *paths[1] = {path};
    struct ingest_opts io = {.paths = paths, .npaths = 1};
    struct ingest *in[2] = {ingest_create(&io, err, sizeof(err)),
                            ingest_create(&io, err, sizeof(err))};
    struct glctx *ctx = glctx_create(&(struct glctx_opts){.width = 640, .height = 360,
                                                          .headless = true},
                                     err, sizeof(err));
    struct render *rnd = ctx ? render_create(NULL, err, sizeof(err)) : NULL;
    CHECK(in[0] && in[1] && rnd);
    if (!in[0] || !in[1] || !rnd) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    struct scans *sc = scans_create(NULL);
    struct swarm *sw[2] = {swarm_create(NULL), swarm_create(NULL)}; /* scans, none */
    struct event *buf = xcalloc(4096, sizeof(*buf));
    uint32_t most_hubs[2] = {0, 0};
    bool source_hub[2] = {false, false}; /* a hub for nmap's source port */
    bool labelled = false, red = false;
    for (int k = 0; k < 2; k++) {
        ingest_start(in[k]);
        size_t n = 0, pos = 0;
        int64_t first = 0;
        for (int fr = 0; fr < 30 * 25; fr++) {
            if (fr == 0) {
                n = ingest_pop(in[k], buf, 4096, true);
                first = n ? buf[0].time_ns : 0;
            }
            int64_t clock = first + (int64_t)fr * SEC / 30;
            for (;;) {
                while (pos < n && buf[pos].time_ns <= clock) {
                    if (k == 0)
                        scans_event(sc, &buf[pos]);
                    swarm_add_event(sw[k], &buf[pos++]);
                }
                if (pos < n || ingest_finished(in[k]))
                    break;
                n = ingest_pop(in[k], buf, 4096, true);
                pos = 0;
                if (!n)
                    break;
            }
            swarm_step(sw[k], clock, 1.0f / 30);
            struct swarm_stats st;
            swarm_get_stats(sw[k], &st);
            if (st.hubs > most_hubs[k])
                most_hubs[k] = st.hubs;
            size_t nh;
            const struct swarm_hub *hubs = swarm_hubs(sw[k], &nh);
            for (size_t i = 0; i < nh; i++)
                source_hub[k] |= hubs[i].live && !hubs[i].scan && hubs[i].port == 36050;
            if (k == 1 || fr % 30 || !st.scanners)
                continue;
            /* once a second: draw it, look for the label and the red */
            int w, h;
            glctx_begin_frame(ctx, &w, &h);
            struct render_hud hud = {.clock_ns = clock, .speed = 1, .scanners = 1};
            render_frame(rnd, sw[k], &hud, w, h, 1.0f / 30);
            size_t nb;
            const struct render_box *b = render_layout(rnd, &nb);
            for (size_t i = 0; i < nb; i++)
                labelled |= b[i].item == ITEM_HOST_LABEL &&
                            strcmp(b[i].text, "scanner 172.16.0.8") == 0;
            uint8_t *px = xcalloc((size_t)w * h * 4, 1);
            readback_now(w, h, px);
            size_t reds = 0;
            for (size_t i = 0; i < (size_t)w * h; i++)
                reds += px[4 * i] > 150 && px[4 * i + 1] < 90 && px[4 * i + 2] < 90;
            red |= reds > 20;
            free(px);
        }
    }
    printf("test_scans: synscan: at most %u services at once with the scans stage, "
           "%u without\n", most_hubs[0], most_hubs[1]);
    CHECK(scanner(sc, "172.16.0.8"));
    CHECK_EQ_U(scans_scanners(sc, &(size_t){0})[0].how, SCAN_PORTS | SCAN_SYN);
    /* without: a hub per known port probed, and the biggest is nmap's
     * source port; with: the scan hub, the few probes before it, the rest */
    CHECK(most_hubs[0] <= 12);
    CHECK(most_hubs[1] >= 30);
    CHECK(source_hub[1]);
    CHECK(!source_hub[0]);
    CHECK(labelled);
    CHECK(red);
    free(buf);
    swarm_destroy(sw[0]);
    swarm_destroy(sw[1]);
    scans_destroy(sc);
    render_destroy(rnd);
    glctx_destroy(ctx);
    ingest_destroy(in[0]);
    ingest_destroy(in[1]);
}

int main(int argc, char **argv)
{
    syn_port_scan();
    stealth_scans();
    sweeps();
    udp_probes();
    clients();
    bounded();
    if (argc > 1)
        real_scan(argv[1]);
    return check_done("test_scans");
}
