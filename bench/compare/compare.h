/* SPDX-License-Identifier: MIT */
/*
 * exitbench compare: the statistics (compare.c) and the checks that two
 * result files may be compared at all (compare_runs.c).  docs/compare.md
 * explains the method and its limits.
 */
#ifndef EXITBENCH_COMPARE_H
#define EXITBENCH_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/result/resultfile.h"

#define CMP_RESAMPLES	      10000
#define CMP_SEED	      0x6578697462656e63ULL /* "exitbenc": fixed, results reproduce */
#define CMP_THRESHOLD_DEFAULT 5.0		    /* percent */

/* xoshiro256** seeded through splitmix64. */
struct cmp_rng {
	uint64_t s[4];
};
void cmp_rng_seed(struct cmp_rng *r, uint64_t seed);
uint64_t cmp_rng_next(struct cmp_rng *r);
double cmp_rng_uniform(struct cmp_rng *r); /* in (0, 1) */
/* Beta(a, b), a, b >= 1, from two Gamma draws (Marsaglia-Tsang). */
double cmp_rng_beta(struct cmp_rng *r, double a, double b);

/* One class of one file: what the bootstrap of its median needs. */
struct cmp_sample {
	double median;		   /* the reported median */
	uint64_t n;		   /* samples behind it */
	const uint64_t *sorted;	   /* all n samples, ascending, or NULL */
	const double *quantiles;   /* else QUANTILES points of the quantile function */
	const double *run_medians; /* --repeat: each independent run's median */
	unsigned int nruns;
};

/* Resampled from the raw samples, else the quantile function; runs >= 2. */
void cmp_sample_from_rf(const struct rf_class *c, struct cmp_sample *s);

/* One bootstrap replicate of the within-run median (n draws with
 * replacement), drawn in O(1) through the order statistic's Beta law. */
double cmp_boot_median(const struct cmp_sample *s, struct cmp_rng *r);
/* The median that cmp_boot_median's replicates scatter around. */
double cmp_center(const struct cmp_sample *s);

enum cmp_verdict { CMP_SAME, CMP_FASTER, CMP_SLOWER };

struct cmp_result {
	double base, new_;	     /* medians, ticks */
	double change, change_pct;   /* new - base; and in % of base */
	double ci_lo, ci_hi;	     /* 95% interval of new - base, ticks */
	double ci_lo_pct, ci_hi_pct; /* the same in % of base */
	enum cmp_verdict verdict;
	bool wide; /* the interval spans more than 2 x threshold: it cannot resolve one */
};

/*
 * Bootstrap percentile interval of new - base from `resamples` replicates
 * seeded with `seed`, and the verdict: slower (faster) when the interval
 * lies above (below) 0 and the change is at least threshold_pct percent of
 * base; else same.  Returns 0, or -1 (eb_error) when memory runs out or a
 * median is not positive.
 */
int cmp_compare(const struct cmp_sample *base, const struct cmp_sample *new_, double threshold_pct,
		uint64_t seed, unsigned int resamples, struct cmp_result *out);
enum cmp_verdict cmp_verdict_of(double change_pct, double lo, double hi, double threshold_pct);
const char *cmp_verdict_name(enum cmp_verdict v);
/* CMP_SEED mixed with the class name: each class has its own stream. */
uint64_t cmp_class_seed(const char *name);

/* ---- may the two files be compared? (compare_runs.c) ---- */

enum cmp_diff_kind {
	CMP_DIFF_HOST,	   /* refused without --force */
	CMP_DIFF_BACKEND,  /* refused without --force */
	CMP_DIFF_CLASSES,  /* refused without --force */
	CMP_DIFF_METHOD,   /* refused, even with --force: different quantities */
	CMP_DIFF_PLATFORM, /* refused, even with --force: different quantities */
	CMP_DIFF_UNITS,	   /* refused, even with --force: ticks vs instructions */
	CMP_DIFF_NOTE	   /* shown, never refused (build, kernel, microcode, options) */
};

