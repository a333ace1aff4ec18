/* Frame drawing: additive edges, pulses and instanced glow sprites in
 * world space under an easing camera, the bloom, then the overlay (labels
 * and HUD) in pixels. */
#include "renderer/render.h"

#include <glad/gl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "renderer/bloom.h"
#include "renderer/overlay.h"
#include "renderer/palette.h"
#include "renderer/shader.h"
#include "renderer/tonemap.h"

extern const unsigned char res_sprite_vert[], res_sprite_frag[];
extern const unsigned char res_line_vert[], res_line_frag[];

struct sprite {
    float x, y, radius, flash;
    float r, g, b, a;
};

/* A sprite's least radius on screen, in pixels: a hub carries its own in
 * its flash (-1 - pixels, see sprite.vert). */
static float sprite_least_px(const struct sprite *sp)
{
    return sp->flash < 0 ? fmaxf(1.6f, -sp->flash - 1) : 1.6f;
}

struct line_vertex {
    float x, y;
    float r, g, b, a;
};

/* Hosts merged into one screen bin (crowd drawing). */
struct bin {
    uint32_t stamp; /* frame that last used it */
    uint32_t tie_hub;
    float x, y, weight, size, flash, tie, pulse;
    float rgb[3];
};

enum { CROWD = 1500 }; /* live hosts past which hosts are drawn merged */

struct render {
    GLuint sprite_prog, line_prog;
    GLint sp_center, sp_scale, sp_viewport, sp_spread, sp_min_px, sp_px;
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
    struct overlay *overlay;
    struct bloom *bloom; /* NULL: off */
    struct tonemap *tone;
    float drawn[4]; /* the box the swarm was drawn in, pixels from the top left */
    /* camera: world point at the centre and pixels per world unit; the
     * one that follows the swarm, and the user's zoom and offset on it */
    float cam_x, cam_y, cam_scale;
    float auto_x, auto_y, auto_scale;
    float user_zoom, user_dx, user_dy; /* 1, 0, 0: following the swarm */
    int cam_w, cam_h;
    bool cam_set;
};

static void setup_attrib(GLuint index, GLint n, size_t stride, size_t offset,
                         bool per_instance)
{
    glEnableVertexAttribArray(index);
    glVertexAttribPointer(index, n, GL_FLOAT, GL_FALSE, (GLsizei)stride, (void *)offset);
    glVertexAttribDivisor(index, per_instance ? 1 : 0);
}

