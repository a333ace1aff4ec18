/* libFuzzer target: the filter language. The first byte gives the
 * expression's length; it is parsed (a refusal must point inside the
 * expression or at its end, and say why), and the rest of the input is
 * read as events (48 bytes each) that the expression is matched on. Where
 * libpcap compiles the same text, the two must agree on every event: the
 * language keeps tcpdump's meaning. The rule-file reader gets the whole
 * expression as a file, too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter/expr.h"
#include "filter/set.h"
#include "ingest/bpfexpr.h"

enum { RECORD = 48 };

static void record(const uint8_t *p, struct event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->src.family = ev->dst.family = p[0] & 1 ? 6 : p[0] & 2 ? 0 : 4;
    if (ev->src.family) { /* a side a record does not name is all zeros */
        memcpy(ev->src.b, p + 1, ev->src.family == 6 ? 16 : 4);
        memcpy(ev->dst.b, p + 17, ev->dst.family == 6 ? 16 : 4);
    }
    ev->proto = p[33];
    ev->sport = (uint16_t)(p[34] << 8 | p[35]);
    ev->dport = (uint16_t)(p[36] << 8 | p[37]);
    if (ev->proto == 1 || ev->proto == 58)
        ev->sport = 0; /* ICMP: type and code in dport, as NetFlow packs them */
    ev->tcpflags = p[38];
    memcpy(&ev->packets, p + 39, sizeof(ev->packets));
    memcpy(&ev->octets, p + 43, 5);
}

static uint64_t some_bytes(void *ctx, const struct addr *a)
{
    return a->b[0] * 1000ull;
}

static const char *some_name(void *ctx, const struct addr *a)
{
    return a->b[1] & 1 ? "host.example.test" : NULL;
}

static void rule_file(const char *text)
{
    char path[] = "/tmp/fuzz-filter-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return;
    size_t n = strlen(text);
    if (write(fd, text, n) == (ssize_t)n) {
        struct filter_set *s = filter_set_create();
        char err[600] = "";
        if (!filter_set_load(s, path, err, sizeof(err)) && !strstr(err, ": bad filter '"))
            abort(); /* a refused file names the file, the line and the fault */
        filter_set_undo(s);
        filter_set_destroy(s);
    }
    close(fd);
    unlink(path);
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
    struct filter_error fe;
    struct filter_expr *x = filter_parse(expr, &fe);
    if (!x) {
        if (!fe.why[0] || fe.pos > strlen(expr) || fe.pos + fe.len > strlen(expr))
            abort(); /* every refusal says why, at a word of the expression */
        char msg[600];
        filter_error_format(expr, &fe, msg, sizeof(msg));
    } else {
        char err[1024];
        struct bpfexpr *b = !filter_uses_names(x) && !filter_uses_bytes(x) &&
                                    !strchr(expr, '\n')
                                ? bpfexpr_create(expr, "fuzz", err, sizeof(err))
                                : NULL;
        struct filter_env env = {.bytes = some_bytes, .name = some_name};
        struct event ev;
        for (size_t off = 1 + n; off + RECORD <= size; off += RECORD) {
            record(data + off, &ev);
            bool mine = filter_match(x, &ev, &env);
            if (b && mine != bpfexpr_match(b, &ev)) {
                fprintf(stderr, "'%s': flowswarm says %d, libpcap %d\n", expr, mine, !mine);
                abort();
            }
        }
        bpfexpr_destroy(b);
        filter_free(x);
    }
    if (n && !memchr(expr, 0, n))
        rule_file(expr);
    free(expr);
    return 0;
}
