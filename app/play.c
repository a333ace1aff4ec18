/* The main loop. Export runs on capture time: frame i shows the clock at
 * first + i * speed / fps and the simulation steps 1/fps, so the same
 * input and options give the same frames. The window runs on wall time. */
#include "app/play.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/timeline.h"
#include "ingest/ingest.h"
#include "ingest/xalloc.h"
#include "renderer/context.h"
#include "renderer/encoder.h"
#include "renderer/image.h"
#include "renderer/readback.h"
#include "renderer/render.h"
#include "swarm/swarm.h"

enum { FEED = 4096, RATE_WINDOW = 256 };

/* The one global: set by the signal handler, read by the loop. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Events popped from the ring but not yet due. */
struct feed {
    struct event buf[FEED];
    size_t n, pos;
    bool ended;          /* the input is exhausted */
    uint64_t clamped;    /* events applied with their time raised */
    struct activity *activity; /* filled as events apply (an input that was
                                  not scanned first), or NULL */
    int64_t from_ns;     /* events over before this are left out (--start) */
    int64_t reached_ns;  /* the latest time an applied event reached */
};

/* Applies every event with a time at or before clock. With block, waits
 * for the reader so that nothing due is missed (export); without, takes
 * what has arrived (window). */
static void feed_until(struct feed *f, struct ingest *in, struct swarm *s, int64_t clock,
                       bool block)
{
    for (;;) {
        while (f->pos < f->n) {
            const struct event *ev = &f->buf[f->pos];
            if (ev->time_ns > clock)
                return;
            f->pos++;
            if (ev->end_ns < f->from_ns)
                continue;
            f->clamped += (ev->flags & EVENT_CLAMPED) != 0;
            if (f->activity)
                activity_add(f->activity, ev->time_ns, ev->end_ns, (double)ev->octets);
            if (ev->end_ns > f->reached_ns)
                f->reached_ns = ev->end_ns;
            swarm_add_event(s, ev);
        }
        if (f->ended)
            return;
        f->n = ingest_pop(in, f->buf, FEED, block);
        f->pos = 0;
        if (f->n == 0) {
            if (block || ingest_finished(in))
                f->ended = true;
            return;
        }
    }
}

/* Capture-time rates over the last second of animation. */
struct rates {
    int64_t clock[RATE_WINDOW];
    uint64_t events[RATE_WINDOW], octets[RATE_WINDOW];
    unsigned n, head, span;
};

static void rates_update(struct rates *r, const struct swarm *s, int64_t clock,
                         struct render_hud *hud)
{
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    unsigned i = r->head;
    r->clock[i] = clock;
    r->events[i] = st.events;
    r->octets[i] = st.octets;
    r->head = (r->head + 1) % r->span;
    if (r->n < r->span)
        r->n++;
    unsigned oldest = (i + r->span + 1 - r->n) % r->span;
    double dt = (double)(clock - r->clock[oldest]) / 1e9;
    if (dt > 0) {
        hud->events_per_s = (double)(st.events - r->events[oldest]) / dt;
        hud->octets_per_s = (double)(st.octets - r->octets[oldest]) / dt;
    }
}

