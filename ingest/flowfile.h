/* flow-tools files (flow-capture, flow-cat, flow-gen ...): stream
 * versions 1 and 3, either byte order, compressed or not, NetFlow records
 * v1, v5, v6, v7, v1005 and the v8.x aggregations. */
#ifndef FLOWSWARM_FLOWFILE_H
#define FLOWSWARM_FLOWFILE_H

#include <stdio.h>

#include "ingest/source.h"

/* Takes ownership of fp (positioned at the file's first byte). Reads and
 * checks the header; on failure fp is closed and err holds one line
 * naming the file and the offset. */
void *flowfile_open(FILE *fp, const char *name, char *err, size_t errlen);

extern const struct source_ops flowfile_ops;

#endif
