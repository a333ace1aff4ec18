/* pcap and pcapng files read through libpcap, keeping nanosecond times:
 * two rows of the source table. */
#ifndef FLOWSWARM_PCAPFILE_H
#define FLOWSWARM_PCAPFILE_H

#include "ingest/source.h"

extern const struct source_kind pcapfile_kind, pcapngfile_kind;

#endif
