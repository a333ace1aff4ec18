/* The swarm drawn into a floating-point frame, then tone-mapped into the
 * frame shown: additive glow from thousands of hosts adds up past 1, and
 * a crowd reads as brightness with its class colours kept rather than as
 * a white sheet. The curve leaves everything below a knee as it is and
 * rolls what is above it off towards 1, scaling the three channels
 * together, so a hue never bleaches to white on its own. */
#ifndef FLOWSWARM_TONEMAP_H
#define FLOWSWARM_TONEMAP_H

#include <stddef.h>

struct tonemap;

/* Needs a current GL context. Returns NULL with err set (a GL without
 * floating-point render targets). */
struct tonemap *tonemap_create(char *err, size_t errlen);
void tonemap_destroy(struct tonemap *t);

/* Binds the floating-point frame, w by h, for drawing, in place of the
 * frame bound now. */
void tonemap_begin(struct tonemap *t, int w, int h);

/* Rebinds the frame from tonemap_begin() and writes the tone-mapped
 * picture over it, scaled by exposure first. Only the pixels within
 * box (x0, y0, x1, y1 in pixels from the top left) are mapped; the rest
 * of the frame is cleared to the background, rgb. */
void tonemap_end(struct tonemap *t, float exposure, const float box[4], const float rgb[3]);

#endif
