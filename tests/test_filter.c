/* The filter language: every primitive, IPv6, precedence, errors that
 * point at their word; the rule set (hide, only, undo, the file); the
 * talkers' ranking. tcpdump's primitives are held to libpcap's own
 * compiler: the same events through both must give the same answers. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/talkers.h"
#include "base/services.h"
#include "check.h"
#include "filter/expr.h"
#include "filter/set.h"
#include "ingest/bpfexpr.h"

static struct addr ip(const char *s)
{
    struct addr a = {0};
    if (inet_pton(AF_INET, s, a.b) == 1)
        a.family = 4;
    else if (inet_pton(AF_INET6, s, a.b) == 1)
        a.family = 6;
    return a;
}

static struct event ev(const char *src, const char *dst, uint8_t proto, uint16_t sport,
                       uint16_t dport)
{
    return (struct event){.src = ip(src), .dst = ip(dst), .proto = proto, .sport = sport,
                          .dport = dport, .packets = 1, .octets = 100};
}

static bool matches(const char *expr, const struct event *e, const struct filter_env *env)
{
    struct filter_error err;
    struct filter_expr *x = filter_parse(expr, &err);
    if (!x) {
        fprintf(stderr, "'%s' did not parse: %s at %zu\n", expr, err.why, err.pos);
        return false;
    }
    bool m = filter_match(x, e, env);
    filter_free(x);
    return m;
}

#define YES(expr, e) CHECK(matches(expr, &(e), NULL))
#define NO(expr, e) CHECK(!matches(expr, &(e), NULL))

static void test_primitives(void)
{
    struct event web = ev("10.0.0.5", "93.184.216.34", 6, 51000, 443);
    struct event dns = ev("10.0.0.5", "10.0.0.1", 17, 40000, 53);
    struct event v6 = ev("2001:db8::5", "2001:db8:1::1", 6, 50000, 22);
    struct event ping = ev("10.0.0.5", "10.0.0.1", 1, 0, 0x0800);
    struct event ping6 = ev("fe80::1", "ff02::1", 58, 0, 0x8000);
    struct event gre = ev("192.0.2.1", "198.51.100.1", 47, 0, 0);
    struct event sctp = ev("10.0.0.9", "10.0.0.10", 132, 2905, 2905);

    YES("host 10.0.0.5", web);
    YES("src host 10.0.0.5", web);
    NO("dst host 10.0.0.5", web);
    YES("dst 93.184.216.34", web);
    YES("src or dst host 93.184.216.34", web);
    NO("src and dst host 10.0.0.5", web);
    YES("host 2001:db8::5", v6);
    NO("host 10.0.0.5", v6);
    YES("net 10.0.0.0/8", web);
    YES("net 10", web);
    YES("net 10.0", web);
    YES("net 10.0.0.0 mask 255.255.255.0", web);
    YES("dst net 93.184.0.0/16", web);
    NO("src net 93.184.0.0/16", web);
    YES("net 2001:db8::/32", v6);
    YES("dst net 2001:db8:1::/48", v6);
    NO("src net 2001:db8:1::/48", v6);
    YES("port 443", web);
    YES("port https", web);
    YES("tcp port 443", web);
    NO("udp port 443", web);
    YES("dst port 443", web);
    NO("src port 443", web);
    YES("portrange 400-500", web);
    YES("portrange 500-400", web);
    NO("portrange 1-100", web);
    YES("udp portrange 50-60", dns);
    NO("port 2048", ping); /* ICMP's type and code are no port */
    YES("port 2905", sctp);
    YES("sctp", sctp);
    YES("tcp", web);
    YES("tcp", v6);
    YES("udp", dns);
    YES("icmp", ping);
    NO("icmp", ping6);
    YES("icmp6", ping6);
    YES("ip", web);
    NO("ip", v6);
    YES("ip6", v6);
    YES("proto 47", gre);
    YES("proto gre", gre);
    YES("ip proto \\tcp", web);
    NO("ip6 proto 6", web);
    YES("ip6 proto 6", v6);
    YES("ip host 10.0.0.5", web);
    YES("ip6 net 2001:db8::/32", v6);
    YES("tcp src port 51000", web);

    /* flowswarm's own */
    YES("service https", web);
    YES("service domain", dns);
    NO("service domain", web);
    YES("class web", web);
    YES("class dns", dns);
    YES("class remote", v6);
    YES("class icmp", ping);
    NO("class mail", web);
    struct event ldap = ev("10.0.0.5", "10.0.0.2", 6, 50001, 389);
    struct event krb = ev("10.0.0.5", "10.0.0.2", 17, 50002, 88);
    struct event snmp = ev("10.0.0.9", "10.0.0.1", 17, 50003, 161);
    struct event ntp = ev("10.0.0.9", "10.0.0.1", 17, 123, 123);
    YES("class dir", ldap);
    YES("class directory", krb);
    NO("class netmgmt", ldap);
    YES("class netmgmt", snmp);
    YES("class netmgmt", ntp);
    /* the table: ports shared by TCP and UDP entries, both ends of it */
    CHECK(strcmp(services_name(6, 513), "login") == 0);
    CHECK(strcmp(services_name(17, 513), "who") == 0);
    CHECK(strcmp(services_name(6, 7), "echo") == 0);
    CHECK(strcmp(services_name(17, 2055), "netflow") == 0);
    CHECK(strcmp(services_name(6, 9389), "adws") == 0);
    CHECK(strcmp(services_name(6, 27017), "mongodb") == 0);
    CHECK(services_class(17, 1812) == SVC_DIR && services_class(6, 5985) == SVC_REMOTE);
    CHECK(!services_known(6, 2055) && !services_known(6, 40000));
    NO("class dir", ntp);

    /* precedence and the short forms, as tcpdump reads them */
    YES("port 80 or 443", web);
    YES("host 10.0.0.9 or 10.0.0.5", web);
    YES("not port 80", web);
    YES("! port 80 && tcp", web);
    NO("not tcp or udp", web);         /* (not tcp) or udp */
    YES("udp or tcp and port 443", web);
    YES("udp or tcp and port 443", web);
    NO("tcp or udp and port 53", web); /* (tcp or udp) and port 53: left to right */
    YES("tcp or (udp and port 53)", web);
    YES("not (udp or icmp)", web);
    YES("not not tcp", web);
    YES("((((tcp))))", web);
}

