/* Printing addresses. */
#include "base/addr.h"

#include <arpa/inet.h>
#include <stdio.h>

const char *addr_format(const struct addr *a, char *buf, unsigned len)
{
    if (!inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->b, buf, len))
        snprintf(buf, len, "?");
    return buf;
}
