/* The source table and opening an input: stdin or a file, its kind
 * sniffed from the first bytes (which a pipe cannot give back, so they
 * are replayed to the kind's reader through a small stream wrapper). */
#include "ingest/source.h"

#include <errno.h>
#include <string.h>

#include "base/xalloc.h"
#include "ingest/bpfexpr.h"
#include "ingest/collector.h"
#include "ingest/flowfile.h"
#include "ingest/nameread.h"
#include "ingest/pcapfile.h"
#include "ingest/pcaplive.h"

/* Every kind of input. A new format is one file and one row here. */
static const struct source_kind *const kinds[] = {
    &pcapfile_kind,
    &pcapngfile_kind,
    &flowfile_kind,
    &pcaplive_kind,
    &collector_kind,
};

struct source {
    const struct source_kind *kind;
    void *impl;
    struct bpfexpr *records; /* the filter, for kinds that read records */
    char *name;
    struct source_stats stats;
    struct nameread_queue *names; /* learning names: records yet to hand on */
};

/* A read-only stream that yields prefix[] first, then the rest of fp. */
struct replay {
    FILE *fp;
    unsigned char prefix[SOURCE_SNIFF_LEN];
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

static const struct source_kind *sniff(const uint8_t *head, size_t n)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (kinds[i]->sniff && kinds[i]->sniff(head, n))
            return kinds[i];
    return NULL;
}

/* Opens the kind's reader on in (NULL for a live input) and wraps it with
 * the record filter, which it then owns. */
static struct source *make(const struct source_kind *kind, FILE *in,
                           const struct source_params *p, struct bpfexpr *records, char *err,
                           size_t errlen)
{
    void *impl = kind->open(in, p, err, errlen);
    if (!impl) {
        bpfexpr_destroy(records);
        return NULL;
    }
    struct source *s = xcalloc(1, sizeof(*s));
    s->kind = kind;
    s->impl = impl;
    s->records = records;
    s->name = xstrdup(p->name);
    return s;
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

/* The stream again from its first byte: by seeking where it allows it,
 * else by replaying the sniffed bytes in front of it. NULL (fp closed
 * unless stdin) with err set. */
static FILE *rewind_stream(FILE *fp, const char *name, const unsigned char *head,
                           size_t n, char *err, size_t errlen)
{
    bool is_stdin = fp == stdin;
    FILE *in = NULL;
    if (!is_stdin && fseek(fp, 0, SEEK_SET) == 0)
        return fp;
    if (!(in = replay_open(fp, head, n))) {
        snprintf(err, errlen, "%s: %s", name, strerror(errno));
        if (!is_stdin)
            fclose(fp);
    }
    return in;
}

struct source *source_open_stream(FILE *fp, const char *name, const char *filter,
                                  char *err, size_t errlen)
{
    bool is_stdin = fp == stdin;
    unsigned char head[SOURCE_SNIFF_LEN];
    size_t got = fread(head, 1, sizeof(head), fp);
    const struct source_kind *kind = got == sizeof(head) ? sniff(head, got) : NULL;
    if (!kind) {
        if (got < sizeof(head))
            snprintf(err, errlen, "%s: %s", name,
                     ferror(fp) ? strerror(errno)
                     : got == 0 ? "empty input, not a capture"
                                : "too short to be a capture");
        else
            snprintf(err, errlen,
                     "%s: not a pcap, pcapng or flow-tools file (first bytes %02x %02x "
                     "%02x %02x)",
                     name, head[0], head[1], head[2], head[3]);
        if (!is_stdin)
            fclose(fp);
        return NULL;
    }
    struct bpfexpr *records = NULL;
    if (filter && *filter && !kind->packets &&
        !(records = bpfexpr_create(filter, name, err, errlen))) {
        if (!is_stdin)
            fclose(fp);
        return NULL;
    }
    FILE *in = rewind_stream(fp, name, head, got, err, errlen);
    if (!in) {
        bpfexpr_destroy(records);
        return NULL;
    }
    return make(kind, in, &(struct source_params){.name = name, .filter = filter}, records,
                err, errlen);
}

struct source *source_open_live(const char *kind_name, const struct source_params *p,
                                char *err, size_t errlen)
{
    const struct source_kind *kind = NULL;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (kinds[i]->live && strcmp(kinds[i]->name, kind_name) == 0)
            kind = kinds[i];
    if (!kind) {
        snprintf(err, errlen, "%s: no live input of kind %s", p->name, kind_name);
        return NULL;
    }
    struct bpfexpr *records = NULL;
    if (p->filter && *p->filter && !kind->packets &&
        !(records = bpfexpr_create(p->filter, p->name, err, errlen)))
        return NULL;
    return make(kind, NULL, p, records, err, errlen);
}

/* The names in the packet just read queue behind it. */
static void read_names(struct source *s, const struct event *ev)
{
    const struct decode_payload *pl = s->kind->payload(s->impl);
    if (pl && pl->p) {
        struct nameread_counts c = {0};
        nameread_packet(s->names, ev, pl->p, pl->len, &c);
        s->stats.names += c.found;
        s->stats.names_malformed += c.malformed;
    }
}

enum source_status source_read(struct source *s, struct event *ev)
{
    if (s->names) {
        if (nameread_pop(s->names, ev)) {
            s->stats.name_records++;
            return SOURCE_EVENT;
        }
        enum source_status st = s->kind->next(s->impl, ev, &s->stats);
        if (st == SOURCE_EVENT)
            read_names(s, ev);
        return st;
    }
    if (!s->records) /* the common case: one call, no loop */
        return s->kind->next(s->impl, ev, &s->stats);
    enum source_status st;
    while ((st = s->kind->next(s->impl, ev, &s->stats)) == SOURCE_EVENT)
        if (!s->records || bpfexpr_match(s->records, ev))
            return SOURCE_EVENT;
    return st;
}

void source_learn_names(struct source *s, uint32_t id_base)
{
    if (!s->kind->payload || s->names)
        return;
    s->names = xcalloc(1, sizeof(*s->names));
    nameread_init(s->names, id_base);
}

bool source_next(struct source *s, struct event *ev)
{
    if (!s->records && !s->names)
        return s->kind->next(s->impl, ev, &s->stats) == SOURCE_EVENT;
    return source_read(s, ev) == SOURCE_EVENT;
}

const struct source_stats *source_stats(const struct source *s)
{
    return &s->stats;
}

const struct source_kind *source_kind(const struct source *s)
{
    return s->kind;
}

int source_fd(const struct source *s)
{
    return s->kind->fd ? s->kind->fd(s->impl) : -1;
}

const char *source_name(const struct source *s)
{
    return s->name;
}

void source_destroy(struct source *s)
{
    if (!s)
        return;
    s->kind->destroy(s->impl);
    bpfexpr_destroy(s->records);
    free(s->names);
    free(s->name);
    free(s);
}
