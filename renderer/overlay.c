/* The overlay: fixed HUD pieces first (their boxes become obstacles),
 * then labels, busiest first, each at the first of a few spots around
 * its hub or host that is on screen and clear of every box placed so
 * far; a label with no such spot is left out. Sizes follow the frame's
 * height in pixels, so text is as sharp at 8K (or on a hi-DPI window) as
 * at 720p. */
#include "renderer/overlay.h"

#include <glad/gl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/units.h"
#include "base/xalloc.h"
#include "renderer/palette.h"
#include "renderer/shader.h"
#include "renderer/text.h"

extern const unsigned char res_flat_vert[], res_flat_frag[];
extern const unsigned char res_font_ttf[];
extern const size_t res_font_ttf_len;

enum { MAX_TALKERS = 64 };
enum { LEADER_RINGS = 6 }; /* rings of spots a label on a leader line may try */

struct flat_vertex {
    float x, y, r, g, b, a;
};

struct ranked {
    float heat;
    uint32_t index;
};

struct overlay {
    struct text *text;
    unsigned talkers;
    GLuint flat_prog, flat_vao, flat_vbo;
    GLint flat_viewport;
    struct flat_vertex *verts;
    size_t nverts, capverts;
    struct render_box *boxes;
    size_t nboxes, capboxes;
    float (*discs)[4]; /* hub rings on screen: labels keep off them too */
    size_t ndiscs, capdiscs;
    struct ranked *order; /* hubs by heat */
    size_t cap_order;
    /* last frame's talkers, kept unless clearly overtaken (no flicker) */
    uint32_t prev[MAX_TALKERS];
    struct addr prev_addr[MAX_TALKERS];
    size_t nprev;
};

struct overlay *overlay_create(unsigned talkers, char *err, size_t errlen)
{
    struct overlay *o = xcalloc(1, sizeof(*o));
    o->talkers = talkers < MAX_TALKERS ? talkers : MAX_TALKERS;
    o->text = text_create(res_font_ttf, res_font_ttf_len, err, errlen);
    if (!o->text)
        goto fail;
    o->flat_prog = shader_program("flat", (const char *)res_flat_vert,
                                  (const char *)res_flat_frag, err, errlen);
    if (!o->flat_prog)
        goto fail;
    o->flat_viewport = glGetUniformLocation(o->flat_prog, "u_viewport");
    glGenVertexArrays(1, &o->flat_vao);
    glBindVertexArray(o->flat_vao);
    glGenBuffers(1, &o->flat_vbo);
    glBindBuffer(GL_ARRAY_BUFFER, o->flat_vbo);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(struct flat_vertex), (void *)0);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, sizeof(struct flat_vertex),
                          (void *)offsetof(struct flat_vertex, r));
    glBindVertexArray(0);
    return o;
fail:
    overlay_destroy(o);
    return NULL;
}

void overlay_destroy(struct overlay *o)
{
    if (!o)
        return;
    text_destroy(o->text);
    if (o->flat_prog)
        glDeleteProgram(o->flat_prog);
    if (o->flat_vao) {
        glDeleteBuffers(1, &o->flat_vbo);
        glDeleteVertexArrays(1, &o->flat_vao);
    }
    free(o->verts);
    free(o->boxes);
    free(o->discs);
    free(o->order);
    free(o);
}

const struct render_box *overlay_layout(const struct overlay *o, size_t *n)
{
    *n = o->nboxes;
    return o->boxes;
}

static struct render_box *add_box(struct overlay *o, enum render_item item, float x0,
                                  float y0, float x1, float y1, int cls, const char *text)
{
    if (o->nboxes == o->capboxes) {
        o->capboxes = o->capboxes ? o->capboxes * 2 : 64;
        o->boxes = xreallocarray(o->boxes, o->capboxes, sizeof(*o->boxes));
    }
    struct render_box *b = &o->boxes[o->nboxes++];
    *b = (struct render_box){.item = item, .x0 = x0, .y0 = y0, .x1 = x1, .y1 = y1,
                             .cls = cls};
    snprintf(b->text, sizeof(b->text), "%s", text ? text : "");
    return b;
}

/* The box text at px pixels takes with its baseline at y: DejaVu's
 * ascent and descent, rounded out. */
static void text_box(float x, float y, float width, int px, float box[4])
{
    box[0] = x;
    box[1] = y - 0.93f * (float)px;
    box[2] = x + width;
    box[3] = y + 0.25f * (float)px;
}

/* Text with a dark shadow, readable over bright glow; recorded as a box. */
static float put_text(struct overlay *o, enum render_item item, int cls, int px, float x,
                      float y, const char *s, const float rgba[4])
{
    const float shadow[4] = {0, 0, 0, rgba[3] * 0.8f};
    float off = fmaxf(1.0f, roundf((float)px / 14.0f));
    text_draw(o->text, px, x + off, y + off, s, shadow);
    float wdt = text_draw(o->text, px, x, y, s, rgba);
    float b[4];
    text_box(x, y, wdt, px, b);
    add_box(o, item, b[0], b[1], b[2] + off, b[3] + off, cls, s);
    return wdt;
}

/* Four corners, in order around, as two triangles. */
static void push_quad(struct overlay *o, const struct flat_vertex v[4])
{
    if (o->nverts + 6 > o->capverts) {
        o->capverts = o->capverts ? o->capverts * 2 : 1536;
        o->verts = xreallocarray(o->verts, o->capverts, sizeof(*o->verts));
    }
    static const int order[6] = {0, 1, 2, 0, 2, 3};
    for (int k = 0; k < 6; k++)
        o->verts[o->nverts++] = v[order[k]];
}

static void quad(struct overlay *o, float x0, float y0, float x1, float y1, const float c[4])
{
    push_quad(o, (const struct flat_vertex[4]){{x0, y0, c[0], c[1], c[2], c[3]},
                                               {x1, y0, c[0], c[1], c[2], c[3]},
                                               {x1, y1, c[0], c[1], c[2], c[3]},
                                               {x0, y1, c[0], c[1], c[2], c[3]}});
}

