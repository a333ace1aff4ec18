/* RGBA to 4:2:0 YUV; see yuv.h. Integer arithmetic with 14-bit
 * coefficients, rounded once: Y matches libswscale's BT.709 output to
 * within 1, and so does chroma on smooth pictures (on noise the two
 * differ by their chroma filters, not their matrices). */
#include "output/yuv.h"

#include <stddef.h>

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

enum { FIX = 14 };

/* coefficient x scaled to fixed point */
#define K(x) ((int32_t)((x) * (1 << FIX) + ((x) < 0 ? -0.5 : 0.5)))

/* BT.709: Y' = 0.2126 R' + 0.7152 G' + 0.0722 B', Cb = (B' - Y') / 1.8556,
 * Cr = (R' - Y') / 1.5748; limited range scales Y' by 219/255 and chroma
 * by 224/255 around 16 and 128. */
#define YR K(0.2126 * 219 / 255)
#define YG K(0.7152 * 219 / 255)
#define YB K(0.0722 * 219 / 255)
#define UR K(-0.2126 / 1.8556 * 224 / 255)
#define UG K(-0.7152 / 1.8556 * 224 / 255)
#define UB K(0.5 * 224 / 255)
#define VR K(0.5 * 224 / 255)
#define VG K(-0.7152 / 1.5748 * 224 / 255)
#define VB K(-0.0722 / 1.5748 * 224 / 255)

/* Pixels are read as words: bytes R, G, B, A in memory. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
enum { SHIFT_R = 24, SHIFT_G = 16, SHIFT_B = 8 };
#else
enum { SHIFT_R = 0, SHIFT_G = 8, SHIFT_B = 16 };
#endif
#define RED(p) ((int32_t)(((p) >> SHIFT_R) & 0xff))
#define GREEN(p) ((int32_t)(((p) >> SHIFT_G) & 0xff))
#define BLUE(p) ((int32_t)(((p) >> SHIFT_B) & 0xff))

VECTOR_CLONES
static void luma_row(const uint32_t *restrict px, uint8_t *restrict y, int w)
{
    for (int x = 0; x < w; x++) {
        uint32_t p = px[x];
        y[x] = (uint8_t)((RED(p) * YR + GREEN(p) * YG + BLUE(p) * YB + (16 << FIX) +
                          (1 << (FIX - 1))) >> FIX);
    }
}

/* One row of chroma from two rows of pixels: sums of four, so two more
 * bits to shift off. step: 2 writes Cb and Cr interleaved (u and v one
 * byte apart), 1 writes two planes. */
static inline void chroma_row(const uint32_t *restrict a, const uint32_t *restrict b,
                              uint8_t *restrict u, uint8_t *restrict v, int cw, int step)
{
    const int32_t bias = (128 << (FIX + 2)) + (1 << (FIX + 1));
    for (int x = 0; x < cw; x++) {
        uint32_t p0 = a[2 * x], p1 = a[2 * x + 1], p2 = b[2 * x], p3 = b[2 * x + 1];
        int32_t r = RED(p0) + RED(p1) + RED(p2) + RED(p3);
        int32_t g = GREEN(p0) + GREEN(p1) + GREEN(p2) + GREEN(p3);
        int32_t bl = BLUE(p0) + BLUE(p1) + BLUE(p2) + BLUE(p3);
        u[step * x] = (uint8_t)((r * UR + g * UG + bl * UB + bias) >> (FIX + 2));
        v[step * x] = (uint8_t)((r * VR + g * VG + bl * VB + bias) >> (FIX + 2));
    }
}

VECTOR_CLONES
static void chroma_interleaved(const uint32_t *restrict a, const uint32_t *restrict b,
                               uint8_t *restrict uv, int cw)
{
    chroma_row(a, b, uv, uv + 1, cw, 2);
}

VECTOR_CLONES
static void chroma_planar(const uint32_t *restrict a, const uint32_t *restrict b,
                          uint8_t *restrict u, uint8_t *restrict v, int cw)
{
    chroma_row(a, b, u, v, cw, 1);
}

void yuv_from_rgba(const uint8_t *rgba, int w, int h, uint8_t *const data[3],
                   const int linesize[3], bool nv12)
{
    size_t pitch = (size_t)w * 4;
    for (int row = 0; row + 1 < h; row += 2) {
        /* rows come bottom-up: picture row r is at h - 1 - r */
        const uint32_t *a = (const void *)(rgba + (size_t)(h - 1 - row) * pitch);
        const uint32_t *b = (const void *)(rgba + (size_t)(h - 2 - row) * pitch);
        luma_row(a, data[0] + (size_t)row * linesize[0], w);
        luma_row(b, data[0] + (size_t)(row + 1) * linesize[0], w);
        int c = row / 2;
        if (nv12)
            chroma_interleaved(a, b, data[1] + (size_t)c * linesize[1], w / 2);
        else
            chroma_planar(a, b, data[1] + (size_t)c * linesize[1],
                          data[2] + (size_t)c * linesize[2], w / 2);
    }
}
