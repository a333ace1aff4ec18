/* The filter language: a recursive-descent parser into a flat array of
 * nodes, and their evaluation over one event. */
#include "filter/expr.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/services.h"
#include "base/xalloc.h"

enum kind { K_AND, K_OR, K_NOT, K_HOST, K_NET, K_PORT, K_PROTO, K_SERVICE, K_CLASS,
            K_NAME, K_BYTES };
enum dir { D_EITHER, D_SRC, D_DST, D_BOTH };
enum { P_TCP = 1, P_UDP = 2, P_SCTP = 4, P_ANY = 7 };
enum cmp { C_GT, C_GE, C_LT, C_LE, C_EQ, C_NE };

struct node {
    uint8_t kind, dir;
    uint8_t fam;    /* 0: either IP version; 4 or 6 */
    uint8_t pmask;  /* K_PORT: which transports */
    uint8_t prefix; /* K_NET */
    uint8_t cmp;    /* K_BYTES */
    int16_t proto;  /* K_PROTO: -1 for the IP version alone */
    uint16_t lo, hi; /* K_PORT: the range */
    int a, b;       /* children */
    uint64_t want[2], mask[2]; /* K_HOST, K_NET: the address bytes as two
                                  words, and which bits count */
    struct addr addr;
    uint64_t n;     /* K_BYTES */
    regex_t *re;    /* K_NAME */
    char *svc;      /* K_SERVICE */
};

/* One test of the compiled form: a primitive, and where to go on after
 * it. and, or and not become the jumps, as in BPF. */
struct step {
    struct node nd; /* a copy: no pointer to chase */
    int jt, jf;     /* the next step, or ACCEPT or REJECT */
};

enum { ACCEPT = -1, REJECT = -2 };

struct filter_expr {
    struct node *nodes;
    size_t n, cap;
    int root;
    struct step *prog;
    size_t nprog;
    int entry;
    char *text;
    bool names, bytes;
};

enum tok { T_END, T_LP, T_RP, T_NOT, T_AND, T_OR, T_WORD, T_CMP, T_TILDE, T_STRING, T_BAD };

/* The qualifiers of the last primitive with a value, which a bare value
 * after and/or takes over, as in tcpdump. */
struct quals {
    bool valid;
    uint8_t kind, dir, fam, pmask;
};

struct parser {
    const char *s;
    size_t pos;                 /* where the next token starts */
    enum tok t;                 /* the current token */
    size_t tpos, tlen;
    struct filter_expr *e;
    struct filter_error *err;
    bool failed;
    struct quals last;
};

/* --- tokens ------------------------------------------------------------ */

static bool word_char(char c)
{
    return c && !isspace((unsigned char)c) && !strchr("()!&|<>=~\"'", c);
}

static void lex(struct parser *p)
{
    const char *s = p->s;
    size_t i = p->pos;
    while (isspace((unsigned char)s[i]))
        i++;
    p->tpos = i;
    size_t n = 1;
    char c = s[i];
    if (!c) {
        p->t = T_END;
        n = 0;
    } else if (c == '(') {
        p->t = T_LP;
    } else if (c == ')') {
        p->t = T_RP;
    } else if (c == '&' || c == '|') {
        p->t = s[i + 1] == c ? (c == '&' ? T_AND : T_OR) : T_BAD;
        n = s[i + 1] == c ? 2 : 1;
    } else if (c == '!' && s[i + 1] != '=') {
        p->t = T_NOT;
    } else if (strchr("<>=!", c)) {
        p->t = T_CMP;
        n = s[i + 1] == '=' ? 2 : 1;
    } else if (c == '~') {
        p->t = T_TILDE;
    } else if (c == '"' || c == '\'') {
        const char *close = strchr(s + i + 1, c);
        p->t = close ? T_STRING : T_BAD;
        n = close ? (size_t)(close - (s + i)) + 1 : strlen(s + i);
    } else {
        p->t = T_WORD;
        for (n = 0; word_char(s[i + n]); n++)
            ;
    }
    p->tlen = n;
    p->pos = i + n;
}

static void fail_at(struct parser *p, size_t pos, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail_at(struct parser *p, size_t pos, size_t len, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    p->err->pos = pos;
    p->err->len = len;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->why, sizeof(p->err->why), fmt, ap);
    va_end(ap);
}

