/* libFuzzer target: a whole pcap or pcapng file from memory, through the
 * same source path as -r (sniffing, libpcap, decode). */
#include <stdio.h>

#include "ingest/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *fp = fmemopen((void *)data, size, "rb");
    if (!fp)
        return 0;
    char err[512];
    struct source *s = source_open_stream(fp, "fuzz", NULL, err, sizeof(err));
    if (!s)
        return 0;
    struct event ev;
    for (int i = 0; i < 100000 && source_next(s, &ev); i++)
        ;
    source_destroy(s);
    return 0;
}