struct render *render_create(const struct render_opts *opts, char *err, size_t errlen)
{
    static const struct render_opts defaults = {.talkers = 10};
    if (!opts)
        opts = &defaults;
    struct render *r = xcalloc(1, sizeof(*r));
    r->user_zoom = 1;
    r->sprite_prog = shader_program("sprite", (const char *)res_sprite_vert,
                                    (const char *)res_sprite_frag, err, errlen);
    if (!r->sprite_prog)
        goto fail;
    r->line_prog = shader_program("line", (const char *)res_line_vert,
                                  (const char *)res_line_frag, err, errlen);
    if (!r->line_prog)
        goto fail;
    r->overlay = overlay_create(opts->talkers, err, errlen);
    if (!r->overlay)
        goto fail;
    r->tone = tonemap_create(err, errlen);
    if (!r->tone)
        goto fail;
    if (!opts->no_bloom) {
        r->bloom = bloom_create(err, errlen);
        if (!r->bloom)
            goto fail;
    }
    r->sp_center = glGetUniformLocation(r->sprite_prog, "u_center");
    r->sp_scale = glGetUniformLocation(r->sprite_prog, "u_scale");
    r->sp_viewport = glGetUniformLocation(r->sprite_prog, "u_viewport");
    r->sp_spread = glGetUniformLocation(r->sprite_prog, "u_spread");
    r->sp_min_px = glGetUniformLocation(r->sprite_prog, "u_min_px");
    r->sp_px = glGetUniformLocation(r->sprite_prog, "u_px");
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
    overlay_destroy(r->overlay);
    bloom_destroy(r->bloom);
    tonemap_destroy(r->tone);
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
 * hosts around it, fitted into the part of the frame the HUD, the
 * histogram, the legend and the panels leave free. Hosts in flight do
 * not widen the view: they would shrink the swarm to a dot. */
static void update_camera(struct render *r, const struct swarm *s, const struct render_hud *hud,
                          int w, int h, float dt)
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
    /* and the subnet clouds, whole */
    const struct swarm_cloud *clouds = swarm_clouds(s, &n);
    for (size_t i = 0; i < n; i++) {
        const struct swarm_cloud *c = &clouds[i];
        if (!c->live || !c->formed || c->alpha < 0.05f)
            continue;
        float pad = c->size * 1.3f;
        minx = fminf(minx, c->x - pad);
        maxx = fmaxf(maxx, c->x + pad);
        miny = fminf(miny, c->y - pad);
        maxy = fmaxf(maxy, c->y + pad);
    }
    if (!(minx < maxx)) {
        minx = miny = -400;
        maxx = maxy = 400;
    }
    float area[4];
    overlay_scene_area(r->overlay, s, hud, w, h, area);
    float bw = fmaxf(maxx - minx, 200), bh = fmaxf(maxy - miny, 200);
    /* a hub drawn at its least size on screen may reach past its world
     * size: the area keeps that much room at its edges */
    float edge = render_hub_least_px(1.0f, h);
    float aw = fmaxf(area[2] - area[0] - 2 * edge, 1), ah = fmaxf(area[3] - area[1] - 2 * edge, 1);
    float tscale = fminf(aw * 0.97f / bw, ah * 0.97f / bh);
    /* the world's middle at the area's middle */
    float tx = (minx + maxx) / 2 - ((area[0] + area[2]) / 2 - (float)w / 2) / tscale;
    float ty = (miny + maxy) / 2 + ((area[1] + area[3]) / 2 - (float)h / 2) / tscale;
    r->cam_w = w;
    r->cam_h = h;
    if (!r->cam_set) {
        r->auto_x = tx;
        r->auto_y = ty;
        r->auto_scale = tscale;
        r->cam_set = true;
    } else {
        float k = 1.0f - expf(-1.5f * dt);
        r->auto_x += (tx - r->auto_x) * k;
        r->auto_y += (ty - r->auto_y) * k;
        r->auto_scale *= powf(tscale / r->auto_scale, k);
    }
    r->cam_x = r->auto_x + r->user_dx;
    r->cam_y = r->auto_y + r->user_dy;
    r->cam_scale = r->auto_scale * r->user_zoom;
}

struct render_camera render_camera_of(const struct render *r)
{
    return (struct render_camera){r->cam_x, r->cam_y, r->cam_scale, r->cam_w, r->cam_h};
}

void render_view_zoom(struct render *r, float factor, float sx, float sy)
{
    if (!r->cam_set || !(factor > 0))
        return;
    float z = fminf(fmaxf(r->user_zoom * factor, 0.05f), 200.0f);
    /* the world point under the pointer stays under it */
    float ox = sx - (float)r->cam_w / 2, oy = (float)r->cam_h / 2 - sy;
    float before = r->auto_scale * r->user_zoom, after = r->auto_scale * z;
    r->user_dx += ox / before - ox / after;
    r->user_dy += oy / before - oy / after;
    r->user_zoom = z;
    r->cam_x = r->auto_x + r->user_dx;
    r->cam_y = r->auto_y + r->user_dy;
    r->cam_scale = after;
}

void render_view_pan(struct render *r, float dx, float dy)
{
    if (!r->cam_set)
        return;
    r->user_dx -= dx / r->cam_scale;
    r->user_dy += dy / r->cam_scale;
    r->cam_x = r->auto_x + r->user_dx;
    r->cam_y = r->auto_y + r->user_dy;
}

