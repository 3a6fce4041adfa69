/* SPDX-License-Identifier: MIT */
/* The terminal table, CSV and Markdown writers of a run. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/result/columns.h"
#include "bench/result/result.h"
#include "lib/files.h"

/* " [modified source]" after the tool version of a build from a changed tree */
static const char *modified_mark(void)
{
	return exitbench_build_modified ? " [modified source]" : "";
}

/* A class that did not run: its status and reason after name and place. */
static void table_row(const struct run_result *r, const struct class_result *c, FILE *out)
{
	if (c->status != CLASS_OK)
		fprintf(out, "%-18s %-4s %s: %s\n", c->cls->name,
			handled_in_name(c->cls->handled_in), class_status_name(c->status),
			c->reason);
	else
		columns_row(out, COL_TABLE, r, c);
}

/* run --trace: the nonzero tracepoint rates beside KVM's exits/iter. */
static void trace_note(const struct class_result *c, FILE *out)
{
	const struct run_trace *t = &c->trace;

	if (t->error[0]) {
		fprintf(out, "  %s trace: n/a: %s\n", c->cls->name, t->error);
		return;
	}
	fprintf(out, "  %s trace (events/iteration, %llu iterations traced%s):", c->cls->name,
		(unsigned long long)t->iterations, t->lost ? ", EVENTS LOST" : "");
	for (unsigned int e = 0; e < t->nevents; e++)
		if (t->enabled[e] && t->events[e])
			fprintf(out, " %s %.3f", t->name[e],
				(double)t->events[e] / (double)t->iterations);
	fputc('\n', out);
}

/* --repeat: the run medians' range and their between-run 95% interval. */
static void repeat_note(const struct class_result *c, double lo, double hi, FILE *out)
{
	double ci_lo, ci_hi, cov;

	fprintf(out, "  %s: %u runs, medians %.0f..%.0f (spread %.1f%%), between-run 95%% CI ",
		c->cls->name, c->nrepeat, lo, hi,
		c->sum.median ? 100 * (hi - lo) / c->sum.median : 0);
	if (median_ci_of(c->repeat_medians, c->nrepeat, &ci_lo, &ci_hi, &cov) == 0)
		fprintf(out, "%.0f..%.0f\n", ci_lo, ci_hi);
	else
		fprintf(out, "- (needs %d runs)\n", MEDIAN_CI_MIN_N);
}

/* Lines under the table: unverified reasons, repeat spread, aux series. */
static void table_notes(const struct class_result *c, FILE *out)
{
	double lo = INFINITY, hi = -INFINITY;

	if (c->status != CLASS_OK)
		return;
	if (!c->verified)
		fprintf(out, "  %s unverified: %s\n", c->cls->name, c->reason);
	if (c->hlt_skips)
		fprintf(out,
			"  %s: %llu interrupts arrived inside sti's shadow and skipped their hlt "
			"(an emulator's fault, never hardware's: docs/lab.md)\n",
			c->cls->name, (unsigned long long)c->hlt_skips);
	if (c->budget_limited)
		fprintf(out, "  %s: %llu samples, cut to fit the time budget (--budget)\n",
			c->cls->name, (unsigned long long)c->iterations);
	for (unsigned int k = 0; k < c->nrepeat; k++) {
		lo = fmin(lo, c->repeat_medians[k]);
		hi = fmax(hi, c->repeat_medians[k]);
	}
	if (c->nrepeat > 1)
		repeat_note(c, lo, hi, out);
	if (c->has_aux)
		fprintf(out, "  %s %s: median %.0f, p10 %.0f, p90 %.0f, p99 %.0f\n", c->cls->name,
			c->cls->aux_name, c->aux.median, c->aux.p10, c->aux.p90, c->aux.p99);
	if (c->trace.on)
		trace_note(c, out);
	if (c->bd.wanted && c->bd.available)
		fprintf(
		    out,
		    "  %s breakdown (medians): guest->VMM %.0f + in VMM %.0f + VMM->guest %.0f\n",
		    c->cls->name, c->bd.exit_leg.median, c->bd.handling.median,
		    c->bd.entry_leg.median);
	else if (c->bd.wanted)
		fprintf(out, "  %s breakdown: n/a: %s\n", c->cls->name, c->bd.reason);
}

