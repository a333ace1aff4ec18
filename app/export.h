/* The capture-clock loop: a video (-o), a still (--screenshot), or both,
 * headless. Frame i shows the clock at the span's start plus i * speed /
 * fps and the swarm steps 1/fps, so the same input and options give the
 * same frames. */
#ifndef FLOWSWARM_EXPORT_H
#define FLOWSWARM_EXPORT_H

#include "app/options.h"

/* Runs an export as o says. Returns the process exit status: 0, 1 on
 * failure (one line said), 130 when interrupted (the file is complete up
 * to there). */
int export_run(const struct options *o);

#endif
