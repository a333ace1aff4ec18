/* Pixel-pack buffer ring for readback (the pattern of OBS's stage
 * surfaces): the map of an old buffer overlaps the drawing of new frames.
 * Buffers go round: free, read into, mapped and held, released. */
#include "renderer/readback.h"

#include <glad/gl.h>

#include "base/xalloc.h"

enum { MAX_BUFFERS = 16 };

enum state { FREE, READING, HELD };

struct readback {
    int w, h, n;
    GLuint pbo[MAX_BUFFERS];
    enum state state[MAX_BUFFERS];
    unsigned next;   /* buffer of the next read */
    unsigned oldest; /* oldest buffer being read into */
    unsigned reading, depth;
};

struct readback *readback_create(int w, int h, int depth, int held)
{
    struct readback *r = xcalloc(1, sizeof(*r));
    r->w = w;
    r->h = h;
    r->depth = depth <= 0 ? 2 : (unsigned)depth;
    if (held <= 0)
        held = 1;
    r->n = (int)r->depth + held;
    if (r->n > MAX_BUFFERS) {
        r->n = MAX_BUFFERS;
        r->depth = r->depth < MAX_BUFFERS / 2 ? r->depth : MAX_BUFFERS / 2;
    }
    glGenBuffers(r->n, r->pbo);
    for (int i = 0; i < r->n; i++) {
        glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[i]);
        glBufferData(GL_PIXEL_PACK_BUFFER, (GLsizeiptr)w * h * 4, NULL, GL_STREAM_READ);
    }
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    return r;
}

void readback_release(struct readback *r, unsigned tag)
{
    if (tag >= (unsigned)r->n || r->state[tag] != HELD)
        return;
    glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[tag]);
    glUnmapBuffer(GL_PIXEL_PACK_BUFFER);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    r->state[tag] = FREE;
}

void readback_destroy(struct readback *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++)
        readback_release(r, (unsigned)i);
    glDeleteBuffers(r->n, r->pbo);
    free(r);
}

bool readback_blocked(const struct readback *r)
{
    return r->state[r->next] != FREE;
}

/* Maps the oldest read. */
static const uint8_t *map_oldest(struct readback *r, unsigned *tag)
{
    unsigned i = r->oldest;
    r->oldest = (r->oldest + 1) % (unsigned)r->n;
    r->reading--;
    glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[i]);
    const uint8_t *p = glMapBufferRange(GL_PIXEL_PACK_BUFFER, 0, (GLsizeiptr)r->w * r->h * 4,
                                        GL_MAP_READ_BIT);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    r->state[i] = p ? HELD : FREE;
    *tag = i;
    return p;
}

const uint8_t *readback_push(struct readback *r, unsigned *tag)
{
    if (readback_blocked(r))
        return NULL; /* the caller should have released a frame */
    unsigned i = r->next;
    if (r->reading == 0)
        r->oldest = i;
    glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[i]);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glReadPixels(0, 0, r->w, r->h, GL_RGBA, GL_UNSIGNED_BYTE, 0);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    r->state[i] = READING;
    r->next = (r->next + 1) % (unsigned)r->n;
    r->reading++;
    if (r->reading <= r->depth)
        return NULL;
    return map_oldest(r, tag);
}

const uint8_t *readback_drain(struct readback *r, unsigned *tag)
{
    if (r->reading == 0)
        return NULL;
    return map_oldest(r, tag);
}

void readback_now(int w, int h, uint8_t *rgba)
{
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}
