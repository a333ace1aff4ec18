/* --report FILE: a summary written at the end of any run (window, video,
 * --events): per host its address, name, bytes, packets, flows, busiest
 * services, whether it scanned, and when it was first and last seen; per
 * service its totals and its top hosts. JSON for a name that ends in
 * .json, TSV otherwise. The README documents both shapes. */
#ifndef FLOWSWARM_REPORT_H
#define FLOWSWARM_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/scans.h"
#include "analyze/talkers.h"
#include "app/filters.h"
#include "app/learn.h"
#include "app/watch.h"

struct report;

/* Opens path for writing now (before privileges are given up), or
 * returns NULL with err set; a NULL path gives NULL with err "". */
struct report *report_open(const char *path, char *err, size_t errlen);

struct report_sources {
    const struct talkers *talkers;
    const struct scans *scans; /* NULL: no scans stage, no scanners */
    const char *(*name_of)(void *ctx, const struct addr *a); /* NULL: no names */
    void *name_ctx;
};

/* The sources of a run's stages: the filter stage's counts, the scans
 * stage, the names (NULL: none). */
struct report_sources report_sources_of(const struct filters *f, const struct watch *w,
                                        struct learn *l);

/* Writes the summary and closes the file; r may be NULL (no report).
 * False with err set when the file could not be written whole. */
bool report_finish(struct report *r, const struct report_sources *src, bool quiet,
                   char *err, size_t errlen);

/* A run that failed before its end: the empty file is removed. */
void report_abandon(struct report *r);

#endif
