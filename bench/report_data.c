/* SPDX-License-Identifier: MIT */
/* exitbench report: the gnuplot data files (plots/NAME.dat) and their plot jobs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/report.h"

#define MAX_NAMES 128

void gp_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : (*s == '\n' ? ' ' : *s), f);
	fputc('"', f);
}

void class_file_name(const char *cls, char *buf, size_t len)
{
	size_t i = 0;

	for (; cls[i] && i + 1 < len; i++) {
		char c = cls[i];

		buf[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '_' || c == '-'
			     ? c
			     : '-';
	}
	buf[i] = 0;
}

void report_bars_name(const struct report_run *first, char *buf, size_t len)
{
	if (strcmp(first->rf.platform, "bare-metal") == 0)
		snprintf(buf, len, "bars-%s", first->slug);
	else
		snprintf(buf, len, "bars-%s-%s", first->rf.platform, first->slug);
}

/* A run's title in plots: software backends say what they are. */
static void run_title(FILE *f, const struct report_run *run)
{
	char t[320];

	if (run->hardware)
		snprintf(t, sizeof(t), "%s (%s)", run->label, run->rf.backend);
	else
		snprintf(t, sizeof(t), "%s (%s/%s: software backend, not hardware)", run->label,
			 run->rf.backend, run->rf.kvm_module);
	gp_quote(f, t);
}

static void num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.1f", v);
	else
		fputs(" NaN", f);
}

struct plot_job *report_add_job(struct report *r, const char *script, const char *out)
{
	struct plot_job *j = realloc(r->jobs, (r->njobs + 1) * sizeof(*j));

	if (!j) {
		mvm_fail_errno("plan plot %s", out);
		return NULL;
	}
	r->jobs = j;
	j = &j[r->njobs++];
	memset(j, 0, sizeof(*j));
	snprintf(j->script, sizeof(j->script), "%s", script);
	snprintf(j->out, sizeof(j->out), "%s", out);
	return j;
}

void report_job_arg(struct plot_job *j, const char *fmt, const char *s)
{
	snprintf(j->args[j->nargs++], sizeof(j->args[0]), fmt, s);
}

/* "1 0 1": which of the runs are hardware backends (solid) or not (hatched). */
static void hw_flags(const struct report *r, const unsigned int *idx, unsigned int n, char *buf,
		     size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%d", i ? " " : "",
					 r->runs[idx[i]].hardware);
}

/* ---- per-class bars of one microarchitecture ---- */

struct bars_arg {
	const struct report *r;
	unsigned int from, to;
	const char **names;
	unsigned int nnames;
};

static const char *unverified_note(const struct bars_arg *a, const char *cls)
{
	unsigned int ok = 0, unv = 0;

	for (unsigned int i = a->from; i < a->to; i++) {
		const struct rf_class *c = report_ok_class(&a->r->runs[i], cls);

		ok += c != NULL;
		unv += c && !c->verified;
	}
	return !unv ? "" : unv == ok ? " [unverified]" : " [unverified in a run]";
}

