/* The doubling histogram. Positions are computed in double: capture times
 * near 2^60 ns lose a few hundred ns there, far below a bucket's width. */
#include "timeline/activity.h"

#include <math.h>
#include <string.h>

enum { K = ACTIVITY_BUCKETS };

#define WIDTH_START INT64_C(1000000)        /* 1 ms */
/* Past 2^50 ns (13 days) a bucket, 2048 of them span 73 years: the span
 * stops doubling (events beyond it count in the end buckets), which keeps
 * every bound within int64_t. */
#define WIDTH_MAX (INT64_C(1) << 50)

void activity_init(struct activity *a)
{
    memset(a, 0, sizeof(*a));
}

static double pos(const struct activity *a, int64_t t)
{
    return ((double)t - (double)a->base_ns) / (double)a->width_ns;
}

/* Halves the resolution: pairs of buckets merge, and the span doubles to
 * the right (keep_left) or to the left. */
static void coarsen(struct activity *a, bool keep_left)
{
    double merged[K / 2];
    for (int j = 0; j < K / 2; j++)
        merged[j] = a->octets[2 * j] + a->octets[2 * j + 1];
    memset(a->octets, 0, sizeof(a->octets));
    memcpy(a->octets + (keep_left ? 0 : K / 2), merged, sizeof(merged));
    if (!keep_left)
        a->base_ns -= (int64_t)K * a->width_ns;
    a->width_ns *= 2;
}

static void cover(struct activity *a, int64_t t)
{
    while (a->width_ns < WIDTH_MAX) {
        double p = pos(a, t);
        if (p >= 0 && p < K)
            return;
        coarsen(a, p >= 0);
    }
}

static int bucket(const struct activity *a, int64_t t)
{
    double p = floor(pos(a, t));
    return p < 0 ? 0 : p >= K ? K - 1 : (int)p;
}

void activity_add(struct activity *a, int64_t start, int64_t end, double octets)
{
    if (end < start)
        end = start;
    if (!a->any) {
        a->width_ns = WIDTH_START;
        a->base_ns = start;
        a->first_ns = start;
        a->last_ns = end;
        a->any = true;
    }
    cover(a, start);
    cover(a, end);
    a->first_ns = start < a->first_ns ? start : a->first_ns;
    a->last_ns = end > a->last_ns ? end : a->last_ns;
    int b0 = bucket(a, start), b1 = bucket(a, end);
    if (b0 == b1) {
        a->octets[b0] += octets;
        return;
    }
    /* spread by the share of the span in each bucket */
    double p0 = pos(a, start), p1 = pos(a, end), span = p1 - p0;
    for (int b = b0; b <= b1; b++) {
        double lo = fmax(p0, b), hi = fmin(p1, b + 1.0);
        if (hi > lo)
            a->octets[b] += octets * (hi - lo) / span;
    }
}

void activity_bins(const struct activity *a, int64_t from, int64_t to, double *out, size_t n)
{
    memset(out, 0, n * sizeof(*out));
    if (!a->any || n == 0 || to <= from)
        return;
    /* each bucket's octets go to the bins it overlaps, by overlap; no
     * octet lies outside the times added, so a bucket is cut to them */
    double scale = (double)n / ((double)to - (double)from);
    for (int b = 0; b < K; b++) {
        if (a->octets[b] == 0)
            continue;
        double t0 = (double)a->base_ns + (double)b * (double)a->width_ns;
        double t1 = fmin(t0 + (double)a->width_ns, (double)a->last_ns);
        t0 = fmax(t0, (double)a->first_ns);
        double x0 = (t0 - (double)from) * scale, x1 = (t1 - (double)from) * scale;
        if (x1 <= x0) { /* one instant */
            if (x0 >= 0 && x0 < (double)n)
                out[(size_t)x0] += a->octets[b];
            continue;
        }
        if (x1 <= 0 || x0 >= (double)n)
            continue;
        double per = a->octets[b] / (x1 - x0);
        for (size_t i = (size_t)fmax(0, floor(x0)); i < n && (double)i < x1; i++) {
            double lo = fmax(x0, (double)i), hi = fmin(x1, (double)i + 1);
            if (hi > lo)
                out[i] += per * (hi - lo);
        }
    }
}
