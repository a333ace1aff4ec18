/* Figures as people read them. */
#ifndef FLOWSWARM_UNITS_H
#define FLOWSWARM_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "1.2 MB": octets with an SI prefix, one decimal past the kilo. */
void units_bytes(uint64_t v, char *buf, size_t len);

#endif
