/* The frame rate at scale, against a bare floor. The floor draws HOSTS
 * point sprites (soft discs, additive) and reads each frame back, and
 * nothing else: what the GL itself costs for that many dots. flowswarm
 * steps a swarm of HOSTS live hosts over 60 services, EVENTS new events a
 * frame, and draws the whole frame (tone mapping, glow, edges, labels,
 * HUD) and reads it back the way the export does. Both headless, on the
 * same context; frames at 1/60 s of animation. Prints frames/s, their
 * ratio (best of three runs each), the time the swarm's step takes, and
 * the peak resident memory. GROUP is auto (the default: past 2000 hosts
 * the quiet ones are drawn as subnet clouds) or off (every host drawn).
 * usage: bench_frame [HOSTS] [FRAMES] [EVENTS] [WxH] [auto|off] */
#include <glad/gl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "base/xalloc.h"
#include "common.h"
#include "renderer/context.h"
#include "renderer/readback.h"
#include "renderer/render.h"
#include "renderer/shader.h"
#include "swarm/swarm.h"

static const char floor_vert[] =
    "#version 330 core\n"
    "layout(location = 0) in vec2 a_pos;\n"
    "void main() { gl_Position = vec4(a_pos, 0.0, 1.0); gl_PointSize = 5.0; }\n";
static const char floor_frag[] =
    "#version 330 core\n"
    "out vec4 o_color;\n"
    "void main() {\n"
    "    float r = length(gl_PointCoord * 2.0 - 1.0);\n"
    "    float a = max(0.0, 1.0 - r * r) * 0.6;\n"
    "    o_color = vec4(vec3(0.4, 0.7, 1.0) * a, a);\n"
    "}\n";

/* Reads a frame back through the ring and lets it go, as the export does
 * (there the encoder lets it go). */
static void read_frame(struct readback *rb)
{
    unsigned tag;
    if (readback_push(rb, &tag))
        readback_release(rb, tag);
}

static double bare_floor(uint32_t n, int frames, int w, int h)
{
    char err[512];
    GLuint prog = shader_program("floor", floor_vert, floor_frag, err, sizeof(err));
    if (!prog) {
        fprintf(stderr, "bench_frame: %s\n", err);
        exit(1);
    }
    /* the dots fill a disc over most of the frame, as a swarm does */
    float *pos = xcalloc((size_t)n * 2, sizeof(*pos));
    unsigned seed = 11;
    for (uint32_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        float a = (float)(seed >> 8) / 16777216.0f * 6.2831853f;
        seed = seed * 1103515245u + 12345u;
        float r = 0.8f * sqrtf((float)(seed >> 8) / 16777216.0f);
        pos[2 * i] = r * cosf(a) * (float)h / (float)w;
        pos[2 * i + 1] = r * sinf(a);
    }
    GLuint vao, vbo;
    glGenVertexArrays(1, &vao);
    glBindVertexArray(vao);
    glGenBuffers(1, &vbo);
    glBindBuffer(GL_ARRAY_BUFFER, vbo);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, (void *)0);
    glEnable(GL_PROGRAM_POINT_SIZE);
    struct readback *rb = readback_create(w, h, 0, 0);
    double t0 = 0;
    for (int f = -10; f < frames; f++) { /* ten frames to warm up */
        if (f == 0)
            t0 = now();
        /* the points move a little each frame, so they are sent anew, as
         * a swarm's are */
        pos[0] = (float)(f % 7) * 0.01f;
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)((size_t)n * 2 * sizeof(*pos)), pos,
                     GL_STREAM_DRAW);
        glViewport(0, 0, w, h);
        glClearColor(0.015f, 0.02f, 0.045f, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        glEnable(GL_BLEND);
        glBlendFunc(GL_ONE, GL_ONE);
        glUseProgram(prog);
        glDrawArrays(GL_POINTS, 0, (GLsizei)n);
        read_frame(rb);
    }
    glFinish();
    double t = now() - t0;
    readback_destroy(rb);
    glDeleteBuffers(1, &vbo);
    glDeleteVertexArrays(1, &vao);
    glDeleteProgram(prog);
    free(pos);
    return frames / t;
}

/* The services the hosts use: a few busy, most quiet, as on a network. */
static uint16_t pick_port(unsigned *seed)
{
    static const uint16_t known[] = {443, 80, 53, 22, 25, 993, 3306, 123, 445, 3389};
    *seed = *seed * 1103515245u + 12345u;
    unsigned k = (*seed >> 8) % 100;
    return k < 60 ? known[k % 10] : (uint16_t)(7000 + k % 50);
}

