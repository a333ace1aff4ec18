/* The export loop: render, read back through the pixel-pack ring, and
 * hand frames to the encoder's thread; or simulate up to a still. */
#include "app/export.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/pipeline.h"
#include "app/progress.h"
#include "base/xalloc.h"
#include "output/encoder.h"
#include "output/image.h"
#include "renderer/readback.h"

struct export {
    const struct options *o;
    struct pipeline *p;
    struct encoder *enc; /* NULL: a still alone */
    struct readback *rb;
    struct progress prog;
    double speed, step_ns;
    float dt;
    int64_t total; /* frames; 0: until the input ends */
    int64_t frame;
    uint8_t *still; /* the last frame, for --screenshot */
    bool have_still;
    double t0;         /* live: when frame 0 was due, on the monotonic clock */
    int64_t repeated;  /* live: frames shown again, rendering having fallen behind */
    char err[512];
};

/* Whether path can be written, found out now rather than after the
 * whole replay; a file made only to find out is removed again. */
static bool probe_writable(const char *path, char *err, size_t errlen)
{
    bool existed = access(path, F_OK) == 0;
    FILE *f = fopen(path, "ab");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    fclose(f);
    if (!existed)
        remove(path);
    return true;
}

/* The speed and the number of frames: fitted into --duration unless
 * --speed is given; unknown (0) for stdin. */
static void plan(struct export *x)
{
    const struct options *o = x->o;
    const struct timeline *tl = x->p->tl;
    x->speed = o->speed;
    if (tl->known) {
        double span = (double)timeline_shown_ns(tl) / 1e9;
        if (x->speed <= 0)
            x->speed = span > 0 ? span / o->duration : 1.0;
        x->total = (int64_t)ceil(span / x->speed * o->fps - 1e-9) + 1;
        if (o->speed <= 0)
            x->total = (int64_t)llround(o->duration * o->fps);
    } else if (x->speed <= 0) {
        x->speed = 1.0;
    }
    x->step_ns = x->speed * 1e9 / o->fps;
    x->dt = (float)(1.0 / o->fps);
}

static bool open_outputs(struct export *x)
{
    const struct options *o = x->o;
    if (o->output && strcmp(o->output, "-") == 0 && isatty(STDOUT_FILENO)) {
        snprintf(x->err, sizeof(x->err), "-o -: standard output is a terminal; send the "
                                         "video to a file or a pipe");
        return false;
    }
    if (o->screenshot && !probe_writable(o->screenshot, x->err, sizeof(x->err)))
        return false;
    if (options_live(o) && !o->output) {
        snprintf(x->err, sizeof(x->err), "--screenshot alone needs input that ends: with "
                                         "live input, record with -o (the still is its last "
                                         "frame) or press s in the window");
        return false;
    }
    if (!(x->p = pipeline_create(o, true, x->err, sizeof(x->err))))
        return false;
    if (o->output) {
        x->enc = encoder_create(
            &(struct encoder_opts){.path = o->output, .width = o->width, .height = o->height,
                                   .fps_num = o->fps_num, .fps_den = o->fps_den,
                                   .crf = o->crf, .preset = o->preset},
            x->err, sizeof(x->err));
        if (!x->enc)
            return false;
        x->rb = readback_create(o->width, o->height, 2, ENCODER_QUEUE + 1);
    }
    if (o->screenshot)
        x->still = xmalloc((size_t)o->width * (size_t)o->height * 4);
    return pipeline_drop_privileges(x->p, x->err, sizeof(x->err));
}

static const char *destination(const struct options *o)
{
    if (!o->output)
        return o->screenshot;
    return strcmp(o->output, "-") ? o->output : "stdout";
}

static void say_start(const struct export *x)
{
    const struct options *o = x->o;
    if (o->quiet)
        return;
    char gl[160];
    glctx_describe(x->p->ctx, gl, sizeof gl);
    fprintf(stderr, "flowswarm: rendering to %s at %dx%d, %.5g fps, speed x%.4g (%s)\n",
            destination(o), o->width, o->height, o->fps, x->speed, gl);
}

/* Gives the frames the encoder has read back to the readback ring, and
 * waits for one while the ring's next buffer is still with the encoder. */
static void give_back(struct readback *rb, struct encoder *enc)
{
    unsigned tag;
    while (encoder_done(enc, &tag, false))
        readback_release(rb, tag);
    while (readback_blocked(rb) && encoder_done(enc, &tag, true))
        readback_release(rb, tag);
}

/* Draws the frame and queues it for the encoder; false once the encoder
 * has failed. */
static bool encode_frame(struct export *x, const struct render_hud *hud, int w, int h)
{
    render_frame(x->p->rnd, x->p->sw, hud, w, h, x->dt);
    give_back(x->rb, x->enc);
    unsigned tag;
    const uint8_t *px = readback_push(x->rb, &tag);
    if (px && !encoder_write(x->enc, px, tag)) {
        readback_release(x->rb, tag);
        return false;
    }
    return true;
}

/* Makes frame x->frame. 1: go on; 0: the input is over; -1: failed. */
static int step(struct export *x)
{
    struct pipeline *p = x->p;
    if (!p->have_first) { /* stdin: the clock starts at the first event */
        int started = pipeline_start(p, true, x->err, sizeof(x->err));
        if (started <= 0)
            return started;
    }
    pipeline_advance(p, (int64_t)llround((double)x->frame * x->step_ns), true);
    if (!p->tl->known &&
        ((feed_ended(p->feed) && x->frame > 0) || p->clock > p->tl->stop))
        return 0;
    swarm_step(p->sw, p->clock, x->dt);
    int w, h;
    glctx_begin_frame(p->ctx, &w, &h);
    /* a still of the last frame: the others are not drawn, but the camera
     * moves as it would, keeping off the same HUD */
    struct hud_sources src = pipeline_hud_sources(p);
    struct render_hud *hud = hud_update(p->hud, &src, p->clock, w, h);
    if (!x->enc)
        render_skip(p->rnd, p->sw, hud, w, h, x->dt);
    else if (!encode_frame(x, hud, w, h))
        return 0;
    progress_show(&x->prog, x->frame + 1, x->total, p->clock, false);
    return 1;
}

