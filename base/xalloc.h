/* Allocation that never returns NULL: running out of memory aborts with a
 * message, so no caller pretends to continue. Shared by every module. */
#ifndef FLOWSWARM_XALLOC_H
#define FLOWSWARM_XALLOC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void *xalloc_check(void *p, size_t n)
{
    if (!p && n) {
        fprintf(stderr, "flowswarm: out of memory (%zu bytes)\n", n);
        abort();
    }
    return p;
}

/* Zeroed array of n elements of size sz; free with free(). */
static inline void *xcalloc(size_t n, size_t sz)
{
    if (sz && n > (size_t)-1 / sz)
        return xalloc_check(NULL, (size_t)-1);
    return xalloc_check(calloc(n ? n : 1, sz ? sz : 1), n * sz);
}

static inline void *xmalloc(size_t n)
{
    return xalloc_check(malloc(n ? n : 1), n);
}

/* Resize p to n elements of size sz; the old pointer is no longer valid. */
static inline void *xreallocarray(void *p, size_t n, size_t sz)
{
    if (sz && n > (size_t)-1 / sz)
        return xalloc_check(NULL, (size_t)-1);
    size_t bytes = n * sz;
    return xalloc_check(realloc(p, bytes ? bytes : 1), bytes);
}

/* A copy of the string s; free with free(). */
static inline char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

#endif
