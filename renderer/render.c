/* Frame drawing: additive edges and instanced glow sprites in world
 * space under an easing camera, then labels and the HUD in pixels. */
#include "renderer/render.h"

#include <glad/gl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/xalloc.h"
#include "renderer/shader.h"
#include "renderer/text.h"

extern const unsigned char res_sprite_vert[], res_sprite_frag[];
extern const unsigned char res_line_vert[], res_line_frag[];
extern const unsigned char res_font_ttf[];
extern const size_t res_font_ttf_len;

enum { MAX_LABELS = 64 };

struct sprite {
    float x, y, radius, flash;
    float r, g, b, a;
};

struct line_vertex {
    float x, y;
    float r, g, b, a;
};

struct rect {
    float x0, y0, x1, y1;
};

/* Hosts merged into one screen bin (crowd drawing). */
struct bin {
    uint32_t stamp; /* frame that last used it */
    uint32_t tie_hub;
    float x, y, weight, size, flash, tie;
    float rgb[3];
};

enum { CROWD = 1500 }; /* live hosts past which hosts are drawn merged */

struct render {
    GLuint sprite_prog, line_prog;
    GLint sp_center, sp_scale, sp_viewport;
    GLint ln_center, ln_scale, ln_viewport;
    GLuint quad_vbo, sprite_vbo, sprite_vao;
    GLuint line_vbo, line_vao;
    struct sprite *sprites;
    size_t cap_sprites;
    struct line_vertex *lines;
    size_t cap_lines;
    struct bin *bins;
    uint32_t *bin_used;
    size_t cap_bins;
    uint32_t frame_stamp;
    struct text *text;
    /* camera: world point at the centre and pixels per world unit */
    float cam_x, cam_y, cam_scale;
    bool cam_set;
};

/* Okabe-Ito's colour-blind safe palette, one entry per service class. */
static const float class_rgb[SVC_COUNT][3] = {
    [SVC_WEB] = {0.34f, 0.71f, 0.91f},    [SVC_DNS] = {0.90f, 0.62f, 0.00f},
    [SVC_MAIL] = {0.00f, 0.62f, 0.45f},   [SVC_FILE] = {0.94f, 0.89f, 0.26f},
    [SVC_REMOTE] = {0.84f, 0.37f, 0.00f}, [SVC_DB] = {0.80f, 0.47f, 0.65f},
    [SVC_INFRA] = {0.00f, 0.45f, 0.70f},  [SVC_MEDIA] = {1.00f, 0.70f, 0.80f},
    [SVC_ICMP] = {0.60f, 0.60f, 0.60f},   [SVC_OTHER] = {0.85f, 0.85f, 0.90f},
};

static void setup_attrib(GLuint index, GLint n, size_t stride, size_t offset,
                         bool per_instance)
{
    glEnableVertexAttribArray(index);
    glVertexAttribPointer(index, n, GL_FLOAT, GL_FALSE, (GLsizei)stride, (void *)offset);
    glVertexAttribDivisor(index, per_instance ? 1 : 0);
}

struct render *render_create(char *err, size_t errlen)
{
    struct render *r = xcalloc(1, sizeof(*r));
    r->sprite_prog = shader_program("sprite", (const char *)res_sprite_vert,
                                    (const char *)res_sprite_frag, err, errlen);
    if (!r->sprite_prog)
        goto fail;
    r->line_prog = shader_program("line", (const char *)res_line_vert,
                                  (const char *)res_line_frag, err, errlen);
    if (!r->line_prog)
        goto fail;
    r->text = text_create(res_font_ttf, res_font_ttf_len, err, errlen);
    if (!r->text)
        goto fail;
    r->sp_center = glGetUniformLocation(r->sprite_prog, "u_center");
    r->sp_scale = glGetUniformLocation(r->sprite_prog, "u_scale");
    r->sp_viewport = glGetUniformLocation(r->sprite_prog, "u_viewport");
    r->ln_center = glGetUniformLocation(r->line_prog, "u_center");
    r->ln_scale = glGetUniformLocation(r->line_prog, "u_scale");
    r->ln_viewport = glGetUniformLocation(r->line_prog, "u_viewport");

