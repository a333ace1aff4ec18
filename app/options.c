/* Command-line parsing and validation. Every bad value is named in a
 * one-line message with the option it came from. */
#include "app/options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/timeline.h"
#include "ingest/xalloc.h"

enum {
    OPT_EVENTS = 256,
    OPT_FPS,
    OPT_SIZE,
    OPT_SPEED,
    OPT_DURATION,
    OPT_CRF,
    OPT_PRESET,
    OPT_MAX_HOSTS,
    OPT_HALF_LIFE,
    OPT_SCALE,
    OPT_STOP_AT_END,
    OPT_TALKERS,
    OPT_NO_BLOOM,
    OPT_SCREENSHOT,
    OPT_START,
    OPT_STOP,
    OPT_SKIP_IDLE,
    OPT_VERSION,
};

void options_usage(FILE *f)
{
    fprintf(f,
        "usage: flowswarm [options] [-r FILE]... [expression]\n"
        "Network traffic as a swarm: hosts gather around the services they use.\n"
        "\n"
        "  -r FILE            read a pcap, pcapng or flow-tools file; '-' reads stdin;\n"
        "                     several -r merge by time\n"
        "  -o FILE            render to a video file with no window (.mp4, .mkv,\n"
        "                     .mov: H.264; .webm: VP9)\n"
        "  --events           print the decoded events as TSV and exit:\n"
        "                     time src dst proto sport dport packets octets tcpflags\n"
        "  expression         a BPF filter, as in tcpdump (e.g. 'not port 22')\n"
        "\n"
        "Time:\n"
        "  --speed X          capture seconds shown per second (default: fit the\n"
        "                     capture into --duration)\n"
        "  --duration SECS    length of the replay when fitting (default 60)\n"
        "  --start TIME       begin the replay there; --stop TIME: end it there.\n"
        "                     TIME: '2024-05-01 12:00:00' (UTC), '12:00' (on the\n"
        "                     capture's first day), '+90' or '+1:30' (after its\n"
        "                     start), '@1714564800' (seconds since 1970)\n"
        "  --skip-idle SECS   cut every stretch with no traffic to SECS seconds\n"
        "                     of capture time\n"
        "  --stop-at-end      close the window when the capture ends\n"
        "\n"
        "Video:\n"
        "  --size WxH         frame size (default 1280x720)\n"
        "  --fps R            frames per second: 25, 29.97, 30000/1001... (default 30)\n"
        "  --crf N            quality, lower is better: H.264 0-51 (default 20),\n"
        "                     VP9 0-63 (default 32)\n"
        "  --preset NAME      H.264 speed, ultrafast to placebo (default veryfast)\n"
        "  --screenshot FILE  also save the last frame as a PNG image; without -o,\n"
        "                     render only that frame (headless)\n"
        "\n"
        "Swarm:\n"
        "  --max-hosts N      hosts shown at once; the least recently active make\n"
        "                     room for new ones (default 100000)\n"
        "  --half-life SECS   how fast a tie to a service fades, in seconds of\n"
        "                     animation (default 3)\n"
        "  --scale log|sqrt   how octets pull and grow things (default log)\n"
        "  --talkers N        label the N busiest hosts with their address\n"
        "                     (default 10, at most 64; 0: none)\n"
        "  --no-bloom         no glow spread around bright things (a little faster)\n"
        "\n"
        "  -q, --quiet        no progress output\n"
        "  -h, --help         this help\n"
        "      --version      print the version\n"
        "\n"
        "In the window: Esc or q quits, space pauses, + and - change the speed,\n"
        "s or F12 saves a screenshot (flowswarm-DATE-TIME.png).\n"
        "With no arguments, flowswarm plays its bundled sample capture.\n");
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

static bool parse_int(const char *s, long lo, long hi, long *out)
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
    return parse_int(head, lo_a, hi_a, a) && parse_int(at + 1, lo_b, hi_b, b);
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

/* A frame rate: a whole number, a fraction "30000/1001", or a decimal with
 * up to three places; the NTSC rates written as decimals (23.976, 29.97,
 * 59.94, 119.88) are the exact fractions over 1001. From 1 to 240. */
static bool parse_fps(const char *s, int *num, int *den)
{
    long n, d = 1;
    const char *slash = strchr(s, '/');
    if (slash) {
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
    n /= g;
    d /= g;
    if ((double)n / (double)d < 1 || (double)n / (double)d > 240)
        return false;
    *num = (int)n;
    *den = (int)d;
    return true;
}

static bool parse_size(const char *s, int *w, int *h)
{
    long a, b;
    if (!parse_pair(s, 'x', 16, 7680, 16, 4320, &a, &b))
        return false;
    *w = (int)a;
    *h = (int)b;
    return true;
}

enum options_result options_parse(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->width = 1280;
    o->height = 720;
    o->fps_num = 30;
    o->fps_den = 1;
    o->fps = 30;
    o->duration = 60;
    o->crf = -1;
    o->talkers = 10;
    static const struct option longs[] = {
        {"events", no_argument, NULL, OPT_EVENTS},
        {"fps", required_argument, NULL, OPT_FPS},
        {"size", required_argument, NULL, OPT_SIZE},
        {"speed", required_argument, NULL, OPT_SPEED},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"crf", required_argument, NULL, OPT_CRF},
        {"preset", required_argument, NULL, OPT_PRESET},
        {"max-hosts", required_argument, NULL, OPT_MAX_HOSTS},
        {"half-life", required_argument, NULL, OPT_HALF_LIFE},
        {"scale", required_argument, NULL, OPT_SCALE},
        {"stop-at-end", no_argument, NULL, OPT_STOP_AT_END},
        {"talkers", required_argument, NULL, OPT_TALKERS},
        {"no-bloom", no_argument, NULL, OPT_NO_BLOOM},
        {"screenshot", required_argument, NULL, OPT_SCREENSHOT},
        {"start", required_argument, NULL, OPT_START},
        {"stop", required_argument, NULL, OPT_STOP},
        {"skip-idle", required_argument, NULL, OPT_SKIP_IDLE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    optind = 1;
    int c;
    long iv;
    while ((c = getopt_long(argc, argv, ":r:o:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'r':
            o->inputs = xreallocarray(o->inputs, o->ninputs + 1, sizeof(*o->inputs));
            o->inputs[o->ninputs++] = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'h':
            options_usage(stdout);
            return OPTIONS_EXIT_OK;
        case OPT_VERSION:
            printf("flowswarm %s\n", FLOWSWARM_VERSION);
            return OPTIONS_EXIT_OK;
        case OPT_EVENTS:
            o->events = true;
            break;
        case OPT_STOP_AT_END:
            o->stop_at_end = true;
            break;
        case OPT_NO_BLOOM:
            o->no_bloom = true;
            break;
        case OPT_SCREENSHOT:
            o->screenshot = optarg;
            break;
        case OPT_START:
        case OPT_STOP: {
            char err[400];
            int64_t ignored;
            if (!timeline_parse_time(optarg, 0, &ignored, err, sizeof(err))) {
                fprintf(stderr, "flowswarm: %s %s\n", c == OPT_START ? "--start" : "--stop",
                        err);
                return OPTIONS_EXIT_USAGE;
            }
            *(c == OPT_START ? &o->start : &o->stop) = optarg;
            break;
        }
        case OPT_SKIP_IDLE:
            if (!parse_double(optarg, 0.001, 1e9, &o->skip_idle)) {
                fprintf(stderr, "flowswarm: --skip-idle %s: expected seconds, more than 0\n",
                        optarg);
                return OPTIONS_EXIT_USAGE;
            }
            break;
        case OPT_TALKERS:
            if (!parse_int(optarg, 0, 64, &iv)) {
                fprintf(stderr, "flowswarm: --talkers %s: expected 0 to 64\n", optarg);
                return OPTIONS_EXIT_USAGE;
            }
            o->talkers = (int)iv;
            break;
        case OPT_FPS:
            if (!parse_fps(optarg, &o->fps_num, &o->fps_den)) {
                fprintf(stderr,
                        "flowswarm: --fps %s: expected a rate from 1 to 240 (30, 29.97 or "
                        "30000/1001)\n",
                        optarg);
                return OPTIONS_EXIT_USAGE;
            }
            o->fps = (double)o->fps_num / o->fps_den;
            break;
        case OPT_SIZE:
            if (!parse_size(optarg, &o->width, &o->height) || o->width % 2 ||
                o->height % 2) {
                fprintf(stderr,
                        "flowswarm: --size %s: expected WxH with even sides, from 16x16 "
                        "to 7680x4320\n", optarg);
                return OPTIONS_EXIT_USAGE;
            }
            break;
        case OPT_SPEED:
            if (!parse_double(optarg, 1e-6, 1e9, &o->speed)) {
                fprintf(stderr, "flowswarm: --speed %s: expected a positive number\n",
                        optarg);
                return OPTIONS_EXIT_USAGE;
            }
            break;
        case OPT_DURATION:
            if (!parse_double(optarg, 0.1, 1e7, &o->duration)) {
                fprintf(stderr,
                        "flowswarm: --duration %s: expected seconds, at least 0.1\n",
                        optarg);
                return OPTIONS_EXIT_USAGE;
            }
            break;
        case OPT_CRF:
            if (!parse_int(optarg, 0, 63, &iv)) {
                fprintf(stderr, "flowswarm: --crf %s: expected 0 to 63\n", optarg);
                return OPTIONS_EXIT_USAGE;
            }
            o->crf = (int)iv;
            break;
        case OPT_PRESET:
            o->preset = optarg;
            break;
        case OPT_MAX_HOSTS:
            if (!parse_int(optarg, 2, 10000000, &iv)) {
                fprintf(stderr, "flowswarm: --max-hosts %s: expected 2 to 10000000\n",
                        optarg);
                return OPTIONS_EXIT_USAGE;
            }
            o->max_hosts = (unsigned)iv;
            break;
        case OPT_HALF_LIFE:
            if (!parse_double(optarg, 0.01, 3600, &o->half_life)) {
                fprintf(stderr,
                        "flowswarm: --half-life %s: expected seconds, 0.01 to 3600\n",
                        optarg);
                return OPTIONS_EXIT_USAGE;
            }
            break;
        case OPT_SCALE:
            if (strcmp(optarg, "log") != 0 && strcmp(optarg, "sqrt") != 0) {
                fprintf(stderr, "flowswarm: --scale %s: expected log or sqrt\n", optarg);
                return OPTIONS_EXIT_USAGE;
            }
            o->sqrt_scale = strcmp(optarg, "sqrt") == 0;
            break;
        case ':':
            fprintf(stderr, "flowswarm: %s needs a value (see --help)\n",
                    argv[optind - 1]);
            return OPTIONS_EXIT_USAGE;
        default:
            if (optopt)
                fprintf(stderr, "flowswarm: unknown option -%c (see --help)\n", optopt);
            else
                fprintf(stderr, "flowswarm: unknown option %s (see --help)\n",
                        argv[optind - 1]);
            return OPTIONS_EXIT_USAGE;
        }
    }
    /* What is left is a filter expression, as tcpdump takes it. */
    size_t len = 0;
    for (int i = optind; i < argc; i++)
        len += strlen(argv[i]) + 1;
    if (len) {
        o->filter = xcalloc(len, 1);
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                strcat(o->filter, " ");
            strcat(o->filter, argv[i]);
        }
    }
    return OPTIONS_RUN;
}

void options_free(struct options *o)
{
    free(o->inputs);
    free(o->filter);
    memset(o, 0, sizeof(*o));
}
