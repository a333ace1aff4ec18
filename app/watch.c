/* The scans stage. */
#include "app/watch.h"

#include <stdio.h>
#include <string.h>

#include "base/xalloc.h"

struct watch {
    struct scans *scans;
};

struct watch *watch_create(const struct options *o)
{
    if (o->no_scans)
        return NULL;
    struct watch *w = xcalloc(1, sizeof(*w));
    w->scans = scans_create(&(struct scans_opts){
        .ports = (unsigned)o->scan_ports, .hosts = (unsigned)o->scan_hosts,
        .client_ports = (unsigned)o->client_ports, .window_s = o->scan_window,
        .wait_s = o->scan_wait});
    return w;
}

void watch_destroy(struct watch *w)
{
    if (!w)
        return;
    scans_destroy(w->scans);
    free(w);
}

static bool scan_stage(void *ctx, struct event *ev)
{
    scans_event(ctx, ev);
    return true;
}

void watch_attach(struct watch *w, struct feed *feed)
{
    if (w)
        feed_add_stage(feed, &(struct feed_stage){scan_stage, w->scans});
}

void watch_settle(struct watch *w, int64_t now_ns)
{
    if (w)
        scans_settle(w->scans, now_ns);
}

void watch_rewind(struct watch *w)
{
    if (w)
        scans_reset(w->scans);
}

bool watch_is_scanner(const struct watch *w, const struct addr *a)
{
    return w && scans_is_scanner(w->scans, a);
}

const struct scans *watch_scans(const struct watch *w)
{
    return w ? w->scans : NULL;
}

size_t watch_scanners(const struct watch *w)
{
    if (!w)
        return 0;
    struct scans_stats st;
    scans_get_stats(w->scans, &st);
    return st.scanners;
}

/* "port scan, SYN probes" and the like. */
static void describe(unsigned how, char *buf, size_t len)
{
    static const struct {
        unsigned bit;
        const char *word;
    } scans[] = {{SCAN_PORTS, "port scan"}, {SCAN_HOSTS, "host sweep"}},
      probes[] = {{SCAN_SYN, "SYN"}, {SCAN_STEALTH, "FIN/NULL/XMAS"}, {SCAN_UDP, "UDP"},
                  {SCAN_ICMP, "ping"}};
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < 2; i++)
        if (how & scans[i].bit)
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " and " : "", scans[i].word);
    const char *sep = ", ";
    for (size_t i = 0; i < 4 && n < len; i++) {
        if (!(how & probes[i].bit))
            continue;
        n += (size_t)snprintf(buf + n, len - n, "%s%s", sep, probes[i].word);
        sep = "/";
    }
    if (n < len && *sep == '/')
        snprintf(buf + n, len - n, " probes");
}

void watch_report(struct watch *w, bool quiet)
{
    if (!w)
        return;
    scans_settle(w->scans, INT64_MAX);
    size_t n;
    const struct scans_scanner *sc = scans_scanners(w->scans, &n);
    if (quiet || !n)
        return;
    enum { LISTED = 8 };
    fprintf(stderr, "flowswarm: %zu scanner%s:", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n && i < LISTED; i++) {
        char a[64], how[64];
        addr_format(&sc[i].addr, a, sizeof(a));
        describe(sc[i].how, how, sizeof(how));
        fprintf(stderr, "%s %s (%s, %llu failed)", i ? "," : "", a, how,
                (unsigned long long)sc[i].failed);
    }
    if (n > LISTED)
        fprintf(stderr, " and %zu more", n - LISTED);
    fputc('\n', stderr);
}
