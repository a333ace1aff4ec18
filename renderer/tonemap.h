/* The swarm drawn into a frame of its own with headroom over 1 (scaled
 * down as it is drawn, see tonemap.c for the format), then tone-mapped
 * into the frame shown: additive glow from thousands of hosts adds up
 * past 1, and a crowd reads as brightness with its class colours kept
 * rather than as a white sheet. The curve leaves everything below a knee
 * as it is and rolls what is above it off towards 1, scaling the three
 * channels together, so a hue never bleaches to white on its own. */
#ifndef FLOWSWARM_TONEMAP_H
#define FLOWSWARM_TONEMAP_H

#include <stddef.h>

/* What the world is scaled by as it is drawn into the tone mapper's
 * frame, which holds values up to 1: its headroom is 1 / this. */
#define TONEMAP_SCALE 0.25f

struct tonemap;

/* Needs a current GL context. Returns NULL with err set. */
struct tonemap *tonemap_create(char *err, size_t errlen);
void tonemap_destroy(struct tonemap *t);

/* Binds the tone mapper's frame, w by h, for drawing, in place of the
 * frame bound now. Draw into it scaled by TONEMAP_SCALE. */
void tonemap_begin(struct tonemap *t, int w, int h);

/* Rebinds the frame from tonemap_begin() and writes the tone-mapped
 * picture over it, scaled by exposure first. Only the pixels within
 * box (x0, y0, x1, y1 in pixels from the top left) are mapped; the rest
 * of the frame is cleared to the background, rgb. */
void tonemap_end(struct tonemap *t, float exposure, const float box[4], const float rgb[3]);

#endif
