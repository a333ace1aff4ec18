/* GL contexts. Headless: EGL on Mesa's surfaceless platform (or the
 * device platform on a GPU) with a 3.3 core context and no surface; the
 * frame goes into a framebuffer object. Window: GLFW. */
#include "renderer/context.h"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct glctx {
    bool headless;
    const char *platform; /* "EGL device", "EGL surfaceless" or "window" */
    int w, h;
    /* headless */
    EGLDisplay dpy;
    EGLContext ctx;
    GLuint fbo, color;
    /* window */
    GLFWwindow *win;
    /* input since the last frame; GLFW calls back on the main thread */
    struct glctx_event pending[GLCTX_EVENTS_MAX];
    size_t npending;
};

/* FLOWSWARM_EGL picks the platform: "device" takes the first EGL device
 * that starts (Mesa's software device too), "surfaceless" skips devices;
 * unset, a vendor's device is preferred and Mesa goes surfaceless. */
static EGLDisplay open_egl_display(const char **platform, char *err, size_t errlen)
{
    const char *want = getenv("FLOWSWARM_EGL");
    if (want && *want && strcmp(want, "device") != 0 && strcmp(want, "surfaceless") != 0) {
        snprintf(err, errlen, "FLOWSWARM_EGL is '%s'; it takes device or surfaceless",
                 want);
        return EGL_NO_DISPLAY;
    }
    bool any_device = want && strcmp(want, "device") == 0;
    bool devices = !(want && strcmp(want, "surfaceless") == 0);
    PFNEGLGETPLATFORMDISPLAYEXTPROC get_platform_display =
        (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
    const char *exts = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    if (get_platform_display && exts) {
        /* A GPU's EGL device first: it renders without any window system. */
        PFNEGLQUERYDEVICESEXTPROC query_devices =
            (PFNEGLQUERYDEVICESEXTPROC)eglGetProcAddress("eglQueryDevicesEXT");
        if (devices && strstr(exts, "EGL_EXT_platform_device") && query_devices) {
            EGLDeviceEXT devs[8];
            EGLint n = 0;
            if (query_devices(8, devs, &n) && n > 0) {
                for (EGLint i = 0; i < n; i++) {
                    EGLDisplay d = get_platform_display(EGL_PLATFORM_DEVICE_EXT, devs[i],
                                                        NULL);
                    if (d != EGL_NO_DISPLAY && eglInitialize(d, NULL, NULL)) {
                        const char *vendor = eglQueryString(d, EGL_VENDOR);
                        /* Mesa lists its software device too; prefer a
                         * vendor's driver and otherwise go surfaceless. */
                        if (any_device || (vendor && !strstr(vendor, "Mesa"))) {
                            *platform = "EGL device";
                            return d;
                        }
                        eglTerminate(d);
                    }
                }
            }
        }
        if (any_device) {
            snprintf(err, errlen, "FLOWSWARM_EGL=device, but EGL lists no device that starts");
            return EGL_NO_DISPLAY;
        }
        if (strstr(exts, "EGL_MESA_platform_surfaceless")) {
            EGLDisplay d = get_platform_display(EGL_PLATFORM_SURFACELESS_MESA,
                                                EGL_DEFAULT_DISPLAY, NULL);
            if (d != EGL_NO_DISPLAY && eglInitialize(d, NULL, NULL)) {
                *platform = "EGL surfaceless";
                return d;
            }
        }
    }
    snprintf(err, errlen,
             "no headless OpenGL: EGL has neither a GPU device nor Mesa's surfaceless "
             "platform (install libegl-mesa0 and libgl1-mesa-dri)");
    return EGL_NO_DISPLAY;
}

static bool create_headless(struct glctx *c, char *err, size_t errlen)
{
    c->dpy = open_egl_display(&c->platform, err, errlen);
    if (c->dpy == EGL_NO_DISPLAY)
        return false;
    if (!eglBindAPI(EGL_OPENGL_API)) {
        snprintf(err, errlen, "EGL cannot provide desktop OpenGL");
        return false;
    }
    const EGLint attrs[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                            EGL_CONTEXT_OPENGL_PROFILE_MASK,
                            EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
    c->ctx = eglCreateContext(c->dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attrs);
    if (c->ctx == EGL_NO_CONTEXT ||
        !eglMakeCurrent(c->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, c->ctx)) {
        snprintf(err, errlen, "EGL could not create an OpenGL 3.3 core context (0x%x)",
                 eglGetError());
        return false;
    }
    if (!gladLoadGL((GLADloadfunc)eglGetProcAddress)) {
        snprintf(err, errlen, "the OpenGL 3.3 functions could not be loaded");
        return false;
    }
    GLint maxrb = 0;
    glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &maxrb);
    if (c->w > maxrb || c->h > maxrb) {
        snprintf(err, errlen, "%dx%d exceeds this OpenGL's largest framebuffer (%d)",
                 c->w, c->h, maxrb);
        return false;
    }
    glGenFramebuffers(1, &c->fbo);
    glGenRenderbuffers(1, &c->color);
    glBindRenderbuffer(GL_RENDERBUFFER, c->color);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, c->w, c->h);
    glBindFramebuffer(GL_FRAMEBUFFER, c->fbo);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER,
                              c->color);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
        snprintf(err, errlen, "the offscreen framebuffer is incomplete");
        return false;
    }
    return true;
}

