/* The ingest thread: k-way merge of the files by their next event time,
 * then the reorder heap, then batches into the ring. A file replay waits
 * when the ring is full. Live inputs are polled and pushed as they come;
 * files beside them are their history, merged in by time. */
#include "ingest/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ingest/ring.h"
#include "ingest/source.h"
#include "base/xalloc.h"

enum { BATCH = 512, HELD_MAX = 1 << 16 };

struct input {
    struct source *src;
    struct event head; /* next event of this source, valid if live */
    bool live;
};

struct ingest {
    struct input *inputs; /* files, merged by time */
    size_t ninputs;
    struct source **lives; /* interfaces and collectors, read as they come */
    size_t nlives;
    struct reorder *reorder; /* NULL in file order */
    struct ring *ring;
    pthread_t thread;
    bool started;
    uint64_t events;  /* written by the thread, read after it ends */
    atomic_bool done; /* the thread has finished writing counters */
    bool live;        /* the inputs are live: read as they come */
    atomic_bool stop; /* live: the consumer wants the thread to end */
    int wake[2];      /* live: a byte here wakes the thread's poll() */
    _Atomic uint64_t os_dropped, if_dropped, sock_dropped, agent_dropped,
        seq_lost; /* live: the sources' counters */
    bool holding;         /* live: the files' history is still going in */
    struct event *held;   /* live events read meanwhile, HELD_MAX at most */
    size_t held_pos, nheld; /* the next to push, and the end */
    _Atomic uint64_t held_dropped; /* live events the holding buffer had no room for */
};

/* Opens the interfaces; the reader thread will poll them, woken early
 * through a pipe when it is to stop. */
static bool open_live(struct ingest *in, const struct ingest_opts *opts, char *err,
                      size_t errlen)
{
    for (size_t i = 0; i < opts->npaths; i++)
        if (strcmp(opts->paths[i], "-") == 0) {
            snprintf(err, errlen, "<stdin> cannot be read beside live input (-i, --collect): "
                                  "save it to a file and give that to -r");
            return false;
        }
    for (size_t i = 0; i < opts->nifaces + opts->ncollect; i++) {
        bool iface = i < opts->nifaces;
        struct source_params p = {
            .name = iface ? opts->ifaces[i] : opts->collect[i - opts->nifaces],
            .filter = opts->filter, .snaplen = opts->snaplen,
            .no_promisc = opts->no_promisc, .buffer_kib = opts->buffer_kib};
        in->lives[i] = source_open_live(iface ? "interface" : "collector", &p, err, errlen);
        if (!in->lives[i])
            return false;
        if (opts->names)
            source_learn_names(in->lives[i], (uint32_t)(opts->npaths + i) << 24);
        in->nlives++;
    }
    if (pipe2(in->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno));
        return false;
    }
    in->live = true;
    return true;
}

struct ingest *ingest_create(const struct ingest_opts *opts, char *err, size_t errlen)
{
    struct ingest *in = xcalloc(1, sizeof(*in));
    in->wake[0] = in->wake[1] = -1;
    in->inputs = xcalloc(opts->npaths, sizeof(*in->inputs));
    in->lives = xcalloc(opts->nifaces + opts->ncollect, sizeof(*in->lives));
    if ((opts->nifaces || opts->ncollect) && !open_live(in, opts, err, errlen))
        goto fail;
    for (size_t i = 0; i < opts->npaths; i++) {
        in->inputs[i].src = source_open(opts->paths[i], opts->filter, err, errlen);
        if (!in->inputs[i].src)
            goto fail;
        if (opts->names)
            source_learn_names(in->inputs[i].src, (uint32_t)i << 24);
        in->ninputs++;
    }
    if (!opts->file_order && in->ninputs) {
        struct reorder_opts ro = opts->reorder;
        bool flows = false;
        for (size_t i = 0; i < in->ninputs; i++)
            flows |= source_kind(in->inputs[i].src)->flows;
        /* Flow records leave the exporter when they end, so their start
         * times lag by up to the active timeout (30 min on Cisco): hold
         * them longer, in a larger heap (256 Ki events, 26 MB). */
        if (flows && !ro.window_ns)
            ro.window_ns = 15 * 60 * INT64_C(1000000000);
        if (flows && !ro.capacity)
            ro.capacity = 1 << 18;
        in->reorder = reorder_create(&ro);
    }
    in->ring = ring_create(opts->ring_capacity);
    return in;
fail:
    ingest_destroy(in);
    return NULL;
}