static uint64_t fake_bytes(void *ctx, const struct addr *a)
{
    return a->b[3] == 5 ? 2500000 : 10;
}

static const char *fake_name(void *ctx, const struct addr *a)
{
    return a->b[3] == 1 ? "srv.office.test" : NULL;
}

static void test_environment(void)
{
    struct event dns = ev("10.0.0.5", "10.0.0.1", 17, 40000, 53);
    struct filter_env env = {.bytes = fake_bytes, .name = fake_name};
    CHECK(matches("bytes > 2M", &dns, &env));
    CHECK(matches("src bytes >= 2500000", &dns, &env));
    CHECK(!matches("dst bytes > 100", &dns, &env));
    CHECK(matches("dst bytes < 11", &dns, &env));
    CHECK(matches("bytes = 10", &dns, &env));
    CHECK(matches("bytes != 10", &dns, &env));
    CHECK(!matches("bytes > 3M", &dns, &env));
    CHECK(matches("bytes > 2k and udp", &dns, &env));
    CHECK(matches("name ~ office", &dns, &env));
    CHECK(matches("name ~ '^SRV\\.'", &dns, &env)); /* case ignored */
    CHECK(matches("dst name ~ \"test$\"", &dns, &env));
    CHECK(!matches("src name ~ office", &dns, &env));
    CHECK(!matches("name ~ office", &dns, NULL)); /* no names known: nothing */
    CHECK(!matches("bytes > 0", &dns, NULL));
    struct filter_error err;
    struct filter_expr *x = filter_parse("name ~ a or bytes > 1", &err);
    CHECK(x && filter_uses_names(x) && filter_uses_bytes(x));
    filter_free(x);
    x = filter_parse("port 80", &err);
    CHECK(x && !filter_uses_names(x) && !filter_uses_bytes(x));
    CHECK(x && strcmp(filter_text(x), "port 80") == 0);
    filter_free(x);
}