#define fail(p, ...) fail_at((p), (p)->tpos, (p)->tlen, __VA_ARGS__)

static bool is_word(const struct parser *p, const char *w)
{
    return p->t == T_WORD && p->tlen == strlen(w) && strncasecmp(p->s + p->tpos, w, p->tlen) == 0;
}

/* The current token as a string, in buf. */
static const char *tok_text(const struct parser *p, char *buf, size_t len)
{
    size_t n = p->tlen < len - 1 ? p->tlen : len - 1;
    memcpy(buf, p->s + p->tpos, n);
    buf[n] = 0;
    return buf;
}

/* --- nodes ------------------------------------------------------------- */

/* A host or net as masked words, so that matching is two ANDs. */
static void address_words(struct node *nd)
{
    unsigned bits = nd->kind == K_HOST ? (nd->addr.family == 4 ? 32u : 128u) : nd->prefix;
    uint8_t m[16] = {0};
    for (unsigned i = 0; i < bits; i++)
        m[i / 8] |= (uint8_t)(0x80 >> (i % 8));
    memcpy(nd->mask, m, 16);
    memcpy(nd->want, nd->addr.b, 16);
    nd->want[0] &= nd->mask[0];
    nd->want[1] &= nd->mask[1];
}

static int add(struct parser *p, const struct node *nd)
{
    struct filter_expr *e = p->e;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->nodes = xreallocarray(e->nodes, e->cap, sizeof(*e->nodes));
    }
    e->nodes[e->n] = *nd;
    if (nd->kind == K_HOST || nd->kind == K_NET)
        address_words(&e->nodes[e->n]);
    return (int)e->n++;
}

/* --- values ------------------------------------------------------------ */

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    if (!isdigit((unsigned char)*s))
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

/* A port number or a service name from the table. */
static bool parse_port(const char *s, uint16_t *out)
{
    unsigned long v;
    if (parse_uint(s, 65535, &v)) {
        *out = (uint16_t)v;
        return true;
    }
    *out = services_port_of(s);
    return *out != 0;
}

static bool host_bits_clear(const struct addr *a, unsigned prefix)
{
    for (unsigned bit = prefix; bit < (a->family == 4 ? 32u : 128u); bit++)
        if (a->b[bit / 8] & (0x80 >> (bit % 8)))
            return false;
    return true;
}

/* tcpdump's short nets: '10' is 10.0.0.0/8, '172.16' is 172.16.0.0/16. */
static bool parse_partial_net(const char *s, struct addr *a, unsigned *prefix)
{
    memset(a, 0, sizeof(*a));
    a->family = 4;
    unsigned parts = 0;
    for (const char *q = s;;) {
        char *end;
        if (parts == 4 || !isdigit((unsigned char)*q))
            return false;
        unsigned long v = strtoul(q, &end, 10);
        if (v > 255 || end - q > 3)
            return false;
        a->b[parts++] = (uint8_t)v;
        if (!*end)
            break;
        if (*end != '.')
            return false;
        q = end + 1;
    }
    *prefix = parts * 8;
    /* libpcap reads a short net that starts with 0 in ways of its own
     * ('net 0' is one address); such a net must be written in full */
    return parts == 4 || a->b[0] != 0;
}

