/* What the HUD shows besides the swarm, gathered for the renderer as
 * plain values: the clock and speed, rates over the last seconds of
 * capture time, drops and clamps, the histogram's bins for the frame's size,
 * and the panel of top talkers and names. */
#ifndef FLOWSWARM_HUD_H
#define FLOWSWARM_HUD_H

#include <stdint.h>

#include "app/feed.h"
#include "app/filters.h"
#include "app/learn.h"
#include "app/watch.h"
#include "ingest/ingest.h"
#include "renderer/render.h"
#include "swarm/swarm.h"
#include "timeline/timeline.h"

struct hud;

/* speed: the speed shown at first. */
struct hud *hud_create(double speed);
void hud_destroy(struct hud *h);

/* What the sources of the HUD's values are. */
struct hud_sources {
    const struct feed *feed;
    struct ingest *in;
    const struct timeline *tl;
    const struct swarm *sw;
    bool live;        /* the clock is wall time: show LIVE and the lag */
    const struct filters *filters; /* the filters in force, or NULL */
    struct learn *learn;  /* the names learnt, or NULL */
    const struct watch *watch; /* the scans stage, or NULL */
    bool talkers_panel; /* show the panel of top talkers and names */
};

/* Brings the HUD to the frame at clock, w by h pixels: counters, rates
 * and the histogram. A w of 0 leaves the histogram as it was. The returned
 * view is valid until the next call or hud_destroy(); the loops may
 * change its speed and paused fields, which the HUD keeps. */
struct render_hud *hud_update(struct hud *h, const struct hud_sources *src, int64_t clock,
                              int w, int hpx);

/* The view as last updated (for the speed and pause the loops change). */
struct render_hud *hud_view(struct hud *h);

#endif
