/* flow-tools files (flow-capture, flow-cat, flow-gen ...): stream
 * versions 1 and 3, either byte order, compressed or not, NetFlow records
 * v1, v5, v6, v7, v1005 and the v8.x aggregations. A row of the source
 * table; the trailing filter applies through the source layer. */
#ifndef FLOWSWARM_FLOWFILE_H
#define FLOWSWARM_FLOWFILE_H

#include "ingest/source.h"

extern const struct source_kind flowfile_kind;

#endif
