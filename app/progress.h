/* Progress of an export on stderr: a bar on a terminal, a line every 5 s
 * otherwise, with frames, the capture time reached, frames per second
 * and the time left. */
#ifndef FLOWSWARM_PROGRESS_H
#define FLOWSWARM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
    bool tty, quiet;
    double start, last; /* wall seconds */
};

/* Seconds on the monotonic clock. */
double progress_now(void);

void progress_init(struct progress *p, bool quiet);

/* Shows frame of total (0: not known) at capture time clock_ns, unless
 * shown too recently; final always shows, and ends the bar's line. */
void progress_show(struct progress *p, int64_t frame, int64_t total, int64_t clock_ns,
                   bool final);

#endif
