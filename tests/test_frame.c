/* What a viewer sees in known scenes, rendered headless: the HUD text is
 * where it should be and is drawn there; labels never overlap one another
 * or the HUD; the legend lists exactly the classes on screen, each with
 * its colour; the histogram marks the clock; text stays sharp at 8K; and
 * whole frames match reference images within a tolerance loose enough
 * for another Mesa or FreeType release but tight enough to catch a
 * missing label or a wrong colour.
 * usage: test_frame REFDIR [--update | --no-reference] */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "base/xalloc.h"
#include "renderer/context.h"
#include "output/image.h"
#include "renderer/palette.h"
#include "renderer/readback.h"
#include "renderer/render.h"
#include "swarm/swarm.h"
#include "timeline/activity.h"

#define SEC INT64_C(1000000000)
static const int64_t T0 = INT64_C(1700000000) * SEC; /* 2023-11-14 22:13:20 UTC */

static struct event ev4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport,
                        uint16_t dport, uint64_t octets, int64_t t)
{
    struct event e;
    memset(&e, 0, sizeof(e));
    e.src.family = e.dst.family = 4;
    for (int i = 0; i < 4; i++) {
        e.src.b[i] = (uint8_t)(src >> (24 - 8 * i));
        e.dst.b[i] = (uint8_t)(dst >> (24 - 8 * i));
    }
    e.proto = proto;
    e.sport = sport;
    e.dport = dport;
    e.octets = octets;
    e.packets = 1;
    e.time_ns = e.end_ns = t;
    return e;
}

/* A scene: web, DNS and ssh hubs and 40 clients; 10.0.0.1 moves most of
 * the bytes. Steps of 1/30 s on capture time from T0, one event batch a
 * step, recorded in act for the histogram. */
static void scene_small(struct swarm *s, struct activity *act, int steps)
{
    for (int f = 0; f < steps; f++) {
        int64_t t = T0 + (int64_t)f * SEC / 30;
        for (uint32_t c = 1; c <= 40; c++) {
            if ((f + (int)c) % 7)
                continue;
            uint16_t port = c % 3 == 0 ? 53 : c % 3 == 1 ? 443 : 22;
            uint8_t proto = port == 53 ? 17 : 6;
            uint64_t bytes = c == 1 ? 60000 : 200 + c * 10;
            struct event e = ev4(0x0a000000u + c, 0xc0a80001u + port, proto,
                                 (uint16_t)(40000 + c), port, bytes, t);
            swarm_add_event(s, &e);
            activity_add(act, t, t, (double)bytes);
        }
        swarm_step(s, t, 1.0f / 30);
    }
}

/* A crowd: 4000 clients of 60 services, well known and not, for label
 * placement under load. */
static void scene_crowd(struct swarm *s, int steps)
{
    static const uint16_t known[] = {80, 443, 53, 22, 25, 993, 3306, 5432, 123, 445};
    unsigned seed = 7;
    for (int f = 0; f < steps; f++) {
        int64_t t = T0 + (int64_t)f * SEC / 30;
        for (int k = 0; k < 400; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t host = 0x0a000000u + (seed >> 8) % 4000;
            unsigned pick = (seed >> 4) % 60;
            uint16_t port = pick < 10 ? known[pick] : (uint16_t)(7000 + pick);
            uint8_t proto = port == 53 || port == 123 ? 17 : 6;
            struct event e = ev4(host, 0xac100000u + pick, proto,
                                 (uint16_t)(32768 + (seed >> 12) % 28000), port,
                                 100 + seed % 3000, t);
            swarm_add_event(s, &e);
        }
        swarm_step(s, t, 1.0f / 30);
    }
}

/* A huge crowd: 99,940 clients of 60 services (the first ten well known,
 * of every class), all talking at once: 100,000 hosts. */
