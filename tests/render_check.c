/* The rendering path end to end without the video encoder: ingest the
 * sample, run the swarm on capture time, draw headless through EGL and
 * read the frames back through the PBO ring, then check what a viewer
 * would see (frames that are not blank and that change). Kept free of
 * FFmpeg so it can also run under valgrind, whose Debian 12 release
 * cannot execute the RDTSCP instruction that libavcodec's libjxl/libhwy
 * dependency runs at load time.
 * usage: render_check CAPTURE [FRAMES] */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ingest/ingest.h"
#include "timeline/activity.h"
#include "base/xalloc.h"
#include "renderer/context.h"
#include "renderer/readback.h"
#include "renderer/render.h"
#include "swarm/swarm.h"

enum { W = 320, H = 240 };

/* Fraction of pixels brighter than the background, sampled. */
static double lit(const uint8_t *rgba)
{
    size_t n = 0, on = 0;
    for (size_t i = 0; i < (size_t)W * H; i += 7, n++)
        on += rgba[i * 4] + rgba[i * 4 + 1] + rgba[i * 4 + 2] > 3 * 48;
    return (double)on / (double)n;
}

static void add_activity(void *ctx, const struct event *ev)
{
    activity_add(ctx, ev->time_ns, ev->end_ns, (double)ev->octets);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: render_check CAPTURE [FRAMES]\n");
        return 2;
    }
    int frames = argc > 2 ? atoi(argv[2]) : 30;
    char err[512];
    const char *paths[1] = {argv[1]};
    struct ingest_opts io = {.paths = paths, .npaths = 1};
    static struct activity act;
    activity_init(&act);
    if (!ingest_scan(&io, add_activity, &act, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    int64_t first = act.first_ns, last = act.last_ns;
    struct ingest *in = ingest_create(&io, err, sizeof(err));
    struct glctx *ctx = glctx_create(&(struct glctx_opts){.width = W, .height = H,
                                                          .headless = true},
                                     err, sizeof(err));
    if (!in || !ctx) {
        fprintf(stderr, "%s\n", err);
        ingest_destroy(in);
        return 1;
    }
    struct render *rnd = render_create(NULL, err, sizeof(err));
    CHECK(rnd != NULL);
    if (!rnd) {
        fprintf(stderr, "%s\n", err);
        glctx_destroy(ctx);
        ingest_destroy(in);
        return 1;
    }
    struct readback *rb = readback_create(W, H, 2, 1);
    struct swarm *sw = swarm_create(NULL);
    ingest_start(in);

    struct event *buf = xcalloc(4096, sizeof(*buf));
    size_t n = 0, pos = 0;
    double step = (double)(last - first) / frames;
    uint8_t *prev = xcalloc((size_t)W * H * 4, 1);
    int got = 0, changed = 0;
    double max_lit = 0;
    for (int f = 0; f <= frames + 2; f++) {
        int64_t clock = first + (int64_t)(step * f);
        for (;;) { /* apply every event due by the clock */
            while (pos < n && buf[pos].time_ns <= clock)
                swarm_add_event(sw, &buf[pos++]);
            if (pos < n || ingest_finished(in))
                break;
            n = ingest_pop(in, buf, 4096, true);
            pos = 0;
            if (n == 0)
                break;
        }
        swarm_step(sw, clock, 1.0f / 30);
        struct render_hud hud = {.clock_ns = clock, .speed = 1};
        int w, h;
        glctx_begin_frame(ctx, &w, &h);
        render_frame(rnd, sw, &hud, w, h, 1.0f / 30);
        unsigned tag;
        const uint8_t *px = f < frames ? readback_push(rb, &tag) : readback_drain(rb, &tag);
        if (!px)
            continue;
        got++;
        double l = lit(px);
        max_lit = l > max_lit ? l : max_lit;
        CHECK(l > 0.001); /* the HUD at least */
        changed += memcmp(px, prev, (size_t)W * H * 4) != 0;
        memcpy(prev, px, (size_t)W * H * 4);
        readback_release(rb, tag);
    }
    char gl[160];
    glctx_describe(ctx, gl, sizeof gl);
    printf("render_check: %d frames read back, %d changed, most lit %.3f (%s)\n", got,
           changed, max_lit, gl);
    CHECK(got == frames);
    CHECK(changed > frames / 2);
    CHECK(max_lit > 0.01);
    free(prev);
    free(buf);
    swarm_destroy(sw);
    readback_destroy(rb);
    render_destroy(rnd);
    glctx_destroy(ctx);
    ingest_destroy(in);
    return check_done("render_check");
}
