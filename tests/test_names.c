/* Names: the DNS, TLS and HTTP readers on messages built here, broken
 * ones included, the records that carry names, and the cache. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "analyze/namelog.h"
#include "analyze/names.h"
#include "check.h"
#include "ingest/nameread.h"

struct got {
    int n;
    char name[8][256];
    struct addr addr[8];
};

static void collect(void *ctx, const struct addr *a, const char *name, size_t len)
{
    struct got *g = ctx;
    if (g->n < 8) {
        memcpy(g->name[g->n], name, len);
        g->name[g->n][len] = 0;
        g->addr[g->n++] = *a;
    }
}

/* A DNS message under construction. */
struct msg {
    uint8_t b[2048];
    size_t n;
};

static void put8(struct msg *m, unsigned v)
{
    m->b[m->n++] = (uint8_t)v;
}

static void put16(struct msg *m, unsigned v)
{
    put8(m, v >> 8);
    put8(m, v & 255);
}

/* "www.example.com" as labels; returns where it starts. */
static size_t put_name(struct msg *m, const char *s)
{
    size_t at = m->n;
    while (*s) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        put8(m, (unsigned)len);
        memcpy(m->b + m->n, s, len);
        m->n += len;
        s += len + (dot ? 1 : 0);
    }
    put8(m, 0);
    return at;
}

static void header(struct msg *m, unsigned flags, unsigned qd, unsigned an)
{
    m->n = 0;
    put16(m, 0x1234);
    put16(m, flags);
    put16(m, qd);
    put16(m, an);
    put16(m, 0);
    put16(m, 0);
}

static void rr_head_ttl(struct msg *m, unsigned type, unsigned rdlen, unsigned ttl)
{
    put16(m, type);
    put16(m, 1);
    put16(m, 0);
    put16(m, ttl);
    put16(m, rdlen);
}

static void rr_head(struct msg *m, unsigned type, unsigned rdlen)
{
    rr_head_ttl(m, type, rdlen, 60);
}

static struct addr v4(const char *s)
{
    struct addr a = {.family = 4};
    inet_pton(AF_INET, s, a.b);
    return a;
}

static struct addr v6(const char *s)
{
    struct addr a = {.family = 6};
    inet_pton(AF_INET6, s, a.b);
    return a;
}

/* www.example.com CNAME edge.cdn.net, A 192.0.2.7 and AAAA 2001:db8::7,
 * with the given id and TTLs. */
static void chain_msg(struct msg *m, unsigned id, unsigned ttl)
{
    header(m, 0x8180, 1, 3);
    m->b[0] = (uint8_t)(id >> 8), m->b[1] = (uint8_t)id;
    size_t q = put_name(m, "www.example.com");
    put16(m, 1);
    put16(m, 1);
    put8(m, 0xc0 | (unsigned)(q >> 8));
    put8(m, q & 255);
    size_t rdlen_at = m->n + 8;
    rr_head_ttl(m, 5, 0, ttl);
    size_t edge = put_name(m, "edge.cdn.net");
    m->b[rdlen_at + 1] = (uint8_t)(m->n - edge);
    for (int k = 0; k < 2; k++) {
        put8(m, 0xc0 | (unsigned)(edge >> 8));
        put8(m, edge & 255);
        rr_head_ttl(m, k ? 28 : 1, k ? 16 : 4, ttl);
        struct addr a = k ? v6("2001:db8::7") : v4("192.0.2.7");
        memcpy(m->b + m->n, a.b, k ? 16 : 4);
        m->n += k ? 16 : 4;
    }
}

/* The records a packet adds to the queue (and takes them out). */
static int records_of(struct nameread_queue *q, const struct event *ev, const uint8_t *p,
                      size_t len, struct nameread_counts *c)
{
    nameread_packet(q, ev, p, len, c);
    struct event out;
    int n = 0;
    while (nameread_pop(q, &out))
        n++;
    return n;
}

/* An answer met again, with another id and TTLs, sends nothing while
 * its names were sent lately; a name another source gave one of its
 * addresses in between is replaced again (the latest answer wins). */
