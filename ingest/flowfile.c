/* flow-tools file reader. The layouts follow flow-tools' lib/ftlib.h
 * (fts1header, the TLV header of stream version 3, fts3rec_* records) and
 * the times follow its ftltime(): start = unix time of the export minus
 * sysUpTime plus First, in 32-bit seconds and milliseconds. */
#include "ingest/flowfile.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "base/cursor.h"
#include "base/xalloc.h"

enum {
    HEADER_V1_LEN = 360,          /* sizeof(struct fts1header) */
    HEADER_MAX = 1 << 20,         /* flow-tools writes at most 16 KiB */
    BUF_LEN = 1 << 18,            /* record buffer */
    IN_LEN = 1 << 16,             /* compressed input buffer */
    FLAG_DONE = 0x1,
    FLAG_COMPRESS = 0x2,
    FLAG_STREAMING = 0x8,
    FLAG_PRELOADED = 0x20,
    TLV_EX_VER = 0x2,
    TLV_AGG_VER = 0x3,
    TLV_AGG_METHOD = 0x4,
    TLV_HEADER_FLAGS = 0x8,
    TLV_FLOW_COUNT = 0xa,
};

/* Where a record format keeps the fields flowswarm uses; -1: absent. */
struct layout {
    const char *name;
    uint8_t size;
    int8_t secs, nsecs, uptime, pkts, octets, first, last;
    int8_t src, dst, sport, dport, prot, tcpflags;
};

/* fts1rec_compat: stream version 1 records (v1 and v5 alike) */
static const struct layout compat = {"v1 stream", 60, 0, 4, -1, 24, 28, 32, 36,
                                     8, 12, 40, 42, 46, 48};
static const struct layout v1 = {"v1", 60, 0, 4, 8, 32, 36, 40, 44, 16, 20, 48, 50, 52, 54};
static const struct layout v5 = {"v5", 64, 0, 4, 8, 32, 36, 40, 44, 16, 20, 48, 50, 52, 54};
static const struct layout v6 = {"v6", 72, 0, 4, 8, 32, 36, 40, 44, 16, 20, 48, 50, 52, 54};
static const struct layout v7 = {"v7", 68, 0, 4, 8, 32, 36, 40, 44, 16, 20, 48, 50, 52, 54};
static const struct layout v1005 = {"v1005", 72, 0, 4, 8, 32, 36, 40, 44,
                                    16, 20, 48, 50, 52, 54};
/* v8 aggregations, by method. Some carry no address at all; 8.3, 8.11
 * and 8.12 keep exaddr before sysUpTime. */
static const struct layout v8[15] = {
    [1] = {"v8.1 (AS)", 48, 0, 4, 8, 20, 24, 28, 32, -1, -1, -1, -1, -1, -1},
    [2] = {"v8.2 (protocol port)", 48, 0, 4, 8, 20, 24, 28, 32, -1, -1, 40, 42, 36, -1},
    [3] = {"v8.3 (source prefix)", 48, 0, 4, 12, 20, 24, 28, 32, 36, -1, -1, -1, -1, -1},
    [4] = {"v8.4 (destination prefix)", 48, 0, 4, 8, 20, 24, 28, 32, -1, 36, -1, -1, -1, -1},
    [5] = {"v8.5 (prefix)", 56, 0, 4, 8, 20, 24, 28, 32, 36, 40, -1, -1, -1, -1},
    [6] = {"v8.6 (destination)", 52, 0, 4, 8, 16, 20, 24, 28, -1, 32, -1, -1, -1, -1},
    [7] = {"v8.7 (source destination)", 56, 0, 4, 8, 16, 20, 24, 28, 36, 32, -1, -1, -1, -1},
    [8] = {"v8.8 (full flow)", 64, 0, 4, 8, 16, 20, 24, 28, 36, 32, 50, 48, 60, -1},
    [9] = {"v8.9 (ToS AS)", 48, 0, 4, 8, 20, 24, 28, 32, -1, -1, -1, -1, -1, -1},
    [10] = {"v8.10 (ToS protocol port)", 48, 0, 4, 8, 20, 24, 28, 32, -1, -1, 36, 38, 46, -1},
    [11] = {"v8.11 (ToS source prefix)", 48, 0, 4, 12, 20, 24, 28, 32, 36, -1, -1, -1, -1, -1},
    [12] = {"v8.12 (ToS destination prefix)", 48, 0, 4, 12, 20, 24, 28, 32,
            -1, 36, -1, -1, -1, -1},
    [13] = {"v8.13 (ToS prefix)", 60, 0, 4, 8, 20, 24, 28, 32, 36, 40, -1, -1, -1, -1},
    [14] = {"v8.14 (ToS prefix port)", 60, 0, 4, 8, 20, 24, 28, 32, 36, 40, 44, 46, 57, -1},
};

