/* Live capture from a network interface through libpcap, in immediate
 * mode and never blocking: a live row of the source table ("interface").
 * Listing the interfaces (-D) lives here too. */
#ifndef FLOWSWARM_PCAPLIVE_H
#define FLOWSWARM_PCAPLIVE_H

#include <stdbool.h>
#include <stdio.h>

#include "ingest/source.h"

extern const struct source_kind pcaplive_kind;

/* Prints the interfaces libpcap can capture on, one a line, numbered as
 * tcpdump -D numbers them, with their description and state. False with
 * one line in err when none can be listed. */
bool pcaplive_list(FILE *out, char *err, size_t errlen);

#endif