/* net A/LEN, net A mask M, net A (partial or whole). */
static bool net_value(struct parser *p, struct node *nd)
{
    char w[80], m[80];
    size_t at = p->tpos, wl = p->tlen;
    tok_text(p, w, sizeof(w));
    unsigned prefix = 0;
    char *slash = strchr(w, '/');
    unsigned long len;
    if (slash) {
        *slash = 0;
        if (!addr_parse(w, &nd->addr) ||
            !parse_uint(slash + 1, nd->addr.family == 4 ? 32 : 128, &len)) {
            fail(p, "'net' needs a network such as 10.0.0.0/8 or 2001:db8::/32");
            return false;
        }
        prefix = (unsigned)len;
    } else if (strchr(w, ':')) {
        if (!addr_parse(w, &nd->addr)) {
            fail(p, "'net' needs a network such as 2001:db8::/32");
            return false;
        }
        prefix = 128;
    } else if (!parse_partial_net(w, &nd->addr, &prefix)) {
        fail(p, "'net' needs a network such as 10.0.0.0/8, 10.1 or 2001:db8::/32");
        return false;
    }
    lex(p);
    if (!slash && is_word(p, "mask")) {
        lex(p);
        struct addr mask;
        if (p->t != T_WORD || !addr_parse(tok_text(p, m, sizeof(m)), &mask) ||
            mask.family != nd->addr.family) {
            fail(p, "'mask' needs a netmask such as 255.255.0.0");
            return false;
        }
        prefix = 0;
        while (prefix < 128 && (mask.b[prefix / 8] & (0x80 >> (prefix % 8))))
            prefix++;
        if (!host_bits_clear(&mask, prefix)) {
            fail(p, "the netmask '%s' is not contiguous", m);
            return false;
        }
        lex(p);
    }
    if (!host_bits_clear(&nd->addr, prefix)) {
        fail_at(p, at, wl, "'%s' has bits set past its /%u prefix", w, prefix);
        return false;
    }
    nd->prefix = (uint8_t)prefix;
    return true;
}

static bool port_value(struct parser *p, struct node *nd, bool range)
{
    char w[80];
    tok_text(p, w, sizeof(w));
    char *dash = range ? strchr(w, '-') : NULL;
    if (range && dash) {
        *dash = 0;
        if (parse_port(w, &nd->lo) && parse_port(dash + 1, &nd->hi)) {
            if (nd->lo > nd->hi) { /* as libpcap does */
                uint16_t t = nd->lo;
                nd->lo = nd->hi;
                nd->hi = t;
            }
            lex(p);
            return true;
        }
        fail(p, "'portrange' needs two ports such as 6000-6010");
        return false;
    }
    if (!range && parse_port(w, &nd->lo)) {
        nd->hi = nd->lo;
        lex(p);
        return true;
    }
    fail(p, range ? "'portrange' needs two ports such as 6000-6010"
                  : "'port' needs a number from 0 to 65535 or a service name such as https");
    return false;
}

static bool proto_value(struct parser *p, struct node *nd)
{
    static const struct {
        const char *name;
        int num;
    } names[] = {{"icmp", 1},  {"igmp", 2},  {"tcp", 6},    {"udp", 17}, {"gre", 47},
                 {"esp", 50},  {"ah", 51},   {"icmp6", 58}, {"ospf", 89}, {"pim", 103},
                 {"vrrp", 112}, {"sctp", 132}};
    char w[80];
    const char *name = tok_text(p, w, sizeof(w));
    if (*name == '\\')
        name++;
    unsigned long v;
    nd->proto = -2;
    if (parse_uint(name, 255, &v))
        nd->proto = (int16_t)v;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(name, names[i].name) == 0)
            nd->proto = (int16_t)names[i].num;
    if (nd->proto < 0) {
        fail(p, "'proto' needs a protocol number from 0 to 255 or a name such as tcp");
        return false;
    }
    lex(p);
    return true;
}

static bool bytes_value(struct parser *p, struct node *nd)
{
    static const char *const ops[] = {">", ">=", "<", "<=", "=", "!="};
    char w[80];
    tok_text(p, w, sizeof(w));
    if (strcmp(w, "==") == 0)
        strcpy(w, "=");
    int op = -1;
    for (int i = 0; i < 6 && p->t == T_CMP; i++)
        if (strcmp(w, ops[i]) == 0)
            op = i;
    if (op < 0) {
        fail(p, "'bytes' needs a comparison such as '> 1M'");
        return false;
    }
    nd->cmp = (uint8_t)op;
    lex(p);
    tok_text(p, w, sizeof(w));
    size_t n = strlen(w);
    uint64_t mult = 1;
    if (n > 1 && strchr("kKmMgG", w[n - 1])) {
        char u = (char)tolower((unsigned char)w[n - 1]);
        mult = u == 'k' ? 1000 : u == 'm' ? 1000000 : 1000000000;
        w[--n] = 0;
    }
    unsigned long long v;
    char *end;
    errno = 0;
    v = p->t == T_WORD && isdigit((unsigned char)*w) ? strtoull(w, &end, 10) : 0;
    if (p->t != T_WORD || !isdigit((unsigned char)*w) || errno || *end ||
        v > UINT64_MAX / mult) {
        fail(p, "'bytes' needs a number such as 5000, 20k, 1M or 2G");
        return false;
    }
    nd->n = (uint64_t)v * mult;
    lex(p);
    return true;
}