struct flowfile {
    FILE *fp;
    char *name;
    const struct layout *lay;
    bool be;         /* records are big-endian */
    bool compressed;
    bool check_count; /* the header's flow count is final: compare at the end */
    uint32_t flows_count;
    uint64_t header_len;
    uint64_t file_off; /* bytes of the file consumed */
    z_stream zs;
    bool zinit, zend;
    unsigned char *in;  /* compressed input */
    unsigned char *buf; /* records (inflated, or raw) */
    size_t len, pos;
    bool done;
};

static uint32_t rd32(const struct flowfile *f, const uint8_t *rec, int off)
{
    struct cursor c = cur_make(rec, f->lay->size);
    cur_skip(&c, (size_t)off);
    return f->be ? cur_u32be(&c) : cur_u32le(&c);
}

static uint16_t rd16(const struct flowfile *f, const uint8_t *rec, int off)
{
    struct cursor c = cur_make(rec, f->lay->size);
    cur_skip(&c, (size_t)off);
    return f->be ? cur_u16be(&c) : cur_u16le(&c);
}

/* flow-tools' ftltime(): 32-bit seconds and milliseconds, borrowing as it
 * does, so times agree with flow-print to the millisecond. */
static int64_t flow_time(uint32_t unix_secs, uint32_t unix_nsecs, uint32_t uptime,
                         uint32_t t)
{
    uint32_t secs = unix_secs, msecs = unix_nsecs / 1000000u;
    uint32_t sys_s = uptime / 1000, sys_m = uptime % 1000;
    secs -= sys_s;
    if (sys_m > msecs) {
        secs--;
        msecs += 1000;
    }
    msecs -= sys_m;
    secs += t / 1000;
    msecs += t % 1000;
    if (msecs >= 1000) {
        msecs -= 1000;
        secs++;
    }
    return (int64_t)secs * 1000000000 + (int64_t)msecs * 1000000;
}

static void set_v4(struct addr *a, uint32_t v)
{
    memset(a, 0, sizeof(*a));
    a->family = 4;
    a->b[0] = (uint8_t)(v >> 24);
    a->b[1] = (uint8_t)(v >> 16);
    a->b[2] = (uint8_t)(v >> 8);
    a->b[3] = (uint8_t)v;
}

/* One record to an event; false when it names no host at all. */
static bool convert(const struct flowfile *f, const uint8_t *rec, struct event *ev)
{
    const struct layout *l = f->lay;
    memset(ev, 0, sizeof(*ev));
    if (l->src < 0 && l->dst < 0)
        return false;
    uint32_t secs = rd32(f, rec, l->secs), nsecs = rd32(f, rec, l->nsecs);
    uint32_t up = l->uptime >= 0 ? rd32(f, rec, l->uptime) : 0;
    if (l == &compat) /* stream v1 keeps milliseconds */
        nsecs = (uint32_t)(nsecs * 1000000u);
    ev->time_ns = flow_time(secs, nsecs, up, rd32(f, rec, l->first));
    ev->end_ns = flow_time(secs, nsecs, up, rd32(f, rec, l->last));
    ev->packets = rd32(f, rec, l->pkts);
    ev->octets = rd32(f, rec, l->octets);
    ev->flags = EVENT_FLOW;
    /* an aggregation without one side leaves it unknown (family 0) */
    if (l->src >= 0)
        set_v4(&ev->src, rd32(f, rec, l->src));
    if (l->dst >= 0)
        set_v4(&ev->dst, rd32(f, rec, l->dst));
    if (l->sport >= 0)
        ev->sport = rd16(f, rec, l->sport);
    if (l->dport >= 0)
        ev->dport = rd16(f, rec, l->dport);
    if (l->prot >= 0)
        ev->proto = rec[l->prot];
    if (l->tcpflags >= 0)
        ev->tcpflags = rec[l->tcpflags];
    return true;
}

