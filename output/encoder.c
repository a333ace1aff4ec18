/* Encoding after FFmpeg's doc/examples/mux.c: the send/receive loop,
 * timestamps rescaled to the stream's time base, the global-header flag
 * where the muxer wants it, a NULL frame to flush, and the trailer always
 * written. Errors are sticky: the first is kept and reported once.
 * Colour conversion (output/yuv.c) and encoding run on a thread of
 * their own, fed frames in place (no copy) through a short queue; a full
 * queue makes the caller wait, so no frame is ever dropped. Each frame's
 * tag comes back once the thread is done reading it. */
#include "output/encoder.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "output/yuv.h"

enum { SLOTS = ENCODER_QUEUE, DONE = 16 };

struct encoder {
    AVFormatContext *oc;
    AVStream *st;
    AVCodecContext *enc;
    AVFrame *frame;
    AVPacket *pkt;
    int w, h;
    int64_t next_pts;
    bool header_written, finished, failed;
    char error[256];
    /* the queue to the encoding thread; failed and error above belong to
     * that thread until it is joined */
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    const uint8_t *slot[SLOTS]; /* RGBA frames queued, the caller's memory */
    unsigned tag[SLOTS];
    unsigned head, count;         /* guarded by lock */
    unsigned done[DONE];          /* tags of frames read, oldest first */
    unsigned done_head, ndone;    /* guarded by lock */
    bool closing, thread_failed;  /* guarded by lock */
};

static bool fail(struct encoder *e, const char *what, int averr)
{
    if (!e->failed) {
        char buf[AV_ERROR_MAX_STRING_SIZE] = "";
        av_strerror(averr, buf, sizeof(buf));
        snprintf(e->error, sizeof(e->error), "%s: %s", what, buf);
        e->failed = true;
    }
    return false;
}

static const AVCodec *pick_codec(const AVOutputFormat *fmt)
{
    const char *name = NULL;
    if (strstr(fmt->name, "webm"))
        name = "libvpx-vp9";
    else if (strstr(fmt->name, "mp4") || strstr(fmt->name, "mov") ||
             strstr(fmt->name, "matroska"))
        name = "libx264";
    const AVCodec *c = name ? avcodec_find_encoder_by_name(name) : NULL;
    if (!c && fmt->video_codec != AV_CODEC_ID_NONE)
        c = avcodec_find_encoder(fmt->video_codec);
    return c;
}

static void *encode_main(void *arg);

/* --crf and --preset as the codec takes them, checked before libx264
 * clamps a CRF past 51 or prints its own complaint about a preset. */
static bool check_codec_options(const struct encoder_opts *o, const AVCodec *codec,
                                const char *container, char *err, size_t errlen)
{
    static const char *const presets[] = {"ultrafast", "superfast", "veryfast", "faster",
                                          "fast",      "medium",    "slow",     "slower",
                                          "veryslow",  "placebo"};
    if (codec->id != AV_CODEC_ID_H264) {
        if (o->preset) {
            snprintf(err, errlen,
                     "--preset is for H.264 (.mp4, .mkv, .mov); %s's %s has no presets",
                     container, codec->name);
            return false;
        }
        return true;
    }
    if (o->crf > 51) {
        snprintf(err, errlen, "--crf %d: H.264 takes 0 (lossless) to 51", o->crf);
        return false;
    }
    if (!o->preset)
        return true;
    for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
        if (strcmp(o->preset, presets[i]) == 0)
            return true;
    snprintf(err, errlen,
             "--preset %s: expected ultrafast, superfast, veryfast, faster, fast, medium, "
             "slow, slower, veryslow or placebo", o->preset);
    return false;
}

/* NV12 where the encoder takes it (libx264 keeps its frames so), else
 * yuv420p. */
static enum AVPixelFormat pick_format(const AVCodec *codec)
{
    for (const enum AVPixelFormat *f = codec->pix_fmts; f && *f != AV_PIX_FMT_NONE; f++)
        if (*f == AV_PIX_FMT_NV12)
            return AV_PIX_FMT_NV12;
    return AV_PIX_FMT_YUV420P;
}

