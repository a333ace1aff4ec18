/* The GL context the renderer draws into: a GLFW window, or headless
 * through EGL (no X server) with an offscreen framebuffer. */
#ifndef FLOWSWARM_CONTEXT_H
#define FLOWSWARM_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

struct glctx_opts {
    int width, height; /* framebuffer size; the window's size in screen units */
    bool headless;
    const char *title;
};

/* What the user did in the window since the last frame. */
struct glctx_input {
    bool quit;         /* Esc, q, or the window closed */
    bool pause_toggle; /* space */
    int speed_steps;   /* +/- presses: faster or slower */
    bool screenshot;   /* s or F12 */
};

struct glctx;

/* Creates the context and makes it current on this thread, with the GL
 * loader initialised. Returns NULL with one line in err. */
struct glctx *glctx_create(const struct glctx_opts *opts, char *err, size_t errlen);
void glctx_destroy(struct glctx *c);

/* Binds the framebuffer to draw the next frame into; gives its size. */
void glctx_begin_frame(struct glctx *c, int *w, int *h);

/* Shows the frame (window) and collects input. */
void glctx_end_frame(struct glctx *c, struct glctx_input *in);

/* Whether a window could be opened here (a display is reachable). */
bool glctx_display_available(void);

/* The GL renderer and how it was reached ("..., EGL device"), for
 * messages. */
void glctx_describe(const struct glctx *c, char *buf, size_t len);

#endif