    static const float quad[8] = {-1, -1, 1, -1, -1, 1, 1, 1};
    glGenVertexArrays(1, &r->sprite_vao);
    glBindVertexArray(r->sprite_vao);
    glGenBuffers(1, &r->quad_vbo);
    glBindBuffer(GL_ARRAY_BUFFER, r->quad_vbo);
    glBufferData(GL_ARRAY_BUFFER, sizeof(quad), quad, GL_STATIC_DRAW);
    setup_attrib(0, 2, 2 * sizeof(float), 0, false);
    glGenBuffers(1, &r->sprite_vbo);
    glBindBuffer(GL_ARRAY_BUFFER, r->sprite_vbo);
    setup_attrib(1, 4, sizeof(struct sprite), 0, true);
    setup_attrib(2, 4, sizeof(struct sprite), offsetof(struct sprite, r), true);

    glGenVertexArrays(1, &r->line_vao);
    glBindVertexArray(r->line_vao);
    glGenBuffers(1, &r->line_vbo);
    glBindBuffer(GL_ARRAY_BUFFER, r->line_vbo);
    setup_attrib(0, 2, sizeof(struct line_vertex), 0, false);
    setup_attrib(1, 4, sizeof(struct line_vertex), offsetof(struct line_vertex, r), false);
    glBindVertexArray(0);
    return r;
fail:
    render_destroy(r);
    return NULL;
}

void render_destroy(struct render *r)
{
    if (!r)
        return;
    text_destroy(r->text);
    if (r->sprite_prog)
        glDeleteProgram(r->sprite_prog);
    if (r->line_prog)
        glDeleteProgram(r->line_prog);
    if (r->sprite_vao) {
        glDeleteBuffers(1, &r->quad_vbo);
        glDeleteBuffers(1, &r->sprite_vbo);
        glDeleteVertexArrays(1, &r->sprite_vao);
    }
    if (r->line_vao) {
        glDeleteBuffers(1, &r->line_vbo);
        glDeleteVertexArrays(1, &r->line_vao);
    }
    free(r->sprites);
    free(r->lines);
    free(r->bins);
    free(r->bin_used);
    free(r);
}

/* Eases the camera towards a view of every visible hub and the ring of
 * hosts around it, with room for the HUD and labels. Hosts in flight do
 * not widen the view: they would shrink the swarm to a dot. */
static void update_camera(struct render *r, const struct swarm *s, int w, int h, float dt)
{
    float minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    size_t n;
    const struct swarm_hub *hubs = swarm_hubs(s, &n);
    for (size_t i = 0; i < n; i++) {
        if (!hubs[i].live || hubs[i].alpha < 0.05f)
            continue;
        float pad = hubs[i].size * 2 + 90;
        minx = fminf(minx, hubs[i].x - pad);
        maxx = fmaxf(maxx, hubs[i].x + pad);
        miny = fminf(miny, hubs[i].y - pad);
        maxy = fmaxf(maxy, hubs[i].y + pad);
    }
    if (!(minx < maxx)) {
        minx = miny = -400;
        maxx = maxy = 400;
    }
    float bw = fmaxf(maxx - minx, 200), bh = fmaxf(maxy - miny, 200);
    /* leave 12% of the height for the HUD and the bottom edge */
    float tscale = fminf((float)w * 0.92f / bw, (float)h * 0.80f / bh);
    float tx = (minx + maxx) / 2, ty = (miny + maxy) / 2;
    if (!r->cam_set) {
        r->cam_x = tx;
        r->cam_y = ty;
        r->cam_scale = tscale;
        r->cam_set = true;
        return;
    }
    float k = 1.0f - expf(-1.5f * dt);
    r->cam_x += (tx - r->cam_x) * k;
    r->cam_y += (ty - r->cam_y) * k;
    r->cam_scale *= powf(tscale / r->cam_scale, k);
}

static struct sprite *grow_sprites(struct render *r, size_t n)
{
    if (n > r->cap_sprites) {
        r->cap_sprites = n + n / 2 + 64;
        r->sprites = xreallocarray(r->sprites, r->cap_sprites, sizeof(*r->sprites));
    }
    return r->sprites;
}

static struct line_vertex *grow_lines(struct render *r, size_t n)
{
    if (n > r->cap_lines) {
        r->cap_lines = n + n / 2 + 64;
        r->lines = xreallocarray(r->lines, r->cap_lines, sizeof(*r->lines));
    }
    return r->lines;
}

/* The strongest of a host's ties, or -1 when it has none. */
static int strongest_tie(const struct swarm_host *h)
{
    int best = -1;
    for (int k = 0; k < h->nsprings; k++)
        if (best < 0 || h->springs[k].strength > h->springs[best].strength)
            best = k;
    return best;
}

