/* SPDX-License-Identifier: MIT */
/* exitbench compare's outputs: the table, TAP, and JSON (docs/compare.md). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/files.h"
#include "bench/compare/compare.h"
#include "bench/version/version.h"
#include "lib/error.h"

const char *cmp_entry_flags(const struct cmp_entry *e)
{
	static char buf[128];
	const char *u = e->unverified_b && e->unverified_n ? "unverified in base and new"
			: e->unverified_b		   ? "unverified in base"
			: e->unverified_n		   ? "unverified in new"
							   : "";
	char floor[48] = "";

	if (isfinite(e->noise_pct) && e->threshold_pct == e->noise_pct)
		snprintf(floor, sizeof(floor), "noise floor %.1f%%", e->noise_pct);
	snprintf(buf, sizeof(buf), "%s%s%s%s%s%s%s", u, *u && e->r.wide ? "; " : "",
		 e->r.wide ? "wide interval" : "", (*u || e->r.wide) && e->exact ? "; " : "",
		 e->exact ? "exact count" : "", (*u || e->r.wide || e->exact) && *floor ? "; " : "",
		 floor);
	return buf;
}

/* What one side's intervals were resampled from. */
static void basis(const struct comparison *c, bool base, char *buf, size_t len)
{
	unsigned int raw = 0, ok = 0, runs = 0;

	for (unsigned int i = 0; i < c->ne; i++) {
		const struct cmp_entry *e = &c->e[i];

		if (!e->compared)
			continue;
		ok++;
		raw += (base ? e->b : e->n)->nsamples > 0;
		runs = (base ? e->nruns_b : e->nruns_n) > runs ? (base ? e->nruns_b : e->nruns_n)
							       : runs;
	}
	snprintf(buf, len, "resampled from %s; %u run%s per class",
		 raw == ok ? "raw samples"
		 : raw	   ? "raw samples or quantiles"
			   : "quantiles",
		 runs, runs == 1 ? "" : "s");
}

static void print_side(const struct comparison *c, bool base, FILE *out)
{
	const struct rf_run *r = base ? c->base : c->new_;
	unsigned int n = base ? c->o->nbase : c->o->nnew;
	char b[96];

	for (unsigned int i = 0; i < n; i++)
		fprintf(out,
			"%-5s %s\n      %s, %s, %s (%s), kernel %s, %s, exitbench %s%s (method "
			"%d)\n",
			i      ? ""
			: base ? "base:"
			       : "new:",
			r[i].path, r[i].hostname, r[i].platform, r[i].backend, r[i].kvm_module,
			r[i].kernel_release, r[i].started_utc, r[i].tool_version,
			r[i].modified_source ? " [modified source]" : "", r[i].method_version);
	basis(c, base, b, sizeof(b));
	fprintf(out, "      %s\n", b);
}

static void print_diffs(const struct comparison *c, const char *prefix, FILE *out)
{
	for (unsigned int p = 0; p < c->npairs; p++) {
		const struct cmp_pair *pr = &c->pairs[p];

		for (unsigned int i = 0; i < pr->n; i++)
			fprintf(out, "%s%s %s: \"%s\" (%s) vs \"%s\" (%s)\n", prefix,
				cmp_diff_refused(&pr->d[i]) ? "DIFFERS (--force)" : "differs",
				pr->d[i].field, pr->d[i].base, pr->a->path, pr->d[i].new_,
				pr->b->path);
	}
}

static void print_header(const struct comparison *c, FILE *out)
{
	print_side(c, true, out);
	print_side(c, false, out);
	print_diffs(c, "", out);
	if (isfinite(c->noise_floor_pct))
		fprintf(out,
			"noise floor: each class's own run-to-run spread in the base files (%u "
			"classes, up to %.1f%%), used where over --threshold\n",
			c->noise_classes, c->noise_floor_pct);
	if (!strcmp(c->base[0].units, "emulated_instructions")) {
		fprintf(out, "emulated instructions (bochs: one TSC tick each); \"exact count\": "
			     "no spread on either side, any change of one instruction is a "
			     "verdict;\nother classes: ");
	} else
		fprintf(out, "TSC ticks; ");
	fprintf(out,
		"95%% bootstrap interval of the difference of medians (%d resamples, "
		"fixed seed);\nsame: the interval includes 0 or |change| < %g%%%s\n\n",
		CMP_RESAMPLES, c->o->threshold_pct,
		c->threshold_used_pct > c->o->threshold_pct ? " (or the class's noise floor)" : "");
}

