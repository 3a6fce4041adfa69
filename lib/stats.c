/* SPDX-License-Identifier: MIT */
/* Summary statistics of per-iteration samples: radix sort, quantiles, median CI. */
#include "lib/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RADIX_BITS 16
#define RADIX_SIZE ((size_t)1 << RADIX_BITS)
#define RADIX_MASK ((uint64_t)RADIX_SIZE - 1)

/* Bits in which at least two keys differ; a digit with none of them is the same in every key. */
static uint64_t varying_bits(const uint64_t *a, size_t n)
{
	uint64_t all_or = 0, all_and = ~(uint64_t)0;

	for (size_t i = 0; i < n; i++) {
		all_or |= a[i];
		all_and &= a[i];
	}
	return all_or ^ all_and;
}

/* One stable counting-sort pass from src into dst on the digit at bit 'shift'. */
static void radix_pass(const uint64_t *src, uint64_t *dst, size_t n, unsigned int shift,
		       size_t *count)
{
	size_t sum = 0;

	memset(count, 0, RADIX_SIZE * sizeof(*count));
	for (size_t i = 0; i < n; i++)
		count[(src[i] >> shift) & RADIX_MASK]++;
	for (size_t d = 0; d < RADIX_SIZE; d++) {
		size_t c = count[d];

		count[d] = sum;
		sum += c;
	}
	for (size_t i = 0; i < n; i++)
		dst[count[(src[i] >> shift) & RADIX_MASK]++] = src[i];
}

/*
 * LSD radix sort with 16-bit digits, ping-ponging between samples and a
 * temporary buffer.  Digits on which all keys agree are skipped, so TSC deltas
 * below 2^16 cost one pass (plus a copy back); all-equal input allocates nothing.
 */
int samples_sort(uint64_t *samples, size_t n)
{
	uint64_t vary, *tmp, *src = samples, *dst;
	size_t *count;

	if (n < 2)
		return 0;
	vary = varying_bits(samples, n);
	if (vary == 0)
		return 0;
	tmp = n > SIZE_MAX / sizeof(*tmp) ? NULL : malloc(n * sizeof(*tmp));
	count = malloc(RADIX_SIZE * sizeof(*count));
	if (!tmp || !count) {
		free(tmp);
		free(count);
		errno = ENOMEM;
		return -1;
	}
	dst = tmp;
	for (unsigned int shift = 0; shift < 64; shift += RADIX_BITS) {
		uint64_t *t = src;

		if (!((vary >> shift) & RADIX_MASK))
			continue;
		radix_pass(src, dst, n, shift, count);
		src = dst;
		dst = t;
	}
	if (src != samples)
		memcpy(samples, src, n * sizeof(*samples));
	free(count);
	free(tmp);
	return 0;
}

/*
 * Type-7 quantile (numpy's default): h = (n-1)q, lo = floor(h),
 * x[lo] + (h-lo)(x[lo+1]-x[lo]).  q outside [0,1] (or NaN) is clamped; n == 0 gives 0.
 */
double quantile_sorted(const uint64_t *sorted, size_t n, double q)
{
	double h, frac;
	size_t lo;

	if (n == 0)
		return 0;
	if (!(q > 0))
		return (double)sorted[0];
	h = (double)(n - 1) * q;
	lo = (size_t)floor(h);
	if (lo >= n - 1)
		return (double)sorted[n - 1];
	frac = h - (double)lo;
	return (double)sorted[lo] + frac * (double)(sorted[lo + 1] - sorted[lo]);
}

/*
 * Mean and sample (n-1) standard deviation, two passes in long double so that
 * large, close values do not cancel catastrophically.  stddev is 0 for n < 2.
 */
static void mean_stddev(const uint64_t *x, size_t n, double *mean, double *stddev)
{
	long double sum = 0, m, ss = 0;

	for (size_t i = 0; i < n; i++)
		sum += (long double)x[i];
	m = sum / (long double)n;
	for (size_t i = 0; i < n; i++) {
		long double d = (long double)x[i] - m;

		ss += d * d;
	}
	*mean = (double)m;
	*stddev = n < 2 ? 0 : (double)sqrtl(ss / (long double)(n - 1));
}

