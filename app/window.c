/* The window loop: the clock runs on wall time times the speed, which
 * the keys change; frames show as fast as the display takes them. */
#include "app/window.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "app/input.h"
#include "app/pipeline.h"
#include "app/progress.h"
#include "app/seek.h"
#include "app/ui.h"
#include "base/xalloc.h"
#include "output/image.h"
#include "renderer/readback.h"

/* The screenshot key: the frame just drawn, named by its capture time,
 * beside the user; a number is added rather than overwrite a file. */
static void save_shot(int w, int h, int64_t clock_ns, bool quiet)
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

/* The speed to start at: fit the shown span into --duration. */
static double first_speed(const struct options *o, const struct timeline *tl)
{
    if (o->speed > 0)
        return o->speed;
    double span = tl->known ? (double)timeline_shown_ns(tl) / 1e9 : 0;
    return span > 0 ? span / o->duration : 1.0;
}

/* Draws and shows one frame; returns what the user did meanwhile. */
static void present(struct pipeline *p, struct ui *ui, float dt, bool shot,
                    struct input_actions *act)
{
    int w, h;
    glctx_begin_frame(p->ctx, &w, &h);
    struct hud_sources src = pipeline_hud_sources(p);
    src.talkers_panel = !ui->no_panel;
    struct render_hud *hud = hud_update(p->hud, &src, p->clock, w, h);
    ui_fill_hud(ui, p, hud);
    render_frame(p->rnd, p->sw, hud, w, h, dt);
    if (shot) /* asked for during the last frame: this one, before it shows */
        save_shot(w, h, hud->clock_ns, p->o->quiet);
    struct glctx_event ev[GLCTX_EVENTS_MAX];
    size_t n = glctx_end_frame(p->ctx, ev, GLCTX_EVENTS_MAX);
    input_translate(&ui->in, ev, n, act);
    ui_apply(ui, p, act);
}

/* The arrows: back or on in the replay, said in the HUD. */
static void seek_keys(struct ui *ui, struct pipeline *p, struct seek *k, double speed,
                      int secs, double *show)
{
    char msg[300];
    int64_t s = (int64_t)*show;
    if (!seek_by(k, p, secs, speed, &s, msg, sizeof(msg))) {
        ui_note(ui, msg);
        return;
    }
    *show = (double)s;
    snprintf(msg, sizeof(msg), "%s %d s", secs < 0 ? "back" : "on", abs(secs));
    ui_note(ui, msg);
}

int window_run(const struct options *o)
{
    char err[512];
    struct pipeline *p = pipeline_create(o, false, err, sizeof(err));
    if (!p || !pipeline_drop_privileges(p, err, sizeof(err))) {
        fprintf(stderr, "flowswarm: %s\n", err);
        pipeline_destroy(p);
        return 1;
    }
    p->hud = hud_create(first_speed(o, p->tl));
    struct render_hud *view = hud_view(p->hud);
    struct input_actions act = {0};
    struct ui ui = {0};
    struct seek *seek = seek_create();
    double show = 0, t_prev = progress_now(), t_first = t_prev;
    long frames = 0;
    int status = 0;
    seek_note(seek, p, 0); /* the start, for seeking back to it */
    for (;;) {
        double t = progress_now();
        float dt = (float)fmin(t - t_prev, 0.1);
        t_prev = t;
        if (!p->have_first && pipeline_start(p, false, err, sizeof(err)) < 0) {
            fprintf(stderr, "flowswarm: %s\n", err);
            status = 1;
            break;
        }
        if (!view->paused && p->have_first) {
            show += view->speed * 1e9 * dt;
            pipeline_advance(p, (int64_t)show, false);
            swarm_step(p->sw, p->clock, dt);
            seek_note(seek, p, (int64_t)show);
        }
        if (pipeline_over(p) && o->stop_at_end)
            break;
        present(p, &ui, dt, act.screenshot, &act);
        frames++;
        if (act.quit || pipeline_interrupted())
            break;
        view->paused ^= act.pause_toggle;
        view->speed *= pow(2.0, act.speed_steps);
        if (act.seek_s)
            seek_keys(&ui, p, seek, view->speed, act.seek_s, &show);
    }
    if (status == 0 && !pipeline_finish(p, err, sizeof(err))) {
        fprintf(stderr, "flowswarm: %s\n", err);
        status = 1;
    } else if (status == 0) {
        status = pipeline_exit_status();
    }
    double secs = progress_now() - t_first;
    if (!o->quiet && frames > 1 && secs > 0) /* how smooth it was */
        fprintf(stderr, "flowswarm: %ld frames shown in %.1f s, %.1f frames/s\n", frames,
                secs, (double)frames / secs);
    seek_destroy(seek);
    pipeline_destroy(p);
    return status;
}