/* A line from (x0, y0) to (x1, y1), wd pixels wide, as two triangles. */
static void segment(struct overlay *o, float x0, float y0, float x1, float y1, float wd,
                    const float c[4])
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (!(len > 0))
        return;
    float nx = -dy / len * wd / 2, ny = dx / len * wd / 2;
    push_quad(o, (const struct flat_vertex[4]){{x0 + nx, y0 + ny, c[0], c[1], c[2], c[3]},
                                               {x1 + nx, y1 + ny, c[0], c[1], c[2], c[3]},
                                               {x1 - nx, y1 - ny, c[0], c[1], c[2], c[3]},
                                               {x0 - nx, y0 - ny, c[0], c[1], c[2], c[3]}});
}

static bool clear_of_all(const struct overlay *o, const float b[4], int w, int h)
{
    if (b[0] < 0 || b[1] < 0 || b[2] > (float)w || b[3] > (float)h)
        return false;
    for (size_t i = 0; i < o->nboxes; i++) {
        const struct render_box *p = &o->boxes[i];
        if (b[0] < p->x1 && p->x0 < b[2] && b[1] < p->y1 && p->y0 < b[3])
            return false;
    }
    for (size_t i = 0; i < o->ndiscs; i++) {
        const float *d = o->discs[i];
        if (b[0] < d[2] && d[0] < b[2] && b[1] < d[3] && d[1] < b[3])
            return false;
    }
    return true;
}

static const float label_plate[4] = {0.02f * 0.86f, 0.03f * 0.86f, 0.06f * 0.86f, 0.86f};

/* Puts the label s with its baseline's left end at (x, y) if its box,
 * padded, is clear of everything placed and on screen: a plate, the
 * text, and the box with its padding recorded. */
static bool try_label(struct overlay *o, enum render_item item, int cls, int px, float x,
                      float y, float tw, const char *s, const float rgba[4], int w, int h)
{
    float b[4], pad = fmaxf(2.0f, (float)px / 6.0f); /* kept clear around a label */
    text_box(x, y, tw, px, b);
    float padded[4] = {b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad};
    if (!clear_of_all(o, padded, w, h))
        return false;
    /* a dark plate, so the text reads over glow and crowds alike */
    float pp = pad * 0.6f;
    quad(o, b[0] - pp, b[1] - pp * 0.5f, b[2] + pp, b[3] + pp * 0.5f, label_plate);
    put_text(o, item, cls, px, x, y, s, rgba);
    /* the padding belongs to the label: the next one keeps clear */
    struct render_box *last = &o->boxes[o->nboxes - 1];
    last->x0 = padded[0];
    last->y0 = padded[1];
    last->x1 = fmaxf(last->x1, padded[2]);
    last->y1 = fmaxf(last->y1, padded[3]);
    return true;
}

/* Further out: rings of spots around the point, the label at the end of
 * a short leader line from the point's edge. */
static bool place_with_leader(struct overlay *o, enum render_item item, int cls, int px,
                              float sx, float sy, float rad, float tw, const char *s,
                              const float rgba[4], int w, int h, int rings)
{
    const float pi = 3.14159265f;
    for (int ring = 1; ring <= rings; ring++) {
        float d = rad + (float)ring * 1.6f * (float)px;
        for (int k = 0; k < 12; k++) {
            float a = (float)k * pi / 6 + (ring & 1 ? pi / 12 : 0);
            float ca = cosf(a), sa = sinf(a), ex = sx + ca * d, ey = sy - sa * d;
            float gap = 0.3f * (float)px;
            float x = ca >= 0 ? ex + gap : ex - gap - tw, y = ey + 0.35f * (float)px;
            size_t at = o->nverts;
            if (!try_label(o, item, cls, px, x, y, tw, s, rgba, w, h))
                continue;
            /* the leader goes under the plate and the text: drawn first */
            const float line[4] = {rgba[0] * 0.6f, rgba[1] * 0.6f, rgba[2] * 0.6f,
                                   0.6f * rgba[3]};
            struct flat_vertex plate[6]; /* try_label() drew one quad */
            memcpy(plate, o->verts + at, sizeof(plate));
            o->nverts = at;
            segment(o, sx + ca * rad, sy - sa * rad, ex, ey, fmaxf(1.0f, (float)px / 12),
                    line);
            quad(o, 0, 0, 0, 0, line); /* room for the plate again, */
            memcpy(o->verts + o->nverts - 6, plate, sizeof(plate)); /* and the plate */
            return true;
        }
    }
    return false;
}

/* Places a label next to a point of radius rad (pixels): below, above,
 * right, left (hubs), or right, left, above, below (hosts); then, for
 * leader rings of spots further out, on a line. False when it found no
 * room. */
static bool place_label(struct overlay *o, enum render_item item, int cls, int px, float sx,
                        float sy, float rad, const char *s, const float rgba[4], int w,
                        int h, int leader)
{
    float tw = text_width(o->text, px, s), gap = 0.35f * (float)px;
    float spots[4][2] = {
        {sx - tw / 2, sy + rad + gap + 0.93f * (float)px},  /* below */
        {sx - tw / 2, sy - rad - gap - 0.25f * (float)px},  /* above */
        {sx + rad + gap, sy + 0.35f * (float)px},           /* right */
        {sx - rad - gap - tw, sy + 0.35f * (float)px},      /* left */
    };
    static const int hub_order[4] = {0, 1, 2, 3}, host_order[4] = {2, 3, 1, 0};
    const int *ord = item == ITEM_HUB_LABEL ? hub_order : host_order;
    for (int k = 0; k < 4; k++)
        if (try_label(o, item, cls, px, spots[ord[k]][0], spots[ord[k]][1], tw, s, rgba, w,
                      h))
            return true;
    return leader && place_with_leader(o, item, cls, px, sx, sy, rad, tw, s, rgba, w, h,
                                       leader);
}

static void to_screen(const struct overlay_view *v, float x, float y, float *sx, float *sy)
{
    *sx = (x - v->cx) * v->scale + (float)v->w / 2;
    *sy = (float)v->h / 2 - (y - v->cy) * v->scale;
}

