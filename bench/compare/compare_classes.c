/* SPDX-License-Identifier: MIT */
/*
 * Pairs each class of the base files with the new files'.  A side of
 * several files (independent runs) is summarised like `run --repeat`: its
 * median is the run with the middle median, and every file's run medians
 * are pooled for the between-run part of the interval.
 */
#include <errno.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "bench/compare/compare.h"
#include "lib/error.h"

struct side {
	struct rf_run *runs;
	unsigned int nruns;
	const char *what; /* "base", "new" */
};

/* Why the class cannot be compared in this side, or "" (a long reason is cut). */
static void side_problem(const struct side *s, const char *name, char *why, size_t len)
{
	int w = 0;

	for (unsigned int i = 0; i < s->nruns; i++) {
		const struct rf_class *k = rf_find_class(&s->runs[i], name);

		if (!k) {
			w = snprintf(why, len, "missing in %s %s", s->what, s->runs[i].path);
			break;
		}
		if (k->status != CLASS_OK) {
			w = snprintf(why, len, "%s in %s%s%s%s%s", class_status_name(k->status),
				     s->what, s->nruns > 1 ? " " : "",
				     s->nruns > 1 ? s->runs[i].path : "", k->reason[0] ? ": " : "",
				     k->reason);
			break;
		}
	}
	if (w == 0)
		why[0] = 0;
}

static int by_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static int by_median(const void *x, const void *y)
{
	double a = (*(const struct rf_class *const *)x)->sum.median;
	double b = (*(const struct rf_class *const *)y)->sum.median;

	return (a > b) - (a < b);
}

/* The middle run's class, its file, every run median; -1 when over MAX_REPEAT. */
static int gather(const struct side *s, const char *name, const struct rf_class **mid,
		  const struct rf_run **file, double *runs, unsigned int *nruns, bool *unverified)
{
	const struct rf_class *k[CMP_MAX_FILES];

	*nruns = 0;
	*unverified = false;
	if (s->nruns == 0 || s->nruns > CMP_MAX_FILES)
		return eb_fail("class %s: %u %s files", name, s->nruns, s->what);
	for (unsigned int i = 0; i < s->nruns; i++) {
		k[i] = rf_find_class(&s->runs[i], name);
		*unverified |= !k[i]->verified;
		for (unsigned int j = 0; j < (k[i]->nrepeat ? k[i]->nrepeat : 1); j++) {
			if (*nruns >= MAX_REPEAT)
				return eb_fail("class %s: more than %d runs in the %s files", name,
					       MAX_REPEAT, s->what);
			runs[(*nruns)++] =
			    k[i]->nrepeat ? k[i]->repeat_medians[j] : k[i]->sum.median;
		}
	}
	qsort(k, s->nruns, sizeof(k[0]), by_median);
	*mid = k[(s->nruns - 1) / 2];
	for (unsigned int i = 0; i < s->nruns; i++)
		if (rf_find_class(&s->runs[i], name) == *mid)
			*file = &s->runs[i];
	return 0;
}

/* Under bochs a tick is one emulated instruction and a class's body (p10 to
 * p90) is often a single count: then there is no noise to estimate, and any
 * change of one instruction is a verdict (docs/compare.md). */
static bool exact_counts(const struct cmp_entry *e)
{
	return !strcmp(e->fb->units, "emulated_instructions") &&
	       !strcmp(e->fn->units, "emulated_instructions") && e->b->sum.p10 == e->b->sum.p90 &&
	       e->n->sum.p10 == e->n->sum.p90;
}

static void compare_exact(struct cmp_entry *e)
{
	struct cmp_result *r = &e->r;

	memset(r, 0, sizeof(*r));
	r->base = e->b->sum.median;
	r->new_ = e->n->sum.median;
	r->change = r->ci_lo = r->ci_hi = r->new_ - r->base;
	r->change_pct = r->ci_lo_pct = r->ci_hi_pct = 100 * r->change / r->base;
	r->verdict = r->change > 0 ? CMP_SLOWER : r->change < 0 ? CMP_FASTER : CMP_SAME;
	e->exact = true;
}

static int compare_one(struct comparison *c, const struct side *b, const struct side *n,
		       struct cmp_entry *e)
{
	struct cmp_sample sb, sn;

