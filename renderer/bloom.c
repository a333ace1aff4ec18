/* Bloom passes; see bloom.h. The targets follow the frame's size. */
#include "renderer/bloom.h"

#include <glad/gl.h>
#include <math.h>
#include <string.h>

#include "ingest/xalloc.h"
#include "renderer/shader.h"

extern const unsigned char res_screen_vert[], res_blur_frag[], res_bloom_frag[];

enum { A, B, TARGETS, TILE = 32 };

/* The blur's reach in full-size pixels: 2 passes of taps 3.23 texels out,
 * BLOOM_DOWN pixels a texel, and a little more for the filtering. */
#define REACH (2.0f * 3.3f * BLOOM_DOWN + 4.0f)
#define THRESHOLD 0.20f /* colour below which nothing blooms */

struct bloom {
    GLuint blur_prog, add_prog, vao, vbo;
    GLint u_step, u_threshold, u_gain;
    GLuint fbo[TARGETS], tex[TARGETS];
    int w, h, sw, sh;  /* frame and small frame sizes */
    GLint target;      /* the frame's framebuffer */
    unsigned char *tiles; /* marked tiles, tx by ty */
    int tx, ty;
    float *quads;      /* x, y pairs: the full quad, then the marked runs */
    size_t cap_quads;
};

struct bloom *bloom_create(char *err, size_t errlen)
{
    struct bloom *b = xcalloc(1, sizeof(*b));
    const char *vert = (const char *)res_screen_vert;
    b->blur_prog = shader_program("blur", vert, (const char *)res_blur_frag, err, errlen);
    b->add_prog = b->blur_prog ? shader_program("bloom", vert, (const char *)res_bloom_frag,
                                                err, errlen)
                               : 0;
    if (!b->add_prog) {
        bloom_destroy(b);
        return NULL;
    }
    b->u_step = glGetUniformLocation(b->blur_prog, "u_step");
    b->u_threshold = glGetUniformLocation(b->blur_prog, "u_threshold");
    b->u_gain = glGetUniformLocation(b->add_prog, "u_gain");
    glGenVertexArrays(1, &b->vao);
    glBindVertexArray(b->vao);
    glGenBuffers(1, &b->vbo);
    glBindBuffer(GL_ARRAY_BUFFER, b->vbo);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), (void *)0);
    glBindVertexArray(0);
    glGenFramebuffers(TARGETS, b->fbo);
    glGenTextures(TARGETS, b->tex);
    return b;
}

void bloom_destroy(struct bloom *b)
{
    if (!b)
        return;
    if (b->blur_prog)
        glDeleteProgram(b->blur_prog);
    if (b->add_prog)
        glDeleteProgram(b->add_prog);
    if (b->vao) {
        glDeleteBuffers(1, &b->vbo);
        glDeleteVertexArrays(1, &b->vao);
        glDeleteFramebuffers(TARGETS, b->fbo);
        glDeleteTextures(TARGETS, b->tex);
    }
    free(b->tiles);
    free(b->quads);
    free(b);
}

static void make_targets(struct bloom *b, int w, int h)
{
    b->sw = (w + BLOOM_DOWN - 1) / BLOOM_DOWN;
    b->sh = (h + BLOOM_DOWN - 1) / BLOOM_DOWN;
    for (int i = 0; i < TARGETS; i++) {
        glBindTexture(GL_TEXTURE_2D, b->tex[i]);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, b->sw, b->sh, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                     NULL);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glBindFramebuffer(GL_FRAMEBUFFER, b->fbo[i]);
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, b->tex[i],
                               0);
    }
    b->tx = (w + TILE - 1) / TILE;
    b->ty = (h + TILE - 1) / TILE;
    b->tiles = xreallocarray(b->tiles, (size_t)b->tx * b->ty, 1);
    b->w = w;
    b->h = h;
}

void bloom_begin(struct bloom *b, int w, int h)
{
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &b->target);
    if (b->w != w || b->h != h)
        make_targets(b, w, h);
    memset(b->tiles, 0, (size_t)b->tx * b->ty);
    glBindFramebuffer(GL_FRAMEBUFFER, b->fbo[A]);
    glViewport(0, 0, b->sw, b->sh);
    glClearColor(0, 0, 0, 0);
    glClear(GL_COLOR_BUFFER_BIT);
}

