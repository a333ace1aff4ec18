/* Drawing one frame of the swarm: edges with pulses, glowing sprites and
 * their bloom, hub and top-talker labels, the HUD, the legend and the
 * activity histogram, into whatever framebuffer the context has bound. */
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
    uint64_t os_dropped, if_dropped; /* live capture: lost by the kernel, the NIC */
    uint64_t sock_dropped;  /* collector: lost by the socket buffer */
    uint64_t agent_dropped; /* collector: not sampled by sFlow agents (their drops) */
    uint64_t seq_lost;    /* collector: lost on the way (sequence numbers) */
    uint64_t scanners;    /* hosts found scanning so far */
    bool paused;
    bool live;            /* live input: the clock is wall time */
    int64_t lag_ns;       /* live: how long ago the newest event was; <0: none yet */
    /* the histogram: octets over capture time in nbins equal bins from
     * hist_from_ns to hist_to_ns (nbins is render_histogram_bars() for
     * the frame's size); NULL or 0 bins: no histogram */
    const double *bins;
    size_t nbins;
    int64_t hist_from_ns, hist_to_ns;
    /* the window's pieces; zero: none of them drawn */
    const char *filters;  /* the filters in force, one line; NULL or "": none */
    uint64_t hidden;      /* hosts the filters hide */
    const char *note;     /* a passing message ("nothing to undo") */
    struct addr selected; /* ringed, its edges lit; family 0: none */
    const char *tooltip;  /* lines split by '\n', beside (tip_x, tip_y) */
    float tip_x, tip_y;
    const char *prompt;   /* the filter prompt as typed; NULL: closed */
    const char *prompt_error; /* why it does not parse, or NULL */
    bool help;            /* the list of keys */
    const char *talkers_panel; /* the top talkers and names, lines as the
                                  tooltip's, top right; NULL: none */
    /* a host's name for its label, or NULL: shown instead of the address */
    const char *(*name_of)(void *ctx, const struct addr *a);
    void *name_ctx;
};

/* The camera a frame is drawn with: the world point at the centre of a w
 * by h frame and pixels per world unit. */
struct render_camera {
    float cx, cy, scale;
    int w, h;
};

void render_camera_to_screen(const struct render_camera *c, float x, float y, float *sx,
                             float *sy);
void render_camera_to_world(const struct render_camera *c, float sx, float sy, float *x,
                            float *y);

/* A hub's radius on screen, in a frame h pixels high at `scale` pixels
 * per world unit: its size, but never less than a least that grows with
 * its share of the bytes (render_hub_least_px()), so that the busiest
 * reads as the biggest however far the camera is. */
float render_hub_px(const struct swarm_hub *hub, float scale, int h);
float render_hub_least_px(float share, int h);

/* Whether a formed cloud is drawn as its hosts at this many pixels per
 * world unit in a frame h pixels high: once it is large on screen, or
 * its hosts would stand apart (zooming in splits it). */
bool render_cloud_split(const struct swarm_cloud *c, float scale, int h);

/* The formed cloud drawn whole under a point on screen, the nearest
 * centre first (within its disc, and never less than a few pixels). */
bool render_camera_pick_cloud(const struct render_camera *c, const struct swarm *s, float sx,
                              float sy, size_t *cloud);

/* How much of a host its cloud draws in its place (0: none, drawn as
 * itself; 1: all). */
float render_cloud_share(const struct swarm *s, const struct swarm_host *ho, float scale, int h);

/* The host drawn at screen point (sx, sy): the nearest live, shown host
 * whose disc, or a few pixels around its centre, holds the point. False
 * when there is none. */
bool render_camera_pick(const struct render_camera *c, const struct swarm *s, float sx,
                        float sy, size_t *host);

struct render_opts {
    unsigned talkers; /* busiest hosts labelled with their address */
    bool no_bloom;
};

/* What a frame shows where, for tests and for anything placed later:
 * every piece of text and the histogram, in pixels from the top left. */
enum render_item {
    ITEM_CLOCK,      /* capture date and time */
    ITEM_STATUS,     /* speed, rates, live hosts and services */
    ITEM_WARNING,    /* dropped and clamped events, evictions */
    ITEM_LEGEND,     /* one per service class on screen */
    ITEM_HISTOGRAM,  /* the bars */
    ITEM_TIME_MARK,  /* the current time on the histogram */
    ITEM_HUB_LABEL,
    ITEM_HOST_LABEL,
    ITEM_FILTERS,    /* the filters in force and the hosts they hide */
    ITEM_NOTE,       /* a passing message */
    ITEM_TOOLTIP,    /* one per line */
    ITEM_PROMPT,     /* the prompt's line, and its error */
    ITEM_HELP,       /* one per line of the list of keys */
    ITEM_TALKERS,    /* the panel of top talkers and names: the panel, then its lines */
    ITEM_NO_ROOM,    /* a top talker's label that found no room (no area, its text) */
    ITEM_CLOUD_LABEL, /* a subnet cloud's: its subnet and hosts */
    ITEM_SIZE_KEY,   /* what a ring's size means: the key, its heading, then one
                        per ring: the ring's box, its octets as text */
};

struct render_box {
    enum render_item item;
    float x0, y0, x1, y1;
    int cls;        /* ITEM_LEGEND and labels: the service class */
    char text[64];  /* what it says */
};

struct render;

/* Needs the GL context current; opts may be NULL. Returns NULL with one
 * line in err. */
struct render *render_create(const struct render_opts *opts, char *err, size_t errlen);
void render_destroy(struct render *r);

/* Draws the swarm's state into a w by h framebuffer. dt is the animation
 * time since the last frame (the camera eases by it). */
void render_frame(struct render *r, const struct swarm *s, const struct render_hud *hud,
                  int w, int h, float dt);

/* Moves the camera as render_frame() would, without drawing: for frames
 * that nobody will see (a screenshot of a later moment). */
void render_skip(struct render *r, const struct swarm *s, const struct render_hud *hud,
                 int w, int h, float dt);

/* The camera of the last frame. */
struct render_camera render_camera_of(const struct render *r);

/* The user's view on top of the camera that follows the swarm: zoom by
 * factor keeping the world point under (sx, sy) where it is; pan by
 * (dx, dy) pixels; back to following the swarm. */
void render_view_zoom(struct render *r, float factor, float sx, float sy);
void render_view_pan(struct render *r, float dx, float dy);
void render_view_reset(struct render *r);

/* How many bars the histogram of a w by h frame has: the bins that
 * render_hud.bins must hold. */
size_t render_histogram_bars(int w, int h);

/* The boxes of the last frame drawn; valid until the next frame. */
const struct render_box *render_layout(const struct render *r, size_t *n);

#endif
