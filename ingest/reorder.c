/* Time reorder on (time, arrival sequence): ties leave in arrival order,
 * so the output is deterministic. Most input comes in time order: an
 * event no older than the last one queued joins a FIFO, which stays
 * sorted by itself and costs nothing to keep; only an event older than
 * that goes into a binary min-heap. The next out is the smaller of the
 * two heads. Both move small keys; the events stay put in a slot pool. */
#include "ingest/reorder.h"

#include <assert.h>
#include <stdlib.h>

#include "base/xalloc.h"

struct slot {
    int64_t key;
    uint64_t seq : 40; /* arrival order; wraps after 2^40 events */
    uint64_t idx : 24; /* the event's place in the pool */
};

struct reorder {
    struct slot *heap;  /* the stragglers: n_heap of them */
    struct slot *fifo;  /* those that came in order: a ring of cap */
    size_t n_heap, fifo_head, n_fifo;
    struct event *pool;
    uint32_t *free_idx; /* unused pool places, a ring from free_head: taken in
                           the order they were freed, so a steady stream walks
                           the pool in order and the prefetcher keeps up */
    size_t n, cap, free_head;
    int64_t window_ns;
    uint64_t seq;
    int64_t newest;   /* latest time pushed */
    int64_t released; /* time of the last event out */
    bool any_released;
    uint64_t clamped;
};

struct reorder *reorder_create(const struct reorder_opts *opts)
{
    struct reorder *r = xcalloc(1, sizeof(*r));
    r->cap = opts && opts->capacity ? opts->capacity : 65536;
    r->window_ns = opts && opts->window_ns ? opts->window_ns : 2000000000LL;
    if (r->cap > (1u << 24))
        r->cap = 1u << 24;
    r->heap = xcalloc(r->cap, sizeof(*r->heap));
    r->fifo = xcalloc(r->cap, sizeof(*r->fifo));
    r->pool = xcalloc(r->cap, sizeof(*r->pool));
    r->free_idx = xcalloc(r->cap, sizeof(*r->free_idx));
    for (size_t i = 0; i < r->cap; i++)
        r->free_idx[i] = (uint32_t)i;
    r->newest = INT64_MIN;
    return r;
}

void reorder_destroy(struct reorder *r)
{
    if (!r)
        return;
    free(r->heap);
    free(r->fifo);
    free(r->pool);
    free(r->free_idx);
    free(r);
}

static bool less(const struct slot *a, const struct slot *b)
{
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

void reorder_push(struct reorder *r, const struct event *ev)
{
    assert(r->n < r->cap);
    r->n++;
    uint32_t idx = r->free_idx[r->free_head];
    r->free_head = (r->free_head + 1) % r->cap;
    r->pool[idx] = *ev;
    struct slot s = {.key = ev->time_ns, .seq = r->seq++ & ((UINT64_C(1) << 40) - 1),
                     .idx = idx};
    if (r->n_fifo == 0 || r->fifo[(r->fifo_head + r->n_fifo - 1) % r->cap].key <= s.key) {
        r->fifo[(r->fifo_head + r->n_fifo++) % r->cap] = s;
    } else {
        size_t i = r->n_heap++;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (!less(&s, &r->heap[parent]))
                break;
            r->heap[i] = r->heap[parent];
            i = parent;
        }
        r->heap[i] = s;
    }
    if (ev->time_ns > r->newest)
        r->newest = ev->time_ns;
}

/* Removes the heap's top. */
static void heap_pop(struct reorder *r)
{
    struct slot last = r->heap[--r->n_heap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= r->n_heap)
            break;
        if (c + 1 < r->n_heap && less(&r->heap[c + 1], &r->heap[c]))
            c++;
        if (!less(&r->heap[c], &last))
            break;
        r->heap[i] = r->heap[c];
        i = c;
    }
    if (r->n_heap > 0)
        r->heap[i] = last;
}

bool reorder_pop(struct reorder *r, struct event *out, bool flush)
{
    if (r->n == 0)
        return false;
    const struct slot *f = r->n_fifo ? &r->fifo[r->fifo_head] : NULL;
    const struct slot *h = r->n_heap ? &r->heap[0] : NULL;
    bool from_fifo = f && (!h || less(f, h));
    const struct slot *top = from_fifo ? f : h;
    bool due = flush || r->n >= r->cap ||
               (r->newest - top->key >= r->window_ns);
    if (!due)
        return false;
    *out = r->pool[top->idx];
    r->free_idx[(r->free_head + r->cap - r->n) % r->cap] = (uint32_t)top->idx;
    r->n--;
    if (from_fifo) {
        r->fifo_head = (r->fifo_head + 1) % r->cap;
        r->n_fifo--;
    } else {
        heap_pop(r);
    }
    if (r->any_released && out->time_ns < r->released) {
        int64_t shift = r->released - out->time_ns;
        out->time_ns = r->released;
        if (!(out->flags & EVENT_NAME)) { /* a name is not traffic: no span, not counted */
            out->end_ns = out->end_ns > INT64_MAX - shift ? INT64_MAX : out->end_ns + shift;
            out->flags |= EVENT_CLAMPED;
            r->clamped++;
        }
    }
    r->released = out->time_ns;
    r->any_released = true;
    return true;
}

size_t reorder_size(const struct reorder *r)
{
    return r->n;
}

uint64_t reorder_clamped(const struct reorder *r)
{
    return r->clamped;
}