static void print_row(const struct cmp_entry *e, FILE *out)
{
	const struct cmp_result *r = &e->r;
	char ci[48];

	if (!e->compared) {
		fprintf(out, "%-20s %10s %10s %10s %8s   %-24s %-7s %s\n", e->name, "-", "-", "-",
			"-", "-", "-", e->why);
		return;
	}
	snprintf(ci, sizeof(ci), "[%+.0f, %+.0f]", r->ci_lo, r->ci_hi);
	fprintf(out, "%-20s %10.0f %10.0f %+10.0f %+7.1f%%   %-24s %-*s%s\n", e->name, r->base,
		r->new_, r->change, r->change_pct, ci, *cmp_entry_flags(e) ? 8 : 0,
		cmp_verdict_name(r->verdict), cmp_entry_flags(e));
}

static unsigned int wide_count(const struct comparison *c)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < c->ne; i++)
		n += c->e[i].compared && c->e[i].r.wide;
	return n;
}

void compare_print_table(const struct comparison *c, FILE *out)
{
	print_header(c, out);
	fprintf(out, "%-20s %10s %10s %10s %8s   %-24s %s\n", "class", "base", "new", "change", "%",
		"95% interval", "verdict");
	for (unsigned int i = 0; i < c->ne; i++)
		print_row(&c->e[i], out);
	fprintf(out, "\n%u classes in both files: %u slower, %u faster, %u same, %u not compared\n",
		c->ne, c->slower, c->faster, c->same, c->not_compared);
	if (wide_count(c))
		fprintf(out,
			"%u with a wide interval (over 2 x %g%%): run-to-run spread too large to "
			"resolve the threshold; more runs per side narrow it (docs/compare.md)\n",
			wide_count(c), c->threshold_used_pct);
	if (c->slower)
		fprintf(out, "regression: %u class%s slower by %g%% or more%s\n", c->slower,
			c->slower == 1 ? "" : "es", c->o->threshold_pct,
			c->threshold_used_pct > c->o->threshold_pct ? " (and its noise floor)"
								    : "");
}

void compare_print_tap(const struct comparison *c, FILE *out)
{
	fprintf(out, "1..%u\n# base %s%s, new %s%s, threshold %g%%\n", c->ne, c->base[0].path,
		c->o->nbase > 1 ? " and more" : "", c->new_[0].path,
		c->o->nnew > 1 ? " and more" : "", c->o->threshold_pct);
	if (isfinite(c->noise_floor_pct))
		fprintf(out,
			"# noise floor: each class's own run-to-run spread (%u classes, up to "
			"%.1f%%)\n",
			c->noise_classes, c->noise_floor_pct);
	print_diffs(c, "# ", out);
	for (unsigned int i = 0; i < c->ne; i++) {
		const struct cmp_entry *e = &c->e[i];
		const struct cmp_result *r = &e->r;
		const char *flags = cmp_entry_flags(e);

		if (!e->compared) {
			fprintf(out, "ok %u - %s # SKIP not compared: %s\n", i + 1, e->name,
				e->why);
			continue;
		}
		fprintf(out, "%sok %u - %s: %s, %+.1f%% (95%% interval %+.1f%% .. %+.1f%%)%s%s%s\n",
			r->verdict == CMP_SLOWER ? "not " : "", i + 1, e->name,
			cmp_verdict_name(r->verdict), r->change_pct, r->ci_lo_pct, r->ci_hi_pct,
			*flags ? " [" : "", flags, *flags ? "]" : "");
	}
}

/* ---- JSON ---- */

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *run_json(const struct rf_run *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:i}", "path", r->path,
			 "hostname", r->hostname, "platform", r->platform, "backend", r->backend,
			 "kvm_module", r->kvm_module, "kernel_release", r->kernel_release,
			 "started_utc", r->started_utc, "tool_version", r->tool_version,
			 "modified_source", r->modified_source, "method_version",
			 r->method_version);
}