static void add_edge(struct render *r, size_t *nl, float x, float y,
                     const struct swarm_hub *hub, float a)
{
    const float *c = class_rgb[hub->cls];
    r->lines[(*nl)++] = (struct line_vertex){x, y, c[0], c[1], c[2], a};
    r->lines[(*nl)++] = (struct line_vertex){hub->x, hub->y, c[0], c[1], c[2], a * 0.4f};
}

/* Hosts one by one: a sprite each and an edge per tie. */
static void gather_hosts(struct render *r, const struct swarm *s, size_t *ns, size_t *nl)
{
    size_t nhubs, nhosts;
    const struct swarm_hub *hubs = swarm_hubs(s, &nhubs);
    const struct swarm_host *hosts = swarm_hosts(s, &nhosts);
    for (size_t i = 0; i < nhosts; i++) {
        const struct swarm_host *h = &hosts[i];
        if (!h->live || h->alpha <= 0)
            continue;
        for (int k = 0; k < h->nsprings; k++) {
            float st = h->springs[k].strength;
            if (st >= 0.15f) /* weak ties are not drawn */
                add_edge(r, nl, h->x, h->y, &hubs[h->springs[k].hub],
                         h->alpha * (0.06f + 0.3f * st / (st + 1.0f) + 0.3f * h->flash));
        }
        const float *c = class_rgb[h->cls];
        r->sprites[(*ns)++] = (struct sprite){h->x, h->y, h->size, h->flash,
                                              c[0], c[1], c[2], fminf(h->alpha, 1.0f)};
    }
}

/* A crowd: hosts that fall within BIN pixels of each other on screen are
 * drawn as one sprite (their centroid, the largest size, the mean colour)
 * with one edge, to the hub of the strongest tie among them. A CPU
 * rasteriser pays per primitive, and at this density the merged hosts
 * overlap anyway. Hosts off screen are skipped. */
enum { BIN = 6 };
static void gather_crowd(struct render *r, const struct swarm *s, int w, int h,
                         float crowd, size_t *ns, size_t *nl)
{
    size_t nhubs, nhosts;
    const struct swarm_hub *hubs = swarm_hubs(s, &nhubs);
    const struct swarm_host *hosts = swarm_hosts(s, &nhosts);
    int bw = w / BIN + 1, bh = h / BIN + 1;
    if ((size_t)bw * bh > r->cap_bins) {
        r->cap_bins = (size_t)bw * bh;
        r->bins = xreallocarray(r->bins, r->cap_bins, sizeof(*r->bins));
        r->bin_used = xreallocarray(r->bin_used, r->cap_bins, sizeof(*r->bin_used));
        memset(r->bins, 0, r->cap_bins * sizeof(*r->bins));
    }
    r->frame_stamp++;
    size_t nused = 0;
    for (size_t i = 0; i < nhosts; i++) {
        const struct swarm_host *ho = &hosts[i];
        if (!ho->live || ho->alpha <= 0)
            continue;
        float sx = (ho->x - r->cam_x) * r->cam_scale + (float)w / 2;
        float sy = (float)h / 2 - (ho->y - r->cam_y) * r->cam_scale;
        if (!(sx >= 0 && sy >= 0 && sx < (float)w && sy < (float)h))
            continue;
        uint32_t bi = (uint32_t)((int)sy / BIN * bw + (int)sx / BIN);
        struct bin *b = &r->bins[bi];
        if (b->stamp != r->frame_stamp) {
            memset(b, 0, sizeof(*b));
            b->stamp = r->frame_stamp;
            b->tie_hub = UINT32_MAX;
            r->bin_used[nused++] = bi;
        }
        const float *c = class_rgb[ho->cls];
        float a = fminf(ho->alpha, 1.0f);
        b->x += ho->x * a;
        b->y += ho->y * a;
        b->rgb[0] += c[0] * a;
        b->rgb[1] += c[1] * a;
        b->rgb[2] += c[2] * a;
        b->weight += a;
        b->size = fmaxf(b->size, ho->size);
        b->flash = fmaxf(b->flash, ho->flash);
        int k = strongest_tie(ho);
        if (k >= 0 && ho->springs[k].strength > b->tie) {
            b->tie = ho->springs[k].strength;
            b->tie_hub = ho->springs[k].hub;
        }
    }
    for (size_t u = 0; u < nused; u++) {
        struct bin *b = &r->bins[r->bin_used[u]];
        if (b->weight <= 0)
            continue;
        float x = b->x / b->weight, y = b->y / b->weight;
        float a = fminf(b->weight, 1.0f) * (0.35f + 0.65f * crowd);
        r->sprites[(*ns)++] = (struct sprite){x, y, b->size, b->flash * crowd,
                                              b->rgb[0] / b->weight, b->rgb[1] / b->weight,
                                              b->rgb[2] / b->weight, a};
        if (b->tie_hub != UINT32_MAX && b->tie >= 0.15f)
            add_edge(r, nl, x, y, &hubs[b->tie_hub],
                     crowd * fminf(b->weight, 1.0f) *
                         (0.06f + 0.3f * b->tie / (b->tie + 1.0f) + 0.3f * b->flash));
    }
}

