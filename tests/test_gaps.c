/* Idle gaps: found in order, split and trimmed by late events, and only
 * those longer than the threshold kept. */
#include "check.h"
#include "timeline/gaps.h"

#define S INT64_C(1000000000)

int main(void)
{
    struct gaps g;
    gaps_init(&g, 5 * S);
    gaps_add(&g, 0, 0);
    gaps_add(&g, 2 * S, 2 * S);      /* 2 s: not a gap */
    gaps_add(&g, 20 * S, 30 * S);    /* a flow: gap 2..20 */
    gaps_add(&g, 31 * S, 31 * S);
    gaps_add(&g, 100 * S, 100 * S);  /* gap 31..100 */
    CHECK(g.n == 2);
    CHECK(g.v[0].from_ns == 2 * S && g.v[0].to_ns == 20 * S);
    CHECK(g.v[1].from_ns == 31 * S && g.v[1].to_ns == 100 * S);
    gaps_add(&g, 60 * S, 61 * S);    /* late: splits 31..100 */
    CHECK(g.n == 3);
    CHECK(g.v[1].from_ns == 31 * S && g.v[1].to_ns == 60 * S);
    CHECK(g.v[2].from_ns == 61 * S && g.v[2].to_ns == 100 * S);
    gaps_add(&g, 4 * S, 17 * S);     /* leaves 2..4 and 17..20: both too short */
    CHECK(g.n == 2 && g.v[0].from_ns == 31 * S);
    gaps_add(&g, 25 * S, 97 * S);    /* covers 31..60 and most of 61..100 */
    CHECK(g.n == 0);
    gaps_add(&g, 200 * S, 200 * S);
    CHECK(g.n == 1 && g.v[0].from_ns == 100 * S && g.v[0].to_ns == 200 * S);
    gaps_add(&g, 150 * S, 150 * S);  /* two halves of 50 s */
    CHECK(g.n == 2 && g.v[0].to_ns == 150 * S && g.v[1].from_ns == 150 * S);
    gaps_free(&g);
    return check_done("gaps");
}
