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
#include "fuzz/expressions.h"
#include "ingest/bpfexpr.h"

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
    size_t at;
    char *expr = fuzz_expression(data, size, &at);
    if (!expr)
        return 0;
    size_t n = at - 1;
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
        for (size_t off = at; off + RECORD <= size; off += RECORD) {
            fuzz_record(data + off, &ev);
            bool mine = filter_match(x, &ev, &env);
            /* a record of IPv6's fragment header does not say what follows
             * it, and libpcap's ip6 primitives look behind that header */
            bool opaque = ev.proto == 44 && ev.src.family == 6;
            if (b && !opaque && mine != bpfexpr_match(b, &ev)) {
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