void render_view_reset(struct render *r)
{
    r->user_zoom = 1;
    r->user_dx = r->user_dy = 0;
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

static const float *hub_rgb(const struct swarm_hub *hub)
{
    return hub->scan ? palette_scan : palette_class[hub->cls];
}

/* An edge from (x, y) to its hub, at alpha a at the host's end and 0.4 a
 * at the hub's. One whose brightest end adds less than half an 8-bit
 * step to the tone mapper's frame is not drawn: every pixel of it would
 * round away there. */
static void add_edge(struct render *r, size_t *nl, float x, float y,
                     const struct swarm_hub *hub, float a)
{
    const float *c = hub_rgb(hub);
    if (a * fmaxf(c[0], fmaxf(c[1], c[2])) * TONEMAP_SCALE * 255.0f < 0.5f)
        return;
    r->lines[(*nl)++] = (struct line_vertex){x, y, c[0], c[1], c[2], a};
    r->lines[(*nl)++] = (struct line_vertex){hub->x, hub->y, c[0], c[1], c[2], a * 0.4f};
}

/* A pulse on the edge from (x, y) to its hub: a small bright dot |pulse|
 * of the way along, from the host when pulse > 0, from the hub when < 0.
 * It swells in the middle of its run and fades at the ends. */
static void add_pulse(struct render *r, size_t *ns, float x, float y,
                      const struct swarm_hub *hub, float pulse, float a)
{
    float t = pulse > 0 ? pulse : 1.0f + pulse;
    float px = x + (hub->x - x) * t, py = y + (hub->y - y) * t;
    float p = fabsf(pulse), env = 4.0f * p * (1.0f - p);
    const float *c = hub_rgb(hub);
    r->sprites[(*ns)++] = (struct sprite){px, py, 1.2f, 0.8f, c[0], c[1], c[2],
                                          fminf(a, 1.0f) * (0.35f + 0.65f * env)};
}

/* Hosts one by one: a sprite each and an edge per tie; a host in a
 * cloud fades as its cloud stands in for it. */
static void gather_hosts(struct render *r, const struct swarm *s, int fh, size_t *ns,
                         size_t *nl)
{
    size_t nhubs, nhosts;
    const struct swarm_hub *hubs = swarm_hubs(s, &nhubs);
    const struct swarm_host *hosts = swarm_hosts(s, &nhosts);
    for (size_t i = 0; i < nhosts; i++) {
        const struct swarm_host *h = &hosts[i];
        if (!h->live || h->alpha <= 0)
            continue;
        float share = render_cloud_share(s, h, r->cam_scale, fh);
        float a = share > 0 ? h->alpha * (1.0f - share) : h->alpha;
        if (a <= 0)
            continue;
        for (int k = 0; k < h->nsprings; k++) {
            const struct swarm_spring *sp = &h->springs[k];
            if (sp->strength < 0.15f) /* weak ties are not drawn */
                continue;
            const struct swarm_hub *hub = &hubs[sp->hub];
            add_edge(r, nl, h->x, h->y, hub,
                     a * (0.06f + 0.3f * sp->strength / (sp->strength + 1.0f) +
                          0.3f * h->flash));
            if (sp->pulse != 0)
                add_pulse(r, ns, h->x, h->y, hub, sp->pulse, a);
        }
        const float *c = palette_class[h->cls];
        r->sprites[(*ns)++] = (struct sprite){h->x, h->y, h->size, h->flash,
                                              c[0], c[1], c[2], fminf(a, 1.0f)};
    }
}

/* Subnet clouds drawn whole: a soft disc each, brighter with its share
 * of the largest cloud's hosts, and an edge to each of its strongest
 * ties. Returns the hosts they stand in for wholly: while a cloud fades
 * in, its hosts still show, and count as hosts drawn (a crowd of them is
 * drawn merged on screen, not one by one). */
static uint32_t gather_clouds(struct render *r, const struct swarm *s, int fh, size_t *ns,
                              size_t *nl)
{
    size_t n, nhubs;
    const struct swarm_cloud *clouds = swarm_clouds(s, &n);
    const struct swarm_hub *hubs = swarm_hubs(s, &nhubs);
    uint32_t most = 1, merged = 0;
    for (size_t i = 0; i < n; i++)
        if (clouds[i].live && clouds[i].hosts > most)
            most = clouds[i].hosts;
    for (size_t i = 0; i < n; i++) {
        const struct swarm_cloud *c = &clouds[i];
        if (!c->live || c->alpha <= 0 || render_cloud_split(c, r->cam_scale, fh))
            continue;
        if (c->formed && c->alpha >= 1.0f)
            merged += c->hosts;
        float a = c->alpha * (0.2f + 0.3f * sqrtf((float)c->hosts / (float)most));
        const float *rgb = palette_class[c->cls];
        r->sprites[(*ns)++] = (struct sprite){c->x, c->y, c->size, 0, rgb[0], rgb[1], rgb[2], a};
        for (int k = 0; k < c->nties; k++) {
            float w = c->tie[k] / (c->tie[k] + 1.0f);
            add_edge(r, nl, c->x, c->y, &hubs[c->hub[k]], c->alpha * (0.04f + 0.16f * w));
        }
    }
    return merged;
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
        float share = render_cloud_share(s, ho, r->cam_scale, h);
        float a = fminf(ho->alpha, 1.0f) * (share > 0 ? 1.0f - share : 1.0f);
        if (a <= 0)
            continue; /* its cloud stands in for it */
        uint32_t bi = (uint32_t)((int)sy / BIN * bw + (int)sx / BIN);
        struct bin *b = &r->bins[bi];
        if (b->stamp != r->frame_stamp) {
            memset(b, 0, sizeof(*b));
            b->stamp = r->frame_stamp;
            b->tie_hub = UINT32_MAX;
            r->bin_used[nused++] = bi;
        }
        const float *c = palette_class[ho->cls];
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
            b->pulse = ho->springs[k].pulse;
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
        if (b->tie_hub != UINT32_MAX && b->tie >= 0.15f) {
            add_edge(r, nl, x, y, &hubs[b->tie_hub],
                     crowd * fminf(b->weight, 1.0f) *
                         (0.06f + 0.3f * b->tie / (b->tie + 1.0f) + 0.3f * b->flash));
            if (b->pulse != 0)
                add_pulse(r, ns, x, y, &hubs[b->tie_hub], b->pulse, crowd + 0.3f);
        }
    }
}