enum { PATTERN_MAX = 200, REPEAT_MAX = 32, COPIES_MAX = 256 };

/* Whether a pattern compiles in bounded memory. The regex compiler
 * copies what a quantifier applies to (about twice for + and *, n times
 * for {n}), and copies of copies multiply: a quantifier on a quantifier
 * ('a++') is refused, and so are nested quantifiers whose copies multiply
 * past COPIES_MAX. */
static bool pattern_bounded(const char *pat, char *why, size_t len)
{
    long inner[32] = {0}; /* per open group: the most copies of anything inside */
    int open = 0;
    long last = 1; /* copies of what a quantifier would apply to */
    bool quantified = false;
    if (strlen(pat) > PATTERN_MAX) {
        snprintf(why, len, "the pattern is longer than %d characters", PATTERN_MAX);
        return false;
    }
    for (const char *c = pat; *c; c++) {
        bool quant = *c == '*' || *c == '+' || *c == '?' || *c == '{';
        if (quant && quantified) {
            snprintf(why, len, "a quantifier follows another ('%.2s')", c - 1);
            return false;
        }
        long times = 2;
        if (*c == '{') {
            const char *close = strchr(c, '}');
            times = 1;
            for (const char *d = c + 1; close && d < close; d++) {
                if (isdigit((unsigned char)*d) && (d == c + 1 || !isdigit((unsigned char)d[-1]))) {
                    long n = atol(d);
                    if (n > REPEAT_MAX) {
                        snprintf(why, len, "a repeat count above %d", REPEAT_MAX);
                        return false;
                    }
                    times = n > times ? n : times;
                }
            }
            c = close ? close : c + strlen(c) - 1;
        } else if (*c == '\\' && c[1]) {
            c++;
        } else if (*c == '[') { /* a bracket expression: no quantifiers inside */
            const char *q = c + 1 + (c[1] == '^');
            q += *q == ']';
            const char *close = strchr(q, ']');
            c = close ? close : c + strlen(c) - 1;
        }
        if (quant) {
            long copies = last * (times > 1 ? times : 2);
            if (copies > COPIES_MAX) {
                snprintf(why, len, "nested quantifiers copy it more than %d times",
                         COPIES_MAX);
                return false;
            }
            if (open && copies > inner[open - 1])
                inner[open - 1] = copies;
            quantified = true;
            continue;
        }
        quantified = false;
        if (*c == '(' && open < 32) {
            inner[open++] = 1;
            last = 1;
        } else if (*c == ')' && open > 0) {
            last = inner[--open];
            if (open && last > inner[open - 1])
                inner[open - 1] = last;
        } else {
            last = 1;
        }
    }
    return true;
}

static bool name_value(struct parser *p, struct node *nd)
{
    if (p->t != T_TILDE) {
        fail(p, "'name' needs '~' and a pattern, such as name ~ 'example\\.com$'");
        return false;
    }
    lex(p);
    if (p->t != T_WORD && p->t != T_STRING) {
        fail(p, "'~' needs a pattern, such as 'example\\.com$'");
        return false;
    }
    size_t skip = p->t == T_STRING ? 1 : 0;
    char *pat = xmalloc(p->tlen + 1);
    memcpy(pat, p->s + p->tpos + skip, p->tlen - 2 * skip);
    pat[p->tlen - 2 * skip] = 0;
    char why[100];
    if (!pattern_bounded(pat, why, sizeof(why))) {
        free(pat);
        fail(p, "pattern refused: %s", why);
        return false;
    }
    nd->re = xmalloc(sizeof(*nd->re));
    int rc = regcomp(nd->re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB);
    free(pat);
    if (rc != 0) {
        char why[100];
        regerror(rc, nd->re, why, sizeof(why));
        free(nd->re);
        nd->re = NULL;
        fail(p, "bad pattern: %s", why);
        return false;
    }
    p->e->names = true;
    lex(p);
    return true;
}

