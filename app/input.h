/* The window's controls: raw keys and pointer events from the platform
 * layer become actions, through one table of bindings. */
#ifndef FLOWSWARM_INPUT_H
#define FLOWSWARM_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "renderer/context.h"

/* What the user asked for since the last frame. */
struct input_actions {
    bool quit;         /* Esc, q, or the window closed */
    bool pause_toggle; /* space: an odd number of presses */
    int speed_steps;   /* + and - presses: each doubles or halves */
    bool screenshot;   /* s or F12 */
};

/* Turns n events into actions (out is cleared first). */
void input_translate(const struct glctx_event *ev, size_t n, struct input_actions *out);

#endif
