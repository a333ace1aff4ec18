/* Screen to host: the camera's mapping both ways, and picking at several
 * zooms, with no GL context. A host is found where it is drawn, the
 * nearest wins, empty space finds nothing, a hidden host is not picked;
 * a subnet cloud splits into its hosts as the view zooms in. */
#include <arpa/inet.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "renderer/render.h"

static struct event ev(const char *src, const char *dst, uint16_t dport)
{
    struct event e = {.proto = 6, .sport = 40000, .dport = dport, .packets = 1,
                      .octets = 800};
    e.src.family = e.dst.family = 4;
    inet_pton(AF_INET, src, e.src.b);
    inet_pton(AF_INET, dst, e.dst.b);
    return e;
}

static bool keep_all_but(void *ctx, const struct event *e, const struct addr *host)
{
    const struct addr *gone = ctx;
    return host ? !addr_equal(host, gone) : true;
}

int main(void)
{
    struct swarm *s = swarm_create(&(struct swarm_opts){0});
    char a[32];
    for (int step = 0; step < 120; step++) {
        for (int i = 1; i <= 40; i++) {
            snprintf(a, sizeof(a), "10.0.0.%d", i);
            struct event e = ev(a, "192.0.2.1", i % 3 ? 443 : 53);
            swarm_add_event(s, &e);
        }
        swarm_step(s, 0, 1.0f / 30);
    }
    size_t n;
    const struct swarm_host *hosts = swarm_hosts(s, &n);
    const float scales[] = {0.3f, 1.0f, 4.0f, 20.0f};
    unsigned tried = 0, found = 0;
    for (size_t k = 0; k < sizeof(scales) / sizeof(scales[0]); k++) {
        struct render_camera cam = {.cx = hosts[0].x, .cy = hosts[0].y, .scale = scales[k],
                                    .w = 1280, .h = 720};
        for (size_t i = 0; i < n; i++) {
            if (!hosts[i].live)
                continue;
            float sx, sy, wx, wy;
            render_camera_to_screen(&cam, hosts[i].x, hosts[i].y, &sx, &sy);
            render_camera_to_world(&cam, sx, sy, &wx, &wy);
            CHECK(fabsf(wx - hosts[i].x) < 1e-2f && fabsf(wy - hosts[i].y) < 1e-2f);
            size_t got;
            tried++;
            /* on its centre, the nearest host is itself (hosts may touch when
             * zoomed out: then one as near will do) */
            if (render_camera_pick(&cam, s, sx, sy, &got)) {
                float gx, gy;
                render_camera_to_screen(&cam, hosts[got].x, hosts[got].y, &gx, &gy);
                found += got == i || hypotf(gx - sx, gy - sy) < 0.5f;
            }
        }
        /* far from everything: nothing */
        size_t got;
        CHECK(!render_camera_pick(&cam, s, -5000, -5000, &got));
    }
    CHECK_EQ_U(found, tried);
    CHECK(tried > 100);

    /* a point a few pixels off a host at a high zoom still finds it, one
     * past its reach does not */
    struct render_camera cam = {.cx = hosts[0].x, .cy = hosts[0].y, .scale = 50, .w = 1280,
                                .h = 720};
    size_t got;
    float sx, sy;
    render_camera_to_screen(&cam, hosts[0].x, hosts[0].y, &sx, &sy);
    float reach = fmaxf(hosts[0].size * cam.scale * 2, 8);
    CHECK(render_camera_pick(&cam, s, sx + 4, sy - 3, &got) && got == 0);
    CHECK(!render_camera_pick(&cam, s, sx + reach + 1, sy, &got) || got != 0);

    /* hidden by a filter: fading out, and no longer picked */
    struct addr gone = hosts[0].addr;
    swarm_filter(s, keep_all_but, &gone);
    CHECK(hosts[0].hidden);
    CHECK(!render_camera_pick(&cam, s, sx, sy, &got) || got != 0);
    for (int step = 0; step < 20; step++)
        swarm_step(s, 0, 1.0f / 30);
    hosts = swarm_hosts(s, &n);
    bool still = false;
    for (size_t i = 0; i < n; i++)
        still |= hosts[i].live && addr_equal(&hosts[i].addr, &gone);
    CHECK(!still); /* gone within about half a second */
    swarm_destroy(s);

    /* a cloud of 100 hosts (radius 50) is drawn whole from afar; zooming
     * in splits it once its hosts would stand 8 px apart (at 720 lines),
     * or once it is a sixth of the frame high */
    struct swarm_cloud cl = {.size = 50, .hosts = 100, .formed = true, .live = true};
    CHECK(!render_cloud_split(&cl, 0.5f, 720));
    CHECK(!render_cloud_split(&cl, 1.5f, 720));
    CHECK(render_cloud_split(&cl, 1.7f, 720));
    CHECK(!render_cloud_split(&cl, 1.7f, 1440)); /* 8 px at 720 lines is 16 at 1440 */
    cl.size = 500;
    cl.hosts = 10000;
    CHECK(render_cloud_split(&cl, 0.25f, 720)); /* 125 px of 720 */
    CHECK(!render_cloud_split(&cl, 0.2f, 720));

    /* 320 busy hosts and 100 quiet ones in 10.1.2.0/24, clouds from 100
     * hosts: from afar the pointer finds the cloud, not its hosts; zoomed
     * in, the hosts and no cloud */
    s = swarm_create(&(struct swarm_opts){.group_at = 100});
    for (int f = 0; f < 150; f++) {
        char src[32];
        for (int i = 0; i < 320; i++) {
            snprintf(src, sizeof(src), "10.9.%d.%d", i / 250, i % 250 + 1);
            struct event e = ev(src, "192.168.0.1", 443);
            e.octets = 20000;
            swarm_add_event(s, &e);
        }
        for (int i = 0; f % 10 == 0 && i < 100; i++) {
            snprintf(src, sizeof(src), "10.1.2.%d", i + 1);
            struct event e = ev(src, "192.168.0.2", 53);
            e.octets = 80;
            swarm_add_event(s, &e);
        }
        swarm_step(s, 0, 1.0f / 30);
    }
    size_t nc, found_cloud = SIZE_MAX;
    const struct swarm_cloud *clouds = swarm_clouds(s, &nc);
    for (size_t i = 0; i < nc; i++)
        if (clouds[i].live && clouds[i].formed)
            found_cloud = i;
    CHECK(found_cloud != SIZE_MAX);
    if (found_cloud != SIZE_MAX) {
        const struct swarm_cloud *c = &clouds[found_cloud];
        struct render_camera far = {c->x, c->y, 0.5f, 1280, 720};
        size_t hit = SIZE_MAX, host = SIZE_MAX;
        CHECK(render_camera_pick_cloud(&far, s, 640, 360, &hit) && hit == found_cloud);
        bool member = render_camera_pick(&far, s, 640, 360, &host) &&
                      swarm_hosts(s, &n)[host].cloud == found_cloud;
        CHECK(!member); /* its hosts are not picked while it stands in for them */
        struct render_camera near = {c->x, c->y, 4.0f, 1280, 720};
        CHECK(!render_camera_pick_cloud(&near, s, 640, 360, &hit));
        CHECK(!render_camera_pick_cloud(&far, s, 640 + c->size * 0.5f * 2.5f, 360, &hit));
    }
    swarm_destroy(s);
    return check_done("pick");
}
