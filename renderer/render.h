/* Drawing one frame of the swarm: edges, glowing sprites, hub labels and
 * the HUD, into whatever framebuffer the context has bound. */
#ifndef FLOWSWARM_RENDER_H
#define FLOWSWARM_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swarm/swarm.h"

/* What the HUD shows besides the swarm itself. */
struct render_hud {
    int64_t clock_ns;     /* capture time */
    double speed;         /* capture seconds per second shown */
    double events_per_s;  /* capture-time rates */
    double octets_per_s;
    uint64_t dropped, clamped;
    bool paused;
};

struct render;

/* Needs the GL context current. Returns NULL with one line in err. */
struct render *render_create(char *err, size_t errlen);
void render_destroy(struct render *r);

/* Draws the swarm's state into a w by h framebuffer. dt is the animation
 * time since the last frame (the camera eases by it). */
void render_frame(struct render *r, const struct swarm *s, const struct render_hud *hud,
                  int w, int h, float dt);

#endif
