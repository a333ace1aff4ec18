/* Swarm step rate and memory at scale: HOSTS live endpoints spread over
 * HUBS services, kept busy by a steady trickle of events, stepped at a
 * fixed 1/60 s on one core. Prints steps per second, the resident memory
 * of the process and the memory per host.
 * usage: bench_swarm [HOSTS] [HUBS] [STEPS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "swarm/swarm.h"

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = atol(line + 6);
    if (f)
        fclose(f);
    return kb;
}

int main(int argc, char **argv)
{
    uint32_t hosts = argc > 1 ? (uint32_t)atol(argv[1]) : 100000;
    uint32_t hubs = argc > 2 ? (uint32_t)atol(argv[2]) : 1000;
    int steps = argc > 3 ? atoi(argv[3]) : 300;
    long rss0 = rss_kb();
    struct swarm *s = swarm_create(&(struct swarm_opts){.max_hosts = hosts + 16,
                                                        .max_hubs = hubs + 16,
                                                        .idle_s = 1e6f});
    /* every host talks to one service port, a few to two */
    unsigned seed = 7;
    for (uint32_t h = 0; h < hosts; h++) {
        seed = seed * 1103515245u + 12345u;
        uint16_t port = (uint16_t)(1000 + (seed >> 8) % hubs);
        struct event e = bench_event(h, port, 100 + (seed >> 4) % 1400, 0);
        swarm_add_event(s, &e);
    }
    /* let the layout settle a little before timing */
    for (int i = 0; i < 30; i++)
        swarm_step(s, 0, 1.0f / 60);
    struct swarm_stats st;
    swarm_get_stats(s, &st);
    double t0 = now();
    for (int i = 0; i < steps; i++) {
        for (int k = 0; k < 1000; k++) { /* 60 k events/s of animation */
            seed = seed * 1103515245u + 12345u;
            uint32_t h = (seed >> 4) % hosts;
            struct event e = bench_event(h, (uint16_t)(1000 + h % hubs), 500, 0);
            swarm_add_event(s, &e);
        }
        swarm_step(s, 0, 1.0f / 60);
    }
    double t = now() - t0;
    long rss = rss_kb();
    printf("%u hosts, %u hubs live; %d steps in %.2f s: %.1f steps/s (%.2f ms a step)\n",
           st.hosts, st.hubs, steps, t, steps / t, t * 1000 / steps);
    printf("RSS %.1f MB (%.1f MB before the swarm), %.0f bytes per host\n", rss / 1024.0,
           rss0 / 1024.0, (rss - rss0) * 1024.0 / st.hosts);
    swarm_destroy(s);
    return 0;
}