static void fail_at(char *err, size_t errlen, const char *name, uint64_t off,
                    const char *what)
{
    snprintf(err, errlen, "%s: flow-tools header at offset %llu: %s", name,
             (unsigned long long)off, what);
}

/* Reads exactly n bytes; false at a short read. */
static bool read_exact(struct flowfile *f, void *p, size_t n)
{
    size_t got = fread(p, 1, n, f->fp);
    f->file_off += got;
    return got == n;
}

static const struct layout *pick_layout(unsigned s_version, unsigned d_version,
                                        unsigned agg_version, unsigned agg_method,
                                        char *why, size_t whylen)
{
    if (s_version == 1) {
        if (d_version == 1 || d_version == 5 || d_version == 65535)
            return &compat;
        snprintf(why, whylen, "export version %u in a version 1 stream is not supported "
                 "(flow-tools reads 1 and 5 there)", d_version);
        return NULL;
    }
    switch (d_version) {
    case 1: return &v1;
    case 5: return &v5;
    case 6: return &v6;
    case 7: return &v7;
    case 1005: return &v1005;
    case 8:
        if (agg_version != 2) {
            snprintf(why, whylen, "v8 aggregation version %u is not supported (only 2)",
                     agg_version);
            return NULL;
        }
        if (agg_method < 1 || agg_method > 14) {
            snprintf(why, whylen, "v8 aggregation method %u is unknown (1 to 14)",
                     agg_method);
            return NULL;
        }
        return &v8[agg_method];
    default:
        snprintf(why, whylen, "export version %u is not supported (flow-tools writes 1, "
                 "5, 6, 7, 8 and 1005)", d_version);
        return NULL;
    }
}

