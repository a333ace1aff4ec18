/* IP addresses as every stage holds them: IPv4 or IPv6 in one plain
 * struct, compared and printed the same way everywhere. */
#ifndef FLOWSWARM_ADDR_H
#define FLOWSWARM_ADDR_H

#include <stdbool.h>
#include <stdint.h>

/* An IP address; IPv4 uses the first 4 bytes of b, the rest are zero. */
struct addr {
    uint8_t family; /* 4 or 6; 0: not known (a flow aggregate without it) */
    uint8_t b[16];
};

/* Text form of an address (inet_ntop); buf needs 46 bytes. A family of 0
 * (a side a record does not name) reads as 0.0.0.0. */
const char *addr_format(const struct addr *a, char *buf, unsigned len);

/* The address a reverse-lookup name spells: "4.3.2.1.in-addr.arpa", or
 * ip6.arpa's 32 nibbles. False for any other name. */
bool addr_from_reverse(const char *name, struct addr *a);

/* An address in text (inet_pton's forms); false when it is not one. */
bool addr_parse(const char *s, struct addr *a);

static inline bool addr_equal(const struct addr *a, const struct addr *b)
{
    if (a->family != b->family)
        return false;
    for (int i = 0; i < 16; i++)
        if (a->b[i] != b->b[i])
            return false;
    return true;
}

#endif
