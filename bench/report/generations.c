/* SPDX-License-Identifier: MIT */
/*
 * exitbench report: the generation chart (plots/generations.dat and its
 * plot job).  Published figures stand at their microarchitecture's year,
 * one series per quantity *and* class (docs/published-data.md: figures of
 * different quantities or classes are never one series); each measured run
 * of a verified class on a platform with a hardware year stands at its
 * microarchitecture's year, one series per class.  UNVERIFIED classes and
 * runs whose CPU is a guest's view (nested, emulated, software inside a VM)
 * get no point: the README lists them with the reason.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/host/platform.h"
#include "bench/report/report.h"
#include "lib/error.h"

#define GEN_MAX_BLOCKS 32
#define GEN_MAX_YEARS  64

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
	if (c->status != CLASS_OK) {
		snprintf(p->why, sizeof(p->why), "%s %s: %s", c->name, class_status_name(c->status),
			 c->reason);
		return;
	}
	p->ticks = c->net_median;
	p->verified = c->verified;
	if (!c->verified)
		snprintf(p->why, sizeof(p->why),
			 "%s UNVERIFIED (%s): no net median is claimed; its distribution stays in "
			 "the result file",
			 cls, c->reason[0] ? c->reason : "exits per iteration not as expected");
	else if (!run->hardware_year)
		snprintf(p->why, sizeof(p->why),
			 "platform %s: the CPU (%s) is as seen by the guest, so the run has no "
			 "hardware generation's year",
			 run->rf.platform, run->rf.microarch);
	else if (!isfinite(p->ticks))
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
		eb_fail_errno("allocate %u generation points", r->nruns * ncls);
		return NULL;
	}
	for (unsigned int i = 0; i < r->nruns; i++)
		for (unsigned int k = 0; k < ncls; k++)
			place(&pts[(*n)++], &r->runs[i], cls[k]);
	return pts;
}

/* One series of the chart: published (quantity, class) or measured (class, backend). */
struct gen_block {
	bool measured, software;
	int quantity; /* enum pub_quantity, published blocks */
	char cls[48];
	char title[192];
	char style[48]; /* "pointtype:pointsize:#rrggbb" for the script */
};

struct gen_arg {
	const struct report *r;
	const struct gen_point *pts;
	unsigned int npts;
	struct gen_block b[GEN_MAX_BLOCKS];
	unsigned int nb;
	const char *classes[GEN_MAX_BLOCKS]; /* colour order */
	unsigned int ncls;
};

static const char *const quantity_title[PUB_NQUANTITIES] = {
    "published, hardware round trip",
    "published, KVM round trip",
    "published, quantity unknown",
    "published, entry/exit window inside KVM",
};
static const int quantity_pt[PUB_NQUANTITIES] = {9, 5, 7, 11};
static const char *const palette[] = {"#1f5fbf", "#2a9d3a", "#d62728", "#9467bd", "#8c564b",
				      "#e377c2", "#17becf", "#bcbd22", "#ff7f0e", "#7f7f7f"};

/* A class's colour: the same for its published and measured series. */
static const char *colour(struct gen_arg *a, const char *cls)
{
	unsigned int i = 0;

	while (i < a->ncls && strcmp(a->classes[i], cls))
		i++;
	if (i == a->ncls && a->ncls < GEN_MAX_BLOCKS)
		a->classes[a->ncls++] = cls;
	return palette[i % (sizeof(palette) / sizeof(palette[0]))];
}

/* A measured run's quantity: exitbench hw's bare hardware round trip, or the
 * KVM round trip of exitbench run.  Each has its own series per class. */
static int run_quantity(const struct report_run *run)
{
	return strcmp(run->rf.quantity, "hardware round trip") == 0 ? PUB_HARDWARE : PUB_KVM;
}

static void add_block(struct gen_arg *a, bool measured, bool software, int q, const char *cls)
{
	struct gen_block *b;

	for (unsigned int i = 0; i < a->nb; i++) {
		b = &a->b[i];
		if (b->measured == measured && b->software == software && b->quantity == q &&
		    strcmp(b->cls, cls) == 0)
			return;
	}
	if (a->nb >= GEN_MAX_BLOCKS)
		return;
	b = &a->b[a->nb++];
	b->measured = measured;
	b->software = software;
	b->quantity = q;
	snprintf(b->cls, sizeof(b->cls), "%s", cls);
	if (!measured)
		snprintf(b->title, sizeof(b->title), "%s: %s", quantity_title[q], cls);
	else if (q == PUB_HARDWARE)
		snprintf(b->title, sizeof(b->title),
			 "measured by exitbench hw (hardware round trip, net median), %s: %s",
			 software ? "software backend, NOT hardware" : "bare-metal VT-x/AMD-V",
			 cls);
	else
		snprintf(b->title, sizeof(b->title), "measured by exitbench (net median), %s: %s",
			 software ? "software backend, NOT hardware" : "bare-metal VT-x/AMD-V",
			 cls);
	snprintf(b->style, sizeof(b->style), "%d:%s:%s",
		 !measured	     ? quantity_pt[q]
		 : q == PUB_HARDWARE ? quantity_pt[PUB_HARDWARE] /* the hardware series' shape */
		 : software	     ? 12
				     : 13,
		 measured ? "2.2" : "1.3", colour(a, cls));
}

