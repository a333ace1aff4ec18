/* pcap and pcapng through libpcap: the packet loop, damage reporting with
 * the file offset, and the hand-off of each frame to decode. */
#include "ingest/pcapfile.h"

#include <pcap/pcap.h>
#include <string.h>

#include "base/xalloc.h"
#include "ingest/bpfexpr.h"

struct pcapfile {
    pcap_t *pcap;
    FILE *fp;     /* libpcap's stream: pcap_close() closes it */
    char *name;
    int dlt;
    bool classic; /* a pcap (not pcapng) file: record offsets are known */
    uint64_t offset; /* classic pcap: offset of the next record header */
    bool done;
    struct decode_payload payload; /* of the last packet read */
};

static void *open_file(FILE *fp, const char *name, bool pcapng, const char *filter,
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
        char why[400];
        if (!bpfexpr_compile(p, filter, &prog, why, sizeof(why))) {
            snprintf(err, errlen, "%s: %s", name, why);
            pcap_close(p);
            return NULL;
        }
        if (pcap_setfilter(p, &prog) < 0) {
            snprintf(err, errlen, "%s: filter expression '%s': %s", name, filter,
                     pcap_geterr(p));
            pcap_freecode(&prog);
            pcap_close(p);
            return NULL;
        }
        pcap_freecode(&prog);
    }
    struct pcapfile *f = xcalloc(1, sizeof(*f));
    f->pcap = p;
    f->fp = fp;
    f->name = xstrdup(name);
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

bool pcapfile_packet(int dlt, const struct pcap_pkthdr *h, const uint8_t *data, bool nano,
                     struct event *ev, struct decode_payload *pl, struct source_stats *st)
{
    st->records++;
    enum decode_status ds = decode_packet_payload(dlt, data, h->caplen, h->len, ev, pl);
    decode_count(&st->decode, ds);
    if (ds != DECODE_OK)
        return false;
    /* pcapng times are 64-bit: one past year 2262 is clamped. */
    int64_t sec = (int64_t)h->ts.tv_sec;
    if (sec > INT64_MAX / 1000000000 - 1)
        sec = INT64_MAX / 1000000000 - 1;
    else if (sec < INT64_MIN / 1000000000 + 1)
        sec = INT64_MIN / 1000000000 + 1;
    ev->time_ns = sec * 1000000000 + (int64_t)h->ts.tv_usec * (nano ? 1 : 1000);
    ev->end_ns = ev->time_ns;
    return true;
}

static enum source_status pcapfile_next(void *impl, struct event *ev, struct source_stats *st)
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
        f->offset += 16 + (uint64_t)h->caplen;
        if (pcapfile_packet(f->dlt, h, data, true, ev, &f->payload, st))
            return SOURCE_EVENT;
    }
    return SOURCE_END;
}

static void pcapfile_destroy(void *impl)
{
    struct pcapfile *f = impl;
    pcap_close(f->pcap);
    free(f->name);
    free(f);
}

static const struct decode_payload *pcapfile_payload(const void *impl)
{
    const struct pcapfile *f = impl;
    return &f->payload;
}

static int pcapfile_fd(const void *impl)
{
    const struct pcapfile *f = impl;
    return fileno(f->fp);
}

/* pcap: the magic in either byte order, micro- or nanosecond, and the
 * Kuznetzov variant (libpcap's sf-pcap.c). */
static bool sniff_pcap(const uint8_t *m, size_t n)
{
    static const uint8_t magics[][4] = {
        {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, /* usec */
        {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d}, /* nsec */
        {0x34, 0xcd, 0xb2, 0xa1}, {0xa1, 0xb2, 0xcd, 0x34}, /* Kuznetzov */
    };
    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
        if (n >= 4 && memcmp(m, magics[i], 4) == 0)
            return true;
    return false;
}

/* pcapng: the section header block's type, a palindrome in either order */
static bool sniff_pcapng(const uint8_t *m, size_t n)
{
    return n >= 4 && memcmp(m, "\x0a\x0d\x0d\x0a", 4) == 0;
}

static void *open_pcap(FILE *fp, const struct source_params *p, char *err, size_t errlen)
{
    return open_file(fp, p->name, false, p->filter, err, errlen);
}

static void *open_pcapng(FILE *fp, const struct source_params *p, char *err, size_t errlen)
{
    return open_file(fp, p->name, true, p->filter, err, errlen);
}

const struct source_kind pcapfile_kind = {
    .name = "pcap",
    .sniff = sniff_pcap,
    .open = open_pcap,
    .next = pcapfile_next,
    .fd = pcapfile_fd,
    .destroy = pcapfile_destroy,
    .payload = pcapfile_payload,
    .packets = true,
};

const struct source_kind pcapngfile_kind = {
    .name = "pcapng",
    .sniff = sniff_pcapng,
    .open = open_pcapng,
    .next = pcapfile_next,
    .fd = pcapfile_fd,
    .destroy = pcapfile_destroy,
    .payload = pcapfile_payload,
    .packets = true,
};
