/* Seeking in a file replay: the window keeps checkpoints of the
 * simulation as it plays, and a seek re-runs it from the nearest one at
 * or before the target, on the export's fixed step, so the picture after
 * a seek is what playing would have shown. */
#ifndef FLOWSWARM_SEEK_H
#define FLOWSWARM_SEEK_H

#include "app/pipeline.h"

struct seek;

struct seek *seek_create(void);
void seek_destroy(struct seek *k);

/* After each step of play: keeps a checkpoint when the clock has gone far
 * enough past the last one. show_ns is the shown time of that clock. */
void seek_note(struct seek *k, struct pipeline *p, int64_t show_ns);

/* Moves the replay by delta_s seconds of capture time (clamped to the
 * shown span) at speed (capture seconds per shown second); *show_ns
 * follows. False with one line in msg when it cannot (live input,
 * stdin, an input that cannot be opened again). */
bool seek_by(struct seek *k, struct pipeline *p, double delta_s, double speed,
             int64_t *show_ns, char *msg, size_t len);

#endif
