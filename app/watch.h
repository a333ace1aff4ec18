/* The scans stage: analyze/scans.c watching every event before the
 * filters, so that the filters, the counts and the swarm all see which
 * end is a client port and which events are a scanner's probes. */
#ifndef FLOWSWARM_WATCH_H
#define FLOWSWARM_WATCH_H

#include <stdint.h>

#include "analyze/scans.h"
#include "app/feed.h"
#include "app/options.h"

struct watch;

/* NULL with --no-scans: no stage, nothing marked. */
struct watch *watch_create(const struct options *o);
void watch_destroy(struct watch *w);

/* Adds the stage to the feed (before the filters'). */
void watch_attach(struct watch *w, struct feed *feed);

/* The capture clock reached now_ns (probes past their wait fail);
 * INT64_MAX: the input is over. */
void watch_settle(struct watch *w, int64_t now_ns);

/* A replay went back in time: what was learnt is learnt again. */
void watch_rewind(struct watch *w);

/* The analyser, for the HUD and the report; NULL for a NULL w. */
const struct scans *watch_scans(const struct watch *w);

/* Whether a is a scanner found so far; false for a NULL w. */
bool watch_is_scanner(const struct watch *w, const struct addr *a);

/* Scanners found so far; 0 for a NULL w. */
size_t watch_scanners(const struct watch *w);

/* The end of a run: probes still waiting fail, and the scanners found are
 * listed on stderr in one line (unless quiet). */
void watch_report(struct watch *w, bool quiet);

#endif
