/* SPDX-License-Identifier: MIT */
/* A small open-addressing hash of (a, b) keys to dense indexes 0, 1, 2, ... */
#include <errno.h>
#include <stdlib.h>

#include "trace/trace.h"

struct keytab_slot {
	uint64_t a, b;
	uint32_t idx; /* index + 1; 0: empty */
};

static size_t hash(uint64_t a, uint64_t b)
{
	uint64_t h =
	    a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL) * 0xbf58476d1ce4e5b9ULL;

	return (size_t)(h ^ (h >> 31));
}

static struct keytab_slot *find(struct keytab_slot *slot, size_t cap, uint64_t a, uint64_t b)
{
	size_t i = hash(a, b) & (cap - 1);

	while (slot[i].idx && (slot[i].a != a || slot[i].b != b))
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

static int grow(struct keytab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct keytab_slot *s = calloc(cap, sizeof(*s));

	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i].idx)
			*find(s, cap, t->slot[i].a, t->slot[i].b) = t->slot[i];
	free(t->slot);
	t->slot = s;
	t->cap = cap;
	return 0;
}

long keytab_get(struct keytab *t, uint64_t a, uint64_t b, bool *added)
{
	struct keytab_slot *s;

	*added = false;
	if ((t->n + 1) * 2 > t->cap && grow(t) < 0)
		return -1;
	s = find(t->slot, t->cap, a, b);
	if (!s->idx) {
		if (t->n >= UINT32_MAX - 1) {
			errno = ENOMEM;
			return -1;
		}
		s->a = a;
		s->b = b;
		s->idx = (uint32_t)++t->n;
		*added = true;
	}
	return (long)s->idx - 1;
}

void keytab_free(struct keytab *t)
{
	free(t->slot);
	t->slot = NULL;
	t->cap = t->n = 0;
}
