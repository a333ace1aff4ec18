/* pcap and pcapng files read through libpcap, keeping nanosecond times. */
#ifndef FLOWSWARM_PCAPFILE_H
#define FLOWSWARM_PCAPFILE_H

#include <stdio.h>

#include "ingest/source.h"

/* Takes ownership of fp (positioned at the file's first byte; seekable
 * or not); pcapng says which of the two formats its magic named; filter
 * is a BPF expression or NULL. On failure fp is closed and err holds one line naming name. */
void *pcapfile_open(FILE *fp, const char *name, bool pcapng, const char *filter,
                    char *err, size_t errlen);

extern const struct source_ops pcapfile_ops;

#endif
