/* Glyph atlas and text batches. Glyphs are keyed by (pixel size, code
 * point) and packed on shelves. A full atlas doubles (an 8K frame's HUD
 * needs glyphs six times the size of a 720p one) up to the GL limit;
 * past that it is cleared and refilled from what the next frames draw.
 * Vertices carry atlas texel coordinates, so growing moves nothing. */
#include "renderer/text.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <glad/gl.h>
#include <math.h>
#include <string.h>

#include "base/xalloc.h"
#include "renderer/shader.h"

extern const unsigned char res_text_vert[], res_text_frag[];

enum { ATLAS_MIN = 1024, ATLAS_MAX = 8192, MAX_GLYPHS = 4096, PAD = 1 };

struct glyph {
    unsigned key; /* px << 21 | code point; 0: empty */
    int x, y;     /* top left in the atlas */
    int w, h, left, top;
    float advance;
};

struct vertex {
    float x, y, u, v, r, g, b, a;
};

struct text {
    FT_Library ft;
    FT_Face face;
    int face_px; /* size the face is set to */
    unsigned char *pixels; /* CPU copy of the atlas, size by size */
    int size, max_size;
    bool dirty, resized, full;
    int dirty_y0, dirty_y1; /* rows changed since the last upload */
    int shelf_x, shelf_y, shelf_h;
    struct glyph glyphs[MAX_GLYPHS];
    size_t nglyphs;
    struct vertex *verts;
    size_t nverts, capverts;
    GLuint tex, prog, vao, vbo;
    GLint u_viewport;
};

static void atlas_reset(struct text *t)
{
    memset(t->pixels, 0, (size_t)t->size * t->size);
    memset(t->glyphs, 0, sizeof(t->glyphs));
    t->nglyphs = 0;
    t->shelf_x = t->shelf_y = t->shelf_h = 0;
    t->dirty = true;
    t->dirty_y0 = 0;
    t->dirty_y1 = t->size;
    t->full = false;
}

/* Doubles the atlas, keeping every glyph where it is. */
static bool atlas_grow(struct text *t)
{
    if (t->size * 2 > t->max_size)
        return false;
    int old = t->size, size = old * 2;
    unsigned char *px = xcalloc((size_t)size * size, 1);
    for (int row = 0; row < old; row++)
        memcpy(px + (size_t)row * size, t->pixels + (size_t)row * old, (size_t)old);
    free(t->pixels);
    t->pixels = px;
    t->size = size;
    t->dirty = t->resized = true;
    return true;
}

/* Finds room for a w by h box: on the current shelf, else a new one. */
static bool pack(struct text *t, int w, int h, int *x, int *y)
{
    for (;;) {
        if (t->shelf_x + w + PAD > t->size && t->shelf_x > 0) {
            t->shelf_y += t->shelf_h + PAD;
            t->shelf_x = 0;
            t->shelf_h = 0;
        }
        if (t->shelf_y + h + PAD <= t->size && w + PAD <= t->size)
            break;
        if (!atlas_grow(t)) {
            t->full = true;
            return false;
        }
    }
    *x = t->shelf_x;
    *y = t->shelf_y;
    t->shelf_x += w + PAD;
    if (h > t->shelf_h)
        t->shelf_h = h;
    return true;
}

static const struct glyph *rasterize(struct text *t, int px, unsigned cp, size_t slot)
{
    if (t->face_px != px) {
        FT_Set_Pixel_Sizes(t->face, 0, (FT_UInt)px);
        t->face_px = px;
    }
    FT_UInt gi = FT_Get_Char_Index(t->face, cp);
    if (!gi || FT_Load_Glyph(t->face, gi, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT))
        return NULL;
    FT_GlyphSlot g = t->face->glyph;
    int w = (int)g->bitmap.width, h = (int)g->bitmap.rows, x = 0, y = 0;
    if (w && h && !pack(t, w, h, &x, &y))
        return NULL;
    for (int row = 0; row < h; row++)
        memcpy(t->pixels + (size_t)(y + row) * t->size + x,
               g->bitmap.buffer + (ptrdiff_t)row * g->bitmap.pitch, (size_t)w);
    if (!t->dirty || y < t->dirty_y0)
        t->dirty_y0 = y;
    if (!t->dirty || y + h > t->dirty_y1)
        t->dirty_y1 = y + h;
    t->dirty = true;
    struct glyph *gl = &t->glyphs[slot];
    *gl = (struct glyph){
        .key = (unsigned)px << 21 | cp,
        .x = x, .y = y, .w = w, .h = h, .left = g->bitmap_left, .top = g->bitmap_top,
        .advance = (float)g->advance.x / 64.0f,
    };
    t->nglyphs++;
    return gl;
}

static const struct glyph *glyph(struct text *t, int px, unsigned cp)
{
    if (px < 4)
        px = 4;
    if (px > 1000)
        px = 1000;
    unsigned key = (unsigned)px << 21 | cp;
    size_t i = (key * 2654435761u) % MAX_GLYPHS;
    while (t->glyphs[i].key && t->glyphs[i].key != key)
        i = (i + 1) % MAX_GLYPHS;
    if (t->glyphs[i].key == key)
        return &t->glyphs[i];
    if (t->nglyphs >= MAX_GLYPHS / 2)
        return NULL;
    const struct glyph *g = rasterize(t, px, cp, i);
    if (!g && cp != '?')
        return glyph(t, px, '?');
    return g;
}

/* Next code point of UTF-8 text; malformed bytes read as '?'. */
static unsigned utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    unsigned cp = *p++;
    int more = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
    if (cp >= 0x80 && !more) {
        *s = (const char *)p;
        return '?';
    }
    if (more)
        cp &= 0x3fu >> more;
    for (; more; more--) {
        if ((*p & 0xc0) != 0x80) {
            cp = '?';
            break;
        }
        cp = cp << 6 | (*p++ & 0x3fu);
    }
    *s = (const char *)p;
    return cp > 0x10ffff ? '?' : cp;
}

