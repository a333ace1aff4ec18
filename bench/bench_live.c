/* Live input to pixels, with flowswarm's own stages: the ingest thread on
 * a live source, the event ring, the swarm and the renderer, drawn the
 * way the live window draws them. Loopback only.
 *
 *   bench_live latency PPS SECONDS
 *     UDP to 127.0.0.1 at PPS packets/s, captured on lo (root). Every
 *     20 ms a marker packet; its latency is the time from sendto() to the
 *     end of the first frame that drew it (glFinish), frames paced at
 *     60 per second as on a 60 Hz display.
 *   bench_live hosts N SECONDS
 *     NetFlow v5 to a collector on 127.0.0.1, among N hosts (each host
 *     in a flow about once a second); frames drawn as fast as they go.
 *     Prints frames/s and the hosts on screen.
 *
 * It draws into a window when DISPLAY is set (xvfb-run gives one), else
 * headless. Prints figures; fails on nothing but setup. */
#include <arpa/inet.h>
#include <glad/gl.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "ingest/ingest.h"
#include "renderer/context.h"
#include "renderer/render.h"
#include "swarm/swarm.h"

enum { DPORT = 47311, MARK_SPORT = 47312, MARKS_MAX = 1 << 16, CPORT = 47313 };

struct sender {
    int mode;        /* 0 latency, 1 hosts */
    double rate;     /* packets/s, or hosts */
    double seconds;
    atomic_bool stop;
    double mark_sent[MARKS_MAX]; /* monotonic time each marker left */
    atomic_uint marks;
    unsigned long sent;
};

