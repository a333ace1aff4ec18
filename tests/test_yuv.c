/* The video's colour conversion (output/yuv.c): known colours give the
 * BT.709 limited-range values, rows are flipped, chroma is each 2x2
 * block's mean, NV12 and planar agree, and on a smooth picture the
 * result is within 1 of libswscale's. */
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "output/yuv.h"

/* One w x h RGBA picture (rows bottom-up, as GL reads them), converted. */
struct conv {
    uint8_t *y, *u, *v, *uv;
};

static void convert(const uint8_t *rgba, int w, int h, struct conv *c)
{
    c->y = malloc((size_t)w * h);
    c->uv = malloc((size_t)w * h / 2);
    c->u = malloc((size_t)w * h / 4);
    c->v = malloc((size_t)w * h / 4);
    uint8_t *nv12[3] = {c->y, c->uv, NULL};
    int nv12_ls[3] = {w, w, 0};
    yuv_from_rgba(rgba, w, h, nv12, nv12_ls, true);
    uint8_t *y2 = malloc((size_t)w * h);
    uint8_t *planar[3] = {y2, c->u, c->v};
    int planar_ls[3] = {w, w / 2, w / 2};
    yuv_from_rgba(rgba, w, h, planar, planar_ls, false);
    CHECK(memcmp(y2, c->y, (size_t)w * h) == 0);
    bool same = true;
    for (int i = 0; i < w * h / 4; i++)
        same &= c->u[i] == c->uv[2 * i] && c->v[i] == c->uv[2 * i + 1];
    CHECK(same); /* NV12 is the planar chroma interleaved */
    free(y2);
}

static void conv_free(struct conv *c)
{
    free(c->y);
    free(c->u);
    free(c->v);
    free(c->uv);
}

static void fill(uint8_t *rgba, int n, uint8_t r, uint8_t g, uint8_t b)
{
    for (int i = 0; i < n; i++) {
        rgba[4 * i] = r;
        rgba[4 * i + 1] = g;
        rgba[4 * i + 2] = b;
        rgba[4 * i + 3] = 255;
    }
}

static void known_colours(void)
{
    /* expected Y, Cb, Cr (BT.709, limited range, rounded) */
    static const struct {
        uint8_t r, g, b, y, cb, cr;
    } want[] = {
        {0, 0, 0, 16, 128, 128},       {255, 255, 255, 235, 128, 128},
        {255, 0, 0, 63, 102, 240},     {0, 255, 0, 173, 42, 26},
        {0, 0, 255, 32, 240, 118},     {128, 128, 128, 126, 128, 128},
        {230, 159, 0, 156, 51, 166}, /* the palette's orange */
    };
    enum { W = 34, H = 6 }; /* odd numbers of chroma samples and pixels a row */
    uint8_t rgba[W * H * 4];
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
        fill(rgba, W * H, want[k].r, want[k].g, want[k].b);
        struct conv c;
        convert(rgba, W, H, &c);
        bool ok = true;
        for (int i = 0; i < W * H; i++)
            ok &= c.y[i] == want[k].y;
        for (int i = 0; i < W * H / 4; i++)
            ok &= c.u[i] == want[k].cb && c.v[i] == want[k].cr;
        if (!ok)
            fprintf(stderr, "colour %d,%d,%d -> %d,%d,%d, expected %d,%d,%d\n", want[k].r,
                    want[k].g, want[k].b, c.y[0], c.u[0], c.v[0], want[k].y, want[k].cb,
                    want[k].cr);
        CHECK(ok);
        conv_free(&c);
    }
}

static void flip_and_mean(void)
{
    /* White bottom row (first in memory) and black above: the picture's
     * last row is white. One white pixel in a 2x2 block of black: chroma
     * stays neutral, a red one shifts Cr by a quarter of full red's. */
    enum { W = 8, H = 4 };
    uint8_t rgba[W * H * 4];
    fill(rgba, W * H, 0, 0, 0);
    fill(rgba, W, 255, 255, 255);
    fill(rgba + (H - 1) * W * 4, 1, 255, 0, 0); /* picture's top-left pixel */
    struct conv c;
    convert(rgba, W, H, &c);
    CHECK_EQ_U(c.y[(H - 1) * W + 3], 235);
    CHECK_EQ_U(c.y[0 * W + 3], 16);
    CHECK_EQ_U(c.y[0], 63);
    CHECK_EQ_U(c.u[(H / 2 - 1) * (W / 2)], 128);
    CHECK_EQ_U(c.v[(H / 2 - 1) * (W / 2)], 128);
    CHECK_EQ_U(c.v[0], 128 + (240 - 128 + 2) / 4);
    CHECK_EQ_U(c.v[1], 128);
    conv_free(&c);
}

static void against_swscale(void)
{
    enum { W = 1280, H = 720 };
    uint8_t *rgba = malloc((size_t)W * H * 4);
    for (int r = 0; r < H; r++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = rgba + ((size_t)r * W + x) * 4;
            p[0] = (uint8_t)(x * 255 / W);
            p[1] = (uint8_t)(r * 255 / H);
            p[2] = (uint8_t)((x + r) * 255 / (W + H));
            p[3] = 255;
        }
    struct conv c;
    convert(rgba, W, H, &c);
    struct SwsContext *s = sws_getContext(W, H, AV_PIX_FMT_RGBA, W, H, AV_PIX_FMT_YUV420P,
                                          SWS_BILINEAR | SWS_ACCURATE_RND, NULL, NULL, NULL);
    const int *coefs = sws_getCoefficients(SWS_CS_ITU709);
    sws_setColorspaceDetails(s, coefs, 1, coefs, 0, 0, 1 << 16, 1 << 16);
    AVFrame *f = av_frame_alloc();
    f->format = AV_PIX_FMT_YUV420P;
    f->width = W;
    f->height = H;
    CHECK(av_frame_get_buffer(f, 0) == 0);
    const uint8_t *src[1] = {rgba + (size_t)(H - 1) * W * 4};
    const int stride[1] = {-W * 4};
    sws_scale(s, src, stride, 0, H, f->data, f->linesize);
    int worst[3] = {0, 0, 0};
    for (int p = 0; p < 3; p++) {
        int pw = p ? W / 2 : W, ph = p ? H / 2 : H;
        const uint8_t *ours = p == 0 ? c.y : p == 1 ? c.u : c.v;
        for (int r = 0; r < ph; r++)
            for (int x = 0; x < pw; x++) {
                int d = abs(f->data[p][r * f->linesize[p] + x] - ours[r * pw + x]);
                worst[p] = d > worst[p] ? d : worst[p];
            }
    }
    printf("test_yuv: worst difference from libswscale on a gradient: Y %d, Cb %d, Cr %d\n",
           worst[0], worst[1], worst[2]);
    CHECK(worst[0] <= 1 && worst[1] <= 1 && worst[2] <= 1);
    av_frame_free(&f);
    sws_freeContext(s);
    conv_free(&c);
    free(rgba);
}

int main(void)
{
    known_colours();
    flip_and_mean();
    against_swscale();
    return check_done("test_yuv");
}
