/* The window's interactive state between frames: the selected host, the
 * filter prompt and its error, the list of keys, passing notes and the
 * tooltip; the actions of app/input.c applied to the filters, the view
 * and the selection. */
#ifndef FLOWSWARM_UI_H
#define FLOWSWARM_UI_H

#include "app/input.h"
#include "app/pipeline.h"

struct ui {
    struct input_state in;
    struct addr selected; /* family 0: none */
    bool help;
    bool no_panel;        /* the talkers panel hidden (k) */
    char prompt_error[320];
    char note[400];
    double note_until;    /* progress_now() seconds */
    char tooltip[400];
};

/* Applies what the user did in the last frame. */
void ui_apply(struct ui *u, struct pipeline *p, const struct input_actions *a);

/* Shows msg in the HUD for a few seconds. */
void ui_note(struct ui *u, const char *msg);

/* The window's pieces of the next frame's HUD. */
void ui_fill_hud(struct ui *u, struct pipeline *p, struct render_hud *hud);

#endif
