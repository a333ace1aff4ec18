/* The option table and what reads it: the parser, --help and the
 * defaults. Every bad value is named in one line with the option it came
 * from and what was expected. */
#include "app/options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/services.h"
#include "base/xalloc.h"
#include "filter/expr.h"
#include "timeline/timeline.h"

enum opt_kind {
    OPT_FLAG,   /* bool, set when given */
    OPT_INT,    /* int within [min, max] */
    OPT_DOUBLE, /* double within [min, max] */
    OPT_STRING, /* const char *, as given */
    OPT_CHOICE, /* int: the index of the word in choices */
    OPT_CUSTOM, /* parse() reads the value into the options */
    OPT_TRAILING, /* not an option: the words after the options, joined */
    OPT_HELP,   /* prints --help and exits */
    OPT_VERSION,
};

struct opt {
    const char *name; /* long name, without the dashes */
    char short_name;  /* or 0 */
    enum opt_kind kind;
    size_t field;     /* offsetof(struct options, ...) */
    double min, max;  /* OPT_INT, OPT_DOUBLE */
    const char *def;  /* default, written as on the command line; NULL: zero */
    const char *arg;  /* the value's name in --help; NULL: takes none */
    const char *help; /* --help text; lines after the first are indented */
    const char *expect;  /* what a bad value should have been */
    const char *choices; /* OPT_CHOICE: "log|sqrt" */
    bool (*parse)(const char *s, struct options *o, char *err, size_t errlen);
    const char *section; /* --help heading this row starts, or NULL */
    bool optional;       /* the value may be left out (--events, --events=names) */
};

#define F(name) offsetof(struct options, name)