static void draw_world(struct render *r, const struct swarm *s, int w, int h)
{
    size_t nhubs, nhosts;
    const struct swarm_hub *hubs = swarm_hubs(s, &nhubs);
    swarm_hosts(s, &nhosts);
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    size_t nl = 0, ns = 0;
    grow_lines(r, nhosts * SWARM_SPRINGS * 2);
    grow_sprites(r, nhosts + nhubs);
    if (st.hosts > CROWD) {
        /* edges and hosts dim as the crowd grows, so thousands of them add
         * up to a coloured web rather than a white sheet */
        gather_crowd(r, s, w, h, sqrtf((float)CROWD / (float)st.hosts), &ns, &nl);
    } else {
        gather_hosts(r, s, &ns, &nl);
    }
    for (size_t i = 0; i < nhubs; i++) {
        const struct swarm_hub *hb = &hubs[i];
        if (!hb->live || hb->alpha <= 0)
            continue;
        const float *c = class_rgb[hb->cls];
        r->sprites[ns++] = (struct sprite){hb->x, hb->y, hb->size, -1.0f, /* hub style */
                                           c[0], c[1], c[2], fminf(hb->alpha, 1.0f)};
    }

    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE); /* additive glow: premultiplied in the shaders */
    if (nl) {
        glUseProgram(r->line_prog);
        glUniform2f(r->ln_center, r->cam_x, r->cam_y);
        glUniform1f(r->ln_scale, r->cam_scale);
        glUniform2f(r->ln_viewport, (float)w, (float)h);
        glBindVertexArray(r->line_vao);
        glBindBuffer(GL_ARRAY_BUFFER, r->line_vbo);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(nl * sizeof(*r->lines)), r->lines,
                     GL_STREAM_DRAW);
        glDrawArrays(GL_LINES, 0, (GLsizei)nl);
    }
    if (ns) {
        glUseProgram(r->sprite_prog);
        glUniform2f(r->sp_center, r->cam_x, r->cam_y);
        glUniform1f(r->sp_scale, r->cam_scale);
        glUniform2f(r->sp_viewport, (float)w, (float)h);
        glBindVertexArray(r->sprite_vao);
        glBindBuffer(GL_ARRAY_BUFFER, r->sprite_vbo);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(ns * sizeof(*r->sprites)), r->sprites,
                     GL_STREAM_DRAW);
        glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, (GLsizei)ns);
    }
    glBindVertexArray(0);
}

static void to_screen(const struct render *r, float x, float y, int w, int h, float *sx,
                      float *sy)
{
    *sx = (x - r->cam_x) * r->cam_scale + (float)w / 2;
    *sy = (float)h / 2 - (y - r->cam_y) * r->cam_scale;
}

