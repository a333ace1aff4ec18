/* The GL context the renderer draws into: a GLFW window, or headless
 * through EGL (no X server) with an offscreen framebuffer. */
#ifndef FLOWSWARM_CONTEXT_H
#define FLOWSWARM_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct glctx_opts {
    int width, height; /* framebuffer size; the window's size in screen units */
    bool headless;
    const char *title;
};

/* Raw input from the window, in the order it came. Keys are named by
 * where they sit on a US keyboard: a printable key by its character
 * ('A'-'Z' upper case, '0'-'9', ' ', '-', '=', '[', ']', ...), any other
 * by a GLCTX_KEY_* code. Typed text comes separately as characters. */
enum glctx_event_type {
    GLCTX_KEY,    /* key, press (false: released), repeat, mods */
    GLCTX_TEXT,   /* codepoint: a character typed, after the layout */
    GLCTX_BUTTON, /* button, press, mods, x, y */
    GLCTX_MOTION, /* x, y: the pointer moved */
    GLCTX_SCROLL, /* x, y: wheel or touchpad offsets; y > 0 is away from the user */
    GLCTX_CLOSE,  /* the window's close button */
};

enum glctx_key {
    GLCTX_KEY_UNKNOWN = 0,
    GLCTX_KEY_ESCAPE = 256,
    GLCTX_KEY_ENTER,
    GLCTX_KEY_TAB,
    GLCTX_KEY_BACKSPACE,
    GLCTX_KEY_DELETE,
    GLCTX_KEY_LEFT,
    GLCTX_KEY_RIGHT,
    GLCTX_KEY_UP,
    GLCTX_KEY_DOWN,
    GLCTX_KEY_PAGE_UP,
    GLCTX_KEY_PAGE_DOWN,
    GLCTX_KEY_HOME,
    GLCTX_KEY_END,
    GLCTX_KEY_KP_ADD,
    GLCTX_KEY_KP_SUBTRACT,
    GLCTX_KEY_KP_ENTER,
    GLCTX_KEY_F1, /* F1 + n - 1 is Fn, up to F12 */
    GLCTX_KEY_F12 = GLCTX_KEY_F1 + 11,
};

enum { GLCTX_MOD_SHIFT = 1, GLCTX_MOD_CTRL = 2, GLCTX_MOD_ALT = 4 };
enum { GLCTX_BUTTON_LEFT, GLCTX_BUTTON_RIGHT, GLCTX_BUTTON_MIDDLE };

struct glctx_event {
    enum glctx_event_type type;
    int key;            /* GLCTX_KEY */
    int button;         /* GLCTX_BUTTON: GLCTX_BUTTON_* */
    bool press, repeat; /* GLCTX_KEY, GLCTX_BUTTON */
    unsigned mods;      /* GLCTX_MOD_* */
    uint32_t codepoint; /* GLCTX_TEXT */
    double x, y;        /* framebuffer pixels from the top left; scroll offsets */
};

/* Events kept between two frames; more are dropped (a frame is short). */
enum { GLCTX_EVENTS_MAX = 256 };

struct glctx;

/* Creates the context and makes it current on this thread, with the GL
 * loader initialised. Returns NULL with one line in err. */
struct glctx *glctx_create(const struct glctx_opts *opts, char *err, size_t errlen);
void glctx_destroy(struct glctx *c);

/* Binds the framebuffer to draw the next frame into; gives its size. */
void glctx_begin_frame(struct glctx *c, int *w, int *h);

/* Shows the frame (window) and hands over the input since the last one:
 * up to max events into out, oldest first; returns how many. A headless
 * context has none. */
size_t glctx_end_frame(struct glctx *c, struct glctx_event *out, size_t max);

/* Whether a window could be opened here (a display is reachable). */
bool glctx_display_available(void);

/* The GL renderer and how it was reached ("..., EGL device"), for
 * messages. */
void glctx_describe(const struct glctx *c, char *buf, size_t len);

#endif