/* The sprites again, into the bloom's small frame: the same instances,
 * under a camera scaled down to it. Hubs bloom, and hosts as they flash
 * with traffic; only the tiles those reach get the bloom added. */
#define BLOOM_FLASH 0.08f /* flash below which a host's bloom is not added */

/* Where a splat (sprite.frag's bloom mode: k (1 - d^2/reach^2)^3 of its
 * colour, then times the gain) adds less than BLOOM_FAINT to every
 * channel: as a fraction of its reach, 0 when it never adds that much. A
 * quarter of an 8-bit step: what lies beyond rounds away, so the tiles
 * out there are not worth a pass. */
#define BLOOM_FAINT (0.25f / 255)
static float splat_extent(const struct sprite *sp, float gain)
{
    float k = sp->flash < 0 ? 0.35f : 0.6f * fmaxf(sp->flash - BLOOM_FLASH, 0);
    float peak = k * sp->a * fmaxf(sp->r, fmaxf(sp->g, sp->b)) * gain;
    if (peak <= BLOOM_FAINT)
        return 0;
    return sqrtf(1 - cbrtf(BLOOM_FAINT / peak));
}

static void draw_bloom(struct render *r, size_t ns, int w, int h, float gain)
{
    bloom_begin(r->bloom, w, h);
    glUseProgram(r->sprite_prog);
    glUniform2f(r->sp_center, r->cam_x, r->cam_y);
    for (size_t i = 0; i < ns; i++) {
        const struct sprite *sp = &r->sprites[i];
        if (sp->flash >= 0 && sp->flash < BLOOM_FLASH)
            continue; /* a quiet host: its splat is next to nothing */
        float extent = splat_extent(sp, gain);
        if (extent <= 0)
            continue;
        float sx = (sp->x - r->cam_x) * r->cam_scale + (float)w / 2;
        float sy = (float)h / 2 - (sp->y - r->cam_y) * r->cam_scale;
        float halo = sp->flash < 0 ? 3.0f : 2.0f; /* as in sprite.vert */
        bloom_mark(r->bloom, sx, sy,
                   fmaxf(sp->radius * r->cam_scale, sprite_least_px(sp)) * halo * BLOOM_SPREAD *
                       extent);
    }
    glUniform1f(r->sp_scale, r->cam_scale / BLOOM_DOWN);
    glUniform2f(r->sp_viewport, (float)w / BLOOM_DOWN, (float)h / BLOOM_DOWN);
    glUniform1f(r->sp_spread, BLOOM_SPREAD);
    glUniform1f(r->sp_min_px, 1.6f / BLOOM_DOWN);
    glUniform1f(r->sp_px, 1.0f / BLOOM_DOWN);
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE);
    glBindVertexArray(r->sprite_vao);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, (GLsizei)ns);
    bloom_end(r->bloom);
}