/* Sleeps until t (monotonic seconds); a signal cuts it short. */
static void sleep_until(double t)
{
    double left = t - progress_now();
    if (left <= 0)
        return;
    struct timespec ts = {.tv_sec = (time_t)left,
                          .tv_nsec = (long)((left - (double)(time_t)left) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Live input to a video: frame i is made at t0 + i/fps of wall time, so
 * the video lasts as long as the recording. A frame that comes more than
 * a frame late is not drawn: the last one is read back again, and
 * counted. 1: go on; 0: the encoder failed. */
static int step_live(struct export *x)
{
    struct pipeline *p = x->p;
    double period = 1.0 / x->o->fps, due = x->t0 + (double)x->frame * period;
    sleep_until(due);
    if (pipeline_interrupted())
        return 0;
    pipeline_advance(p, 0, false);
    swarm_step(p->sw, p->clock, x->dt);
    int w, h;
    glctx_begin_frame(p->ctx, &w, &h);
    if (x->frame > 0 && progress_now() > due + period) {
        x->repeated++; /* the framebuffer still holds the last frame */
        give_back(x->rb, x->enc);
        unsigned tag;
        const uint8_t *px = readback_push(x->rb, &tag);
        if (px && !encoder_write(x->enc, px, tag)) {
            readback_release(x->rb, tag);
            return 0;
        }
    } else {
        struct hud_sources src = pipeline_hud_sources(p);
        struct render_hud *hud = hud_update(p->hud, &src, p->clock, w, h);
        if (!encode_frame(x, hud, w, h))
            return 0;
    }
    progress_show(&x->prog, x->frame + 1, 0, p->clock, false);
    return 1;
}

/* The frames still in the readback ring go to the encoder, the last one
 * kept for the still; a still alone is drawn now. */
static void drain(struct export *x)
{
    const struct options *o = x->o;
    size_t bytes = (size_t)o->width * (size_t)o->height * 4;
    if (!x->enc) {
        int w, h;
        glctx_begin_frame(x->p->ctx, &w, &h);
        render_frame(x->p->rnd, x->p->sw, hud_view(x->p->hud), w, h, 0);
        readback_now(w, h, x->still);
        x->have_still = true;
        return;
    }
    unsigned tag;
    for (const uint8_t *px; (px = readback_drain(x->rb, &tag));) {
        if (x->still) { /* the frames drain in order: the last one stays */
            memcpy(x->still, px, bytes);
            x->have_still = true;
        }
        if (!encoder_write(x->enc, px, tag)) {
            readback_release(x->rb, tag);
            break;
        }
    }
}

/* Closes the video and writes the still. False with err set. */
static bool finish(struct export *x)
{
    const struct options *o = x->o;
    bool ok = !x->enc || encoder_finish(x->enc);
    progress_show(&x->prog, x->frame, x->total ? x->total : x->frame, x->p->clock, true);
    if (!ok) {
        snprintf(x->err, sizeof(x->err), "%s: %s",
                 strcmp(o->output, "-") ? o->output : "<stdout>", encoder_error(x->enc));
        return false;
    }
    /* the last frame falls a step short of the span's end: what lies
     * between still counts in the report */
    if (!x->p->live && x->p->tl->known && !pipeline_interrupted())
        feed_until(x->p->feed, x->p->tl->stop, true);
    bool reported = pipeline_finish(x->p, x->err, sizeof(x->err));
    if (x->enc && !o->quiet && x->p->live)
        fprintf(stderr, "flowswarm: recorded %" PRId64 " frames (%.1f s) to %s, %" PRId64
                " of them repeated (rendering fell behind)\n",
                encoder_frames(x->enc), (double)encoder_frames(x->enc) / o->fps,
                destination(o), x->repeated);
    else if (x->enc && !o->quiet)
        fprintf(stderr, "flowswarm: wrote %" PRId64 " frames to %s%s\n",
                encoder_frames(x->enc), destination(o),
                pipeline_interrupted() ? " (interrupted; the file is complete up to there)"
                                       : "");
    if (x->still && x->have_still) {
        if (!image_write_png(o->screenshot, x->still, o->width, o->height, x->err,
                             sizeof(x->err)))
            return false;
        if (!o->quiet)
            fprintf(stderr, "flowswarm: saved the last frame to %s\n", o->screenshot);
    }
    return reported;
}

int export_run(const struct options *o)
{
    struct export *x = xcalloc(1, sizeof(*x));
    x->o = o;
    int status = 1, r = 1;
    if (!open_outputs(x))
        goto done;
    plan(x);
    x->p->hud = hud_create(x->speed);
    say_start(x);
    progress_init(&x->prog, o->quiet);
    x->t0 = progress_now();
    for (; !pipeline_interrupted() && (x->total == 0 || x->frame < x->total); x->frame++)
        if ((r = x->p->live ? step_live(x) : step(x)) <= 0)
            break;
    if (r < 0)
        goto done;
    drain(x);
    if (finish(x))
        status = pipeline_exit_status();
done:
    if (status == 1)
        fprintf(stderr, "flowswarm: %s\n", x->err);
    encoder_destroy(x->enc);
    readback_destroy(x->rb);
    pipeline_destroy(x->p);
    free(x->still);
    free(x);
    return status;
}
