/* Event ring: batches in and out in order across the wrap, blocking and
 * non-blocking pushes, close and cancel, and a threaded producer whose
 * every event arrives once and in order. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ingest/ring.h"

static struct event ev(int64_t t)
{
    struct event e;
    memset(&e, 0, sizeof(e));
    e.time_ns = t;
    e.octets = (uint64_t)t * 3;
    return e;
}

static void test_wrap(void)
{
    struct ring *r = ring_create(8);
    struct event in[5], out[8];
    int64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 5; i++)
            in[i] = ev(next_in++);
        CHECK_EQ_U(ring_push(r, in, 5, RING_DROP), 5);
        size_t n = ring_pop(r, out, 8, false);
        CHECK_EQ_U(n, 5);
        for (size_t i = 0; i < n; i++) {
            CHECK(out[i].time_ns == next_out);
            CHECK(out[i].octets == (uint64_t)next_out * 3);
            next_out++;
        }
    }
    CHECK_EQ_U(ring_dropped(r), 0);
    ring_destroy(r);
}

static void test_drop_when_full(void)
{
    struct ring *r = ring_create(4);
    struct event in[6];
    for (int i = 0; i < 6; i++)
        in[i] = ev(i);
    CHECK_EQ_U(ring_push(r, in, 6, RING_DROP), 4);
    CHECK_EQ_U(ring_dropped(r), 2);
    struct event out[6];
    CHECK_EQ_U(ring_pop(r, out, 6, false), 4);
    CHECK(out[3].time_ns == 3);
    CHECK_EQ_U(ring_pop(r, out, 6, false), 0);
    CHECK(!ring_finished(r));
    ring_close(r);
    CHECK(ring_finished(r));
    CHECK_EQ_U(ring_pop(r, out, 6, true), 0); /* closed and empty: no wait */
    ring_destroy(r);
}

/* RING_KEEP moves what fits and counts nothing: the caller pushes the
 * rest again once the consumer made room. */
static void test_keep_when_full(void)
{
    struct ring *r = ring_create(4);
    struct event in[6], out[6];
    for (int i = 0; i < 6; i++)
        in[i] = ev(i);
    CHECK_EQ_U(ring_push(r, in, 6, RING_KEEP), 4);
    CHECK_EQ_U(ring_push(r, in + 4, 2, RING_KEEP), 0);
    CHECK_EQ_U(ring_dropped(r), 0);
    CHECK_EQ_U(ring_pop(r, out, 3, false), 3);
    CHECK_EQ_U(ring_push(r, in + 4, 2, RING_KEEP), 2);
    CHECK_EQ_U(ring_pop(r, out, 6, false), 3);
    CHECK(out[0].time_ns == 3 && out[1].time_ns == 4 && out[2].time_ns == 5);
    CHECK_EQ_U(ring_dropped(r), 0);
    ring_destroy(r);
}

enum { TOTAL = 200000 };

static void *producer(void *arg)
{
    struct ring *r = arg;
    struct event batch[37];
    int64_t t = 0;
    while (t < TOTAL) {
        size_t n = 0;
        while (n < 37 && t < TOTAL)
            batch[n++] = ev(t++);
        ring_push(r, batch, n, RING_WAIT);
    }
    ring_close(r);
    return NULL;
}

static void test_threads(void)
{
    struct ring *r = ring_create(64);
    pthread_t th;
    pthread_create(&th, NULL, producer, r);
    struct event out[50];
    int64_t expect = 0;
    bool in_order = true;
    size_t n;
    while ((n = ring_pop(r, out, 50, true)) > 0)
        for (size_t i = 0; i < n; i++)
            in_order &= out[i].time_ns == expect++;
    pthread_join(th, NULL);
    CHECK(in_order);
    CHECK_EQ_U(expect, TOTAL);
    CHECK_EQ_U(ring_dropped(r), 0); /* a blocking producer never drops */
    ring_destroy(r);
}

static void *blocked_producer(void *arg)
{
    struct ring *r = arg;
    struct event in[16];
    memset(in, 0, sizeof(in));
    size_t *moved = malloc(sizeof(size_t));
    *moved = ring_push(r, in, 16, RING_WAIT); /* room for 4: waits until cancel */
    return moved;
}

static void test_cancel(void)
{
    struct ring *r = ring_create(4);
    pthread_t th;
    pthread_create(&th, NULL, blocked_producer, r);
    ring_cancel(r);
    void *res;
    pthread_join(th, &res);
    CHECK(*(size_t *)res <= 4);
    free(res);
    ring_destroy(r);
}

int main(void)
{
    test_wrap();
    test_drop_when_full();
    test_keep_when_full();
    test_threads();
    test_cancel();
    return check_done("ring");
}
