/* SPDX-License-Identifier: MIT */
/* Summary statistics: radix sort vs qsort, type-7 quantiles, moments, median CI. */
#include "lib/stats.h"
#include "tests/tap.h"

#include <math.h>
#include <time.h>

#define TOL 1e-9

/* Hand-derived expectations; quantiles are type 7, h = (n-1)q. */
struct expect {
	uint64_t min, max;
	double p1, p10, median, p90, p99, mean, stddev, ci_lo, ci_hi;
};

/* Deterministic 64-bit generator (splitmix64). */
static uint64_t rnd(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* NaN expected: NaN got (no interval). */
static int near(double got, double want)
{
	return isnan(want) ? isnan(got) : fabs(got - want) <= TOL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* summarize() a copy of data (any order) and check every field against e. */
static void check_summary(const char *name, const uint64_t *data, size_t n, const struct expect *e)
{
	uint64_t x[16];
	struct summary s;

	if (!ok(n <= sizeof(x) / sizeof(x[0]), "%s: at most 16 samples", name))
		return;
	memcpy(x, data, n * sizeof(*x));
	ok(summarize(x, n, &s) == 0, "%s: summarize succeeds", name);
	ok(s.n == n, "%s: n = %zu (got %zu)", name, n, s.n);
	ok(s.min == e->min && s.max == e->max, "%s: min %llu max %llu", name,
	   (unsigned long long)s.min, (unsigned long long)s.max);
	ok(near(s.p1, e->p1), "%s: p1 = %.6g (got %.12g)", name, e->p1, s.p1);
	ok(near(s.p10, e->p10), "%s: p10 = %.6g (got %.12g)", name, e->p10, s.p10);
	ok(near(s.median, e->median), "%s: median = %.6g (got %.12g)", name, e->median, s.median);
	ok(near(s.p90, e->p90), "%s: p90 = %.6g (got %.12g)", name, e->p90, s.p90);
	ok(near(s.p99, e->p99), "%s: p99 = %.6g (got %.12g)", name, e->p99, s.p99);
	ok(near(s.mean, e->mean), "%s: mean = %.6g (got %.12g)", name, e->mean, s.mean);
	ok(near(s.stddev, e->stddev), "%s: stddev = %.12g (got %.12g)", name, e->stddev, s.stddev);
	ok(near(s.median_ci_lo, e->ci_lo) && near(s.median_ci_hi, e->ci_hi),
	   "%s: median CI = (%g, %g) (got (%g, %g))", name, e->ci_lo, e->ci_hi, s.median_ci_lo,
	   s.median_ci_hi);
}

/* 1..10, 1..100 (given in reverse order), duplicates, n=1, n=2. */
static void test_known_sets(void)
{
	/* h = 9q; var = 82.5/9; CI ranks: P(X<=1) = 11/1024 <= 2.5% < P(X<=2) = 56/1024,
	 * so k = 2: (x_2, x_9) */
	const struct expect e10 = {1, 10, 1.09, 1.9, 5.5, 9.1, 9.91, 5.5, 3.0276503540974917, 2, 9};
	/* h = 99q; var = 100*101/12; exact ranks (40, 61) */
	const struct expect e100 = {
	    1, 100, 1.99, 10.9, 50.5, 90.1, 99.01, 50.5, 29.011491975882016, 40, 61};
	/* sorted 2 2 2 2 5 5 8 100, h = 7q: p90 = 8+0.3*92, p99 = 8+0.93*92; mean 126/8;
	 * squared deviations sum to 8145.5, var = 8145.5/7; P(X<=0) = 1/256, P(X<=1) =
	 * 9/256 > 2.5%: ranks 1 and 8 -> (2, 100) */
	const uint64_t dup[] = {5, 2, 100, 2, 8, 2, 5, 2};
	const struct expect edup = {2, 100, 2, 2, 3.5, 35.6, 93.56, 15.75, 34.11220979565611,
				    2, 100};
	const uint64_t one[] = {42};
	const struct expect eone = {42, 42, 42, 42, 42, 42, 42, 42, 0, NAN, NAN};
	/* h = q: p1 = 10.1, p10 = 11, p90 = 19, p99 = 19.9; var = (25+25)/1; no interval */
	const uint64_t two[] = {20, 10};
	const struct expect etwo = {10,	 20, 10.1, 11, 15, 19, 19.9, 15, 7.0710678118654755,
				    NAN, NAN};
	uint64_t a[100];

	for (uint64_t i = 0; i < 10; i++)
		a[i] = 10 - i;
	check_summary("1..10", a, 10, &e10);
	for (uint64_t i = 0; i < 100; i++)
		a[i] = 100 - i;
	/* check_summary copies at most 16; summarize 1..100 here */
	{
		struct summary s;

		ok(summarize(a, 100, &s) == 0 && s.min == 1 && s.max == 100, "1..100: min/max");
		ok(near(s.p1, e100.p1) && near(s.p10, e100.p10) && near(s.median, e100.median),
		   "1..100: p1 %.12g p10 %.12g median %.12g", s.p1, s.p10, s.median);
		ok(near(s.p90, e100.p90) && near(s.p99, e100.p99), "1..100: p90 %.12g p99 %.12g",
		   s.p90, s.p99);
		ok(near(s.mean, e100.mean) && near(s.stddev, e100.stddev),
		   "1..100: mean %.12g stddev %.12g", s.mean, s.stddev);
		ok(s.median_ci_lo == e100.ci_lo && s.median_ci_hi == e100.ci_hi,
		   "1..100: median CI (40, 61) (got (%g, %g))", s.median_ci_lo, s.median_ci_hi);
	}
	check_summary("duplicates", dup, 8, &edup);
	check_summary("n=1", one, 1, &eone);
	check_summary("n=2", two, 2, &etwo);
}

/* n = 0, direct quantile_sorted calls, and stability on large close values. */
static void test_edges(void)
{
	const uint64_t x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	uint64_t big[] = {(1ull << 62) + 3, (1ull << 62) + 1};
	struct summary s, zero;

	memset(&zero, 0, sizeof(zero));
	memset(&s, 0xA5, sizeof(s));
	ok(summarize(NULL, 0, &s) == 0 && memcmp(&s, &zero, sizeof(s)) == 0,
	   "n=0: summarize gives an all-zero summary");
	ok(quantile_sorted(NULL, 0, 0.5) == 0, "n=0: quantile is 0");
	ok(quantile_sorted(x, 1, 0.73) == 1, "n=1: quantile is x[0]");
	ok(quantile_sorted(x, 10, 0) == 1 && quantile_sorted(x, 10, 1) == 10, "q=0, q=1: min, max");
	ok(near(quantile_sorted(x, 10, 0.25), 3.25), "1..10: q=0.25 -> 3.25 (got %.12g)",
	   quantile_sorted(x, 10, 0.25));
	ok(near(quantile_sorted(x, 10, 1.0 / 3), 4), "1..10: q=1/3 -> h=3 -> 4 (got %.12g)",
	   quantile_sorted(x, 10, 1.0 / 3));
	/* deviations are -1, +1: var = 2/1; naive double arithmetic gives 0 or garbage */
	ok(summarize(big, 2, &s) == 0 && near(s.stddev, sqrt(2.0)),
	   "2^62+{1,3}: stddev = sqrt(2) (got %.12g)", s.stddev);
	ok(s.mean == (double)((1ull << 62) + 2), "2^62+{1,3}: mean = 2^62+2 (as double)");
}

/* Sort n values made by gen() with both samples_sort and qsort; they must agree. */
static void check_sort(const char *name, size_t n, uint64_t (*gen)(uint64_t *, size_t))
{
	uint64_t *a = malloc((n ? n : 1) * sizeof(*a)), *b = malloc((n ? n : 1) * sizeof(*b));
	uint64_t state = 0x1234 + n;

	for (size_t i = 0; i < n; i++)
		a[i] = b[i] = gen(&state, i);
	qsort(b, n, sizeof(*b), cmp_u64);
	ok(samples_sort(a, n) == 0 && memcmp(a, b, n * sizeof(*a)) == 0,
	   "sort %s, n=%zu: equals qsort", name, n);
	free(a);
	free(b);
}

static uint64_t gen_full(uint64_t *st, size_t i)
{
	(void)i;
	return rnd(st);
}

static uint64_t gen_high(uint64_t *st, size_t i)
{
	(void)i;
	return rnd(st) | (1ull << 63);
}

static uint64_t gen_top_byte(uint64_t *st, size_t i)
{
	(void)i;
	return (rnd(st) & 0xFF00000000000000ull) | 0x5555;
}

static uint64_t gen_byte(uint64_t *st, size_t i)
{
	(void)i;
	return rnd(st) & 0xFF;
}

static uint64_t gen_48bits(uint64_t *st, size_t i)
{
	(void)i;
	return (rnd(st) & 0xFFFFFFFFFFFFull) | 0xABCD000000000000ull;
}

static uint64_t gen_ends(uint64_t *st, size_t i)
{
	(void)i;
	return (rnd(st) & 0xFFFF00000000FFFFull) | 0x0000123456780000ull;
}

static uint64_t gen_tsc(uint64_t *st, size_t i)
{
	(void)i;
	return 500 + rnd(st) % 4501;
}

static uint64_t gen_equal(uint64_t *st, size_t i)
{
	(void)st;
	(void)i;
	return 0xDEADBEEFCAFEF00Dull;
}

static uint64_t gen_two_values(uint64_t *st, size_t i)
{
	(void)i;
	return (rnd(st) & 1) ? UINT64_MAX : 0;
}

static uint64_t gen_descending(uint64_t *st, size_t i)
{
	(void)st;
	return UINT64_MAX - (uint64_t)i * 0x10001;
}

/* Radix sort against qsort on shapes that exercise skipped and odd/even pass counts
 * (with 16-bit digits: 1, 2, 3 and 4 passes). */
static void test_sort(void)
{
	static const size_t sizes[] = {0, 1, 2, 3, 1000, 100003};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_sort("full 64-bit", sizes[i], gen_full);
	check_sort("high bit set", 100000, gen_high);
	check_sort("only top 8 bits vary (1 pass)", 100000, gen_top_byte);
	check_sort("low 8 bits (1 pass)", 100000, gen_byte);
	check_sort("low and top 16 bits (2 passes)", 100000, gen_ends);
	check_sort("low 48 bits (3 passes)", 100000, gen_48bits);
	check_sort("TSC-like 500..5000", 100000, gen_tsc);
	check_sort("all equal", 100000, gen_equal);
	check_sort("0 and UINT64_MAX", 100000, gen_two_values);
	check_sort("descending", 100000, gen_descending);
}

/*
 * The exact ranks, computed here independently of stats.c: P(X <= j) for
 * X ~ Binomial(n, 1/2) by summing C(n, i) / 2^n from i = 0 upwards (the
 * terms by the recurrence C(n, i+1) = C(n, i) (n-i) / (i+1)), k the largest
 * rank with 1 - 2 P(X <= k-1) >= 0.95.  0 when there is none.
 */
static size_t exact_rank(size_t n, double *coverage)
{
	long double term = powl(0.5L, (long double)n), cdf = 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		cdf += term; /* P(X <= i) */
		if (1 - 2 * cdf < 0.95L)
			break;
		k = i + 1;
		*coverage = (double)(1 - 2 * cdf);
		term = term * (long double)(n - i) / (long double)(i + 1);
	}
	return k;
}

static void test_ci_ranks(void)
{
	const size_t sizes[] = {6, 21, 100, 1000};
	size_t lo, hi;
	double cov = 0, want_cov = 0;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i], k = exact_rank(n, &want_cov);

		int r = median_ci_ranks(n, &lo, &hi, &cov);

		ok(r == 0 && lo == k && hi == n + 1 - k,
		   "n=%zu: ranks (%zu, %zu) = exact binomial (%zu, %zu)", n, lo, hi, k, n + 1 - k);
		ok(cov >= 0.95 && fabs(cov - want_cov) < 1e-9, "n=%zu: coverage %.6f (exact %.6f)",
		   n, cov, want_cov);
	}
	for (size_t n = 0; n < MEDIAN_CI_MIN_N; n++)
		ok(median_ci_ranks(n, &lo, &hi, NULL) == -1 && exact_rank(n, &cov) == 0,
		   "n=%zu: no 95%% interval", n);
	/* every size to 3000: coverage >= 95%, and k + 1 would fall below */
	{
		size_t bad = 0;

		for (size_t n = MEDIAN_CI_MIN_N; n <= 3000; n++)
			if (median_ci_ranks(n, &lo, &hi, &cov) || cov < 0.95 ||
			    1 - 2 * binom_half_cdf(n, lo) >= 0.95 || lo + hi != n + 1)
				bad++;
		ok(bad == 0, "n=6..3000: symmetric ranks, coverage >= 95%%, k maximal (%zu bad)",
		   bad);
	}
}