struct text *text_create(const unsigned char *font, size_t len, char *err, size_t errlen)
{
    struct text *t = xcalloc(1, sizeof(*t));
    if (FT_Init_FreeType(&t->ft)) {
        snprintf(err, errlen, "FreeType failed to start");
        goto fail;
    }
    if (FT_New_Memory_Face(t->ft, font, (FT_Long)len, 0, &t->face)) {
        snprintf(err, errlen, "the bundled font could not be loaded");
        goto fail;
    }
    t->prog = shader_program("text", (const char *)res_text_vert,
                             (const char *)res_text_frag, err, errlen);
    if (!t->prog)
        goto fail;
    t->u_viewport = glGetUniformLocation(t->prog, "u_viewport");
    GLint max_tex = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_tex);
    t->max_size = max_tex < ATLAS_MAX ? (max_tex < ATLAS_MIN ? ATLAS_MIN : max_tex)
                                      : ATLAS_MAX;
    t->size = ATLAS_MIN;
    t->pixels = xmalloc((size_t)t->size * t->size);
    atlas_reset(t);
    t->resized = true;
    glGenTextures(1, &t->tex);
    glBindTexture(GL_TEXTURE_2D, t->tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glGenVertexArrays(1, &t->vao);
    glGenBuffers(1, &t->vbo);
    glBindVertexArray(t->vao);
    glBindBuffer(GL_ARRAY_BUFFER, t->vbo);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(struct vertex), (void *)0);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(struct vertex),
                          (void *)offsetof(struct vertex, u));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, sizeof(struct vertex),
                          (void *)offsetof(struct vertex, r));
    glBindVertexArray(0);
    /* ASCII is on every frame: cache it for the common sizes up front. */
    for (unsigned cp = 32; cp < 127; cp++)
        glyph(t, 14, cp);
    return t;
fail:
    text_destroy(t);
    return NULL;
}

void text_destroy(struct text *t)
{
    if (!t)
        return;
    if (t->prog) {
        glDeleteProgram(t->prog);
        glDeleteTextures(1, &t->tex);
        glDeleteBuffers(1, &t->vbo);
        glDeleteVertexArrays(1, &t->vao);
    }
    if (t->face)
        FT_Done_Face(t->face);
    if (t->ft)
        FT_Done_FreeType(t->ft);
    free(t->pixels);
    free(t->verts);
    free(t);
}

float text_width(struct text *t, int px, const char *str)
{
    float w = 0;
    while (*str) {
        const struct glyph *g = glyph(t, px, utf8_next(&str));
        if (g)
            w += g->advance;
    }
    return w;
}

float text_draw(struct text *t, int px, float x, float y, const char *str,
                const float rgba[4])
{
    float x0 = x;
    while (*str) {
        const struct glyph *g = glyph(t, px, utf8_next(&str));
        if (!g)
            continue;
        if (g->w && g->h) {
            if (t->nverts + 6 > t->capverts) {
                t->capverts = t->capverts ? t->capverts * 2 : 1536;
                t->verts = xreallocarray(t->verts, t->capverts, sizeof(*t->verts));
            }
            float gx = floorf(x) + (float)g->left, gy = floorf(y) - (float)g->top;
            float gx1 = gx + (float)g->w, gy1 = gy + (float)g->h;
            float u0 = (float)g->x, v0 = (float)g->y;
            float u1 = u0 + (float)g->w, v1 = v0 + (float)g->h;
            struct vertex q[4] = {
                {gx, gy, u0, v0, rgba[0], rgba[1], rgba[2], rgba[3]},
                {gx1, gy, u1, v0, rgba[0], rgba[1], rgba[2], rgba[3]},
                {gx1, gy1, u1, v1, rgba[0], rgba[1], rgba[2], rgba[3]},
                {gx, gy1, u0, v1, rgba[0], rgba[1], rgba[2], rgba[3]},
            };
            static const int order[6] = {0, 1, 2, 0, 2, 3};
            for (int k = 0; k < 6; k++)
                t->verts[t->nverts++] = q[order[k]];
        }
        x += g->advance;
    }
    return x - x0;
}

void text_flush(struct text *t, int w, int h)
{
    glBindTexture(GL_TEXTURE_2D, t->tex);
    if (t->dirty) {
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        if (t->resized)
            glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, t->size, t->size, 0, GL_RED,
                         GL_UNSIGNED_BYTE, t->pixels);
        else if (t->dirty_y1 > t->dirty_y0)
            glTexSubImage2D(GL_TEXTURE_2D, 0, 0, t->dirty_y0, t->size,
                            t->dirty_y1 - t->dirty_y0, GL_RED, GL_UNSIGNED_BYTE,
                            t->pixels + (size_t)t->dirty_y0 * t->size);
        t->dirty = t->resized = false;
    }
    if (t->nverts) {
        glUseProgram(t->prog);
        glUniform2f(t->u_viewport, (float)w, (float)h);
        glBindVertexArray(t->vao);
        glBindBuffer(GL_ARRAY_BUFFER, t->vbo);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(t->nverts * sizeof(struct vertex)),
                     t->verts, GL_STREAM_DRAW);
        glDrawArrays(GL_TRIANGLES, 0, (GLsizei)t->nverts);
        glBindVertexArray(0);
    }
    t->nverts = 0;
    /* A full atlas starts over; the next frames refill what they use. */
    if (t->nglyphs >= MAX_GLYPHS / 2 || t->full)
        atlas_reset(t);
}
