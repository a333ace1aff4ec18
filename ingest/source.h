/* An input of events. Every kind of input is one row of the source table
 * (source.c): files are told apart by their first bytes, and each kind
 * says how to open, read and poll it and whether it is live. Sources
 * yield events in the order they read them. See ingest/README.md for how
 * a live source plugs in. */
#ifndef FLOWSWARM_SOURCE_H
#define FLOWSWARM_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/event.h"
#include "ingest/decode.h"

struct source;

struct source_stats {
    uint64_t records;         /* packets or flow records read */
    struct decode_stats decode;
    bool damaged;             /* reading stopped early at damage */
    char damage[320];         /* then: one line naming the file and offset */
    uint64_t skipped;         /* records with nothing to show */
    char skip_reason[160];    /* why, when skipped is not zero */
};

/* One kind of input: a row of the source table. */
struct source_kind {
    const char *name; /* "pcap", "flow-tools", ... for messages */
    /* Whether a file that begins with head[0..n) is of this kind; NULL
     * for inputs that are not files (interfaces, sockets), which are
     * opened by name instead. n is at least SOURCE_SNIFF_LEN. */
    bool (*sniff)(const uint8_t *head, size_t n);
    /* Opens the input: fp (owned from here on, closed on failure too) is
     * at the file's first byte, or NULL for an input that is not a file;
     * name names it in messages (or is the interface or address for one
     * that is not a file). filter is the trailing expression or NULL; a
     * kind with .packets applies it itself. NULL with one line in err. */
    void *(*open)(FILE *fp, const char *name, const char *filter, char *err,
                  size_t errlen);
    /* The next event; false at the end (damage is said in st). */
    bool (*next)(void *impl, struct event *ev, struct source_stats *st);
    /* A descriptor to poll() for more input, or -1. */
    int (*fd)(const void *impl);
    void (*destroy)(void *impl);
    bool live;    /* never ends by itself; must not block (ingest/README.md) */
    bool packets; /* reads packets, and filters them itself with BPF */
    bool flows;   /* yields flow records, whose start times lag their export */
};

enum { SOURCE_SNIFF_LEN = 4 };

/* Opens path ("-" for stdin); filter, if not NULL, is the trailing BPF
 * expression, which applies to every kind (to packets as they are, to
 * flow records through the headers they describe). Returns NULL with a
 * one-line message in err (naming the file) when the file cannot be
 * opened, is not a known format, or the filter does not compile. The
 * caller owns the source; free it with source_destroy(). */
struct source *source_open(const char *path, const char *filter, char *err,
                           size_t errlen);

/* The same for an open stream (a file, a pipe, memory), which the source
 * takes over: it is closed with the source or on failure, unless it is
 * stdin. name is used in messages. */
struct source *source_open_stream(FILE *fp, const char *name, const char *filter,
                                  char *err, size_t errlen);

/* Next event that passes the filter; false at the end of the input.
 * Damage ends the input and is described in source_stats(). */
bool source_next(struct source *s, struct event *ev);

const struct source_stats *source_stats(const struct source *s);
const struct source_kind *source_kind(const struct source *s);
/* The descriptor to poll for more input, or -1 (see source_kind.fd). */
int source_fd(const struct source *s);
const char *source_name(const struct source *s);
void source_destroy(struct source *s);

#endif