/* A bad expression names its fault and the word, counted from 1. */
static void bad(const char *expr, size_t pos, const char *why)
{
    struct filter_error err;
    struct filter_expr *x = filter_parse(expr, &err);
    CHECK(x == NULL);
    filter_free(x);
    if (!x && (err.pos != pos || !strstr(err.why, why))) {
        fprintf(stderr, "'%s': got '%s' at %zu, expected '%s' at %zu\n", expr, err.why,
                err.pos, why, pos);
        CHECK(false);
    }
}

static void test_errors(void)
{
    bad("", 0, "empty");
    bad("port 8o", 5, "'port' needs");
    bad("port 70000", 5, "'port' needs");
    bad("host foo.example", 5, "IPv4 or IPv6 address");
    bad("tcp and", 7, "ends too early");
    bad("(tcp or udp", 0, "never closed");
    bad("tcp)", 3, "closes nothing");
    bad("tcp udp", 4, "'and' or 'or'");
    bad("net 10.0.0.1/8", 4, "bits set past its /8");
    bad("net 10.0.0.0 mask 255.0.255.0", 18, "not contiguous");
    bad("ip6 host 10.0.0.1", 9, "not an IPv6");
    bad("tcp host 10.0.0.1", 4, "qualify only port");
    bad("service htps", 8, "unknown service");
    bad("class webby", 6, "unknown class");
    bad("bytes 10", 6, "comparison");
    bad("bytes > lots", 8, "number");
    bad("name office", 5, "'~'");
    bad("name ~ '('", 7, "bad pattern");
    bad("ip6 port 22", 4, "qualify only host");
    /* patterns whose compiled form would grow without bound */
    bad("name ~ 'a+++++++++++++++++++++++++++++'", 7, "a quantifier follows another");
    bad("name ~ '(((((((((a+)+)+)+)+)+)+)+)+)'", 7, "nested quantifiers");
    bad("name ~ '((a{20}){20})'", 7, "nested quantifiers");
    bad("name ~ 'a{1000}'", 7, "repeat count above 32");
    CHECK(matches("name ~ '^(www|mail)[0-9]*\\.(office|lab)\\.test$' or tcp",
                  &(struct event){.proto = 6, .src.family = 4, .dst.family = 4}, NULL));
    CHECK(matches("name ~ '[+*]{2}(a+b)?' or tcp",
                  &(struct event){.proto = 6, .src.family = 4, .dst.family = 4}, NULL));
    bad("frobnicate", 0, "unknown word");
    bad("10.0.0.1", 0, "needs a keyword");
    bad("port 80 & port 81", 8, "");
    bad("proto 300", 6, "'proto' needs");
    bad("src bytes", 9, "comparison");
    char buf[300];
    struct filter_error err;
    CHECK(!filter_parse("tcp and port 8o", &err));
    filter_error_format("tcp and port 8o", &err, buf, sizeof(buf));
    CHECK(strstr(buf, "at '8o' (character 14)") != NULL);
}

/* tcpdump's primitives against libpcap itself, over events drawn from
 * small pools so that every primitive hits and misses. */
