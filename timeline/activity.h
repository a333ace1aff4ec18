/* Activity over capture time: octets summed into a fixed number of
 * buckets whose width doubles whenever an event falls outside them, so
 * any span, from a second to years, takes the same memory and events may
 * come in any order. The HUD's histogram is drawn from it. */
#ifndef FLOWSWARM_ACTIVITY_H
#define FLOWSWARM_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ACTIVITY_BUCKETS = 2048 };

struct activity {
    int64_t base_ns;  /* start of bucket 0 */
    int64_t width_ns; /* bucket width: 1 ms times a power of two */
    int64_t first_ns, last_ns; /* earliest start and latest end added */
    bool any;
    double octets[ACTIVITY_BUCKETS];
};

/* An empty histogram; a struct activity may also start zeroed. */
void activity_init(struct activity *a);

/* Adds octets moved from start_ns to end_ns (equal for a packet), spread
 * evenly over that span. */
void activity_add(struct activity *a, int64_t start_ns, int64_t end_ns, double octets);

/* Octets falling in each of n equal bins from from_ns to to_ns. */
void activity_bins(const struct activity *a, int64_t from_ns, int64_t to_ns, double *out,
                   size_t n);

#endif