static bool overlaps(const struct rect *a, const struct rect *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Text with a dark shadow, readable over bright glow. */
static float shadowed(struct text *t, int px, float x, float y, const char *s,
                      const float rgba[4])
{
    const float shadow[4] = {0, 0, 0, rgba[3] * 0.8f};
    text_draw(t, px, x + 1, y + 1, s, shadow);
    return text_draw(t, px, x, y, s, rgba);
}

/* Hub labels, busiest first, each skipped where it would cover another. */
static void draw_labels(struct render *r, const struct swarm *s, int w, int h, int px)
{
    size_t n;
    const struct swarm_hub *hubs = swarm_hubs(s, &n);
    uint32_t order[MAX_LABELS];
    size_t no = 0;
    for (size_t i = 0; i < n; i++) {
        if (!hubs[i].live || hubs[i].alpha < 0.05f)
            continue;
        /* insertion into a top-MAX_LABELS list by heat */
        size_t pos = no < MAX_LABELS ? no++ : MAX_LABELS;
        while (pos > 0 && hubs[order[pos - 1]].heat < hubs[i].heat) {
            if (pos < MAX_LABELS)
                order[pos] = order[pos - 1];
            pos--;
        }
        if (pos < MAX_LABELS)
            order[pos] = (uint32_t)i;
    }
    struct rect placed[MAX_LABELS];
    size_t np = 0;
    for (size_t k = 0; k < no; k++) {
        const struct swarm_hub *hub = &hubs[order[k]];
        float sx, sy;
        to_screen(r, hub->x, hub->y, w, h, &sx, &sy);
        float tw = text_width(r->text, px, hub->label);
        float y = sy + hub->size * r->cam_scale + (float)px * 1.3f;
        struct rect box = {sx - tw / 2 - 2, y - (float)px, sx + tw / 2 + 2, y + px * 0.3f};
        bool clash = false;
        for (size_t j = 0; j < np && !clash; j++)
            clash = overlaps(&box, &placed[j]);
        if (clash)
            continue;
        placed[np++] = box;
        const float *c = class_rgb[hub->cls];
        const float col[4] = {0.55f + 0.45f * c[0], 0.55f + 0.45f * c[1],
                              0.55f + 0.45f * c[2], hub->alpha};
        shadowed(r->text, px, sx - tw / 2, y, hub->label, col);
    }
}

/* 1234 -> "1.2 k" style with the given unit. */
static void human(double v, const char *unit, char *buf, size_t len)
{
    static const char *const prefix[] = {"", "k", "M", "G", "T"};
    int i = 0;
    while (v >= 1000 && i < 4) {
        v /= 1000;
        i++;
    }
    snprintf(buf, len, i ? "%.1f %s%s" : "%.0f %s%s", v, prefix[i], unit);
}

static void draw_hud(struct render *r, const struct swarm *s, const struct render_hud *hud,
                     int w, int h)
{
    float unit = (float)h / 720.0f;
    int big = (int)lroundf(24 * unit), small = (int)lroundf(15 * unit);
    const float white[4] = {0.95f, 0.95f, 0.97f, 1};
    const float grey[4] = {0.70f, 0.72f, 0.78f, 1};
    char line[256];
    time_t secs = (time_t)(hud->clock_ns / 1000000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S UTC", &tm);
    float x = 20 * unit, y = 20 * unit + (float)big;
    shadowed(r->text, big, x, y, line, white);

    struct swarm_stats st;
    swarm_get_stats(s, &st);
    char ev[32], oc[32];
    human(hud->events_per_s, "events/s", ev, sizeof(ev));
    human(hud->octets_per_s, "B/s", oc, sizeof(oc));
    snprintf(line, sizeof(line), "%sx%.3g   %u hosts   %u services   %s   %s",
             hud->paused ? "paused   " : "", hud->speed, st.hosts, st.hubs, ev, oc);
    y += (float)small * 1.6f;
    shadowed(r->text, small, x, y, line, grey);
    if (hud->dropped || hud->clamped || st.refused || st.evicted) {
        snprintf(line, sizeof(line),
                 "dropped %llu   clamped %llu   hosts evicted %llu   over the service limit %llu",
                 (unsigned long long)hud->dropped, (unsigned long long)hud->clamped,
                 (unsigned long long)st.evicted, (unsigned long long)st.refused);
        y += (float)small * 1.4f;
        const float warn[4] = {0.95f, 0.6f, 0.3f, 1};
        shadowed(r->text, small, x, y, line, warn);
    }

    /* Legend of the classes on screen, bottom left. */
    bool present[SVC_COUNT] = {false};
    size_t n;
    const struct swarm_hub *hubs = swarm_hubs(s, &n);
    for (size_t i = 0; i < n; i++)
        if (hubs[i].live)
            present[hubs[i].cls] = true;
    float ly = (float)h - 16 * unit;
    for (int c = SVC_COUNT - 1; c >= 0; c--) {
        if (!present[c])
            continue;
        const float col[4] = {class_rgb[c][0], class_rgb[c][1], class_rgb[c][2], 1};
        float dx = shadowed(r->text, small, x, ly, "\xe2\x97\x8f ", col);
        shadowed(r->text, small, x + dx, ly, services_class_name((enum service_class)c),
                 grey);
        ly -= (float)small * 1.35f;
    }
}

void render_frame(struct render *r, const struct swarm *s, const struct render_hud *hud,
                  int w, int h, float dt)
{
    update_camera(r, s, w, h, dt);
    glDisable(GL_DEPTH_TEST);
    glClearColor(0.015f, 0.02f, 0.045f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    draw_world(r, s, w, h);
    glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA); /* text: premultiplied over */
    int label_px = (int)lroundf(13.0f * (float)h / 720.0f);
    draw_labels(r, s, w, h, label_px);
    draw_hud(r, s, hud, w, h);
    text_flush(r->text, w, h);
}
