/* The one way things move in the swarm: a step of velocity under a force
 * with drag, a speed limit and a bounded world. Hubs, hosts and subnet
 * clouds all move by it. */
#ifndef FLOWSWARM_MOTION_H
#define FLOWSWARM_MOTION_H

#include <math.h>

#define MAX_SPEED 3000.0f  /* world units a second */
#define WORLD_MAX 1.0e5f   /* positions are clamped to +-WORLD_MAX */

static inline float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static inline void integrate(float *x, float *y, float *vx, float *vy, float fx, float fy,
                             float drag, float dt)
{
    if (!isfinite(fx) || !isfinite(fy))
        fx = fy = 0;
    *vx = (*vx + fx * dt) * drag;
    *vy = (*vy + fy * dt) * drag;
    float sp = sqrtf(*vx * *vx + *vy * *vy);
    if (sp > MAX_SPEED) {
        *vx *= MAX_SPEED / sp;
        *vy *= MAX_SPEED / sp;
    }
    *x = clampf(*x + *vx * dt, -WORLD_MAX, WORLD_MAX);
    *y = clampf(*y + *vy * dt, -WORLD_MAX, WORLD_MAX);
}

#endif
