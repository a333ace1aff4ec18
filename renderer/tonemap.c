/* Tone mapping; see tonemap.h. The floating-point frame follows the
 * frame's size. */
#include "renderer/tonemap.h"

#include <glad/gl.h>
#include <math.h>
#include <stdlib.h>

#include "base/xalloc.h"
#include "renderer/shader.h"

extern const unsigned char res_screen_vert[], res_tonemap_frag[];

struct tonemap {
    GLuint prog, vao, vbo, fbo, tex;
    GLint u_exposure;
    int w, h;
    GLint target; /* the frame's framebuffer */
};

struct tonemap *tonemap_create(char *err, size_t errlen)
{
    struct tonemap *t = xcalloc(1, sizeof(*t));
    t->prog = shader_program("tonemap", (const char *)res_screen_vert,
                             (const char *)res_tonemap_frag, err, errlen);
    if (!t->prog) {
        tonemap_destroy(t);
        return NULL;
    }
    t->u_exposure = glGetUniformLocation(t->prog, "u_exposure");
    glGenVertexArrays(1, &t->vao);
    glBindVertexArray(t->vao);
    glGenBuffers(1, &t->vbo);
    glBindBuffer(GL_ARRAY_BUFFER, t->vbo);
    static const float quad[8] = {-1, -1, 1, -1, -1, 1, 1, 1};
    glBufferData(GL_ARRAY_BUFFER, sizeof(quad), quad, GL_STATIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), (void *)0);
    glBindVertexArray(0);
    glGenFramebuffers(1, &t->fbo);
    glGenTextures(1, &t->tex);
    return t;
}

void tonemap_destroy(struct tonemap *t)
{
    if (!t)
        return;
    if (t->prog)
        glDeleteProgram(t->prog);
    if (t->vao) {
        glDeleteBuffers(1, &t->vbo);
        glDeleteVertexArrays(1, &t->vao);
        glDeleteFramebuffers(1, &t->fbo);
        glDeleteTextures(1, &t->tex);
    }
    free(t);
}

/* RGBA8, the world drawn at TONEMAP_SCALE: on a CPU rasteriser 8-bit
 * blending is the cheapest there is, and measured with bench_frame at
 * 10,000 hosts it cost about 4 ms less CPU a frame than RGBA16F and 3 ms
 * less than RGB10_A2 (whose blending the rasteriser does in floats too).
 * A quarter's scale gives four times the headroom, enough for a crowd
 * of 100,000 hosts (test_frame), for two bits of the faintest glow. */
static void make_target(struct tonemap *t, int w, int h)
{
    shader_target(t->fbo, t->tex, w, h, GL_NEAREST);
    t->w = w;
    t->h = h;
}

void tonemap_begin(struct tonemap *t, int w, int h)
{
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &t->target);
    if (t->w != w || t->h != h)
        make_target(t, w, h);
    glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
    glViewport(0, 0, w, h);
}

void tonemap_end(struct tonemap *t, float exposure, const float box[4], const float rgb[3])
{
    glBindFramebuffer(GL_FRAMEBUFFER, (GLuint)t->target);
    glViewport(0, 0, t->w, t->h);
    glClearColor(rgb[0], rgb[1], rgb[2], 1);
    glClear(GL_COLOR_BUFFER_BIT);
    /* the box within the frame (an empty box, or NaN, maps nothing), in
     * GL's pixels from the bottom left */
    float fw = (float)t->w, fh = (float)t->h;
    if (!(box[0] < fw && box[2] >= 0 && box[1] < fh && box[3] >= 0 && box[0] <= box[2] &&
          box[1] <= box[3]))
        return;
    int x0 = (int)fmaxf(box[0], 0), x1 = (int)fminf(box[2] + 1, fw);
    int y0 = t->h - (int)fminf(box[3] + 1, fh), y1 = t->h - (int)fmaxf(box[1], 0);
    if (x1 <= x0 || y1 <= y0)
        return;
    glEnable(GL_SCISSOR_TEST);
    glScissor(x0, y0, x1 - x0, y1 - y0);
    glDisable(GL_BLEND);
    glUseProgram(t->prog);
    glUniform1f(t->u_exposure, exposure);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, t->tex);
    glBindVertexArray(t->vao);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
    glDisable(GL_SCISSOR_TEST);
}