/* Hottest first; ties by index, so the order is the same on every run. */
static int by_heat(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->heat != y->heat)
        return x->heat < y->heat ? 1 : -1;
    return (x->index > y->index) - (x->index < y->index);
}

enum { HUB_LEADERS = 6 }; /* hubs, busiest first, whose labels may take a leader */

static void hub_labels(struct overlay *o, const struct swarm *s, const struct overlay_view *v,
                       int px)
{
    size_t n, no = 0;
    const struct swarm_hub *hubs = swarm_hubs(s, &n);
    if (n > o->cap_order) {
        o->cap_order = n;
        o->order = xreallocarray(o->order, n, sizeof(*o->order));
    }
    if (n > o->capdiscs) {
        o->capdiscs = n;
        o->discs = xreallocarray(o->discs, n, sizeof(*o->discs));
    }
    o->ndiscs = 0;
    for (size_t i = 0; i < n; i++) {
        if (!hubs[i].live || hubs[i].alpha < 0.05f)
            continue;
        o->order[no++] = (struct ranked){hubs[i].heat, (uint32_t)i};
        float sx, sy, r = render_hub_px(&hubs[i], v->scale, v->h);
        to_screen(v, hubs[i].x, hubs[i].y, &sx, &sy);
        float *d = o->discs[o->ndiscs++];
        d[0] = sx - r;
        d[1] = sy - r;
        d[2] = sx + r;
        d[3] = sy + r;
    }
    if (no > 1)
        qsort(o->order, no, sizeof(*o->order), by_heat);
    for (size_t k = 0; k < no; k++) {
        const struct swarm_hub *hub = &hubs[o->order[k].index];
        float sx, sy;
        to_screen(v, hub->x, hub->y, &sx, &sy);
        const float *c = hub->scan ? palette_scan : palette_class[hub->cls];
        const float col[4] = {0.55f + 0.45f * c[0], 0.55f + 0.45f * c[1],
                              0.55f + 0.45f * c[2], fminf(hub->alpha, 1.0f)};
        /* the busiest few find room further out, on a leader line */
        place_label(o, ITEM_HUB_LABEL, hub->cls, px, sx, sy, render_hub_px(hub, v->scale, v->h),
                    hub->label, col, v->w, v->h, k < HUB_LEADERS ? 3 : 0);
    }
}

/* The busiest hosts by recent octets. One that was labelled last frame
 * keeps its place until another moves 1.5 times its bytes. */
static size_t top_talkers(struct overlay *o, const struct swarm *s, uint32_t *top,
                          float *score)
{
    size_t n, ntop = 0;
    const struct swarm_host *hosts = swarm_hosts(s, &n);
    for (size_t i = 0; i < n; i++) {
        const struct swarm_host *h = &hosts[i];
        if (!h->live || h->alpha < 0.3f || !(h->heat > 0))
            continue;
        float sc = h->heat;
        for (size_t k = 0; k < o->nprev; k++)
            if (o->prev[k] == i && addr_equal(&o->prev_addr[k], &h->addr))
                sc *= 1.5f;
        size_t pos = ntop < o->talkers ? ntop++ : o->talkers;
        while (pos > 0 && score[pos - 1] < sc) {
            if (pos < o->talkers) {
                top[pos] = top[pos - 1];
                score[pos] = score[pos - 1];
            }
            pos--;
        }
        if (pos < o->talkers) {
            top[pos] = (uint32_t)i;
            score[pos] = sc;
        }
    }
    o->nprev = ntop;
    for (size_t k = 0; k < ntop; k++) {
        o->prev[k] = top[k];
        o->prev_addr[k] = hosts[top[k]].addr;
    }
    return ntop;
}

/* A host's label: its name, cut from the left past 40 characters (the
 * end of a name says most), or its address. */
static void host_label(const struct render_hud *hud, const struct addr *a, char *buf,
                       size_t len)
{
    const char *name = hud && hud->name_of ? hud->name_of(hud->name_ctx, a) : NULL;
    if (!name) {
        addr_format(a, buf, (unsigned)len);
        return;
    }
    size_t n = strlen(name);
    if (n > 40)
        snprintf(buf, len, "..%s", name + n - 38);
    else
        snprintf(buf, len, "%s", name);
}

/* Every scanner on screen, before the talkers: "scanner" and its name
 * or address, in red. */
static void scanner_labels(struct overlay *o, const struct swarm *s,
                           const struct overlay_view *v, const struct render_hud *hud, int px)
{
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    if (!st.scanners)
        return;
    size_t n;
    const struct swarm_host *hosts = swarm_hosts(s, &n);
    for (size_t i = 0; i < n; i++) {
        const struct swarm_host *h = &hosts[i];
        if (!h->live || !h->scanner || h->alpha < 0.05f)
            continue;
        float sx, sy;
        to_screen(v, h->x, h->y, &sx, &sy);
        char name[48], line[64];
        host_label(hud, &h->addr, name, sizeof(name));
        snprintf(line, sizeof(line), "scanner %s", name);
        const float col[4] = {0.6f + 0.4f * palette_scan[0], 0.6f * palette_scan[1] + 0.2f,
                              0.6f * palette_scan[2] + 0.2f, fminf(h->alpha, 1.0f)};
        place_label(o, ITEM_HOST_LABEL, SVC_OTHER, px, sx, sy,
                    fmaxf(h->size * 1.8f * 1.4f * v->scale, 9.0f * 1.4f), line, col, v->w,
                    v->h, LEADER_RINGS);
    }
}

