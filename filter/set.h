/* The filters in force: 'hide EXPR' and 'only EXPR' rules, with the
 * history that undo walks back, and the file form (one rule per line)
 * that --filters reads and the window writes back.
 *
 * An event shows when it matches every 'only' rule and no 'hide' rule. */
#ifndef FLOWSWARM_FILTER_SET_H
#define FLOWSWARM_FILTER_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter/expr.h"

enum filter_verb { FILTER_HIDE, FILTER_ONLY };

struct filter_set;

struct filter_set *filter_set_create(void);
void filter_set_destroy(struct filter_set *s);

/* Adds a rule. False with one line in err (the expression's error, with
 * its position) and the set unchanged. */
bool filter_set_add(struct filter_set *s, enum filter_verb verb, const char *expr,
                    char *err, size_t errlen);

/* Adds a rule written as in the file: "hide EXPR" or "only EXPR"; a line
 * with neither word is an 'only' rule, so that a bare expression typed
 * in the window shows what it names. */
bool filter_set_add_line(struct filter_set *s, const char *line, char *err, size_t errlen);

/* Drops every rule. False when there was none. */
bool filter_set_clear(struct filter_set *s);

/* Goes back to the rules before the last change (add, clear, load).
 * False when there is nothing to undo. */
bool filter_set_undo(struct filter_set *s);

/* Replaces the rules with those of a file: one rule per line, '#'
 * comments and blank lines skipped. On a bad line, false with
 * "FILE:LINE: ..." in err and the rules unchanged. A file that does not
 * exist holds no rules. */
bool filter_set_load(struct filter_set *s, const char *path, char *err, size_t errlen);

/* Writes the rules to path (through a temporary file and a rename, so a
 * reader never sees half of it). False with err set. */
bool filter_set_save(const struct filter_set *s, const char *path, char *err,
                     size_t errlen);

/* Whether ev shows. */
bool filter_set_pass(const struct filter_set *s, const struct event *ev,
                     const struct filter_env *env);

size_t filter_set_count(const struct filter_set *s);
enum filter_verb filter_set_verb(const struct filter_set *s, size_t i);
const struct filter_expr *filter_set_expr(const struct filter_set *s, size_t i);

/* Changes with every change of the rules, from 0. */
uint64_t filter_set_generation(const struct filter_set *s);

/* Whether some rule asks for names, or for byte totals. */
bool filter_set_uses_names(const struct filter_set *s);
bool filter_set_uses_bytes(const struct filter_set *s);

#endif