static bool parse_input(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_iface(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_collect(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_size(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_fps(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_start(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_stop(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_hide(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_only(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_events(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_names(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_services(const char *s, struct options *o, char *err, size_t errlen);
static bool parse_group(const char *s, struct options *o, char *err, size_t errlen);

static const struct opt table[] = {
    {"read", 'r', OPT_CUSTOM, F(inputs), .arg = "FILE", .parse = parse_input,
     .help = "read a pcap, pcapng or flow-tools file; '-' reads stdin;\n"
             "several -r merge by time"},
    {"interface", 'i', OPT_CUSTOM, F(ifaces), .arg = "IFACE", .parse = parse_iface,
     .help = "capture live on an interface ('any': all of them);\n"
             "repeatable; the window shows it as it happens"},
    {"collect", 0, OPT_CUSTOM, F(collect), .arg = "[ADDR:]PORT", .parse = parse_collect,
     .help = "collect NetFlow v5/v9, IPFIX and sFlow on a UDP port, on\n"
             "127.0.0.1 unless an address is given (0.0.0.0:2055,\n"
             "[::]:4739 listen on the network); repeatable"},
    {"list-interfaces", 'D', OPT_FLAG, F(list_ifaces),
     .help = "list the interfaces to capture on, and exit"},
    {"snaplen", 's', OPT_INT, F(snaplen), 0, 262144, .def = "256", .arg = "N",
     .expect = "expected 0 to 262144 bytes",
     .help = "capture: keep N bytes of each packet (0: all); the\n"
             "headers, all that is read, fit in the default"},
    {"no-promiscuous-mode", 'p', OPT_FLAG, F(no_promisc),
     .help = "capture: leave the interface out of promiscuous mode"},
    {"buffer-size", 'B', OPT_INT, F(buffer_kib), 1, 4194304, .arg = "KiB",
     .expect = "expected 1 to 4194304 KiB",
     .help = "capture: the kernel's buffer, in KiB (default libpcap's)"},
    {"relinquish-privileges", 'Z', OPT_STRING, F(user), .arg = "USER",
     .help = "capture: become USER once the interfaces are open (as\n"
             "root the default is the user who ran sudo, else nobody)"},
    {"output", 'o', OPT_STRING, F(output), .arg = "FILE",
     .help = "render to a video file with no window (.mp4, .mkv,\n"
             ".mov: H.264; .webm: VP9)"},
    {"events", 0, OPT_CUSTOM, F(events), .arg = "[=names]", .parse = parse_events,
     .optional = true, .expect = "expected --events or --events=names",
     .help = "print the decoded events as TSV and exit:\n"
             "time src dst proto sport dport packets octets tcpflags;\n"
             "=names adds src_name and dst_name ('-': none yet)"},
    {"report", 0, OPT_STRING, F(report), .arg = "FILE",
     .help = "at the end, write a summary of the hosts and services\n"
             "to FILE: JSON for a .json name, TSV otherwise"},
    {"no-names", 'n', OPT_FLAG, F(no_names),
     .help = "learn no host names from DNS answers, TLS server\n"
             "names and HTTP Host headers"},
    {"names", 0, OPT_CUSTOM, F(name_files), .arg = "FILE", .parse = parse_names,
     .help = "host names from FILE, followed as it grows: dnsmasq's\n"
             "log-queries, Zeek's dns.log, resource records (a zone,\n"
             "dig, unbound-control dump_cache) or a hosts file;\n"
             "repeatable"},

    {"expression", 0, OPT_TRAILING, F(filter),
     .help = "a BPF filter, as in tcpdump (e.g. 'not port 22'); on flow\n"
             "records it tests the headers each record describes"},

    {"hide", 0, OPT_CUSTOM, F(rules), .arg = "EXPR", .parse = parse_hide,
     .section = "Filters",
     .help = "hide the traffic EXPR matches; repeatable. EXPR: tcpdump's\n"
             "host, net, port, portrange, proto, tcp, udp, icmp, ip6,\n"
             "src, dst, and, or, not; and 'service https', 'class web',\n"
             "'bytes > 1M' (a host's total), 'name ~ REGEX'"},
    {"only", 0, OPT_CUSTOM, F(rules), .arg = "EXPR", .parse = parse_only,
     .help = "show only the traffic EXPR matches; repeatable (all must match)"},
    {"services", 0, OPT_CUSTOM, 0, .arg = "FILE", .parse = parse_services,
     .help = "your own services: 'PORT/PROTO NAME [CLASS]' lines\n"
             "('8081/tcp myapp web'); they override the built-in\n"
             "table; give it before the filters that name them"},
    {"top", 0, OPT_INT, F(top), 0, 1000000, .arg = "N", .expect = "expected 0 to 1000000",
     .help = "show only the N busiest hosts by bytes so far (0: all)"},
    {"filters", 0, OPT_STRING, F(filters_file), .arg = "FILE",
     .help = "rules from FILE, one 'hide EXPR' or 'only EXPR' per line;\n"
             "read again when it changes, written when the window's\n"
             "keys change the filters"},

    {"scan-ports", 0, OPT_INT, F(scan_ports), 2, 65535, .def = "5", .arg = "N",
     .section = "Scans", .expect = "expected 2 to 65535",
     .help = "a host whose probes of N ports of one host wait or\n"
             "fail within --scan-window is a scanner (default 5,\n"
             "Snort sfPortscan's port count at low sensitivity).\n"
             "A probe (a SYN; a FIN, NULL or XMAS segment; a UDP\n"
             "datagram; a ping) fails when a reset or nothing\n"
             "answers it"},
    {"scan-hosts", 0, OPT_INT, F(scan_hosts), 2, 1000000, .def = "25", .arg = "N",
     .expect = "expected 2 to 1000000",
     .help = "... or whose probes fail on one port of N hosts, or\n"
             "whose pings N hosts leave unanswered (default 25,\n"
             "Zeek's Scan::addr_scan_threshold)"},
    {"scan-window", 0, OPT_DOUBLE, F(scan_window), 1, 86400, .def = "300", .arg = "SECS",
     .expect = "expected 1 to 86400 seconds",
     .help = "capture time the failed probes are counted over\n"
             "(default 300, Zeek's 5 minutes)"},
    {"scan-wait", 0, OPT_DOUBLE, F(scan_wait), 0.01, 600, .def = "3", .arg = "SECS",
     .expect = "expected 0.01 to 600 seconds",
     .help = "how long a probe waits for its answer (default 3,\n"
             "TCP's classic first retransmission)"},
    {"client-ports", 0, OPT_INT, F(client_ports), 2, 65535, .def = "8", .arg = "N",
     .expect = "expected 2 to 65535",
     .help = "a source port a host opens N destination ports from is\n"
             "a client port, never a service (default 8)"},
    {"no-scans", 0, OPT_FLAG, F(no_scans),
     .help = "look for no scanners and no client ports"},

    {"speed", 0, OPT_DOUBLE, F(speed), 1e-6, 1e9, .arg = "X", .section = "Time",
     .expect = "expected a positive number",
     .help = "capture seconds shown per second (default: fit the\n"
             "capture into --duration)"},
    {"duration", 0, OPT_DOUBLE, F(duration), 0.1, 1e7, .def = "60", .arg = "SECS",
     .expect = "expected seconds, at least 0.1",
     .help = "length of the replay when fitting (default 60)"},
    {"start", 0, OPT_CUSTOM, F(start), .arg = "TIME", .parse = parse_start,
     .help = "begin the replay there; --stop TIME: end it there.\n"
             "TIME: '2024-05-01 12:00:00' (UTC), '12:00' (on the\n"
             "capture's first day), '+90' or '+1:30' (after its\n"
             "start), '@1714564800' (seconds since 1970)"},
    {"stop", 0, OPT_CUSTOM, F(stop), .arg = "TIME", .parse = parse_stop},
    {"skip-idle", 0, OPT_DOUBLE, F(skip_idle), 0.001, 1e9, .arg = "SECS",
     .expect = "expected seconds, more than 0",
     .help = "cut every stretch with no traffic to SECS seconds\n"
             "of capture time"},
    {"stop-at-end", 0, OPT_FLAG, F(stop_at_end),
     .help = "close the window when the capture ends"},

    {"size", 0, OPT_CUSTOM, F(width), .def = "1280x720", .arg = "WxH", .section = "Video",
     .parse = parse_size, .help = "frame size (default 1280x720)"},
    {"fps", 0, OPT_CUSTOM, F(fps), .def = "30", .arg = "R", .parse = parse_fps,
     .help = "frames per second: 25, 29.97, 30000/1001... (default 30)"},
    {"crf", 0, OPT_INT, F(crf), 0, 63, .def = "-1", .arg = "N", .expect = "expected 0 to 63",
     .help = "quality, lower is better: H.264 0-51 (default 20),\n"
             "VP9 0-63 (default 32)"},
    {"preset", 0, OPT_STRING, F(preset), .arg = "NAME",
     .help = "H.264 speed, ultrafast to placebo (default veryfast)"},
    {"screenshot", 0, OPT_STRING, F(screenshot), .arg = "FILE",
     .help = "also save the last frame as a PNG image; without -o,\n"
             "render only that frame (headless)"},

    {"max-hosts", 0, OPT_INT, F(max_hosts), 2, 10000000, .arg = "N", .section = "Swarm",
     .expect = "expected 2 to 10000000",
     .help = "hosts shown at once; the least recently active make\n"
             "room for new ones (default 100000)"},
    {"half-life", 0, OPT_DOUBLE, F(half_life), 0.01, 3600, .arg = "SECS",
     .expect = "expected seconds, 0.01 to 3600",
     .help = "how fast a tie to a service fades, in seconds of\n"
             "animation (default 3)"},
    {"scale", 0, OPT_CHOICE, F(scale), .def = "log", .arg = "log|sqrt", .choices = "log|sqrt",
     .expect = "expected log or sqrt",
     .help = "how octets pull and grow things (default log)"},
    {"group", 0, OPT_CUSTOM, F(group), .arg = "auto|off|/N[,/M]", .parse = parse_group,
     .help = "past --group-at hosts, quiet hosts merge into one cloud\n"
             "per subnet: /N for IPv4, /M for IPv6 (default /64);\n"
             "auto: /24 and /64, wider while there would be more\n"
             "than 256 (default auto); zooming in splits them"},
    {"group-at", 0, OPT_INT, F(group_at), 2, 10000000, .def = "2000", .arg = "N",
     .expect = "expected 2 to 10000000",
     .help = "live hosts past which quiet ones merge (default 2000)"},
    {"talkers", 0, OPT_INT, F(talkers), 0, 64, .def = "10", .arg = "N",
     .expect = "expected 0 to 64",
     .help = "label the N busiest hosts with their address\n"
             "(default 10, at most 64; 0: none)"},
    {"talkers-panel", 0, OPT_FLAG, F(talkers_panel),
     .help = "show the panel of top talkers and names in video\n"
             "(k toggles it in the window)"},
    {"no-bloom", 0, OPT_FLAG, F(no_bloom),
     .help = "no glow spread around bright things (a little faster)"},

    {"quiet", 'q', OPT_FLAG, F(quiet), .section = "", .help = "no progress output"},
    {"help", 'h', OPT_HELP, 0, .help = "this help"},
    {"version", 0, OPT_VERSION, 0, .help = "print the version"},
};

enum { NOPTS = sizeof(table) / sizeof(table[0]) };

static void *field_of(struct options *o, const struct opt *d)
{
    return (char *)o + d->field;
}

static bool parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Two whole numbers joined by sep ("1280x720", "30000/1001"), each in its
 * range. */
static bool parse_pair(const char *s, char sep, long lo_a, long hi_a, long lo_b, long hi_b,
                       long *a, long *b)
{
    const char *at = strchr(s, sep);
    char head[32];
    size_t n = at ? (size_t)(at - s) : 0;
    if (n == 0 || n >= sizeof(head))
        return false;
    memcpy(head, s, n);
    head[n] = 0;
    return parse_long(head, lo_a, hi_a, a) && parse_long(at + 1, lo_b, hi_b, b);
}

static long gcd(long a, long b)
{
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static bool parse_input(const char *s, struct options *o, char *err, size_t errlen)
{
    o->inputs = xreallocarray(o->inputs, o->ninputs + 1, sizeof(*o->inputs));
    o->inputs[o->ninputs++] = s;
    return true;
}

static bool parse_iface(const char *s, struct options *o, char *err, size_t errlen)
{
    o->ifaces = xreallocarray(o->ifaces, o->nifaces + 1, sizeof(*o->ifaces));
    o->ifaces[o->nifaces++] = s;
    return true;
}

static bool parse_collect(const char *s, struct options *o, char *err, size_t errlen)
{
    o->collect = xreallocarray(o->collect, o->ncollect + 1, sizeof(*o->collect));
    o->collect[o->ncollect++] = s;
    return true;
}

static bool parse_size(const char *s, struct options *o, char *err, size_t errlen)
{
    long w, h;
    if (!parse_pair(s, 'x', 16, 7680, 16, 4320, &w, &h) || w % 2 || h % 2) {
        snprintf(err, errlen, "expected WxH with even sides, from 16x16 to 7680x4320");
        return false;
    }
    o->width = (int)w;
    o->height = (int)h;
    return true;
}

/* A frame rate: a whole number, a fraction "30000/1001", or a decimal with
 * up to three places; the NTSC rates written as decimals (23.976, 29.97,
 * 59.94, 119.88) are the exact fractions over 1001. From 1 to 240. */
static bool fps_fraction(const char *s, long *num, long *den)
{
    long n, d = 1;
    if (strchr(s, '/')) {
        if (!parse_pair(s, '/', 1, 240000000, 1, 1000000, &n, &d))
            return false;
    } else {
        double v;
        const char *dot = strchr(s, '.');
        if (!parse_double(s, 1, 240, &v) || strpbrk(s, "eExXpPnNiI") ||
            (dot && strlen(dot + 1) > 3))
            return false;
        static const int ntsc[] = {24, 30, 60, 120};
        n = lround(v * 1000);
        d = 1000;
        for (size_t i = 0; i < sizeof(ntsc) / sizeof(ntsc[0]); i++)
            if (fabs(v - ntsc[i] * 1000.0 / 1001.0) < 0.006) {
                n = ntsc[i] * 1000L;
                d = 1001;
            }
    }
    long g = gcd(n, d);
    *num = n / g;
    *den = d / g;
    return (double)*num / (double)*den >= 1 && (double)*num / (double)*den <= 240;
}

static bool parse_fps(const char *s, struct options *o, char *err, size_t errlen)
{
    long n, d;
    if (!fps_fraction(s, &n, &d)) {
        snprintf(err, errlen, "expected a rate from 1 to 240 (30, 29.97 or 30000/1001)");
        return false;
    }
    o->fps_num = (int)n;
    o->fps_den = (int)d;
    o->fps = (double)n / (double)d;
    return true;
}

static bool parse_time(const char *s, const char **out, char *err, size_t errlen)
{
    int64_t ignored; /* read again once the capture's first time is known */
    if (!timeline_parse_time(s, 0, &ignored, err, errlen)) {
        size_t n = strlen(s); /* the message names the value: once is enough */
        if (strncmp(err, s, n) == 0 && strncmp(err + n, ": ", 2) == 0)
            memmove(err, err + n + 2, strlen(err + n + 2) + 1);
        return false;
    }
    *out = s;
    return true;
}

static bool parse_start(const char *s, struct options *o, char *err, size_t errlen)
{
    return parse_time(s, &o->start, err, errlen);
}

static bool parse_stop(const char *s, struct options *o, char *err, size_t errlen)
{
    return parse_time(s, &o->stop, err, errlen);
}

/* --hide and --only: checked here, so that a bad one stops the run before
 * anything opens. */
static bool add_rule(const char *s, bool hide, struct options *o, char *err, size_t errlen)
{
    struct filter_error fe;
    struct filter_expr *e = filter_parse(s, &fe);
    if (!e) {
        if (fe.pos < strlen(s))
            snprintf(err, errlen, "%s, at '%.*s' (character %zu)", fe.why,
                     (int)(fe.len ? fe.len : 1), s + fe.pos, fe.pos + 1);
        else
            snprintf(err, errlen, "%s", fe.why);
        return false;
    }
    filter_free(e);
    o->rules = xreallocarray(o->rules, o->nrules + 1, sizeof(*o->rules));
    o->rules[o->nrules++] = (struct rule_arg){hide, s};
    return true;
}

static bool parse_services(const char *s, struct options *o, char *err, size_t errlen)
{
    (void)o;
    char why[400];
    if (services_load(s, why, sizeof(why)))
        return true;
    snprintf(err, errlen, "%s", why);
    return false;
}

static bool parse_names(const char *s, struct options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    o->name_files = xreallocarray(o->name_files, o->nname_files + 1, sizeof(*o->name_files));
    o->name_files[o->nname_files++] = s;
    return true;
}

/* --group: auto, off, or /N[,/M] (the slashes optional). */
static bool parse_group(const char *s, struct options *o, char *err, size_t errlen)
{
    if (!strcmp(s, "auto") || !strcmp(s, "off")) {
        o->group = s[0] == 'a' ? 0 : 2;
        return true;
    }
    const char *p = s;
    long v4 = 0, v6 = 64;
    char *end;
    p += *p == '/';
    v4 = strtol(p, &end, 10);
    bool ok = end != p && v4 >= 1 && v4 <= 32;
    if (ok && *end == ',') {
        p = end + 1;
        p += *p == '/';
        v6 = strtol(p, &end, 10);
        ok = end != p && v6 >= 1 && v6 <= 128;
    }
    if (!ok || *end) {
        snprintf(err, errlen, "expected auto, off, or a prefix length /1 to /32 for IPv4, "
                              "then ,/1 to ,/128 for IPv6 (/24 or /16,/48)");
        return false;
    }
    o->group = 1;
    o->group_v4 = (int)v4;
    o->group_v6 = (int)v6;
    return true;
}

static bool parse_events(const char *s, struct options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    if (s && strcmp(s, "names") != 0)
        return false;
    o->events = true;
    o->events_names = s != NULL;
    return true;
}

static bool parse_hide(const char *s, struct options *o, char *err, size_t errlen)
{
    return add_rule(s, true, o, err, errlen);
}

static bool parse_only(const char *s, struct options *o, char *err, size_t errlen)
{
    return add_rule(s, false, o, err, errlen);
}

/* Index of word in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *word)
{
    size_t n = strlen(word);
    int i = 0;
    for (const char *p = choices; p; i++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0)
            return i;
        p = bar ? bar + 1 : NULL;
    }
    return -1;
}

/* Sets d's field from s. False with err set to what was expected. */
static bool set_value(const struct opt *d, const char *s, struct options *o, char *err,
                      size_t errlen)
{
    void *f = field_of(o, d);
    double v;
    long l;
    int k;
    snprintf(err, errlen, "%s", d->expect ? d->expect : "not a valid value");
    switch (d->kind) {
    case OPT_FLAG:
        *(bool *)f = true;
        return true;
    case OPT_INT:
        if (!parse_long(s, (long)d->min, (long)d->max, &l))
            return false;
        *(int *)f = (int)l;
        return true;
    case OPT_DOUBLE:
        if (!parse_double(s, d->min, d->max, &v))
            return false;
        *(double *)f = v;
        return true;
    case OPT_STRING:
        *(const char **)f = s;
        return true;
    case OPT_CHOICE:
        if ((k = choice_index(d->choices, s)) < 0)
            return false;
        *(int *)f = k;
        return true;
    case OPT_CUSTOM:
        return d->parse(s, o, err, errlen);
    default:
        return false;
    }
}

/* The defaults, read by the same code as the values a user gives. A
 * default outside an option's range (crf's -1: the codec's own) is set
 * as it is written. */
static void set_defaults(struct options *o)
{
    char err[200];
    memset(o, 0, sizeof(*o));
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt *d = &table[i];
        if (!d->def)
            continue;
        if (d->kind == OPT_INT)
            *(int *)field_of(o, d) = atoi(d->def);
        else if (!set_value(d, d->def, o, err, sizeof(err)))
            abort(); /* a default the table itself cannot read */
    }
}

/* The left column of --help: "-r FILE", "-q, --quiet", "--speed X". */
static void usage_head(const struct opt *d, char *buf, size_t len)
{
    if (d->kind == OPT_TRAILING)
        snprintf(buf, len, "%s", d->name);
    else if (d->short_name && d->arg)
        snprintf(buf, len, "-%c %s", d->short_name, d->arg);
    else if (d->short_name)
        snprintf(buf, len, "-%c, --%s", d->short_name, d->name);
    else
        snprintf(buf, len, "--%s%s%s", d->name, d->arg && !d->optional ? " " : "",
                 d->arg ? d->arg : "");
}

void options_usage(FILE *f)
{
    fprintf(f, "usage: flowswarm [options] [-r FILE]... [-i IFACE]... [--collect PORT]... "
               "[expression]\n"
               "Network traffic as a swarm: hosts gather around the services they use.\n");
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt *d = &table[i];
        if (i == 0 || d->section)
            fprintf(f, d->section && *d->section ? "\n%s:\n" : "\n", d->section);
        if (!d->help)
            continue;
        char head[40];
        usage_head(d, head, sizeof(head));
        bool wide = strlen(head) > 17; /* then the help starts below it */
        fprintf(f, wide ? "  %s\n" : "  %-19s", head);
        for (const char *p = d->help; *p;) {
            const char *nl = strchr(p, '\n');
            int len = nl ? (int)(nl - p) : (int)strlen(p);
            fprintf(f, "%*s%.*s\n", p == d->help && !wide ? 0 : 21, "", len, p);
            p += len + (nl ? 1 : 0);
        }
    }
    fprintf(f, "\nIn the window: Esc or q quits, space pauses, + and - change the speed,\n"
               "s or F12 saves a screenshot (flowswarm-DATE-TIME.png). Click a host to\n"
               "select it; h hides it, o shows only it, / types a filter, u undoes,\n"
               "c clears, t caps to the busiest hosts; the wheel zooms, dragging pans,\n"
               "0 follows the swarm again; the arrows seek 10 s (shift: 60 s);\n"
               "? lists every key.\n"
               "With no arguments, flowswarm plays its bundled sample capture.\n");
}

/* The getopt_long() tables for the rows that are options. */
static void getopt_tables(struct option *longs, char *shorts)
{
    size_t nl = 0, ns = 0;
    shorts[ns++] = ':';
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt *d = &table[i];
        if (d->kind == OPT_TRAILING)
            continue;
        bool arg = d->arg != NULL;
        longs[nl++] = (struct option){d->name,
                                      d->optional ? optional_argument
                                      : arg       ? required_argument
                                                  : no_argument,
                                      NULL, 256 + (int)i};
        if (d->short_name) {
            shorts[ns++] = d->short_name;
            if (arg)
                shorts[ns++] = ':';
        }
    }
    longs[nl] = (struct option){0};
    shorts[ns] = 0;
}

static const struct opt *row_of(int c)
{
    if (c >= 256 && c < 256 + NOPTS)
        return &table[c - 256];
    for (size_t i = 0; i < NOPTS; i++)
        if (table[i].short_name && table[i].short_name == c)
            return &table[i];
    return NULL;
}

/* What is left after the options is the filter expression, joined as
 * tcpdump joins it. */
static char *join_words(char **words, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += strlen(words[i]) + 1;
    if (!len)
        return NULL;
    char *s = xcalloc(len, 1);
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, words[i]);
    }
    return s;
}

static void unknown_option(char **argv, char *what, size_t len)
{
    if (optopt && optopt < 256)
        snprintf(what, len, "-%c", optopt);
    else
        snprintf(what, len, "%s", argv[optind - 1]);
}

enum options_result options_parse(int argc, char **argv, struct options *o)
{
    struct option longs[NOPTS + 1];
    char shorts[2 * NOPTS + 2], err[400], what[64];
    set_defaults(o);
    getopt_tables(longs, shorts);
    opterr = 0;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1;) {
        const struct opt *d = row_of(c);
        if (c == ':') {
            fprintf(stderr, "flowswarm: %s needs a value (see --help)\n", argv[optind - 1]);
            return OPTIONS_EXIT_USAGE;
        }
        if (!d) {
            unknown_option(argv, what, sizeof(what));
            fprintf(stderr, "flowswarm: unknown option %s (see --help)\n", what);
            return OPTIONS_EXIT_USAGE;
        }
        if (d->kind == OPT_HELP) {
            options_usage(stdout);
            return OPTIONS_EXIT_OK;
        }
        if (d->kind == OPT_VERSION) {
            printf("flowswarm %s\n", FLOWSWARM_VERSION);
            return OPTIONS_EXIT_OK;
        }
        if (!set_value(d, optarg, o, err, sizeof(err))) {
            const char *arg = optarg ? optarg : "";
            fprintf(stderr, strchr(arg, ' ') ? "flowswarm: --%s '%s': %s\n"
                                             : "flowswarm: --%s %s: %s\n",
                    d->name, arg, err);
            return OPTIONS_EXIT_USAGE;
        }
    }
    o->filter = join_words(argv + optind, argc - optind);
    return OPTIONS_RUN;
}

void options_free(struct options *o)
{
    free(o->inputs);
    free(o->ifaces);
    free(o->collect);
    free(o->rules);
    free(o->name_files);
    free(o->filter);
    memset(o, 0, sizeof(*o));
}
