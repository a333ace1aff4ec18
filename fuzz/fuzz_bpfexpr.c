/* libFuzzer target: the trailing expression. The first byte gives the
 * expression's length; it is compiled for flow records (placing any
 * syntax error on a word of it), and the rest of the input is read as
 * records (48 bytes each) that the compiled filter is run on. A failure
 * must say why in a message that names the expression. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/expressions.h"
#include "ingest/bpfexpr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t at;
    char *expr = fuzz_expression(data, size, &at);
    if (!expr)
        return 0;
    char err[1024] = "";
    struct bpfexpr *b = bpfexpr_create(expr, "fuzz", err, sizeof(err));
    if (!b) {
        if (!strstr(err, "fuzz: ") || !err[6])
            abort(); /* every refusal names the input and says why */
    } else {
        struct event ev;
        for (size_t off = at; off + RECORD <= size; off += RECORD) {
            fuzz_record(data + off, &ev);
            bpfexpr_match(b, &ev);
        }
        bpfexpr_destroy(b);
    }
    free(expr);
    return 0;
}