static void test_against_libpcap(void)
{
    static const char *const exprs[] = {
        "host 10.0.0.1", "src host 10.0.0.2", "dst host 10.0.0.1", "host 2001:db8::1",
        "src or dst host 10.0.0.3", "src and dst host 10.0.0.1",
        "net 10.0.0.0/30", "src net 10.0.0.0/31", "dst net 192.168", "net 2001:db8::/126",
        "net 10.0.0.0 mask 255.255.255.252", "port 80", "src port 53", "dst port 443",
        "tcp port 80", "udp port 53", "sctp port 80", "portrange 50-90",
        "tcp dst portrange 400-450", "proto 47", "ip proto 1", "ip6 proto 58",
        "tcp", "udp", "icmp", "icmp6", "ip", "ip6", "sctp", "ip6 and tcp",
        "not port 80", "tcp or udp and port 53", "not tcp and not udp",
        "host 10.0.0.1 and (port 80 or port 443)", "port 80 or 443 or 53",
        "host 10.0.0.1 or 10.0.0.2 and port 53", "not host 10.0.0.1 and 10.0.0.2",
        "src host 10.0.0.2 and dst port 80 or icmp", "(tcp and port 80) or (udp and port 53)",
        "ip6 host 2001:db8::2 or ip host 10.0.0.2", "ip6 and port 80", "ip and port 53",
        "not (icmp or icmp6) and src or dst net 10.0.0.0/31",
        "dst host 2001:db8::1 and tcp dst port 443", "tcp src port 80 and not dst port 80",
    };
    static const char *const v4[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "192.168.7.7"};
    static const char *const v6[] = {"2001:db8::1", "2001:db8::2", "2001:db8::5", "fe80::9"};
    static const uint8_t protos[] = {6, 17, 1, 58, 132, 47, 33};
    static const uint16_t ports[] = {80, 443, 53, 60, 1024, 65535, 0};
    srand(7);
    unsigned disagree = 0, compared = 0;
    for (size_t k = 0; k < sizeof(exprs) / sizeof(exprs[0]); k++) {
        char err[512];
        struct filter_error fe;
        struct bpfexpr *b = bpfexpr_create(exprs[k], "test", err, sizeof(err));
        struct filter_expr *x = filter_parse(exprs[k], &fe);
        CHECK(b != NULL);
        CHECK(x != NULL);
        if (!b || !x) {
            fprintf(stderr, "'%s': %s / %s\n", exprs[k], b ? "" : err, x ? "" : fe.why);
            bpfexpr_destroy(b);
            filter_free(x);
            continue;
        }
        for (int i = 0; i < 4000; i++) {
            bool six = rand() % 2;
            const char *const *pool = six ? v6 : v4;
            uint8_t proto = protos[rand() % 7];
            if (proto == 1 && six)
                proto = 58;
            if (proto == 58 && !six)
                proto = 1;
            struct event e = ev(pool[rand() % 4], pool[rand() % 4], proto,
                                ports[rand() % 7], ports[rand() % 7]);
            if (proto == 1 || proto == 58) /* type and code as NetFlow packs them */
                e.sport = 0;
            bool mine = filter_match(x, &e, NULL), theirs = bpfexpr_match(b, &e);
            compared++;
            if (mine != theirs && disagree++ < 10) {
                char s[64], d[64];
                fprintf(stderr, "'%s' on %s > %s proto %u ports %u %u: flowswarm %d, libpcap %d\n",
                        exprs[k], addr_format(&e.src, s, sizeof(s)),
                        addr_format(&e.dst, d, sizeof(d)), e.proto, e.sport, e.dport, mine,
                        theirs);
            }
        }
        bpfexpr_destroy(b);
        filter_free(x);
    }
    CHECK_EQ_U(disagree, 0);
    printf("test_filter: %u events compared with libpcap\n", compared);
}

