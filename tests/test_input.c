/* Key and window events become the actions the window loop takes. */
#include "app/input.h"
#include "check.h"

static struct glctx_event key(int k, bool press)
{
    return (struct glctx_event){.type = GLCTX_KEY, .key = k, .press = press};
}

int main(void)
{
    struct input_actions a;
    input_translate(NULL, 0, &a);
    CHECK(!a.quit && !a.pause_toggle && !a.screenshot && a.speed_steps == 0);

    struct glctx_event q[] = {key('Q', true)};
    input_translate(q, 1, &a);
    CHECK(a.quit);
    struct glctx_event esc[] = {key(GLCTX_KEY_ESCAPE, true)};
    input_translate(esc, 1, &a);
    CHECK(a.quit);
    struct glctx_event close[] = {{.type = GLCTX_CLOSE}};
    input_translate(close, 1, &a);
    CHECK(a.quit);

    /* space toggles: twice in one frame is no change */
    struct glctx_event space2[] = {key(' ', true), key(' ', false), key(' ', true)};
    input_translate(space2, 2, &a);
    CHECK(a.pause_toggle);
    input_translate(space2, 3, &a);
    CHECK(!a.pause_toggle);

    /* + and - on the main keys, the keypad and the brackets; held keys repeat */
    struct glctx_event speed[] = {key('=', true), key(GLCTX_KEY_KP_ADD, true),
                                  {.type = GLCTX_KEY, .key = ']', .press = true, .repeat = true},
                                  key('-', true), key('=', false)};
    input_translate(speed, 5, &a);
    CHECK(a.speed_steps == 2);
    struct glctx_event slower[] = {key('[', true), key(GLCTX_KEY_KP_SUBTRACT, true)};
    input_translate(slower, 2, &a);
    CHECK(a.speed_steps == -2);

    struct glctx_event shots[] = {key('S', true)};
    input_translate(shots, 1, &a);
    CHECK(a.screenshot && !a.quit);
    struct glctx_event f12[] = {key(GLCTX_KEY_F12, true)};
    input_translate(f12, 1, &a);
    CHECK(a.screenshot);

    /* the pointer, typed text and unbound keys do nothing yet */
    struct glctx_event other[] = {{.type = GLCTX_MOTION, .x = 5, .y = 6},
                                  {.type = GLCTX_BUTTON, .button = GLCTX_BUTTON_LEFT},
                                  {.type = GLCTX_TEXT, .codepoint = 'q'},
                                  {.type = GLCTX_SCROLL, .y = 1},
                                  key('Z', true), key('Q', false)};
    input_translate(other, 6, &a);
    CHECK(!a.quit && !a.pause_toggle && !a.screenshot && a.speed_steps == 0);
    return check_done("input");
}