static bool read_header(struct flowfile *f, char *err, size_t errlen)
{
    uint8_t gen[4];
    if (!read_exact(f, gen, 4)) {
        fail_at(err, errlen, f->name, 0, "the file ends inside the header");
        return false;
    }
    if (gen[0] != 0xcf || gen[1] != 0x10) {
        fail_at(err, errlen, f->name, 0, "wrong magic (expected cf 10)");
        return false;
    }
    if (gen[2] != 1 && gen[2] != 2) {
        char why[64];
        snprintf(why, sizeof(why), "byte order %u is neither 1 (little) nor 2 (big)",
                 gen[2]);
        fail_at(err, errlen, f->name, 2, why);
        return false;
    }
    f->be = gen[2] == 2;
    unsigned s_version = gen[3], d_version = 0, agg_version = 0, agg_method = 0;
    uint32_t flags = 0;
    bool have_count = false;
    char why[160];
    if (s_version == 1) {
        uint8_t h[HEADER_V1_LEN - 4];
        if (!read_exact(f, h, sizeof(h))) {
            fail_at(err, errlen, f->name, f->file_off,
                    "the file ends inside the 360-byte version 1 header");
            return false;
        }
        struct cursor c = cur_make(h, sizeof(h));
        d_version = f->be ? cur_u16be(&c) : cur_u16le(&c);
        cur_skip(&c, 10); /* pad, start, end */
        flags = f->be ? cur_u32be(&c) : cur_u32le(&c);
        cur_skip(&c, 4); /* rotation */
        f->flows_count = f->be ? cur_u32be(&c) : cur_u32le(&c);
        have_count = true;
        f->header_len = HEADER_V1_LEN;
    } else if (s_version == 3) {
        uint8_t offb[4];
        if (!read_exact(f, offb, 4)) {
            fail_at(err, errlen, f->name, 4, "the file ends inside the header");
            return false;
        }
        struct cursor oc = cur_make(offb, 4);
        uint32_t head_off = f->be ? cur_u32be(&oc) : cur_u32le(&oc);
        struct stat sb;
        bool sized = fstat(fileno(f->fp), &sb) == 0 && S_ISREG(sb.st_mode) &&
                     fileno(f->fp) >= 0;
        if (head_off < 8 || head_off > HEADER_MAX ||
            (sized && (uint64_t)head_off > (uint64_t)sb.st_size)) {
            snprintf(why, sizeof(why), "header length %u is %s", head_off,
                     head_off < 8 ? "shorter than the header itself"
                                  : "beyond the end of the file");
            fail_at(err, errlen, f->name, 4, why);
            return false;
        }
        size_t tlv_len = head_off - 8;
        uint8_t *tlv = xmalloc(tlv_len);
        if (!read_exact(f, tlv, tlv_len)) {
            free(tlv);
            snprintf(why, sizeof(why), "header length %u is beyond the end of the file",
                     head_off);
            fail_at(err, errlen, f->name, 4, why);
            return false;
        }
        struct cursor c = cur_make(tlv, tlv_len);
        /* A TLV is type(2) length(2) value; a tail under 4 bytes is padding. */
        while (cur_left(&c) >= 4) {
            size_t at = 8 + c.off;
            uint16_t t = f->be ? cur_u16be(&c) : cur_u16le(&c);
            uint16_t l = f->be ? cur_u16be(&c) : cur_u16le(&c);
            if (l > cur_left(&c)) {
                snprintf(why, sizeof(why),
                         "TLV type %u claims %u bytes but only %zu remain in the header",
                         t, l, cur_left(&c));
                fail_at(err, errlen, f->name, at, why);
                free(tlv);
                return false;
            }
            struct cursor v = cur_sub(&c, l);
            bool short_value = false;
            switch (t) {
            case TLV_EX_VER:
                d_version = f->be ? cur_u16be(&v) : cur_u16le(&v);
                short_value = v.err;
                break;
            case TLV_AGG_VER:
                agg_version = cur_u8(&v);
                short_value = v.err;
                break;
            case TLV_AGG_METHOD:
                agg_method = cur_u8(&v);
                short_value = v.err;
                break;
            case TLV_HEADER_FLAGS:
                flags = f->be ? cur_u32be(&v) : cur_u32le(&v);
                short_value = v.err;
                break;
            case TLV_FLOW_COUNT:
                f->flows_count = f->be ? cur_u32be(&v) : cur_u32le(&v);
                short_value = v.err;
                have_count = !v.err;
                break;
            default: /* other TLVs describe the capture; skipped */
                break;
            }
            if (short_value) {
                snprintf(why, sizeof(why), "TLV type %u is too short (%u bytes)", t, l);
                fail_at(err, errlen, f->name, at, why);
                free(tlv);
                return false;
            }
        }
        free(tlv);
        f->header_len = head_off;
    } else {
        snprintf(why, sizeof(why), "stream version %u is not supported (1 or 3)",
                 s_version);
        fail_at(err, errlen, f->name, 3, why);
        return false;
    }
    f->lay = pick_layout(s_version, d_version, agg_version, agg_method, why, sizeof(why));
    if (!f->lay) {
        fail_at(err, errlen, f->name, s_version == 1 ? 4 : 8, why);
        return false;
    }
    f->compressed = flags & FLAG_COMPRESS;
    /* The count is final only in a finished, non-streaming file (or a
     * streaming one whose header was preloaded with it). */
    f->check_count = have_count && !(flags & FLAG_STREAMING) &&
                     (flags & (FLAG_DONE | FLAG_PRELOADED));
    return true;
}

static void *flowfile_open(FILE *fp, const struct source_params *p, char *err,
                           size_t errlen)
{
    const char *name = p->name;
    struct flowfile *f = xcalloc(1, sizeof(*f));
    f->fp = fp;
    f->name = xstrdup(name);
    if (!read_header(f, err, errlen))
        goto fail;
    f->buf = xmalloc(BUF_LEN);
    if (f->compressed) {
        f->in = xmalloc(IN_LEN);
        if (inflateInit(&f->zs) != Z_OK) {
            snprintf(err, errlen, "%s: zlib could not start", name);
            goto fail;
        }
        f->zinit = true;
    }
    return f;
fail:
    fclose(fp);
    f->fp = NULL;
    free(f->name);
    free(f->buf);
    free(f->in);
    free(f);
    return NULL;
}

static void damage(struct flowfile *f, struct source_stats *st, uint64_t off,
                   const char *what)
{
    st->damaged = true;
    snprintf(st->damage, sizeof(st->damage), "%s: %s at offset %llu after %llu records",
             f->name, what, (unsigned long long)off, (unsigned long long)st->records);
}

