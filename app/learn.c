/* The names stage. */
#include "app/learn.h"

#include "base/xalloc.h"

struct learn {
    struct names *names;
};

struct learn *learn_create(const struct options *o)
{
    if (o->no_names)
        return NULL;
    struct learn *l = xcalloc(1, sizeof(*l));
    l->names = names_create(0);
    return l;
}

void learn_destroy(struct learn *l)
{
    if (!l)
        return;
    names_destroy(l->names);
    free(l);
}

void learn_take(void *ctx, const struct event *ev)
{
    struct learn *l = ctx;
    names_take(l->names, ev);
}

const struct names *learn_names(const struct learn *l)
{
    return l ? l->names : NULL;
}

const char *learn_name_of(void *ctx, const struct addr *a)
{
    const struct learn *l = ctx;
    return l ? names_get(l->names, a, NULL) : NULL;
}