static void scene_huge(struct swarm *s, int steps)
{
    static const uint16_t known[] = {80, 443, 53, 22, 25, 993, 3306, 5432, 123, 445};
    unsigned seed = 11;
    for (int f = 0; f < steps; f++) {
        int64_t t = T0 + (int64_t)f * SEC / 30;
        for (int k = 0; k < (f == 0 ? 99940 : 5000); k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t host = 0x0a000000u + (f == 0 ? (uint32_t)k : (seed >> 8) % 99940);
            unsigned pick = (seed >> 4) % 60;
            uint16_t port = pick < 10 ? known[pick] : (uint16_t)(7000 + pick);
            uint8_t proto = port == 53 || port == 123 ? 17 : 6;
            struct event e = ev4(host, 0xac100000u + pick, proto,
                                 (uint16_t)(32768 + k % 28000), port, 100 + seed % 3000, t);
            swarm_add_event(s, &e);
        }
        swarm_step(s, t, 1.0f / 30);
    }
}

struct frame {
    int w, h;
    uint8_t *rgba; /* bottom-up, as read back */
    struct render_box *boxes;
    size_t nboxes;
    struct render_camera cam;
};

static void frame_free(struct frame *f)
{
    free(f->rgba);
    free(f->boxes);
}

/* Renders the swarm's state once (after `warm` camera steps) at w by h. */
/* Renders the swarm's state once at w by h, with act's octets (if not
 * NULL) in the histogram over the hud's span. */
static bool render_scene(const struct swarm *s, const struct render_hud *hud_in,
                         const struct activity *act, int w, int h, struct frame *out)
{
    char err[512];
    struct glctx *ctx = glctx_create(&(struct glctx_opts){.width = w, .height = h,
                                                          .headless = true},
                                     err, sizeof(err));
    struct render *r = ctx ? render_create(NULL, err, sizeof(err)) : NULL;
    if (!r) {
        fprintf(stderr, "test_frame: %s\n", err);
        glctx_destroy(ctx);
        return false;
    }
    int fw, fh;
    glctx_begin_frame(ctx, &fw, &fh);
    struct render_hud hud = *hud_in;
    double *bins = NULL;
    if (act && act->any) {
        hud.nbins = render_histogram_bars(fw, fh);
        bins = xcalloc(hud.nbins, sizeof(*bins));
        activity_bins(act, hud.hist_from_ns, hud.hist_to_ns, bins, hud.nbins);
        hud.bins = bins;
    }
    render_frame(r, s, &hud, fw, fh, 1.0f / 30);
    free(bins);
    out->w = fw;
    out->h = fh;
    out->rgba = xmalloc((size_t)fw * fh * 4);
    readback_now(fw, fh, out->rgba);
    size_t n;
    const struct render_box *b = render_layout(r, &n);
    out->boxes = xcalloc(n + 1, sizeof(*b));
    memcpy(out->boxes, b, n * sizeof(*b));
    out->nboxes = n;
    out->cam = render_camera_of(r);
    render_destroy(r);
    glctx_destroy(ctx);
    return true;
}

static const uint8_t *pixel(const struct frame *f, int x, int y)
{
    return f->rgba + ((size_t)(f->h - 1 - y) * f->w + x) * 4;
}

