/* libFuzzer target: arbitrary event sequences through the reorder heap
 * and the event ring. Every event must come out exactly once, in time
 * order, with clamping counted; nothing is lost or invented. */
#include <stdlib.h>
#include <string.h>

#include "ingest/reorder.h"
#include "ingest/ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    size_t cap = 1 + data[0] % 64;
    int64_t window = (int64_t)(data[1] % 32);
    size_t ringcap = 1 + data[2] % 16;
    struct reorder *r = reorder_create(&(struct reorder_opts){.capacity = cap,
                                                              .window_ns = window + 1});
    struct ring *ring = ring_create(ringcap);
    size_t n_in = 0, n_out = 0, n_pushed = 0;
    int64_t t = 0, last = INT64_MIN;
    struct event ev, out, popped[16];
    memset(&ev, 0, sizeof(ev));
    for (size_t i = 3; i + 1 < size; i += 2) {
        /* a signed step: most forward, some back in time */
        t += (int8_t)data[i];
        ev.time_ns = t;
        ev.end_ns = t + data[i + 1];
        ev.sport = (uint16_t)n_in;
        while (reorder_pop(r, &out, false)) {
            if (out.time_ns < last)
                abort();
            last = out.time_ns;
            if (n_pushed - n_out == ringcap) /* full: drain, as the consumer would */
                n_out += ring_pop(ring, popped, 16, false);
            if (ring_push(ring, &out, 1, RING_DROP) != 1)
                abort();
            n_pushed++;
        }
        reorder_push(r, &ev);
        n_in++;
    }
    while (reorder_pop(r, &out, true)) {
        if (out.time_ns < last || out.end_ns < out.time_ns - 255)
            abort();
        last = out.time_ns;
        if (n_pushed - n_out == ringcap)
            n_out += ring_pop(ring, popped, 16, false);
        if (ring_push(ring, &out, 1, RING_DROP) != 1)
            abort();
        n_pushed++;
    }
    ring_close(ring);
    size_t k;
    while ((k = ring_pop(ring, popped, 16, true)) > 0)
        n_out += k;
    if (n_out != n_in || n_pushed != n_in || reorder_size(r) != 0 ||
        ring_dropped(ring) != 0)
        abort();
    reorder_destroy(r);
    ring_destroy(ring);
    return 0;
}