struct encoder *encoder_create(const struct encoder_opts *o, char *err, size_t errlen)
{
    struct encoder *e = xcalloc(1, sizeof(*e));
    pthread_mutex_init(&e->lock, NULL);
    pthread_cond_init(&e->changed, NULL);
    /* libav's own log lines would repeat ours with less context: every
     * failure is reported through err or encoder_error() instead. */
    av_log_set_level(AV_LOG_FATAL);
    bool to_stdout = strcmp(o->path, "-") == 0;
    const char *shown = to_stdout ? "<stdout>" : o->path;
    e->w = o->width;
    e->h = o->height;
    int rc = avformat_alloc_output_context2(&e->oc, NULL, to_stdout ? "matroska" : NULL,
                                            to_stdout ? NULL : o->path);
    if (rc < 0 || !e->oc) {
        snprintf(err, errlen,
                 "%s: no video container for this file name (use .mp4, .mkv, .mov or "
                 ".webm)", shown);
        goto fail;
    }
    const AVCodec *codec = pick_codec(e->oc->oformat);
    if (!codec) {
        snprintf(err, errlen, "%s: no video encoder for the %s container", shown,
                 e->oc->oformat->name);
        goto fail;
    }
    if (!check_codec_options(o, codec, e->oc->oformat->name, err, errlen))
        goto fail;
    e->st = avformat_new_stream(e->oc, NULL);
    e->enc = avcodec_alloc_context3(codec);
    if (!e->st || !e->enc) {
        snprintf(err, errlen, "%s: out of memory setting up the encoder", shown);
        goto fail;
    }
    e->enc->codec_id = codec->id;
    e->enc->width = o->width;
    e->enc->height = o->height;
    e->enc->time_base = (AVRational){o->fps_den, o->fps_num};
    e->enc->framerate = (AVRational){o->fps_num, o->fps_den};
    e->enc->gop_size = (int)lround(2.0 * o->fps_num / o->fps_den); /* 2 s */
    e->enc->pix_fmt = pick_format(codec);
    e->enc->chroma_sample_location = AVCHROMA_LOC_CENTER; /* 2x2 means */
    e->enc->colorspace = AVCOL_SPC_BT709;
    e->enc->color_primaries = AVCOL_PRI_BT709;
    e->enc->color_trc = AVCOL_TRC_BT709;
    e->enc->color_range = AVCOL_RANGE_MPEG;
    e->st->time_base = e->enc->time_base;
    if (e->oc->oformat->flags & AVFMT_GLOBALHEADER)
        e->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary *opts = NULL;
    char crf[16];
    if (codec->id == AV_CODEC_ID_H264) {
        snprintf(crf, sizeof(crf), "%d", o->crf >= 0 ? o->crf : 20);
        av_dict_set(&opts, "preset", o->preset ? o->preset : "veryfast", 0);
        av_dict_set(&opts, "crf", crf, 0);
        /* Each frame thread and lookahead frame holds whole frames: x264's
         * own choice (one and a half threads a core, ten frames ahead for
         * veryfast, a thread of its own for the lookahead) costs 35 MB
         * more at 720p on two cores, and is no faster here, where the
         * renderer has the other core. A preset asked for keeps its
         * lookahead. */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        char params[64];
        snprintf(params, sizeof(params), "threads=%ld%s", cores < 1 ? 1 : cores > 16 ? 16 : cores,
                 o->preset ? "" : ":rc-lookahead=5:sync-lookahead=0");
        av_dict_set(&opts, "x264-params", params, 0);
    } else if (codec->id == AV_CODEC_ID_VP9) {
        snprintf(crf, sizeof(crf), "%d", o->crf >= 0 ? o->crf : 32);
        av_dict_set(&opts, "crf", crf, 0);
        av_dict_set(&opts, "b", "0", 0);
        av_dict_set(&opts, "row-mt", "1", 0);
        av_dict_set(&opts, "deadline", "realtime", 0);
        av_dict_set(&opts, "cpu-used", "8", 0);
    }
    rc = avcodec_open2(e->enc, codec, &opts);
    av_dict_free(&opts);
    if (rc < 0) {
        char buf[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(rc, buf, sizeof(buf));
        snprintf(err, errlen, "%s: cannot open the %s encoder: %s", shown, codec->name,
                 buf);
        goto fail;
    }
    avcodec_parameters_from_context(e->st->codecpar, e->enc);
    if (!(e->oc->oformat->flags & AVFMT_NOFILE)) {
        rc = avio_open(&e->oc->pb, to_stdout ? "pipe:1" : o->path, AVIO_FLAG_WRITE);
        if (rc < 0) {
            char buf[AV_ERROR_MAX_STRING_SIZE];
            av_strerror(rc, buf, sizeof(buf));
            snprintf(err, errlen, "%s: cannot write: %s", shown, buf);
            goto fail;
        }
    }
    rc = avformat_write_header(e->oc, NULL);
    if (rc < 0) {
        char buf[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(rc, buf, sizeof(buf));
        snprintf(err, errlen, "%s: cannot write the header: %s", shown, buf);
        goto fail;
    }
    e->header_written = true;
    e->frame = av_frame_alloc();
    e->pkt = av_packet_alloc();
    if (!e->frame || !e->pkt)
        abort();
    e->frame->format = e->enc->pix_fmt;
    e->frame->width = o->width;
    e->frame->height = o->height;
    if (av_frame_get_buffer(e->frame, 0) < 0) {
        snprintf(err, errlen, "%s: out of memory for a frame", shown);
        goto fail;
    }
    if (pthread_create(&e->thread, NULL, encode_main, e) != 0) {
        snprintf(err, errlen, "%s: cannot start the encoding thread", shown);
        goto fail;
    }
    e->thread_started = true;
    return e;
fail:
    encoder_destroy(e);
    return NULL;
}

/* Moves every packet the encoder has ready into the file. */
static bool drain(struct encoder *e)
{
    for (;;) {
        int rc = avcodec_receive_packet(e->enc, e->pkt);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return true;
        if (rc < 0)
            return fail(e, "encoding failed", rc);
        /* Every frame lasts one tick; without it the muxer's edit list
         * can cut the last frame short. */
        if (e->pkt->duration == 0)
            e->pkt->duration = 1;
        av_packet_rescale_ts(e->pkt, e->enc->time_base, e->st->time_base);
        e->pkt->stream_index = e->st->index;
        rc = av_interleaved_write_frame(e->oc, e->pkt);
        if (rc < 0)
            return fail(e, "writing the video failed", rc);
    }
}

/* Converts and encodes one frame (on the encoding thread). */
static bool encode_rgba(struct encoder *e, const uint8_t *rgba)
{
    if (e->failed)
        return false;
    int rc = av_frame_make_writable(e->frame);
    if (rc < 0)
        return fail(e, "frame buffer", rc);
    yuv_from_rgba(rgba, e->w, e->h, e->frame->data, e->frame->linesize,
                  e->frame->format == AV_PIX_FMT_NV12);
    e->frame->pts = e->next_pts++;
    rc = avcodec_send_frame(e->enc, e->frame);
    if (rc < 0)
        return fail(e, "encoding failed", rc);
    return drain(e);
}

static void *encode_main(void *arg)
{
    struct encoder *e = arg;
    pthread_mutex_lock(&e->lock);
    for (;;) {
        while (e->count == 0 && !e->closing)
            pthread_cond_wait(&e->changed, &e->lock);
        if (e->count == 0)
            break;
        const uint8_t *frame = e->slot[e->head];
        unsigned tag = e->tag[e->head];
        pthread_mutex_unlock(&e->lock);
        bool ok = encode_rgba(e, frame);
        pthread_mutex_lock(&e->lock);
        e->head = (e->head + 1) % SLOTS;
        e->count--;
        e->done[(e->done_head + e->ndone++) % DONE] = tag;
        e->thread_failed |= !ok;
        pthread_cond_broadcast(&e->changed);
    }
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

bool encoder_write(struct encoder *e, const uint8_t *rgba, unsigned tag)
{
    if (e->finished)
        return false;
    pthread_mutex_lock(&e->lock);
    while (e->count == SLOTS && !e->thread_failed) /* back-pressure */
        pthread_cond_wait(&e->changed, &e->lock);
    bool ok = !e->thread_failed;
    if (ok) {
        unsigned i = (e->head + e->count++) % SLOTS;
        e->slot[i] = rgba;
        e->tag[i] = tag;
        pthread_cond_broadcast(&e->changed);
    }
    pthread_mutex_unlock(&e->lock);
    return ok;
}

bool encoder_done(struct encoder *e, unsigned *tag, bool wait)
{
    pthread_mutex_lock(&e->lock);
    while (wait && e->ndone == 0 && e->count > 0)
        pthread_cond_wait(&e->changed, &e->lock);
    bool got = e->ndone > 0;
    if (got) {
        *tag = e->done[e->done_head];
        e->done_head = (e->done_head + 1) % DONE;
        e->ndone--;
    }
    pthread_mutex_unlock(&e->lock);
    return got;
}

/* Lets the thread encode what is queued, and joins it. */
static void stop_thread(struct encoder *e)
{
    if (!e->thread_started)
        return;
    pthread_mutex_lock(&e->lock);
    e->closing = true;
    pthread_cond_broadcast(&e->changed);
    pthread_mutex_unlock(&e->lock);
    pthread_join(e->thread, NULL);
    e->thread_started = false;
}

bool encoder_finish(struct encoder *e)
{
    if (e->finished || !e->header_written)
        return !e->failed;
    stop_thread(e);
    e->finished = true;
    if (!e->failed) {
        int rc = avcodec_send_frame(e->enc, NULL);
        if (rc < 0)
            fail(e, "flushing the encoder failed", rc);
        else
            drain(e);
    }
    /* The trailer even after an error: what was written stays playable. */
    int rc = av_write_trailer(e->oc);
    if (rc < 0)
        fail(e, "writing the trailer failed", rc);
    if (e->oc->pb && !(e->oc->oformat->flags & AVFMT_NOFILE)) {
        avio_flush(e->oc->pb);
        if (e->oc->pb->error < 0)
            fail(e, "writing the video failed", e->oc->pb->error);
        rc = avio_closep(&e->oc->pb);
        if (rc < 0)
            fail(e, "closing the video failed", rc);
    }
    return !e->failed;
}

void encoder_destroy(struct encoder *e)
{
    if (!e)
        return;
    encoder_finish(e);
    if (e->oc && !(e->oc->oformat->flags & AVFMT_NOFILE))
        avio_closep(&e->oc->pb);
    stop_thread(e);
    pthread_mutex_destroy(&e->lock);
    pthread_cond_destroy(&e->changed);
    avformat_free_context(e->oc);
    avcodec_free_context(&e->enc);
    av_frame_free(&e->frame);
    av_packet_free(&e->pkt);
    free(e);
}

const char *encoder_error(const struct encoder *e)
{
    return e->error;
}

int64_t encoder_frames(const struct encoder *e)
{
    return e->next_pts;
}
