/* Gaps between events. In time order every event either extends the
 * covered span or, starting past its end by more than the threshold,
 * opens a gap; an event out of order can only land in an older gap,
 * found by binary search, which it cuts in two (or trims). */
#include "timeline/gaps.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

void gaps_init(struct gaps *g, int64_t min_ns)
{
    memset(g, 0, sizeof(*g));
    g->min_ns = min_ns;
}

void gaps_free(struct gaps *g)
{
    free(g->v);
    memset(g, 0, sizeof(*g));
}

static void insert(struct gaps *g, size_t at, int64_t from, int64_t to)
{
    if (to - from <= g->min_ns)
        return;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->v = xreallocarray(g->v, g->cap, sizeof(*g->v));
    }
    memmove(g->v + at + 1, g->v + at, (g->n - at) * sizeof(*g->v));
    g->v[at] = (struct gap){from, to};
    g->n++;
}

/* Index of the first gap that ends after t. */
static size_t first_ending_after(const struct gaps *g, int64_t t)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->v[mid].to_ns <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void gaps_add(struct gaps *g, int64_t start, int64_t end)
{
    if (end < start)
        end = start;
    if (!g->any) {
        g->any = true;
        g->covered_ns = end;
        return;
    }
    if (start > g->covered_ns) {
        insert(g, g->n, g->covered_ns, start);
        g->covered_ns = end;
        return;
    }
    if (end > g->covered_ns)
        g->covered_ns = end;
    /* within the covered span: cut the gaps the event overlaps; a piece
     * left right of it starts at its end, which ends the loop */
    size_t i = first_ending_after(g, start);
    while (i < g->n && g->v[i].from_ns < end) {
        struct gap old = g->v[i];
        memmove(g->v + i, g->v + i + 1, (g->n - i - 1) * sizeof(*g->v));
        g->n--;
        if (start > old.from_ns) {
            size_t n = g->n;
            insert(g, i, old.from_ns, start);
            i += g->n - n;
        }
        if (end < old.to_ns)
            insert(g, i, end, old.to_ns);
    }
}
