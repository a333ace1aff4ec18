/* The filter stage: talkers first (a host's totals count all its
 * traffic), then the rules and the cap. */
#include "app/filters.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "app/pipeline.h"
#include "base/xalloc.h"
#include "filter/set.h"

enum { RANK_EVERY_MIN = 4096 }; /* events between rankings, at least */

struct filters {
    struct filter_set *set;
    struct talkers *talk;
    struct filter_env env;
    const char *(*name_of)(void *ctx, const struct addr *a); /* or NULL */
    void *name_ctx;
    unsigned top;           /* the cap; 0: off */
    uint64_t since_rank;    /* events since the last ranking */
    uint64_t rankings;      /* rankings made, and changes of the cap */
    uint32_t stamp;         /* which state of the rules the stamps are of */
    uint64_t stamped_gen;
    uint64_t hidden;        /* hosts with hidden traffic and none shown */
    const char *file;       /* --filters, or NULL */
    struct timespec mtime;  /* of the file as last read or written */
    off_t size;
    int64_t next_poll;      /* wall ns */
    bool quiet;
    bool counting;          /* hosts' totals are kept (talkers) */
    char problem[400];
};

static uint64_t env_bytes(void *ctx, const struct addr *a)
{
    const struct filters *f = ctx;
    const struct talker *t = talkers_find(f->talk, a);
    return t ? t->octets : 0;
}

static const char *env_name(void *ctx, const struct addr *a)
{
    const struct filters *f = ctx;
    return f->name_of ? f->name_of(f->name_ctx, a) : NULL;
}

static void remember_file(struct filters *f)
{
    struct stat st;
    if (f->file && stat(f->file, &st) == 0) {
        f->mtime = st.st_mtim;
        f->size = st.st_size;
    } else {
        f->mtime = (struct timespec){0};
        f->size = -1;
    }
}

bool filters_need_names(const struct filters *f)
{
    return filter_set_uses_names(f->set);
}

void filters_use_names(struct filters *f, const char *(*name)(void *ctx, const struct addr *a),
                       void *ctx)
{
    f->name_of = name;
    f->name_ctx = ctx;
    if (!name && !f->quiet && filter_set_uses_names(f->set))
        fprintf(stderr, "flowswarm: note: 'name ~' matches nothing: -n turned names off\n");
}

struct filters *filters_create(const struct options *o, bool hud, char *err, size_t errlen)
{
    struct filters *f = xcalloc(1, sizeof(*f));
    f->set = filter_set_create();
    f->talk = talkers_create(0);
    f->env = (struct filter_env){.bytes = env_bytes, .name = env_name, .ctx = f};
    f->top = (unsigned)o->top;
    talkers_rank(f->talk, f->top); /* while there are no more than top hosts, all show */
    f->file = o->filters_file;
    f->quiet = o->quiet;
    if (f->file && !filter_set_load(f->set, f->file, err, errlen))
        goto fail;
    remember_file(f);
    for (size_t i = 0; i < o->nrules; i++) {
        char why[400];
        enum filter_verb v = o->rules[i].hide ? FILTER_HIDE : FILTER_ONLY;
        if (!filter_set_add(f->set, v, o->rules[i].expr, why, sizeof(why))) {
            snprintf(err, errlen, "--%s: %s", o->rules[i].hide ? "hide" : "only", why);
            goto fail;
        }
    }
    f->counting = hud || f->top || o->report || filter_set_uses_bytes(f->set);
    return f;
fail:
    filters_destroy(f);
    return NULL;
}

void filters_destroy(struct filters *f)
{
    if (!f)
        return;
    filter_set_destroy(f->set);
    talkers_destroy(f->talk);
    free(f);
}

static bool count_stage(void *ctx, struct event *ev)
{
    struct filters *f = ctx;
    talkers_add(f->talk, ev);
    return true;
}

/* Keeps the count of hidden hosts: a host is hidden once some of its
 * traffic was dropped and none shown since the rules last changed. */
static void stamp(struct filters *f, const struct addr *a, bool shown)
{
    struct talker *t = a->family ? talkers_lookup(f->talk, a) : NULL;
    if (!t)
        return;
    if (shown && t->shown != f->stamp) {
        t->shown = f->stamp;
        if (t->dropped == f->stamp)
            f->hidden--;
    } else if (!shown && t->dropped != f->stamp) {
        t->dropped = f->stamp;
        if (t->shown != f->stamp)
            f->hidden++;
    }
}

static bool filter_stage(void *ctx, struct event *ev)
{
    struct filters *f = ctx;
    if (filter_set_count(f->set) == 0 && f->top == 0)
        return true;
    if (f->counting && filters_generation(f) != f->stamped_gen) {
        f->stamped_gen = filters_generation(f); /* the rules changed: count anew */
        f->stamp++;
        f->hidden = 0;
    }
    bool pass = filter_set_pass(f->set, ev, &f->env);
    if (pass && f->top) {
        size_t every = talkers_count(f->talk);
        if (++f->since_rank >= (every > RANK_EVERY_MIN ? every : RANK_EVERY_MIN)) {
            talkers_rank(f->talk, f->top);
            f->since_rank = 0;
            f->rankings++;
            f->stamped_gen = filters_generation(f);
        }
        bool ts = talkers_is_top(f->talk, &ev->src), td = talkers_is_top(f->talk, &ev->dst);
        pass = ts || td;
        ev->flags |= (ts ? 0 : EVENT_NO_SRC) | (td ? 0 : EVENT_NO_DST);
    }
    if (f->counting) {
        stamp(f, &ev->src, pass && !(ev->flags & EVENT_NO_SRC));
        stamp(f, &ev->dst, pass && !(ev->flags & EVENT_NO_DST));
    }
    return pass;
}

