/* A bounds-checked reader over a byte buffer. Every read past the end
 * returns zero and sets a sticky error flag that the caller checks once per
 * record, so wire layouts are read by offset, never by casting structs. */
#ifndef FLOWSWARM_CURSOR_H
#define FLOWSWARM_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
    const uint8_t *p;
    size_t len; /* bytes in p */
    size_t off; /* next byte to read */
    bool err;   /* a read went past len; sticky */
};

static inline struct cursor cur_make(const uint8_t *p, size_t len)
{
    return (struct cursor){.p = p, .len = len};
}

static inline size_t cur_left(const struct cursor *c)
{
    return c->err ? 0 : c->len - c->off;
}

static inline bool cur_need(struct cursor *c, size_t n)
{
    if (c->err || c->len - c->off < n) {
        c->err = true;
        return false;
    }
    return true;
}

static inline void cur_skip(struct cursor *c, size_t n)
{
    if (cur_need(c, n))
        c->off += n;
}

/* Pointer to the next n bytes and advance, or NULL (error set). */
static inline const uint8_t *cur_bytes(struct cursor *c, size_t n)
{
    if (!cur_need(c, n))
        return NULL;
    const uint8_t *r = c->p + c->off;
    c->off += n;
    return r;
}

static inline uint8_t cur_u8(struct cursor *c)
{
    return cur_need(c, 1) ? c->p[c->off++] : 0;
}

static inline uint16_t cur_u16be(struct cursor *c)
{
    if (!cur_need(c, 2))
        return 0;
    const uint8_t *q = c->p + c->off;
    c->off += 2;
    return (uint16_t)(q[0] << 8 | q[1]);
}

static inline uint16_t cur_u16le(struct cursor *c)
{
    if (!cur_need(c, 2))
        return 0;
    const uint8_t *q = c->p + c->off;
    c->off += 2;
    return (uint16_t)(q[1] << 8 | q[0]);
}

static inline uint32_t cur_u32be(struct cursor *c)
{
    if (!cur_need(c, 4))
        return 0;
    const uint8_t *q = c->p + c->off;
    c->off += 4;
    return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

static inline uint32_t cur_u32le(struct cursor *c)
{
    if (!cur_need(c, 4))
        return 0;
    const uint8_t *q = c->p + c->off;
    c->off += 4;
    return (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
}

/* A cursor over the next n bytes, advancing this one past them. If fewer
 * remain, the sub-cursor covers what is there and this one is exhausted
 * (its error flag is left alone: a short tail is the caller's call). */
static inline struct cursor cur_sub(struct cursor *c, size_t n)
{
    size_t have = cur_left(c);
    if (n > have)
        n = have;
    struct cursor s = cur_make(c->p + c->off, n);
    c->off += n;
    return s;
}

#endif
