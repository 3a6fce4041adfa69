/* SPDX-License-Identifier: MIT */
/*
 * The statistics of exitbench compare (docs/compare.md): a bootstrap of
 * the difference of two medians.  Each replicate of a file's median is
 *   median + (within-run replicate - its centre)
 *          + (between-run replicate - the middle run median)      [--repeat]
 * where the within-run replicate is the median of n draws with replacement
 * from the raw samples (or, without --raw, from the quantile function), and
 * the between-run one the middle of K draws from the K run medians.
 */
#include "bench/compare/compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"

/* ---- random numbers ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void cmp_rng_seed(struct cmp_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t cmp_rng_next(struct cmp_rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double cmp_rng_uniform(struct cmp_rng *r)
{
	/* 53 random bits, shifted off 0: (k + 0.5) / 2^53 */
	return ((double)(cmp_rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

static double rng_normal(struct cmp_rng *r)
{
	double u = cmp_rng_uniform(r), v = cmp_rng_uniform(r);

	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", ACM TOMS 26(3); shape a >= 1. */
static double rng_gamma(struct cmp_rng *r, double a)
{
	double d = a - 1.0 / 3, c = 1 / sqrt(9 * d);

	for (;;) {
		double x = rng_normal(r), v = 1 + c * x, u;

		if (v <= 0)
			continue;
		v = v * v * v;
		u = cmp_rng_uniform(r);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

double cmp_rng_beta(struct cmp_rng *r, double a, double b)
{
	double x = rng_gamma(r, a), y = rng_gamma(r, b);

	return x / (x + y);
}

/* ---- one file's median ---- */

void cmp_sample_from_rf(const struct rf_class *c, struct cmp_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->median = c->sum.median;
	s->n = c->sum.n;
	s->sorted = c->nsamples == c->sum.n && c->nsamples ? c->samples : NULL;
	s->quantiles = c->nquantiles == QUANTILES ? c->quantiles : NULL;
	s->run_medians = c->nrepeat >= 2 ? c->repeat_medians : NULL;
	s->nruns = c->nrepeat >= 2 ? c->nrepeat : 0;
}

/* The sample's quantile function at u in (0, 1): the empirical one
 * (x_(ceil(n u))) for raw samples, else linear between the 1001 points. */
static double value_at(const struct cmp_sample *s, double u)
{
	double pos, f;
	size_t i;

	if (s->sorted) {
		double k = ceil((double)s->n * u);
		size_t j = k < 1 ? 0 : (size_t)k - 1;

		return (double)s->sorted[j < s->n ? j : s->n - 1];
	}
	pos = u * (QUANTILES - 1);
	i = (size_t)pos;
	if (i >= QUANTILES - 1)
		return s->quantiles[QUANTILES - 1];
	f = pos - (double)i;
	return s->quantiles[i] + f * (s->quantiles[i + 1] - s->quantiles[i]);
}

/*
 * n draws x_(ceil(n U_i)): their m-th smallest is x_(ceil(n U_(m))) and
 * U_(m) ~ Beta(m, n - m + 1); for even n the next one is U_(m) plus the
 * smallest of n - m uniforms on (U_(m), 1).  Exact for the raw samples.
 */
double cmp_boot_median(const struct cmp_sample *s, struct cmp_rng *r)
{
	uint64_t n = s->n, m = (n + 1) / 2;
	double v = n > 1 ? cmp_rng_beta(r, (double)m, (double)(n - m + 1)) : cmp_rng_uniform(r);
	double w;

	if (n % 2)
		return value_at(s, v);
	w = v + (1 - v) * -expm1(log(cmp_rng_uniform(r)) / (double)(n - m));
	return (value_at(s, v) + value_at(s, w)) / 2;
}

double cmp_center(const struct cmp_sample *s)
{
	if (s->sorted && s->n % 2)
		return (double)s->sorted[s->n / 2];
	if (s->sorted)
		return ((double)s->sorted[s->n / 2 - 1] + (double)s->sorted[s->n / 2]) / 2;
	return s->quantiles[QUANTILES / 2];
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The run the runner keeps: the lower middle of the sorted run medians. */
static double middle(double *v, unsigned int k)
{
	if (k == 0)
		return NAN;
	qsort(v, k, sizeof(*v), by_double);
	return v[(k - 1) / 2];
}

static double boot_runs(const struct cmp_sample *s, struct cmp_rng *r)
{
	double v[MAX_REPEAT];

	for (unsigned int i = 0; i < s->nruns; i++)
		v[i] = s->run_medians[cmp_rng_next(r) % s->nruns];
	return middle(v, s->nruns);
}

static double observed_runs(const struct cmp_sample *s)
{
	double v[MAX_REPEAT];

	memcpy(v, s->run_medians, s->nruns * sizeof(*v));
	return middle(v, s->nruns);
}

/* A replicate of the file's median, as a deviation from the reported one. */
static double replicate(const struct cmp_sample *s, double center, double runs_mid,
			struct cmp_rng *r)
{
	double d = cmp_boot_median(s, r) - center;

	if (s->nruns >= 2)
		d += boot_runs(s, r) - runs_mid;
	return d;
}

/* ---- the comparison ---- */

static double quantile_d(const double *sorted, size_t n, double q)
{
	double h = (double)(n - 1) * q, f;
	size_t lo = (size_t)h;

	if (lo >= n - 1)
		return sorted[n - 1];
	f = h - (double)lo;
	return sorted[lo] + f * (sorted[lo + 1] - sorted[lo]);
}

static int check_side(const struct cmp_sample *s, const char *which)
{
	if (!(s->median > 0) || s->n == 0 || (!s->sorted && !s->quantiles) ||
	    s->nruns > MAX_REPEAT) {
		errno = EINVAL;
		return eb_fail_errno("compare: the %s median is not a positive sample median",
				     which);
	}
	return 0;
}

int cmp_compare(const struct cmp_sample *base, const struct cmp_sample *new_, double threshold_pct,
		uint64_t seed, unsigned int resamples, struct cmp_result *out)
{
	double cb, cn, rb = 0, rn = 0, *d;
	struct cmp_rng r;

	memset(out, 0, sizeof(*out));
	if (check_side(base, "base") || check_side(new_, "new"))
		return -1;
	d = malloc((resamples ? resamples : 1) * sizeof(*d));
	if (!d)
		return eb_fail_errno("compare: allocate %u resamples", resamples);
	cb = cmp_center(base);
	cn = cmp_center(new_);
	rb = base->nruns >= 2 ? observed_runs(base) : 0;
	rn = new_->nruns >= 2 ? observed_runs(new_) : 0;
	cmp_rng_seed(&r, seed);
	for (unsigned int i = 0; i < resamples; i++)
		d[i] = replicate(new_, cn, rn, &r) - replicate(base, cb, rb, &r);
	qsort(d, resamples, sizeof(*d), by_double);
	out->base = base->median;
	out->new_ = new_->median;
	out->change = new_->median - base->median;
	out->change_pct = 100 * out->change / base->median;
	out->ci_lo = out->change + (resamples ? quantile_d(d, resamples, 0.025) : 0);
	out->ci_hi = out->change + (resamples ? quantile_d(d, resamples, 0.975) : 0);
	out->ci_lo_pct = 100 * out->ci_lo / base->median;
	out->ci_hi_pct = 100 * out->ci_hi / base->median;
	out->verdict = cmp_verdict_of(out->change_pct, out->ci_lo, out->ci_hi, threshold_pct);
	out->wide = out->ci_hi_pct - out->ci_lo_pct > 2 * threshold_pct;
	free(d);
	return 0;
}

enum cmp_verdict cmp_verdict_of(double change_pct, double lo, double hi, double threshold_pct)
{
	if (lo > 0 && change_pct >= threshold_pct)
		return CMP_SLOWER;
	if (hi < 0 && change_pct <= -threshold_pct)
		return CMP_FASTER;
	return CMP_SAME;
}

const char *cmp_verdict_name(enum cmp_verdict v)
{
	return v == CMP_SLOWER ? "slower" : v == CMP_FASTER ? "faster" : "same";
}

uint64_t cmp_class_seed(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 0x100000001b3ULL;
	return CMP_SEED ^ h;
}