/* log P(X = j), X ~ Binomial(n, 1/2) */
static double log_pmf_half(size_t n, size_t j)
{
	return lgamma((double)n + 1) - lgamma((double)j + 1) - lgamma((double)(n - j) + 1) -
	       (double)n * log(2.0);
}

/*
 * P(X <= j), X ~ Binomial(n, 1/2): the terms from j down to 0, each from
 * the one above (pmf(i-1) = pmf(i) * i / (n-i+1)), until they no longer
 * change the sum.  O(sqrt(n)) terms near the median, exact to rounding.
 */
double binom_half_cdf(size_t n, size_t j)
{
	double term, sum = 0;

	if (j >= n)
		return 1;
	term = exp(log_pmf_half(n, j));
	for (size_t i = j + 1; i-- > 0;) {
		sum += term;
		if (term < sum * 1e-17)
			break;
		term *= (double)i / (double)(n - i + 1);
	}
	return sum;
}

/*
 * The number of samples below the true median is Binomial(n, 1/2), so
 * (x_(k), x_(n+1-k)) covers it with probability 1 - 2 P(X <= k-1).  k is
 * the largest rank whose coverage is still >= 95%; searched from the
 * normal approximation's rank.
 */
int median_ci_ranks(size_t n, size_t *lo, size_t *hi, double *coverage)
{
	const double tail = (1 - MEDIAN_CI_LEVEL) / 2;
	double guess = floor((double)n / 2 - 1.96 * sqrt((double)n) / 2);
	size_t k = guess < 1 ? 1 : (size_t)guess;

	if (n < MEDIAN_CI_MIN_N)
		return -1;
	while (k > 1 && binom_half_cdf(n, k - 1) > tail)
		k--;
	if (binom_half_cdf(n, k - 1) > tail)
		return -1;
	while (binom_half_cdf(n, k) <= tail)
		k++;
	*lo = k;
	*hi = n + 1 - k;
	if (coverage)
		*coverage = 1 - 2 * binom_half_cdf(n, k - 1);
	return 0;
}

/* The interval of sorted samples, or NaN where n is too small for one. */
static void median_ci(const uint64_t *x, size_t n, struct summary *s)
{
	size_t lo, hi;

	s->median_ci_lo = s->median_ci_hi = s->median_ci_coverage = NAN;
	if (median_ci_ranks(n, &lo, &hi, &s->median_ci_coverage))
		return;
	s->median_ci_lo = (double)x[lo - 1];
	s->median_ci_hi = (double)x[hi - 1];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int median_ci_of(const double *v, size_t n, double *ci_lo, double *ci_hi, double *coverage)
{
	double s[MEDIAN_CI_MAX_VALUES];
	size_t lo, hi;

	*ci_lo = *ci_hi = *coverage = NAN;
	if (n > MEDIAN_CI_MAX_VALUES || median_ci_ranks(n, &lo, &hi, coverage))
		return -1;
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	*ci_lo = s[lo - 1];
	*ci_hi = s[hi - 1];
	return 0;
}

/* Fill *s from sorted samples; n == 0 gives an all-zero summary. */
void summarize_sorted(const uint64_t *sorted, size_t n, struct summary *s)
{
	memset(s, 0, sizeof(*s));
	if (n == 0)
		return;
	s->n = n;
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->p1 = quantile_sorted(sorted, n, 0.01);
	s->p10 = quantile_sorted(sorted, n, 0.10);
	s->median = quantile_sorted(sorted, n, 0.50);
	s->p90 = quantile_sorted(sorted, n, 0.90);
	s->p99 = quantile_sorted(sorted, n, 0.99);
	mean_stddev(sorted, n, &s->mean, &s->stddev);
	median_ci(sorted, n, s);
}

/* Sort samples in place, then summarise them; on failure *s is zeroed. */
int summarize(uint64_t *samples, size_t n, struct summary *s)
{
	if (samples_sort(samples, n)) {
		memset(s, 0, sizeof(*s));
		return -1;
	}
	summarize_sorted(samples, n, s);
	return 0;
}