/* Median CI of n=10000 samples: the ranks median_ci_ranks gives. */
static void test_median_ci(void)
{
	size_t n = 10000, lo = 0, hi = 0;
	uint64_t *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b));
	uint64_t state = 99;
	struct summary s;

	int r = median_ci_ranks(n, &lo, &hi, NULL);

	ok(r == 0 && hi == n + 1 - lo, "n=10000: ranks %zu, %zu", lo, hi);
	for (size_t i = 0; i < n; i++)
		a[i] = (uint64_t)(n - 1 - i) * 7; /* distinct: value/7 is the 0-based index */
	summarize(a, n, &s);
	ok(s.median_ci_lo == (double)(lo - 1) * 7 && s.median_ci_hi == (double)(hi - 1) * 7,
	   "n=10000 distinct: CI = (x_(%zu), x_(%zu)) (got ranks %g, %g)", lo, hi,
	   s.median_ci_lo / 7 + 1, s.median_ci_hi / 7 + 1);
	for (size_t i = 0; i < n; i++)
		a[i] = b[i] = rnd(&state) >> 11;
	qsort(b, n, sizeof(*b), cmp_u64);
	summarize(a, n, &s);
	ok(s.median_ci_lo == (double)b[lo - 1] && s.median_ci_hi == (double)b[hi - 1],
	   "n=10000 uniform: CI = (x_(lo), x_(hi))");
	ok(s.median_ci_lo <= s.median && s.median <= s.median_ci_hi,
	   "n=10000 uniform: CI (%.0f, %.0f) contains median %.1f", s.median_ci_lo, s.median_ci_hi,
	   s.median);
	free(a);
	free(b);
}

