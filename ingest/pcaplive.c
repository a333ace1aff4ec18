/* Live capture. The handle is made with pcap_create() so that snap
 * length, promiscuity, buffer size and immediate mode (each packet handed
 * over as it comes, not when a buffer fills) are set before it starts,
 * then put in non-blocking mode: next() says "nothing now" and the reader
 * thread polls the descriptor. */
#include "ingest/pcaplive.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "base/xalloc.h"
#include "ingest/bpfexpr.h"
#include "ingest/pcapfile.h"

enum { SNAPLEN_MAX = 262144 };

struct pcaplive {
    pcap_t *pcap;
    char *name;
    int dlt;
    bool nano;        /* the handle gives nanosecond times */
    int fd;
    double stats_at;  /* when the kernel's counters were last read */
    struct decode_payload payload; /* of the last packet read */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line for pcap_activate()'s failures, saying what to do. */
static void activate_error(pcap_t *p, int rc, const char *name, char *err, size_t errlen)
{
    switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        snprintf(err, errlen, "-i %s: no such interface (flowswarm -D lists them)", name);
        break;
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
        snprintf(err, errlen,
                 "-i %s: no permission to capture: run as root, or grant the program "
                 "CAP_NET_RAW and CAP_NET_ADMIN (setcap cap_net_raw,cap_net_admin=eip)",
                 name);
        break;
    case PCAP_ERROR_IFACE_NOT_UP:
        snprintf(err, errlen, "-i %s: the interface is down (bring it up, or pick "
                              "another: flowswarm -D)", name);
        break;
    default:
        snprintf(err, errlen, "-i %s: cannot capture: %s", name, pcap_geterr(p));
        break;
    }
}

/* In immediate mode libpcap's ring has a slot of the snapshot length for
 * each packet: a short one (256 bytes, the default: the headers are all
 * that is read) is what lets a 2 MB ring take bursts of 100,000 packets a
 * second; with 262144 it held eight packets and dropped most of them. */
static bool configure(pcap_t *p, const struct source_params *sp, bool *nano)
{
    int snap = sp->snaplen > 0 && sp->snaplen < SNAPLEN_MAX ? sp->snaplen : SNAPLEN_MAX;
    pcap_set_snaplen(p, snap);
    pcap_set_promisc(p, !sp->no_promisc);
    pcap_set_immediate_mode(p, 1);
    if (sp->buffer_kib > 0)
        pcap_set_buffer_size(p, sp->buffer_kib * 1024);
    *nano = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) == 0;
    return true;
}

static bool set_filter(pcap_t *p, const char *name, const char *filter, char *err,
                       size_t errlen)
{
    if (!filter || !*filter)
        return true;
    struct bpf_program prog;
    char why[400];
    if (!bpfexpr_compile(p, filter, &prog, why, sizeof(why))) {
        snprintf(err, errlen, "-i %s: %s", name, why);
        return false;
    }
    bool ok = pcap_setfilter(p, &prog) == 0;
    if (!ok)
        snprintf(err, errlen, "-i %s: filter expression '%s': %s", name, filter,
                 pcap_geterr(p));
    pcap_freecode(&prog);
    return ok;
}

static void *pcaplive_open(FILE *fp, const struct source_params *sp, char *err,
                           size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(sp->name, ebuf);
    if (!p) {
        snprintf(err, errlen, "-i %s: cannot capture: %s", sp->name, ebuf);
        return NULL;
    }
    bool nano;
    configure(p, sp, &nano);
    int rc = pcap_activate(p);
    if (rc < 0) {
        activate_error(p, rc, sp->name, err, errlen);
        goto fail;
    }
    int dlt = pcap_datalink(p);
    if (!decode_linktype_supported(dlt)) {
        const char *dn = pcap_datalink_val_to_name(dlt);
        snprintf(err, errlen, "-i %s: link type %d (%s) is not supported", sp->name, dlt,
                 dn ? dn : "unknown");
        goto fail;
    }
    if (!set_filter(p, sp->name, sp->filter, err, errlen))
        goto fail;
    if (pcap_setnonblock(p, 1, ebuf) < 0) {
        snprintf(err, errlen, "-i %s: %s", sp->name, ebuf);
        goto fail;
    }
    struct pcaplive *l = xcalloc(1, sizeof(*l));
    l->pcap = p;
    l->name = xstrdup(sp->name);
    l->dlt = dlt;
    l->nano = nano && pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
    l->fd = pcap_get_selectable_fd(p);
    return l;
fail:
    pcap_close(p);
    return NULL;
}

/* The kernel's and the interface's drop counters, read now and then. */
static void read_stats(struct pcaplive *l, struct source_stats *st)
{
    struct pcap_stat ps;
    double t = now_s();
    if (t - l->stats_at < 0.25)
        return;
    l->stats_at = t;
    if (pcap_stats(l->pcap, &ps) == 0) {
        st->os_dropped = ps.ps_drop;
        st->if_dropped = ps.ps_ifdrop;
    }
}

static enum source_status pcaplive_next(void *impl, struct event *ev, struct source_stats *st)
{
    struct pcaplive *l = impl;
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(l->pcap, &h, &data);
        if (rc == 1) {
            if (pcapfile_packet(l->dlt, h, data, l->nano, ev, &l->payload, st))
                return SOURCE_EVENT;
            continue;
        }
        if (rc == 0) {
            read_stats(l, st);
            return SOURCE_IDLE;
        }
        /* the interface went away or down: this input stops, others go on */
        read_stats(l, st);
        st->damaged = true;
        snprintf(st->damage, sizeof(st->damage), "-i %s: capture stopped (%s)", l->name,
                 rc == PCAP_ERROR_BREAK ? "stopped" : pcap_geterr(l->pcap));
        return SOURCE_END;
    }
}

static const struct decode_payload *pcaplive_payload(const void *impl)
{
    const struct pcaplive *l = impl;
    return &l->payload;
}

static int pcaplive_fd(const void *impl)
{
    const struct pcaplive *l = impl;
    return l->fd;
}

static void pcaplive_destroy(void *impl)
{
    struct pcaplive *l = impl;
    pcap_close(l->pcap);
    free(l->name);
    free(l);
}

const struct source_kind pcaplive_kind = {
    .name = "interface",
    .open = pcaplive_open,
    .next = pcaplive_next,
    .payload = pcaplive_payload,
    .fd = pcaplive_fd,
    .destroy = pcaplive_destroy,
    .live = true,
    .packets = true,
};

bool pcaplive_list(FILE *out, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_if_t *all = NULL;
    if (pcap_findalldevs(&all, ebuf) < 0) {
        snprintf(err, errlen, "cannot list the interfaces: %s", ebuf);
        return false;
    }
    if (!all) {
        snprintf(err, errlen, "no interface to capture on (is this run without "
                              "CAP_NET_RAW? run as root to see them)");
        return false;
    }
    int i = 1;
    for (pcap_if_t *d = all; d; d = d->next, i++) {
        fprintf(out, "%d.%s", i, d->name);
        if (d->description)
            fprintf(out, " (%s)", d->description);
        fprintf(out, " [%s%s%s]\n", d->flags & PCAP_IF_UP ? "Up" : "Down",
                d->flags & PCAP_IF_RUNNING ? ", Running" : "",
                d->flags & PCAP_IF_LOOPBACK ? ", Loopback" : "");
    }
    pcap_freealldevs(all);
    return true;
}
