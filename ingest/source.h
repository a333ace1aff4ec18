/* An input of events: a capture or flow file (or stdin), its format
 * sniffed from the magic bytes. Sources yield events in file order. */
#ifndef FLOWSWARM_SOURCE_H
#define FLOWSWARM_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ingest/decode.h"
#include "ingest/activity.h"
#include "ingest/gaps.h"
#include "ingest/event.h"

struct source;

struct source_stats {
    uint64_t records;         /* packets or flow records read */
    struct decode_stats decode;
    bool damaged;             /* reading stopped early at damage */
    char damage[320];         /* then: one line naming the file and offset */
    uint64_t skipped;         /* records with nothing to show */
    char skip_reason[160];    /* why, when skipped is not zero */
};

/* Opens path ("-" for stdin); filter, if not NULL, is a BPF expression
 * applied to packet captures. Returns NULL with a one-line message in err
 * (naming the file) when the file cannot be opened, is not a known format,
 * or the filter does not compile. The caller owns the source; free it with
 * source_destroy(). */
struct source *source_open(const char *path, const char *filter, char *err,
                           size_t errlen);

/* The same for an open stream (a file, a pipe, memory), which the source
 * takes over: it is closed with the source or on failure, unless it is
 * stdin. name is used in messages. */
struct source *source_open_stream(FILE *fp, const char *name, const char *filter,
                                  char *err, size_t errlen);

/* Next event; false at the end of the input. Damage ends the input and
 * is described in source_stats(). */
bool source_next(struct source *s, struct event *ev);

/* Reads the rest of the source, adding every event to act (whose
 * first_ns and last_ns then give the time range) and to gaps unless it
 * is NULL. False if it had none. */
bool source_scan(struct source *s, struct activity *act, struct gaps *gaps);

const struct source_stats *source_stats(const struct source *s);

/* Whether the source holds flow records (whose start times arrive far
 * out of order) rather than packets. */
bool source_is_flows(const struct source *s);
const char *source_name(const struct source *s);
void source_destroy(struct source *s);

/* How a source kind plugs in: its state and two functions. */
struct source_ops {
    bool (*next)(void *impl, struct event *ev, struct source_stats *st);
    void (*destroy)(void *impl);
};

#endif
