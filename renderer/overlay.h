/* Everything drawn in pixels over the swarm: hub and top-talker labels
 * placed so that none overlaps another or the HUD, the HUD text, the
 * legend of the classes on screen and the activity histogram. Records
 * where each piece went (render_layout). */
#ifndef FLOWSWARM_OVERLAY_H
#define FLOWSWARM_OVERLAY_H

#include <stddef.h>

#include "renderer/render.h"

/* The camera the world was drawn with: world point at the centre and
 * pixels per world unit. */
struct overlay_view {
    float cx, cy, scale;
    int w, h;
};

struct overlay;

/* Needs a current GL context. Returns NULL with err set. */
struct overlay *overlay_create(unsigned talkers, char *err, size_t errlen);
void overlay_destroy(struct overlay *o);

void overlay_draw(struct overlay *o, const struct swarm *s, const struct render_hud *hud,
                  const struct overlay_view *v);

/* The part of a w by h frame that the HUD's text, the histogram (or the
 * prompt), the legend and the talkers panel leave free, as x0, y0, x1,
 * y1 in pixels: where the camera puts the swarm. */
void overlay_scene_area(struct overlay *o, const struct swarm *s, const struct render_hud *hud,
                        int w, int h, float area[4]);

/* See render_histogram_bars(). */
size_t overlay_histogram_bars(int w, int h);

const struct render_box *overlay_layout(const struct overlay *o, size_t *n);

#endif
