/* The command line: tcpdump's -r/-i/expression habits, gource's video
 * options. Every option is one row of one table (options.c): its name,
 * kind, range, default, help and the field it sets. The parser, --help
 * and the defaults all come from that table, and so will a config file. */
#ifndef FLOWSWARM_OPTIONS_H
#define FLOWSWARM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One --hide or --only, in the order given. */
struct rule_arg {
    bool hide;
    const char *expr;
};

struct options {
    const char **inputs; /* -r, in order; the array is owned by the struct */
    size_t ninputs;
    const char **ifaces; /* -i, in order; the array is owned by the struct */
    size_t nifaces;
    bool list_ifaces;    /* -D */
    const char **collect; /* --collect, in order; the array is owned */
    size_t ncollect;
    int snaplen;         /* -s: 0 means whole packets */
    bool no_promisc;     /* -p */
    int buffer_kib;      /* -B: 0 means libpcap's default */
    const char *user;    /* -Z: the user to become once capturing; NULL: nobody */
    const char *output;  /* -o */
    char *filter;        /* trailing BPF expression, joined; owned */
    bool events;         /* --events */
    bool events_names;   /* --events=names: with the hosts' names */
    const char *report;  /* --report: the summary written at the end */
    bool no_names;       /* -n: learn no names from packets */
    const char **name_files; /* --names, in order; the array is owned */
    size_t nname_files;
    bool quiet;          /* -q */
    bool stop_at_end;    /* --stop-at-end */
    int width, height;   /* --size */
    int fps_num, fps_den; /* --fps as a fraction: 30/1, 30000/1001 */
    double fps;          /* fps_num / fps_den */
    double speed;        /* capture seconds per second shown; 0: fit */
    double duration;     /* seconds of video to fit the capture into */
    int crf;             /* -1: the codec's default */
    const char *preset;
    int max_hosts;       /* 0: the swarm's default */
    double half_life;    /* seconds; 0: the swarm's default */
    int scale;           /* --scale: 0 log, 1 sqrt */
    int group;           /* --group: 0 auto, 1 the prefixes below, 2 off */
    int group_v4, group_v6; /* --group /N,/M */
    int group_at;        /* --group-at: live hosts before clouds form */
    int talkers;         /* --talkers: busiest hosts labelled */
    bool talkers_panel;  /* --talkers-panel: the panel of top talkers in video */
    bool no_bloom;       /* --no-bloom */
    const char *screenshot; /* --screenshot: PNG of the last frame */
    const char *start, *stop; /* --start, --stop: as the user wrote them */
    double skip_idle;    /* --skip-idle: seconds; 0: no skipping */
    struct rule_arg *rules; /* --hide, --only; the array is owned */
    size_t nrules;
    int top;             /* --top: the busiest hosts shown; 0: all */
    const char *filters_file; /* --filters */
    bool no_scans;       /* --no-scans */
    int scan_ports;      /* --scan-ports: failed ports on one host */
    int scan_hosts;      /* --scan-hosts: failed hosts on one port */
    double scan_window;  /* --scan-window: seconds they are counted over */
    double scan_wait;    /* --scan-wait: seconds a probe waits for an answer */
    int client_ports;    /* --client-ports: destination ports from one source port */
};

enum options_result { OPTIONS_RUN, OPTIONS_EXIT_OK, OPTIONS_EXIT_USAGE };

/* Whether the options name a live input (-i, --collect). */
static inline bool options_live(const struct options *o)
{
    return o->nifaces + o->ncollect > 0;
}

/* Parses argv into o (defaults filled in). Help and version are printed
 * here; errors print one line to stderr. o needs options_free() after
 * any result. */
enum options_result options_parse(int argc, char **argv, struct options *o);
void options_free(struct options *o);
void options_usage(FILE *f);

#endif
