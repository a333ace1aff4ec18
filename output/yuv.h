/* Colour conversion for the video: RGBA rows as OpenGL reads them
 * (bottom-up) to 4:2:0 YUV, BT.709 in limited range, each chroma sample
 * the mean of its 2x2 block (centre-sited).
 *
 * libswscale's general RGBA path costs about 2 ms a 720p frame on one
 * core; this one conversion, fixed-point and vectorised by the compiler
 * (AVX2 where the CPU has it), about 0.4 ms, and the encoder's thread
 * spends that on every frame. bench/bench_yuv measures both. */
#ifndef FLOWSWARM_YUV_H
#define FLOWSWARM_YUV_H

#include <stdbool.h>
#include <stdint.h>

/* w and h even. nv12: data[0] the Y plane, data[1] Cb and Cr interleaved
 * (NV12); otherwise data[0..2] Y, Cb, Cr planes (yuv420p). linesize as
 * in an AVFrame. */
void yuv_from_rgba(const uint8_t *rgba_bottom_up, int w, int h, uint8_t *const data[3],
                   const int linesize[3], bool nv12);

#endif
