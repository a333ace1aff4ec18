/* The activity histogram: octets are neither lost nor invented whatever
 * the order and span of the events, and they land where they happened. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "timeline/activity.h"

#define MS INT64_C(1000000)
#define SEC INT64_C(1000000000)

static double sum(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-6 * fmax(fabs(a), fabs(b)) + 1e-9;
}

/* Packets one second apart, added backwards: each of 10 bins gets one. */
static void test_placement(void)
{
    static struct activity a;
    activity_init(&a);
    int64_t t0 = INT64_C(1700000000) * SEC;
    for (int i = 9; i >= 0; i--)
        activity_add(&a, t0 + i * SEC + SEC / 2, t0 + i * SEC + SEC / 2, 100.0 * (i + 1));
    CHECK(a.first_ns == t0 + SEC / 2 && a.last_ns == t0 + 9 * SEC + SEC / 2);
    double bins[10];
    activity_bins(&a, t0, t0 + 10 * SEC, bins, 10);
    for (int i = 0; i < 10; i++)
        CHECK(near(bins[i], 100.0 * (i + 1)));
}

/* A flow is spread over its span. */
static void test_spread(void)
{
    static struct activity a;
    activity_init(&a);
    activity_add(&a, 0, 0, 1); /* anchors the range at 0 */
    activity_add(&a, 2 * SEC, 6 * SEC, 4000);
    double bins[8];
    activity_bins(&a, 0, 8 * SEC, bins, 8);
    CHECK(near(bins[0], 1));
    CHECK(bins[1] < 1e-9 && bins[6] < 1e-9 && bins[7] < 1e-9);
    for (int i = 2; i < 6; i++)
        CHECK(near(bins[i], 1000));
}

/* A millisecond burst, then events years apart: every octet is kept. */
static void test_wide_spans(void)
{
    static struct activity a;
    activity_init(&a);
    double total = 0;
    int64_t t = INT64_C(1000000000) * SEC;
    for (int i = 0; i < 1000; i++, total += 64)
        activity_add(&a, t + i * 1000, t + i * 1000, 64);
    int64_t far[] = {t - 20 * 365 * 24 * 3600 * SEC, t + 3 * 365 * 24 * 3600 * SEC};
    for (size_t i = 0; i < 2; i++, total += 1500)
        activity_add(&a, far[i], far[i], 1500);
    double bins[300];
    activity_bins(&a, a.first_ns, a.last_ns + 1, bins, 300);
    CHECK(near(sum(bins, 300), total));
    CHECK(bins[0] >= 1500 && bins[299] >= 1500);
    /* the ends of time (a corrupt capture's clock): still counted */
    activity_add(&a, 0, 0, 1);
    activity_add(&a, INT64_MAX, INT64_MAX, 1);
    CHECK(near(sum(a.octets, ACTIVITY_BUCKETS), total + 2));
    CHECK(a.first_ns == 0 && a.last_ns == INT64_MAX);
}

int main(void)
{
    test_placement();
    test_spread();
    test_wide_spans();
    return check_done("activity");
}