struct cmp_diff {
	enum cmp_diff_kind kind;
	char field[32];
	char base[192], new_[192];
};

#define CMP_MAX_DIFFS 24

/* Every difference between a and b that matters to a comparison; returns
 * how many were stored in out (at most max). */
unsigned int cmp_run_diffs(const struct rf_run *a, const struct rf_run *b, struct cmp_diff *out,
			   unsigned int max);
static inline bool cmp_diff_refused(const struct cmp_diff *d)
{
	return d->kind != CMP_DIFF_NOTE;
}
/* Refused whatever the options: the files measure different things. */
static inline bool cmp_diff_hard(const struct cmp_diff *d)
{
	return d->kind == CMP_DIFF_METHOD || d->kind == CMP_DIFF_PLATFORM ||
	       d->kind == CMP_DIFF_UNITS;
}

/* ---- the command (cmd_compare.c) and its outputs (compare_out.c) ---- */

#define CMP_MAX_FILES 16 /* result files per side */

struct compare_opts {
	const char *base[CMP_MAX_FILES], *new_[CMP_MAX_FILES]; /* result files */
	unsigned int nbase, nnew;
	double threshold_pct;
	const char *json; /* --json F, or NULL */
	bool tap, force;
	bool no_noise_floor; /* use --threshold as given, whatever the host's spread */
};

/* The differences between two of the files. */
struct cmp_pair {
	const struct rf_run *a, *b;
	struct cmp_diff d[CMP_MAX_DIFFS];
	unsigned int n, refused;
};

/* One class of the first base file. */
struct cmp_entry {
	const char *name;
	const struct rf_class *b, *n; /* each side's middle run of the class */
	const struct rf_run *fb, *fn; /* ... and the files they are in */
	bool compared;		      /* ok in every file: r is set */
	char why[300];		      /* not compared: why */
	struct cmp_result r;
	/* This class's own run-to-run spread in the base files, in % (NAN under
	 * two runs), and the threshold its verdict used: max(--threshold, it). */
	double noise_pct, threshold_pct;
	bool unverified_b, unverified_n; /* in any file of that side */
	bool exact; /* instruction counts whose body has no spread: compared exactly */
	double runs_b[MAX_REPEAT], runs_n[MAX_REPEAT]; /* run medians of every file */
	unsigned int nruns_b, nruns_n;
};

struct comparison {
	const struct compare_opts *o;
	struct rf_run base[CMP_MAX_FILES], new_[CMP_MAX_FILES];
	struct cmp_pair pairs[2 * CMP_MAX_FILES];
	unsigned int npairs, nrefused;
	struct cmp_entry *e;
	unsigned int ne;
	unsigned int slower, faster, same, not_compared;
	/* Each class is judged against its own noise floor (cmp_entry); these
	 * sum them up: the largest class floor (NAN when no class has two base
	 * runs), how many classes have one, the largest threshold used. */
	double noise_floor_pct;
	unsigned int noise_classes;
	double threshold_used_pct;
	unsigned int resamples; /* 0: CMP_RESAMPLES (the fuzzer uses fewer) */
};

/* Fills c->e from the loaded files (compare_classes.c): 0, or -1 with
 * eb_error() when nothing can be compared or memory runs out. */
int compare_classes(struct comparison *c);

void compare_print_table(const struct comparison *c, FILE *out);
void compare_print_tap(const struct comparison *c, FILE *out);
/* exitbench-compare/1 (docs/compare.md), written atomically. */
int compare_write_json(const struct comparison *c, const char *path);
/* The same document to an open stream. */
int compare_dump_json(const struct comparison *c, FILE *f);
/* "unverified in base and new", "wide interval", ... joined by "; ", or "" */
const char *cmp_entry_flags(const struct cmp_entry *e);

#endif