static void test_dns_repeat(void)
{
    static struct nameread_queue q;
    nameread_init(&q, 0);
    struct nameread_counts c = {0};
    struct msg m;
    const int64_t s = 1000000000;
    struct event dns = {.time_ns = s, .proto = 17, .sport = 53, .dport = 40000,
                        .src = v4("10.0.0.53"), .dst = v4("10.0.0.9")};
    chain_msg(&m, 1, 60);
    CHECK(records_of(&q, &dns, m.b, m.n, &c) == 2 && c.found == 2);
    chain_msg(&m, 2, 59);
    dns.time_ns = 2 * s;
    CHECK(records_of(&q, &dns, m.b, m.n, &c) == 0 && c.found == 4 && c.malformed == 0);
    const char *get = "GET / HTTP/1.1\r\nHost: other.example\r\n\r\n";
    struct event http = {.time_ns = 3 * s, .proto = 6, .sport = 40001, .dport = 80,
                         .src = v4("10.0.0.9"), .dst = v4("192.0.2.7")};
    CHECK(records_of(&q, &http, (const uint8_t *)get, strlen(get), &c) == 1);
    chain_msg(&m, 3, 58);
    dns.time_ns = 4 * s;
    CHECK(records_of(&q, &dns, m.b, m.n, &c) == 1); /* the A again, not the AAAA */
    dns.time_ns = 5 * s + NAMEREAD_REPEAT_NS;
    CHECK(records_of(&q, &dns, m.b, m.n, &c) == 2); /* a minute on: both again */
    /* the same answer spelt in other case is read in full: the same names,
     * nothing sent */
    chain_msg(&m, 4, 57);
    memcpy(m.b + 12 + 17 + 4 + 12, "\4EDGE", 5);
    dns.time_ns = 6 * s + NAMEREAD_REPEAT_NS;
    CHECK(records_of(&q, &dns, m.b, m.n, &c) == 0 && c.malformed == 0);

    /* a CNAME whose target a pointer reads from its own TTL: with the TTL
     * 'abc' the chain names 192.0.2.1 q.test, with 'abd' it breaks and
     * the address is named abc; the second is no repeat of the first */
    struct msg t;
    header(&t, 0x8180, 1, 2);
    size_t qn = put_name(&t, "q.test");
    put16(&t, 1);
    put16(&t, 1);
    put8(&t, 0xc0 | (unsigned)(qn >> 8));
    put8(&t, qn & 255);
    put16(&t, 5);
    put16(&t, 1);
    size_t ttl_at = t.n;
    put8(&t, 3), put8(&t, 'a'), put8(&t, 'b'), put8(&t, 'c');
    put16(&t, 2);
    put8(&t, 0xc0 | (unsigned)(ttl_at >> 8));
    put8(&t, ttl_at & 255);
    put_name(&t, "abc");
    rr_head(&t, 1, 4);
    put8(&t, 192), put8(&t, 0), put8(&t, 2), put8(&t, 1);
    struct got g = {0};
    CHECK(nameread_dns(t.b, t.n, collect, &g) == 1 && strcmp(g.name[0], "q.test") == 0);
    dns.time_ns = 7 * s + NAMEREAD_REPEAT_NS;
    CHECK(records_of(&q, &dns, t.b, t.n, &c) == 1);
    t.b[ttl_at + 3] = 'd';
    g.n = 0;
    CHECK(nameread_dns(t.b, t.n, collect, &g) == 1 && strcmp(g.name[0], "abc") == 0);
    dns.time_ns = 8 * s + NAMEREAD_REPEAT_NS;
    CHECK(records_of(&q, &dns, t.b, t.n, &c) == 1);
}

