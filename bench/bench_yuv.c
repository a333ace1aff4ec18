/* The video's colour conversion, RGBA (bottom-up) to 4:2:0: flowswarm's
 * own (output/yuv.c) against libswscale doing the same with the flags
 * it was given before (bilinear, BT.709, flipped by a negative stride).
 * Prints milliseconds a frame at 1280x720 and 1920x1080.
 *
 * usage: bench_yuv [FRAMES]   (default 200) */
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
#include <stdint.h>

#include "common.h"
#include "output/yuv.h"

static double time_ours(const uint8_t *rgba, AVFrame *f, int n)
{
    double t0 = now();
    for (int i = 0; i < n; i++)
        yuv_from_rgba(rgba, f->width, f->height, f->data, f->linesize,
                      f->format == AV_PIX_FMT_NV12);
    return (now() - t0) / n * 1e3;
}

static double time_swscale(const uint8_t *rgba, AVFrame *f, int n)
{
    int w = f->width, h = f->height;
    struct SwsContext *s = sws_getContext(w, h, AV_PIX_FMT_RGBA, w, h, f->format,
                                          SWS_BILINEAR, NULL, NULL, NULL);
    const int *coefs = sws_getCoefficients(SWS_CS_ITU709);
    sws_setColorspaceDetails(s, coefs, 1, coefs, 0, 0, 1 << 16, 1 << 16);
    const uint8_t *src[1] = {rgba + (size_t)(h - 1) * w * 4};
    const int stride[1] = {-w * 4};
    double t0 = now();
    for (int i = 0; i < n; i++)
        sws_scale(s, src, stride, 0, h, f->data, f->linesize);
    double t = (now() - t0) / n * 1e3;
    sws_freeContext(s);
    return t;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    if (n <= 0)
        n = 200;
    static const int sizes[][2] = {{1280, 720}, {1920, 1080}};
    printf("%-10s %-8s %12s %12s\n", "size", "format", "flowswarm", "libswscale");
    for (int s = 0; s < 2; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        uint8_t *rgba = malloc((size_t)w * h * 4);
        uint32_t seed = 1;
        for (size_t i = 0; i < (size_t)w * h * 4; i++) {
            seed = seed * 1664525u + 1013904223u; /* a picture the compiler cannot see */
            rgba[i] = (uint8_t)(seed >> 24);
        }
        for (int nv12 = 1; nv12 >= 0; nv12--) {
            AVFrame *f = av_frame_alloc();
            f->format = nv12 ? AV_PIX_FMT_NV12 : AV_PIX_FMT_YUV420P;
            f->width = w;
            f->height = h;
            if (!f || av_frame_get_buffer(f, 0) < 0)
                return 1;
            double ours = time_ours(rgba, f, n), lib = time_swscale(rgba, f, n);
            printf("%4dx%-5d %-8s %9.3f ms %9.3f ms\n", w, h, nv12 ? "nv12" : "yuv420p",
                   ours, lib);
            av_frame_free(&f);
        }
        free(rgba);
    }
    return 0;
}
