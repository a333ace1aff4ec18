/* The flow collector: one UDP socket, non-blocking, whose datagrams are
 * NetFlow v5, v9, IPFIX or sFlow v5 (told apart by the version field). A datagram
 * gives many events: they wait in the source until next() hands them on.
 * The kernel's count of datagrams dropped for a full socket buffer comes
 * with each datagram (SO_RXQ_OVFL). */
#include "ingest/collector.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "ingest/netflow.h"
#include "ingest/sflow.h"

enum {
    DATAGRAM_MAX = 65535,
    PENDING_MAX = 8192,   /* events one datagram may give */
    READS_PER_CALL = 64,  /* datagrams read before others get a turn */
    RCVBUF = 8 << 20,     /* asked for; the kernel may give less */
};

struct collector {
    int fd;
    char *name;
    struct netflow *nf;
    struct sflow *sf;
    uint8_t *buf;
    struct event *pending;
    size_t npending, pos;
    uint64_t overflows;   /* datagrams the kernel dropped */
    uint64_t not_flows;   /* datagrams of no version we read */
};

/* "2055", "0.0.0.0:2055", "[::]:4739", "host:port": the host (NULL for
 * the default, 127.0.0.1) and the port, split in place in buf. */
static bool split_spec(char *buf, const char **host, const char **port)
{
    char *colon = strrchr(buf, ':');
    *host = NULL;
    *port = buf;
    if (buf[0] == '[') {
        char *close = strchr(buf, ']');
        if (!close || close[1] != ':')
            return false;
        *close = 0;
        *host = buf + 1;
        *port = close + 2;
    } else if (colon) {
        *colon = 0;
        *host = buf;
        *port = colon + 1;
    }
    char *end;
    long p = strtol(*port, &end, 10);
    return **port && !*end && p > 0 && p < 65536;
}

static void bind_error(const char *spec, int e, char *err, size_t errlen)
{
    if (e == EADDRINUSE)
        snprintf(err, errlen, "--collect %s: the port is in use (another collector is "
                              "listening there; pick another port)", spec);
    else if (e == EADDRNOTAVAIL)
        snprintf(err, errlen, "--collect %s: that address is not one of this machine's "
                              "(give a local address, or 0.0.0.0 for all)", spec);
    else if (e == EACCES)
        snprintf(err, errlen, "--collect %s: no permission to listen there (ports under "
                              "1024 need root)", spec);
    else
        snprintf(err, errlen, "--collect %s: cannot listen: %s", spec, strerror(e));
}

/* A non-blocking UDP socket bound as spec says; -1 with err set. */
static int open_socket(const char *spec, int buffer_kib, char *err, size_t errlen)
{
    char buf[256];
    const char *host, *port;
    snprintf(buf, sizeof(buf), "%s", spec);
    if (!split_spec(buf, &host, &port)) {
        snprintf(err, errlen, "--collect %s: expected [ADDRESS:]PORT, e.g. 2055, "
                              "0.0.0.0:2055 or [::]:4739", spec);
        return -1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV}, *ai = NULL;
    int rc = getaddrinfo(host ? host : "127.0.0.1", port, &hints, &ai);
    if (rc != 0) {
        snprintf(err, errlen, "--collect %s: %s", spec, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1, rcvbuf = buffer_kib > 0 ? buffer_kib * 1024 : RCVBUF;
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
        setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
        if (ai->ai_family == AF_INET6) /* [::] takes IPv4 too */
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &(int){0}, sizeof(int));
    }
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        bind_error(spec, errno, err, errlen);
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

static void *collector_open(FILE *fp, const struct source_params *p, char *err,
                            size_t errlen)
{
    int fd = open_socket(p->name, p->buffer_kib, err, errlen);
    if (fd < 0)
        return NULL;
    struct collector *c = xcalloc(1, sizeof(*c));
    c->fd = fd;
    c->name = xstrdup(p->name);
    c->nf = netflow_create();
    c->sf = sflow_create();
    c->buf = xmalloc(DATAGRAM_MAX);
    c->pending = xcalloc(PENDING_MAX, sizeof(*c->pending));
    return c;
}

static void exporter_addr(const struct sockaddr_storage *ss, struct addr *a)
{
    memset(a, 0, sizeof(*a));
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        a->family = 6;
        memcpy(a->b, &s6->sin6_addr, 16);
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        a->family = 4;
        memcpy(a->b, &s4->sin_addr, 4);
    }
}

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Reads one datagram into pending events. -1: nothing to read; else the
 * number of events it gave. */
static long receive(struct collector *c)
{
    struct sockaddr_storage from;
    struct iovec iov = {c->buf, DATAGRAM_MAX};
    union {
        char buf[CMSG_SPACE(sizeof(uint32_t))];
        struct cmsghdr align;
    } ctl;
    struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
                         .msg_iovlen = 1, .msg_control = ctl.buf,
                         .msg_controllen = sizeof(ctl.buf)};
    ssize_t n = recvmsg(c->fd, &msg, MSG_DONTWAIT);
    if (n < 0)
        return -1;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
            uint32_t drops;
            memcpy(&drops, CMSG_DATA(cm), sizeof(drops));
            c->overflows = drops; /* the kernel's running count */
        }
    struct addr exporter;
    exporter_addr(&from, &exporter);
    /* sFlow's version is a 32-bit word (0 0 0 5); NetFlow's and IPFIX's a
     * 16-bit one (5, 9, 10) */
    c->npending = 0;
    if (sflow_sniff(c->buf, (size_t)n))
        c->npending = sflow_parse(c->sf, &exporter, c->buf, (size_t)n, wall_ns(), c->pending,
                                  PENDING_MAX);
    else if (netflow_sniff(c->buf, (size_t)n))
        c->npending = netflow_parse(c->nf, &exporter, c->buf, (size_t)n, wall_ns(),
                                    c->pending, PENDING_MAX);
    else
        c->not_flows++;
    c->pos = 0;
    return (long)c->npending;
}

static void update_stats(const struct collector *c, struct source_stats *st)
{
    const struct netflow_stats *ns = netflow_stats(c->nf);
    const struct sflow_stats *ss = sflow_stats(c->sf);
    st->records = ns->records + ss->samples;
    st->decode.malformed = ns->malformed + ss->malformed + c->not_flows;
    st->decode.not_ip = ss->not_ip;
    st->sock_dropped = c->overflows;
    st->agent_dropped = ss->dropped;
    st->seq_lost = ns->lost + ss->lost;
    st->skipped = ns->no_template;
    if (ns->no_template)
        snprintf(st->skip_reason, sizeof(st->skip_reason),
                 "data sets whose template never came");
}

static enum source_status collector_next(void *impl, struct event *ev, struct source_stats *st)
{
    struct collector *c = impl;
    for (int reads = 0; c->pos >= c->npending; reads++) {
        long got = reads < READS_PER_CALL ? receive(c) : -1;
        update_stats(c, st);
        if (got < 0)
            return SOURCE_IDLE;
    }
    *ev = c->pending[c->pos++];
    return SOURCE_EVENT;
}

static int collector_fd(const void *impl)
{
    const struct collector *c = impl;
    return c->fd;
}

static void collector_destroy(void *impl)
{
    struct collector *c = impl;
    close(c->fd);
    netflow_destroy(c->nf);
    sflow_destroy(c->sf);
    free(c->buf);
    free(c->pending);
    free(c->name);
    free(c);
}

const struct source_kind collector_kind = {
    .name = "collector",
    .open = collector_open,
    .next = collector_next,
    .fd = collector_fd,
    .destroy = collector_destroy,
    .live = true,
    .flows = true,
};
