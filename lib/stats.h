/* SPDX-License-Identifier: MIT */
/* Summary statistics of per-iteration samples (TSC ticks). */
#ifndef EXITBENCH_STATS_H
#define EXITBENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

struct summary {
	size_t n;
	uint64_t min, max;
	double p1, p10, median, p90, p99; /* linear interpolation between order statistics */
	double mean, stddev;		  /* stddev: sample (n-1) standard deviation */
	/* Within-run 95% interval of the median (median_ci_ranks); NaN when
	 * n < MEDIAN_CI_MIN_N.  coverage: its exact coverage, >= 0.95. */
	double median_ci_lo, median_ci_hi, median_ci_coverage;
};

#define MEDIAN_CI_LEVEL	     0.95
#define MEDIAN_CI_MIN_N	     6	/* below, no rank pair reaches 95% */
#define MEDIAN_CI_MAX_VALUES 64 /* median_ci_of: run medians (MAX_REPEAT) */

/*
 * Sort samples[0..n) ascending in place (radix sort: O(n), 10^7 samples well
 * under a second).  Returns 0, or -1 with errno = ENOMEM.
 */
int samples_sort(uint64_t *samples, size_t n);

/* Quantile q in [0,1] of sorted samples, type-7 (linear) interpolation. */
double quantile_sorted(const uint64_t *sorted, size_t n, double q);

/* P(X <= j) for X ~ Binomial(n, 1/2). */
double binom_half_cdf(size_t n, size_t j);

/*
 * Distribution-free 95% interval of a median: the 1-based order-statistic
 * ranks (k, n+1-k) with the largest k whose exact binomial coverage
 * 1 - 2 P(X <= k-1) is >= MEDIAN_CI_LEVEL.  Returns -1 when n <
 * MEDIAN_CI_MIN_N (no such k).  coverage may be NULL.
 */
int median_ci_ranks(size_t n, size_t *lo, size_t *hi, double *coverage);

/* The same interval over n <= MEDIAN_CI_MAX_VALUES unsorted values (the
 * medians of --repeat runs); -1 and NaNs when there is none. */
int median_ci_of(const double *v, size_t n, double *ci_lo, double *ci_hi, double *coverage);

/*
 * Summarise sorted samples, with the median's interval from
 * median_ci_ranks (NaN below MEDIAN_CI_MIN_N samples).  n == 0 gives an
 * all-zero summary.
 */
void summarize_sorted(const uint64_t *sorted, size_t n, struct summary *s);

/* Sort, then summarise.  Returns 0 or -1 (errno from samples_sort). */
int summarize(uint64_t *samples, size_t n, struct summary *s);

#endif