/* Between-run interval: 6 run medians in any order give (min, max); 5 none. */
static void test_median_ci_of(void)
{
	const double v[] = {30, 10, 60, 20, 50, 40};
	double lo = 0, hi = 0, cov;
	int r = median_ci_of(v, 6, &lo, &hi, &cov);

	ok(r == 0 && lo == 10 && hi == 60, "6 run medians: interval (10, 60) (got (%g, %g))", lo,
	   hi);
	ok(median_ci_of(v, 5, &lo, &hi, &cov) == -1 && isnan(lo) && isnan(hi),
	   "5 run medians: no interval");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Diagnostic only: time summarize() on 10^7 TSC-like samples. */
static void perf_diag(void)
{
	size_t n = 10000000;
	uint64_t *a = malloc(n * sizeof(*a));
	uint64_t state = 7;
	struct summary s;
	double t;

	if (!a) {
		diag("stats on 1e7 samples: skipped (no memory)");
		return;
	}
	for (size_t i = 0; i < n; i++)
		a[i] = gen_tsc(&state, i);
	t = now();
	summarize(a, n, &s);
	t = now() - t;
	diag("stats on 1e7 samples: %.3f s (median %.1f, p99 %.1f)", t, s.median, s.p99);
	diag("memory of 1e6 samples: %zu bytes (%.1f MiB)", (size_t)1000000 * sizeof(uint64_t),
	     1000000.0 * sizeof(uint64_t) / (1024 * 1024));
	free(a);
}

int main(void)
{
	test_known_sets();
	test_edges();
	test_sort();
	test_ci_ranks();
	test_median_ci();
	test_median_ci_of();
	perf_diag();
	return tap_done();
}
