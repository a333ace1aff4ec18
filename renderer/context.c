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

#include "ingest/xalloc.h"

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
    struct glctx_input pending; /* guarded by being on the main thread */
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

static void on_key(GLFWwindow *win, int key, int scancode, int action, int mods)
{
    struct glctx *c = glfwGetWindowUserPointer(win);
    if (action != GLFW_PRESS && action != GLFW_REPEAT)
        return;
    switch (key) {
    case GLFW_KEY_ESCAPE: case GLFW_KEY_Q:
        c->pending.quit = true;
        break;
    case GLFW_KEY_SPACE:
        c->pending.pause_toggle = !c->pending.pause_toggle;
        break;
    case GLFW_KEY_EQUAL: case GLFW_KEY_KP_ADD: case GLFW_KEY_RIGHT_BRACKET:
        c->pending.speed_steps++;
        break;
    case GLFW_KEY_MINUS: case GLFW_KEY_KP_SUBTRACT: case GLFW_KEY_LEFT_BRACKET:
        c->pending.speed_steps--;
        break;
    case GLFW_KEY_S: case GLFW_KEY_F12:
        c->pending.screenshot = true;
        break;
    default:
        break;
    }
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

void glctx_end_frame(struct glctx *c, struct glctx_input *in)
{
    memset(in, 0, sizeof(*in));
    if (c->headless)
        return;
    glfwSwapBuffers(c->win);
    glfwPollEvents();
    *in = c->pending;
    if (glfwWindowShouldClose(c->win))
        in->quit = true;
    memset(&c->pending, 0, sizeof(c->pending));
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
