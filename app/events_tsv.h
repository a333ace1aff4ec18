/* --events: every event that passes the filter, as one TSV line
 * (DESIGN.md's format), through the same feed as the loops. */
#ifndef FLOWSWARM_EVENTS_TSV_H
#define FLOWSWARM_EVENTS_TSV_H

#include "app/options.h"

/* Prints the inputs' events in the order each file holds them. Returns
 * the process exit status. */
int events_tsv_run(const struct options *o);

#endif
