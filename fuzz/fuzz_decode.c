/* libFuzzer target: packet decode. The first byte picks the link type,
 * the rest is the captured frame; decode must never read outside it. */
#include <stdlib.h>
#include <string.h>

#include "ingest/decode.h"

static const int linktypes[] = {0, 1, 9, 12, 14, 105, 108, 113, 127, 228, 229, 276};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int dlt = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
    /* an exact-size copy, so any overread lands outside the allocation */
    size_t n = size - 1;
    uint8_t *pkt = malloc(n ? n : 1);
    memcpy(pkt, data + 1, n);
    struct event ev;
    enum decode_status st = decode_packet(dlt, pkt, (uint32_t)n, (uint32_t)n + 4, &ev);
    if (st == DECODE_OK && ev.src.family != 4 && ev.src.family != 6)
        abort(); /* a decoded event always has an address family */
    free(pkt);
    return 0;
}
