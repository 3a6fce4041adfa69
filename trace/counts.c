/* SPDX-License-Identifier: MIT */
/* A fixed-size copy of what a trace counted, for `exitbench run --trace`. */
#include <string.h>

#include "trace/trace.h"

/* d must be finished (trace_data_finish): causes sorted by event, then count.
 * Each event's largest counts go first so no event crowds out the others;
 * the rest fill what room is left. */
void trace_counts_fill(const struct trace_data *d, struct trace_counts *c)
{
	const size_t per_event = TRACE_MAX_KEYS / TEV_COUNT;

	memset(c, 0, sizeof(*c));
	memcpy(c->events, d->events, sizeof(c->events));
	c->loss_markers = d->loss_markers;
	for (int pass = 0; pass < 2; pass++) {
		size_t rank = 0;

		for (size_t i = 0; i < d->ncauses; i++) {
			const struct trace_key_count *k = &d->causes[i];

			rank = i && d->causes[i - 1].ev == k->ev ? rank + 1 : 0;
			if ((rank < per_event) != (pass == 0))
				continue;
			if (c->nkeys < TRACE_MAX_KEYS)
				c->keys[c->nkeys++] = *k;
			else
				c->keys_left_out++;
		}
	}
}

uint64_t trace_counts_get(const struct trace_counts *c, enum trace_ev ev, uint64_t k1, uint64_t k2)
{
	for (unsigned int i = 0; i < c->nkeys; i++)
		if (c->keys[i].ev == ev && c->keys[i].k1 == k1 && c->keys[i].k2 == k2)
			return c->keys[i].count;
	return 0;
}