static void plan_blocks(struct gen_arg *a)
{
	for (unsigned int i = 0; a->r->have_pub && i < a->r->pub.n; i++) {
		const struct pub_row *p = &a->r->pub.rows[i];

		if (p->year)
			add_block(a, false, false, (int)p->quantity, p->cls);
	}
	for (unsigned int i = 0; i < a->npts; i++)
		if (a->pts[i].placed)
			add_block(a, true, !a->pts[i].run->hardware, run_quantity(a->pts[i].run),
				  a->pts[i].cls);
}

static void measured_rows(FILE *f, const struct gen_arg *a, const struct gen_block *b)
{
	char label[320];

	for (unsigned int i = 0; i < a->npts; i++) {
		const struct gen_point *p = &a->pts[i];

		if (!p->placed || b->software != !p->run->hardware || strcmp(p->cls, b->cls) ||
		    run_quantity(p->run) != b->quantity)
			continue;
		snprintf(label, sizeof(label), "%s: %s%s%s", p->run->label, p->cls,
			 p->run->hardware ? "" : " (software backend)",
			 p->run->year_is_run ? " (microarch year unknown: placed at run year)"
					     : "");
		fprintf(f, "%d %.1f ", p->run->year, p->ticks);
		gp_quote(f, label);
		fputc('\n', f);
	}
}

static void block_rows(FILE *f, const struct gen_arg *a, const struct gen_block *b)
{
	fputs("year cycles ", f);
	gp_quote(f, b->title);
	fputc('\n', f);
	if (b->measured) {
		measured_rows(f, a, b);
		return;
	}
	for (unsigned int i = 0; i < a->r->pub.n; i++) {
		const struct pub_row *p = &a->r->pub.rows[i];

		if (p->year && (int)p->quantity == b->quantity && strcmp(p->cls, b->cls) == 0)
			fprintf(f, "%d %.1f \"\" # published.csv line %u\n", p->year, p->cycles,
				p->line);
	}
}

/* The last block: one name line per year ("Skylake-SP / Coffee Lake"), for
 * the top axis, so that no two names overlap. */
static void names_block(FILE *f, const struct gen_arg *a)
{
	int years[GEN_MAX_YEARS];
	unsigned int ny = 0;

	fputs("year cycles \"microarchitectures\"\n", f);
	for (unsigned int i = 0; a->r->have_pub && i < a->r->pub.n; i++) {
		const struct pub_row *p = &a->r->pub.rows[i];
		bool seen = false;

		for (unsigned int k = 0; k < ny && !seen; k++)
			seen = years[k] == p->year;
		if (!p->year || seen || ny >= GEN_MAX_YEARS)
			continue;
		years[ny++] = p->year;
		fprintf(f, "%d NaN \"", p->year);
		for (unsigned int k = i, n = 0; k < a->r->pub.n; k++) {
			const struct pub_row *q = &a->r->pub.rows[k];
			bool dup = false;

			for (unsigned int j = i; j < k && !dup; j++)
				dup = a->r->pub.rows[j].year == q->year &&
				      strcmp(a->r->pub.rows[j].microarch, q->microarch) == 0;
			if (q->year == p->year && !dup)
				fprintf(f, "%s%s", n++ ? " / " : "", q->microarch);
		}
		fputs("\"\n", f);
	}
}

static int gen_fill(FILE *f, const void *arg)
{
	const struct gen_arg *a = arg;

	fprintf(f, "# exitbench report: the generation chart\n"
		   "# x: year: the microarchitecture's launch year (published rows: the year in "
		   "published.csv; measured runs: bench/host/uarch.c, else the year of the run)\n"
		   "# y: cycles (TSC ticks) per round trip; measured: net median (median - null "
		   "median) of verified classes only\n"
		   "# one block (gnuplot index) per series, never joined; the first line of each "
		   "is its title; the last block names the microarchitectures per year\n");
	for (unsigned int i = 0; i < a->nb; i++) {
		fprintf(f, "%s# index %u\n", i ? "\n\n" : "", i);
		block_rows(f, a, &a->b[i]);
	}
	fprintf(f, "%s# index %u: names\n", a->nb ? "\n\n" : "", a->nb);
	names_block(f, a);
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

int report_write_generations(struct report *r)
{
	struct gen_arg *a = calloc(1, sizeof(*a));
	struct plot_job *j;
	char styles[GEN_MAX_BLOCKS * 48 + 1] = "";
	int ret = -1;

	if (!a)
		return eb_fail_errno("plan the generation chart");
	a->r = r;
	a->pts = report_gen_points(r, &a->npts);
	if (!a->pts)
		goto out;
	plan_blocks(a);
	if (stage_write(r, "plots/generations.dat", gen_fill, a))
		goto out;
	ret = 0;
	if (!a->nb)
		goto out; /* nothing to draw */
	for (unsigned int i = 0; i < a->nb; i++)
		snprintf(styles + strlen(styles), sizeof(styles) - strlen(styles), "%s%s",
			 i ? " " : "", a->b[i].style);
	j = report_add_job(r, "generations.gp", "generations");
	if (!j) {
		ret = -1;
		goto out;
	}
	report_job_arg(j, "%s", "generations.dat");
	report_job_arg(j, "%s", "generations");
	report_job_arg(j, "%s", styles);
	report_job_arg(j, "%s", r->o->gen_classes);
out:
	free((void *)a->pts);
	free(a);
	return ret;
}