/* The first nl vertices of r->lines as GL_LINES under the camera. */
static void draw_lines(struct render *r, size_t nl, int w, int h)
{
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

static const float background[3] = {0.015f, 0.02f, 0.045f};

/* The box on screen that the sprites from r->sprites[0, ns) and their
 * glow reach (the edges and rings drawn with them stay within it). */
static void drawn_box(struct render *r, size_t ns, int w, int h)
{
    float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY, reach = 0;
    for (size_t i = 0; i < ns; i++) {
        const struct sprite *sp = &r->sprites[i];
        x0 = fminf(x0, sp->x);
        x1 = fmaxf(x1, sp->x);
        y0 = fminf(y0, sp->y);
        y1 = fmaxf(y1, sp->y);
        reach = fmaxf(reach, fmaxf(sp->radius * r->cam_scale, sprite_least_px(sp)) * 3);
    }
    if (ns == 0) { /* nothing drawn: an empty box */
        r->drawn[0] = r->drawn[1] = 0;
        r->drawn[2] = r->drawn[3] = -1;
        return;
    }
    reach = reach * BLOOM_SPREAD + 2 * BLOOM_DOWN;
    r->drawn[0] = (x0 - r->cam_x) * r->cam_scale + (float)w / 2 - reach;
    r->drawn[2] = (x1 - r->cam_x) * r->cam_scale + (float)w / 2 + reach;
    r->drawn[1] = (float)h / 2 - (y1 - r->cam_y) * r->cam_scale - reach;
    r->drawn[3] = (float)h / 2 - (y0 - r->cam_y) * r->cam_scale + reach;
}

static void draw_world(struct render *r, const struct swarm *s, int w, int h)
{
    size_t nhubs, nhosts;
    const struct swarm_hub *hubs = swarm_hubs(s, &nhubs);
    swarm_hosts(s, &nhosts);
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    size_t nl = 0, ns = 0, nclouds;
    swarm_clouds(s, &nclouds);
    grow_lines(r, (nhosts + nclouds) * SWARM_SPRINGS * 2);
    /* hosts, pulses, clouds, hubs */
    grow_sprites(r, nhosts * (1 + SWARM_SPRINGS) + nclouds + nhubs);
    /* hubs first: in a crowd only they bloom */
    for (size_t i = 0; i < nhubs; i++) {
        const struct swarm_hub *hb = &hubs[i];
        if (!hb->live || hb->alpha <= 0)
            continue;
        const float *c = hub_rgb(hb);
        /* size and brightness follow the share of the bytes, with a least
         * size on screen that grows with it, so that the busiest reads as
         * the biggest however far the camera is */
        r->sprites[ns++] = (struct sprite){hb->x, hb->y, hb->size,
                                           -1.0f - render_hub_least_px(hb->share, h),
                                           c[0], c[1], c[2],
                                           fminf(hb->alpha, 1.0f) * (0.45f + 0.55f * hb->share)};
    }
    size_t nhub_sprites = ns;
    uint32_t shown = st.hosts - gather_clouds(r, s, h, &ns, &nl);
    bool crowd = shown > CROWD;
    if (crowd) {
        /* edges and hosts dim as the crowd grows, so thousands of them add
         * up to a coloured web rather than a white sheet */
        gather_crowd(r, s, w, h, sqrtf((float)CROWD / (float)shown), &ns, &nl);
    } else {
        gather_hosts(r, s, h, &ns, &nl);
    }

    drawn_box(r, ns, w, h);
    if (ns) {
        glBindBuffer(GL_ARRAY_BUFFER, r->sprite_vbo);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(ns * sizeof(*r->sprites)), r->sprites,
                     GL_STREAM_DRAW);
    }
    /* the bloom first, into its own frame; then the frame is cleared and
     * the bloom added as its background: one pass over the frame, which
     * a tiled rasteriser need not load back (additive: order is free) */
    /* a crowd's hosts flash all the time: their bloom would cover the
     * whole swarm (and cost a pass over it) for a faint haze */
    size_t nbloom = crowd ? nhub_sprites : ns;
    bool bloom = r->bloom && nbloom;
    /* many hosts' glow would add up to a white sheet: it thins out */
    float gain = shown > 300 && !crowd ? 1.1f * sqrtf(300.0f / (float)shown) : 1.1f;
    if (bloom)
        draw_bloom(r, nbloom, w, h, gain);
    /* the world goes into the tone mapper's frame scaled down, so that it
     * has headroom over 1; the tone mapper scales it back */
    const float k = TONEMAP_SCALE;
    glClearColor(background[0] * k, background[1] * k, background[2] * k, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    if (bloom)
        bloom_add(r->bloom, gain * k);

    glEnable(GL_BLEND);
    glBlendColor(k, k, k, k);
    glBlendFunc(GL_CONSTANT_COLOR, GL_ONE); /* additive glow: premultiplied in the shaders */
    if (nl)
        draw_lines(r, nl, w, h);
    if (ns) {
        glUseProgram(r->sprite_prog);
        glUniform2f(r->sp_center, r->cam_x, r->cam_y);
        glUniform1f(r->sp_scale, r->cam_scale);
        glUniform2f(r->sp_viewport, (float)w, (float)h);
        glUniform1f(r->sp_spread, 1.0f);
        glUniform1f(r->sp_min_px, 1.6f);
        glUniform1f(r->sp_px, 1.0f);
        glBindVertexArray(r->sprite_vao);
        glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, (GLsizei)ns);
    }
    glBindVertexArray(0);
}

