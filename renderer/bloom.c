/* Bloom passes; see bloom.h. The targets follow the frame's size. */
#include "renderer/bloom.h"

#include <glad/gl.h>
#include <math.h>
#include <string.h>

#include "base/xalloc.h"
#include "renderer/shader.h"

extern const unsigned char res_screen_vert[], res_bloom_frag[];

enum { TILE = 32 };

/* Beyond a splat's edge, in full-size pixels: the filtering's reach. */
#define REACH (1.5f * BLOOM_DOWN)

struct bloom {
    GLuint add_prog, vao, vbo;
    GLint u_gain;
    GLuint fbo, tex;
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
    b->add_prog = shader_program("bloom", vert, (const char *)res_bloom_frag, err, errlen);
    if (!b->add_prog) {
        bloom_destroy(b);
        return NULL;
    }
    b->u_gain = glGetUniformLocation(b->add_prog, "u_gain");
    glGenVertexArrays(1, &b->vao);
    glBindVertexArray(b->vao);
    glGenBuffers(1, &b->vbo);
    glBindBuffer(GL_ARRAY_BUFFER, b->vbo);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), (void *)0);
    glBindVertexArray(0);
    glGenFramebuffers(1, &b->fbo);
    glGenTextures(1, &b->tex);
    return b;
}

void bloom_destroy(struct bloom *b)
{
    if (!b)
        return;
    if (b->add_prog)
        glDeleteProgram(b->add_prog);
    if (b->vao) {
        glDeleteBuffers(1, &b->vbo);
        glDeleteVertexArrays(1, &b->vao);
        glDeleteFramebuffers(1, &b->fbo);
        glDeleteTextures(1, &b->tex);
    }
    free(b->tiles);
    free(b->quads);
    free(b);
}

static void make_targets(struct bloom *b, int w, int h)
{
    b->sw = (w + BLOOM_DOWN - 1) / BLOOM_DOWN;
    b->sh = (h + BLOOM_DOWN - 1) / BLOOM_DOWN;
    shader_target(b->fbo, b->tex, b->sw, b->sh, GL_LINEAR);
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
    glBindFramebuffer(GL_FRAMEBUFFER, b->fbo);
    glViewport(0, 0, b->sw, b->sh);
    glClearColor(0, 0, 0, 0);
    glClear(GL_COLOR_BUFFER_BIT);
}

void bloom_mark(struct bloom *b, float x, float y, float r)
{
    r += REACH;
    float y0 = fmaxf(0, (y - r) / TILE), y1 = fminf((float)b->ty - 1, (y + r) / TILE);
    if (!(y0 <= y1)) /* off the frame (or NaN) */
        return;
    /* the tiles the disc reaches, row by row: its width at the row's
     * point nearest the centre */
    for (int ty = (int)y0; ty <= (int)y1; ty++) {
        float top = (float)(ty * TILE), bottom = top + TILE;
        float dy = y < top ? top - y : y > bottom ? y - bottom : 0;
        float half = sqrtf(fmaxf(0, r * r - dy * dy));
        float x0 = fmaxf(0, (x - half) / TILE), x1 = fminf((float)b->tx - 1, (x + half) / TILE);
        if (x0 <= x1)
            memset(b->tiles + (size_t)ty * b->tx + (int)x0, 1,
                   (size_t)((int)x1 - (int)x0 + 1));
    }
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

/* One quad per run of marked tiles in a row, in device coordinates (y
 * up: tile row 0 is the top of the frame). */
static size_t build_quads(struct bloom *b)
{
    size_t n = 0;
    float *q;
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

void bloom_end(struct bloom *b)
{
    glBindFramebuffer(GL_FRAMEBUFFER, (GLuint)b->target);
    glViewport(0, 0, b->w, b->h);
}

void bloom_add(struct bloom *b, float gain)
{
    size_t n = build_quads(b);
    if (n > 0) {
        glBindVertexArray(b->vao);
        glBindBuffer(GL_ARRAY_BUFFER, b->vbo);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(n * sizeof(float)), b->quads,
                     GL_STREAM_DRAW);
        glEnable(GL_BLEND);
        glBlendFunc(GL_ONE, GL_ONE);
        glUseProgram(b->add_prog);
        glUniform1f(b->u_gain, gain);
        glActiveTexture(GL_TEXTURE0);
        glBindTexture(GL_TEXTURE_2D, b->tex);
        glDrawArrays(GL_TRIANGLES, 0, (GLsizei)(n / 2));
        glBindVertexArray(0);
    }
}
