/* Names from DNS servers' logs and hosts files, for input that carries
 * no payload (flow records): one line at a time, in any of these forms,
 * told apart line by line (a syslog file mixes them):
 * - dnsmasq's log-queries: "reply NAME is ADDRESS" (also "cached",
 *   "config" and a hosts file's path before NAME), following "is <CNAME>"
 *   lines back to the name asked for;
 * - Zeek's dns.log, TSV (driven by its #fields, #separator,
 *   #set_separator, #empty_field and #unset_field header) or JSON: each
 *   address among a query's answers gets the query's name;
 * - resource records, as a zone file, dig, or unbound's cache dump
 *   ("unbound-control dump_cache") and local-data lines write them:
 *   "NAME [TTL] [IN] A|AAAA|CNAME|PTR VALUE", CNAMEs followed back;
 * - a hosts file: "ADDRESS NAME [ALIAS...]". */
#ifndef FLOWSWARM_NAMELOG_H
#define FLOWSWARM_NAMELOG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/addr.h"

/* One file's reading state (its Zeek header, a CNAME chain under way). */
struct namelog;

struct namelog *namelog_create(void);
void namelog_destroy(struct namelog *l);

typedef void (*namelog_found_fn)(void *ctx, const struct addr *a, const char *name,
                                 size_t len);

/* Reads one line (without its newline): found() for each name it gives.
 * Returns the names found, or -1 for a line of no known form (blank
 * lines, comments and lines that name nothing return 0). */
int namelog_line(struct namelog *l, const char *line, size_t len, namelog_found_fn found,
                 void *ctx);

#endif