static json_t *entry_json(const struct cmp_entry *e)
{
	const struct cmp_result *r = &e->r;
	json_t *o;

	if (!e->compared)
		return json_pack("{s:s, s:b, s:s, s:n}", "name", e->name, "compared", 0, "reason",
				 e->why, "verdict");
	o = json_pack("{s:s, s:b, s:n, s:o, s:o, s:o, s:o, s:[o,o], s:[o,o], s:s, s:b, s:b}",
		      "name", e->name, "compared", 1, "reason", "base_median", num(r->base),
		      "new_median", num(r->new_), "change", num(r->change), "change_pct",
		      num(r->change_pct), "ci95", num(r->ci_lo), num(r->ci_hi), "ci95_pct",
		      num(r->ci_lo_pct), num(r->ci_hi_pct), "verdict", cmp_verdict_name(r->verdict),
		      "unverified_base", e->unverified_b, "unverified_new", e->unverified_n);
	if (o)
		json_object_update_new(
		    o, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "base_file", e->fb->path,
				 "new_file", e->fn->path, "base_from",
				 e->b->nsamples ? "samples" : "quantiles", "new_from",
				 e->n->nsamples ? "samples" : "quantiles", "base_runs",
				 (int)e->nruns_b, "new_runs", (int)e->nruns_n));
	if (o) {
		json_object_set_new(o, "wide_interval", json_boolean(r->wide));
		json_object_set_new(o, "noise_floor_pct", num(e->noise_pct));
		json_object_set_new(o, "threshold_used_pct", num(e->threshold_pct));
	}
	return o;
}

static json_t *files_json(const struct rf_run *r, unsigned int n)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(a, run_json(&r[i]));
	return a;
}

static json_t *diffs_json(const struct comparison *c)
{
	json_t *a = json_array();

	for (unsigned int p = 0; p < c->npairs; p++)
		for (unsigned int i = 0; i < c->pairs[p].n; i++) {
			const struct cmp_diff *d = &c->pairs[p].d[i];

			json_array_append_new(
			    a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "field", d->field,
					 "base_file", c->pairs[p].a->path, "base", d->base,
					 "new_file", c->pairs[p].b->path, "new", d->new_, "refused",
					 cmp_diff_refused(d)));
		}
	return a;
}

static json_t *compare_json(const struct comparison *c)
{
	json_t *classes = json_array();

	for (unsigned int i = 0; i < c->ne; i++)
		json_array_append_new(classes, entry_json(&c->e[i]));
	json_t *doc = json_pack(
	    "{s:s, s:{s:s, s:s}, s:o, s:o, s:f, s:{s:s, s:f, s:i, s:I}, s:b, s:o, "
	    "s:o, s:{s:i, s:i, s:i, s:i}, s:i}",
	    "schema", "exitbench-compare/1", "tool", "name", "exitbench", "version",
	    EXITBENCH_VERSION, "base", files_json(c->base, c->o->nbase), "new",
	    files_json(c->new_, c->o->nnew), "threshold_pct", c->o->threshold_pct, "method",
	    "interval", "bootstrap percentile of the difference of medians", "level", 0.95,
	    "resamples", CMP_RESAMPLES, "seed", (json_int_t)CMP_SEED, "forced", c->nrefused > 0,
	    "differences", diffs_json(c), "classes", classes, "summary", "slower", (int)c->slower,
	    "faster", (int)c->faster, "same", (int)c->same, "not_compared", (int)c->not_compared,
	    "exit_status", c->slower ? 1 : 0);
	if (doc) {
		json_object_set_new(doc, "noise_floor_pct",
				    isfinite(c->noise_floor_pct) ? json_real(c->noise_floor_pct)
								 : json_null());
		json_object_set_new(doc, "threshold_used_pct", json_real(c->threshold_used_pct));
	}
	return doc;
}

static int dump(FILE *f, const void *arg)
{
	if (json_dumpf(arg, f, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) < 0)
		return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

int compare_dump_json(const struct comparison *c, FILE *f)
{
	json_t *doc = compare_json(c);
	int ret;

	if (!doc) {
		errno = ENOMEM;
		return eb_fail_errno("build the comparison JSON");
	}
	ret = dump(f, doc);
	json_decref(doc);
	return ret;
}

int compare_write_json(const struct comparison *c, const char *path)
{
	json_t *doc = compare_json(c);
	int ret;

	if (!doc) {
		errno = ENOMEM;
		return eb_fail_errno("build the comparison JSON for %s", path);
	}
	ret = atomic_write(path, false, dump, doc);
	json_decref(doc);
	return ret;
}