static void fmt_hms(double secs, char *buf, size_t len)
{
    long s = secs < 0 ? 0 : (long)secs;
    snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Progress on stderr: a bar on a terminal, a line every 5 s otherwise:
 * frames, the capture time reached, frames per second and the time left. */
struct progress {
    bool tty, quiet;
    double start, last;
};

static void progress_show(struct progress *p, int64_t frame, int64_t total, int64_t clock_ns,
                          bool final)
{
    if (p->quiet)
        return;
    double t = now_s();
    if (!final && t - p->last < (p->tty ? 0.25 : 5.0))
        return;
    p->last = t;
    double fps = (double)frame / fmax(t - p->start, 1e-6);
    char eta[32] = "?", reached[32];
    if (total > 0 && fps > 0)
        fmt_hms((double)(total - frame) / fps, eta, sizeof(eta));
    time_t secs = (time_t)(clock_ns / 1000000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(reached, sizeof(reached), "%Y-%m-%d %H:%M:%S", &tm);
    if (p->tty) {
        int width = 30, done = total > 0 ? (int)(width * frame / total) : 0;
        char bar[64];
        for (int i = 0; i < width; i++)
            bar[i] = i < done ? '#' : '.';
        bar[width] = 0;
        fprintf(stderr, "\r[%s] %" PRId64 "/%" PRId64 " frames  at %s  %.0f fps  ETA %s  ",
                bar, frame, total, reached, fps, eta);
        if (final)
            fputc('\n', stderr);
    } else {
        fprintf(stderr, "flowswarm: %" PRId64 "/%" PRId64 " frames, at %s, %.0f fps, ETA %s\n",
                frame, total, reached, fps, eta);
    }
}

static struct render *make_render(const struct options *o, char *err, size_t errlen)
{
    return render_create(&(struct render_opts){.talkers = (unsigned)o->talkers,
                                               .no_bloom = o->no_bloom},
                         err, errlen);
}

/* What the HUD shows this frame, from the feed and the timeline. */
static void hud_update(struct render_hud *hud, const struct feed *f, struct ingest *in,
                       const struct timeline *tl, int64_t clock)
{
    struct ingest_stats st;
    ingest_stats(in, &st);
    hud->clock_ns = clock;
    hud->clamped = f->clamped;
    hud->dropped = st.dropped;
    hud->activity = &tl->activity;
    hud->span_first_ns = tl->start;
    hud->span_last_ns = tl->known ? tl->stop : clock;
}

static struct swarm *make_swarm(const struct options *o)
{
    return swarm_create(&(struct swarm_opts){
        .max_hosts = o->max_hosts,
        .half_life_s = (float)o->half_life,
        .scale = o->sqrt_scale ? SWARM_SCALE_SQRT : SWARM_SCALE_LOG});
}

static void report_input(struct ingest *in, bool quiet)
{
    struct ingest_stats st;
    ingest_stats(in, &st);
    if (quiet)
        return;
    if (st.short_ || st.malformed)
        fprintf(stderr,
                "flowswarm: %" PRIu64 " of %" PRIu64 " packets skipped: %" PRIu64
                " cut short, %" PRIu64 " malformed\n",
                st.short_ + st.malformed, st.records, st.short_, st.malformed);
    if (st.clamped)
        fprintf(stderr, "flowswarm: %" PRIu64 " events arrived out of time order beyond "
                "the reorder window; their times were raised\n", st.clamped);
}

/* Input that was not scanned (stdin): the first event anchors the span,
 * and the options' start and stop apply from it. 1 once started, 0 while
 * no event has come (block: the input had none), -1 with err set when
 * the options leave no span. */
static int start_live(struct feed *f, struct ingest *in, struct swarm *s, struct timeline *tl,
                      const struct options *o, bool block, char *err, size_t errlen)
{
    feed_until(f, in, s, INT64_MIN, block);
    if (f->pos >= f->n)
        return 0;
    tl->first = f->buf[f->pos].time_ns;
    if (!timeline_set_span(tl, o->start, o->stop, err, errlen))
        return -1;
    f->from_ns = tl->start;
    return 1;
}

/* Idle skipping where the gaps could not be found up front: once the
 * clock is skip_ns past the last event and the next one is further on,
 * the clock jumps to it. Returns how far it jumped. */
static int64_t skip_live(struct feed *f, struct ingest *in, struct swarm *s,
                         const struct timeline *tl, int64_t *clock, bool block)
{
    if (!tl->skip_ns || f->pos >= f->n)
        return 0;
    int64_t next = f->buf[f->pos].time_ns;
    if (*clock < f->reached_ns + tl->skip_ns || next <= *clock)
        return 0;
    int64_t jump = next - *clock;
    *clock = next;
    feed_until(f, in, s, *clock, block);
    return jump;
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

static int run_export(const struct options *o, struct ingest *in, struct timeline *tl)
{
    char err[512];
    int status = 1;
    struct glctx *ctx = NULL;
    struct render *rnd = NULL;
    struct readback *rb = NULL;
    struct encoder *enc = NULL;
    struct swarm *sw = NULL;
    struct feed *feed = xcalloc(1, sizeof(*feed));
    feed->activity = tl->known ? NULL : &tl->activity;
    feed->from_ns = tl->known ? tl->start : INT64_MIN;
    struct rates *rates = xcalloc(1, sizeof(*rates));
    uint8_t *still = NULL; /* the last frame, for --screenshot */
    bool video = o->output != NULL;

    if (video && strcmp(o->output, "-") == 0 && isatty(STDOUT_FILENO)) {
        snprintf(err, sizeof(err),
                 "-o -: standard output is a terminal; send the video to a file or a pipe");
        goto fail;
    }
    if (video) {
        enc = encoder_create(&(struct encoder_opts){.path = o->output, .width = o->width,
                                                    .height = o->height, .fps_num = o->fps_num,
                                                    .fps_den = o->fps_den,
                                                    .crf = o->crf, .preset = o->preset},
                             err, sizeof(err));
        if (!enc)
            goto fail;
    }
    ctx = glctx_create(&(struct glctx_opts){.width = o->width, .height = o->height,
                                            .headless = true},
                       err, sizeof(err));
    if (!ctx)
        goto fail;
    rnd = make_render(o, err, sizeof(err));
    if (!rnd)
        goto fail;
    rb = readback_create(o->width, o->height, 2, ENCODER_QUEUE + 1);
    sw = make_swarm(o);

    double speed = o->speed;
    int64_t total = 0; /* frames; 0: until the input ends */
    if (tl->known) {
        double span = (double)timeline_shown_ns(tl) / 1e9;
        if (speed <= 0)
            speed = span > 0 ? span / o->duration : 1.0;
        total = (int64_t)ceil(span / speed * o->fps - 1e-9) + 1;
        if (o->speed <= 0)
            total = (int64_t)llround(o->duration * o->fps);
    } else if (speed <= 0) {
        speed = 1.0;
    }
    double step_ns = speed * 1e9 / o->fps;
    float dt = (float)(1.0 / o->fps);
    rates->span = (unsigned)fmax(1, fmin(round(o->fps), RATE_WINDOW));

    const char *dest = !video ? o->screenshot : strcmp(o->output, "-") ? o->output
                                                                       : "stdout";
    if (!o->quiet) {
        char gl[160];
        glctx_describe(ctx, gl, sizeof gl);
        fprintf(stderr, "flowswarm: rendering to %s at %dx%d, %.5g fps, speed x%.4g (%s)\n",
                dest, o->width, o->height, o->fps, speed, gl);
    }
    double t0 = now_s();
    struct progress prog = {.tty = isatty(2), .quiet = o->quiet, .start = t0, .last = t0};
    struct render_hud hud = {.speed = speed};
    int64_t frame = 0, clock = tl->start, skipped = 0;
    bool have_first = tl->known;
    for (; !interrupted && (total == 0 || frame < total); frame++) {
        int64_t show = (int64_t)llround((double)frame * step_ns);
        if (tl->known) {
            clock = timeline_clock(tl, show);
            feed_until(feed, in, sw, clock, true);
        } else { /* stdin: the clock starts at the first event */
            if (!have_first) {
                int started = start_live(feed, in, sw, tl, o, true, err, sizeof(err));
                if (started < 0)
                    goto fail;
                if (started == 0)
                    break; /* no events at all */
                have_first = true;
            }
            clock = tl->start + show + skipped;
            feed_until(feed, in, sw, clock, true);
            skipped += skip_live(feed, in, sw, tl, &clock, true);
            bool over = feed->ended && feed->pos >= feed->n;
            if ((over && frame > 0) || clock > tl->stop)
                break;
        }
        swarm_step(sw, clock, dt);
        hud_update(&hud, feed, in, tl, clock);
        rates_update(rates, sw, clock, &hud);
        int w, h;
        glctx_begin_frame(ctx, &w, &h);
        if (!video) { /* a still of the last frame: the others are not drawn */
            render_skip(rnd, sw, w, h, dt);
            progress_show(&prog, frame + 1, total, clock, false);
            continue;
        }
        render_frame(rnd, sw, &hud, w, h, dt);
        give_back(rb, enc);
        unsigned tag;
        const uint8_t *px = readback_push(rb, &tag);
        if (px && !encoder_write(enc, px, tag)) {
            readback_release(rb, tag);
            break;
        }
        progress_show(&prog, frame + 1, total, clock, false);
    }
    size_t frame_bytes = (size_t)o->width * (size_t)o->height * 4;
    if (o->screenshot)
        still = xmalloc(frame_bytes);
    if (!video && o->screenshot) {
        int w, h;
        glctx_begin_frame(ctx, &w, &h);
        render_frame(rnd, sw, &hud, w, h, 0);
        readback_now(w, h, still);
    }
    bool have_still = !video;
    unsigned tag;
    for (const uint8_t *px; video && (px = readback_drain(rb, &tag));) {
        if (still) { /* the frames drain in order: the last one stays */
            memcpy(still, px, frame_bytes);
            have_still = true;
        }
        if (!encoder_write(enc, px, tag)) {
            readback_release(rb, tag);
            break;
        }
    }
    bool ok = !video || encoder_finish(enc);
    progress_show(&prog, frame, total ? total : frame, clock, true);
    if (!ok) {
        snprintf(err, sizeof(err), "%s: %s", strcmp(o->output, "-") ? o->output : "<stdout>",
                 encoder_error(enc));
        goto fail;
    }
    report_input(in, o->quiet);
    if (video && !o->quiet)
        fprintf(stderr, "flowswarm: wrote %" PRId64 " frames to %s%s\n",
                encoder_frames(enc), dest,
                interrupted ? " (interrupted; the file is complete up to there)" : "");
    if (still && have_still) {
        if (!image_write_png(o->screenshot, still, o->width, o->height, err, sizeof(err)))
            goto fail;
        if (!o->quiet)
            fprintf(stderr, "flowswarm: saved the last frame to %s\n", o->screenshot);
    }
    status = interrupted ? 130 : 0;
    goto done;
fail:
    fprintf(stderr, "flowswarm: %s\n", err);
done:
    encoder_destroy(enc);
    readback_destroy(rb);
    render_destroy(rnd);
    glctx_destroy(ctx);
    swarm_destroy(sw);
    free(feed);
    free(rates);
    free(still);
    return status;
}

/* The screenshot key: the frame just drawn, named by its capture time,
 * beside the user; a number is added rather than overwrite a file. */
static void save_window_shot(int w, int h, int64_t clock_ns, bool quiet)
{
    char name[64], stamp[32], err[512];
    time_t secs = (time_t)(clock_ns / 1000000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    snprintf(name, sizeof(name), "flowswarm-%s.png", stamp);
    for (int k = 2; access(name, F_OK) == 0 && k < 1000; k++)
        snprintf(name, sizeof(name), "flowswarm-%s-%d.png", stamp, k);
    uint8_t *px = xmalloc((size_t)w * (size_t)h * 4);
    readback_now(w, h, px);
    if (!image_write_png(name, px, w, h, err, sizeof(err)))
        fprintf(stderr, "flowswarm: screenshot not saved: %s\n", err);
    else if (!quiet)
        fprintf(stderr, "flowswarm: saved %s\n", name);
    free(px);
}

static int run_window(const struct options *o, struct ingest *in, struct timeline *tl)
{
    char err[512];
    int status = 1;
    struct render *rnd = NULL;
    struct swarm *sw = NULL;
    struct feed *feed = xcalloc(1, sizeof(*feed));
    feed->activity = tl->known ? NULL : &tl->activity;
    feed->from_ns = tl->known ? tl->start : INT64_MIN;
    struct rates *rates = xcalloc(1, sizeof(*rates));
    struct glctx *ctx = glctx_create(&(struct glctx_opts){.width = o->width,
                                                          .height = o->height,
                                                          .title = "flowswarm"},
                                     err, sizeof(err));
    if (!ctx)
        goto fail;
    rnd = make_render(o, err, sizeof(err));
    if (!rnd)
        goto fail;
    sw = make_swarm(o);
    double speed = o->speed;
    if (speed <= 0) {
        double span = tl->known ? (double)timeline_shown_ns(tl) / 1e9 : 0;
        speed = span > 0 ? span / o->duration : 1.0;
    }
    rates->span = 60;
    struct render_hud hud = {.speed = speed};
    bool have_first = tl->known, shot = false;
    double show = 0, t_prev = now_s();
    int64_t clock = tl->start, skipped = 0;
    for (;;) {
        double t = now_s();
        float dt = (float)fmin(t - t_prev, 0.1);
        t_prev = t;
        if (!have_first) {
            int started = start_live(feed, in, sw, tl, o, false, err, sizeof(err));
            if (started < 0)
                goto fail;
            have_first = started > 0;
            clock = tl->start;
        }
        if (!hud.paused && have_first) {
            show += hud.speed * 1e9 * dt;
            clock = tl->known ? timeline_clock(tl, (int64_t)show)
                              : tl->start + (int64_t)show + skipped;
            feed_until(feed, in, sw, clock, false);
            if (!tl->known)
                skipped += skip_live(feed, in, sw, tl, &clock, false);
            swarm_step(sw, clock, dt);
        }
        bool ended = (feed->ended && feed->pos >= feed->n) || (have_first && clock >= tl->stop);
        if (ended && o->stop_at_end)
            break;
        hud_update(&hud, feed, in, tl, clock);
        rates_update(rates, sw, hud.clock_ns, &hud);
        int w, h;
        glctx_begin_frame(ctx, &w, &h);
        render_frame(rnd, sw, &hud, w, h, dt);
        if (shot) /* asked for during the last frame: this one, before it shows */
            save_window_shot(w, h, hud.clock_ns, o->quiet);
        struct glctx_input input;
        glctx_end_frame(ctx, &input);
        if (input.quit || interrupted)
            break;
        shot = input.screenshot;
        if (input.pause_toggle)
            hud.paused = !hud.paused;
        if (input.speed_steps)
            hud.speed *= pow(2.0, input.speed_steps);
    }
    report_input(in, o->quiet);
    status = 0;
    goto done;
fail:
    fprintf(stderr, "flowswarm: %s\n", err);
done:
    render_destroy(rnd);
    glctx_destroy(ctx);
    swarm_destroy(sw);
    free(feed);
    free(rates);
    return status;
}

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

int play_run(const struct options *o)
{
    char err[512];
    if (o->screenshot && !probe_writable(o->screenshot, err, sizeof(err))) {
        fprintf(stderr, "flowswarm: %s\n", err);
        return 1;
    }
    struct ingest_opts io = {.paths = o->inputs, .npaths = o->ninputs,
                             .filter = o->filter};
    struct timeline *tl = xcalloc(1, sizeof(*tl));
    tl->known = true;
    for (size_t i = 0; i < o->ninputs; i++)
        if (strcmp(o->inputs[i], "-") == 0)
            tl->known = false;
    tl->skip_ns = (int64_t)llround(o->skip_idle * 1e9);
    gaps_init(&tl->gaps, tl->skip_ns);
    struct ingest *in = NULL;
    if (tl->known) {
        if (!ingest_scan(&io, &tl->activity, tl->skip_ns ? &tl->gaps : NULL, err,
                         sizeof(err)))
            goto fail;
        tl->first = tl->activity.first_ns;
        tl->last = tl->activity.last_ns;
        if (!timeline_set_span(tl, o->start, o->stop, err, sizeof(err)))
            goto fail;
    }
    in = ingest_create(&io, err, sizeof(err));
    if (!in)
        goto fail;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    ingest_start(in);
    int status = o->output || o->screenshot ? run_export(o, in, tl) : run_window(o, in, tl);
    ingest_destroy(in);
    gaps_free(&tl->gaps);
    free(tl);
    return status;
fail:
    fprintf(stderr, "flowswarm: %s\n", err);
    gaps_free(&tl->gaps);
    free(tl);
    return 1;
}

int play_print_events(const struct options *o)
{
    char err[512];
    struct ingest *in = ingest_create(&(struct ingest_opts){.paths = o->inputs,
                                                           .npaths = o->ninputs,
                                                           .filter = o->filter,
                                                           .file_order = true},
                                      err, sizeof(err));
    if (!in) {
        fprintf(stderr, "flowswarm: %s\n", err);
        return 1;
    }
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    ingest_start(in);
    struct event *evs = xcalloc(FEED, sizeof(*evs));
    size_t n;
    while ((n = ingest_pop(in, evs, FEED, true)) > 0) {
        for (size_t i = 0; i < n; i++) {
            const struct event *e = &evs[i];
            char s[48], d[48];
            int64_t sec = e->time_ns / 1000000000, ns = e->time_ns % 1000000000;
            if (ns < 0) {
                ns += 1000000000;
                sec--;
            }
            printf("%" PRId64 ".%06" PRId64 "\t%s\t%s\t%u\t%u\t%u\t%" PRIu32 "\t%" PRIu64
                   "\t%02x\n",
                   sec, ns / 1000, addr_format(&e->src, s, sizeof(s)),
                   addr_format(&e->dst, d, sizeof(d)), e->proto, e->sport, e->dport,
                   e->packets, e->octets, e->tcpflags);
        }
    }
    free(evs);
    int status = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "flowswarm: writing the events failed\n");
        status = 1;
    }
    report_input(in, false);
    ingest_destroy(in);
    setvbuf(stdout, NULL, _IONBF, 0);
    return status;
}
