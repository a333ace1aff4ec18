/* The one pump: events reach the sink in time order, up to the clock and
 * no further; a stage that drops an event hides it from later stages and
 * the sink; events over before the start are left out; the end is seen.
 * usage: test_feed CAPTURE */
#include <string.h>

#include "app/feed.h"
#include "check.h"

struct tally {
    size_t n;
    int64_t last, latest;
    bool ordered;
    size_t udp;
};

static void sink(void *ctx, const struct event *ev)
{
    struct tally *t = ctx;
    t->ordered &= t->n == 0 || ev->time_ns >= t->last;
    t->last = ev->time_ns;
    t->n++;
    t->udp += ev->proto == 17;
}

static bool drop_udp(void *ctx, struct event *ev)
{
    (*(size_t *)ctx)++;
    return ev->proto != 17;
}

static bool count(void *ctx, struct event *ev)
{
    (*(size_t *)ctx)++;
    return true;
}

static struct ingest *open_input(const char *path)
{
    char err[512];
    const char *paths[1] = {path};
    struct ingest *in = ingest_create(&(struct ingest_opts){.paths = paths, .npaths = 1},
                                      err, sizeof(err));
    if (!in)
        fprintf(stderr, "test_feed: %s\n", err);
    else
        ingest_start(in);
    return in;
}

/* Every event, no stage: the reference count and span. */
static size_t all_events(const char *path, int64_t *first, int64_t *mid, size_t *udp)
{
    struct ingest *in = open_input(path);
    struct tally t = {.ordered = true};
    struct feed *f = feed_create(&(struct feed_opts){.in = in, .sink = sink, .sink_ctx = &t,
                                                     .from_ns = INT64_MIN});
    feed_until(f, INT64_MIN, true);
    CHECK(t.n == 0 && feed_peek(f) != NULL);
    *first = feed_peek(f)->time_ns;
    feed_until(f, INT64_MAX, true);
    CHECK(feed_ended(f) && feed_peek(f) == NULL);
    CHECK(t.ordered);
    *mid = *first + (t.last - *first) / 2;
    *udp = t.udp;
    feed_destroy(f);
    ingest_destroy(in);
    return t.n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_feed CAPTURE\n");
        return 2;
    }
    int64_t first, mid;
    size_t udp, total = all_events(argv[1], &first, &mid, &udp);
    CHECK(total > 100 && udp > 0 && udp < total);

    /* a stage drops UDP: the sink and the stage after it never see it */
    struct ingest *in = open_input(argv[1]);
    struct tally t = {.ordered = true};
    size_t seen_first = 0, seen_second = 0;
    struct feed *f = feed_create(&(struct feed_opts){.in = in, .sink = sink, .sink_ctx = &t,
                                                     .from_ns = INT64_MIN});
    feed_add_stage(f, &(struct feed_stage){drop_udp, &seen_first});
    feed_add_stage(f, &(struct feed_stage){count, &seen_second});
    feed_until(f, mid, true);
    CHECK(t.last <= mid && feed_peek(f) && feed_peek(f)->time_ns > mid);
    CHECK(!feed_ended(f));
    size_t half = seen_first;
    feed_until(f, INT64_MAX, true);
    CHECK(half > 0 && half < total);
    CHECK_EQ_U(seen_first, total);
    CHECK_EQ_U(seen_second, total - udp);
    CHECK_EQ_U(t.n, total - udp);
    CHECK(t.udp == 0 && t.ordered && feed_ended(f));
    feed_destroy(f);
    ingest_destroy(in);

    /* from the middle on: what ended before it is left out */
    in = open_input(argv[1]);
    struct tally late = {.ordered = true};
    f = feed_create(&(struct feed_opts){.in = in, .sink = sink, .sink_ctx = &late,
                                        .from_ns = INT64_MIN});
    feed_set_from(f, mid);
    feed_until(f, INT64_MAX, true);
    CHECK(late.n > 0 && late.n < total);
    CHECK(feed_reached(f) >= mid);
    feed_destroy(f);
    ingest_destroy(in);
    return check_done("feed");
}
