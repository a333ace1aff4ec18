/* The filter stage of the feed: every event is counted for its hosts
 * (analyze/talkers), then shown or dropped by the rules in force
 * (filter/set) and the top-N cap. The command line, the --filters file
 * and the window's keys all change the same rules here. */
#ifndef FLOWSWARM_APP_FILTERS_H
#define FLOWSWARM_APP_FILTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/talkers.h"
#include "app/feed.h"
#include "app/options.h"

struct filters;

/* The rules of --filters FILE (when it exists), then --hide and --only
 * in their order, and --top. With hud (a window or a video), every host's
 * traffic is counted, for the tooltip and the count of hidden hosts;
 * without (--events), only where a rule or the cap needs the totals. NULL
 * with one line in err. */
struct filters *filters_create(const struct options *o, bool hud, char *err, size_t errlen);
void filters_destroy(struct filters *f);

/* Where 'name ~' finds a host's name: name(ctx, a), or nothing (NULL:
 * names are off, which is said once on stderr if a rule asks for one). */
void filters_use_names(struct filters *f, const char *(*name)(void *ctx, const struct addr *a),
                       void *ctx);

/* Whether a rule asks for hosts' names ('name ~'). */
bool filters_need_names(const struct filters *f);

/* Adds the counting stage and the filter stage to the feed. */
void filters_attach(struct filters *f, struct feed *feed);

/* Changes with every change of what shows: the rules, the cap, and each
 * new ranking while the cap is on. */
uint64_t filters_generation(const struct filters *f);

/* For swarm_filter(): whether ev still shows, and host with it (NULL: the
 * event as a whole). */
bool filters_keep(void *ctx, const struct event *ev, const struct addr *host);

/* Reloads the --filters file if it changed since it was last read or
 * written. Call it now and then (the loops do, twice a second). */
void filters_poll(struct filters *f);

/* The window's changes. Each is written back to the --filters file. A
 * false return leaves the rules as they were, with one line in msg; a
 * true one may leave a note in msg ("" when there is none). */
bool filters_hide_host(struct filters *f, const struct addr *host, char *msg, size_t len);
bool filters_solo_host(struct filters *f, const struct addr *host, char *msg, size_t len);
bool filters_add_line(struct filters *f, const char *line, char *msg, size_t len);
bool filters_undo(struct filters *f, char *msg, size_t len);
bool filters_clear(struct filters *f, char *msg, size_t len);

/* Steps the cap through off, 10, 100, 1000; returns the new cap (0: off). */
unsigned filters_cycle_top(struct filters *f);

/* The rules and the cap in one line ("hide host 10.0.0.7 · top 100"), ""
 * when nothing is filtered. */
void filters_describe(const struct filters *f, char *buf, size_t len);

/* Hosts whose traffic is all hidden since the rules last changed. */
uint64_t filters_hidden(const struct filters *f);

/* The last problem with the --filters file, or "". */
const char *filters_problem(const struct filters *f);

const struct talkers *filters_talkers(const struct filters *f);

/* What the stage has counted up to a moment of a replay (the talkers and
 * the ranking), to go back to it. The rules are the user's and stay. */
struct filters_mark;
struct filters_mark *filters_mark(const struct filters *f);
void filters_rewind(struct filters *f, const struct filters_mark *m);
void filters_mark_free(struct filters_mark *m);

#endif
