/* PNG through libavcodec: one frame in, one packet out (and the reverse
 * for reading), with libswscale for the pixel formats. */
#include "output/image.h"

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <string.h>

#include "base/xalloc.h"

static bool av_fail(const char *path, const char *what, int averr, char *err, size_t errlen)
{
    char buf[AV_ERROR_MAX_STRING_SIZE] = "";
    av_strerror(averr, buf, sizeof(buf));
    snprintf(err, errlen, "%s: %s: %s", path, what, buf);
    return false;
}

/* Sends frame (NULL: flush) to the encoder and appends what comes out to
 * f. False on a codec or write error. */
static bool encode_to(AVCodecContext *c, const AVFrame *frame, AVPacket *pkt, FILE *f,
                      const char *path, char *err, size_t errlen)
{
    int ret = avcodec_send_frame(c, frame);
    if (ret < 0)
        return av_fail(path, "PNG encoding failed", ret, err, errlen);
    while ((ret = avcodec_receive_packet(c, pkt)) >= 0) {
        size_t want = (size_t)pkt->size, n = fwrite(pkt->data, 1, want, f);
        av_packet_unref(pkt);
        if (n != want) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            return false;
        }
    }
    if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF)
        return av_fail(path, "PNG encoding failed", ret, err, errlen);
    return true;
}

bool image_write_png(const char *path, const uint8_t *rgba, int w, int h, char *err,
                     size_t errlen)
{
    bool ok = false;
    FILE *f = NULL;
    AVCodecContext *c = NULL;
    AVFrame *frame = NULL;
    AVPacket *pkt = NULL;
    struct SwsContext *sws = NULL;
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (!codec) {
        snprintf(err, errlen, "%s: this libavcodec has no PNG encoder", path);
        return false;
    }
    c = avcodec_alloc_context3(codec);
    frame = av_frame_alloc();
    pkt = av_packet_alloc();
    if (!c || !frame || !pkt) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto done;
    }
    c->width = w;
    c->height = h;
    c->pix_fmt = AV_PIX_FMT_RGB24;
    c->time_base = (AVRational){1, 1};
    int ret = avcodec_open2(c, codec, NULL);
    if (ret < 0) {
        av_fail(path, "cannot start the PNG encoder", ret, err, errlen);
        goto done;
    }
    frame->format = AV_PIX_FMT_RGB24;
    frame->width = w;
    frame->height = h;
    if ((ret = av_frame_get_buffer(frame, 0)) < 0) {
        av_fail(path, "cannot allocate the image", ret, err, errlen);
        goto done;
    }
    sws = sws_getContext(w, h, AV_PIX_FMT_RGBA, w, h, AV_PIX_FMT_RGB24, SWS_POINT, NULL,
                         NULL, NULL);
    if (!sws) {
        snprintf(err, errlen, "%s: cannot convert the pixels", path);
        goto done;
    }
    /* start at the last row with a negative stride: top-down */
    const uint8_t *src[1] = {rgba + (size_t)(h - 1) * (size_t)w * 4};
    const int stride[1] = {-w * 4};
    sws_scale(sws, src, stride, 0, h, frame->data, frame->linesize);

    f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto done;
    }
    ok = encode_to(c, frame, pkt, f, path, err, errlen) &&
         encode_to(c, NULL, pkt, f, path, err, errlen);
    if (fflush(f) != 0 || ferror(f)) {
        if (ok)
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        ok = false;
    }
done:
    if (f && fclose(f) != 0 && ok) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        ok = false;
    }
    if (f && !ok)
        remove(path);
    sws_freeContext(sws);
    av_packet_free(&pkt);
    av_frame_free(&frame);
    avcodec_free_context(&c);
    return ok;
}

bool image_read_png(const char *path, uint8_t **rgb, int *w, int *h, char *err,
                    size_t errlen)
{
    bool ok = false;
    AVCodecContext *c = NULL;
    AVFrame *frame = av_frame_alloc();
    AVPacket *pkt = av_packet_alloc();
    struct SwsContext *sws = NULL;
    uint8_t *data = NULL;
    long size = 0;
    *rgb = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "%s: cannot read it", path);
        goto done;
    }
    data = xcalloc((size_t)size + AV_INPUT_BUFFER_PADDING_SIZE, 1);
    if (fread(data, 1, (size_t)size, f) != (size_t)size) {
        snprintf(err, errlen, "%s: cannot read it", path);
        goto done;
    }
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_PNG);
    c = codec ? avcodec_alloc_context3(codec) : NULL;
    if (!c || !frame || !pkt || avcodec_open2(c, codec, NULL) < 0) {
        snprintf(err, errlen, "%s: no PNG decoder", path);
        goto done;
    }
    pkt->data = data;
    pkt->size = (int)size;
    int ret = avcodec_send_packet(c, pkt);
    if (ret >= 0)
        ret = avcodec_receive_frame(c, frame);
    if (ret < 0) {
        av_fail(path, "not a PNG image", ret, err, errlen);
        goto done;
    }
    *w = frame->width;
    *h = frame->height;
    sws = sws_getContext(*w, *h, (enum AVPixelFormat)frame->format, *w, *h,
                         AV_PIX_FMT_RGB24, SWS_POINT, NULL, NULL, NULL);
    if (!sws) {
        snprintf(err, errlen, "%s: cannot convert its pixels", path);
        goto done;
    }
    *rgb = xcalloc((size_t)*w * (size_t)*h, 3);
    uint8_t *dst[1] = {*rgb};
    const int stride[1] = {*w * 3};
    sws_scale(sws, (const uint8_t *const *)frame->data, frame->linesize, 0, *h, dst, stride);
    ok = true;
done:
    if (f)
        fclose(f);
    free(data);
    sws_freeContext(sws);
    av_packet_free(&pkt);
    av_frame_free(&frame);
    avcodec_free_context(&c);
    return ok;
}
