/* Screen and world: the camera's mapping both ways, and picking a host
 * at a point. Plain arithmetic, no GL, so it is tested without a context. */
#include "renderer/render.h"

#include <math.h>

void render_camera_to_screen(const struct render_camera *c, float x, float y, float *sx,
                             float *sy)
{
    *sx = (x - c->cx) * c->scale + (float)c->w / 2;
    *sy = (float)c->h / 2 - (y - c->cy) * c->scale;
}

void render_camera_to_world(const struct render_camera *c, float sx, float sy, float *x,
                            float *y)
{
    *x = c->cx + (sx - (float)c->w / 2) / c->scale;
    *y = c->cy - (sy - (float)c->h / 2) / c->scale;
}

float render_hub_least_px(float share, int h)
{
    return (2.0f + 12.0f * share) * (float)h / 720.0f;
}

float render_hub_px(const struct swarm_hub *hub, float scale, int h)
{
    return fmaxf(hub->size * scale, render_hub_least_px(hub->share, h));
}

#define SPLIT_FRAME 0.16f /* a cloud this much of the frame high splits */
#define SPLIT_APART 8.0f  /* or when its hosts would be this far apart, px at 720 */

bool render_cloud_split(const struct swarm_cloud *c, float scale, int h)
{
    float px = (float)h / 720.0f;
    return c->size * scale > SPLIT_FRAME * (float)h ||
           c->size / sqrtf((float)(c->hosts ? c->hosts : 1)) * scale > SPLIT_APART * px;
}

float render_cloud_share(const struct swarm *s, const struct swarm_host *ho, float scale, int h)
{
    if (ho->cloud == SWARM_NO_CLOUD)
        return 0;
    size_t n;
    const struct swarm_cloud *c = &swarm_clouds(s, &n)[ho->cloud];
    return c->formed && !render_cloud_split(c, scale, h) ? fminf(c->alpha, 1.0f) : 0;
}

/* A host is hit within its glow (twice its radius: the sprite's bright
 * core and halo), and never less than this many pixels from its centre:
 * a dot of one pixel can still be clicked. */
#define PICK_GLOW 2.0f
#define PICK_MIN_PX 8.0f

bool render_camera_pick(const struct render_camera *c, const struct swarm *s, float sx,
                        float sy, size_t *host)
{
    size_t n;
    const struct swarm_host *hosts = swarm_hosts(s, &n);
    float best = INFINITY;
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        const struct swarm_host *h = &hosts[i];
        if (!h->live || h->hidden || h->alpha <= 0.05f ||
            render_cloud_share(s, h, c->scale, c->h) > 0.5f)
            continue;
        float hx, hy;
        render_camera_to_screen(c, h->x, h->y, &hx, &hy);
        float d = hypotf(hx - sx, hy - sy);
        float reach = fmaxf(h->size * c->scale * PICK_GLOW, PICK_MIN_PX);
        if (d <= reach && d < best) {
            best = d;
            *host = i;
            found = true;
        }
    }
    return found;
}

bool render_camera_pick_cloud(const struct render_camera *c, const struct swarm *s, float sx,
                              float sy, size_t *cloud)
{
    size_t n;
    const struct swarm_cloud *clouds = swarm_clouds(s, &n);
    float best = INFINITY;
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        const struct swarm_cloud *cl = &clouds[i];
        if (!cl->live || !cl->formed || cl->alpha < 0.3f ||
            render_cloud_split(cl, c->scale, c->h))
            continue;
        float cx, cy;
        render_camera_to_screen(c, cl->x, cl->y, &cx, &cy);
        float d = hypotf(cx - sx, cy - sy);
        if (d <= fmaxf(cl->size * c->scale, PICK_MIN_PX) && d < best) {
            best = d;
            *cloud = i;
            found = true;
        }
    }
    return found;
}
