#include "base/units.h"

#include <stdio.h>

void units_bytes(uint64_t v, char *buf, size_t len)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double x = (double)v;
    int k = 0;
    while (x >= 1000 && k < 5) {
        x /= 1000;
        k++;
    }
    snprintf(buf, len, k ? "%.1f %s" : "%.0f %s", x, units[k]);
}