static struct glctx_event *push_event(GLFWwindow *win, enum glctx_event_type type)
{
    struct glctx *c = glfwGetWindowUserPointer(win);
    if (c->npending == GLCTX_EVENTS_MAX)
        return NULL;
    struct glctx_event *e = &c->pending[c->npending++];
    memset(e, 0, sizeof(*e));
    e->type = type;
    return e;
}

static unsigned mods_of(int glfw_mods)
{
    return (glfw_mods & GLFW_MOD_SHIFT ? GLCTX_MOD_SHIFT : 0) |
           (glfw_mods & GLFW_MOD_CONTROL ? GLCTX_MOD_CTRL : 0) |
           (glfw_mods & GLFW_MOD_ALT ? GLCTX_MOD_ALT : 0);
}

/* GLFW names printable keys by their US-layout character already. */
static int key_of(int k)
{
    static const struct {
        int glfw, key;
    } named[] = {
        {GLFW_KEY_ESCAPE, GLCTX_KEY_ESCAPE},       {GLFW_KEY_ENTER, GLCTX_KEY_ENTER},
        {GLFW_KEY_TAB, GLCTX_KEY_TAB},             {GLFW_KEY_BACKSPACE, GLCTX_KEY_BACKSPACE},
        {GLFW_KEY_DELETE, GLCTX_KEY_DELETE},       {GLFW_KEY_LEFT, GLCTX_KEY_LEFT},
        {GLFW_KEY_RIGHT, GLCTX_KEY_RIGHT},         {GLFW_KEY_UP, GLCTX_KEY_UP},
        {GLFW_KEY_DOWN, GLCTX_KEY_DOWN},           {GLFW_KEY_PAGE_UP, GLCTX_KEY_PAGE_UP},
        {GLFW_KEY_PAGE_DOWN, GLCTX_KEY_PAGE_DOWN}, {GLFW_KEY_HOME, GLCTX_KEY_HOME},
        {GLFW_KEY_END, GLCTX_KEY_END},             {GLFW_KEY_KP_ADD, GLCTX_KEY_KP_ADD},
        {GLFW_KEY_KP_SUBTRACT, GLCTX_KEY_KP_SUBTRACT},
        {GLFW_KEY_KP_ENTER, GLCTX_KEY_KP_ENTER},
    };
    if (k >= GLFW_KEY_SPACE && k <= GLFW_KEY_GRAVE_ACCENT)
        return k;
    if (k >= GLFW_KEY_F1 && k <= GLFW_KEY_F12)
        return GLCTX_KEY_F1 + (k - GLFW_KEY_F1);
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (named[i].glfw == k)
            return named[i].key;
    return GLCTX_KEY_UNKNOWN;
}

static void on_key(GLFWwindow *win, int key, int scancode, int action, int mods)
{
    struct glctx_event *e = push_event(win, GLCTX_KEY);
    if (!e)
        return;
    e->key = key_of(key);
    e->press = action != GLFW_RELEASE;
    e->repeat = action == GLFW_REPEAT;
    e->mods = mods_of(mods);
}

static void on_char(GLFWwindow *win, unsigned codepoint)
{
    struct glctx_event *e = push_event(win, GLCTX_TEXT);
    if (e)
        e->codepoint = codepoint;
}

/* The pointer in framebuffer pixels (the window's units may differ on a
 * hi-DPI screen). */
static void pointer(GLFWwindow *win, double *x, double *y)
{
    int ww, wh, fw, fh;
    glfwGetCursorPos(win, x, y);
    glfwGetWindowSize(win, &ww, &wh);
    glfwGetFramebufferSize(win, &fw, &fh);
    if (ww > 0 && wh > 0) {
        *x *= (double)fw / ww;
        *y *= (double)fh / wh;
    }
}

static void on_button(GLFWwindow *win, int button, int action, int mods)
{
    struct glctx_event *e = push_event(win, GLCTX_BUTTON);
    if (!e)
        return;
    e->button = button == GLFW_MOUSE_BUTTON_RIGHT    ? GLCTX_BUTTON_RIGHT
                : button == GLFW_MOUSE_BUTTON_MIDDLE ? GLCTX_BUTTON_MIDDLE
                                                     : GLCTX_BUTTON_LEFT;
    e->press = action == GLFW_PRESS;
    e->mods = mods_of(mods);
    pointer(win, &e->x, &e->y);
}

