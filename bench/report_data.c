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
	snprintf(buf, len, "bars-%s", first->slug);
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

static struct plot_job *add_job(struct report *r, const char *script, const char *out)
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

static void job_arg(struct plot_job *j, const char *fmt, const char *s)
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
	j = add_job(r, "bars.gp", base);
	if (!j)
		return -1;
	job_arg(j, "%s.dat", base);
	job_arg(j, "%s", base);
	job_arg(j, "%s", r->runs[from].rf.microarch);
	job_arg(j, "%s", count);
	job_arg(j, "%s", flags);
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
	j = add_job(r, "cdf.gp", base);
	if (!j)
		return -1;
	job_arg(j, "%s.dat", base);
	job_arg(j, "%s", base);
	job_arg(j, "%s", cls);
	job_arg(j, "%s", count);
	job_arg(j, "%s", flags);
	return 0;
}

/* ---- the generation chart ---- */

static void place(struct gen_point *p, const struct report_run *run, const char *cls)
{
	const struct rf_class *c = rf_find_class(&run->rf, cls);

	memset(p, 0, sizeof(*p));
	p->run = run;
	snprintf(p->cls, sizeof(p->cls), "%s", cls);
	p->ticks = NAN;
	if (!c) {
		snprintf(p->why, sizeof(p->why), "%s did not run", cls);
		return;
	}
	if (strcmp(c->status, "ok")) {
		snprintf(p->why, sizeof(p->why), "%s %s: %s", c->name, c->status, c->reason);
		return;
	}
	p->ticks = c->net_median;
	p->verified = c->verified;
	if (!isfinite(p->ticks))
		snprintf(p->why, sizeof(p->why), "%s has no net median (null did not run)", cls);
	else if (p->ticks <= 0)
		snprintf(p->why, sizeof(p->why),
			 "%s net median %.0f ticks is not above the timing overhead", cls,
			 p->ticks);
	else
		p->placed = true;
}

struct gen_point *report_gen_points(const struct report *r, unsigned int *n)
{
	char list[sizeof(r->o->gen_classes)], *save = NULL;
	const char *cls[16];
	unsigned int ncls = 0;
	struct gen_point *pts;

	snprintf(list, sizeof(list), "%s", r->o->gen_classes);
	for (char *t = strtok_r(list, ",", &save); t && ncls < 16; t = strtok_r(NULL, ",", &save))
		cls[ncls++] = t;
	*n = 0;
	pts = calloc(r->nruns * ncls + 1, sizeof(*pts));
	if (!pts) {
		mvm_fail_errno("allocate %u generation points", r->nruns * ncls);
		return NULL;
	}
	for (unsigned int i = 0; i < r->nruns; i++)
		for (unsigned int k = 0; k < ncls; k++)
			place(&pts[(*n)++], &r->runs[i], cls[k]);
	return pts;
}

enum { G_PUB_HW, G_PUB_KVM, G_PUB_UNKNOWN, G_HW, G_HW_UNVERIFIED, G_SOFTWARE, G_NSERIES };

static const char *const series_name[G_NSERIES] = {
    "published, quantity hardware: bare VM entry + exit round trip",
    "published, quantity kvm: KVM round trip (exit handled by KVM or its VMM)",
    "published, quantity unknown: the source does not say what it measured",
    "measured by exitbench (KVM round trip, net median), VT-x/AMD-V backend, verified",
    "measured by exitbench, VT-x/AMD-V backend, UNVERIFIED (exits per iteration not as "
    "expected)",
    "measured by exitbench on a software backend: NOT a hardware VM exit",
};

struct gen_arg {
	const struct report *r;
	const struct gen_point *pts;
	unsigned int npts;
};

static int pub_series(const struct pub_row *p)
{
	return p->quantity == PUB_HARDWARE ? G_PUB_HW
	       : p->quantity == PUB_KVM	   ? G_PUB_KVM
					   : G_PUB_UNKNOWN;
}

static int point_series(const struct gen_point *p)
{
	if (!p->run->hardware)
		return G_SOFTWARE;
	return p->verified ? G_HW : G_HW_UNVERIFIED;
}

/* Is published row i the first of its series and microarchitecture? */
static bool first_of(const struct report *r, unsigned int i)
{
	const struct pub_row *p = &r->pub.rows[i];

	for (unsigned int k = 0; k < i; k++)
		if (pub_series(&r->pub.rows[k]) == pub_series(p) &&
		    strcmp(r->pub.rows[k].microarch, p->microarch) == 0)
			return false;
	return true;
}