static bool host_value(struct parser *p, struct node *nd)
{
    char w[80];
    if (p->t != T_WORD || !addr_parse(tok_text(p, w, sizeof(w)), &nd->addr)) {
        fail(p, "'host' needs an IPv4 or IPv6 address (names are not looked up)");
        return false;
    }
    if (nd->fam && nd->fam != nd->addr.family) {
        fail(p, "'%s' is not an IPv%u address", w, nd->fam);
        return false;
    }
    lex(p);
    return true;
}

/* --- primitives -------------------------------------------------------- */

static int parse_expr(struct parser *p);

/* The value of a primitive whose kind and qualifiers are known. */
static int primitive_value(struct parser *p, struct node *nd)
{
    if (p->t != T_WORD && nd->kind != K_NAME && nd->kind != K_BYTES) {
        fail(p, p->t == T_END ? "the expression ends too early" : "a value is missing here");
        return -1;
    }
    bool ok = false;
    switch (nd->kind) {
    case K_HOST: ok = host_value(p, nd); break;
    case K_NET: ok = net_value(p, nd); break;
    case K_PORT: ok = port_value(p, nd, nd->lo == 1); break;
    case K_NAME: ok = name_value(p, nd); break;
    case K_BYTES: ok = bytes_value(p, nd); p->e->bytes = true; break;
    default: break;
    }
    if (!ok)
        return -1;
    if (nd->kind != K_NAME && nd->kind != K_BYTES)
        p->last = (struct quals){true, nd->kind, nd->dir, nd->fam, nd->pmask};
    return add(p, nd);
}

/* src, dst, 'src or dst', 'src and dst'; D_EITHER when none. */
static uint8_t parse_dir(struct parser *p)
{
    bool src = is_word(p, "src");
    if (!src && !is_word(p, "dst"))
        return D_EITHER;
    lex(p);
    if (src && (p->t == T_OR || p->t == T_AND || is_word(p, "or") || is_word(p, "and"))) {
        struct parser save = *p;
        bool either = p->t == T_OR || is_word(p, "or");
        lex(p);
        if (is_word(p, "dst")) {
            lex(p);
            return either ? D_EITHER : D_BOTH;
        }
        *p = save;
    }
    return src ? D_SRC : D_DST;
}

static bool looks_like_value(const struct parser *p)
{
    char c = p->s[p->tpos];
    return p->t == T_WORD && (isdigit((unsigned char)c) || c == ':' ||
                              memchr(p->s + p->tpos, ':', p->tlen) != NULL);
}

/* [dir] type value, or [dir] value (a host, or a net with a '/'). */
static int typed_primitive(struct parser *p, uint8_t fam, uint8_t pmask)
{
    struct node nd = {.fam = fam, .pmask = pmask ? pmask : P_ANY, .a = -1, .b = -1};
    size_t at = p->tpos;
    nd.dir = parse_dir(p);
    bool dir_given = p->tpos != at;
    if (is_word(p, "host") || is_word(p, "net")) {
        nd.kind = is_word(p, "host") ? K_HOST : K_NET;
        lex(p);
    } else if (is_word(p, "port") || is_word(p, "portrange")) {
        nd.kind = K_PORT;
        nd.lo = is_word(p, "portrange"); /* tells port_value which */
        lex(p);
    } else if (is_word(p, "name") || is_word(p, "bytes")) {
        nd.kind = is_word(p, "name") ? K_NAME : K_BYTES;
        if (fam || pmask || nd.dir == D_BOTH) {
            fail(p, "'%s' takes only src or dst before it", is_word(p, "name") ? "name" : "bytes");
            return -1;
        }
        lex(p);
    } else if (dir_given && looks_like_value(p)) {
        nd.kind = memchr(p->s + p->tpos, '/', p->tlen) ? K_NET : K_HOST;
    } else {
        fail(p, dir_given ? "expected host, net, port, portrange, name or bytes here"
                          : "expected a primitive such as 'host 10.0.0.1' or 'port 80'");
        return -1;
    }
    if (fam && !pmask && nd.kind == K_PORT) { /* as libpcap refuses 'ip port 80' */
        fail_at(p, at, p->tpos - at, "ip and ip6 qualify only host, net and proto; "
                "write 'ip6 and port ...'");
        return -1;
    }
    if (pmask && (nd.kind == K_HOST || nd.kind == K_NET)) {
        fail_at(p, at, p->tpos - at, "tcp, udp and sctp qualify only port and portrange; "
                "write 'tcp and host ...'");
        return -1;
    }
    return primitive_value(p, &nd);
}

