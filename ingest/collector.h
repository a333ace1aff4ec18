/* The flow collector (--collect [ADDR:]PORT): NetFlow v5, v9, IPFIX and
 * sFlow v5 over UDP, a live row of the source table ("collector"). It binds
 * 127.0.0.1 unless an address is given. */
#ifndef FLOWSWARM_COLLECTOR_H
#define FLOWSWARM_COLLECTOR_H

#include "ingest/source.h"

extern const struct source_kind collector_kind;

#endif