/* First class that has counters: the column set of the perf table. */
static const struct perf_set *perf_columns(const struct run_result *r)
{
	for (unsigned int i = 0; i < r->nclasses; i++)
		if (r->classes[i].perf)
			return r->classes[i].perf;
	return NULL;
}

/* Perf counters per iteration: one row per class, "n/a" cells with the
 * reasons listed once underneath. */
static void print_perf(const struct run_result *r, FILE *out)
{
	const struct perf_set *cols = perf_columns(r);
	char label[96], cell[64];

	if (!cols)
		return;
	fprintf(out, "\nperf counters per iteration (vCPU thread, %s)\n%-18s %8s",
		r->params.perf_inline ? "around the timed loop: --perf=inline"
				      : "a separate counted pass; the table above is counter-free",
		"class", "median");
	for (unsigned int k = 0; k < cols->count; k++) {
		perfctr_label(&cols->c[k], label, sizeof(label));
		fprintf(out, " %20.20s", label);
	}
	fputc('\n', out);
	for (unsigned int i = 0; i < r->nclasses; i++) {
		const struct class_result *c = &r->classes[i];

		if (!c->perf)
			continue;
		fprintf(out, "%-18s %8.0f", c->cls->name, c->perf_median);
		for (unsigned int k = 0; k < c->perf->count; k++) {
			if (c->perf->c[k].have_value)
				perfctr_cell(&c->perf->c[k], c->perf_iterations, cell,
					     sizeof(cell));
			else
				snprintf(cell, sizeof(cell), "n/a");
			fprintf(out, " %20.20s", cell);
		}
		fputc('\n', out);
	}
	for (unsigned int i = 0; i < r->nclasses; i++)
		if (r->classes[i].perf_note[0])
			fprintf(out, "  %s: no counters: %s\n", r->classes[i].cls->name,
				r->classes[i].perf_note);
	for (unsigned int k = 0; k < cols->count; k++)
		if (!cols->c[k].have_value) {
			perfctr_label(&cols->c[k], label, sizeof(label));
			fprintf(out, "  %s: n/a: %s\n", label, cols->c[k].reason);
		}
}

void result_print_table(const struct run_result *r, FILE *out)
{
	const struct host_info *h = &r->host;

	fprintf(out,
		"host %s: %s (%s%s, family %u model %u stepping %u, microcode %s%s), TSC %llu "
		"kHz\n",
		h->hostname, h->model_name, h->microarch, GUEST_SEEN(h), h->family, h->model,
		h->stepping, h->microcode, GUEST_SEEN(h), (unsigned long long)h->tsc_khz);
	fprintf(out, "platform %s, backend %s (module %s%s%s), ring %d, timer %s\n", h->platform,
		h->backend.name, h->backend.module, h->backend.nested ? ", nested under " : "",
		h->backend.nested ? h->backend.hypervisor : "", r->params.ring,
		timer_name(r->params.timer));
	if (h->lab_summary[0])
		fprintf(out, "lab: %s\n", h->lab_summary);
	fprintf(out, "exitbench %s%s, method %d\n", EXITBENCH_VERSION, modified_mark(),
		EXITBENCH_METHOD_VERSION);
	if (r->timer_note[0])
		fprintf(out, "timer note: %s\n", r->timer_note);
	if (r->params.cpu >= 0)
		fprintf(out, "vCPU pinned to CPU %d\n", r->params.cpu);
	if (h->backend.kind == BACKEND_OTHER)
		fprintf(out, "note: not a VT-x/AMD-V backend: these are not hardware VM-exit "
			     "costs\n");
	fprintf(out,
		"units: %s per iteration; net = median - null median (none for an "
		"UNVERIFIED class); ci95: the median's within-run 95%% interval\n\n",
		h->tsc_is_instructions
		    ? "emulated instructions (bochs: one TSC tick each; never time)"
		    : "TSC ticks");
	columns_header(out, COL_TABLE);
	for (unsigned int i = 0; i < r->nclasses; i++)
		table_row(r, &r->classes[i], out);
	for (unsigned int i = 0; i < r->nclasses; i++)
		table_notes(&r->classes[i], out);
	print_perf(r, out);
	if (r->have_perf_overhead)
		fprintf(out,
			"perf overhead: %s median %.0f with counters, %.0f without (%+.1f%%; "
			"medians of two runs)\n",
			class_perf_probe()->name, r->cpuid_median_perf, r->cpuid_median_no_perf,
			100 * (r->cpuid_median_perf - r->cpuid_median_no_perf) /
			    r->cpuid_median_no_perf);
	if (r->partial)
		fprintf(out, "PARTIAL RUN: %s\n", r->partial_reason);
}