/* tcp, udp, sctp, icmp, icmp6, ip, ip6: alone, or qualifying what follows. */
static int proto_primitive(struct parser *p)
{
    static const struct {
        const char *w;
        uint8_t fam, pmask;
        int16_t proto;
    } q[] = {{"tcp", 0, P_TCP, 6},   {"udp", 0, P_UDP, 17},   {"sctp", 0, P_SCTP, 132},
             {"icmp", 4, 0, 1},      {"icmp6", 6, 0, 58},     {"ip", 4, 0, -1},
             {"ip6", 6, 0, -1}};
    size_t k = 0;
    while (!is_word(p, q[k].w))
        k++;
    lex(p);
    bool version = q[k].proto == -1;
    bool follows = is_word(p, "src") || is_word(p, "dst") || is_word(p, "port") ||
                   is_word(p, "portrange") || is_word(p, "host") || is_word(p, "net") ||
                   (version && is_word(p, "proto"));
    if (q[k].pmask == 0 && !version)
        follows = false; /* icmp and icmp6 qualify nothing */
    if (!follows) {
        struct node nd = {.kind = K_PROTO, .fam = q[k].fam, .proto = q[k].proto,
                          .a = -1, .b = -1};
        return add(p, &nd);
    }
    if (version && is_word(p, "proto")) {
        struct node nd = {.kind = K_PROTO, .fam = q[k].fam, .a = -1, .b = -1};
        lex(p);
        return proto_value(p, &nd) ? add(p, &nd) : -1;
    }
    return typed_primitive(p, q[k].fam, q[k].pmask);
}

static int word_primitive(struct parser *p, enum kind kind)
{
    char w[80];
    struct node nd = {.kind = (uint8_t)kind, .a = -1, .b = -1};
    const char *key = kind == K_SERVICE ? "service" : "class";
    lex(p);
    if (p->t != T_WORD) {
        fail(p, "'%s' needs a name, such as %s", key, kind == K_SERVICE ? "https" : "web");
        return -1;
    }
    tok_text(p, w, sizeof(w));
    if (kind == K_SERVICE) {
        if (!services_name_known(w)) {
            fail(p, "unknown service '%s' (names as in 'https', 'domain', 'ssh')", w);
            return -1;
        }
        nd.svc = xstrdup(w);
    } else {
        int c = services_class_of(w);
        if (c < 0) {
            fail(p, "unknown class '%s' (one of %s)", w, services_class_words());
            return -1;
        }
        nd.pmask = (uint8_t)c;
    }
    lex(p);
    return add(p, &nd);
}

static int primitive(struct parser *p)
{
    static const char *const protos[] = {"tcp", "udp", "sctp", "icmp", "icmp6", "ip", "ip6"};
    if (p->t != T_WORD) {
        fail(p, p->t == T_END ? "the expression ends too early"
                              : p->t == T_RP ? "nothing to close here"
                                             : "expected a primitive here");
        return -1;
    }
    for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
        if (is_word(p, protos[i]))
            return proto_primitive(p);
    if (is_word(p, "proto")) {
        struct node nd = {.kind = K_PROTO, .a = -1, .b = -1};
        lex(p);
        return proto_value(p, &nd) ? add(p, &nd) : -1;
    }
    if (is_word(p, "service"))
        return word_primitive(p, K_SERVICE);
    if (is_word(p, "class"))
        return word_primitive(p, K_CLASS);
    static const char *const typed[] = {"src", "dst", "host", "net", "port", "portrange",
                                        "name", "bytes"};
    for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++)
        if (is_word(p, typed[i]))
            return typed_primitive(p, 0, 0);
    if (looks_like_value(p) && p->last.valid) { /* 'port 80 or 443' */
        struct node nd = {.kind = p->last.kind, .dir = p->last.dir, .fam = p->last.fam,
                          .pmask = p->last.pmask, .a = -1, .b = -1};
        if (nd.kind == K_PORT)
            nd.lo = memchr(p->s + p->tpos, '-', p->tlen) != NULL;
        return primitive_value(p, &nd);
    }
    char w[80];
    fail(p, looks_like_value(p) ? "'%s' needs a keyword before it, such as host or port"
                                : "unknown word '%s'",
         tok_text(p, w, sizeof(w)));
    return -1;
}

