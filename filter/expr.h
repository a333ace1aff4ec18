/* One filter language over events and hosts, used on the command line
 * (--hide, --only, --filters) and in the window's prompt.
 *
 * tcpdump's primitives, with tcpdump's meaning: host, net (CIDR, a
 * partial address such as '10.1', or 'mask M'), port, portrange, proto,
 * tcp, udp, sctp, icmp, icmp6, ip, ip6; the src and dst qualifiers (and
 * 'src or dst', 'src and dst'); and, or, not (&&, ||, !) and parentheses.
 * As in tcpdump, 'not' binds tightest while 'and' and 'or' have equal
 * precedence, left to right; a bare value after and/or takes the
 * keywords before it ('port 80 or 443').
 *
 * flowswarm's own primitives:
 *   service NAME      the event's service is NAME (https, domain, ssh...)
 *   class NAME        the service's class (web, dns, mail, file, remote,
 *                     db, dir, netmgmt, media, icmp, other)
 *   [src|dst] name ~ REGEX   a DNS name of an endpoint matches the
 *                     extended regular expression (case ignored); names
 *                     come from the environment, and with none known it
 *                     matches nothing
 *   [src|dst] bytes OP N     an endpoint's total octets so far; OP is one
 *                     of > >= < <= = !=, N may end in k, M or G (powers of
 *                     1000)
 *
 * The language is parsed here rather than by libpcap because one
 * expression mixes tcpdump's primitives with these, every error has to
 * point at its word, and an event is matched in a few nanoseconds without
 * building a packet. The tests hold it to libpcap's own compiler, event
 * by event, on the primitives the two share. */
#ifndef FLOWSWARM_FILTER_EXPR_H
#define FLOWSWARM_FILTER_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

/* What a primitive about a host's history asks: answered by whoever keeps
 * that history. A NULL function answers 0 or no name. */
struct filter_env {
    uint64_t (*bytes)(void *ctx, const struct addr *a); /* octets so far */
    const char *(*name)(void *ctx, const struct addr *a); /* or NULL */
    void *ctx;
};

/* Where and why an expression is wrong. */
struct filter_error {
    size_t pos, len; /* the word at fault: byte offset and length */
    char why[160];
};

struct filter_expr;

/* Parses text. NULL with err filled on a bad expression. Free with
 * filter_free(). */
struct filter_expr *filter_parse(const char *text, struct filter_error *err);
void filter_free(struct filter_expr *e);

/* "bad filter 'TEXT': WHY at 'WORD' (character N)" in buf. */
void filter_error_format(const char *text, const struct filter_error *err, char *buf,
                         size_t len);

/* Whether ev matches. env may be NULL. */
bool filter_match(const struct filter_expr *e, const struct event *ev,
                  const struct filter_env *env);

/* Whether the expression asks for names or byte totals (and so needs an
 * environment that knows them). */
bool filter_uses_names(const struct filter_expr *e);
bool filter_uses_bytes(const struct filter_expr *e);

/* The expression as it was given. */
const char *filter_text(const struct filter_expr *e);

#endif
