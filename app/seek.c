/* Checkpoints at growing intervals of capture time, at most a fixed
 * number: when full, every other one goes and the interval doubles, so a
 * long replay keeps checkpoints over its whole length. */
#include "app/seek.h"

#include <math.h>
#include <stdio.h>

#include "base/xalloc.h"

enum { CHECKPOINTS_MAX = 32 };
#define FIRST_INTERVAL_NS 10000000000LL /* 10 s of capture */
#define STEP_S (1.0 / 60)               /* the re-run's step, shown seconds */

struct checkpoint {
    int64_t clock, show;
    struct swarm_snapshot *swarm;
    struct filters_mark *mark;
};

struct seek {
    struct checkpoint cp[CHECKPOINTS_MAX];
    size_t n;
    int64_t interval;
};

struct seek *seek_create(void)
{
    struct seek *k = xcalloc(1, sizeof(*k));
    k->interval = FIRST_INTERVAL_NS;
    return k;
}

static void drop(struct checkpoint *c)
{
    swarm_snapshot_free(c->swarm);
    filters_mark_free(c->mark);
}

void seek_destroy(struct seek *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++)
        drop(&k->cp[i]);
    free(k);
}

static void thin(struct seek *k)
{
    size_t j = 0;
    for (size_t i = 0; i < k->n; i++) {
        if (i % 2)
            drop(&k->cp[i]);
        else
            k->cp[j++] = k->cp[i];
    }
    k->n = j;
    k->interval *= 2;
}

void seek_note(struct seek *k, struct pipeline *p, int64_t show_ns)
{
    if (!pipeline_rewindable(p) || !p->have_first)
        return;
    if (k->n && p->clock < k->cp[k->n - 1].clock + k->interval)
        return;
    if (k->n == CHECKPOINTS_MAX)
        thin(k);
    /* before the first step nothing is fed, not even what starts at the
     * clock: the checkpoint is just before it */
    int64_t clock = show_ns == 0 && p->clock == p->tl->start ? p->clock - 1 : p->clock;
    k->cp[k->n++] = (struct checkpoint){clock, show_ns, swarm_save(p->sw),
                                        filters_mark(p->filters)};
}

/* Plays on the fixed step until the clock reaches target. */
static void run_to(struct seek *k, struct pipeline *p, int64_t target, double speed,
                   int64_t *show_ns)
{
    double step_ns = speed * 1e9 * STEP_S;
    while (p->clock < target && !pipeline_over(p) && !pipeline_interrupted()) {
        *show_ns += (int64_t)llround(step_ns);
        pipeline_advance(p, *show_ns, true);
        swarm_step(p->sw, p->clock, (float)STEP_S);
        seek_note(k, p, *show_ns);
    }
}

bool seek_by(struct seek *k, struct pipeline *p, double delta_s, double speed,
             int64_t *show_ns, char *msg, size_t len)
{
    if (!pipeline_rewindable(p)) {
        snprintf(msg, len, "seeking works in file replays, not on live input or stdin");
        return false;
    }
    int64_t target = p->clock + (int64_t)llround(delta_s * 1e9);
    if (target < p->tl->start)
        target = p->tl->start;
    if (target > p->tl->stop)
        target = p->tl->stop;
    if (target < p->clock) { /* back: from the last checkpoint at or before it */
        size_t i = k->n;
        while (i > 0 && k->cp[i - 1].clock > target)
            i--;
        if (i == 0) {
            snprintf(msg, len, "no checkpoint before that moment");
            return false;
        }
        struct checkpoint *c = &k->cp[i - 1];
        if (!pipeline_rewind(p, c->swarm, c->mark, c->clock, msg, len))
            return false;
        *show_ns = c->show;
        for (size_t j = i; j < k->n; j++) /* later ones are taken again */
            drop(&k->cp[j]);
        k->n = i;
    }
    run_to(k, p, target, speed, show_ns);
    msg[0] = 0;
    return true;
}
