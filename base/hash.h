/* One 64-bit mixer for the hash tables that key on addresses, ports and
 * names: MurmurHash3's finalizer, which spreads every input bit over the
 * whole word, so a table may take any bits of it. */
#ifndef FLOWSWARM_HASH_H
#define FLOWSWARM_HASH_H

#include <stdint.h>

static inline uint64_t hash_mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

#endif
