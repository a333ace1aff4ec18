/* A minimal check harness for the C tests: CHECK records a failure with
 * its place and goes on; check_done() prints the tally and gives the exit
 * status (77 tells ctest the test was skipped). */
#ifndef FLOWSWARM_CHECK_H
#define FLOWSWARM_CHECK_H

#include <stdio.h>

static int check_failures, check_count;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        check_count++;                                                                   \
        if (!(cond)) {                                                                   \
            check_failures++;                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
        }                                                                                \
    } while (0)

#define CHECK_EQ_U(a, b)                                                                 \
    do {                                                                                 \
        unsigned long long va_ = (unsigned long long)(a), vb_ = (unsigned long long)(b); \
        check_count++;                                                                   \
        if (va_ != vb_) {                                                                \
            check_failures++;                                                            \
            fprintf(stderr, "%s:%d: %s == %llu, expected %s == %llu\n", __FILE__,        \
                    __LINE__, #a, va_, #b, vb_);                                         \
        }                                                                                \
    } while (0)

static inline int check_done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif
