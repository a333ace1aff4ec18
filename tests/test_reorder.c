/* Reorder: events within the window leave sorted, stragglers beyond it
 * are clamped and counted (never dropped), a full heap releases early,
 * ties keep arrival order, and flush empties it. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ingest/reorder.h"

static struct event ev(int64_t t, uint16_t tag)
{
    struct event e;
    memset(&e, 0, sizeof(e));
    e.time_ns = e.end_ns = t;
    e.sport = tag;
    return e;
}

static void test_sorts_within_window(void)
{
    struct reorder *r = reorder_create(&(struct reorder_opts){.capacity = 100,
                                                              .window_ns = 10});
    const int64_t times[] = {5, 3, 9, 1, 7, 20, 15, 12, 40, 33, 31, 60};
    struct event out[32];
    size_t k = 0;
    for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        while (reorder_pop(r, &out[k], false))
            k++;
        struct event e = ev(times[i], (uint16_t)i);
        reorder_push(r, &e);
    }
    while (reorder_pop(r, &out[k], true))
        k++;
    CHECK_EQ_U(k, 12);
    for (size_t i = 1; i < k; i++)
        CHECK(out[i - 1].time_ns <= out[i].time_ns);
    CHECK_EQ_U(reorder_clamped(r), 0);
    CHECK_EQ_U(reorder_size(r), 0);
    reorder_destroy(r);
}

static void test_straggler_clamped(void)
{
    struct reorder *r = reorder_create(&(struct reorder_opts){.capacity = 100,
                                                              .window_ns = 10});
    struct event out[8];
    size_t k = 0;
    const int64_t times[] = {100, 150, 50}; /* 50 arrives after 100 left */
    for (size_t i = 0; i < 3; i++) {
        while (reorder_pop(r, &out[k], false))
            k++;
        struct event e = ev(times[i], (uint16_t)i);
        e.end_ns = times[i] + 5;
        reorder_push(r, &e);
    }
    while (reorder_pop(r, &out[k], true))
        k++;
    CHECK_EQ_U(k, 3); /* nothing dropped */
    CHECK(out[0].time_ns == 100);
    CHECK(out[1].time_ns == 100 && out[1].sport == 2); /* raised to 100 */
    CHECK(out[1].end_ns == 105);                       /* duration kept */
    CHECK(out[2].time_ns == 150);
    CHECK_EQ_U(reorder_clamped(r), 1);
    reorder_destroy(r);
}

static void test_capacity_and_ties(void)
{
    struct reorder *r = reorder_create(&(struct reorder_opts){.capacity = 4,
                                                              .window_ns = 1000000});
    struct event out[64];
    size_t k = 0;
    for (int i = 0; i < 20; i++) {
        while (reorder_pop(r, &out[k], false))
            k++;
        CHECK(reorder_size(r) < 4);
        struct event e = ev(7, (uint16_t)i); /* all at the same time */
        reorder_push(r, &e);
    }
    while (reorder_pop(r, &out[k], true))
        k++;
    CHECK_EQ_U(k, 20);
    for (size_t i = 0; i < k; i++)
        CHECK_EQ_U(out[i].sport, i); /* ties leave in arrival order */
    reorder_destroy(r);
}

static void test_random_permutation(void)
{
    /* Times shuffled by at most the window: output must be fully sorted. */
    enum { N = 5000 };
    struct reorder *r = reorder_create(&(struct reorder_opts){.capacity = 1024,
                                                              .window_ns = 100});
    struct event *out = calloc(N, sizeof(*out));
    unsigned seed = 12345;
    size_t k = 0;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        int64_t t = (int64_t)i * 10 + (int64_t)(seed >> 16) % 90;
        while (reorder_pop(r, &out[k], false))
            k++;
        struct event e = ev(t, 0);
        reorder_push(r, &e);
    }
    while (reorder_pop(r, &out[k], true))
        k++;
    CHECK_EQ_U(k, N);
    bool sorted = true;
    for (size_t i = 1; i < k; i++)
        sorted &= out[i - 1].time_ns <= out[i].time_ns;
    CHECK(sorted);
    CHECK_EQ_U(reorder_clamped(r), 0);
    free(out);
    reorder_destroy(r);
}

int main(void)
{
    test_sorts_within_window();
    test_straggler_clamped();
    test_capacity_and_ties();
    test_random_permutation();
    return check_done("reorder");
}
