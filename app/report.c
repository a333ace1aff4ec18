/* The closing summary: hosts busiest first, then services busiest first,
 * each with the hosts that sent or received the most on it. */
#include "app/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/services.h"
#include "base/xalloc.h"

enum { TOP_HOSTS = 5 }; /* per service */

struct report {
    FILE *f;
    const char *path;
    bool json;
};

struct report *report_open(const char *path, char *err, size_t errlen)
{
    err[0] = 0;
    if (!path)
        return NULL;
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "--report %s: %s (name a file in a directory you can write to)",
                 path, strerror(errno));
        return NULL;
    }
    struct report *r = xcalloc(1, sizeof(*r));
    r->f = f;
    r->path = path;
    size_t n = strlen(path);
    r->json = n >= 5 && strcmp(path + n - 5, ".json") == 0;
    return r;
}

struct report_sources report_sources_of(const struct filters *f, const struct watch *w,
                                        struct learn *l)
{
    return (struct report_sources){.talkers = filters_talkers(f), .scans = watch_scans(w),
                                   .name_of = l ? learn_name_of : NULL, .name_ctx = l};
}

/* A host's share of one service, for that service's top hosts. */
struct share {
    uint64_t octets;
    uint32_t host;
    uint16_t port;
    uint8_t proto;
};

static int by_service_then_octets(const void *a, const void *b)
{
    const struct share *x = a, *y = b;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    if (x->octets != y->octets)
        return x->octets > y->octets ? -1 : 1;
    return x->host < y->host ? -1 : x->host > y->host;
}

/* Busiest first; among equals, the one that came first (the hosts lie
 * in one array, in the order they came). */
