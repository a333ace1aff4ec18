/* libFuzzer target: the name readers (DNS answers, TLS ClientHello,
 * HTTP Host) and the records and cache behind them. The first byte picks
 * how the payload arrived (UDP DNS, mDNS, TCP DNS, another TCP port), or
 * that it is lines of a --names file; the rest is the payload. Every name that comes out must be one a label
 * can show, within a DNS name's length, and whole again in the cache. */
#include <stdlib.h>
#include <string.h>

#include "analyze/namelog.h"
#include "analyze/names.h"
#include "ingest/nameread.h"

static void check_name(const char *s, size_t n)
{
    if (n == 0 || n > NAMEREAD_MAX_LEN)
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            abort();
}

static void found(void *ctx, const struct addr *a, const char *name, size_t len)
{
    (void)ctx;
    if (a->family != 4 && a->family != 6)
        abort();
    check_name(name, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct names *cache;
    static struct nameread_queue q;
    if (!cache) /* small, so that eviction runs too */
        cache = names_create(32);
    if (size < 1)
        return 0;
    if (data[0] % 5 == 4) { /* name log lines, one reader for the input */
        struct namelog *l = namelog_create();
        const char *p = (const char *)data + 1, *end = (const char *)data + size;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            char *line = malloc(len ? len : 1); /* exact size */
            memcpy(line, p, len);
            namelog_line(l, line, len, found, NULL);
            free(line);
            p += len + 1;
        }
        namelog_destroy(l);
        return 0;
    }
    size_t n = size - 1;
    uint8_t *p = malloc(n ? n : 1); /* exact size: an overread leaves it */
    memcpy(p, data + 1, n);
    static const struct {
        uint8_t proto;
        uint16_t sport;
    } modes[] = {{17, 53}, {17, 5353}, {6, 53}, {6, 443}};
    struct event ev = {.time_ns = 1, .proto = modes[data[0] % 4].proto,
                       .sport = modes[data[0] % 4].sport, .dport = 40000};
    ev.src.family = ev.dst.family = 4;
    ev.dst.b[0] = 10;
    nameread_init(&q, data[0]);
    struct nameread_counts c = {0};
    nameread_packet(&q, &ev, p, n, &c);
    struct event rec;
    while (nameread_pop(&q, &rec)) {
        if (!(rec.flags & EVENT_NAME) || rec.name.len > EVENT_NAME_TEXT)
            abort();
        names_take(cache, &rec);
        const char *name = names_get(cache, &rec.src, NULL);
        if (name)
            check_name(name, strlen(name));
    }
    char out[NAMEREAD_MAX_LEN + 1];
    nameread_dns(p, n, found, NULL);
    if (nameread_tls_sni(p, n, out, sizeof(out)) == 1)
        check_name(out, strlen(out));
    if (nameread_http_host(p, n, out, sizeof(out)) == 1)
        check_name(out, strlen(out));
    free(p);
    return 0;
}