	side_problem(b, e->name, e->why, sizeof(e->why));
	if (!e->why[0])
		side_problem(n, e->name, e->why, sizeof(e->why));
	if (e->why[0]) {
		c->not_compared++;
		return 0;
	}
	if (gather(b, e->name, &e->b, &e->fb, e->runs_b, &e->nruns_b, &e->unverified_b) ||
	    gather(n, e->name, &e->n, &e->fn, e->runs_n, &e->nruns_n, &e->unverified_n))
		return -1;
	if (exact_counts(e)) {
		compare_exact(e);
		goto counted;
	}
	cmp_sample_from_rf(e->b, &sb);
	cmp_sample_from_rf(e->n, &sn);
	sb.run_medians = e->nruns_b >= 2 ? e->runs_b : NULL;
	sb.nruns = e->nruns_b >= 2 ? e->nruns_b : 0;
	sn.run_medians = e->nruns_n >= 2 ? e->runs_n : NULL;
	sn.nruns = e->nruns_n >= 2 ? e->nruns_n : 0;
	if (cmp_compare(&sb, &sn, e->threshold_pct, cmp_class_seed(e->name),
			c->resamples ? c->resamples : CMP_RESAMPLES, &e->r))
		return eb_fail("class %s: %s", e->name, eb_error());
counted:
	e->compared = true;
	c->slower += e->r.verdict == CMP_SLOWER;
	c->faster += e->r.verdict == CMP_FASTER;
	c->same += e->r.verdict == CMP_SAME;
	return 0;
}

/* Relative spread (max - min) / median of one class's runs on one side:
 * its repeat medians in every file of the side.  NAN under two runs. */
static double side_spread(const struct rf_run *runs, unsigned int nruns, const char *name)
{
	double v[MAX_REPEAT * 2];
	unsigned int n = 0;

	for (unsigned int f = 0; f < nruns; f++) {
		const struct rf_class *k = rf_find_class(&runs[f], name);

		if (!k || k->status != CLASS_OK)
			return NAN;
		for (unsigned int j = 0; j < (k->nrepeat ? k->nrepeat : 1) && n < MAX_REPEAT * 2;
		     j++)
			v[n++] = k->nrepeat ? k->repeat_medians[j] : k->sum.median;
	}
	if (n < 2)
		return NAN;
	qsort(v, n, sizeof(v[0]), by_double);
	return v[n / 2] > 0 ? (v[n - 1] - v[0]) / v[n / 2] : NAN;
}

/*
 * The class's noise floor: its own relative run-to-run spread in the base
 * files (two or more runs).  The new side is not used: a change that makes
 * classes noisy must not silence the comparison.  A change no larger than
 * what the host showed between runs of this unchanged class is not a
 * regression, whatever --threshold says (docs/compare.md).  Each class has
 * its own: a noisy class (ipi) must not hide a quiet one's regression.
 * --no-noise-floor turns it off.
 */
static void noise_floor(struct comparison *c, struct cmp_entry *e)
{
	double b = side_spread(c->base, c->o->nbase, e->name);

	e->noise_pct = isfinite(b) ? 100 * b : NAN;
	e->threshold_pct = c->o->threshold_pct;
	if (!c->o->no_noise_floor && isfinite(e->noise_pct) && e->noise_pct > e->threshold_pct)
		e->threshold_pct = e->noise_pct;
	if (isfinite(e->noise_pct)) {
		c->noise_classes++;
		if (!(c->noise_floor_pct >= e->noise_pct))
			c->noise_floor_pct = e->noise_pct;
	}
	if (e->threshold_pct > c->threshold_used_pct)
		c->threshold_used_pct = e->threshold_pct;
}

int compare_classes(struct comparison *c)
{
	struct side b = {c->base, c->o->nbase, "base"}, n = {c->new_, c->o->nnew, "new"};
	const struct rf_run *first = &c->base[0];

	c->noise_floor_pct = NAN;
	c->noise_classes = 0;
	c->threshold_used_pct = c->o->threshold_pct;
	c->e = calloc(first->nclasses ? first->nclasses : 1, sizeof(*c->e));
	if (!c->e)
		return eb_fail_errno("allocate %u comparisons", first->nclasses);
	for (unsigned int i = 0; i < first->nclasses; i++) {
		struct cmp_entry *e = &c->e[c->ne];

		e->name = first->classes[i].name;
		if (!rf_find_class(&c->new_[0], e->name))
			continue; /* a class-set difference, reported as such */
		c->ne++;
		noise_floor(c, e);
		if (compare_one(c, &b, &n, e))
			return -1;
	}
	if (c->slower + c->faster + c->same == 0)
		return eb_fail("no class ran ok in every file: nothing to compare");
	return 0;
}
