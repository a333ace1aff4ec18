/* pcap and pcapng through libpcap: the packet loop, damage reporting with
 * the file offset, and the hand-off of each frame to decode. */
#include "ingest/pcapfile.h"

#include <pcap/pcap.h>
#include <string.h>

#include "ingest/xalloc.h"

struct pcapfile {
    pcap_t *pcap;
    FILE *fp;     /* libpcap's stream: pcap_close() closes it */
    char *name;
    int dlt;
    bool classic; /* a pcap (not pcapng) file: record offsets are known */
    uint64_t offset; /* classic pcap: offset of the next record header */
    bool done;
};

void *pcapfile_open(FILE *fp, const char *name, bool pcapng, const char *filter,
                    char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO,
                                                         ebuf);
    if (!p) {
        fclose(fp);
        snprintf(err, errlen, "%s: not a readable capture: %s", name, ebuf);
        return NULL;
    }
    int dlt = pcap_datalink(p);
    if (!decode_linktype_supported(dlt)) {
        const char *dn = pcap_datalink_val_to_name(dlt);
        snprintf(err, errlen, "%s: link type %d (%s) is not supported", name, dlt,
                 dn ? dn : "unknown");
        pcap_close(p);
        return NULL;
    }
    if (filter && *filter) {
        struct bpf_program prog;
        if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
            pcap_setfilter(p, &prog) < 0) {
            snprintf(err, errlen, "%s: bad filter expression '%s': %s", name, filter,
                     pcap_geterr(p));
            pcap_close(p);
            return NULL;
        }
        pcap_freecode(&prog);
    }
    struct pcapfile *f = xcalloc(1, sizeof(*f));
    f->pcap = p;
    f->fp = fp;
    f->name = strdup(name);
    f->dlt = dlt;
    /* Classic pcap has a 24-byte file header then 16-byte record headers,
     * so the offset of damage is known without asking the stream. */
    f->classic = !pcapng;
    f->offset = 24;
    return f;
}

static void report_damage(struct pcapfile *f, struct source_stats *st, const char *why)
{
    long pos = f->classic ? (long)f->offset : ftell(f->fp);
    st->damaged = true;
    /* libpcap reads pcapng only while every interface shares the first
     * one's link type and snap length: not damage, a limit to name. */
    const char *what = strstr(why, "interface") ? "unreadable" : "damaged";
    const char *hint = strstr(why, "interface")
                           ? "; libpcap reads pcapng files whose interfaces share one "
                             "link type and snap length"
                           : "";
    if (pos >= 0)
        snprintf(st->damage, sizeof(st->damage),
                 "%s: %s at offset %ld after %llu packets (%s%s)", f->name, what, pos,
                 (unsigned long long)st->records, why, hint);
    else
        snprintf(st->damage, sizeof(st->damage), "%s: %s after %llu packets (%s%s)",
                 f->name, what, (unsigned long long)st->records, why, hint);
}

static bool pcapfile_next(void *impl, struct event *ev, struct source_stats *st)
{
    struct pcapfile *f = impl;
    while (!f->done) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(f->pcap, &h, &data);
        if (rc == PCAP_ERROR_BREAK || rc == 0) {
            f->done = true;
            break;
        }
        if (rc != 1) {
            report_damage(f, st, pcap_geterr(f->pcap));
            f->done = true;
            break;
        }
        st->records++;
        f->offset += 16 + (uint64_t)h->caplen;
        enum decode_status ds = decode_packet(f->dlt, data, h->caplen, h->len, ev);
        decode_count(&st->decode, ds);
        if (ds != DECODE_OK)
            continue;
        /* With nanosecond precision requested, tv_usec holds nanoseconds.
         * pcapng times are 64-bit: one past year 2262 is clamped. */
        int64_t sec = (int64_t)h->ts.tv_sec;
        if (sec > INT64_MAX / 1000000000 - 1)
            sec = INT64_MAX / 1000000000 - 1;
        else if (sec < INT64_MIN / 1000000000 + 1)
            sec = INT64_MIN / 1000000000 + 1;
        ev->time_ns = sec * 1000000000 + h->ts.tv_usec;
        ev->end_ns = ev->time_ns;
        return true;
    }
    return false;
}

static void pcapfile_destroy(void *impl)
{
    struct pcapfile *f = impl;
    pcap_close(f->pcap);
    free(f->name);
    free(f);
}

const struct source_ops pcapfile_ops = {
    .next = pcapfile_next,
    .destroy = pcapfile_destroy,
};
