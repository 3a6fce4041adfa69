/* SPDX-License-Identifier: MIT */
/* Log2 histograms of durations, printed like bcc's print_log2_hist. */
#include <inttypes.h>
#include <stdio.h>

#include "trace/trace.h"

#define BAR_WIDTH 40

unsigned int hist_bucket(uint64_t v)
{
	return v < 2 ? 0 : 63u - (unsigned int)__builtin_clzll(v);
}

uint64_t hist_lo(unsigned int i)
{
	return i == 0 ? 0 : (uint64_t)1 << i;
}

uint64_t hist_hi(unsigned int i)
{
	return i >= HIST_BUCKETS - 1 ? UINT64_MAX : (uint64_t)1 << (i + 1);
}

void hist_add(struct log2_hist *h, uint64_t v)
{
	h->b[hist_bucket(v)]++;
	h->n++;
}

void hist_print(const struct log2_hist *h, const char *unit, FILE *f)
{
	unsigned int first = HIST_BUCKETS, last = 0;
	uint64_t peak = 0;

	for (unsigned int i = 0; i < HIST_BUCKETS; i++)
		if (h->b[i]) {
			if (first == HIST_BUCKETS)
				first = i;
			last = i;
			if (h->b[i] > peak)
				peak = h->b[i];
		}
	if (first == HIST_BUCKETS)
		return;
	fprintf(f, "  %25s : %-10s distribution\n", unit, "count");
	for (unsigned int i = first; i <= last; i++) {
		char bar[BAR_WIDTH + 1];
		unsigned int w = (unsigned int)((h->b[i] * BAR_WIDTH + peak - 1) / peak);

		for (unsigned int k = 0; k < BAR_WIDTH; k++)
			bar[k] = k < w ? '*' : ' ';
		bar[BAR_WIDTH] = 0;
		fprintf(f, "  %11" PRIu64 " -> %-11" PRIu64 " : %-10" PRIu64 " |%s|\n", hist_lo(i),
			hist_hi(i) - 1, h->b[i], bar);
	}
}
