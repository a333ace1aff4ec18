/* Playing the swarm: the main loop that advances the capture clock, feeds
 * events to the swarm, draws, and shows the frame in a window or encodes
 * it to a video file. */
#ifndef FLOWSWARM_PLAY_H
#define FLOWSWARM_PLAY_H

#include "app/options.h"

/* Runs a replay as the options say: to o->output headless when set, else
 * in a window. Returns the process exit status. */
int play_run(const struct options *o);

/* Prints every decoded event as TSV on stdout (DESIGN.md's --events
 * format). Returns the process exit status. */
int play_print_events(const struct options *o);

#endif
