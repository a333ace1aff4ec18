/* BPF for flow records and better messages for bad expressions. A record
 * becomes the headers of one packet (RFC 791 / RFC 8200 IP, RFC 9293 TCP,
 * RFC 768 UDP, RFC 792 ICMP type and code from NetFlow's dport encoding)
 * and libpcap's own compiled filter runs on it, so the expression means
 * exactly what it means to tcpdump on a raw-IP capture. */
#include "ingest/bpfexpr.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/xalloc.h"

enum { HEADROOM = 40 + 20 };

struct bpfexpr {
    struct bpf_program prog;
};

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || strchr("_.:/-\\", c);
}

/* The end of the token that starts at s[i]: a word (names, numbers,
 * addresses, nets, port ranges), a two-character operator, or one
 * character. */
static size_t token_end(const char *s, size_t i)
{
    if (is_word_char(s[i])) {
        while (s[i] && is_word_char(s[i]))
            i++;
        return i;
    }
    static const char *const ops[] = {"!=", "==", ">=", "<=", "<<", ">>", "&&", "||"};
    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
        if (strncmp(s + i, ops[k], 2) == 0)
            return i + 2;
    return i + 1;
}

/* Whether the first n characters of expr begin some valid expression
 * (syntax alone: compiled unoptimised):
 * they compile as they are, fail for a reason other than syntax (an
 * unknown host is still a well-formed expression), or compile with one
 * of a few endings added. */
static bool viable_prefix(pcap_t *p, const char *expr, size_t n)
{
    static const char *const endings[] = {
        "",        " 1",         " 1.2.3.4",   " tcp",  " and tcp", " )",
        " 1 )",    " 1 ) )",     " = 0",       " ] = 0", " 1 ] = 0", " : 1 ] = 0",
        " 1 = 0",  " tcp )",     " 1.2.3.4 )", " 0 ] = 0 )",
    };
    size_t cap = n + 32;
    char *buf = xmalloc(cap);
    bool ok = false;
    for (size_t k = 0; !ok && k < sizeof(endings) / sizeof(endings[0]); k++) {
        snprintf(buf, cap, "%.*s%s", (int)n, expr, endings[k]);
        struct bpf_program prog;
        if (pcap_compile(p, &prog, buf, 0, PCAP_NETMASK_UNKNOWN) == 0) {
            pcap_freecode(&prog);
            ok = true;
        } else {
            ok = !strstr(pcap_geterr(p), "syntax error");
        }
    }
    free(buf);
    return ok;
}

/* Says where a syntax error is: the first token after which the
 * expression cannot be completed, or that it is incomplete. */
static void place_syntax_error(pcap_t *p, const char *expr, char *where, size_t len)
{
    for (size_t i = 0; expr[i];) {
        if (isspace((unsigned char)expr[i])) {
            i++;
            continue;
        }
        size_t end = token_end(expr, i);
        if (!viable_prefix(p, expr, end)) {
            snprintf(where, len, " at '%.*s' (character %zu)", (int)(end - i), expr + i,
                     i + 1);
            return;
        }
        i = end;
    }
    snprintf(where, len, ": the expression ends too early");
}

bool bpfexpr_compile(pcap_t *p, const char *expr, struct bpf_program *prog, char *err,
                     size_t errlen)
{
    if (pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0)
        return true;
    char why[256], where[160] = "";
    snprintf(why, sizeof(why), "%s", pcap_geterr(p));
    const char *prefix = "can't parse filter expression: ";
    char *msg = why;
    if (strncmp(msg, prefix, strlen(prefix)) == 0)
        msg += strlen(prefix);
    if (strstr(msg, "syntax error"))
        place_syntax_error(p, expr, where, sizeof(where));
    snprintf(err, errlen, "bad filter expression '%s': %s%s", expr, msg, where);
    return false;
}

