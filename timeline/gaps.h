/* Idle stretches of capture time: the gaps longer than a threshold
 * between the events of one or more inputs, found in one pass over
 * events in any order (a late event that falls into a gap found earlier
 * splits or shrinks it). For skipping the idle parts of a replay. */
#ifndef FLOWSWARM_GAPS_H
#define FLOWSWARM_GAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gap {
    int64_t from_ns, to_ns; /* no event starts or lasts in between */
};

struct gaps {
    int64_t min_ns;      /* only gaps longer than this are kept */
    struct gap *v;       /* sorted, disjoint */
    size_t n, cap;
    int64_t covered_ns;  /* the latest time any event reached */
    bool any;
};

void gaps_init(struct gaps *g, int64_t min_ns);
void gaps_free(struct gaps *g);

/* An event lasting from start_ns to end_ns (equal for a packet). */
void gaps_add(struct gaps *g, int64_t start_ns, int64_t end_ns);

#endif