static int unary(struct parser *p)
{
    if (p->t == T_NOT || is_word(p, "not")) {
        lex(p);
        int a = unary(p);
        return a < 0 ? -1 : add(p, &(struct node){.kind = K_NOT, .a = a, .b = -1});
    }
    if (p->t == T_LP) {
        size_t at = p->tpos;
        lex(p);
        int a = parse_expr(p);
        if (a < 0)
            return -1;
        if (p->t != T_RP) {
            fail_at(p, at, 1, "this '(' is never closed");
            return -1;
        }
        lex(p);
        return a;
    }
    return primitive(p);
}

static int parse_expr(struct parser *p)
{
    int left = unary(p);
    while (left >= 0 && (p->t == T_AND || p->t == T_OR || is_word(p, "and") ||
                         is_word(p, "or"))) {
        uint8_t kind = p->t == T_AND || is_word(p, "and") ? K_AND : K_OR;
        lex(p);
        int right = unary(p);
        if (right < 0)
            return -1;
        left = add(p, &(struct node){.kind = kind, .a = left, .b = right});
    }
    return left;
}

/* The steps for node i: on to t when it holds, to f when not; returns
 * the step to start at. The second operand is laid down first so that
 * the first's jumps know where it starts. */
static int compile(struct filter_expr *e, int i, int t, int f)
{
    const struct node *nd = &e->nodes[i];
    switch (nd->kind) {
    case K_AND: return compile(e, nd->a, compile(e, nd->b, t, f), f);
    case K_OR: return compile(e, nd->a, t, compile(e, nd->b, t, f));
    case K_NOT: return compile(e, nd->a, f, t);
    default:
        e->prog[e->nprog] = (struct step){*nd, t, f};
        return (int)e->nprog++;
    }
}

struct filter_expr *filter_parse(const char *text, struct filter_error *err)
{
    struct filter_expr *e = xcalloc(1, sizeof(*e));
    e->text = xstrdup(text);
    struct parser p = {.s = e->text, .e = e, .err = err};
    memset(err, 0, sizeof(*err));
    lex(&p);
    if (p.t == T_END) {
        fail(&p, "the expression is empty");
    } else {
        e->root = parse_expr(&p);
        if (!p.failed && p.t == T_RP)
            fail(&p, "this ')' closes nothing");
        else if (!p.failed && p.t != T_END)
            fail(&p, "expected 'and' or 'or' here");
    }
    if (p.failed) {
        filter_free(e);
        return NULL;
    }
    e->prog = xreallocarray(NULL, e->n, sizeof(*e->prog)); /* a step a primitive at most */
    e->entry = compile(e, e->root, ACCEPT, REJECT);
    return e;
}

void filter_free(struct filter_expr *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++) {
        if (e->nodes[i].re) {
            regfree(e->nodes[i].re);
            free(e->nodes[i].re);
        }
        free(e->nodes[i].svc);
    }
    free(e->nodes);
    free(e->prog);
    free(e->text);
    free(e);
}

void filter_error_format(const char *text, const struct filter_error *err, char *buf,
                         size_t len)
{
    size_t n = strlen(text);
    if (err->pos >= n)
        snprintf(buf, len, "bad filter '%s': %s", text, err->why);
    else
        snprintf(buf, len, "bad filter '%s': %s, at '%.*s' (character %zu)", text, err->why,
                 (int)(err->len ? err->len : 1), text + err->pos, err->pos + 1);
}

/* --- evaluation -------------------------------------------------------- */

/* Whether a is the node's host, or in its net. */
static inline bool in_net(const struct addr *a, const struct node *nd)
{
    uint64_t w[2];
    memcpy(w, a->b, 16);
    return a->family == nd->addr.family && (w[0] & nd->mask[0]) == nd->want[0] &&
           (w[1] & nd->mask[1]) == nd->want[1];
}

