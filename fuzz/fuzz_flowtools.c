/* libFuzzer target: a flow-tools file from memory, compressed or not,
 * read straight through the flow-tools reader (the magic is forced, so
 * mutations explore the header and records rather than the sniffing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size + 2);
    copy[0] = 0xcf;
    copy[1] = 0x10;
    memcpy(copy + 2, data, size);
    FILE *fp = fmemopen(copy, size + 2, "rb");
    if (!fp) {
        free(copy);
        return 0;
    }
    char err[512];
    struct source *s = source_open_stream(fp, "fuzz", NULL, err, sizeof(err));
    if (s) {
        struct event ev;
        for (int i = 0; i < 1000000 && source_next(s, &ev); i++)
            ;
        source_destroy(s);
    }
    free(copy);
    return 0;
}