static void on_motion(GLFWwindow *win, double x, double y)
{
    struct glctx_event *e = push_event(win, GLCTX_MOTION);
    if (e)
        pointer(win, &e->x, &e->y);
}

static void on_scroll(GLFWwindow *win, double dx, double dy)
{
    struct glctx_event *e = push_event(win, GLCTX_SCROLL);
    if (!e)
        return;
    e->x = dx;
    e->y = dy;
}

static void on_glfw_error(int code, const char *msg)
{
    (void)code;
    (void)msg; /* reported through glfwGetError where it matters */
}

static bool create_window(struct glctx *c, const char *title, char *err, size_t errlen)
{
    glfwSetErrorCallback(on_glfw_error);
    if (!glfwInit()) {
        const char *why = NULL;
        glfwGetError(&why);
        snprintf(err, errlen, "cannot open a window: %s", why ? why : "no display");
        return false;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    c->win = glfwCreateWindow(c->w, c->h, title ? title : "flowswarm", NULL, NULL);
    if (!c->win) {
        const char *why = NULL;
        glfwGetError(&why);
        snprintf(err, errlen, "cannot open a window: %s", why ? why : "unknown error");
        return false;
    }
    glfwSetWindowUserPointer(c->win, c);
    glfwSetKeyCallback(c->win, on_key);
    glfwSetCharCallback(c->win, on_char);
    glfwSetMouseButtonCallback(c->win, on_button);
    glfwSetCursorPosCallback(c->win, on_motion);
    glfwSetScrollCallback(c->win, on_scroll);
    glfwMakeContextCurrent(c->win);
    glfwSwapInterval(1);
    if (!gladLoadGL((GLADloadfunc)glfwGetProcAddress)) {
        snprintf(err, errlen, "the OpenGL 3.3 functions could not be loaded");
        return false;
    }
    return true;
}

struct glctx *glctx_create(const struct glctx_opts *opts, char *err, size_t errlen)
{
    struct glctx *c = xcalloc(1, sizeof(*c));
    c->headless = opts->headless;
    c->w = opts->width;
    c->h = opts->height;
    c->dpy = EGL_NO_DISPLAY;
    c->ctx = EGL_NO_CONTEXT;
    bool ok = c->headless ? create_headless(c, err, errlen)
                          : create_window(c, opts->title, err, errlen);
    if (!ok) {
        glctx_destroy(c);
        return NULL;
    }
    return c;
}

void glctx_destroy(struct glctx *c)
{
    if (!c)
        return;
    if (c->headless) {
        if (c->fbo) {
            glDeleteFramebuffers(1, &c->fbo);
            glDeleteRenderbuffers(1, &c->color);
        }
        if (c->dpy != EGL_NO_DISPLAY) {
            eglMakeCurrent(c->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
            if (c->ctx != EGL_NO_CONTEXT)
                eglDestroyContext(c->dpy, c->ctx);
            eglTerminate(c->dpy);
        }
        eglReleaseThread();
    } else {
        if (c->win)
            glfwDestroyWindow(c->win);
        glfwTerminate();
    }
    free(c);
}

void glctx_begin_frame(struct glctx *c, int *w, int *h)
{
    if (c->headless) {
        glBindFramebuffer(GL_FRAMEBUFFER, c->fbo);
        *w = c->w;
        *h = c->h;
    } else {
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        glfwGetFramebufferSize(c->win, w, h);
    }
    glViewport(0, 0, *w, *h);
}

size_t glctx_end_frame(struct glctx *c, struct glctx_event *out, size_t max)
{
    if (c->headless)
        return 0;
    glfwSwapBuffers(c->win);
    glfwPollEvents();
    if (glfwWindowShouldClose(c->win)) { /* said once, even past a full queue */
        glfwSetWindowShouldClose(c->win, GLFW_FALSE);
        if (c->npending == GLCTX_EVENTS_MAX)
            c->npending--;
        c->pending[c->npending++] = (struct glctx_event){.type = GLCTX_CLOSE};
    }
    size_t n = c->npending < max ? c->npending : max;
    memcpy(out, c->pending, n * sizeof(*out));
    c->npending = 0;
    return n;
}

bool glctx_display_available(void)
{
    const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
    return (x && *x) || (wl && *wl);
}

void glctx_describe(const struct glctx *c, char *buf, size_t len)
{
    const char *r = (const char *)glGetString(GL_RENDERER);
    snprintf(buf, len, "%s, %s", r ? r : "unknown renderer",
             c->platform ? c->platform : "window");
}
