/* Key, text and pointer events become the actions the window loop takes,
 * with no window: the prompt holds the keyboard while open, a press that
 * moves is a drag and one that does not is a click, the wheel zooms at
 * the pointer. */
#include <string.h>

#include "app/input.h"
#include "check.h"

static struct glctx_event key(int k, bool press)
{
    return (struct glctx_event){.type = GLCTX_KEY, .key = k, .press = press};
}

static struct glctx_event ch(char c)
{
    return (struct glctx_event){.type = GLCTX_TEXT, .codepoint = (uint32_t)c};
}

static struct glctx_event btn(bool press, double x, double y)
{
    return (struct glctx_event){.type = GLCTX_BUTTON, .button = GLCTX_BUTTON_LEFT,
                                .press = press, .x = x, .y = y};
}

static struct glctx_event move(double x, double y)
{
    return (struct glctx_event){.type = GLCTX_MOTION, .x = x, .y = y};
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void keys(void)
{
    struct input_state st = {0};
    struct input_actions a;
    input_translate(&st, NULL, 0, &a);
    CHECK(!a.quit && !a.pause_toggle && !a.screenshot && a.speed_steps == 0 && a.zoom == 1);

    struct glctx_event q[] = {key('Q', true)};
    input_translate(&st, q, 1, &a);
    CHECK(a.quit);
    struct glctx_event esc[] = {key(GLCTX_KEY_ESCAPE, true)};
    input_translate(&st, esc, 1, &a);
    CHECK(a.quit);
    struct glctx_event close[] = {{.type = GLCTX_CLOSE}};
    input_translate(&st, close, 1, &a);
    CHECK(a.quit);

    /* space toggles: twice in one frame is no change */
    struct glctx_event space2[] = {key(' ', true), key(' ', false), key(' ', true)};
    input_translate(&st, space2, 2, &a);
    CHECK(a.pause_toggle);
    input_translate(&st, space2, 3, &a);
    CHECK(!a.pause_toggle);

    /* + and - on the main keys, the keypad and the brackets; held keys repeat */
    struct glctx_event speed[] = {key('=', true), key(GLCTX_KEY_KP_ADD, true),
                                  {.type = GLCTX_KEY, .key = ']', .press = true, .repeat = true},
                                  key('-', true), key('=', false)};
    input_translate(&st, speed, 5, &a);
    CHECK(a.speed_steps == 2);
    struct glctx_event shots[] = {key('S', true), key(GLCTX_KEY_F12, true)};
    input_translate(&st, shots, 2, &a);
    CHECK(a.screenshot && !a.quit);

    /* the filter keys bind on the characters typed */
    struct glctx_event filt[] = {ch('h'), ch('o'), ch('u'), ch('c'), ch('t'), ch('t'),
                                 ch('?'), ch('0')};
    input_translate(&st, filt, N(filt), &a);
    CHECK(a.hide && a.solo && a.undo && a.clear && a.top_steps == 2 && a.help_toggle &&
          a.reset_view);
    CHECK(!st.prompt_open);

    /* the arrows seek 10 s, with shift 60 s */
    struct glctx_event arrows[] = {key(GLCTX_KEY_LEFT, true), key(GLCTX_KEY_RIGHT, true),
                                   {.type = GLCTX_KEY, .key = GLCTX_KEY_RIGHT, .press = true,
                                    .mods = GLCTX_MOD_SHIFT},
                                   key(GLCTX_KEY_RIGHT, false)};
    input_translate(&st, arrows, N(arrows), &a);
    CHECK(a.seek_s == 60);
}

static void prompt(void)
{
    struct input_state st = {0};
    struct input_actions a;
    /* '/' opens it; from then on q, space, h and Esc's quit do nothing */
    struct glctx_event typing[] = {key('/', true), ch('/'), key('P', true), ch('p'),
                                   ch('o'), ch('r'), ch('t'), key(' ', true), ch(' '),
                                   ch('8'), ch('q'), key('Q', true), ch('h'),
                                   key(GLCTX_KEY_BACKSPACE, true), key(GLCTX_KEY_BACKSPACE, true),
                                   ch('0')};
    input_translate(&st, typing, N(typing), &a);
    CHECK(st.prompt_open && a.prompt_changed);
    CHECK(strcmp(st.prompt, "port 80") == 0);
    CHECK(!a.quit && !a.pause_toggle && !a.hide && !a.reset_view && !a.submit);
    struct glctx_event arrow[] = {key(GLCTX_KEY_LEFT, true)};
    input_translate(&st, arrow, 1, &a);
    CHECK(a.seek_s == 0); /* the prompt holds the keyboard */
    struct glctx_event enter[] = {key(GLCTX_KEY_ENTER, true), ch('h')};
    input_translate(&st, enter, N(enter), &a);
    CHECK(a.submit && strcmp(a.line, "port 80") == 0 && !st.prompt_open);
    CHECK(a.hide); /* closed: keys act again */
    /* Esc cancels without quitting */
    struct glctx_event cancel[] = {ch('/'), ch('x'), key(GLCTX_KEY_ESCAPE, true)};
    input_translate(&st, cancel, N(cancel), &a);
    CHECK(!st.prompt_open && !a.submit && !a.quit && a.prompt_changed);
    /* a new prompt starts empty; text past the line's room is left out */
    struct glctx_event again[] = {ch('/')};
    input_translate(&st, again, 1, &a);
    CHECK(st.prompt_open && st.len == 0);
    struct glctx_event many[INPUT_LINE_MAX + 10];
    for (size_t i = 0; i < N(many); i++)
        many[i] = ch('x');
    input_translate(&st, many, N(many), &a);
    CHECK(st.len == INPUT_LINE_MAX - 1 && strlen(st.prompt) == INPUT_LINE_MAX - 1);
    struct glctx_event uni[] = {{.type = GLCTX_TEXT, .codepoint = 0xe9}};
    input_translate(&st, uni, 1, &a);
    CHECK(st.len == INPUT_LINE_MAX - 1);
}

static void pointer(void)
{
    struct input_state st = {0};
    struct input_actions a;
    /* press and release in place: a click there */
    struct glctx_event click[] = {move(100, 50), btn(true, 100, 50), move(102, 51),
                                  btn(false, 102, 51)};
    input_translate(&st, click, N(click), &a);
    CHECK(a.click && a.click_x == 102 && a.click_y == 51);
    CHECK(a.pan_x == 0 && a.pan_y == 0);
    /* a press that moves is a drag: it pans by the whole move, no click */
    struct glctx_event drag[] = {btn(true, 200, 200), move(203, 200), move(230, 180)};
    input_translate(&st, drag, N(drag), &a);
    CHECK(!a.click && a.pan_x == 30 && a.pan_y == -20);
    struct glctx_event drag2[] = {move(240, 170), btn(false, 240, 170)};
    input_translate(&st, drag2, N(drag2), &a);
    CHECK(!a.click && a.pan_x == 10 && a.pan_y == -10);
    /* the wheel zooms at the pointer: two notches in, one out */
    struct glctx_event wheel[] = {move(320, 240),
                                  {.type = GLCTX_SCROLL, .y = 1},
                                  {.type = GLCTX_SCROLL, .y = 1},
                                  {.type = GLCTX_SCROLL, .y = -1}};
    input_translate(&st, wheel, N(wheel), &a);
    CHECK(a.zoom > 1.19f && a.zoom < 1.21f && a.zoom_x == 320 && a.zoom_y == 240);
    /* the right button does nothing */
    struct glctx_event right[] = {{.type = GLCTX_BUTTON, .button = GLCTX_BUTTON_RIGHT,
                                   .press = true},
                                  {.type = GLCTX_BUTTON, .button = GLCTX_BUTTON_RIGHT}};
    input_translate(&st, right, N(right), &a);
    CHECK(!a.click);
}

int main(void)
{
    keys();
    prompt();
    pointer();
    return check_done("input");
}