static void test_dns_chain(void)
{
    struct msg m;
    header(&m, 0x8180, 1, 3);
    size_t q = put_name(&m, "www.example.com");
    put16(&m, 1);
    put16(&m, 1);
    /* www.example.com CNAME edge.cdn.net */
    put8(&m, 0xc0 | (unsigned)(q >> 8));
    put8(&m, q & 255);
    size_t rdlen_at = m.n + 8;
    rr_head(&m, 5, 0);
    size_t edge = put_name(&m, "edge.cdn.net");
    m.b[rdlen_at + 1] = (uint8_t)(m.n - edge);
    /* edge.cdn.net A 192.0.2.7, and AAAA 2001:db8::7, by pointers */
    put8(&m, 0xc0 | (unsigned)(edge >> 8));
    put8(&m, edge & 255);
    rr_head(&m, 1, 4);
    put8(&m, 192), put8(&m, 0), put8(&m, 2), put8(&m, 7);
    put8(&m, 0xc0 | (unsigned)(edge >> 8));
    put8(&m, edge & 255);
    rr_head(&m, 28, 16);
    struct addr six = v6("2001:db8::7");
    memcpy(m.b + m.n, six.b, 16);
    m.n += 16;
    m.b[7] = 3;
    struct got g = {0};
    CHECK(nameread_dns(m.b, m.n, collect, &g) == 2);
    CHECK(g.n == 2);
    struct addr four = v4("192.0.2.7");
    CHECK(addr_equal(&g.addr[0], &four) && strcmp(g.name[0], "www.example.com") == 0);
    CHECK(addr_equal(&g.addr[1], &six) && strcmp(g.name[1], "www.example.com") == 0);

    /* cut inside the AAAA record: the A before it still counts, and the
     * message is malformed */
    g.n = 0;
    CHECK(nameread_dns(m.b, m.n - 5, collect, &g) == -1);
    CHECK(g.n == 1 && addr_equal(&g.addr[0], &four));

    /* a query is not an answer */
    m.b[2] = 0x01;
    g.n = 0;
    CHECK(nameread_dns(m.b, m.n, collect, &g) == 0 && g.n == 0);
}

static void test_dns_broken(void)
{
    struct msg m;
    struct got g = {0};
    /* a pointer to itself, in the question */
    header(&m, 0x8180, 1, 0);
    put8(&m, 0xc0);
    put8(&m, 12);
    put16(&m, 1), put16(&m, 1);
    CHECK(nameread_dns(m.b, m.n, collect, &g) == -1);
    /* a pointer forwards */
    header(&m, 0x8180, 1, 0);
    put8(&m, 0xc0);
    put8(&m, 20);
    put16(&m, 1), put16(&m, 1);
    CHECK(nameread_dns(m.b, m.n, collect, &g) == -1);
    /* a label, then a pointer back to it: the name would grow for ever
     * (an answer's owner: the question is only passed over) */
    header(&m, 0x8180, 0, 1);
    put8(&m, 3);
    put8(&m, 'a'), put8(&m, 'b'), put8(&m, 'c');
    put8(&m, 0xc0);
    put8(&m, 12);
    rr_head(&m, 1, 4);
    put8(&m, 10), put8(&m, 0), put8(&m, 0), put8(&m, 3);
    g.n = 0;
    CHECK(nameread_dns(m.b, m.n, collect, &g) == -1 && g.n == 0);
    /* an A record of 5 bytes */
    header(&m, 0x8180, 0, 1);
    put_name(&m, "x.test");
    rr_head(&m, 1, 5);
    for (int i = 0; i < 5; i++)
        put8(&m, 1);
    CHECK(nameread_dns(m.b, m.n, collect, &g) == -1);
    /* more answers counted than there are */
    header(&m, 0x8180, 0, 9);
    put_name(&m, "x.test");
    rr_head(&m, 1, 4);
    put8(&m, 10), put8(&m, 0), put8(&m, 0), put8(&m, 1);
    g.n = 0;
    CHECK(nameread_dns(m.b, m.n, collect, &g) == -1 && g.n == 1);
    /* more answers than are read: the rest are passed over safely (found
     * by fuzzing: the 49th was read past the table) */
    header(&m, 0x8180, 0, 60);
    for (int i = 0; i < 60; i++) {
        put8(&m, 1), put8(&m, 'a' + i % 26), put8(&m, 0);
        rr_head(&m, 1, 4);
        put8(&m, 10), put8(&m, 1), put8(&m, 0), put8(&m, (unsigned)i);
    }
    g.n = 0;
    CHECK(nameread_dns(m.b, m.n, collect, &g) == 48 && g.n == 8);
    /* a header alone, shorter */
    CHECK(nameread_dns(m.b, 11, collect, &g) == -1);
    /* a name with a space is left out, but the message is fine */
    header(&m, 0x8180, 0, 1);
    put_name(&m, "my host.test");
    rr_head(&m, 1, 4);
    put8(&m, 10), put8(&m, 0), put8(&m, 0), put8(&m, 2);
    g.n = 0;
    CHECK(nameread_dns(m.b, m.n, collect, &g) == 0 && g.n == 0);
    CHECK(g.n == 0);
}