static int csv_fill(FILE *f, const void *arg)
{
	const struct run_result *r = arg;

	columns_header(f, COL_CSV);
	for (unsigned int i = 0; i < r->nclasses; i++)
		columns_row(f, COL_CSV, r, &r->classes[i]);
	return ferror(f) ? -1 : 0;
}

int result_write_csv(const struct run_result *r, const char *path)
{
	return atomic_write(path, false, csv_fill, r);
}

/* A class that did not run: status and reason in the third cell, the
 * rest empty (one cell short of the header, as always). */
static void md_row(FILE *f, const struct run_result *r, const struct class_result *c)
{
	if (c->status == CLASS_OK) {
		columns_row(f, COL_MD, r, c);
		return;
	}
	fprintf(f, "| `%s` | %s | %s: %s |", c->cls->name, handled_in_name(c->cls->handled_in),
		class_status_name(c->status), c->reason);
	for (unsigned int i = 4; i < columns_count(COL_MD); i++)
		fputs(" |", f);
	fputc('\n', f);
}

static int md_fill(FILE *f, const void *arg)
{
	const struct run_result *r = arg;
	const struct host_info *h = &r->host;

	fprintf(f, "# exitbench run on %s\n\n", h->hostname);
	fprintf(f, "- CPU: %s (%s%s), family %u model %u stepping %u, microcode %s%s\n",
		h->model_name, h->microarch, GUEST_SEEN(h), h->family, h->model, h->stepping,
		h->microcode, GUEST_SEEN(h));
	fprintf(f, "- platform: %s\n", h->platform);
	fprintf(f, "- backend: %s (module %s)%s%s\n", h->backend.name, h->backend.module,
		h->backend.nested ? ", nested under " : "",
		h->backend.nested ? h->backend.hypervisor : "");
	fprintf(f, "- kernel: %s; TSC %llu kHz (%s); timer %s\n", h->kernel_release,
		(unsigned long long)h->tsc_khz, h->tsc_khz_source, timer_name(r->params.timer));
	fprintf(f, "- started %s, exitbench %s%s (method %d)%s\n\n", r->started_utc,
		EXITBENCH_VERSION, modified_mark(), EXITBENCH_METHOD_VERSION,
		r->partial ? ", PARTIAL" : "");
	fprintf(f, "Units: TSC ticks per iteration. net = median - null median; an UNVERIFIED "
		   "class has none (–). ci95: the median's within-run 95%% interval (iterations "
		   "of one run are correlated; docs/method.md).\n\n");
	columns_header(f, COL_MD);
	for (unsigned int i = 0; i < r->nclasses; i++)
		md_row(f, r, &r->classes[i]);
	return ferror(f) ? -1 : 0;
}

int result_write_markdown(const struct run_result *r, const char *path)
{
	return atomic_write(path, false, md_fill, r);
}
