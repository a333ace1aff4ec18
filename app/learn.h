/* The names stage: the EVENT_NAME records the feed routes out of the
 * traffic go into analyze/names, the cache every part of the program
 * asks for a host's name (labels, tooltip, 'name ~' filters, --events). */
#ifndef FLOWSWARM_APP_LEARN_H
#define FLOWSWARM_APP_LEARN_H

#include <stdbool.h>

#include "analyze/names.h"
#include "app/options.h"

struct learn;

/* NULL when -n turned names off. */
struct learn *learn_create(const struct options *o);
void learn_destroy(struct learn *l);

/* For feed_opts.names. */
void learn_take(void *ctx, const struct event *ev);

/* The cache; NULL for a NULL l. */
const struct names *learn_names(const struct learn *l);

/* For filter_env.name and the renderer: the name of a, or NULL. ctx is
 * a struct learn. */
const char *learn_name_of(void *ctx, const struct addr *a);

#endif