static inline bool on_sides(uint8_t dir, bool s, bool d)
{
    if (dir == D_EITHER)
        return s || d;
    if (dir == D_SRC)
        return s;
    if (dir == D_DST)
        return d;
    return s && d;
}

static bool compare(uint8_t cmp, uint64_t v, uint64_t n)
{
    switch (cmp) {
    case C_GT: return v > n;
    case C_GE: return v >= n;
    case C_LT: return v < n;
    case C_LE: return v <= n;
    case C_EQ: return v == n;
    default: return v != n;
    }
}

static uint8_t family_of(const struct event *ev)
{
    return ev->src.family ? ev->src.family : ev->dst.family;
}

static uint8_t transport_bit(uint8_t proto)
{
    return proto == 6 ? P_TCP : proto == 17 ? P_UDP : proto == 132 ? P_SCTP : 0;
}

static bool name_matches(const struct node *nd, const struct filter_env *env,
                         const struct addr *a)
{
    const char *name = env && env->name && a->family ? env->name(env->ctx, a) : NULL;
    return name && regexec(nd->re, name, 0, NULL, 0) == 0;
}

static uint64_t bytes_of(const struct filter_env *env, const struct addr *a)
{
    return env && env->bytes && a->family ? env->bytes(env->ctx, a) : 0;
}

/* The primitives that need more than the event's own fields. */
static bool test_other(const struct node *nd, const struct event *ev,
                       const struct filter_env *env)
{
    uint16_t port = services_event_port(ev);
    switch (nd->kind) {
    case K_SERVICE: {
        const char *name = services_name(ev->proto, port);
        return name && strcasecmp(name, nd->svc) == 0;
    }
    case K_CLASS: return services_class(ev->proto, port) == nd->pmask;
    case K_NAME:
        return on_sides(nd->dir, name_matches(nd, env, &ev->src),
                        name_matches(nd, env, &ev->dst));
    case K_BYTES:
        return on_sides(nd->dir, compare(nd->cmp, bytes_of(env, &ev->src), nd->n),
                        compare(nd->cmp, bytes_of(env, &ev->dst), nd->n));
    default: return false;
    }
}

/* Whether a primitive holds for ev. Plain branches, not a jump table: a
 * filter tests the same kinds in the same order for every event, which
 * the branch predictor learns. */
static inline bool test(const struct node *nd, const struct event *ev,
                        const struct filter_env *env)
{
    if (nd->kind == K_HOST || nd->kind == K_NET)
        return on_sides(nd->dir, in_net(&ev->src, nd), in_net(&ev->dst, nd));
    if (nd->kind == K_PORT) {
        if (!(transport_bit(ev->proto) & nd->pmask) || (nd->fam && family_of(ev) != nd->fam))
            return false;
        return on_sides(nd->dir, ev->sport >= nd->lo && ev->sport <= nd->hi,
                        ev->dport >= nd->lo && ev->dport <= nd->hi);
    }
    if (nd->kind == K_PROTO)
        return (!nd->fam || family_of(ev) == nd->fam) &&
               (nd->proto < 0 || ev->proto == nd->proto);
    return test_other(nd, ev, env);
}

static bool run(const struct filter_expr *e, const struct event *ev,
                const struct filter_env *env)
{
    int pc = e->entry;
    while (pc >= 0) {
        const struct step *st = &e->prog[pc];
        pc = test(&st->nd, ev, env) ? st->jt : st->jf;
    }
    return pc == ACCEPT;
}

bool filter_match(const struct filter_expr *e, const struct event *ev,
                  const struct filter_env *env)
{
    if (ev->src.family && ev->dst.family)
        return run(e, ev, env);
    /* A side a record does not name reads as 0.0.0.0, as everywhere */
    struct event named = *ev;
    uint8_t fam = ev->src.family | ev->dst.family;
    if (!named.src.family)
        named.src = (struct addr){.family = fam == 6 ? 6 : 4};
    if (!named.dst.family)
        named.dst = (struct addr){.family = fam == 6 ? 6 : 4};
    return run(e, &named, env);
}

bool filter_uses_names(const struct filter_expr *e)
{
    return e->names;
}

bool filter_uses_bytes(const struct filter_expr *e)
{
    return e->bytes;
}

const char *filter_text(const struct filter_expr *e)
{
    return e->text;
}
