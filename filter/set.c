/* The rules in force and their history. The history keeps each earlier
 * state as its file text, so undo is a reload of that text. */
#include "filter/set.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xalloc.h"

enum { HISTORY_MAX = 64 };

struct rule {
    enum filter_verb verb;
    struct filter_expr *e;
};

struct filter_set {
    struct rule *rules;
    size_t n, cap;
    char *history[HISTORY_MAX]; /* earlier states, oldest first */
    size_t nhistory;
    uint64_t generation;
};

struct filter_set *filter_set_create(void)
{
    return xcalloc(1, sizeof(struct filter_set));
}

static void drop_rules(struct filter_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        filter_free(s->rules[i].e);
    s->n = 0;
}

void filter_set_destroy(struct filter_set *s)
{
    if (!s)
        return;
    drop_rules(s);
    free(s->rules);
    for (size_t i = 0; i < s->nhistory; i++)
        free(s->history[i]);
    free(s);
}

static const char *verb_word(enum filter_verb v)
{
    return v == FILTER_HIDE ? "hide" : "only";
}

/* The rules as the file holds them, one per line. */
static char *to_text(const struct filter_set *s)
{
    size_t len = 1;
    for (size_t i = 0; i < s->n; i++)
        len += strlen(filter_text(s->rules[i].e)) + 6;
    char *t = xmalloc(len), *p = t;
    *p = 0;
    for (size_t i = 0; i < s->n; i++)
        p += sprintf(p, "%s %s\n", verb_word(s->rules[i].verb), filter_text(s->rules[i].e));
    return t;
}

static void remember(struct filter_set *s)
{
    if (s->nhistory == HISTORY_MAX) {
        free(s->history[0]);
        memmove(s->history, s->history + 1, (HISTORY_MAX - 1) * sizeof(s->history[0]));
        s->nhistory--;
    }
    s->history[s->nhistory++] = to_text(s);
}

static void append(struct filter_set *s, enum filter_verb verb, struct filter_expr *e)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->rules = xreallocarray(s->rules, s->cap, sizeof(*s->rules));
    }
    s->rules[s->n++] = (struct rule){verb, e};
}

static struct filter_expr *parse(const char *expr, char *err, size_t errlen)
{
    struct filter_error fe;
    struct filter_expr *e = filter_parse(expr, &fe);
    if (!e)
        filter_error_format(expr, &fe, err, errlen);
    return e;
}

bool filter_set_add(struct filter_set *s, enum filter_verb verb, const char *expr,
                    char *err, size_t errlen)
{
    struct filter_expr *e = parse(expr, err, errlen);
    if (!e)
        return false;
    remember(s);
    append(s, verb, e);
    s->generation++;
    return true;
}

/* Splits "hide EXPR" into its verb and expression; a line with no verb
 * is an 'only' rule. */
static const char *split_verb(const char *line, enum filter_verb *verb)
{
    while (isspace((unsigned char)*line))
        line++;
    *verb = FILTER_ONLY;
    for (int v = FILTER_HIDE; v <= FILTER_ONLY; v++) {
        const char *w = verb_word((enum filter_verb)v);
        if (strncasecmp(line, w, 4) == 0 && (isspace((unsigned char)line[4]) || !line[4])) {
            *verb = (enum filter_verb)v;
            line += 4;
            while (isspace((unsigned char)*line))
                line++;
            break;
        }
    }
    return line;
}

bool filter_set_add_line(struct filter_set *s, const char *line, char *err, size_t errlen)
{
    enum filter_verb verb;
    const char *expr = split_verb(line, &verb);
    return filter_set_add(s, verb, expr, err, errlen);
}

bool filter_set_clear(struct filter_set *s)
{
    if (s->n == 0)
        return false;
    remember(s);
    drop_rules(s);
    s->generation++;
    return true;
}

/* The rules of text, one per line, in place of the current ones. False
 * with err set ("NAME:LINE: ...") and nothing changed. */