void bloom_mark(struct bloom *b, float x, float y, float r)
{
    r += REACH;
    float x0 = fmaxf(0, (x - r) / TILE), x1 = fminf((float)b->tx - 1, (x + r) / TILE);
    float y0 = fmaxf(0, (y - r) / TILE), y1 = fminf((float)b->ty - 1, (y + r) / TILE);
    if (!(x0 <= x1 && y0 <= y1)) /* off the frame (or NaN) */
        return;
    for (int ty = (int)y0; ty <= (int)y1; ty++)
        memset(b->tiles + (size_t)ty * b->tx + (int)x0, 1, (size_t)((int)x1 - (int)x0 + 1));
}

static float *grow_quads(struct bloom *b, size_t n)
{
    if (n > b->cap_quads) {
        b->cap_quads = n + n / 2;
        b->quads = xreallocarray(b->quads, b->cap_quads, sizeof(*b->quads));
    }
    return b->quads;
}

static void put_quad(float *q, float x0, float y0, float x1, float y1)
{
    const float v[12] = {x0, y0, x1, y0, x1, y1, x0, y0, x1, y1, x0, y1};
    memcpy(q, v, sizeof(v));
}

/* The full quad, then one quad per run of marked tiles in a row, in
 * device coordinates (y up: tile row 0 is the top of the frame). */
static size_t build_quads(struct bloom *b)
{
    size_t n = 12;
    float *q = grow_quads(b, n);
    put_quad(q, -1, -1, 1, 1);
    for (int ty = 0; ty < b->ty; ty++) {
        const unsigned char *row = b->tiles + (size_t)ty * b->tx;
        for (int tx = 0; tx < b->tx;) {
            if (!row[tx]) {
                tx++;
                continue;
            }
            int end = tx;
            while (end < b->tx && row[end])
                end++;
            q = grow_quads(b, n + 12);
            float x0 = (float)(tx * TILE) / (float)b->w * 2 - 1;
            float x1 = fminf(1, (float)(end * TILE) / (float)b->w * 2 - 1);
            float y1 = 1 - (float)(ty * TILE) / (float)b->h * 2;
            float y0 = fmaxf(-1, 1 - (float)((ty + 1) * TILE) / (float)b->h * 2);
            put_quad(q + n, x0, y0, x1, y1);
            n += 12;
            tx = end;
        }
    }
    return n;
}

static void blur_pass(struct bloom *b, int from, int to, float sx, float sy, float threshold)
{
    glBindFramebuffer(GL_FRAMEBUFFER, b->fbo[to]);
    glBindTexture(GL_TEXTURE_2D, b->tex[from]);
    glUniform2f(b->u_step, sx, sy);
    glUniform1f(b->u_threshold, threshold);
    glDrawArrays(GL_TRIANGLES, 0, 6);
}

void bloom_end(struct bloom *b, float gain)
{
    size_t n = build_quads(b);
    glBindVertexArray(b->vao);
    glBindBuffer(GL_ARRAY_BUFFER, b->vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(n * sizeof(float)), b->quads, GL_STREAM_DRAW);
    glDisable(GL_BLEND);
    glUseProgram(b->blur_prog);
    glActiveTexture(GL_TEXTURE0);
    blur_pass(b, A, B, 1.0f / (float)b->sw, 0, THRESHOLD);
    blur_pass(b, B, A, 0, 1.0f / (float)b->sh, 0);

    glBindFramebuffer(GL_FRAMEBUFFER, (GLuint)b->target);
    glViewport(0, 0, b->w, b->h);
    if (n > 12) {
        glEnable(GL_BLEND);
        glBlendFunc(GL_ONE, GL_ONE);
        glUseProgram(b->add_prog);
        glUniform1f(b->u_gain, gain);
        glBindTexture(GL_TEXTURE_2D, b->tex[A]);
        glDrawArrays(GL_TRIANGLES, 6, (GLsizei)(n / 2 - 6));
    }
    glBindVertexArray(0);
}
