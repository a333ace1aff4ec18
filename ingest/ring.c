/* Event ring: a circular array guarded by one mutex that is held only
 * while a batch is copied; condition variables wake the other side. */
#include "ingest/ring.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "base/xalloc.h"

struct ring {
    struct event *buf;
    size_t cap;
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    /* guarded by lock: */
    size_t head;   /* next slot to read */
    size_t count;  /* events in the ring */
    bool closed;   /* producer is done */
    bool cancelled;
    uint64_t dropped;
};

struct ring *ring_create(size_t capacity)
{
    struct ring *r = xcalloc(1, sizeof(*r));
    r->cap = capacity ? capacity : 65536;
    r->buf = xcalloc(r->cap, sizeof(*r->buf));
    pthread_mutex_init(&r->lock, NULL);
    pthread_condattr_t attr; /* timed waits on the monotonic clock */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&r->not_empty, &attr);
    pthread_condattr_destroy(&attr);
    pthread_cond_init(&r->not_full, NULL);
    return r;
}

void ring_destroy(struct ring *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->not_empty);
    pthread_cond_destroy(&r->not_full);
    free(r->buf);
    free(r);
}

/* Copies n events in at the tail; the caller holds the lock and checked
 * the room. */
static void copy_in(struct ring *r, const struct event *evs, size_t n)
{
    size_t tail = (r->head + r->count) % r->cap;
    size_t first = n < r->cap - tail ? n : r->cap - tail;
    memcpy(r->buf + tail, evs, first * sizeof(*evs));
    memcpy(r->buf, evs + first, (n - first) * sizeof(*evs));
    r->count += n;
}

size_t ring_push(struct ring *r, const struct event *evs, size_t n, enum ring_full full)
{
    size_t done = 0;
    pthread_mutex_lock(&r->lock);
    while (done < n && !r->cancelled) {
        size_t room = r->cap - r->count;
        if (room == 0) {
            if (full != RING_WAIT) {
                r->dropped += full == RING_DROP ? n - done : 0;
                break;
            }
            pthread_cond_wait(&r->not_full, &r->lock);
            continue;
        }
        size_t k = n - done < room ? n - done : room;
        copy_in(r, evs + done, k);
        done += k;
        pthread_cond_signal(&r->not_empty);
    }
    pthread_mutex_unlock(&r->lock);
    return done;
}

void ring_close(struct ring *r)
{
    pthread_mutex_lock(&r->lock);
    r->closed = true;
    pthread_cond_broadcast(&r->not_empty);
    pthread_mutex_unlock(&r->lock);
}

size_t ring_pop(struct ring *r, struct event *out, size_t max, bool block)
{
    pthread_mutex_lock(&r->lock);
    while (block && r->count == 0 && !r->closed)
        pthread_cond_wait(&r->not_empty, &r->lock);
    size_t n = r->count < max ? r->count : max;
    size_t first = n < r->cap - r->head ? n : r->cap - r->head;
    memcpy(out, r->buf + r->head, first * sizeof(*out));
    memcpy(out + first, r->buf, (n - first) * sizeof(*out));
    r->head = (r->head + n) % r->cap;
    r->count -= n;
    if (n)
        pthread_cond_signal(&r->not_full);
    pthread_mutex_unlock(&r->lock);
    return n;
}

bool ring_wait(struct ring *r, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r->lock);
    int rc = 0;
    while (r->count == 0 && !r->closed && rc == 0)
        rc = pthread_cond_timedwait(&r->not_empty, &r->lock, &until);
    bool ready = r->count > 0 || r->closed;
    pthread_mutex_unlock(&r->lock);
    return ready;
}

void ring_cancel(struct ring *r)
{
    pthread_mutex_lock(&r->lock);
    r->cancelled = true;
    pthread_cond_broadcast(&r->not_full);
    pthread_mutex_unlock(&r->lock);
}

bool ring_finished(struct ring *r)
{
    pthread_mutex_lock(&r->lock);
    bool fin = r->closed && r->count == 0;
    pthread_mutex_unlock(&r->lock);
    return fin;
}

uint64_t ring_dropped(struct ring *r)
{
    pthread_mutex_lock(&r->lock);
    uint64_t d = r->dropped;
    pthread_mutex_unlock(&r->lock);
    return d;
}