static void host_labels(struct overlay *o, const struct swarm *s,
                        const struct overlay_view *v, const struct render_hud *hud, int px)
{
    scanner_labels(o, s, v, hud, px);
    if (!o->talkers)
        return;
    uint32_t top[MAX_TALKERS];
    float score[MAX_TALKERS];
    size_t ntop = top_talkers(o, s, top, score), n;
    const struct swarm_host *hosts = swarm_hosts(s, &n);
    /* the busiest first, and it looks as far as it must: it is always named */
    size_t first = 0;
    for (size_t k = 1; k < ntop; k++)
        if (hosts[top[k]].heat > hosts[top[first]].heat)
            first = k;
    for (size_t j = 0; j < ntop; j++) {
        size_t k = j == 0 ? first : j <= first ? j - 1 : j;
        const struct swarm_host *h = &hosts[top[k]];
        if (h->scanner)
            continue; /* labelled already */
        float sx, sy;
        to_screen(v, h->x, h->y, &sx, &sy);
        char name[48];
        host_label(hud, &h->addr, name, sizeof(name));
        const float *c = palette_class[h->cls];
        const float col[4] = {0.82f + 0.18f * c[0], 0.82f + 0.18f * c[1],
                              0.82f + 0.18f * c[2], fminf(h->alpha, 1.0f)};
        int rings = j == 0 ? 4 * v->h / px : LEADER_RINGS; /* the busiest: to the frame's edge */
        if (!place_label(o, ITEM_HOST_LABEL, h->cls, px, sx, sy,
                         fmaxf(h->size * v->scale, 1.6f), name, col, v->w, v->h, rings))
            add_box(o, ITEM_NO_ROOM, 0, 0, 0, 0, h->cls, name);
    }
}

enum { CLOUD_LABELS = 16 }; /* the largest clouds tried for a label */

/* The largest clouds drawn whole, where there is room next to them:
 * "10.1.2.0/24 · 254 hosts", after every other label. They may cover
 * the rings of the smallest hubs, which a crowd of clouds hides anyway. */
static void cloud_labels(struct overlay *o, const struct swarm *s, const struct overlay_view *v,
                         int px)
{
    size_t n, no = 0, nd = 0;
    const struct swarm_cloud *clouds = swarm_clouds(s, &n);
    struct ranked best[CLOUD_LABELS];
    for (size_t i = 0; i < n; i++) {
        const struct swarm_cloud *c = &clouds[i];
        if (!c->live || !c->formed || c->alpha < 0.3f ||
            render_cloud_split(c, v->scale, v->h))
            continue;
        size_t pos = no < CLOUD_LABELS ? no++ : CLOUD_LABELS;
        while (pos > 0 && best[pos - 1].heat < (float)c->hosts) {
            if (pos < CLOUD_LABELS)
                best[pos] = best[pos - 1];
            pos--;
        }
        if (pos < CLOUD_LABELS)
            best[pos] = (struct ranked){(float)c->hosts, (uint32_t)i};
    }
    if (!no)
        return;
    for (size_t i = 0; i < o->ndiscs; i++)
        if (o->discs[i][2] - o->discs[i][0] >= (float)px)
            memcpy(o->discs[nd++], o->discs[i], sizeof(o->discs[i]));
    o->ndiscs = nd;
    for (size_t k = 0; k < no; k++) {
        const struct swarm_cloud *c = &clouds[best[k].index];
        char net[48], line[80];
        addr_format(&c->net, net, sizeof(net));
        snprintf(line, sizeof(line), "%s/%u \xc2\xb7 %u hosts", net, c->prefix, c->hosts);
        float sx, sy;
        to_screen(v, c->x, c->y, &sx, &sy);
        const float *rgb = palette_class[c->cls];
        const float col[4] = {0.75f + 0.25f * rgb[0], 0.75f + 0.25f * rgb[1],
                              0.75f + 0.25f * rgb[2], fminf(c->alpha, 1.0f)};
        place_label(o, ITEM_CLOUD_LABEL, c->cls, px, sx, sy, c->size * v->scale, line, col,
                    v->w, v->h, 0);
    }
}

/* A text size: px at 720 lines, scaled with the frame's height, never
 * below what stays legible. */
static int text_px(float px, int h, int least)
{
    int v = (int)lroundf(px * (float)h / 720.0f);
    return v < least ? least : v;
}

/* 1234 -> "1.2 k", 0.25 -> "0.3" style with the given unit: a slow rate
 * is not shown as none. */
static void human(double v, const char *unit, char *buf, size_t len)
{
    static const char *const prefix[] = {"", "k", "M", "G", "T", "P"};
    int i = 0;
    while (v >= 999.95 && i < 5) {
        v /= 1000;
        i++;
    }
    bool tenths = i > 0 || (v > 0 && v < 9.95);
    snprintf(buf, len, tenths ? "%.1f %s%s" : "%.0f %s%s", v, prefix[i], unit);
}

/* Appends " · part" (or just part at the start) to line. */
/* "LIVE, newest event 40 ms ago": milliseconds while the lag is small,
 * then seconds, minutes, hours or days (flow records, and files given as
 * the history of a live view, are minutes to years behind). */
static void lag_text(int64_t lag_ns, char *out, size_t len)
{
    double s = (double)lag_ns / 1e9;
    if (s < 10)
        snprintf(out, len, "LIVE, newest event %.0f ms ago", s * 1e3);
    else if (s < 120)
        snprintf(out, len, "LIVE, newest event %.0f s ago", s);
    else if (s < 2 * 3600)
        snprintf(out, len, "LIVE, newest event %.0f min ago", s / 60);
    else if (s < 2 * 86400)
        snprintf(out, len, "LIVE, newest event %.0f h ago", s / 3600);
    else
        snprintf(out, len, "LIVE, newest event %.0f days ago", s / 86400);
}

static void append(char *line, size_t len, const char *part)
{
    size_t used = strlen(line);
    snprintf(line + used, len - used, "%s%s", used ? "  \xc2\xb7  " : "", part);
}

/* The amber line: what was dropped, clamped, evicted, refused, and the
 * scanners found; "" when there is nothing to say. */
static void warnings(const struct swarm_stats *st, const struct render_hud *hud, char *line,
                     size_t len)
{
    char part[64];
    line[0] = 0;
    const struct {
        uint64_t n;
        const char *what;
    } warn[] = {{hud->dropped, "dropped"},
                {hud->os_dropped, "dropped by the kernel"},
                {hud->if_dropped, "dropped by the interface"},
                {hud->sock_dropped, "dropped by the socket buffer"},
                {hud->agent_dropped, "not sampled by the sFlow agents"},
                {hud->seq_lost, "lost on the way (sequence gaps)"},
                {hud->clamped, "clamped (out of order)"},
                {st->evicted, "hosts evicted"},
                {hud->scanners, hud->scanners == 1 ? "scanner" : "scanners"},
                {st->refused, "over the service limit"}};
    for (size_t i = 0; i < sizeof(warn) / sizeof(*warn); i++) {
        if (!warn[i].n)
            continue;
        snprintf(part, sizeof(part), "%llu %s", (unsigned long long)warn[i].n, warn[i].what);
        append(line, len, part);
    }
}