static unsigned int gen_block(FILE *f, const struct gen_arg *a, int s)
{
	unsigned int rows = 0;
	char label[320];

	for (unsigned int i = 0; a->r->have_pub && s <= G_PUB_UNKNOWN && i < a->r->pub.n; i++) {
		const struct pub_row *p = &a->r->pub.rows[i];

		if (pub_series(p) != s || !p->year)
			continue;
		/* the name once per series and microarchitecture: labels stay readable */
		fprintf(f, "%d %.1f ", p->year, p->cycles);
		gp_quote(f, first_of(a->r, i) ? p->microarch : "");
		fprintf(f, " # published.csv line %u\n", p->line);
		rows++;
	}
	for (unsigned int i = 0; s >= G_HW && i < a->npts; i++) {
		const struct gen_point *p = &a->pts[i];

		if (!p->placed || point_series(p) != s)
			continue;
		snprintf(label, sizeof(label), "%s: %s%s%s%s", p->run->label, p->cls,
			 p->verified ? "" : " (unverified)",
			 p->run->hardware ? "" : " (software backend)",
			 p->run->year_is_run ? " (microarch year unknown: placed at run year)"
					     : "");
		fprintf(f, "%d %.1f ", p->run->year, p->ticks);
		gp_quote(f, label);
		fputc('\n', f);
		rows++;
	}
	if (!rows)
		fputs("NaN NaN \"\"\n", f); /* keeps the block's index */
	return rows;
}

static int gen_fill(FILE *f, const void *arg)
{
	const struct gen_arg *a = arg;

	fprintf(f, "# exitbench report: the generation chart\n"
		   "# x: year.  published: the year the source gives for the microarchitecture;\n"
		   "#    measured: launch year of the host's microarchitecture, else the year of "
		   "the run\n"
		   "# y: cycles (TSC ticks) per round trip; measured: net median (median - null "
		   "median)\n"
		   "# blocks (gnuplot index), never joined into one line:\n");
	for (int s = 0; s < G_NSERIES; s++)
		fprintf(f, "#   %d: %s\n", s, series_name[s]);
	for (int s = 0; s < G_NSERIES; s++) {
		fprintf(f, "%s# index %d: %s\nyear cycles label\n", s ? "\n\n" : "", s,
			series_name[s]);
		gen_block(f, a, s);
	}
	fprintf(f, "\n\n# published rows without a microarchitecture or year (not plotted):\n");
	for (unsigned int i = 0; a->r->have_pub && i < a->r->pub.n; i++) {
		const struct pub_row *p = &a->r->pub.rows[i];

		if (!p->year)
			fprintf(f, "# line %u: %s %s %.1f cycles, quantity %s: %s\n", p->line,
				p->vendor, p->cls, p->cycles, pub_quantity_name(p->quantity),
				p->source);
	}
	return ferror(f) ? -1 : 0;
}

/* Which series have points: the script titles only those. */
static void gen_flags(const struct gen_arg *a, char *buf, size_t len)
{
	FILE *null = fopen("/dev/null", "w");
	size_t used = 0;

	buf[0] = 0;
	for (int s = 0; s < G_NSERIES && null; s++)
		used += (size_t)snprintf(buf + used, len - used, "%s%d", s ? " " : "",
					 gen_block(null, a, s) > 0);
	if (null)
		fclose(null);
}

static int write_generations(struct report *r)
{
	struct gen_arg a = {.r = r};
	struct gen_point *pts = report_gen_points(r, &a.npts);
	char flags[64];
	struct plot_job *j;
	int ret;

	if (!pts)
		return -1;
	a.pts = pts;
	ret = stage_write(r, "plots/generations.dat", gen_fill, &a);
	gen_flags(&a, flags, sizeof(flags));
	free(pts);
	if (ret)
		return -1;
	if (!strchr(flags, '1'))
		return 0; /* nothing to draw */
	j = add_job(r, "generations.gp", "generations");
	if (!j)
		return -1;
	job_arg(j, "%s", "generations.dat");
	job_arg(j, "%s", "generations");
	job_arg(j, "%s", flags);
	job_arg(j, "%s", r->o->gen_classes);
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
	j = add_job(r, "breakdown.gp", "breakdown");
	if (!j)
		return -1;
	job_arg(j, "%s", "breakdown.dat");
	job_arg(j, "%s", "breakdown");
	job_arg(j, "%s", count);
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
	if (write_generations(r))
		return -1;
	return write_breakdown(r);
}