static bool replace(struct filter_set *s, const char *text, const char *name,
                    bool undoable, char *err, size_t errlen)
{
    struct filter_set tmp = {0};
    unsigned lineno = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xmalloc(len + 1);
        memcpy(line, p, len);
        line[len] = 0;
        p += len + (nl ? 1 : 0);
        lineno++;
        char *end = line + len;
        while (end > line && isspace((unsigned char)end[-1]))
            *--end = 0;
        const char *q = line;
        while (isspace((unsigned char)*q))
            q++;
        if (*q && *q != '#') {
            enum filter_verb verb;
            const char *expr = split_verb(q, &verb);
            char why[400];
            struct filter_expr *e = parse(expr, why, sizeof(why));
            if (!e) {
                snprintf(err, errlen, "%s:%u: %s", name, lineno, why);
                free(line);
                drop_rules(&tmp);
                free(tmp.rules);
                return false;
            }
            append(&tmp, verb, e);
        }
        free(line);
    }
    char *was = to_text(s), *now = to_text(&tmp);
    bool same = strcmp(was, now) == 0;
    free(was);
    free(now);
    if (same) { /* a file saved from these very rules, say */
        drop_rules(&tmp);
        free(tmp.rules);
        return true;
    }
    if (undoable)
        remember(s);
    drop_rules(s);
    free(s->rules);
    s->rules = tmp.rules;
    s->n = tmp.n;
    s->cap = tmp.cap;
    s->generation++;
    return true;
}

bool filter_set_undo(struct filter_set *s)
{
    if (s->nhistory == 0)
        return false;
    char *text = s->history[--s->nhistory];
    char err[8];
    bool ok = replace(s, text, "history", false, err, sizeof(err)); /* it parsed before */
    free(text);
    return ok;
}

bool filter_set_load(struct filter_set *s, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f && errno == ENOENT) {
        if (s->n)
            filter_set_clear(s);
        return true;
    }
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    size_t cap = 4096, n = 0;
    char *text = xmalloc(cap);
    for (size_t got; (got = fread(text + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (n + 1 == cap)
            text = xreallocarray(text, cap *= 2, 1);
    }
    bool bad = ferror(f);
    fclose(f);
    text[n] = 0;
    if (bad) {
        snprintf(err, errlen, "%s: cannot be read", path);
        free(text);
        return false;
    }
    /* the state before the load is one undo away */
    bool ok = replace(s, text, path, true, err, errlen);
    free(text);
    return ok;
}

bool filter_set_save(const struct filter_set *s, const char *path, char *err,
                     size_t errlen)
{
    size_t n = strlen(path) + 8;
    char *tmp = xmalloc(n);
    snprintf(tmp, n, "%s.new", path);
    FILE *f = fopen(tmp, "w");
    char *text = to_text(s);
    bool ok = f && fputs("# flowswarm filters: one 'hide EXPR' or 'only EXPR' per line\n",
                         f) >= 0 && fputs(text, f) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        snprintf(err, errlen, "%s: cannot write the filters: %s", path, strerror(errno));
        remove(tmp);
    }
    free(text);
    free(tmp);
    return ok;
}

bool filter_set_pass(const struct filter_set *s, const struct event *ev,
                     const struct filter_env *env)
{
    for (size_t i = 0; i < s->n; i++)
        if (filter_match(s->rules[i].e, ev, env) != (s->rules[i].verb == FILTER_ONLY))
            return false;
    return true;
}

size_t filter_set_count(const struct filter_set *s)
{
    return s->n;
}

enum filter_verb filter_set_verb(const struct filter_set *s, size_t i)
{
    return s->rules[i].verb;
}

const struct filter_expr *filter_set_expr(const struct filter_set *s, size_t i)
{
    return s->rules[i].e;
}

uint64_t filter_set_generation(const struct filter_set *s)
{
    return s->generation;
}

bool filter_set_uses_names(const struct filter_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (filter_uses_names(s->rules[i].e))
            return true;
    return false;
}

bool filter_set_uses_bytes(const struct filter_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (filter_uses_bytes(s->rules[i].e))
            return true;
    return false;
}
