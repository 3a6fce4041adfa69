/* SPDX-License-Identifier: MIT */
/* exitbench report: the gnuplot data files (plots/NAME.dat) and their plot jobs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "bench/report/report.h"

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
		snprintf(buf, len, "classes-%s", first->slug);
	else
		snprintf(buf, len, "classes-%s-%s", first->rf.platform, first->slug);
}

void report_run_title(FILE *f, const struct report_run *run)
{
	char t[320];

	if (run->hardware)
		snprintf(t, sizeof(t), "%s (%s, %s%s)", run->label, run->rf.backend,
			 run->rf.platform, run->rf.guest_seen ? ", CPU seen by the guest" : "");
	else
		snprintf(t, sizeof(t), "%s (%s/%s: software backend, not hardware)", run->label,
			 run->rf.backend, run->rf.kvm_module);
	gp_quote(f, t);
}

struct plot_job *report_add_job(struct report *r, const char *script, const char *out)
{
	struct plot_job *j = realloc(r->jobs, (r->njobs + 1) * sizeof(*j));

	if (!j) {
		eb_fail_errno("plan plot %s", out);
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

/* ---- host-side breakdown: stacked bars ---- */

static unsigned int part_names(const struct report *r, const char **names, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->nruns; i++)
		for (unsigned int k = 0; r->runs[i].rf.has_breakdown && k < r->runs[i].rf.nclasses;
		     k++)
			for (unsigned int p = 0; p < r->runs[i].rf.classes[k].bd.n; p++) {
				const char *nm = r->runs[i].rf.classes[k].bd.part[p].name;
				bool seen = false;

				for (unsigned int j = 0; j < n && !seen; j++)
					seen = strcmp(names[j], nm) == 0;
				if (!seen && n < max)
					names[n++] = nm;
			}
	return n;
}

static const struct rf_part *find_part(const struct rf_breakdown *bd, const char *name)
{
	for (unsigned int p = 0; p < bd->n; p++)
		if (strcmp(bd->part[p].name, name) == 0)
			return &bd->part[p];
	return NULL;
}

static int breakdown_fill(FILE *f, const void *arg)
{
	const struct report *r = arg;
	const char *parts[RF_MAX_PARTS * 4];
	unsigned int np = part_names(r, parts, RF_MAX_PARTS * 4);

	fprintf(f, "# exitbench report: host-side breakdown of the round trip per run and class\n"
		   "# columns: run and class, then each part's median TSC ticks per iteration "
		   "('-': the class has no such part), then the median of the whole round trip "
		   "(the medians of the parts need not add up to it)\n");
	fputs("run", f);
	for (unsigned int p = 0; p < np; p++) {
		fputc(' ', f);
		gp_quote(f, parts[p]);
	}
	fputs(" \"round trip median\"\n", f);
	for (unsigned int i = 0; i < r->nruns; i++)
		for (unsigned int k = 0; r->runs[i].rf.has_breakdown && k < r->runs[i].rf.nclasses;
		     k++) {
			const struct report_run *run = &r->runs[i];
			char label[320];

			if (!run->rf.classes[k].bd.n)
				continue;
			snprintf(label, sizeof(label), "%s %s%s%s%s", run->label,
				 run->rf.classes[k].name,
				 !run->hardware ? " (software backend, not hardware)"
				 : strcmp(run->rf.platform, "bare-metal") ? " (platform "
									  : "",
				 run->hardware && strcmp(run->rf.platform, "bare-metal")
				     ? run->rf.platform
				     : "",
				 run->hardware && strcmp(run->rf.platform, "bare-metal") ? ")"
											 : "");
			gp_quote(f, label);
			for (unsigned int p = 0; p < np; p++) {
				const struct rf_part *pt =
				    find_part(&run->rf.classes[k].bd, parts[p]);

				if (pt)
					fprintf(f, " %.1f", pt->ticks);
				else
					fputs(" -", f);
			}
			fprintf(f, " %.1f\n", run->rf.classes[k].sum.median);
		}
	return ferror(f) ? -1 : 0;
}

static int write_breakdown(struct report *r)
{
	const char *parts[RF_MAX_PARTS * 4];
	char count[16];
	struct plot_job *j;

	for (unsigned int i = 0; i < r->nruns; i++)
		r->any_breakdown |= r->runs[i].rf.has_breakdown;
	if (!r->any_breakdown)
		return 0;
	if (stage_write(r, "plots/breakdown.dat", breakdown_fill, r))
		return -1;
	snprintf(count, sizeof(count), "%u", part_names(r, parts, RF_MAX_PARTS * 4));
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
		if (report_write_classes(r, from, report_group_end(r, from)))
			return -1;
	for (unsigned int from = 0; from < r->nruns; from = report_platform_end(r, from)) {
		unsigned int to = report_platform_end(r, from);

		n = report_class_names(r, from, to, true, names, MAX_NAMES);
		for (unsigned int k = 0; k < n; k++)
			if (report_write_cdf(r, names[k], from, to))
				return -1;
	}
	if (report_write_generations(r))
		return -1;
	return write_breakdown(r);
}