static void hud_text(struct overlay *o, const struct swarm *s, const struct render_hud *hud,
                     int h)
{
    float unit = (float)h / 720.0f, m = 20 * unit;
    int big = text_px(24, h, 14), small = text_px(15, h, 10);
    const float white[4] = {0.95f, 0.95f, 0.97f, 1};
    const float grey[4] = {0.72f, 0.74f, 0.80f, 1};
    char line[256], part[64];
    time_t secs = (time_t)(hud->clock_ns / 1000000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S UTC", &tm);
    float y = m + (float)big;
    put_text(o, ITEM_CLOCK, -1, big, m, y, line, white);

    struct swarm_stats st;
    swarm_get_stats(s, &st);
    line[0] = 0;
    if (hud->paused)
        append(line, sizeof(line), "paused");
    if (hud->live && hud->lag_ns >= 0)
        lag_text(hud->lag_ns, part, sizeof(part));
    else if (hud->live)
        snprintf(part, sizeof(part), "LIVE, no event yet");
    else
        snprintf(part, sizeof(part), "\xc3\x97%.3g", hud->speed);
    append(line, sizeof(line), part);
    human(hud->events_per_s, "events/s", part, sizeof(part));
    append(line, sizeof(line), part);
    human(hud->octets_per_s, "B/s", part, sizeof(part));
    append(line, sizeof(line), part);
    snprintf(part, sizeof(part), "%u host%s", st.hosts, st.hosts == 1 ? "" : "s");
    append(line, sizeof(line), part);
    snprintf(part, sizeof(part), "%u service%s", st.hubs, st.hubs == 1 ? "" : "s");
    append(line, sizeof(line), part);
    y += (float)small * 1.6f;
    put_text(o, ITEM_STATUS, -1, small, m, y, line, grey);

    warnings(&st, hud, line, sizeof(line));
    if (line[0]) {
        const float amber[4] = {0.95f, 0.62f, 0.30f, 1};
        y += (float)small * 1.5f;
        put_text(o, ITEM_WARNING, -1, small, m, y, line, amber);
    }
    if (hud->filters && hud->filters[0]) {
        const float cyan[4] = {0.45f, 0.85f, 0.95f, 1};
        snprintf(line, sizeof(line), "filters: %.180s \xc2\xb7 %llu host%s hidden",
                 hud->filters, (unsigned long long)hud->hidden, hud->hidden == 1 ? "" : "s");
        y += (float)small * 1.5f;
        put_text(o, ITEM_FILTERS, -1, small, m, y, line, cyan);
    }
    if (hud->note && hud->note[0]) {
        y += (float)small * 1.5f;
        put_text(o, ITEM_NOTE, -1, small, m, y, hud->note, white);
    }
}

static void fmt_time(int64_t ns, bool with_date, char *buf, size_t len)
{
    time_t secs = (time_t)(ns / 1000000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(buf, len, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
}

/* Octets over capture time along the bottom: played bars bright, the rest
 * dim, a mark at the clock. Bar heights go with the square root of the
 * octets, so quiet stretches stay visible beside a burst. Returns the
 * top of what it drew (the bottom margin when there is no histogram). */
/* Where the histogram goes in a w by h frame. */
struct hist_geom {
    float unit, m, x0, x1, y0, y1, hh, bar;
    int px;
};

static void hist_geometry(int w, int h, struct hist_geom *g)
{
    g->unit = (float)h / 720.0f;
    g->m = 20 * g->unit;
    g->px = text_px(11, h, 9);
    float below = fmaxf(g->m, 1.35f * (float)g->px + 3 * g->unit);
    g->x0 = g->m;
    g->x1 = (float)w - g->m;
    g->hh = 36 * g->unit;
    g->y1 = (float)h - below;
    g->y0 = g->y1 - g->hh;
    g->bar = fmaxf(2.0f, roundf(3 * g->unit));
}

size_t overlay_histogram_bars(int w, int h)
{
    struct hist_geom g;
    hist_geometry(w, h, &g);
    if (w < 8 * g.m)
        return 0;
    return (size_t)((g.x1 - g.x0) / g.bar);
}

static float histogram(struct overlay *o, const struct render_hud *hud, int w, int h)
{
    struct hist_geom g;
    hist_geometry(w, h, &g);
    float unit = g.unit, m = g.m;
    size_t nb = overlay_histogram_bars(w, h);
    if (!hud->bins || hud->nbins == 0 || nb == 0)
        return (float)h - m;
    if (nb > hud->nbins)
        nb = hud->nbins;
    int64_t from = hud->hist_from_ns, to = hud->hist_to_ns;
    /* the bars, with the span's ends written under them */
    int px = g.px;
    float x0 = g.x0, x1 = g.x1, hh = g.hh, y1 = g.y1, y0 = g.y0, bar = g.bar;
    const double *bins = hud->bins;
    double most = 0;
    for (size_t i = 0; i < nb; i++)
        most = fmax(most, bins[i]);
    float mark = x0 + (float)((double)(hud->clock_ns - from) / (double)(to - from)) * (x1 - x0);
    mark = fminf(fmaxf(mark, x0), x1);
    const float frame[4] = {0.10f, 0.12f, 0.18f, 0.55f};
    const float played[4] = {0.50f, 0.62f, 0.85f, 0.85f};
    const float ahead[4] = {0.30f, 0.33f, 0.42f, 0.55f};
    quad(o, x0, y0, x1, y1, frame);
    for (size_t i = 0; i < nb && most > 0; i++) {
        if (!(bins[i] > 0))
            continue;
        float bh = fmaxf(1.0f, (float)sqrt(bins[i] / most) * (hh - 2 * unit));
        float bx = x0 + (float)i * bar;
        quad(o, bx, y1 - bh, bx + bar - (bar > 2 ? 1 : 0), y1,
             bx + bar <= mark ? played : ahead);
    }
    const float white[4] = {1, 1, 1, 0.9f};
    float mw = fmaxf(1.0f, roundf(1.5f * unit));
    quad(o, mark - mw / 2, y0 - 3 * unit, mark + mw / 2, y1, white);
    float ty = y1 + unit + 0.93f * (float)px;
    add_box(o, ITEM_HISTOGRAM, x0, y0, x1, ty + 0.25f * (float)px, -1, NULL);
    char t[32];
    fmt_time(hud->clock_ns, false, t, sizeof(t));
    add_box(o, ITEM_TIME_MARK, mark - mw / 2, y0 - 3 * unit, mark + mw / 2, y1, -1, t);

    const float dim[4] = {0.70f, 0.72f, 0.80f, 0.9f};
    char a0[32], a1[32];
    bool same_day = from / 86400000000000 == to / 86400000000000;
    fmt_time(from, true, a0, sizeof(a0));
    fmt_time(to, !same_day, a1, sizeof(a1));
    text_draw(o->text, px, x0, ty, a0, dim);
    text_draw(o->text, px, x1 - text_width(o->text, px, a1), ty, a1, dim);
    return y0 - 3 * unit;
}

/* The classes of the services live now, bottom up above the histogram,
 * in the order of the palette. */
/* Which classes the live services have; how many. */
static int legend_classes(const struct swarm *s, bool present[SVC_COUNT])
{
    memset(present, 0, SVC_COUNT * sizeof(*present));
    size_t n;
    int k = 0;
    const struct swarm_hub *hubs = swarm_hubs(s, &n);
    for (size_t i = 0; i < n; i++)
        if (hubs[i].live && !present[hubs[i].cls]) {
            present[hubs[i].cls] = true;
            k++;
        }
    return k;
}

/* The size key: rings for round amounts of octets, as big as a hub with
 * that many recent octets is drawn, nested on one bottom point. The
 * largest ring is at most KEY_RING px (at 720 lines) across its radius. */
#define KEY_RING 32.0f
static const char key_heading[] = "ring size: recent bytes";

/* The key's box, bottom left at (x, bottom): width and height. */
static void size_key_size(struct overlay *o, int h, float *kw, float *kh)
{
    float unit = (float)h / 720.0f;
    int px = text_px(12, h, 9);
    *kw = fmaxf(text_width(o->text, px, key_heading),
                2 * KEY_RING * unit + 0.6f * (float)px + text_width(o->text, px, "888.8 MB"));
    *kh = 2 * KEY_RING * unit + 1.5f * (float)px;
}

/* Whether the key shows: some hub has carried octets lately. */
static bool size_key_shown(const struct swarm *s)
{
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    return st.hubs && st.hub_heat_max >= 1;
}

/* Up to three round amounts a decade apart, the first the largest of 5,
 * 2 or 1 times a power of ten whose ring fits, the others while the
 * scale still tells them from the least size; their radii on screen. */
static int key_amounts(const struct swarm *s, const struct overlay_view *v, double amt[3],
                       float rad[3])
{
    static const double lead[3] = {5, 2, 1};
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    double top = st.hub_heat_max, decade = pow(10, floor(log10(top)));
    float cap = KEY_RING * (float)v->h / 720.0f;
    enum swarm_scale scale = swarm_options(s)->scale;
    int n = 0;
    for (int i = 0; n < 3; i++) {
        double a = n ? amt[n - 1] / 10 : lead[i % 3] * decade / pow(10, i / 3);
        struct swarm_hub hub = {.share = swarm_share(scale, (float)(a / top))};
        if (a < 1 || (n && hub.share < 0.02f))
            break; /* below the scale's range: every ring the least */
        hub.size = swarm_hub_size(hub.share);
        float r = render_hub_px(&hub, v->scale, v->h);
        if (n == 0 && (a > top || r > cap))
            continue;
        amt[n] = a;
        rad[n++] = r;
    }
    return n;
}

/* The key drawn with its bottom left at (m, bottom); its top. */
static float size_key(struct overlay *o, const struct swarm *s, const struct overlay_view *v,
                      float m, float bottom)
{
    int h = v->h;
    float unit = (float)h / 720.0f, kw, kh;
    size_key_size(o, h, &kw, &kh);
    double amt[3];
    float rad[3];
    int n = key_amounts(s, v, amt, rad);
    add_box(o, ITEM_SIZE_KEY, m, bottom - kh, m + kw, bottom, -1, "");
    int px = text_px(12, h, 9);
    const float grey[4] = {0.78f, 0.80f, 0.86f, 1}, ring[4] = {0.62f, 0.65f, 0.72f, 0.9f};
    float cx = m + KEY_RING * unit, base = bottom - unit, lw = fmaxf(1.0f, unit), ty = -1e9f;
    /* the heading just above the largest ring */
    float head = base - (n ? 2 * rad[0] : 0) - 0.6f * (float)px;
    put_text(o, ITEM_SIZE_KEY, -1, px, m, head, key_heading, grey);
    for (int k = 0; k < n; k++) {
        float cy = base - rad[k];
        for (int i = 0; i < 48; i++) {
            float a0 = 6.2831853f * (float)i / 48, a1 = 6.2831853f * (float)(i + 1) / 48;
            segment(o, cx + rad[k] * cosf(a0), cy + rad[k] * sinf(a0), cx + rad[k] * cosf(a1),
                    cy + rad[k] * sinf(a1), lw, ring);
        }
        char t[32];
        units_bytes((uint64_t)amt[k], t, sizeof(t));
        char *zero = strstr(t, ".0 "); /* round amounts: "500 kB" */
        if (zero)
            memmove(zero, zero + 2, strlen(zero + 2) + 1);
        add_box(o, ITEM_SIZE_KEY, cx - rad[k], cy - rad[k], cx + rad[k], cy + rad[k], -1, "");
        /* each amount level with its ring's top, clear of the one above */
        ty = fmaxf(cy - rad[k] + 0.35f * (float)px, ty + 1.15f * (float)px);
        put_text(o, ITEM_SIZE_KEY, -1, px, cx + KEY_RING * unit + 0.6f * (float)px, ty, t,
                 grey);
    }
    return bottom - kh;
}

/* The class list, bottom up from bottom; its top. */
static float legend(struct overlay *o, const struct swarm *s, int h, float bottom)
{
    float unit = (float)h / 720.0f, m = 20 * unit;
    int px = text_px(14, h, 10);
    const float grey[4] = {0.78f, 0.80f, 0.86f, 1};
    bool present[SVC_COUNT];
    legend_classes(s, present);
    float y = bottom - 8 * unit - 0.25f * (float)px;
    for (int c = SVC_COUNT - 1; c >= 0; c--) {
        if (!present[c])
            continue;
        const float *p = palette_class[c];
        const float col[4] = {p[0], p[1], p[2], 1};
        const char *name = services_class_name((enum service_class)c);
        /* the swatch is a disc drawn as text: it shares the glyph atlas */
        float dx = text_draw(o->text, px, m, y, "\xe2\x97\x8f ", col);
        put_text(o, ITEM_LEGEND, c, px, m + dx, y, name, grey);
        o->boxes[o->nboxes - 1].x0 = m;
        y -= (float)px * 1.4f;
    }
    return y + (float)px * 0.4f - 0.93f * (float)px;
}

static const float panel_bg[4] = {0.02f * 0.94f, 0.03f * 0.94f, 0.06f * 0.94f, 0.94f};

/* Lines split by '\n' in a dark panel with its top left near (x, y),
 * moved to stay within the frame (an x at the right edge or past it puts
 * the panel there, with the HUD's margin); a tab in a line starts a
 * second column.
 * The panel is recorded whole, so that labels keep off it. */
/* A panel's size for text at px: its second column's offset, its width
 * and height. */
static void panel_size(struct overlay *o, const char *text, int px, float *col_out,
                       float *pw, float *ph)
{
    char line[160];
    float pad = (float)px * 0.6f, lh = (float)px * 1.35f, col = 0, wmax = 0;
    int n = 0;
    for (const char *p = text; *p; n++) { /* the columns' widths */
        size_t len = strcspn(p, "\n");
        snprintf(line, sizeof(line), "%.*s", (int)len, p);
        char *tab = strchr(line, '\t');
        if (tab) {
            *tab = 0;
            col = fmaxf(col, text_width(o->text, px, line) + (float)px);
        }
        p += len + (p[len] == '\n');
    }
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        snprintf(line, sizeof(line), "%.*s", (int)len, p);
        char *tab = strchr(line, '\t');
        wmax = fmaxf(wmax, tab ? col + text_width(o->text, px, tab + 1)
                               : text_width(o->text, px, line));
        p += len + (p[len] == '\n');
    }
    *col_out = col;
    *pw = wmax + 2 * pad;
    *ph = lh * (float)n + 2 * pad - 0.35f * (float)px;
}

static void panel(struct overlay *o, enum render_item item, const char *text, float x,
                  float y, int px, int w, int h)
{
    char line[160];
    float pad = (float)px * 0.6f, lh = (float)px * 1.35f, col, pw, ph;
    panel_size(o, text, px, &col, &pw, &ph);
    if (x >= (float)w)
        x = (float)w - pw - 20 * (float)h / 720.0f;
    x = fmaxf(fminf(x, (float)w - pw - 4), 4);
    y = fmaxf(fminf(y, (float)h - ph - 4), 4);
    quad(o, x, y, x + pw, y + ph, panel_bg);
    add_box(o, item, x, y, x + pw, y + ph, -1, "");
    const float white[4] = {0.95f, 0.95f, 0.97f, 1};
    const float key[4] = {0.55f, 0.85f, 1.0f, 1};
    float ty = y + pad + 0.93f * (float)px;
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        snprintf(line, sizeof(line), "%.*s", (int)len, p);
        char *tab = strchr(line, '\t');
        if (tab) {
            *tab = 0;
            put_text(o, item, -1, px, x + pad, ty, line, key);
            put_text(o, item, -1, px, x + pad + col, ty, tab + 1, white);
        } else {
            put_text(o, item, -1, px, x + pad, ty, line, white);
        }
        ty += lh;
        p += len + (p[len] == '\n');
    }
}

/* The filter prompt across the bottom, in the histogram's place: the
 * expression as typed with a cursor, and why it does not parse above it.
 * Returns its top. */
static float prompt(struct overlay *o, const struct render_hud *hud, int w, int h)
{
    int px = text_px(16, h, 11);
    float unit = (float)h / 720.0f, m = 20 * unit, bar = (float)px * 2.2f;
    bool err = hud->prompt_error && hud->prompt_error[0];
    float top = (float)h - bar - (err ? (float)px * 1.6f : 0);
    quad(o, 0, top, (float)w, (float)h, panel_bg);
    add_box(o, ITEM_PROMPT, 0, top, (float)w, (float)h, -1, "");
    char line[320];
    snprintf(line, sizeof(line), "filter (Enter applies, Esc cancels): %.200s\xe2\x96\x8f",
             hud->prompt);
    const float white[4] = {0.95f, 0.95f, 0.97f, 1};
    put_text(o, ITEM_PROMPT, -1, px, m, (float)h - bar * 0.35f, line, white);
    if (err) {
        const float red[4] = {1.0f, 0.45f, 0.40f, 1};
        put_text(o, ITEM_PROMPT, -1, px, m, top + (float)px * 1.3f, hud->prompt_error, red);
    }
    return top;
}

static const char help_text[] =
    "click\tselect a host (a ring, its edges lit); empty space clears it\n"
    "h, o\thide the selected host; show only it\n"
    "/\ttype a filter: 'hide EXPR' or 'only EXPR' (plain EXPR: only)\n"
    "u, c\tundo the last filter change; clear every filter\n"
    "t\tonly the busiest hosts: off, 10, 100, 1000\n"
    "k\tthe panel of top talkers and names\n"
    "wheel, drag\tzoom at the pointer; pan\n"
    "0\tfollow the swarm again\n"
    "left, right\tback or on 10 s in a file replay (with shift: 60 s)\n"
    "space, + -\tpause; faster, slower\n"
    "s, F12\tsave a screenshot\n"
    "?\tthis list\n"
    "Esc, q\tquit";

/* The panels, before the labels: they keep off them. */
static void window_pieces(struct overlay *o, const struct render_hud *hud, int w, int h)
{
    if (hud->talkers_panel && hud->talkers_panel[0])
        panel(o, ITEM_TALKERS, hud->talkers_panel, (float)w, 20 * (float)h / 720.0f,
              text_px(12, h, 9), w, h);
    if (hud->help) {
        int px = text_px(16, h, 11);
        panel(o, ITEM_HELP, help_text, (float)w * 0.22f, (float)h * 0.18f, px, w, h);
    }
    if (hud->tooltip && hud->tooltip[0])
        panel(o, ITEM_TOOLTIP, hud->tooltip, hud->tip_x + 16, hud->tip_y + 16,
              text_px(14, h, 10), w, h);
}

/* Moves one edge of the free area *a off the box b, whichever of the two
 * ways (sideways: the edge at side, or up or down: the edge at end)
 * leaves more room; a box beside the area changes nothing. */
static void keep_off(float a[4], const float b[4], int side, int end, float gap)
{
    if (!(b[0] < a[2] && a[0] < b[2] && b[1] < a[3] && a[1] < b[3]))
        return;
    float x[4], y[4];
    memcpy(x, a, sizeof(x));
    memcpy(y, a, sizeof(y));
    x[side] = side == 0 ? b[2] + gap : b[0] - gap;
    y[end] = end == 1 ? b[3] + gap : b[1] - gap;
    float ax = (x[2] - x[0]) * (x[3] - x[1]), ay = (y[2] - y[0]) * (y[3] - y[1]);
    memcpy(a, ax >= ay ? x : y, sizeof(x));
}

void overlay_scene_area(struct overlay *o, const struct swarm *s, const struct render_hud *hud,
                        int w, int h, float area[4])
{
    float unit = (float)h / 720.0f, m = 20 * unit, gap = 10 * unit;
    int big = text_px(24, h, 14), small = text_px(15, h, 10);
    /* the HUD's lines, as hud_text() sets them: room for the warnings and
     * the filters whether or not they are there, so that the swarm does
     * not move when they come and go (a passing note may cover it) */
    float last = m + (float)big + (float)small * 1.6f + 2 * (float)small * 1.5f;
    /* the histogram's top (or the prompt's), as legend() is given it */
    float bottom = (float)h - m;
    if (hud->prompt) {
        int px = text_px(16, h, 11);
        bool err = hud->prompt_error && hud->prompt_error[0];
        bottom = (float)h - (float)px * 2.2f - (err ? (float)px * 1.6f : 0);
    } else if (hud->bins && hud->nbins && overlay_histogram_bars(w, h)) {
        struct hist_geom g;
        hist_geometry(w, h, &g);
        bottom = g.y0 - 3 * unit;
    }
    area[0] = m;
    area[1] = last + 0.25f * (float)small + gap;
    area[2] = (float)w - m;
    area[3] = bottom - gap;
    bool present[SVC_COUNT];
    int classes = legend_classes(s, present), lpx = text_px(14, h, 10);
    if (classes) {
        float lw = 0;
        for (int c = 0; c < SVC_COUNT; c++)
            if (present[c])
                lw = fmaxf(lw, text_width(o->text, lpx, services_class_name(c)));
        float base = bottom - 8 * unit - 0.25f * (float)lpx;
        float top = base - (float)(classes - 1) * (float)lpx * 1.4f - 0.93f * (float)lpx;
        float right = m + 1.5f * (float)lpx + lw;
        if (size_key_shown(s)) {
            float kw, kh;
            size_key_size(o, h, &kw, &kh);
            top -= 8 * unit + kh;
            right = fmaxf(right, m + kw);
        }
        const float box[4] = {m, top, right, bottom};
        keep_off(area, box, 0, 3, gap);
    }
    if (hud->talkers_panel && hud->talkers_panel[0]) {
        float col, pw, ph;
        panel_size(o, hud->talkers_panel, text_px(12, h, 9), &col, &pw, &ph);
        const float box[4] = {(float)w - pw - m, m, (float)w - m, m + ph};
        keep_off(area, box, 2, 1, gap);
    }
    if (area[2] - area[0] < (float)w * 0.3f || area[3] - area[1] < (float)h * 0.3f) {
        area[0] = 0; /* a frame too small for its pieces: all of it */
        area[1] = 0;
        area[2] = (float)w;
        area[3] = (float)h;
    }
}

void overlay_draw(struct overlay *o, const struct swarm *s, const struct render_hud *hud,
                  const struct overlay_view *v)
{
    int w = v->w, h = v->h;
    o->nboxes = 0;
    o->nverts = 0;
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA); /* premultiplied over */
    hud_text(o, s, hud, h);
    float bottom = hud->prompt ? prompt(o, hud, w, h) : histogram(o, hud, w, h);
    float top = legend(o, s, h, bottom);
    if (size_key_shown(s))
        size_key(o, s, v, 20 * (float)h / 720.0f, top - 8 * (float)h / 720.0f);
    window_pieces(o, hud, w, h);
    hub_labels(o, s, v, text_px(13, h, 10));
    host_labels(o, s, v, hud, text_px(12, h, 9));
    cloud_labels(o, s, v, text_px(11, h, 9));
    if (o->nverts) {
        glUseProgram(o->flat_prog);
        glUniform2f(o->flat_viewport, (float)w, (float)h);
        glBindVertexArray(o->flat_vao);
        glBindBuffer(GL_ARRAY_BUFFER, o->flat_vbo);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(o->nverts * sizeof(*o->verts)), o->verts,
                     GL_STREAM_DRAW);
        glDrawArrays(GL_TRIANGLES, 0, (GLsizei)o->nverts);
        glBindVertexArray(0);
    }
    text_flush(o->text, w, h);
}
