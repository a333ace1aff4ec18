/* The window's controls: raw keys, typed text and pointer events from the
 * platform layer become actions, through one table of bindings. Keys that
 * name a character bind on the character typed, so they follow the
 * keyboard's layout. While the filter prompt is open, typing goes to it
 * and no other key acts. */
#ifndef FLOWSWARM_INPUT_H
#define FLOWSWARM_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "renderer/context.h"

enum { INPUT_LINE_MAX = 256 };

/* What carries over from one frame's events to the next. */
struct input_state {
    bool prompt_open;
    char prompt[INPUT_LINE_MAX]; /* as typed so far */
    size_t len;
    bool pressed, dragging;      /* the left button, and whether it moved */
    double press_x, press_y;
    double x, y;                 /* the pointer, framebuffer pixels */
    bool pointer_in;             /* it has moved over the window */
};

/* What the user asked for since the last frame. */
struct input_actions {
    bool quit;         /* Esc, q, or the window closed */
    bool pause_toggle; /* space: an odd number of presses */
    int speed_steps;   /* + and - presses: each doubles or halves */
    bool screenshot;   /* s or F12 */
    bool hide, solo;   /* h, o: the selected host */
    bool undo, clear;  /* u, c */
    int top_steps;     /* t presses */
    bool help_toggle;  /* ? */
    bool panel_toggle; /* k: the talkers panel */
    bool reset_view;   /* 0 */
    int seek_s;        /* left and right arrows: -10 and +10 s, with shift 60 */
    float zoom;        /* the wheel: factor to zoom by (1: none), at zoom_x, zoom_y */
    float zoom_x, zoom_y;
    float pan_x, pan_y; /* dragged, pixels */
    bool click;        /* a press and release without a drag, at click_x, click_y */
    float click_x, click_y;
    bool prompt_changed; /* opened, typed into or closed */
    bool submit;       /* Enter in the prompt: line holds what was typed */
    char line[INPUT_LINE_MAX];
};

/* Turns n events into actions (out is cleared first), with st carried
 * over between frames (zero it to start). */
void input_translate(struct input_state *st, const struct glctx_event *ev, size_t n,
                     struct input_actions *out);

#endif
