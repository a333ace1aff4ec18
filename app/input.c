/* Key bindings: one row a key. A held key repeats its action. */
#include "app/input.h"

#include <string.h>

enum action { QUIT, PAUSE, FASTER, SLOWER, SCREENSHOT };

static const struct binding {
    int key;
    enum action action;
} bindings[] = {
    {GLCTX_KEY_ESCAPE, QUIT},  {'Q', QUIT},
    {' ', PAUSE},
    {'=', FASTER},             {GLCTX_KEY_KP_ADD, FASTER},      {']', FASTER},
    {'-', SLOWER},             {GLCTX_KEY_KP_SUBTRACT, SLOWER}, {'[', SLOWER},
    {'S', SCREENSHOT},         {GLCTX_KEY_F12, SCREENSHOT},
};

static void apply(enum action a, struct input_actions *out)
{
    switch (a) {
    case QUIT:
        out->quit = true;
        break;
    case PAUSE:
        out->pause_toggle = !out->pause_toggle;
        break;
    case FASTER:
        out->speed_steps++;
        break;
    case SLOWER:
        out->speed_steps--;
        break;
    case SCREENSHOT:
        out->screenshot = true;
        break;
    }
}

static void key(const struct glctx_event *e, struct input_actions *out)
{
    if (!e->press)
        return;
    for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++)
        if (bindings[i].key == e->key)
            apply(bindings[i].action, out);
}

void input_translate(const struct glctx_event *ev, size_t n, struct input_actions *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        const struct glctx_event *e = &ev[i];
        switch (e->type) {
        case GLCTX_KEY:
            key(e, out);
            break;
        case GLCTX_CLOSE:
            out->quit = true;
            break;
        case GLCTX_BUTTON:
        case GLCTX_MOTION:
        case GLCTX_TEXT:
        case GLCTX_SCROLL:
            break; /* the pointer, the wheel and typed text bind nothing yet */
        }
    }
}
