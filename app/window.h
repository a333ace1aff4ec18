/* The wall-clock loop: a replay (or, later, live input) in a window,
 * with the keys of app/input.c. */
#ifndef FLOWSWARM_WINDOW_H
#define FLOWSWARM_WINDOW_H

#include "app/options.h"

/* Plays as o says until the user quits (or the input ends, with
 * --stop-at-end). Returns the process exit status. */
int window_run(const struct options *o);

#endif
