/* SPDX-License-Identifier: MIT */
/*
 * exitbench report: the latency CDF of one class, a line per run of one
 * platform, from the quantiles each result file keeps (plots/cdf-CLASS.dat,
 * or cdf-PLATFORM-CLASS.dat when the platform is not bare-metal).  The plot shows
 * the body, p1 to p99 of the runs; each run's title gives its tails (min and
 * max) and says when the class is UNVERIFIED there.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/report/report.h"

#define CDF_MAX_RUNS 64
#define Q_P1	     ((QUANTILES - 1) / 100)
#define Q_P99	     ((QUANTILES - 1) * 99 / 100)

struct cdf_arg {
	const struct report *r;
	const char *cls;
	unsigned int idx[CDF_MAX_RUNS], n;
};

static const struct rf_class *cdf_class(const struct cdf_arg *a, unsigned int i)
{
	return report_ok_class(&a->r->runs[a->idx[i]], a->cls);
}

static void run_title(FILE *f, const struct cdf_arg *a, unsigned int i)
{
	const struct report_run *run = &a->r->runs[a->idx[i]];
	const struct rf_class *c = cdf_class(a, i);
	char t[400];

	char what[128];

	if (run->hardware)
		snprintf(what, sizeof(what), "%s, %s", run->rf.backend, run->rf.platform);
	else
		snprintf(what, sizeof(what), "%s/%s: software backend, not hardware",
			 run->rf.backend, run->rf.kvm_module);
	snprintf(t, sizeof(t), "%s (%s)%s; tails: min %.0f, max %.0f", run->label, what,
		 c->verified ? "" : " UNVERIFIED: not shown to be an exit", (double)c->sum.min,
		 (double)c->sum.max);
	gp_quote(f, t);
}

static int cdf_fill(FILE *f, const void *arg)
{
	const struct cdf_arg *a = arg;

	fprintf(f, "# exitbench report: latency CDF of class %s from each run's %d quantiles\n",
		a->cls, QUANTILES);
	fprintf(f, "# columns: fraction of iterations, then per run the TSC ticks at that "
		   "quantile (raw round trip)\n");
	fputs("fraction", f);
	for (unsigned int i = 0; i < a->n; i++) {
		fputc(' ', f);
		run_title(f, a, i);
	}
	fputc('\n', f);
	for (unsigned int q = 0; q < QUANTILES; q++) {
		fprintf(f, "%.3f", (double)q / (QUANTILES - 1));
		for (unsigned int i = 0; i < a->n; i++) {
			const struct rf_class *c = cdf_class(a, i);
			double v = q < c->nquantiles ? c->quantiles[q] : NAN;

			if (isfinite(v))
				fprintf(f, " %.1f", v);
			else
				fputs(" NaN", f);
		}
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

/* "1 0 ...": per run, the class is verified (verified) or the run is bare-metal */
static void flags(const struct cdf_arg *a, bool verified, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < a->n && used < len; i++)
		used += (size_t)snprintf(
		    buf + used, len - used, "%s%d", i ? " " : "",
		    verified ? cdf_class(a, i)->verified
			     : !strcmp(a->r->runs[a->idx[i]].rf.platform, "bare-metal"));
}

/* The body every run shares: the lowest p1 and the highest p99. */
static void body(const struct cdf_arg *a, char *lo, char *hi, size_t len)
{
	double l = INFINITY, h = -INFINITY;

	for (unsigned int i = 0; i < a->n; i++) {
		const struct rf_class *c = cdf_class(a, i);

		l = fmin(l, c->quantiles[Q_P1]);
		h = fmax(h, c->quantiles[Q_P99]);
	}
	if (h <= l)
		h = l + 1;
	snprintf(lo, len, "%.1f", l);
	snprintf(hi, len, "%.1f", h);
}

void report_cdf_name(const struct report_run *first, const char *cls, char *buf, size_t len)
{
	char file[64];

	class_file_name(cls, file, sizeof(file));
	if (strcmp(first->rf.platform, "bare-metal") == 0)
		snprintf(buf, len, "cdf-%s", file);
	else
		snprintf(buf, len, "cdf-%s-%s", first->rf.platform, file);
}

int report_write_cdf(struct report *r, const char *cls, unsigned int from, unsigned int to)
{
	struct cdf_arg a = {.r = r, .cls = cls};
	char base[96], rel[160], hw[160], ver[160], count[16], lo[32], hi[32];
	struct plot_job *j;

	for (unsigned int i = from; i < to && a.n < CDF_MAX_RUNS; i++) {
		const struct rf_class *c = report_ok_class(&r->runs[i], cls);

		if (c && c->nquantiles == QUANTILES)
			a.idx[a.n++] = i;
	}
	if (!a.n)
		return 0;
	report_cdf_name(&r->runs[from], cls, base, sizeof(base));
	snprintf(rel, sizeof(rel), "plots/%s.dat", base);
	if (stage_write(r, rel, cdf_fill, &a))
		return -1;
	flags(&a, false, hw, sizeof(hw));
	flags(&a, true, ver, sizeof(ver));
	body(&a, lo, hi, sizeof(lo));
	snprintf(count, sizeof(count), "%u", a.n);
	j = report_add_job(r, "cdf.gp", base);
	if (!j)
		return -1;
	report_job_arg(j, "%s.dat", base);
	report_job_arg(j, "%s", base);
	report_job_arg(j, "%s", cls);
	report_job_arg(j, "%s", count);
	report_job_arg(j, "%s", hw);
	report_job_arg(j, "%s", ver);
	report_job_arg(j, "%s", lo);
	report_job_arg(j, "%s", hi);
	report_job_arg(j, "%s", r->runs[from].rf.platform);
	return 0;
}
