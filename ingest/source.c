/* Opening an input: stdin or a file, its format sniffed from the first
 * bytes (which a pipe cannot give back, so they are replayed to the
 * format's reader through a small stream wrapper). */
#include "ingest/source.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "ingest/flowfile.h"
#include "ingest/pcapfile.h"
#include "ingest/xalloc.h"

struct source {
    const struct source_ops *ops;
    bool flows;
    void *impl;
    char *name;
    struct source_stats stats;
};

/* A read-only stream that yields prefix[] first, then the rest of fp. */
struct replay {
    FILE *fp;
    unsigned char prefix[8];
    size_t len, pos;
};

static ssize_t replay_read(void *cookie, char *buf, size_t n)
{
    struct replay *r = cookie;
    size_t got = 0;
    while (r->pos < r->len && got < n)
        buf[got++] = (char)r->prefix[r->pos++];
    if (got < n) {
        got += fread(buf + got, 1, n - got, r->fp);
        if (got == 0 && ferror(r->fp))
            return -1;
    }
    return (ssize_t)got;
}

static int replay_close(void *cookie)
{
    struct replay *r = cookie;
    int rc = r->fp == stdin ? 0 : fclose(r->fp);
    free(r);
    return rc;
}

static FILE *replay_open(FILE *fp, const unsigned char *prefix, size_t len)
{
    struct replay *r = xcalloc(1, sizeof(*r));
    r->fp = fp;
    memcpy(r->prefix, prefix, len);
    r->len = len;
    FILE *s = fopencookie(r, "rb", (cookie_io_functions_t){.read = replay_read,
                                                           .close = replay_close});
    if (!s)
        free(r);
    return s;
}

static bool is_pcap_magic(const unsigned char *m)
{
    static const unsigned char magics[][4] = {
        {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, /* pcap, usec */
        {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d}, /* pcap, nsec */
        {0x34, 0xcd, 0xb2, 0xa1}, {0xa1, 0xb2, 0xcd, 0x34}, /* Kuznetzov */
        {0x0a, 0x0d, 0x0d, 0x0a},                           /* pcapng SHB */
    };
    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
        if (memcmp(m, magics[i], 4) == 0)
            return true;
    return false;
}

struct source *source_open(const char *path, const char *filter, char *err,
                           size_t errlen)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    return source_open_stream(fp, is_stdin ? "<stdin>" : path, filter, err, errlen);
}

struct source *source_open_stream(FILE *fp, const char *name, const char *filter,
                                  char *err, size_t errlen)
{
    bool is_stdin = fp == stdin;
    unsigned char magic[4];
    size_t got = fread(magic, 1, sizeof(magic), fp);
    if (got < sizeof(magic)) {
        snprintf(err, errlen, "%s: %s", name,
                 ferror(fp) ? strerror(errno)
                            : got == 0 ? "empty input, not a capture"
                                       : "too short to be a capture");
        if (!is_stdin)
            fclose(fp);
        return NULL;
    }
    /* flow-tools: 0xcf 0x10, byte order, stream version (ftlib.h) */
    bool flows = magic[0] == 0xcf && magic[1] == 0x10;
    if (!flows && !is_pcap_magic(magic)) {
        snprintf(err, errlen,
                 "%s: not a pcap, pcapng or flow-tools file (first bytes %02x %02x %02x "
                 "%02x)",
                 name, magic[0], magic[1], magic[2], magic[3]);
        if (!is_stdin)
            fclose(fp);
        return NULL;
    }
    /* Give the sniffed bytes back: by seeking where the stream allows it,
     * else by replaying them in front of it. */
    FILE *in = NULL;
    if (!is_stdin && fseek(fp, 0, SEEK_SET) == 0)
        in = fp;
    else if (!(in = replay_open(fp, magic, sizeof(magic)))) {
        snprintf(err, errlen, "%s: %s", name, strerror(errno));
        if (!is_stdin)
            fclose(fp);
        return NULL;
    }
    bool pcapng = magic[0] == 0x0a && magic[1] == 0x0d;
    void *impl = flows ? flowfile_open(in, name, err, errlen)
                       : pcapfile_open(in, name, pcapng, filter, err, errlen);
    if (!impl)
        return NULL;
    struct source *s = xcalloc(1, sizeof(*s));
    s->ops = flows ? &flowfile_ops : &pcapfile_ops;
    s->flows = flows;
    s->impl = impl;
    s->name = strdup(name);
    return s;
}

bool source_next(struct source *s, struct event *ev)
{
    return s->ops->next(s->impl, ev, &s->stats);
}

bool source_scan(struct source *s, struct activity *act, struct gaps *gaps)
{
    struct event ev;
    bool any = false;
    while (source_next(s, &ev)) {
        activity_add(act, ev.time_ns, ev.end_ns, (double)ev.octets);
        if (gaps)
            gaps_add(gaps, ev.time_ns, ev.end_ns);
        any = true;
    }
    return any;
}

const struct source_stats *source_stats(const struct source *s)
{
    return &s->stats;
}

bool source_is_flows(const struct source *s)
{
    return s->flows;
}

const char *source_name(const struct source *s)
{
    return s->name;
}

void source_destroy(struct source *s)
{
    if (!s)
        return;
    s->ops->destroy(s->impl);
    free(s->name);
    free(s);
}

const char *addr_format(const struct addr *a, char *buf, unsigned len)
{
    /* family 0 (a side a record does not name) reads as 0.0.0.0 */
    if (!inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->b, buf, len))
        snprintf(buf, len, "?");
    return buf;
}