static void sleep_until(double t)
{
    struct timespec ts = {.tv_sec = (time_t)t, .tv_nsec = (long)((t - floor(t)) * 1e9)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static struct sockaddr_in to(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* Background UDP at the rate, a marker every 20 ms (payload length
 * 1 + seq % 1000, so that the event's octets name it). */
static void send_packets(struct sender *s)
{
    int bg = socket(AF_INET, SOCK_DGRAM, 0), mk = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dst = to(DPORT), me = to(MARK_SPORT);
    if (bind(mk, (struct sockaddr *)&me, sizeof(me)) != 0) {
        perror("bench_live: bind the marker port");
        exit(1);
    }
    char payload[1100] = {0};
    enum { TICK_MS = 1 };
    double t0 = now(), next_mark = t0;
    unsigned per_tick = (unsigned)(s->rate / 1000.0 + 0.5);
    struct mmsghdr msgs[256];
    struct iovec iov = {payload, 64};
    for (unsigned i = 0; i < 256; i++)
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &dst, .msg_namelen = sizeof(dst),
                                               .msg_iov = &iov, .msg_iovlen = 1}};
    for (unsigned long tick = 0; !atomic_load(&s->stop); tick++) {
        double t = t0 + (double)tick * TICK_MS / 1000.0;
        if (t - t0 > s->seconds)
            break;
        sleep_until(t);
        for (unsigned left = per_tick; left > 0;) {
            int k = sendmmsg(bg, msgs, left < 256 ? left : 256, 0);
            if (k <= 0)
                break;
            left -= (unsigned)k;
            s->sent += (unsigned)k;
        }
        if (t >= next_mark) {
            unsigned seq = atomic_load(&s->marks);
            if (seq < MARKS_MAX) {
                s->mark_sent[seq] = now();
                sendto(mk, payload, 1 + seq % 1000, 0, (struct sockaddr *)&dst, sizeof(dst));
                atomic_store(&s->marks, seq + 1);
            }
            next_mark += 0.020;
        }
    }
    close(bg);
    close(mk);
}

/* NetFlow v5 datagrams of 30 records: host i talks to host i + 1, each
 * host in about one flow a second. */
static void send_flows(struct sender *s)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dst = to(CPORT);
    uint8_t d[24 + 30 * 48];
    unsigned hosts = (unsigned)s->rate, next = 0, seq = 0;
    double t0 = now();
    for (unsigned long tick = 0; !atomic_load(&s->stop); tick++) {
        double t = t0 + (double)tick / 100.0; /* 100 ticks a second */
        if (t - t0 > s->seconds)
            break;
        sleep_until(t);
        for (unsigned flows = 0; flows < hosts / 100 + 1; flows += 30) {
            memset(d, 0, sizeof(d));
            uint32_t up = (uint32_t)((now() - t0) * 1000) + 1000;
            uint32_t h[6] = {htonl(5 << 16 | 30), htonl(up), htonl((uint32_t)time(NULL)), 0,
                             htonl(seq), 0};
            memcpy(d, h, 24);
            seq += 30;
            for (int r = 0; r < 30; r++, next = (next + 1) % hosts) {
                uint8_t *p = d + 24 + r * 48;
                uint32_t src = htonl(0x0a000000u + next), dsta = htonl(0x0a000000u + (next + 1) % hosts);
                uint32_t pk = htonl(10), oc = htonl(15000), first = htonl(up - 5), last = htonl(up);
                memcpy(p, &src, 4);
                memcpy(p + 4, &dsta, 4);
                memcpy(p + 16, &pk, 4);
                memcpy(p + 20, &oc, 4);
                memcpy(p + 24, &first, 4);
                memcpy(p + 28, &last, 4);
                uint16_t sp = htons((uint16_t)(1024 + next % 50000)), dp = htons(next % 7 ? 443 : 53);
                memcpy(p + 32, &sp, 2);
                memcpy(p + 34, &dp, 2);
                p[37] = 0x18;              /* TCP flags */
                p[38] = next % 7 ? 6 : 17; /* protocol */
            }
            if (sendto(fd, d, sizeof(d), 0, (struct sockaddr *)&dst, sizeof(dst)) > 0)
                s->sent += 30;
        }
    }
    close(fd);
}

static void *sender_main(void *arg)
{
    struct sender *s = arg;
    if (s->mode == 0)
        send_packets(s);
    else
        send_flows(s);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "latency") && strcmp(argv[1], "hosts"))) {
        fprintf(stderr, "usage: bench_live latency PPS SECONDS | hosts N SECONDS\n");
        return 2;
    }
    static struct sender snd;
    snd.mode = strcmp(argv[1], "hosts") == 0;
    snd.rate = atof(argv[2]);
    snd.seconds = atof(argv[3]);
    char err[512], spec[32], filter[64];
    snprintf(spec, sizeof(spec), "%d", CPORT);
    snprintf(filter, sizeof(filter), "udp dst port %d", DPORT);
    const char *iface = "lo", *collect = spec;
    struct ingest_opts io = {.filter = snd.mode ? NULL : filter, .snaplen = 256 /* as -s */};
    if (snd.mode) {
        io.collect = &collect;
        io.ncollect = 1;
    } else {
        io.ifaces = &iface;
        io.nifaces = 1;
    }
    struct ingest *in = ingest_create(&io, err, sizeof(err));
    if (!in) {
        fprintf(stderr, "bench_live: %s\n", err);
        return 1;
    }
    bool window = glctx_display_available();
    struct glctx *ctx = glctx_create(&(struct glctx_opts){.width = 1280, .height = 720,
                                                          .headless = !window,
                                                          .title = "bench_live"},
                                     err, sizeof(err));
    struct render *rnd = ctx ? render_create(NULL, err, sizeof(err)) : NULL;
    if (!rnd) {
        fprintf(stderr, "bench_live: %s\n", err);
        return 1;
    }
    char gl[256];
    glctx_describe(ctx, gl, sizeof(gl));
    struct swarm *sw = swarm_create(&(struct swarm_opts){0});
    ingest_start(in);
    pthread_t th;
    pthread_create(&th, NULL, sender_main, &snd);

    static struct event evs[65536];
    static double lat[MARKS_MAX];
    bool *seen = calloc(MARKS_MAX, 1);
    unsigned nlat = 0;
    unsigned long frames = 0, events = 0;
    double t0 = now(), tprev = t0, frame_ms_sum = 0, frame_ms_max = 0;
    while (now() - t0 < snd.seconds + 0.5) {
        double tf = now();
        size_t n;
        unsigned arrived[256], narr = 0;
        while ((n = ingest_pop(in, evs, 65536, false)) > 0)
            for (size_t i = 0; i < n; i++) {
                swarm_add_event(sw, &evs[i]);
                events++;
                unsigned seq = (unsigned)evs[i].octets - 29;
                if (!snd.mode && evs[i].sport == MARK_SPORT && seq < 1000 && narr < 256)
                    arrived[narr++] = seq;
            }
        float dt = (float)(tf - tprev);
        tprev = tf;
        swarm_step(sw, wall_ns(), dt);
        int w, h;
        glctx_begin_frame(ctx, &w, &h);
        struct render_hud hud = {.clock_ns = wall_ns(), .speed = 1, .live = true, .lag_ns = -1};
        render_frame(rnd, sw, &hud, w, h, dt);
        struct glctx_event gev[GLCTX_EVENTS_MAX];
        glctx_end_frame(ctx, gev, GLCTX_EVENTS_MAX);
        glFinish();
        double done = now();
        double ms = (done - tf) * 1e3;
        frame_ms_sum += ms;
        frame_ms_max = ms > frame_ms_max ? ms : frame_ms_max;
        frames++;
        /* markers: seq modulo 1000 names the newest one sent with it */
        unsigned marks = atomic_load(&snd.marks);
        for (unsigned k = 0; k < narr; k++)
            for (unsigned q = marks; q-- > 0 && marks - q <= 1000;)
                if (q % 1000 == arrived[k] && !seen[q]) {
                    seen[q] = true;
                    lat[nlat++] = (done - snd.mark_sent[q]) * 1e3;
                    break;
                }
        if (!snd.mode)
            sleep_until(t0 + (double)frames / 60.0);
    }
    atomic_store(&snd.stop, true);
    pthread_join(th, NULL);
    double secs = now() - t0;
    struct ingest_stats st;
    ingest_stats(in, &st);
    struct swarm_stats ss;
    swarm_get_stats(sw, &ss);
    printf("renderer: %s\n", gl);
    if (snd.mode) {
        printf("hosts %u: %lu flows sent, %lu events in; %lu frames in %.1f s: %.1f frames/s "
               "(frame %.1f ms mean, %.1f ms worst); %u hosts, %u services in the swarm; "
               "lost %llu in flowswarm, %llu by the socket\n",
               (unsigned)snd.rate, snd.sent, events, frames, secs, (double)frames / secs,
               frame_ms_sum / (double)frames, frame_ms_max, ss.hosts, ss.hubs,
               (unsigned long long)st.dropped, (unsigned long long)st.sock_dropped);
    } else {
        qsort(lat, nlat, sizeof(*lat), cmp_double);
        unsigned marks = atomic_load(&snd.marks);
        printf("latency at %.0f packets/s: %lu packets sent, %lu events in, lost %llu in "
               "flowswarm and %llu by the kernel; frames %.1f ms mean, %.1f ms worst\n",
               snd.rate, snd.sent, events, (unsigned long long)st.dropped,
               (unsigned long long)st.os_dropped, frame_ms_sum / (double)frames, frame_ms_max);
        if (nlat)
            printf("  packet to pixel, %u of %u markers: median %.1f ms, p95 %.1f ms, "
                   "p99 %.1f ms, worst %.1f ms\n",
                   nlat, marks, lat[nlat / 2], lat[nlat * 95 / 100], lat[nlat * 99 / 100],
                   lat[nlat - 1]);
    }
    free(seen);
    swarm_destroy(sw);
    render_destroy(rnd);
    glctx_destroy(ctx);
    ingest_destroy(in);
    return 0;
}
