/* Subnet clouds: past a number of live hosts, the quiet ones (all but
 * the busiest few hundred, the scanners and what a filter hides) merge
 * into one cloud per subnet. A formed cloud is one body, moved by the
 * mean pull of its members' ties and pushed off the clouds it overlaps;
 * its members take places in an even pattern around its centre and out
 * of the crowd's push, so a subnet gathers where its traffic goes, costs
 * little, and splits back into its hosts where they stand. Inside the
 * swarm: swarm.c calls it on every step. */
#ifndef FLOWSWARM_CLOUD_H
#define FLOWSWARM_CLOUD_H

#include <stdint.h>

#include "swarm/swarm.h"

struct clouds;

struct clouds *clouds_create(const struct swarm_opts *o);
void clouds_destroy(struct clouds *c);
struct clouds *clouds_dup(const struct clouds *c);

/* Who is in a cloud from this step on: hosts[0, nused) with nlive of
 * them live. Hosts join and leave through their cloud field. */
void clouds_update(struct clouds *c, struct swarm_host *hosts, uint32_t nused,
                   uint32_t nlive);

/* A host leaves its cloud (it is released, or busy again). */
void clouds_leave(struct clouds *c, struct swarm_host *h);

/* Whether h is held in its cloud's pattern (its cloud is formed): then
 * it takes no part in the crowd's push. */
bool clouds_holds(const struct clouds *c, const struct swarm_host *h);

/* Counts member h, whose own ties pull (fx, fy), towards its cloud's
 * motion; if the cloud holds it, moves it towards its place in the
 * cloud's pattern and returns true; else it moves by itself. */
bool clouds_place(struct clouds *c, struct swarm_host *h, float fx, float fy, float dt);

/* After the hosts moved: each cloud's centre, size, ties, colour and
 * fade for the step of dt seconds. */
void clouds_finish(struct clouds *c, const struct swarm_host *hosts, uint32_t nused,
                   const struct swarm_hub *hubs, float dt);

const struct swarm_cloud *clouds_array(const struct clouds *c, size_t *n);

/* Formed clouds, and the hosts in them. */
void clouds_counts(const struct clouds *c, uint32_t *formed, uint32_t *merged);

#endif
