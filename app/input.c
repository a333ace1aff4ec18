/* Key bindings: one row a key or typed character. A held key repeats its
 * action. */
#include "app/input.h"

#include <math.h>
#include <string.h>

enum action { QUIT, PAUSE, FASTER, SLOWER, SCREENSHOT, HIDE, SOLO, UNDO, CLEAR, TOP, HELP,
              PROMPT, RESET_VIEW, BACK, FORWARD, PANEL };

/* Keys by where they sit (GLCTX_KEY events). */
static const struct binding {
    int key;
    enum action action;
} keys[] = {
    {GLCTX_KEY_ESCAPE, QUIT},  {'Q', QUIT},
    {' ', PAUSE},
    {'=', FASTER},             {GLCTX_KEY_KP_ADD, FASTER},      {']', FASTER},
    {'-', SLOWER},             {GLCTX_KEY_KP_SUBTRACT, SLOWER}, {'[', SLOWER},
    {'S', SCREENSHOT},         {GLCTX_KEY_F12, SCREENSHOT},
    {GLCTX_KEY_LEFT, BACK},    {GLCTX_KEY_RIGHT, FORWARD},
};

enum { SEEK_S = 10, SEEK_SHIFT_S = 60 }; /* an arrow's step, and with shift */

/* Characters as typed (GLCTX_TEXT events). */
static const struct binding chars[] = {
    {'h', HIDE}, {'o', SOLO}, {'u', UNDO}, {'c', CLEAR}, {'t', TOP},
    {'?', HELP}, {'/', PROMPT}, {'0', RESET_VIEW}, {'k', PANEL},
};

enum { DRAG_PX = 4 }; /* a press that moves less is a click */

static void apply(enum action a, unsigned mods, struct input_state *st,
                  struct input_actions *out)
{
    int seek = mods & GLCTX_MOD_SHIFT ? SEEK_SHIFT_S : SEEK_S;
    switch (a) {
    case QUIT: out->quit = true; break;
    case PAUSE: out->pause_toggle = !out->pause_toggle; break;
    case FASTER: out->speed_steps++; break;
    case SLOWER: out->speed_steps--; break;
    case SCREENSHOT: out->screenshot = true; break;
    case HIDE: out->hide = true; break;
    case SOLO: out->solo = true; break;
    case UNDO: out->undo = true; break;
    case CLEAR: out->clear = true; break;
    case TOP: out->top_steps++; break;
    case HELP: out->help_toggle = !out->help_toggle; break;
    case PANEL: out->panel_toggle = !out->panel_toggle; break;
    case RESET_VIEW: out->reset_view = true; break;
    case BACK: out->seek_s -= seek; break;
    case FORWARD: out->seek_s += seek; break;
    case PROMPT:
        st->prompt_open = true;
        st->len = 0;
        st->prompt[0] = 0;
        out->prompt_changed = true;
        break;
    }
}

/* A key while the prompt is open: only editing and closing it. */
static void prompt_key(const struct glctx_event *e, struct input_state *st,
                       struct input_actions *out)
{
    if (e->key == GLCTX_KEY_ESCAPE) {
        st->prompt_open = false;
    } else if (e->key == GLCTX_KEY_ENTER || e->key == GLCTX_KEY_KP_ENTER) {
        st->prompt_open = false;
        out->submit = true;
        memcpy(out->line, st->prompt, st->len + 1);
    } else if (e->key == GLCTX_KEY_BACKSPACE && st->len > 0) {
        st->prompt[--st->len] = 0;
    } else {
        return;
    }
    out->prompt_changed = true;
}

static void key(const struct glctx_event *e, struct input_state *st, struct input_actions *out)
{
    if (!e->press)
        return;
    if (st->prompt_open) {
        prompt_key(e, st, out);
        return;
    }
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (keys[i].key == e->key)
            apply(keys[i].action, e->mods, st, out);
}

static void text(const struct glctx_event *e, struct input_state *st, struct input_actions *out)
{
    if (st->prompt_open) { /* expressions are ASCII; anything else is left out */
        if (e->codepoint >= 32 && e->codepoint < 127 && st->len + 1 < INPUT_LINE_MAX) {
            st->prompt[st->len++] = (char)e->codepoint;
            st->prompt[st->len] = 0;
            out->prompt_changed = true;
        }
        return;
    }
    for (size_t i = 0; i < sizeof(chars) / sizeof(chars[0]); i++)
        if ((uint32_t)chars[i].key == e->codepoint)
            apply(chars[i].action, 0, st, out);
}

static void button(const struct glctx_event *e, struct input_state *st,
                   struct input_actions *out)
{
    if (e->button != GLCTX_BUTTON_LEFT)
        return;
    st->x = e->x;
    st->y = e->y;
    if (e->press) {
        st->pressed = true;
        st->dragging = false;
        st->press_x = e->x;
        st->press_y = e->y;
        return;
    }
    if (st->pressed && !st->dragging) {
        out->click = true;
        out->click_x = (float)e->x;
        out->click_y = (float)e->y;
    }
    st->pressed = st->dragging = false;
}

static void motion(const struct glctx_event *e, struct input_state *st,
                   struct input_actions *out)
{
    if (st->pressed && !st->dragging &&
        hypot(e->x - st->press_x, e->y - st->press_y) >= DRAG_PX) {
        st->dragging = true;
        st->x = st->press_x; /* the drag starts where the button went down */
        st->y = st->press_y;
    }
    if (st->dragging) {
        out->pan_x += (float)(e->x - st->x);
        out->pan_y += (float)(e->y - st->y);
    }
    st->x = e->x;
    st->y = e->y;
    st->pointer_in = true;
}

void input_translate(struct input_state *st, const struct glctx_event *ev, size_t n,
                     struct input_actions *out)
{
    memset(out, 0, sizeof(*out));
    out->zoom = 1;
    for (size_t i = 0; i < n; i++) {
        const struct glctx_event *e = &ev[i];
        switch (e->type) {
        case GLCTX_KEY: key(e, st, out); break;
        case GLCTX_TEXT: text(e, st, out); break;
        case GLCTX_BUTTON: button(e, st, out); break;
        case GLCTX_MOTION: motion(e, st, out); break;
        case GLCTX_SCROLL:
            out->zoom *= powf(1.2f, (float)e->y);
            out->zoom_x = (float)st->x;
            out->zoom_y = (float)st->y;
            break;
        case GLCTX_CLOSE: out->quit = true; break;
        }
    }
}
