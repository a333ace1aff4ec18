/* Pixel-pack buffer ring for readback (the pattern of OBS's stage
 * surfaces): the map of an old buffer overlaps the drawing of new frames. */
#include "renderer/readback.h"

#include <glad/gl.h>
#include <stdbool.h>

#include "ingest/xalloc.h"

enum { MAX_DEPTH = 8 };

struct readback {
    int w, h, depth;
    GLuint pbo[MAX_DEPTH];
    unsigned queued; /* reads issued and not yet mapped */
    unsigned next;   /* slot of the next read */
    bool mapped;     /* a buffer is mapped and must be unmapped */
    GLuint mapped_pbo;
};

struct readback *readback_create(int w, int h, int depth)
{
    struct readback *r = xcalloc(1, sizeof(*r));
    r->w = w;
    r->h = h;
    r->depth = depth <= 0 ? 3 : depth > MAX_DEPTH ? MAX_DEPTH : depth;
    glGenBuffers(r->depth, r->pbo);
    for (int i = 0; i < r->depth; i++) {
        glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[i]);
        glBufferData(GL_PIXEL_PACK_BUFFER, (GLsizeiptr)w * h * 4, NULL, GL_STREAM_READ);
    }
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    return r;
}

static void unmap(struct readback *r)
{
    if (!r->mapped)
        return;
    glBindBuffer(GL_PIXEL_PACK_BUFFER, r->mapped_pbo);
    glUnmapBuffer(GL_PIXEL_PACK_BUFFER);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    r->mapped = false;
}

void readback_destroy(struct readback *r)
{
    if (!r)
        return;
    unmap(r);
    glDeleteBuffers(r->depth, r->pbo);
    free(r);
}

/* Maps the oldest queued read. */
static const uint8_t *map_oldest(struct readback *r)
{
    unsigned slot = (r->next + (unsigned)r->depth - r->queued) % (unsigned)r->depth;
    r->queued--;
    glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[slot]);
    const uint8_t *p = glMapBufferRange(GL_PIXEL_PACK_BUFFER, 0, (GLsizeiptr)r->w * r->h * 4,
                                        GL_MAP_READ_BIT);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    r->mapped = p != NULL;
    r->mapped_pbo = r->pbo[slot];
    return p;
}

const uint8_t *readback_push(struct readback *r)
{
    unmap(r);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[r->next]);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glReadPixels(0, 0, r->w, r->h, GL_RGBA, GL_UNSIGNED_BYTE, 0);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    r->next = (r->next + 1) % (unsigned)r->depth;
    r->queued++;
    if (r->queued < (unsigned)r->depth)
        return NULL;
    return map_oldest(r);
}

void readback_now(int w, int h, uint8_t *rgba)
{
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}

const uint8_t *readback_drain(struct readback *r)
{
    unmap(r);
    if (r->queued == 0)
        return NULL;
    return map_oldest(r);
}
