/* SPDX-License-Identifier: MIT */
/*
 * exitbench report: the classes of one (platform, microarchitecture) group
 * as a dot-and-whisker chart (plots/classes-*.dat): a row per class, a dot
 * per run at the median (hollow: UNVERIFIED), a whisker from p10 to p90.
 * A class that failed, was skipped or did not run in a run is a marked gap
 * at the left edge, never silently missing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/report/report.h"

#define MAX_NAMES 128

struct classes_arg {
	const struct report *r;
	unsigned int from, to;
	const char *names[MAX_NAMES];
	unsigned int nnames;
};

/* Row y of class k for run i: runs spread a little around the class's row. */
static double row_y(const struct classes_arg *a, unsigned int k, unsigned int i)
{
	unsigned int n = a->to - a->from;

	return (double)(a->nnames - 1 - k) + (n > 1 ? 0.25 - 0.5 * (i - a->from) / (n - 1) : 0);
}

static void run_block(FILE *f, const struct classes_arg *a, unsigned int i)
{
	const struct report_run *run = &a->r->runs[i];

	fputs("y median p10 p90 verified ", f);
	report_run_title(f, run);
	fputc('\n', f);
	for (unsigned int k = 0; k < a->nnames; k++) {
		const struct rf_class *c = rf_find_class(&run->rf, a->names[k]);
		char gap[320];

		if (c && c->status == CLASS_OK) {
			fprintf(f, "%.3f %.1f %.1f %.1f %d \"\"\n", row_y(a, k, i), c->sum.median,
				c->sum.p10, c->sum.p90, c->verified);
			continue;
		}
		snprintf(gap, sizeof(gap), "%s", c ? class_status_name(c->status) : "did not run");
		fprintf(f, "%.3f NaN NaN NaN 0 ", row_y(a, k, i));
		gp_quote(f, gap);
		fputc('\n', f);
	}
}

static const char *unverified_note(const struct classes_arg *a, const char *cls)
{
	unsigned int ok = 0, unv = 0;

	for (unsigned int i = a->from; i < a->to; i++) {
		const struct rf_class *c = report_ok_class(&a->r->runs[i], cls);

		ok += c != NULL;
		unv += c && !c->verified;
	}
	return !unv ? "" : unv == ok ? " [UNVERIFIED]" : " [UNVERIFIED in a run]";
}

static int classes_fill(FILE *f, const void *arg)
{
	const struct classes_arg *a = arg;

	fprintf(f, "# exitbench report: round trip per class and run, %s, platform %s\n",
		a->r->runs[a->from].rf.microarch, a->r->runs[a->from].rf.platform);
	fprintf(f, "# units: TSC ticks per iteration, raw (timing overhead included: class null "
		   "is that overhead)\n"
		   "# one block (gnuplot index) per run: y median p10 p90 verified gap; its first "
		   "line is the run's title; median NaN: a gap (the class failed, was skipped or "
		   "did not run), its status in the last column\n"
		   "# the last block: the row of each class and its name\n");
	for (unsigned int i = a->from; i < a->to; i++) {
		fprintf(f, "# index %u\n", i - a->from);
		run_block(f, a, i);
		fputs("\n\n", f);
	}
	fprintf(f, "# index %u: class names\ny name\n", a->to - a->from);
	for (unsigned int k = 0; k < a->nnames; k++) {
		char name[128];

		snprintf(name, sizeof(name), "%s%s", a->names[k], unverified_note(a, a->names[k]));
		fprintf(f, "%u ", a->nnames - 1 - k);
		gp_quote(f, name);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

/* The smallest p10 of the group: the gaps are marked left of it. */
static double left_edge(const struct classes_arg *a)
{
	double lo = INFINITY;

	for (unsigned int i = a->from; i < a->to; i++)
		for (unsigned int k = 0; k < a->nnames; k++) {
			const struct rf_class *c = report_ok_class(&a->r->runs[i], a->names[k]);

			if (c && c->sum.p10 > 0)
				lo = fmin(lo, c->sum.p10);
		}
	return isfinite(lo) ? lo / 3 : 1;
}

int report_write_classes(struct report *r, unsigned int from, unsigned int to)
{
	struct classes_arg a = {.r = r, .from = from, .to = to};
	char base[96], rel[160], count[16], edge[32];
	struct plot_job *j;

	if (!report_class_names(r, from, to, true, a.names, MAX_NAMES))
		return 0; /* no class measured: nothing to draw */
	a.nnames = report_class_names(r, from, to, false, a.names, MAX_NAMES);
	report_bars_name(&r->runs[from], base, sizeof(base));
	snprintf(rel, sizeof(rel), "plots/%s.dat", base);
	if (stage_write(r, rel, classes_fill, &a))
		return -1;
	snprintf(count, sizeof(count), "%u", to - from);
	snprintf(edge, sizeof(edge), "%.1f", left_edge(&a));
	j = report_add_job(r, "classes.gp", base);
	if (!j)
		return -1;
	report_job_arg(j, "%s.dat", base);
	report_job_arg(j, "%s", base);
	report_job_arg(j, "%s", r->runs[from].rf.microarch);
	report_job_arg(j, "%s", count);
	report_job_arg(j, "%s", edge);
	report_job_arg(j, "%s", r->runs[from].rf.platform);
	return 0;
}
