/* The replay's time: every form --start and --stop take, and shown time
 * mapped to capture time with idle gaps cut. */
#include <string.h>

#include "timeline/timeline.h"
#include "check.h"

#define S INT64_C(1000000000)

static int64_t parse(const char *s, int64_t first)
{
    char err[400];
    int64_t t = -1;
    if (!timeline_parse_time(s, first, &t, err, sizeof(err)))
        return -1;
    return t;
}

static void test_parse(void)
{
    int64_t first = INT64_C(1367526033) * S + 250000000; /* 2013-05-02 20:20:33.25 */
    CHECK(parse("2013-05-02 20:20:40", first) == INT64_C(1367526040) * S);
    CHECK(parse("2013-05-02T20:21", first) == INT64_C(1367526060) * S);
    CHECK(parse("2013-05-02 20:20:40.5", first) == INT64_C(1367526040) * S + S / 2);
    CHECK(parse("20:21", first) == INT64_C(1367526060) * S);       /* H:MM */
    CHECK(parse("20:20:45", first) == INT64_C(1367526045) * S);
    CHECK(parse("+90", first) == first + 90 * S);
    CHECK(parse("+1:30", first) == first + 90 * S);                /* M:SS */
    CHECK(parse("+1:00:00.5", first) == first + 3600 * S + S / 2);
    CHECK(parse("@1367526040", first) == INT64_C(1367526040) * S);
    const char *bad[] = {"", "tomorrow", "+", "+1:75", "25:00", "2013-13-01 00:00",
                         "2013-05-02 20:20:40x", "@-5", "12:00:00:00", "+-3"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        CHECK(parse(bad[i], first) == -1);
}

static void test_clock(void)
{
    static struct timeline tl;
    memset(&tl, 0, sizeof(tl));
    tl.known = true;
    tl.skip_ns = 2 * S;
    gaps_init(&tl.gaps, tl.skip_ns);
    /* flows busy over 0..5, 100..104, 300..304: gaps 5..100, 104..300 */
    int64_t busy[][2] = {{0, 5}, {100, 104}, {300, 304}};
    for (size_t i = 0; i < 3; i++)
        gaps_add(&tl.gaps, busy[i][0] * S, busy[i][1] * S);
    tl.first = 0;
    tl.last = 304 * S;
    char err[400];
    CHECK(timeline_set_span(&tl, NULL, NULL, err, sizeof(err)));
    CHECK(timeline_shown_ns(&tl) == (5 + 2 + 4 + 2 + 4) * S);
    CHECK(timeline_clock(&tl, 3 * S) == 3 * S);
    CHECK(timeline_clock(&tl, 7 * S) == 7 * S);     /* 2 s into the gap */
    CHECK(timeline_clock(&tl, 8 * S) == 101 * S);   /* then past it */
    CHECK(timeline_clock(&tl, 17 * S) == 304 * S);
    CHECK(timeline_clock(&tl, 1 * S) == 1 * S);     /* going back is allowed */
    /* a span that starts inside a gap */
    CHECK(timeline_set_span(&tl, "+50", "+302", err, sizeof(err)));
    CHECK(tl.start == 50 * S && tl.stop == 302 * S);
    CHECK(timeline_shown_ns(&tl) == (2 + 4 + 2 + 2) * S);
    CHECK(timeline_clock(&tl, 3 * S) == 101 * S);
    CHECK(!timeline_set_span(&tl, "+400", NULL, err, sizeof(err)));
    CHECK(strstr(err, "--start is outside the capture") != NULL);
    CHECK(!timeline_set_span(&tl, "+10", "+5", err, sizeof(err)));
    CHECK(strstr(err, "is not after --start") != NULL);
    gaps_free(&tl.gaps);
}

int main(void)
{
    test_parse();
    test_clock();
    return check_done("timeline");
}