static int by_host_octets(const void *a, const void *b)
{
    const struct talker *x = *(const struct talker *const *)a;
    const struct talker *y = *(const struct talker *const *)b;
    if (x->octets != y->octets)
        return x->octets > y->octets ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int by_total_octets(const void *a, const void *b)
{
    const struct talker_total *x = *(const struct talker_total *const *)a;
    const struct talker_total *y = *(const struct talker_total *const *)b;
    if (x->octets != y->octets)
        return x->octets > y->octets ? -1 : 1;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
}

/* Text as a JSON string, or as a TSV field (tabs and line ends become
 * spaces); bytes outside printable ASCII are escaped in JSON. */
static void put_text(FILE *f, bool json, const char *s)
{
    if (!json) {
        for (; *s; s++)
            fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* ISO 8601, UTC, to the microsecond. */
static void put_time(FILE *f, bool json, int64_t ns)
{
    time_t secs = (time_t)(ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000);
    long us = (long)((ns - (int64_t)secs * 1000000000) / 1000);
    struct tm tm;
    char day[32] = "1970-01-01T00:00:00";
    if (gmtime_r(&secs, &tm))
        strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(f, json ? "\"%s.%06ldZ\"" : "%s.%06ldZ", day, us);
}

static void put_name(FILE *f, bool json, const struct report_sources *src,
                     const struct addr *a)
{
    const char *name = src->name_of ? src->name_of(src->name_ctx, a) : NULL;
    if (name)
        put_text(f, json, name);
    else
        fputs(json ? "null" : "-", f);
}

static void put_addr(FILE *f, bool json, const struct addr *a)
{
    char buf[64];
    addr_format(a, buf, sizeof(buf));
    put_text(f, json, buf);
}

static void put_host(FILE *f, bool json, const struct report_sources *src,
                     const struct talker *h)
{
    bool scanner = src->scans && scans_is_scanner(src->scans, &h->addr);
    fputs(json ? "{\"address\": " : "", f);
    put_addr(f, json, &h->addr);
    fputs(json ? ", \"name\": " : "\t", f);
    put_name(f, json, src, &h->addr);
    fprintf(f, json ? ", \"bytes\": %" PRIu64 ", \"packets\": %" PRIu64 ", \"flows\": %" PRIu64
                      ", \"services\": ["
                    : "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t",
            h->octets, h->packets, h->flows);
    for (int k = 0; k < TALKER_SERVICES && h->services[k].octets; k++) {
        char label[64];
        services_label(h->services[k].proto, h->services[k].port, label, sizeof(label));
        fputs(k ? (json ? ", " : ",") : "", f);
        put_text(f, json, label);
    }
    if (!json && !h->services[0].octets)
        fputc('-', f);
    fprintf(f, json ? "], \"scanner\": %s, \"first\": " : "\t%s\t",
            scanner ? "true" : "false");
    put_time(f, json, h->first_ns);
    fputs(json ? ", \"last\": " : "\t", f);
    put_time(f, json, h->last_ns);
    fputs(json ? "}" : "\n", f);
}

static void put_hosts(FILE *f, bool json, const struct report_sources *src)
{
    size_t n = talkers_count(src->talkers);
    const struct talker **order = xreallocarray(NULL, n ? n : 1, sizeof(*order));
    for (size_t i = 0; i < n; i++)
        order[i] = talkers_at(src->talkers, i);
    qsort(order, n, sizeof(*order), by_host_octets);
    fputs(json ? "{\"hosts\": [" : "# hosts\naddress\tname\tbytes\tpackets\tflows\tservices"
                                   "\tscanner\tfirst\tlast\n",
          f);
    for (size_t i = 0; i < n; i++) {
        fputs(json ? (i ? ",\n  " : "\n  ") : "", f);
        put_host(f, json, src, order[i]);
    }
    fputs(json ? "\n ],\n" : "\n", f);
    free(order);
}

/* Every host's busiest services, sorted by service, then octets. */
static struct share *gather_shares(const struct talkers *t, size_t *out)
{
    size_t n = talkers_count(t), k = 0;
    struct share *s = xreallocarray(NULL, n * TALKER_SERVICES + 1, sizeof(*s));
    for (size_t i = 0; i < n; i++) {
        const struct talker *h = talkers_at(t, i);
        for (int j = 0; j < TALKER_SERVICES && h->services[j].octets; j++)
            s[k++] = (struct share){.octets = h->services[j].octets, .host = (uint32_t)i,
                                    .port = h->services[j].port,
                                    .proto = h->services[j].proto};
    }
    qsort(s, k, sizeof(*s), by_service_then_octets);
    *out = k;
    return s;
}

/* The first share of the service, by binary search, or nshares. */
static size_t first_share(const struct share *s, size_t n, const struct talker_total *svc)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        bool before = s[mid].proto < svc->proto ||
                      (s[mid].proto == svc->proto && s[mid].port < svc->port);
        if (before)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void put_service(FILE *f, bool json, const struct report_sources *src,
                        const struct talker_total *svc, const struct share *s, size_t ns)
{
    char label[64];
    services_label(svc->proto, svc->port, label, sizeof(label));
    const char *name = services_name(svc->proto, svc->port);
    const char *cls = services_class_name(services_class(svc->proto, svc->port));
    fputs(json ? "{\"service\": " : "", f);
    put_text(f, json, label);
    fputs(json ? ", \"name\": " : "\t", f);
    if (name)
        put_text(f, json, name);
    else
        fputs(json ? "null" : "-", f);
    fprintf(f, json ? ", \"port\": %u, \"proto\": %u, \"class\": " : "\t%u\t%u\t", svc->port,
            svc->proto);
    put_text(f, json, cls);
    fprintf(f, json ? ", \"bytes\": %" PRIu64 ", \"packets\": %" PRIu64 ", \"flows\": %" PRIu64
                      ", \"top_hosts\": ["
                    : "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t",
            svc->octets, svc->packets, svc->flows);
    size_t i = first_share(s, ns, svc), k = 0;
    for (; i < ns && k < TOP_HOSTS && s[i].proto == svc->proto && s[i].port == svc->port;
         i++, k++) {
        const struct talker *h = talkers_at(src->talkers, s[i].host);
        if (json) {
            fputs(k ? ", {\"address\": " : "{\"address\": ", f);
            put_addr(f, json, &h->addr);
            fputs(", \"name\": ", f);
            put_name(f, json, src, &h->addr);
            fprintf(f, ", \"bytes\": %" PRIu64 "}", s[i].octets);
        } else {
            fputs(k ? "," : "", f);
            put_addr(f, json, &h->addr);
            fprintf(f, "=%" PRIu64, s[i].octets);
        }
    }
    if (!json && k == 0)
        fputc('-', f);
    fputs(json ? "]}" : "\n", f);
}

static void put_services(FILE *f, bool json, const struct report_sources *src)
{
    size_t n, ns;
    const struct talker_total *all = talkers_services(src->talkers, &n);
    const struct talker_total **order = xreallocarray(NULL, n ? n : 1, sizeof(*order));
    for (size_t i = 0; i < n; i++)
        order[i] = &all[i];
    qsort(order, n, sizeof(*order), by_total_octets);
    struct share *s = gather_shares(src->talkers, &ns);
    fputs(json ? " \"services\": [" : "# services\nservice\tname\tport\tproto\tclass\tbytes"
                                      "\tpackets\tflows\ttop_hosts\n",
          f);
    for (size_t i = 0; i < n; i++) {
        fputs(json ? (i ? ",\n  " : "\n  ") : "", f);
        put_service(f, json, src, order[i], s, ns);
    }
    fputs(json ? "\n ]}\n" : "", f);
    free(s);
    free(order);
}

bool report_finish(struct report *r, const struct report_sources *src, bool quiet,
                   char *err, size_t errlen)
{
    if (!r)
        return true;
    put_hosts(r->f, r->json, src);
    put_services(r->f, r->json, src);
    bool ok = fflush(r->f) == 0 && !ferror(r->f);
    int why = errno;
    ok = fclose(r->f) == 0 && ok;
    if (!ok)
        snprintf(err, errlen, "--report %s: %s (the report is incomplete; free some space "
                 "or name another file)", r->path, strerror(why ? why : errno));
    else if (!quiet)
        fprintf(stderr, "flowswarm: wrote the report of %zu hosts to %s\n",
                talkers_count(src->talkers), r->path);
    free(r);
    return ok;
}

void report_abandon(struct report *r)
{
    if (!r)
        return;
    fclose(r->f);
    unlink(r->path);
    free(r);
}