/* Index of the input whose next event is oldest (ties: the earlier -r). */
static long oldest_input(struct ingest *in)
{
    long best = -1;
    for (size_t i = 0; i < in->ninputs; i++)
        if (in->inputs[i].live &&
            (best < 0 || in->inputs[i].head.time_ns < in->inputs[best].head.time_ns))
            best = (long)i;
    return best;
}

/* Appends ev to the batch, pushing the batch when full. False once the
 * consumer has cancelled. */
static bool emit(struct ingest *in, struct event *batch, size_t *nb, const struct event *ev)
{
    batch[(*nb)++] = *ev;
    in->events++;
    if (*nb < BATCH)
        return true;
    size_t n = *nb;
    *nb = 0;
    return ring_push(in->ring, batch, n, RING_WAIT) == n;
}

/* What a source has to say when it ends: damage, and records it had to
 * leave out. */
static void warn_damage(struct ingest *in, const struct source *s)
{
    if (atomic_load(&in->stop))
        return; /* reading was cut short on purpose */
    const struct source_stats *st = source_stats(s);
    if (st->damaged)
        fprintf(stderr, "flowswarm: warning: %s; using what came before it\n",
                st->damage);
    if (st->skipped)
        fprintf(stderr, "flowswarm: %s: %llu of %llu records skipped: %s\n",
                source_name(s), (unsigned long long)st->skipped,
                (unsigned long long)st->records, st->skip_reason);
}

/* Reads the first event of every file. */
static void prime_files(struct ingest *in)
{
    for (size_t i = 0; i < in->ninputs; i++) {
        in->inputs[i].live = source_next(in->inputs[i].src, &in->inputs[i].head);
        if (!in->inputs[i].live)
            warn_damage(in, in->inputs[i].src);
    }
}

/* The files' next event in time order: the oldest head, through the
 * reorder heap. False once every file is read and the heap is empty. */
static bool next_merged(struct ingest *in, struct event *out)
{
    for (;;) {
        if (in->reorder && reorder_pop(in->reorder, out, false))
            return true;
        long i = oldest_input(in);
        if (i < 0)
            return in->reorder && reorder_pop(in->reorder, out, true);
        struct input *src = &in->inputs[i];
        struct event ev = src->head;
        src->live = source_next(src->src, &src->head);
        if (!src->live)
            warn_damage(in, src->src);
        if (!in->reorder) {
            *out = ev;
            return true;
        }
        reorder_push(in->reorder, &ev);
    }
}

static void *reader_main(void *arg)
{
    struct ingest *in = arg;
    struct event *batch = xcalloc(BATCH, sizeof(*batch));
    size_t nb = 0;
    bool ok = true;
    prime_files(in);
    struct event ev;
    while (ok && next_merged(in, &ev))
        ok = emit(in, batch, &nb, &ev);
    if (ok && nb)
        ring_push(in->ring, batch, nb, RING_WAIT);
    free(batch);
    atomic_store(&in->done, true);
    ring_close(in->ring);
    return NULL;
}

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Pushes a live batch without waiting: what does not fit is dropped and
 * counted by the ring. While the files' history still goes in, the batch
 * waits in the holding buffer instead, so that the history comes first;
 * what that has no room for is dropped and counted. */
static void push_live(struct ingest *in, struct event *batch, size_t *nb)
{
    in->events += *nb;
    if (!in->holding) {
        if (*nb)
            ring_push(in->ring, batch, *nb, RING_DROP);
        *nb = 0;
        return;
    }
    if (!in->held)
        in->held = xcalloc(HELD_MAX, sizeof(*in->held));
    if (in->held_pos && in->nheld + *nb > HELD_MAX) { /* move the rest to the front */
        memmove(in->held, in->held + in->held_pos,
                (in->nheld - in->held_pos) * sizeof(*in->held));
        in->nheld -= in->held_pos;
        in->held_pos = 0;
    }
    size_t k = *nb < HELD_MAX - in->nheld ? *nb : HELD_MAX - in->nheld;
    memcpy(in->held + in->nheld, batch, k * sizeof(*batch));
    in->nheld += k;
    atomic_fetch_add(&in->held_dropped, *nb - k);
    *nb = 0;
}