/* A ring of SEGS segments around a host, into r->lines from *nl. */
enum { SEGS = 40 };
static void add_ring(struct render *r, size_t *nl, const struct swarm_host *ho, float grow,
                     const float rgb[3], float a)
{
    float radius = fmaxf(ho->size * 1.8f, 9.0f / r->cam_scale) * grow;
    for (int k = 0; k < SEGS; k++) {
        for (int e = 0; e < 2; e++) {
            float t = 6.2831853f * (float)(k + e) / SEGS;
            r->lines[(*nl)++] = (struct line_vertex){ho->x + radius * cosf(t),
                                                     ho->y + radius * sinf(t), rgb[0],
                                                     rgb[1], rgb[2], a};
        }
    }
}

/* Every scanner on screen: a red ring. */
static void draw_scanners(struct render *r, const struct swarm *s, int w, int h)
{
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    if (!st.scanners)
        return;
    size_t nhosts, nl = 0;
    const struct swarm_host *hosts = swarm_hosts(s, &nhosts);
    grow_lines(r, (size_t)st.scanners * SEGS * 2);
    for (size_t i = 0; i < nhosts; i++)
        if (hosts[i].live && hosts[i].scanner && hosts[i].alpha > 0)
            add_ring(r, &nl, &hosts[i], 1.4f, palette_scan, fminf(hosts[i].alpha, 1.0f));
    if (nl)
        draw_lines(r, nl, w, h);
    glBindVertexArray(0);
}

/* The selected host: a ring around it and its edges lit, over the rest. */
static void draw_selection(struct render *r, const struct swarm *s, const struct addr *sel,
                           int w, int h)
{
    size_t nhubs, nhosts;
    const struct swarm_hub *hubs = swarm_hubs(s, &nhubs);
    const struct swarm_host *hosts = swarm_hosts(s, &nhosts);
    const struct swarm_host *ho = NULL;
    for (size_t i = 0; i < nhosts && !ho; i++)
        if (hosts[i].live && addr_equal(&hosts[i].addr, sel))
            ho = &hosts[i];
    if (!ho || ho->alpha <= 0)
        return;
    grow_lines(r, SEGS * 2 + SWARM_SPRINGS * 2);
    size_t nl = 0;
    float a = fminf(ho->alpha, 1.0f);
    for (int k = 0; k < ho->nsprings; k++) {
        const struct swarm_hub *hub = &hubs[ho->springs[k].hub];
        const float *c = hub_rgb(hub);
        r->lines[nl++] = (struct line_vertex){ho->x, ho->y, c[0], c[1], c[2], a};
        r->lines[nl++] = (struct line_vertex){hub->x, hub->y, c[0], c[1], c[2], a * 0.8f};
    }
    add_ring(r, &nl, ho, 1.0f, (const float[3]){1, 1, 1}, a);
    draw_lines(r, nl, w, h);
    glBindVertexArray(0);
}

void render_frame(struct render *r, const struct swarm *s, const struct render_hud *hud,
                  int w, int h, float dt)
{
    update_camera(r, s, hud, w, h, dt);
    glDisable(GL_DEPTH_TEST);
    tonemap_begin(r->tone, w, h);
    draw_world(r, s, w, h);
    draw_scanners(r, s, w, h);
    if (hud->selected.family)
        draw_selection(r, s, &hud->selected, w, h);
    tonemap_end(r->tone, 1.0f / TONEMAP_SCALE, r->drawn, background);
    overlay_draw(r->overlay, s, hud,
                 &(struct overlay_view){r->cam_x, r->cam_y, r->cam_scale, w, h});
}

void render_skip(struct render *r, const struct swarm *s, const struct render_hud *hud,
                 int w, int h, float dt)
{
    update_camera(r, s, hud, w, h, dt);
}

size_t render_histogram_bars(int w, int h)
{
    return overlay_histogram_bars(w, h);
}

const struct render_box *render_layout(const struct render *r, size_t *n)
{
    return overlay_layout(r->overlay, n);
}
