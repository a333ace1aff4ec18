/* The names stage: the EVENT_NAME records the feed routes out of the
 * traffic, and the --names files (read whole at the start, then followed
 * as they grow), go into analyze/names: the cache every part of the
 * program asks for a host's name (labels, tooltip, 'name ~' filters,
 * --events=names). */
#ifndef FLOWSWARM_APP_LEARN_H
#define FLOWSWARM_APP_LEARN_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/names.h"
#include "app/options.h"

struct learn;

/* *out is NULL when there is nothing to learn from (-n and no --names).
 * False with one line in err when a --names file cannot be read. */
bool learn_create(const struct options *o, struct learn **out, char *err, size_t errlen);
void learn_destroy(struct learn *l);

/* Whether names are read from packets (not -n). */
bool learn_from_packets(const struct learn *l);

/* For feed_opts.names. */
void learn_take(void *ctx, const struct event *ev);

/* Reads what the --names files gained (a file replaced or cut short is
 * read again from its start). Call it now and then; it looks at most
 * twice a second. */
void learn_poll(struct learn *l);

/* The cache; NULL for a NULL l. */
const struct names *learn_names(const struct learn *l);

/* For filter_env.name and the renderer: the name of a, or NULL. ctx is
 * a struct learn (or NULL). */
const char *learn_name_of(void *ctx, const struct addr *a);

#endif