static void test_set(void)
{
    char err[400];
    struct filter_set *s = filter_set_create();
    struct event web = ev("10.0.0.5", "93.184.216.34", 6, 51000, 443);
    struct event dns = ev("10.0.0.5", "10.0.0.1", 17, 40000, 53);
    CHECK(filter_set_pass(s, &web, NULL) && filter_set_pass(s, &dns, NULL));
    CHECK(filter_set_add(s, FILTER_HIDE, "port 53", err, sizeof(err)));
    CHECK(filter_set_pass(s, &web, NULL) && !filter_set_pass(s, &dns, NULL));
    CHECK(!filter_set_add(s, FILTER_ONLY, "port", err, sizeof(err)));
    CHECK(strstr(err, "bad filter 'port'") != NULL);
    CHECK_EQ_U(filter_set_count(s), 1);
    CHECK(filter_set_add_line(s, "only host 10.0.0.5", err, sizeof(err)));
    CHECK(filter_set_add_line(s, "  tcp", err, sizeof(err))); /* a bare line: only */
    CHECK_EQ_U(filter_set_count(s), 3);
    CHECK(filter_set_verb(s, 2) == FILTER_ONLY);
    CHECK(filter_set_pass(s, &web, NULL));
    uint64_t gen = filter_set_generation(s);
    CHECK(filter_set_undo(s));
    CHECK(filter_set_generation(s) != gen);
    CHECK_EQ_U(filter_set_count(s), 2);
    CHECK(filter_set_clear(s));
    CHECK_EQ_U(filter_set_count(s), 0);
    CHECK(filter_set_pass(s, &dns, NULL));
    CHECK(filter_set_undo(s)); /* the clear undone */
    CHECK_EQ_U(filter_set_count(s), 2);
    CHECK(!filter_set_pass(s, &dns, NULL));

    char path[] = "/tmp/flowswarm-filters-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK(filter_set_save(s, path, err, sizeof(err)));
    struct filter_set *t = filter_set_create();
    CHECK(filter_set_load(t, path, err, sizeof(err)));
    CHECK_EQ_U(filter_set_count(t), 2);
    CHECK(filter_set_verb(t, 0) == FILTER_HIDE &&
          strcmp(filter_text(filter_set_expr(t, 0)), "port 53") == 0);
    gen = filter_set_generation(t);
    CHECK(filter_set_load(t, path, err, sizeof(err))); /* the same rules: no change */
    CHECK_EQ_U(filter_set_generation(t), gen);
    FILE *f = fopen(path, "w");
    fputs("# comment\n\nhide port 80\nonly net 10.0.0.0/8 and port 8o\n", f);
    fclose(f);
    CHECK(!filter_set_load(t, path, err, sizeof(err)));
    CHECK(strstr(err, ":4: bad filter 'net 10.0.0.0/8 and port 8o'") != NULL);
    CHECK(strstr(err, "(character 25)") != NULL);
    CHECK_EQ_U(filter_set_count(t), 2); /* the last good rules stay */
    f = fopen(path, "w");
    fputs("hide port 80\n", f);
    fclose(f);
    CHECK(filter_set_load(t, path, err, sizeof(err)));
    CHECK_EQ_U(filter_set_count(t), 1);
    CHECK(filter_set_undo(t)); /* the load undone */
    CHECK_EQ_U(filter_set_count(t), 2);
    unlink(path);
    CHECK(filter_set_load(t, path, err, sizeof(err))); /* gone: no rules */
    CHECK_EQ_U(filter_set_count(t), 0);
    filter_set_destroy(t);
    filter_set_destroy(s);
}

static void test_talkers(void)
{
    struct talkers *t = talkers_create(0);
    char a[32], b[32];
    for (int i = 1; i <= 50; i++) {
        snprintf(a, sizeof(a), "10.0.1.%d", i);
        snprintf(b, sizeof(b), "10.0.2.%d", i % 5);
        struct event e = ev(a, b, 6, 40000, i % 2 ? 443 : 80);
        e.octets = (uint64_t)i * 1000;
        talkers_add(t, &e);
    }
    CHECK_EQ_U(talkers_count(t), 55);
    struct addr x = ip("10.0.1.50");
    const struct talker *h = talkers_find(t, &x);
    CHECK(h && h->octets == 50000 && h->packets == 1);
    CHECK(h && h->services[0].port == 80 && h->services[0].proto == 6);
    x = ip("10.0.2.0"); /* 5, 10, ..., 50: 275k over two services */
    h = talkers_find(t, &x);
    CHECK(h && h->octets == 275000);
    CHECK(h && h->services[0].port == 80 && h->services[1].port == 443);
    talkers_rank(t, 5);
    unsigned tops = 0;
    for (int i = 0; i < 5; i++) {
        snprintf(b, sizeof(b), "10.0.2.%d", i);
        x = ip(b);
        tops += talkers_is_top(t, &x);
    }
    CHECK_EQ_U(tops, 5); /* the five servers outweigh every client */
    x = ip("10.0.1.50");
    CHECK(!talkers_is_top(t, &x));
    talkers_rank(t, 6);
    CHECK(talkers_is_top(t, &x));
    talkers_rank(t, 100); /* more than there are: all */
    x = ip("10.0.1.1");
    CHECK(talkers_is_top(t, &x));
    /* ties at the bar: first come first */
    struct talkers *u = talkers_create(0);
    for (int i = 1; i <= 10; i++) {
        snprintf(a, sizeof(a), "10.9.0.%d", i);
        struct event e = ev(a, "0.0.0.0", 17, 1, 1);
        e.dst.family = 0;
        talkers_add(u, &e);
    }
    talkers_rank(u, 3);
    x = ip("10.9.0.3");
    CHECK(talkers_is_top(u, &x));
    x = ip("10.9.0.4");
    CHECK(!talkers_is_top(u, &x));
    talkers_destroy(u);
    talkers_destroy(t);
}