/* Reads what a live source has now, up to a batch; false once it stopped. */
static bool drain_live(struct ingest *in, struct source *src, struct event *batch, size_t *nb)
{
    for (int k = 0; k < BATCH; k++) {
        enum source_status st = source_read(src, &batch[*nb]);
        if (st == SOURCE_IDLE)
            return true;
        if (st == SOURCE_END) {
            fprintf(stderr, "flowswarm: %s; the other inputs go on\n",
                    source_stats(src)->damage);
            return false;
        }
        if (++*nb == BATCH)
            push_live(in, batch, nb);
    }
    return true;
}

static void live_counters(struct ingest *in)
{
    uint64_t os = 0, ifd = 0, sock = 0, agent = 0, lost = 0;
    for (size_t i = 0; i < in->nlives; i++) {
        const struct source_stats *st = source_stats(in->lives[i]);
        os += st->os_dropped;
        ifd += st->if_dropped;
        sock += st->sock_dropped;
        agent += st->agent_dropped;
        lost += st->seq_lost;
    }
    atomic_store(&in->os_dropped, os);
    atomic_store(&in->if_dropped, ifd);
    atomic_store(&in->sock_dropped, sock);
    atomic_store(&in->agent_dropped, agent);
    atomic_store(&in->seq_lost, lost);
}

/* The files given beside live inputs: their events go in time order, each
 * once the wall clock has reached it, and none is dropped: what the ring
 * has no room for waits for the next turn. */
struct history {
    struct event *batch; /* due, not yet in the ring */
    size_t n;
    struct event next;   /* the files' next event, if have */
    bool have;
};

/* Moves what is due by now into the ring, as far as it has room, then the
 * live events held meanwhile. Returns whether the live inputs must still
 * be held back. */
static bool push_history(struct ingest *in, struct history *h, int64_t now)
{
    while (h->have && h->next.time_ns <= now && h->n < BATCH) {
        h->batch[h->n++] = h->next;
        h->have = next_merged(in, &h->next);
    }
    size_t k = h->n ? ring_push(in->ring, h->batch, h->n, RING_KEEP) : 0;
    memmove(h->batch, h->batch + k, (h->n - k) * sizeof(*h->batch));
    h->n -= k;
    in->events += k;
    if (h->n || (h->have && h->next.time_ns <= now))
        return true;
    if (in->held_pos < in->nheld)
        in->held_pos += ring_push(in->ring, in->held + in->held_pos,
                                  in->nheld - in->held_pos, RING_KEEP);
    if (in->held_pos < in->nheld)
        return true;
    in->held_pos = in->nheld = 0;
    return false;
}

/* How long poll() may sleep: 50 ms, less when a file's event falls due
 * sooner, a moment while events wait for room in the ring. */
static int poll_ms(const struct ingest *in, const struct history *h, int64_t now)
{
    if (in->holding)
        return h->n || in->nheld ? 2 : 0;
    if (!h->have)
        return 50;
    int64_t ms = (h->next.time_ns - now + 999999) / 1000000;
    return ms <= 0 ? 0 : ms < 50 ? (int)ms : 50;
}

/* Live inputs are read as they come, never merged by time with each other
 * (one may stay quiet for ever): poll every descriptor and the wake pipe,
 * drain what is ready, push without waiting. Files come first, up to now. */
static void *live_main(void *arg)
{
    struct ingest *in = arg;
    struct event *batch = xcalloc(BATCH, sizeof(*batch));
    struct pollfd *fds = xcalloc(in->nlives + 1, sizeof(*fds));
    struct history h = {.batch = xcalloc(BATCH, sizeof(*h.batch))};
    size_t nb = 0, open = in->nlives;
    for (size_t i = 0; i < in->nlives; i++)
        fds[i] = (struct pollfd){.fd = source_fd(in->lives[i]), .events = POLLIN};
    fds[in->nlives] = (struct pollfd){.fd = in->wake[0], .events = POLLIN};
    prime_files(in);
    h.have = next_merged(in, &h.next);
    in->holding = push_history(in, &h, wall_ns());
    while ((open > 0 || h.have || h.n) && !atomic_load(&in->stop)) {
        /* a descriptor libpcap cannot give is read on a short timer */
        poll(fds, in->nlives + 1, poll_ms(in, &h, wall_ns()));
        for (size_t i = 0; i < in->nlives; i++)
            if (fds[i].events && !drain_live(in, in->lives[i], batch, &nb)) {
                fds[i].events = 0;
                fds[i].fd = -1;
                open--;
            }
        push_live(in, batch, &nb);
        in->holding = push_history(in, &h, wall_ns());
        live_counters(in);
    }
    free(h.batch);
    free(fds);
    free(batch);
    atomic_store(&in->done, true);
    ring_close(in->ring);
    return NULL;
}