/* Moves the unread tail to the front and adds more bytes. False at the
 * end of the data or at damage (reported). */
static bool fill(struct flowfile *f, struct source_stats *st)
{
    if (st->damaged) /* the first damage is the one to report */
        return false;
    if (f->pos > 0) {
        memmove(f->buf, f->buf + f->pos, f->len - f->pos);
        f->len -= f->pos;
        f->pos = 0;
    }
    if (!f->compressed) {
        size_t got = fread(f->buf + f->len, 1, BUF_LEN - f->len, f->fp);
        f->file_off += got;
        f->len += got;
        if (got == 0 && ferror(f->fp)) {
            damage(f, st, f->file_off, strerror(errno));
            return false;
        }
        return got > 0;
    }
    if (f->zend)
        return false;
    size_t before = f->len;
    while (f->len == before) {
        if (f->zs.avail_in == 0) {
            size_t got = fread(f->in, 1, IN_LEN, f->fp);
            f->zs.next_in = f->in;
            f->zs.avail_in = (uInt)got;
            if (got == 0) {
                if (ferror(f->fp))
                    damage(f, st, f->file_off, strerror(errno));
                else
                    damage(f, st, f->file_off,
                           "the compressed stream ends early (truncated or corrupt)");
                return false;
            }
        }
        uInt in_before = f->zs.avail_in;
        f->zs.next_out = f->buf + f->len;
        f->zs.avail_out = (uInt)(BUF_LEN - f->len);
        int rc = inflate(&f->zs, Z_NO_FLUSH);
        f->file_off += in_before - f->zs.avail_in;
        f->len = BUF_LEN - f->zs.avail_out;
        if (rc == Z_STREAM_END) {
            f->zend = true;
            break;
        }
        if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR) {
            char what[128];
            snprintf(what, sizeof(what), "corrupt compressed data (%s)",
                     f->zs.msg ? f->zs.msg : "zlib error");
            damage(f, st, f->file_off, what);
            return false;
        }
    }
    return f->len > before;
}

static enum source_status flowfile_next(void *impl, struct event *ev, struct source_stats *st)
{
    struct flowfile *f = impl;
    size_t size = f->lay->size;
    while (!f->done) {
        if (f->len - f->pos < size) {
            if (fill(f, st) && f->len - f->pos >= size)
                continue;
            if (f->len - f->pos >= size)
                continue;
            f->done = true;
            if (st->damaged)
                break;
            if (f->len - f->pos > 0) {
                char what[96];
                snprintf(what, sizeof(what), "a %zu-byte record is cut to %zu bytes", size,
                         f->len - f->pos);
                damage(f, st, f->compressed ? f->file_off
                                            : f->header_len + st->records * size,
                       what);
            } else if (f->check_count && st->records != f->flows_count) {
                char what[96];
                snprintf(what, sizeof(what), "the header counts %u flows but %llu are here",
                         f->flows_count, (unsigned long long)st->records);
                damage(f, st, f->file_off, what);
            }
            break;
        }
        const uint8_t *rec = f->buf + f->pos;
        f->pos += size;
        st->records++;
        if (convert(f, rec, ev))
            return SOURCE_EVENT;
        if (!st->skipped)
            snprintf(st->skip_reason, sizeof(st->skip_reason),
                     "%s records carry no host address", f->lay->name);
        st->skipped++;
    }
    return SOURCE_END;
}

static void flowfile_destroy(void *impl)
{
    struct flowfile *f = impl;
    if (f->zinit)
        inflateEnd(&f->zs);
    if (f->fp)
        fclose(f->fp);
    free(f->name);
    free(f->buf);
    free(f->in);
    free(f);
}

static int flowfile_fd(const void *impl)
{
    const struct flowfile *f = impl;
    return f->fp ? fileno(f->fp) : -1;
}

/* 0xcf 0x10, then the byte order and the stream version (ftlib.h) */
static bool flowfile_sniff(const uint8_t *m, size_t n)
{
    return n >= 2 && m[0] == 0xcf && m[1] == 0x10;
}

const struct source_kind flowfile_kind = {
    .name = "flow-tools",
    .sniff = flowfile_sniff,
    .open = flowfile_open,
    .next = flowfile_next,
    .fd = flowfile_fd,
    .destroy = flowfile_destroy,
    .flows = true,
};
