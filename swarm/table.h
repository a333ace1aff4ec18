/* A fixed-capacity hash map from an address-sized key to an index: open
 * addressing with linear probing and backward-shift deletion. */
#ifndef FLOWSWARM_TABLE_H
#define FLOWSWARM_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

struct table;

/* Holds up to max_entries keys; memory is allocated once, here. Free with
 * table_destroy(). */
struct table *table_create(size_t max_entries);
void table_destroy(struct table *t);

/* Value stored for key, or UINT32_MAX when absent. */
uint32_t table_get(const struct table *t, const struct addr *key);

/* Inserts or replaces; false when the table is full. */
bool table_put(struct table *t, const struct addr *key, uint32_t value);

void table_remove(struct table *t, const struct addr *key);

/* A well-mixed 64-bit hash of an address, the same on every run. */
uint64_t table_hash(const struct addr *key);

#endif