static int bars_fill(FILE *f, const void *arg)
{
	const struct bars_arg *a = arg;
	const struct report *r = a->r;

	fprintf(f, "# exitbench report: round trip per class and run, microarchitecture %s\n",
		r->runs[a->from].rf.microarch);
	fprintf(f, "# units: TSC ticks per iteration, raw (timing overhead included: class null "
		   "is that overhead)\n");
	fprintf(f, "# columns: class, then per run: median p10 p90 (NaN: the class did not run "
		   "or is not ok)\n");
	fprintf(f, "# runs titled 'software backend, not hardware' are not VT-x/AMD-V VM exits\n");
	fputs("class", f);
	for (unsigned int i = a->from; i < a->to; i++) {
		fputc(' ', f);
		run_title(f, &r->runs[i]);
		fputs(" p10 p90", f);
	}
	fputc('\n', f);
	for (unsigned int k = 0; k < a->nnames; k++) {
		char xt[128];

		snprintf(xt, sizeof(xt), "%s%s", a->names[k], unverified_note(a, a->names[k]));
		gp_quote(f, xt);
		for (unsigned int i = a->from; i < a->to; i++) {
			const struct rf_class *c = report_ok_class(&r->runs[i], a->names[k]);

			num(f, c ? c->median : NAN);
			num(f, c ? c->p10 : NAN);
			num(f, c ? c->p90 : NAN);
		}
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

static int write_bars(struct report *r, unsigned int from, unsigned int to)
{
	const char *names[MAX_NAMES];
	struct bars_arg a = {r, from, to, names, 0};
	unsigned int idx[64], n = 0;
	char base[96], rel[160], flags[160], count[16];
	struct plot_job *j;

	a.nnames = report_class_names(r, from, to, true, names, MAX_NAMES);
	if (!a.nnames)
		return 0; /* no class measured: nothing to draw */
	report_bars_name(&r->runs[from], base, sizeof(base));
	snprintf(rel, sizeof(rel), "plots/%s.dat", base);
	if (stage_write(r, rel, bars_fill, &a))
		return -1;
	for (unsigned int i = from; i < to && n < 64; i++)
		idx[n++] = i;
	hw_flags(r, idx, n, flags, sizeof(flags));
	snprintf(count, sizeof(count), "%u", to - from);
	j = report_add_job(r, "bars.gp", base);
	if (!j)
		return -1;
	report_job_arg(j, "%s.dat", base);
	report_job_arg(j, "%s", base);
	report_job_arg(j, "%s", r->runs[from].rf.microarch);
	report_job_arg(j, "%s", count);
	report_job_arg(j, "%s", flags);
	return 0;
}

/* ---- latency CDF of one class over every run that has it ---- */

struct cdf_arg {
	const struct report *r;
	const char *cls;
	unsigned int idx[64], n;
};

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
		run_title(f, &a->r->runs[a->idx[i]]);
	}
	fputc('\n', f);
	for (unsigned int q = 0; q < QUANTILES; q++) {
		fprintf(f, "%.3f", (double)q / (QUANTILES - 1));
		for (unsigned int i = 0; i < a->n; i++) {
			const struct rf_class *c = report_ok_class(&a->r->runs[a->idx[i]], a->cls);

			num(f, q < c->nquantiles ? c->quantiles[q] : NAN);
		}
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

static int write_cdf(struct report *r, const char *cls)
{
	struct cdf_arg a = {.r = r, .cls = cls};
	char file[64], base[96], rel[160], flags[160], count[16];
	struct plot_job *j;

	for (unsigned int i = 0; i < r->nruns && a.n < 64; i++) {
		const struct rf_class *c = report_ok_class(&r->runs[i], cls);

		if (c && c->nquantiles)
			a.idx[a.n++] = i;
	}
	if (!a.n)
		return 0;
	class_file_name(cls, file, sizeof(file));
	snprintf(base, sizeof(base), "cdf-%s", file);
	snprintf(rel, sizeof(rel), "plots/%s.dat", base);
	if (stage_write(r, rel, cdf_fill, &a))
		return -1;
	hw_flags(r, a.idx, a.n, flags, sizeof(flags));
	snprintf(count, sizeof(count), "%u", a.n);
	j = report_add_job(r, "cdf.gp", base);
	if (!j)
		return -1;
	report_job_arg(j, "%s.dat", base);
	report_job_arg(j, "%s", base);
	report_job_arg(j, "%s", cls);
	report_job_arg(j, "%s", count);
	report_job_arg(j, "%s", flags);
	return 0;
}

/* ---- host-side breakdown: stacked bars ---- */

static unsigned int part_names(const struct report *r, const char **names, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->nruns; i++)
		for (unsigned int k = 0; r->runs[i].has_breakdown && k < r->runs[i].rf.nclasses;
		     k++)
			for (unsigned int p = 0; p < r->runs[i].bd[k].n; p++) {
				const char *nm = r->runs[i].bd[k].part[p].name;
				bool seen = false;

				for (unsigned int j = 0; j < n && !seen; j++)
					seen = strcmp(names[j], nm) == 0;
				if (!seen && n < max)
					names[n++] = nm;
			}
	return n;
}

static const struct report_part *find_part(const struct report_breakdown *bd, const char *name)
{
	for (unsigned int p = 0; p < bd->n; p++)
		if (strcmp(bd->part[p].name, name) == 0)
			return &bd->part[p];
	return NULL;
}

static int breakdown_fill(FILE *f, const void *arg)
{
	const struct report *r = arg;
	const char *parts[REPORT_MAX_PARTS * 4];
	unsigned int np = part_names(r, parts, REPORT_MAX_PARTS * 4);

	fprintf(f, "# exitbench report: host-side breakdown of the round trip per run and class\n"
		   "# columns: run and class, then each part's median TSC ticks per iteration "
		   "('-': the class has no such part)\n");
	fputs("run", f);
	for (unsigned int p = 0; p < np; p++) {
		fputc(' ', f);
		gp_quote(f, parts[p]);
	}
	fputc('\n', f);
	for (unsigned int i = 0; i < r->nruns; i++)
		for (unsigned int k = 0; r->runs[i].has_breakdown && k < r->runs[i].rf.nclasses;
		     k++) {
			const struct report_run *run = &r->runs[i];
			char label[320];

			if (!run->bd[k].n)
				continue;
			snprintf(label, sizeof(label), "%s %s%s", run->label,
				 run->rf.classes[k].name,
				 run->hardware ? "" : " (software backend, not hardware)");
			gp_quote(f, label);
			for (unsigned int p = 0; p < np; p++) {
				const struct report_part *pt = find_part(&run->bd[k], parts[p]);

				if (pt)
					fprintf(f, " %.1f", pt->ticks);
				else
					fputs(" -", f);
			}
			fputc('\n', f);
		}
	return ferror(f) ? -1 : 0;
}

static int write_breakdown(struct report *r)
{
	const char *parts[REPORT_MAX_PARTS * 4];
	char count[16];
	struct plot_job *j;

	for (unsigned int i = 0; i < r->nruns; i++)
		r->any_breakdown |= r->runs[i].has_breakdown;
	if (!r->any_breakdown)
		return 0;
	if (stage_write(r, "plots/breakdown.dat", breakdown_fill, r))
		return -1;
	snprintf(count, sizeof(count), "%u", part_names(r, parts, REPORT_MAX_PARTS * 4));
	j = report_add_job(r, "breakdown.gp", "breakdown");
	if (!j)
		return -1;
	report_job_arg(j, "%s", "breakdown.dat");
	report_job_arg(j, "%s", "breakdown");
	report_job_arg(j, "%s", count);
	return 0;
}

int report_write_data(struct report *r)
{
	const char *names[MAX_NAMES];
	unsigned int n;

	for (unsigned int from = 0; from < r->nruns; from = report_group_end(r, from))
		if (write_bars(r, from, report_group_end(r, from)))
			return -1;
	n = report_class_names(r, 0, r->nruns, true, names, MAX_NAMES);
	for (unsigned int k = 0; k < n; k++)
		if (write_cdf(r, names[k]))
			return -1;
	if (report_write_generations(r))
		return -1;
	return write_breakdown(r);
}