static void test_dns_ptr(void)
{
    struct msg m;
    struct got g = {0};
    header(&m, 0x8180, 0, 2);
    put_name(&m, "7.2.0.192.in-addr.arpa");
    size_t at = m.n + 8;
    rr_head(&m, 12, 0);
    size_t t = put_name(&m, "host.example.org");
    m.b[at + 1] = (uint8_t)(m.n - t);
    put_name(&m, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    at = m.n + 8;
    rr_head(&m, 12, 0);
    t = put_name(&m, "six.example.org");
    m.b[at + 1] = (uint8_t)(m.n - t);
    CHECK(nameread_dns(m.b, m.n, collect, &g) == 2);
    struct addr four = v4("192.0.2.7"), six = v6("2001:db8::1");
    CHECK(addr_equal(&g.addr[0], &four) && strcmp(g.name[0], "host.example.org") == 0);
    CHECK(addr_equal(&g.addr[1], &six) && strcmp(g.name[1], "six.example.org") == 0);
    /* a reverse name that is not an address names nothing */
    header(&m, 0x8180, 0, 1);
    put_name(&m, "300.2.0.192.in-addr.arpa");
    at = m.n + 8;
    rr_head(&m, 12, 0);
    t = put_name(&m, "bad.example.org");
    m.b[at + 1] = (uint8_t)(m.n - t);
    g.n = 0;
    CHECK(nameread_dns(m.b, m.n, collect, &g) == 0 && g.n == 0);
}

/* A ClientHello with one server_name, cut to len if smaller. */
static size_t hello(uint8_t *b, const char *sni, unsigned sid)
{
    size_t n = 0, nl = strlen(sni);
    size_t ext = 2 + 1 + 2 + nl;         /* the server_name body */
    size_t exts = 4 + ext + 4 + 2;       /* with a supported_versions before it */
    size_t body = 2 + 32 + 1 + sid + 2 + 2 + 1 + 1 + 2 + exts;
    b[n++] = 0x16, b[n++] = 3, b[n++] = 1;
    b[n++] = (uint8_t)((body + 4) >> 8), b[n++] = (uint8_t)(body + 4);
    b[n++] = 1, b[n++] = 0, b[n++] = (uint8_t)(body >> 8), b[n++] = (uint8_t)body;
    b[n++] = 3, b[n++] = 3;
    memset(b + n, 0xab, 32), n += 32;
    b[n++] = (uint8_t)sid;
    memset(b + n, 1, sid), n += sid;
    b[n++] = 0, b[n++] = 2, b[n++] = 0x13, b[n++] = 0x01;
    b[n++] = 1, b[n++] = 0;
    b[n++] = (uint8_t)(exts >> 8), b[n++] = (uint8_t)exts;
    b[n++] = 0, b[n++] = 43, b[n++] = 0, b[n++] = 2, b[n++] = 3, b[n++] = 4;
    b[n++] = 0, b[n++] = 0, b[n++] = (uint8_t)(ext >> 8), b[n++] = (uint8_t)ext;
    b[n++] = (uint8_t)((nl + 3) >> 8), b[n++] = (uint8_t)(nl + 3);
    b[n++] = 0, b[n++] = (uint8_t)(nl >> 8), b[n++] = (uint8_t)nl;
    memcpy(b + n, sni, nl), n += nl;
    return n;
}

static void test_tls(void)
{
    uint8_t b[512];
    char out[256];
    size_t n = hello(b, "mail.example.net", 32);
    CHECK(nameread_tls_sni(b, n, out, sizeof(out)) == 1 && strcmp(out, "mail.example.net") == 0);
    /* cut by the segment: nothing yet, not malformed */
    CHECK(nameread_tls_sni(b, 60, out, sizeof(out)) == 0);
    CHECK(nameread_tls_sni(b, n - 3, out, sizeof(out)) == 0);
    /* a session id longer than 32 */
    n = hello(b, "mail.example.net", 33);
    CHECK(nameread_tls_sni(b, n, out, sizeof(out)) == -1);
    /* a server name with a character no host name has */
    n = hello(b, "bad/name", 0);
    CHECK(nameread_tls_sni(b, n, out, sizeof(out)) == -1);
    /* not a handshake */
    b[0] = 0x17;
    CHECK(nameread_tls_sni(b, n, out, sizeof(out)) == 0);
}

static void test_http(void)
{
    char out[256];
    const char *get = "GET /index.html HTTP/1.1\r\nUser-Agent: x\r\nhost:  www.example.org:8080\r\n"
                      "Accept: */*\r\n\r\n";
    CHECK(nameread_http_host((const uint8_t *)get, strlen(get), out, sizeof(out)) == 1);
    CHECK(strcmp(out, "www.example.org") == 0);
    const char *ip = "POST / HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n";
    CHECK(nameread_http_host((const uint8_t *)ip, strlen(ip), out, sizeof(out)) == 0);
    const char *none = "GET / HTTP/1.0\r\nAccept: */*\r\n\r\nHost: late.example\r\n";
    CHECK(nameread_http_host((const uint8_t *)none, strlen(none), out, sizeof(out)) == 0);
    const char *reply = "HTTP/1.1 200 OK\r\nHost: x.example\r\n\r\n";
    CHECK(nameread_http_host((const uint8_t *)reply, strlen(reply), out, sizeof(out)) == 0);
    const char *cut = "GET / HTTP/1.1\r\nHost: www.exa";
    CHECK(nameread_http_host((const uint8_t *)cut, strlen(cut), out, sizeof(out)) == 0);
}

/* Names through records and into the cache, parts out of order. */
static void test_records(void)
{
    struct nameread_queue q;
    nameread_init(&q, 7u << 24);
    char longname[120];
    memset(longname, 'a', sizeof(longname));
    memcpy(longname + 100, ".example.org", 12);
    longname[112] = 0;
    struct addr a = v4("198.51.100.9");
    CHECK(nameread_push(&q, 5000, &a, longname, strlen(longname), NAME_DNS));
    struct event rec[4];
    int n = 0;
    while (n < 4 && nameread_pop(&q, &rec[n]))
        n++;
    CHECK(n == 3);
    CHECK(rec[0].flags == EVENT_NAME && rec[0].name.parts == 3 && rec[2].name.len == 32);
    struct names *nm = names_create(0);
    names_take(nm, &rec[2]);
    names_take(nm, &rec[0]);
    CHECK(names_get(nm, &a, NULL) == NULL);
    names_take(nm, &rec[1]);
    enum event_name_origin origin = 0;
    const char *got = names_get(nm, &a, &origin);
    CHECK(got && strcmp(got, longname) == 0 && origin == NAME_DNS);
    /* the latest answer wins */
    names_learn(nm, &a, "short.example", 13, NAME_SNI, 6000);
    got = names_get(nm, &a, &origin);
    CHECK(got && strcmp(got, "short.example") == 0 && origin == NAME_SNI);
    const char *recent[4];
    CHECK(names_recent(nm, recent, 4) == 2 && strcmp(recent[0], "short.example") == 0);
    names_destroy(nm);
    /* the same pair again within a minute is not sent again; after it, or
     * with another name, it is */
    nameread_init(&q, 0);
    CHECK(nameread_push(&q, 1000, &a, "x.test", 6, NAME_DNS) && q.n == 1);
    CHECK(nameread_push(&q, 2000, &a, "x.test", 6, NAME_DNS) && q.n == 1);
    CHECK(nameread_push(&q, 3000, &a, "y.test", 6, NAME_DNS) && q.n == 2);
    CHECK(nameread_push(&q, 3000 + NAMEREAD_REPEAT_NS, &a, "y.test", 6, NAME_DNS) && q.n == 3);
    /* a flip back to the earlier name goes out: the latest answer wins */
    CHECK(nameread_push(&q, 4000 + NAMEREAD_REPEAT_NS, &a, "x.test", 6, NAME_DNS) && q.n == 4);
    /* a full queue takes no part of a name */
    nameread_init(&q, 0);
    int pushed = 0;
    while (pushed < 1000 && nameread_push(&q, pushed, &(struct addr){.family = 4,
                                                                    .b = {10, 9, 0, (uint8_t)pushed}},
                                          longname, strlen(longname), NAME_DNS))
        pushed++;
    CHECK(pushed == NAMEREAD_QUEUE / 3);
}

static void test_cache_bound(void)
{
    struct names *nm = names_create(64);
    char name[32];
    for (int i = 0; i < 1000; i++) {
        struct addr a = {.family = 4, .b = {10, 0, (uint8_t)(i >> 8), (uint8_t)i}};
        int len = snprintf(name, sizeof(name), "h%d.test", i);
        names_learn(nm, &a, name, (size_t)len, NAME_LOG, i);
        if (i % 3 == 0) /* one name learnt often */
            names_learn(nm, &(struct addr){.family = 4, .b = {192, 0, 2, 1}}, "busy.test", 9,
                        NAME_DNS, i);
    }
    struct names_totals t;
    names_totals(nm, &t);
    CHECK(t.held == 64 && t.learnt == 1000 + 334 && t.held + t.evicted >= 1001);
    /* the latest are there; the first are gone */
    struct addr last = {.family = 4, .b = {10, 0, 3, 231}}, first = {.family = 4, .b = {10}};
    CHECK(names_get(nm, &last, NULL) && strcmp(names_get(nm, &last, NULL), "h999.test") == 0);
    CHECK(names_get(nm, &first, NULL) == NULL);
    const char *most[3];
    uint64_t count[3];
    CHECK(names_most(nm, most, count, 3) == 3 && strcmp(most[0], "busy.test") == 0);
    CHECK(count[0] >= 300);
    names_destroy(nm);
}

/* One line through a log reader: the names it gives, as "ADDR=NAME ...". */
static int log_line(struct namelog *l, const char *line, char *out, size_t outlen)
{
    struct got g = {0};
    int r = namelog_line(l, line, strlen(line), collect, &g);
    out[0] = 0;
    for (int i = 0; i < g.n; i++) {
        char a[64];
        size_t at = strlen(out);
        snprintf(out + at, outlen - at, "%s%s=%s", i ? " " : "",
                 addr_format(&g.addr[i], a, sizeof(a)), g.name[i]);
    }
    return r;
}

static void test_logs(void)
{
    char out[512];
    struct namelog *l = namelog_create();
    /* dnsmasq: a CNAME chain named by the name asked for; a query ends it */
    CHECK(log_line(l, "Dec  2 17:01:32 dnsmasq[1]: query[A] www.office.test from 127.0.0.1",
                   out, sizeof(out)) == 0);
    CHECK(log_line(l, "Dec  2 17:01:32 dnsmasq[1]: reply www.office.test is <CNAME>", out,
                   sizeof(out)) == 0);
    CHECK(log_line(l, "Dec  2 17:01:32 dnsmasq[1]: reply srv.office.test is 10.77.0.1", out,
                   sizeof(out)) == 1 && strcmp(out, "10.77.0.1=www.office.test") == 0);
    CHECK(log_line(l, "Dec  2 17:01:33 dnsmasq[1]: query[AAAA] x.test from 127.0.0.1", out,
                   sizeof(out)) == 0);
    CHECK(log_line(l, "Dec  2 17:01:33 dnsmasq[1]: 7 127.0.0.1/5353 cached x.test is 2001:db8::4",
                   out, sizeof(out)) == 1 && strcmp(out, "2001:db8::4=x.test") == 0);
    CHECK(log_line(l, "Dec  2 17:01:33 dnsmasq[1]: reply y.test is NXDOMAIN", out,
                   sizeof(out)) == 0);
    CHECK(log_line(l, "Dec  2 17:01:33 dnsmasq[1]: /etc/hosts h.test is 10.0.0.9", out,
                   sizeof(out)) == 1 && strcmp(out, "10.0.0.9=h.test") == 0);
    namelog_destroy(l);

    /* resource records: dig, zone files, unbound's cache dump and config */
    l = namelog_create();
    CHECK(log_line(l, ";; ANSWER SECTION:", out, sizeof(out)) == 0);
    CHECK(log_line(l, "www.office.test.\t300\tIN\tCNAME\tsrv.office.test.", out,
                   sizeof(out)) == 0);
    CHECK(log_line(l, "srv.office.test. 300 IN A 10.77.0.1", out, sizeof(out)) == 1 &&
          strcmp(out, "10.77.0.1=www.office.test") == 0);
    CHECK(log_line(l, "srv.office.test. IN A 0", out, sizeof(out)) == 0);
    CHECK(log_line(l, "9.0.0.10.in-addr.arpa. 60 IN PTR nine.office.test.", out,
                   sizeof(out)) == 1 && strcmp(out, "10.0.0.9=nine.office.test") == 0);
    CHECK(log_line(l, "local-data: \"gw.office.test. A 10.77.0.254\"", out, sizeof(out)) == 1 &&
          strcmp(out, "10.77.0.254=gw.office.test") == 0);
    CHECK(log_line(l, "a.test. 60 IN A 2001:db8::1", out, sizeof(out)) == 0); /* wrong family */
    CHECK(log_line(l, "a.test. 60 IN MX 10 mail.test.", out, sizeof(out)) == 0);
    CHECK(log_line(l, "what is this line", out, sizeof(out)) == -1);
    /* a hosts file */
    CHECK(log_line(l, "192.0.2.10   nas.office.test nas   # the NAS", out, sizeof(out)) == 1 &&
          strcmp(out, "192.0.2.10=nas.office.test") == 0);
    CHECK(log_line(l, "::1 localhost ip6-localhost", out, sizeof(out)) == 1);
    CHECK(log_line(l, "192.0.2.11 10.0.0.1", out, sizeof(out)) == 0); /* not a name */
    /* Zeek JSON */
    CHECK(log_line(l, "{\"ts\":1.5,\"query\":\"w.example.org\",\"answers\":[\"e.cdn.net\","
                      "\"198.51.100.7\", \"2001:db8::7\"],\"TTLs\":[60.0]}",
                   out, sizeof(out)) == 2 &&
          strcmp(out, "198.51.100.7=w.example.org 2001:db8::7=w.example.org") == 0);
    CHECK(log_line(l, "{\"query\":\"w.example.org\",\"answers\":[\"198.51.100.7", out,
                   sizeof(out)) == 0); /* cut */
    namelog_destroy(l);

    /* Zeek TSV, driven by its header: a separator other than tab too */
    l = namelog_create();
    CHECK(log_line(l, "#separator \\x7c", out, sizeof(out)) == 0);
    CHECK(log_line(l, "#set_separator|;", out, sizeof(out)) == 0);
    CHECK(log_line(l, "#unset_field|-", out, sizeof(out)) == 0);
    CHECK(log_line(l, "#fields|ts|answers|uid|query", out, sizeof(out)) == 0);
    CHECK(log_line(l, "1.0|cdn.example;203.0.113.5;203.0.113.6|C1|img.example", out,
                   sizeof(out)) == 2 &&
          strcmp(out, "203.0.113.5=img.example 203.0.113.6=img.example") == 0);
    CHECK(log_line(l, "1.0|203.0.113.5|C1|-", out, sizeof(out)) == 0);
    CHECK(log_line(l, "1.0|203.0.113.5", out, sizeof(out)) == -1); /* too few fields */
    /* a NUL separator is refused (found by fuzzing: sets were split past
     * the line's end) */
    CHECK(log_line(l, "#set_separator|\\x00", out, sizeof(out)) == 0);
    CHECK(log_line(l, "1.0|203.0.113.5;203.0.113.6|C1|x.example", out, sizeof(out)) == 2);
    namelog_destroy(l);
}

int main(void)
{
    test_dns_chain();
    test_dns_repeat();
    test_dns_broken();
    test_dns_ptr();
    test_tls();
    test_http();
    test_records();
    test_cache_bound();
    test_logs();
    return check_done("names");
}