/* SIGUSR1 only interrupts a read the reader thread is blocked in (stdin
 * held open by a writer that sends nothing): no SA_RESTART, so the read
 * fails with EINTR and the thread sees that it is to stop. */
static void on_wake_signal(int sig)
{
    (void)sig;
}

void ingest_start(struct ingest *in)
{
    struct sigaction sa = {.sa_handler = on_wake_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    if (pthread_create(&in->thread, NULL, in->live ? live_main : reader_main, in) != 0) {
        fprintf(stderr, "flowswarm: cannot start the reader thread\n");
        abort();
    }
    in->started = true;
}

size_t ingest_pop(struct ingest *in, struct event *out, size_t max, bool block)
{
    return ring_pop(in->ring, out, max, block);
}

bool ingest_wait(struct ingest *in, int timeout_ms)
{
    return ring_wait(in->ring, timeout_ms);
}

bool ingest_live(const struct ingest *in)
{
    return in->live;
}

bool ingest_finished(struct ingest *in)
{
    return ring_finished(in->ring);
}

static void add_stats(struct ingest_stats *out, const struct source_stats *st)
{
    out->records += st->records;
    out->not_ip += st->decode.not_ip;
    out->short_ += st->decode.short_;
    out->malformed += st->decode.malformed;
    out->damaged += st->damaged;
    out->names += st->names;
    out->names_malformed += st->names_malformed;
    out->events -= st->name_records;
}

void ingest_stats(struct ingest *in, struct ingest_stats *out)
{
    memset(out, 0, sizeof(*out));
    out->dropped = ring_dropped(in->ring) + atomic_load(&in->held_dropped);
    out->os_dropped = atomic_load(&in->os_dropped);
    out->if_dropped = atomic_load(&in->if_dropped);
    out->sock_dropped = atomic_load(&in->sock_dropped);
    out->agent_dropped = atomic_load(&in->agent_dropped);
    out->seq_lost = atomic_load(&in->seq_lost);
    if (!atomic_load(&in->done))
        return;
    out->events = in->events;
    out->clamped = in->reorder ? reorder_clamped(in->reorder) : 0;
    for (size_t i = 0; i < in->ninputs; i++)
        add_stats(out, source_stats(in->inputs[i].src));
    for (size_t i = 0; i < in->nlives; i++)
        add_stats(out, source_stats(in->lives[i]));
}

void ingest_destroy(struct ingest *in)
{
    if (!in)
        return;
    if (in->started) {
        atomic_store(&in->stop, true);
        if (in->wake[1] >= 0 && write(in->wake[1], "", 1) < 0)
            (void)0; /* the thread wakes within its poll timeout anyway */
        ring_cancel(in->ring);
        /* a thread blocked reading a pipe is interrupted until it ends */
        struct timespec until;
        for (;;) {
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 50000000;
            if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
            }
            if (pthread_timedjoin_np(in->thread, NULL, &until) != ETIMEDOUT)
                break;
            pthread_kill(in->thread, SIGUSR1);
        }
    }
    if (in->wake[0] >= 0) {
        close(in->wake[0]);
        close(in->wake[1]);
    }
    for (size_t i = 0; i < in->ninputs; i++)
        source_destroy(in->inputs[i].src);
    for (size_t i = 0; i < in->nlives; i++)
        source_destroy(in->lives[i]);
    free(in->inputs);
    free(in->lives);
    free(in->held);
    reorder_destroy(in->reorder);
    ring_destroy(in->ring);
    free(in);
}

bool ingest_scan(const struct ingest_opts *opts,
                 void (*each)(void *ctx, const struct event *ev), void *ctx, char *err,
                 size_t errlen)
{
    const char *const *paths = opts->paths;
    size_t npaths = opts->npaths;
    bool any = false;
    for (size_t i = 0; i < npaths; i++) {
        if (strcmp(paths[i], "-") == 0) {
            snprintf(err, errlen, "<stdin>: cannot be read twice to find its time range");
            return false;
        }
        struct source *s = source_open(paths[i], opts->filter, err, errlen);
        if (!s)
            return false;
        struct event ev;
        while (source_next(s, &ev)) {
            each(ctx, &ev);
            any = true;
        }
        source_destroy(s);
    }
    if (!any)
        snprintf(err, errlen, "%s: no IP packets or flows to show",
                 npaths == 1 ? paths[0] : "the inputs");
    return any;
}
