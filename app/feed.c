/* The event pump between the ingest ring and its consumers. */
#include "app/feed.h"

#include "base/xalloc.h"

enum { BATCH = 4096 };

struct feed {
    struct feed_opts o;
    struct feed_stage stages[FEED_STAGES_MAX];
    unsigned nstages;
    struct event buf[BATCH]; /* popped from the ring, not yet due */
    size_t n, pos;
    int64_t after_ns; /* events starting at or before it are left out */
    bool ended;       /* the input is exhausted */
    uint64_t clamped;
    int64_t reached_ns;
};

struct feed *feed_create(const struct feed_opts *opts)
{
    struct feed *f = xcalloc(1, sizeof(*f));
    f->o = *opts;
    f->after_ns = INT64_MIN;
    return f;
}

void feed_destroy(struct feed *f)
{
    free(f);
}

void feed_add_stage(struct feed *f, const struct feed_stage *stage)
{
    if (f->nstages == FEED_STAGES_MAX) {
        fprintf(stderr, "flowswarm: more than %d feed stages\n", FEED_STAGES_MAX);
        abort(); /* a programming error: the stages are fixed at start */
    }
    f->stages[f->nstages++] = *stage;
}

void feed_set_from(struct feed *f, int64_t from_ns)
{
    f->o.from_ns = from_ns;
}

void feed_set_after(struct feed *f, int64_t after_ns)
{
    f->after_ns = after_ns;
}

static void pass(struct feed *f, struct event *ev)
{
    if (ev->flags & EVENT_NAME) {
        if (f->o.names)
            f->o.names(f->o.names_ctx, ev);
        return;
    }
    if (ev->end_ns < f->o.from_ns || ev->time_ns <= f->after_ns)
        return;
    f->clamped += (ev->flags & EVENT_CLAMPED) != 0;
    if (f->o.activity)
        activity_add(f->o.activity, ev->time_ns, ev->end_ns, (double)ev->octets);
    if (ev->end_ns > f->reached_ns)
        f->reached_ns = ev->end_ns;
    for (unsigned i = 0; i < f->nstages; i++)
        if (!f->stages[i].event(f->stages[i].ctx, ev))
            return;
    f->o.sink(f->o.sink_ctx, ev);
}

void feed_until(struct feed *f, int64_t clock, bool block)
{
    for (;;) {
        while (f->pos < f->n) {
            struct event *ev = &f->buf[f->pos];
            if (ev->time_ns > clock)
                return;
            f->pos++;
            pass(f, ev);
        }
        if (f->ended)
            return;
        f->n = ingest_pop(f->o.in, f->buf, BATCH, false);
        f->pos = 0;
        if (f->n > 0)
            continue;
        if (ingest_finished(f->o.in))
            f->ended = true;
        if (f->ended || !block || (f->o.cancelled && f->o.cancelled()))
            return;
        ingest_wait(f->o.in, 100); /* a signal is seen within 0.1 s */
    }
}

const struct event *feed_peek(const struct feed *f)
{
    return f->pos < f->n ? &f->buf[f->pos] : NULL;
}

bool feed_ended(const struct feed *f)
{
    return f->ended && f->pos >= f->n;
}

uint64_t feed_clamped(const struct feed *f)
{
    return f->clamped;
}

int64_t feed_reached(const struct feed *f)
{
    return f->reached_ns;
}
