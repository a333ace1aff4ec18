/* libFuzzer target: the trailing expression. The first byte gives the
 * expression's length; it is compiled for flow records (placing any
 * syntax error on a word of it), and the rest of the input is read as
 * records (48 bytes each) that the compiled filter is run on. A failure
 * must say why in a message that names the expression. */
#include <stdlib.h>
#include <string.h>

#include "ingest/bpfexpr.h"

enum { RECORD = 48 };

static void record(const uint8_t *p, struct event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->src.family = ev->dst.family = p[0] & 1 ? 6 : p[0] & 2 ? 0 : 4;
    memcpy(ev->src.b, p + 1, ev->src.family == 6 ? 16 : 4);
    memcpy(ev->dst.b, p + 17, ev->dst.family == 6 ? 16 : 4);
    ev->proto = p[33];
    ev->sport = (uint16_t)(p[34] << 8 | p[35]);
    ev->dport = (uint16_t)(p[36] << 8 | p[37]);
    ev->tcpflags = p[38];
    memcpy(&ev->packets, p + 39, sizeof(ev->packets));
    memcpy(&ev->octets, p + 43, 5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = data[0] % 160;
    if (n > size - 1)
        n = size - 1;
    char *expr = malloc(n + 1); /* exact size: an overread leaves it */
    memcpy(expr, data + 1, n);
    expr[n] = 0;
    char err[1024] = "";
    struct bpfexpr *b = bpfexpr_create(expr, "fuzz", err, sizeof(err));
    if (!b) {
        if (!strstr(err, "fuzz: ") || !err[6])
            abort(); /* every refusal names the input and says why */
    } else {
        struct event ev;
        for (size_t off = 1 + n; off + RECORD <= size; off += RECORD) {
            record(data + off, &ev);
            bpfexpr_match(b, &ev);
        }
        bpfexpr_destroy(b);
    }
    free(expr);
    return 0;
}