/* Fraction of the pixels in a box brighter than lum (0..255). */
static double bright_share(const struct frame *f, const struct render_box *b, int lum)
{
    size_t n = 0, on = 0;
    for (int y = (int)b->y0; y < (int)b->y1; y++)
        for (int x = (int)b->x0; x < (int)b->x1; x++) {
            if (x < 0 || y < 0 || x >= f->w || y >= f->h)
                continue;
            const uint8_t *p = pixel(f, x, y);
            n++;
            on += (p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000 > lum;
        }
    return n ? (double)on / (double)n : 0;
}

static const struct render_box *find(const struct frame *f, enum render_item item)
{
    for (size_t i = 0; i < f->nboxes; i++)
        if (f->boxes[i].item == item)
            return &f->boxes[i];
    return NULL;
}

static bool overlap(const struct render_box *a, const struct render_box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static bool is_label(const struct render_box *b)
{
    return b->item == ITEM_HUB_LABEL || b->item == ITEM_HOST_LABEL;
}

/* WCAG's relative luminance of an sRGB pixel. */
static double rel_lum(const uint8_t *p)
{
    double c[3];
    for (int k = 0; k < 3; k++) {
        double v = p[k] / 255.0;
        c[k] = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Every hub and host label against what is behind it, as WCAG measures
 * contrast: the text's strokes (the brightest tenth of the box's pixels)
 * over its ground (the median). The least ratio found. */
static double least_label_contrast(const struct frame *f, size_t *labels)
{
    double least = 1e9;
    double *v = xcalloc((size_t)f->w * f->h, sizeof(*v));
    *labels = 0;
    for (size_t i = 0; i < f->nboxes; i++) {
        const struct render_box *b = &f->boxes[i];
        if (!is_label(b))
            continue;
        size_t n = 0;
        for (int y = (int)ceilf(b->y0); y < (int)b->y1 && y < f->h; y++)
            for (int x = (int)ceilf(b->x0); x < (int)b->x1 && x < f->w; x++)
                if (x >= 0 && y >= 0)
                    v[n++] = rel_lum(pixel(f, x, y));
        if (n < 20)
            continue;
        qsort(v, n, sizeof(*v), by_double);
        double text = v[n * 9 / 10], ground = v[n / 2];
        double ratio = (text + 0.05) / (ground + 0.05);
        if (ratio < least)
            least = ratio;
        ++*labels;
    }
    free(v);
    return least;
}

/* Every service's ring clear of the HUD's text, the legend, the
 * histogram and the talkers panel: the camera fits the swarm into the
 * rest. */
static void check_hubs_clear(const struct frame *f, const struct swarm *s, const char *scene)
{
    size_t n, hubs = 0, clashes = 0;
    const struct swarm_hub *hb = swarm_hubs(s, &n);
    for (size_t i = 0; i < n; i++) {
        if (!hb[i].live || hb[i].alpha < 0.05f)
            continue;
        hubs++;
        float sx, sy, r = render_hub_px(&hb[i], f->cam.scale, f->h);
        render_camera_to_screen(&f->cam, hb[i].x, hb[i].y, &sx, &sy);
        struct render_box disc = {.x0 = sx - r, .y0 = sy - r, .x1 = sx + r, .y1 = sy + r};
        for (size_t j = 0; j < f->nboxes; j++) {
            enum render_item it = f->boxes[j].item;
            bool hud = it == ITEM_CLOCK || it == ITEM_STATUS || it == ITEM_WARNING ||
                       it == ITEM_LEGEND || it == ITEM_HISTOGRAM || it == ITEM_TALKERS;
            clashes += hud && overlap(&disc, &f->boxes[j]);
        }
    }
    printf("test_frame: %s: %zu hubs, %zu on the HUD\n", scene, hubs, clashes);
    CHECK(hubs > 0 && clashes == 0);
}

/* Volume at a glance: the biggest ring on screen is the busiest
 * service's (`busiest`, its label), and its ring is drawn there (brighter
 * on the ring than inside it); the size key's rings, a decade apart,
 * shrink in turn, and its largest amount is no more than that hub
 * carries, nor its ring bigger. */
static void check_volume(const struct frame *f, const struct swarm *s, const char *busiest)
{
    size_t n;
    const struct swarm_hub *hb = swarm_hubs(s, &n), *big = NULL;
    float big_px = 0;
    for (size_t i = 0; i < n; i++) {
        if (!hb[i].live || hb[i].alpha < 0.05f)
            continue;
        float r = render_hub_px(&hb[i], f->cam.scale, f->h);
        if (r > big_px) {
            big_px = r;
            big = &hb[i];
        }
    }
    CHECK(big && strcmp(big->label, busiest) == 0);
    if (!big)
        return;
    float sx, sy;
    render_camera_to_screen(&f->cam, big->x, big->y, &sx, &sy);
    double on = 0, in = 0;
    for (int k = 0; k < 64; k++) {
        float a = 6.2831853f * (float)k / 64, c = cosf(a), sn = sinf(a);
        int x = (int)lroundf(sx + c * big_px * 0.92f), y = (int)lroundf(sy + sn * big_px * 0.92f);
        int xi = (int)lroundf(sx + c * big_px * 0.5f), yi = (int)lroundf(sy + sn * big_px * 0.5f);
        if (x >= 0 && y >= 0 && x < f->w && y < f->h && xi >= 0 && yi >= 0 && xi < f->w &&
            yi < f->h) {
            on += rel_lum(pixel(f, x, y));
            in += rel_lum(pixel(f, xi, yi));
        }
    }
    printf("test_frame: the biggest ring, %.0f px: %s; luminance on it %.3f, inside %.3f\n",
           big_px, big->label, on / 64, in / 64);
    CHECK(on > in * 1.3);
    size_t rings = 0;
    float last_r = 1e9f;
    double last_amt = 0;
    for (size_t i = 0; i < f->nboxes; i++) {
        const struct render_box *b = &f->boxes[i];
        if (b->item != ITEM_SIZE_KEY || !b->text[0] || isalpha((unsigned char)b->text[0]))
            continue;
        const struct render_box *ring = &f->boxes[i - 1];
        float r = (ring->x1 - ring->x0) / 2;
        double v = atof(b->text);
        const char *u = strchr(b->text, ' ');
        v *= u && u[1] == 'k' ? 1e3 : u && u[1] == 'M' ? 1e6 : u && u[1] == 'G' ? 1e9 : 1;
        printf("test_frame: size key: %s, %.1f px\n", b->text, r);
        if (rings == 0)
            CHECK(v <= big->heat / 0.9 && r <= big_px + 0.5f);
        else
            CHECK(r < last_r && fabs(v * 10 - last_amt) < 1);
        rings++;
        last_r = r;
        last_amt = v;
    }
    CHECK(rings >= 2);
}

/* Density without clipping: of the crowd's pixels (those brighter than
 * the background, off the HUD and the labels), the share with a channel
 * at the top code value; in *white, the share bleached to white (every
 * channel at 240 or more). */
static double clipped_share(const struct frame *f, size_t *crowd, double *white)
{
    size_t lit = 0, top = 0, bleached = 0;
    for (int y = 0; y < f->h; y++)
        for (int x = 0; x < f->w; x++) {
            bool covered = false;
            for (size_t i = 0; i < f->nboxes && !covered; i++)
                covered = f->boxes[i].item != ITEM_NO_ROOM && x >= f->boxes[i].x0 &&
                          x <= f->boxes[i].x1 && y >= f->boxes[i].y0 && y <= f->boxes[i].y1;
            const uint8_t *p = pixel(f, x, y);
            if (covered || p[0] + p[1] + p[2] < 60)
                continue;
            lit++;
            top += p[0] == 255 || p[1] == 255 || p[2] == 255;
            bleached += p[0] >= 240 && p[1] >= 240 && p[2] >= 240;
        }
    *crowd = lit;
    *white = lit ? (double)bleached / (double)lit : 1;
    return lit ? (double)top / (double)lit : 1;
}

/* The top talkers (10 by default): each labelled, or said to have had
 * no room; the busiest always labelled. */
static void check_talkers(const struct frame *f, const struct swarm *s, const char *scene)
{
    size_t n, labelled = 0, no_room = 0;
    const struct swarm_host *hosts = swarm_hosts(s, &n);
    const struct swarm_host *busiest = NULL;
    for (size_t i = 0; i < n; i++)
        if (hosts[i].live && hosts[i].alpha >= 0.3f && (!busiest || hosts[i].heat > busiest->heat))
            busiest = &hosts[i];
    char want[64] = "";
    if (busiest)
        addr_format(&busiest->addr, want, sizeof(want));
    bool named = false;
    for (size_t i = 0; i < f->nboxes; i++) {
        labelled += f->boxes[i].item == ITEM_HOST_LABEL;
        no_room += f->boxes[i].item == ITEM_NO_ROOM;
        named |= f->boxes[i].item == ITEM_HOST_LABEL && strcmp(f->boxes[i].text, want) == 0;
    }
    printf("test_frame: %s: %zu talkers labelled, %zu with no room; the busiest, %s, %s\n",
           scene, labelled, no_room, want, named ? "named" : "NOT named");
    CHECK(labelled + no_room == 10 && named);
}

/* Labels: on screen, clear of each other and of every HUD piece. */
static void check_no_overlap(const struct frame *f, const char *scene)
{
    size_t labels = 0, clashes = 0;
    for (size_t i = 0; i < f->nboxes; i++) {
        const struct render_box *a = &f->boxes[i];
        if (!is_label(a))
            continue;
        labels++;
        CHECK(a->x0 >= 0 && a->y0 >= 0 && a->x1 <= (float)f->w && a->y1 <= (float)f->h);
        for (size_t j = 0; j < f->nboxes; j++)
            clashes += j != i && overlap(a, &f->boxes[j]);
    }
    printf("test_frame: %s: %zu labels, %zu overlaps\n", scene, labels, clashes);
    CHECK(labels > 0);
    CHECK(clashes == 0);
}

static void check_hud(const struct frame *f, const char *clock_text)
{
    const struct render_box *clock = find(f, ITEM_CLOCK), *status = find(f, ITEM_STATUS);
    CHECK(clock && status);
    if (!clock || !status)
        return;
    /* the date and time, top left, with its text drawn there */
    CHECK(strcmp(clock->text, clock_text) == 0);
    CHECK(clock->x0 < f->w / 20.0f && clock->y0 > 0 && clock->y1 < f->h / 9.0f);
    CHECK(clock->y1 - clock->y0 > f->h / 40.0f);
    double lit = bright_share(f, clock, 160);
    CHECK(lit > 0.08 && lit < 0.7);
    /* the status line right under it, smaller */
    CHECK(status->y0 >= clock->y1 - 1 && status->y1 < f->h / 6.0f);
    CHECK(status->y1 - status->y0 < clock->y1 - clock->y0);
    CHECK(bright_share(f, status, 110) > 0.03);
    /* above the clock and right of the HUD lines: background */
    struct render_box above = {.x0 = clock->x0, .x1 = clock->x1, .y0 = 0, .y1 = clock->y0 - 2};
    CHECK(bright_share(f, &above, 60) < 0.01);
}

/* The legend lists exactly the classes of the live hubs, each once, each
 * with a swatch of its colour at the start of its line. */
static void check_legend(const struct frame *f, const struct swarm *s)
{
    bool present[SVC_COUNT] = {false}, listed[SVC_COUNT] = {false};
    size_t n;
    const struct swarm_hub *hubs = swarm_hubs(s, &n);
    for (size_t i = 0; i < n; i++)
        if (hubs[i].live)
            present[hubs[i].cls] = true;
    for (size_t i = 0; i < f->nboxes; i++) {
        const struct render_box *b = &f->boxes[i];
        if (b->item != ITEM_LEGEND)
            continue;
        CHECK(b->cls >= 0 && b->cls < SVC_COUNT && !listed[b->cls]);
        if (b->cls < 0 || b->cls >= SVC_COUNT)
            continue;
        listed[b->cls] = true;
        CHECK(strcmp(b->text, services_class_name((enum service_class)b->cls)) == 0);
        /* the swatch: a pixel near its colour in the first text height */
        const float *c = palette_class[b->cls];
        bool seen = false;
        float side = b->y1 - b->y0;
        for (int y = (int)b->y0; y < (int)b->y1 && !seen; y++)
            for (int x = (int)b->x0; x < (int)(b->x0 + side) && !seen; x++) {
                const uint8_t *p = pixel(f, x, y);
                seen = fabsf(p[0] - c[0] * 255) < 40 && fabsf(p[1] - c[1] * 255) < 40 &&
                       fabsf(p[2] - c[2] * 255) < 40;
            }
        CHECK(seen);
    }
    for (int c = 0; c < SVC_COUNT; c++)
        CHECK(present[c] == listed[c]);
}

/* Compares with a reference image over 8 by 8 blocks: the mean over all
 * blocks and the worst block, in levels of 255 per channel. */
static bool no_reference;

static void check_reference(const struct frame *f, const char *refdir, const char *name,
                            bool update)
{
    if (no_reference)
        return;
    char path[1024], err[512];
    snprintf(path, sizeof(path), "%s/%s.png", refdir, name);
    if (update) {
        CHECK(image_write_png(path, f->rgba, f->w, f->h, err, sizeof(err)));
        printf("test_frame: wrote %s\n", path);
        return;
    }
    uint8_t *ref = NULL;
    int rw, rh;
    if (!image_read_png(path, &ref, &rw, &rh, err, sizeof(err))) {
        fprintf(stderr, "test_frame: %s\n", err);
        CHECK(false);
        return;
    }
    CHECK(rw == f->w && rh == f->h);
    double total = 0, worst = 0;
    size_t blocks = 0;
    for (int by = 0; rw == f->w && rh == f->h && by + 8 <= f->h; by += 8)
        for (int bx = 0; bx + 8 <= f->w; bx += 8) {
            double d[3] = {0, 0, 0};
            for (int y = by; y < by + 8; y++)
                for (int x = bx; x < bx + 8; x++) {
                    const uint8_t *p = pixel(f, x, y), *q = ref + ((size_t)y * rw + x) * 3;
                    for (int k = 0; k < 3; k++)
                        d[k] += (double)p[k] - (double)q[k];
                }
            double m = (fabs(d[0]) + fabs(d[1]) + fabs(d[2])) / (3 * 64);
            total += m;
            worst = fmax(worst, m);
            blocks++;
        }
    double mean = blocks ? total / (double)blocks : 999;
    printf("test_frame: %s: mean block difference %.3f, worst %.2f (of 255)\n", name, mean,
           worst);
    CHECK(mean < 1.5);
    CHECK(worst < 40);
    if (mean >= 1.5 || worst >= 40) {
        snprintf(path, sizeof(path), "%s.actual.png", name);
        if (image_write_png(path, f->rgba, f->w, f->h, err, sizeof(err)))
            fprintf(stderr, "test_frame: the frame drawn is in %s\n", path);
    }
    free(ref);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_frame REFDIR [--update | --no-reference]\n");
        return 2;
    }
    const char *refdir = argv[1];
    bool update = argc > 2 && strcmp(argv[2], "--update") == 0;
    /* a sanitised build runs the swarm through other code: its layout may
     * part from the references' after many steps, so only the layout and
     * pixel checks run there */
    no_reference = argc > 2 && strcmp(argv[2], "--no-reference") == 0;
    if (update)
        mkdir(refdir, 0755);

    static struct activity act;
    activity_init(&act);
    struct swarm *s = swarm_create(NULL);
    scene_small(s, &act, 150);
    int64_t clock = T0 + 149 * SEC / 30;
    struct render_hud hud = {.clock_ns = clock, .speed = 1, .events_per_s = 1234,
                             .octets_per_s = 5.6e6, .hist_from_ns = T0,
                             .hist_to_ns = T0 + 10 * SEC};
    struct frame f = {0};
    if (!render_scene(s, &hud, &act, 640, 360, &f))
        return 1;
    check_hud(&f, "2023-11-14 22:13:24 UTC");
    check_no_overlap(&f, "small");
    check_hubs_clear(&f, s, "small");
    size_t nl;
    double c = least_label_contrast(&f, &nl);
    printf("test_frame: small: least label contrast %.1f:1 over %zu labels\n", c, nl);
    CHECK(nl > 0 && c >= 4.5);
    check_legend(&f, s);
    check_volume(&f, s, "https 443/tcp");
    /* every hub is labelled, with service and port */
    const char *want[] = {"https 443/tcp", "domain 53/udp", "ssh 22/tcp"};
    for (int k = 0; k < 3; k++) {
        bool found = false;
        for (size_t i = 0; i < f.nboxes; i++)
            found |= f.boxes[i].item == ITEM_HUB_LABEL && strcmp(f.boxes[i].text, want[k]) == 0;
        CHECK(found);
    }
    /* the busiest host carries its address; at most 10 hosts do */
    size_t host_labels = 0;
    bool busiest = false;
    for (size_t i = 0; i < f.nboxes; i++)
        if (f.boxes[i].item == ITEM_HOST_LABEL) {
            host_labels++;
            busiest |= strcmp(f.boxes[i].text, "10.0.0.1") == 0;
        }
    CHECK(busiest);
    CHECK(host_labels >= 3 && host_labels <= 10);
    /* the histogram along the bottom, the mark at half its width */
    const struct render_box *hist = find(&f, ITEM_HISTOGRAM), *mark = find(&f, ITEM_TIME_MARK);
    CHECK(hist && mark);
    if (hist && mark) {
        CHECK(hist->y1 > f.h * 0.9f && hist->x1 - hist->x0 > f.w * 0.8f);
        float at = ((mark->x0 + mark->x1) / 2 - hist->x0) / (hist->x1 - hist->x0);
        CHECK(fabsf(at - 149.0f / 300) < 0.01f);
        CHECK(strcmp(mark->text, "22:13:24") == 0);
        CHECK(bright_share(&f, hist, 40) > 0.02); /* bars drawn */
    }
    check_reference(&f, refdir, "small-640x360", update);

    /* the same scene at 8K: everything scales, text stays sharp (as many
     * saturated pixels in the clock as at 360p, not a blurred upscale) */
    struct frame big = {0};
    if (render_scene(s, &hud, &act, 7680, 4320, &big)) {
        const struct render_box *c0 = find(&f, ITEM_CLOCK), *c1 = find(&big, ITEM_CLOCK);
        CHECK(c0 && c1);
        if (c0 && c1) {
            float ratio = (c1->x1 - c1->x0) / (c0->x1 - c0->x0);
            printf("test_frame: clock %.0f px wide at 360p, %.0f px at 4320p\n",
                   c0->x1 - c0->x0, c1->x1 - c1->x0);
            CHECK(ratio > 9 && ratio < 13); /* 360p text is kept at a legible least */
            double s0 = bright_share(&f, c0, 200), s1 = bright_share(&big, c1, 200);
            printf("test_frame: clock pixels > 200: %.3f at 360p, %.3f at 4320p\n", s0, s1);
            CHECK(s1 > 0.1 && s1 > s0 * 0.8);
        }
        check_hud(&big, "2023-11-14 22:13:24 UTC");
        check_no_overlap(&big, "small at 8K");
        check_legend(&big, s);
        frame_free(&big);
    }
    frame_free(&f);
    swarm_destroy(s);

    /* a crowd: labels still never overlap */
    s = swarm_create(NULL);
    scene_crowd(s, 90);
    hud = (struct render_hud){.clock_ns = T0 + 3 * SEC, .speed = 1};
    if (render_scene(s, &hud, NULL, 1280, 720, &f)) {
        check_no_overlap(&f, "crowd");
        check_hubs_clear(&f, s, "crowd");
        check_talkers(&f, s, "crowd");
        size_t nl;
        double c = least_label_contrast(&f, &nl);
        printf("test_frame: crowd: least label contrast %.1f:1 over %zu labels\n", c, nl);
        CHECK(nl > 0 && c >= 4.5);
        check_legend(&f, s);
        check_reference(&f, refdir, "crowd-1280x720", update);
        frame_free(&f);
    }
    /* the talkers panel: top right, whole, every line drawn, no label on it */
    /* the panel as the HUD makes it: 20 lines, the top right third */
    static char panel_text[2048];
    size_t at = 0;
    for (int part = 0; part < 4; part++) {
        static const char *const head[4] = {"top talkers, last minute",
                                            "top talkers, whole run", "names learnt last",
                                            "names learnt most"};
        at += (size_t)snprintf(panel_text + at, sizeof(panel_text) - at, "%s%s",
                               part ? "\n" : "", head[part]);
        for (int k = 0; k < (part < 2 ? 5 : 3); k++)
            at += (size_t)snprintf(panel_text + at, sizeof(panel_text) - at,
                                   "\n%d.%d MB\thost-%d.www.calcalist.co.il", 9 - k, k,
                                   part * 10 + k);
    }
    hud.talkers_panel = panel_text;
    if (render_scene(s, &hud, NULL, 1280, 720, &f)) {
        check_no_overlap(&f, "crowd with the talkers panel");
        check_hubs_clear(&f, s, "crowd with the talkers panel");
        const struct render_box *pan = find(&f, ITEM_TALKERS);
        CHECK(pan && pan->x1 <= 1280 - 10 && pan->x1 > 1280 - 40 && pan->y0 < 40);
        size_t lines = 0;
        bool name = false; /* a name, whole */
        for (size_t i = 0; i < f.nboxes; i++) {
            lines += f.boxes[i].item == ITEM_TALKERS;
            name |= f.boxes[i].item == ITEM_TALKERS &&
                    strcmp(f.boxes[i].text, "host-31.www.calcalist.co.il") == 0;
        }
        CHECK(lines == 1 + 4 + 16 * 2); /* the panel, 4 headings, 16 lines of two columns */
        CHECK(name);
        if (pan) /* text on a dark plate */
            CHECK(bright_share(&f, pan, 150) > 0.02 && bright_share(&f, pan, 150) < 0.4);
        frame_free(&f);
    }
    /* small, where the HUD's text, at its least legible size, and the
     * panel take much of the frame: the swarm fits in what is left */
    if (render_scene(s, &hud, NULL, 640, 360, &f)) {
        check_hubs_clear(&f, s, "crowd at 640x360 with the talkers panel");
        check_talkers(&f, s, "crowd at 640x360 with the talkers panel");
        frame_free(&f);
    }
    swarm_destroy(s);

    /* 100,000 hosts: a crowd that reads as brightness, not a white sheet */
    s = swarm_create(NULL);
    scene_huge(s, 30);
    hud = (struct render_hud){.clock_ns = T0 + SEC, .speed = 1};
    if (render_scene(s, &hud, NULL, 1280, 720, &f)) {
        size_t crowd;
        double white, clipped = clipped_share(&f, &crowd, &white);
        printf("test_frame: 100k hosts: %zu crowd pixels, %.1f%% of them at the top code "
               "value, %.1f%% white\n", crowd, 100 * clipped, 100 * white);
        CHECK(crowd > 1280 * 720 / 10 && clipped < 0.05 && white < 0.05);
        check_no_overlap(&f, "100k hosts");
        check_hubs_clear(&f, s, "100k hosts");
        /* past 2000 hosts the quiet ones merge into subnet clouds, and the
         * largest are named */
        struct swarm_stats st;
        swarm_get_stats(s, &st);
        size_t named = 0;
        for (size_t i = 0; i < f.nboxes; i++)
            named += f.boxes[i].item == ITEM_CLOUD_LABEL;
        printf("test_frame: 100k hosts: %u clouds of %u hosts, %zu named\n", st.clouds,
               st.merged, named);
        CHECK(st.clouds > 0 && st.merged > 90000 && named > 0);
        check_reference(&f, refdir, "huge-1280x720", update);
        frame_free(&f);
    }
    swarm_destroy(s);
    return check_done("test_frame");
}
