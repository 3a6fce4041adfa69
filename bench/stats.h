/* SPDX-License-Identifier: MIT */
/* Summary statistics of per-iteration samples (TSC ticks). */
#ifndef EXITBENCH_STATS_H
#define EXITBENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

struct summary {
	size_t n;
	uint64_t min, max;
	double p1, p10, median, p90, p99;  /* linear interpolation between order statistics */
	double mean, stddev;		   /* stddev: sample (n-1) standard deviation */
	double median_ci_lo, median_ci_hi; /* distribution-free 95% CI of the median */
};

/*
 * Sort samples[0..n) ascending in place (radix sort: O(n), 10^7 samples well
 * under a second).  Returns 0, or -1 with errno = ENOMEM.
 */
int samples_sort(uint64_t *samples, size_t n);

/* Quantile q in [0,1] of sorted samples, type-7 (linear) interpolation. */
double quantile_sorted(const uint64_t *sorted, size_t n, double q);

/*
 * Summarise sorted samples.  The 95% CI of the median uses the order
 * statistics at ranks n/2 -+ 1.96*sqrt(n)/2 (normal approximation to the
 * binomial), clamped to the sample.  n == 0 gives an all-zero summary.
 */
void summarize_sorted(const uint64_t *sorted, size_t n, struct summary *s);

/* Sort, then summarise.  Returns 0 or -1 (errno from samples_sort). */
int summarize(uint64_t *samples, size_t n, struct summary *s);

#endif