static double flowswarm(uint32_t n, int frames, int events, int w, int h, bool group,
                        double *step_ms)
{
    char err[512];
    struct swarm *s = swarm_create(&(struct swarm_opts){
        .max_hosts = n + 16, .idle_s = 1e6f,
        .group = group ? SWARM_GROUP_AUTO : SWARM_GROUP_OFF});
    struct render *r = render_create(NULL, err, sizeof(err));
    if (!r) {
        fprintf(stderr, "bench_frame: %s\n", err);
        exit(1);
    }
    unsigned seed = 7;
    int64_t t = INT64_C(1700000000000000000);
    for (uint32_t i = 0; i < n; i++) {
        struct event e = bench_event(i, pick_port(&seed), 100 + (seed >> 4) % 1400, t);
        swarm_add_event(s, &e);
    }
    struct render_hud hud = {.speed = 1};
    struct readback *rb = readback_create(w, h, 0, 0);
    double t0 = 0, in_step = 0;
    for (int f = -60; f < frames; f++) { /* a second to settle */
        if (f == 0)
            t0 = now();
        double a = now();
        t += INT64_C(1000000000) / 60;
        for (int k = 0; k < events; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t host = (seed >> 4) % n;
            struct event e = bench_event(host, pick_port(&seed), 60 + (seed >> 20) % 1400, t);
            swarm_add_event(s, &e);
        }
        swarm_step(s, t, 1.0f / 60);
        if (f >= 0)
            in_step += now() - a;
        hud.clock_ns = t;
        render_frame(r, s, &hud, w, h, 1.0f / 60);
        read_frame(rb);
    }
    glFinish();
    double total = now() - t0;
    *step_ms = in_step * 1000 / frames;
    readback_destroy(rb);
    render_destroy(r);
    swarm_destroy(s);
    return frames / total;
}

int main(int argc, char **argv)
{
    uint32_t n = argc > 1 ? (uint32_t)atol(argv[1]) : 10000;
    int frames = argc > 2 ? atoi(argv[2]) : 300;
    int events = argc > 3 ? atoi(argv[3]) : 0;
    int w = 1280, h = 720;
    bool group = argc <= 5 || strcmp(argv[5], "off") != 0;
    if ((argc > 4 && sscanf(argv[4], "%dx%d", &w, &h) != 2) || n == 0 || frames <= 0 ||
        events < 0 || (argc > 5 && strcmp(argv[5], "off") && strcmp(argv[5], "auto"))) {
        fprintf(stderr, "usage: bench_frame [HOSTS] [FRAMES] [EVENTS] [WxH] [auto|off]\n");
        return 2;
    }
    char err[512];
    struct glctx *ctx = glctx_create(&(struct glctx_opts){.width = w, .height = h,
                                                          .headless = true},
                                     err, sizeof(err));
    if (!ctx) {
        fprintf(stderr, "bench_frame: %s\n", err);
        return 1;
    }
    int fw, fh;
    glctx_begin_frame(ctx, &fw, &fh);
    printf("%s, %dx%d, %u hosts, %d events a frame, %d frames, subnet clouds %s\n",
           (const char *)glGetString(GL_RENDERER), fw, fh, n, events, frames,
           group ? "on" : "off");
    /* best of three, taken in turns, so that a busy moment of the
     * machine's weighs on neither alone */
    double floor_fps = 0, fps = 0, step_ms = 0;
    for (int pass = 0; pass < 3; pass++) {
        double f = bare_floor(n, frames, fw, fh), ms;
        floor_fps = f > floor_fps ? f : floor_fps;
        f = flowswarm(n, frames, events, fw, fh, group, &ms);
        if (f > fps) {
            fps = f;
            step_ms = ms;
        }
    }
    printf("bare floor (%u point sprites, additive, read back): %.1f frames/s\n", n,
           floor_fps);
    printf("flowswarm (swarm step, whole frame, read back): %.1f frames/s, "
           "%.2f ms a frame in the swarm's step\n", fps, step_ms);
    printf("ratio to the floor: %.2f\n", fps / floor_fps);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak resident memory: %.1f MB\n", ru.ru_maxrss / 1024.0);
    glctx_destroy(ctx);
    return 0;
}
