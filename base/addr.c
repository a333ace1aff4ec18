/* Printing and reading addresses. */
#include "base/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *addr_format(const struct addr *a, char *buf, unsigned len)
{
    if (!inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->b, buf, len))
        snprintf(buf, len, "?");
    return buf;
}

bool addr_from_reverse(const char *s, struct addr *a)
{
    size_t n = strlen(s);
    memset(a, 0, sizeof(*a));
    if (n > 13 && strcasecmp(s + n - 13, ".in-addr.arpa") == 0) {
        unsigned v = 0, digits = 0, k = 0;
        for (size_t i = 0; i <= n - 13; i++) {
            char ch = i < n - 13 ? s[i] : '.';
            if (ch >= '0' && ch <= '9' && digits < 3) {
                v = v * 10 + (unsigned)(ch - '0');
                digits++;
            } else if (ch == '.' && digits && v <= 255 && k < 4) {
                a->b[3 - k++] = (uint8_t)v;
                v = digits = 0;
            } else {
                return false;
            }
        }
        a->family = 4;
        return k == 4;
    }
    if (n == 72 && strcasecmp(s + 63, ".ip6.arpa") == 0) {
        for (int i = 0; i < 32; i++) {
            char c = s[62 - 2 * i];
            int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
            if (d < 0 || s[63 - 2 * i] != '.')
                return false;
            a->b[i / 2] |= (uint8_t)(i % 2 ? d : d << 4);
        }
        a->family = 6;
        return true;
    }
    return false;
}

bool addr_parse(const char *s, struct addr *a)
{
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, s, a->b) == 1) {
        a->family = 4;
        return true;
    }
    if (inet_pton(AF_INET6, s, a->b) == 1) {
        a->family = 6;
        return true;
    }
    return false;
}
