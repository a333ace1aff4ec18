/* Hash map for hosts and hubs. The load factor stays at or under one half
 * because the capacity is twice the entry limit, rounded up to a power of
 * two. */
#include "swarm/table.h"

#include <string.h>

#include "base/xalloc.h"

struct entry {
    struct addr key;
    uint32_t value; /* UINT32_MAX: empty slot */
};

struct table {
    struct entry *slots;
    size_t mask;
    size_t count, max;
};

static uint64_t mix64(uint64_t x)
{
    /* splitmix64's finaliser */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t table_hash(const struct addr *key)
{
    uint64_t a, b;
    memcpy(&a, key->b, 8);
    memcpy(&b, key->b + 8, 8);
    return mix64(a ^ mix64(b ^ key->family));
}

struct table *table_create(size_t max_entries)
{
    struct table *t = xcalloc(1, sizeof(*t));
    size_t cap = 16;
    while (cap < max_entries * 2)
        cap <<= 1;
    t->slots = xcalloc(cap, sizeof(*t->slots));
    for (size_t i = 0; i < cap; i++)
        t->slots[i].value = UINT32_MAX;
    t->mask = cap - 1;
    t->max = max_entries;
    return t;
}

void table_destroy(struct table *t)
{
    if (!t)
        return;
    free(t->slots);
    free(t);
}

static size_t find(const struct table *t, const struct addr *key)
{
    size_t i = table_hash(key) & t->mask;
    while (t->slots[i].value != UINT32_MAX && !addr_equal(&t->slots[i].key, key))
        i = (i + 1) & t->mask;
    return i;
}

uint32_t table_get(const struct table *t, const struct addr *key)
{
    return t->slots[find(t, key)].value;
}

bool table_put(struct table *t, const struct addr *key, uint32_t value)
{
    size_t i = find(t, key);
    if (t->slots[i].value == UINT32_MAX) {
        if (t->count >= t->max)
            return false;
        t->count++;
        t->slots[i].key = *key;
    }
    t->slots[i].value = value;
    return true;
}

void table_remove(struct table *t, const struct addr *key)
{
    size_t i = find(t, key);
    if (t->slots[i].value == UINT32_MAX)
        return;
    t->count--;
    /* Backward-shift: pull later members of the probe run into the hole so
     * lookups never need tombstones. */
    for (size_t j = (i + 1) & t->mask;; j = (j + 1) & t->mask) {
        if (t->slots[j].value == UINT32_MAX)
            break;
        size_t home = table_hash(&t->slots[j].key) & t->mask;
        /* slot j may move to i unless its home lies cyclically in (i, j] */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays)
            continue;
        t->slots[i] = t->slots[j];
        i = j;
    }
    t->slots[i].value = UINT32_MAX;
}