void filters_attach(struct filters *f, struct feed *feed)
{
    if (f->counting) /* fixed once the rules are first read */
        feed_add_stage(feed, &(struct feed_stage){count_stage, f});
    feed_add_stage(feed, &(struct feed_stage){filter_stage, f});
}

uint64_t filters_generation(const struct filters *f)
{
    return filter_set_generation(f->set) + f->rankings; /* both only grow */
}

bool filters_keep(void *ctx, const struct event *ev, const struct addr *host)
{
    struct filters *f = ctx;
    if (!filter_set_pass(f->set, ev, &f->env))
        return false;
    if (!f->top)
        return true;
    if (host)
        return talkers_is_top(f->talk, host);
    return talkers_is_top(f->talk, &ev->src) || talkers_is_top(f->talk, &ev->dst);
}

void filters_poll(struct filters *f)
{
    int64_t now = pipeline_wall_ns();
    if (!f->file || now < f->next_poll)
        return;
    f->next_poll = now + 500000000;
    struct stat st;
    bool exists = stat(f->file, &st) == 0;
    if (exists ? st.st_mtim.tv_sec == f->mtime.tv_sec &&
                     st.st_mtim.tv_nsec == f->mtime.tv_nsec && st.st_size == f->size
               : f->size < 0)
        return;
    char err[400];
    remember_file(f);
    if (!filter_set_load(f->set, f->file, err, sizeof(err))) {
        snprintf(f->problem, sizeof(f->problem), "%.300s (the last good filters stay)", err);
        if (!f->quiet)
            fprintf(stderr, "flowswarm: %s\n", f->problem);
        return;
    }
    f->problem[0] = 0;
}

/* After a change in the window: the file follows. */
static bool changed(struct filters *f, char *msg, size_t len)
{
    msg[0] = 0;
    if (!f->file)
        return true;
    if (!filter_set_save(f->set, f->file, msg, len))
        return true; /* the change stands; msg says the file did not follow */
    remember_file(f);
    f->problem[0] = 0;
    return true;
}

static bool add_rule(struct filters *f, enum filter_verb v, const char *expr, char *msg,
                     size_t len)
{
    if (!filter_set_add(f->set, v, expr, msg, len))
        return false;
    return changed(f, msg, len);
}

bool filters_hide_host(struct filters *f, const struct addr *host, char *msg, size_t len)
{
    char a[64], expr[80];
    snprintf(expr, sizeof(expr), "host %s", addr_format(host, a, sizeof(a)));
    return add_rule(f, FILTER_HIDE, expr, msg, len);
}

bool filters_solo_host(struct filters *f, const struct addr *host, char *msg, size_t len)
{
    char a[64], expr[80];
    snprintf(expr, sizeof(expr), "host %s", addr_format(host, a, sizeof(a)));
    return add_rule(f, FILTER_ONLY, expr, msg, len);
}

bool filters_add_line(struct filters *f, const char *line, char *msg, size_t len)
{
    if (!filter_set_add_line(f->set, line, msg, len))
        return false;
    bool ok = changed(f, msg, len);
    if (!msg[0] && filter_set_uses_names(f->set))
        snprintf(msg, len, "'name ~' matches nothing yet: host names are not learnt yet");
    return ok;
}

bool filters_undo(struct filters *f, char *msg, size_t len)
{
    if (!filter_set_undo(f->set)) {
        snprintf(msg, len, "nothing to undo");
        return false;
    }
    return changed(f, msg, len);
}

bool filters_clear(struct filters *f, char *msg, size_t len)
{
    bool any = filter_set_clear(f->set);
    bool cap = f->top != 0;
    f->top = 0;
    f->rankings += cap;
    if (!any && !cap) {
        snprintf(msg, len, "no filters to clear");
        return false;
    }
    return changed(f, msg, len);
}

unsigned filters_cycle_top(struct filters *f)
{
    f->top = f->top == 0 ? 10 : f->top < 100 ? 100 : f->top < 1000 ? 1000 : 0;
    talkers_rank(f->talk, f->top);
    f->since_rank = 0;
    f->rankings++;
    return f->top;
}

void filters_describe(const struct filters *f, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = 0;
    for (size_t i = 0; i < filter_set_count(f->set) && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%s %s", at ? " \xc2\xb7 " : "",
                               filter_set_verb(f->set, i) == FILTER_HIDE ? "hide" : "only",
                               filter_text(filter_set_expr(f->set, i)));
    if (f->top && at < len)
        snprintf(buf + at, len - at, "%stop %u", at ? " \xc2\xb7 " : "", f->top);
}

uint64_t filters_hidden(const struct filters *f)
{
    return filter_set_count(f->set) || f->top ? f->hidden : 0;
}

const char *filters_problem(const struct filters *f)
{
    return f->problem;
}

const struct talkers *filters_talkers(const struct filters *f)
{
    return f->talk;
}

struct filters_mark {
    struct talkers *talk;
    uint64_t since_rank;
};

struct filters_mark *filters_mark(const struct filters *f)
{
    struct filters_mark *m = xcalloc(1, sizeof(*m));
    m->talk = talkers_copy(f->talk);
    m->since_rank = f->since_rank;
    return m;
}

void filters_rewind(struct filters *f, const struct filters_mark *m)
{
    talkers_destroy(f->talk);
    f->talk = talkers_copy(m->talk);
    f->since_rank = m->since_rank;
    talkers_rank(f->talk, f->top); /* the cap as it is now */
    f->rankings++;
    f->hidden = 0;
    f->stamp++;
}

void filters_mark_free(struct filters_mark *m)
{
    if (!m)
        return;
    talkers_destroy(m->talk);
    free(m);
}