struct bpfexpr *bpfexpr_create(const char *expr, const char *name, char *err,
                               size_t errlen)
{
    pcap_t *raw = pcap_open_dead(DLT_RAW, 65535);
    if (!raw) {
        snprintf(err, errlen, "%s: libpcap cannot compile filters", name);
        return NULL;
    }
    struct bpfexpr *b = xcalloc(1, sizeof(*b));
    char why[512];
    if (bpfexpr_compile(raw, expr, &b->prog, why, sizeof(why))) {
        pcap_close(raw);
        return b;
    }
    /* Valid on an Ethernet capture but not on bare IP: it reads bytes
     * that no flow record has. */
    pcap_t *eth = pcap_open_dead(DLT_EN10MB, 65535);
    struct bpf_program prog;
    if (eth && pcap_compile(eth, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0) {
        pcap_freecode(&prog);
        snprintf(err, errlen,
                 "%s: filter expression '%s' needs link-layer bytes, which flow records "
                 "do not have (%s)",
                 name, expr, pcap_geterr(raw));
    } else {
        snprintf(err, errlen, "%s: %s", name, why);
    }
    if (eth)
        pcap_close(eth);
    pcap_close(raw);
    free(b);
    return NULL;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* The transport header a record describes, at p; returns its length. */
static size_t transport(const struct event *ev, uint8_t *p, unsigned *payload)
{
    switch (ev->proto) {
    case 6: /* TCP: ports, data offset 5, flags */
        memset(p, 0, 20);
        put16(p, ev->sport);
        put16(p + 2, ev->dport);
        p[12] = 5 << 4;
        p[13] = ev->tcpflags;
        return 20;
    case 17: /* UDP and UDP-Lite: ports, length */
    case 136:
        memset(p, 0, 8);
        put16(p, ev->sport);
        put16(p + 2, ev->dport);
        put16(p + 4, *payload > 0xffff ? 0xffff : *payload);
        return 8;
    case 132: /* SCTP and DCCP: ports first */
    case 33:
        memset(p, 0, 12);
        put16(p, ev->sport);
        put16(p + 2, ev->dport);
        return 12;
    case 44: /* IPv6's fragment header: what follows it no record says */
        memset(p, 0, 8);
        p[0] = 59; /* no next header */
        return 8;
    case 1: /* ICMP and ICMPv6: type and code as NetFlow packs them */
    case 58:
        memset(p, 0, 8);
        p[0] = (uint8_t)(ev->dport >> 8);
        p[1] = (uint8_t)ev->dport;
        return 8;
    default:
        return 0;
    }
}

bool bpfexpr_match(const struct bpfexpr *b, const struct event *ev)
{
    uint8_t pkt[HEADROOM];
    unsigned mean = ev->packets ? (unsigned)(ev->octets / ev->packets) : 0;
    bool v6 = ev->src.family == 6 || ev->dst.family == 6;
    size_t ip = v6 ? 40 : 20;
    if (mean > 0xffff)
        mean = 0xffff;
    unsigned payload = mean > ip ? mean - (unsigned)ip : 0;
    size_t tl = transport(ev, pkt + ip, &payload);
    memset(pkt, 0, ip);
    if (v6) { /* version 6, payload length, next header, hop limit 0 */
        pkt[0] = 0x60;
        put16(pkt + 4, payload);
        pkt[6] = ev->proto;
        memcpy(pkt + 8, ev->src.b, 16);
        memcpy(pkt + 24, ev->dst.b, 16);
    } else { /* version 4, IHL 5, total length, no fragment, protocol */
        pkt[0] = 0x45;
        put16(pkt + 2, mean);
        pkt[9] = ev->proto;
        memcpy(pkt + 12, ev->src.b, 4);
        memcpy(pkt + 16, ev->dst.b, 4);
    }
    unsigned caplen = (unsigned)(ip + tl);
    struct pcap_pkthdr h = {.caplen = caplen, .len = mean > caplen ? mean : caplen};
    return pcap_offline_filter(&b->prog, &h, pkt) != 0;
}

void bpfexpr_destroy(struct bpfexpr *b)
{
    if (!b)
        return;
    pcap_freecode(&b->prog);
    free(b);
}
