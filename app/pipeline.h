/* Building and tearing down the stages, once, for both loops: the
 * timeline (scanned up front for files), the ingest thread, the feed, the
 * swarm, the GL context and the renderer, and the HUD. Owns the signal
 * flag. The loops only advance the clock and draw. */
#ifndef FLOWSWARM_PIPELINE_H
#define FLOWSWARM_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/feed.h"
#include "app/filters.h"
#include "app/hud.h"
#include "app/learn.h"
#include "app/options.h"
#include "app/report.h"
#include "app/watch.h"
#include "ingest/ingest.h"
#include "renderer/context.h"
#include "renderer/render.h"
#include "swarm/swarm.h"
#include "timeline/timeline.h"

struct pipeline {
    const struct options *o;
    struct timeline *tl;
    struct ingest *in;
    struct feed *feed;
    struct filters *filters;
    struct learn *learn; /* the names learnt; NULL with -n */
    struct watch *watch; /* scanners and client ports; NULL with --no-scans */
    struct report *report; /* --report, open from the start; NULL: none */
    uint64_t filters_seen; /* the filters' generation the swarm was tested at */
    struct swarm *sw;
    struct glctx *ctx;
    struct render *rnd;
    struct hud *hud;  /* made by the loop once it knows the speed; freed here */
    bool have_first;  /* the clock has started (known span, or stdin's
                         first event has come) */
    int64_t clock;    /* capture time of the frame being made */
    int64_t skipped;  /* idle capture time jumped over on stdin */
    bool live;        /* live input: the clock is wall time */
};

/* Builds every stage for a run as o says, headless or in a window, and
 * starts reading. NULL with one line in err. */
struct pipeline *pipeline_create(const struct options *o, bool headless, char *err,
                                 size_t errlen);
void pipeline_destroy(struct pipeline *p);

/* The end of a run: the input's counts, the scanners found, and the
 * --report file written. False with one line in err when the report
 * could not be written. */
bool pipeline_finish(struct pipeline *p, char *err, size_t errlen);

/* Gives up root once everything that needs it is open: the interfaces,
 * the display, the output file (the loops call it then). Only for live
 * input. False with one line in err. */
bool pipeline_drop_privileges(struct pipeline *p, char *err, size_t errlen);

/* Starts the clock on input that was not scanned (stdin) at its first
 * event, and applies --start and --stop from there. 1 once started, 0
 * while no event has come (block: the input had none), -1 with err set
 * when the options leave no span. */
int pipeline_start(struct pipeline *p, bool block, char *err, size_t errlen);

/* Moves the clock to show_ns of shown time and feeds every event due
 * (the --names files are looked at for more, twice a second at most);
 * on stdin, idle stretches longer than --skip-idle are jumped over. When
 * the filters changed, what the swarm shows is tested again. */
void pipeline_advance(struct pipeline *p, int64_t show_ns, bool block);

/* Whether the replay can go back: files scanned up front (not stdin, not
 * live input). */
bool pipeline_rewindable(const struct pipeline *p);

/* Goes back to a saved moment of a file replay: the swarm from snap, the
 * filter stage's counts from mark, the clock at clock; the inputs are
 * opened again and read from there on. False with one line in err (a
 * file that can no longer be opened). */
bool pipeline_rewind(struct pipeline *p, const struct swarm_snapshot *snap,
                     const struct filters_mark *mark, int64_t clock, char *err,
                     size_t errlen);

/* Where the HUD takes its values from. */
struct hud_sources pipeline_hud_sources(const struct pipeline *p);

/* Whether the input is over: every event fed, or the clock past --stop. */
bool pipeline_over(const struct pipeline *p);

/* Whether SIGINT or SIGTERM came (the one global, set by the handler). */
bool pipeline_interrupted(void);

/* 128 plus the signal that came (130 for SIGINT, 143 for SIGTERM), or 0. */
int pipeline_exit_status(void);

/* Installs the handlers of SIGINT and SIGTERM, which only set the flag. */
void pipeline_catch_signals(void);

/* The wall clock, ns since the epoch: a live input's capture time. */
int64_t pipeline_wall_ns(void);

/* What the ingest stage is to open, from the options. */
struct ingest_opts pipeline_ingest_opts(const struct options *o);

/* Says, unless quiet, what the input had to skip or clamp. */
void pipeline_report_input(struct ingest *in, bool quiet);

#endif