/* The last minute in bins of ten seconds, the busiest by it and over the
 * run, flows, first and last seen, and the services' totals. */
static void test_talkers_time(void)
{
    const int64_t S = 1000000000;
    struct talkers *t = talkers_create(0);
    struct event e = ev("10.0.0.1", "10.0.0.2", 6, 40000, 443);
    e.octets = 1000;
    for (int k = 0; k < 100; k++) { /* a packet a second, one conversation */
        e.time_ns = e.end_ns = 1000 * S + k * S;
        talkers_add(t, &e);
    }
    struct event q = ev("10.0.0.3", "10.0.0.2", 17, 5000, 53); /* quiet, early */
    q.octets = 50000;
    q.time_ns = q.end_ns = 1000 * S;
    talkers_add(t, &q);
    struct addr a = ip("10.0.0.1"), b = ip("10.0.0.2"), c = ip("10.0.0.3");
    const struct talker *h = talkers_find(t, &a);
    CHECK(h && h->flows == 1 && h->first_ns == 1000 * S && h->last_ns == 1099 * S);
    /* at 1099 s the last minute is the bins from 1040 s: 60 packets */
    CHECK(h && talkers_recent(h, 1099 * S) == 60 * 1000);
    CHECK(h && talkers_recent(h, 1105 * S) == 50 * 1000); /* 1050 s on */
    CHECK(h && talkers_recent(h, 1200 * S) == 0);
    const struct talker *top[4];
    CHECK_EQ_U(talkers_busiest(t, true, 1099 * S, top, 4), 2); /* 10.0.0.3 is quiet */
    CHECK(top[0] == h && top[1] == talkers_find(t, &b)); /* a tie: first come first */
    CHECK_EQ_U(talkers_busiest(t, false, 1099 * S, top, 4), 3);
    CHECK(top[0] == talkers_find(t, &b) && top[1] == h && top[2] == talkers_find(t, &c));
    CHECK_EQ_U(talkers_busiest(t, false, 1099 * S, top, 1), 1);
    CHECK(top[0] == talkers_find(t, &b));
    /* silent past the idle time: a new flow; another port: another */
    e.time_ns = e.end_ns = (1099 + TALKER_IDLE_S + 1) * S;
    talkers_add(t, &e);
    e.sport = 40001;
    talkers_add(t, &e);
    CHECK(h->flows == 3);
    /* a flow record is a flow of its own, its end the last seen */
    struct event f = ev("10.0.0.1", "10.0.0.9", 6, 40002, 22);
    f.flags = EVENT_FLOW;
    f.time_ns = 1300 * S;
    f.end_ns = 1310 * S;
    talkers_add(t, &f);
    talkers_add(t, &f);
    CHECK(h->flows == 5 && h->last_ns == 1310 * S);
    size_t n;
    const struct talker_total *sv = talkers_services(t, &n);
    CHECK_EQ_U(n, 3);
    uint64_t octets = 0, flows = 0;
    for (size_t i = 0; i < n; i++) {
        octets += sv[i].octets;
        flows += sv[i].flows;
        if (sv[i].port == 443)
            CHECK(sv[i].proto == 6 && sv[i].packets == 102 && sv[i].flows == 3);
    }
    CHECK(octets == 102 * 1000 + 50000 + 2 * 100 && flows == 3 + 1 + 2);
    talkers_destroy(t);
}

int main(void)
{
    test_primitives();
    test_environment();
    test_errors();
    test_against_libpcap();
    test_set();
    test_talkers();
    test_talkers_time();
    return check_done("test_filter");
}
