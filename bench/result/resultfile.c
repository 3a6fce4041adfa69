/* SPDX-License-Identifier: MIT */
/*
 * Reading exitbench/1 result files back (docs/json-schema.md).  Every field
 * a reader uses is checked for presence and type; the first problem gives
 * "<file>: <field>: <what is wrong>" and nothing of the file is kept.
 */
#include "bench/result/resultfile.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/result/result.h"
#include "bench/result/resultfile_breakdown.h"
#include "bench/result/resultfile_labels.h"
#include "lib/stats.h"
#include "lib/error.h"

#define STR_(x)	       #x
#define STR(x)	       STR_(x)
#define MAX_REPEAT_STR STR(MAX_REPEAT)

/* Where we are in the document: the file and the dotted field prefix. */
struct rd {
	const char *path;
	char at[96]; /* "", "host.cpu", "classes[3]", ... */
};

static int bad(const struct rd *r, const char *key, const char *what)
{
	return eb_fail("%s: %s%s%s: %s", r->path, r->at, r->at[0] && key[0] ? "." : "", key, what);
}

/* child = parent.key; field names are short, a cut one still names the place. */
static void sub(struct rd *child, const struct rd *parent, const char *key)
{
	int n;

	child->path = parent->path;
	n = snprintf(child->at, sizeof(child->at), "%s%s%s", parent->at, parent->at[0] ? "." : "",
		     key);
	if (n >= (int)sizeof(child->at))
		memcpy(child->at + sizeof(child->at) - 4, "...", 4);
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* o[key], which must be present and of the kind accepted by is(). */
static json_t *need(const struct rd *r, json_t *o, const char *key, int (*is)(const json_t *),
		    const char *kind)
{
	json_t *v = json_object_get(o, key);
	char what[96];

	if (!v) {
		bad(r, key, "missing");
		return NULL;
	}
	if (!is(v)) {
		snprintf(what, sizeof(what), "%s, expected %s", type_name(v), kind);
		bad(r, key, what);
		return NULL;
	}
	return v;
}

static int is_object(const json_t *v)
{
	return json_is_object(v);
}
static int is_array(const json_t *v)
{
	return json_is_array(v);
}
static int is_string(const json_t *v)
{
	return json_is_string(v);
}
static int is_integer(const json_t *v)
{
	return json_is_integer(v);
}
static int is_number(const json_t *v)
{
	return json_is_number(v);
}
static int is_number_or_null(const json_t *v)
{
	return json_is_number(v) || json_is_null(v);
}
static int is_boolean(const json_t *v)
{
	return json_is_boolean(v);
}

static int get_str(const struct rd *r, json_t *o, const char *key, char *dst, size_t len)
{
	json_t *v = need(r, o, key, is_string, "a string");
	char what[64];

	if (!v)
		return -1;
	if (json_string_length(v) >= len) {
		snprintf(what, sizeof(what), "longer than %zu bytes", len - 1);
		return bad(r, key, what);
	}
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int get_int(const struct rd *r, json_t *o, const char *key, json_int_t lo, json_int_t hi,
		   json_int_t *out)
{
	json_t *v = need(r, o, key, is_integer, "an integer");
	char what[96];

	if (!v)
		return -1;
	*out = json_integer_value(v);
	if (*out < lo || *out > hi) {
		snprintf(what, sizeof(what), "%lld is out of range [%lld, %lld]", (long long)*out,
			 (long long)lo, (long long)hi);
		return bad(r, key, what);
	}
	return 0;
}

static int get_u64(const struct rd *r, json_t *o, const char *key, uint64_t *out)
{
	json_int_t v;

	if (get_int(r, o, key, 0, (json_int_t)RF_MAX_COUNT, &v))
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int get_uint(const struct rd *r, json_t *o, const char *key, unsigned int *out)
{
	json_int_t v;

	if (get_int(r, o, key, 0, 0xffffffffLL, &v))
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* A number; with nullable, null reads as NAN. */
static int get_num(const struct rd *r, json_t *o, const char *key, bool nullable, double *out)
{
	json_t *v = need(r, o, key, nullable ? is_number_or_null : is_number,
			 nullable ? "a number or null" : "a number");

	if (!v)
		return -1;
	*out = json_is_null(v) ? NAN : json_number_value(v);
	return 0;
}

/* A tick count: in [0, 2^63), or with nullable null (NAN). */
static bool tick_ok(double v)
{
	return v >= 0 && v < RF_MAX_TICKS;
}

static int bad_ticks(const struct rd *r, const char *key, double v)
{
	char what[96];

	snprintf(what, sizeof(what), "%.17g is not a tick count in [0, 2^63)", v);
	return bad(r, key, what);
}

static int get_ticks(const struct rd *r, json_t *o, const char *key, bool nullable, double *out)
{
	if (get_num(r, o, key, nullable, out))
		return -1;
	return isnan(*out) || tick_ok(*out) ? 0 : bad_ticks(r, key, *out);
}

/* Equal up to the 10 significant digits the writer keeps. */
static bool close_to(double a, double b)
{
	return fabs(a - b) <= 1e-8 * fmax(fabs(a), fabs(b));
}

static int get_bool(const struct rd *r, json_t *o, const char *key, bool *out)
{
	json_t *v = need(r, o, key, is_boolean, "a boolean");

	if (!v)
		return -1;
	*out = json_is_true(v);
	return 0;
}

/* ---- one class ---- */

/* stats into k->sum; min and max also as read (*mn, *mx: the checks use them). */
static int read_stats(const struct rd *cr, json_t *c, struct rf_class *k, double *mn, double *mx)
{
	json_t *s = need(cr, c, "stats", is_object, "an object"), *ci;
	struct summary *m = &k->sum;
	struct rd r;
	uint64_t n;

	if (!s)
		return -1;
	sub(&r, cr, "stats");
	if (get_u64(&r, s, "n", &n) || get_ticks(&r, s, "min", false, mn) ||
	    get_ticks(&r, s, "max", false, mx) || get_ticks(&r, s, "median", false, &m->median) ||
	    get_ticks(&r, s, "p1", true, &m->p1) || get_ticks(&r, s, "p10", true, &m->p10) ||
	    get_ticks(&r, s, "p90", true, &m->p90) || get_ticks(&r, s, "p99", true, &m->p99) ||
	    get_ticks(&r, s, "mean", true, &m->mean) ||
	    get_ticks(&r, s, "stddev", true, &m->stddev))
		return -1;
	m->n = (size_t)n;
	m->min = (uint64_t)*mn;
	m->max = (uint64_t)*mx;
	m->median_ci_coverage = NAN;
	if (n == 0)
		return bad(&r, "n", "0 samples in a class whose status is \"ok\"");
	if (!(m->median > 0))
		return bad(&r, "median", "0 ticks: not the median of a measured class");
	if (!(*mn <= m->median && m->median <= *mx))
		return bad(&r, "median", "outside [min, max]");
	ci = json_object_get(s, "median_ci95");
	if (!json_is_array(ci) || json_array_size(ci) != 2 ||
	    !is_number_or_null(json_array_get(ci, 0)) || !is_number_or_null(json_array_get(ci, 1)))
		return bad(&r, "median_ci95", ci ? "not an array of two numbers" : "missing");
	m->median_ci_lo =
	    json_is_null(json_array_get(ci, 0)) ? NAN : json_number_value(json_array_get(ci, 0));
	m->median_ci_hi =
	    json_is_null(json_array_get(ci, 1)) ? NAN : json_number_value(json_array_get(ci, 1));
	if (!isnan(m->median_ci_lo) && !tick_ok(m->median_ci_lo))
		return bad_ticks(&r, "median_ci95", m->median_ci_lo);
	if (!isnan(m->median_ci_hi) && !tick_ok(m->median_ci_hi))
		return bad_ticks(&r, "median_ci95", m->median_ci_hi);
	return 0;
}

static int read_checks(const struct rd *cr, json_t *c, struct rf_class *k)
{
	json_t *a = need(cr, c, "checks", is_array, "an array");
	struct rd r;
	size_t i;
	json_t *e;

	if (!a)
		return -1;
	if (json_array_size(a) > sizeof(k->checks) / sizeof(k->checks[0]))
		return bad(cr, "checks", "more entries than a class can have");
	json_array_foreach(a, i, e)
	{
		struct rf_check *ck = &k->checks[i];
		char at[32];

		snprintf(at, sizeof(at), "checks[%zu]", i);
		sub(&r, cr, at);
		if (!json_is_object(e))
			return bad(&r, "", "not an object");
		if (get_str(&r, e, "stat", ck->stat, sizeof(ck->stat)) ||
		    get_num(&r, e, "expected_per_iteration", false, &ck->expected) ||
		    get_num(&r, e, "measured_per_iteration", true, &ck->measured) ||
		    get_bool(&r, e, "ok", &ck->ok))
			return -1;
		if (!isfinite(ck->expected) || fabs(ck->expected) > RF_MAX_TICKS)
			return bad(&r, "expected_per_iteration", "not a finite count");
	}
	k->nchecks = (unsigned int)json_array_size(a);
	return 0;
}

static int read_quantiles(const struct rd *r, json_t *c, struct rf_class *k)
{
	json_t *a = need(r, c, "quantiles", is_array, "an array"), *e;
	char what[96];
	size_t i;

	if (!a)
		return -1;
	if (json_array_size(a) != QUANTILES) {
		snprintf(what, sizeof(what), "%zu entries, expected %d", json_array_size(a),
			 QUANTILES);
		return bad(r, "quantiles", what);
	}
	json_array_foreach(a, i, e)
	{
		if (!json_is_number(e)) {
			snprintf(what, sizeof(what), "entry %zu is %s, expected a number", i,
				 type_name(e));
			return bad(r, "quantiles", what);
		}
		k->quantiles[i] = json_number_value(e);
		if (!tick_ok(k->quantiles[i])) {
			snprintf(what, sizeof(what),
				 "entry %zu: %.17g is not a tick count in [0, 2^63)", i,
				 k->quantiles[i]);
			return bad(r, "quantiles", what);
		}
		/* 10 significant digits in the file: allow that much rounding */
		if (i && k->quantiles[i] < k->quantiles[i - 1] - 1e-9 * fabs(k->quantiles[i])) {
			snprintf(what, sizeof(what), "entry %zu is below entry %zu", i, i - 1);
			return bad(r, "quantiles", what);
		}
	}
	k->nquantiles = QUANTILES;
	return 0;
}

static int read_samples(const struct rd *r, json_t *c, struct rf_class *k)
{
	json_t *a = json_object_get(c, "samples"), *e;
	char what[96];
	size_t i;

	if (!a)
		return 0; /* only with --raw */
	if (!json_is_array(a) || json_array_size(a) != k->sum.n) {
		snprintf(what, sizeof(what), "not an array of stats.n = %llu integers",
			 (unsigned long long)k->sum.n);
		return bad(r, "samples", what);
	}
	k->samples = malloc(k->sum.n * sizeof(*k->samples));
	if (!k->samples)
		return eb_fail_errno("%s: %s.samples: allocate %llu samples", r->path, r->at,
				     (unsigned long long)k->sum.n);
	json_array_foreach(a, i, e)
	{
		if (!json_is_integer(e) || json_integer_value(e) < 0) {
			snprintf(what, sizeof(what), "entry %zu is not a tick count in [0, 2^63)",
				 i);
			return bad(r, "samples", what);
		}
		k->samples[i] = (uint64_t)json_integer_value(e);
		if (i && k->samples[i] < k->samples[i - 1]) {
			snprintf(what, sizeof(what), "entry %zu is below entry %zu (not sorted)", i,
				 i - 1);
			return bad(r, "samples", what);
		}
	}
	k->nsamples = k->sum.n;
	return 0;
}

/* "repeat" is optional (files written before --repeat lack it). */
static int read_repeat(const struct rd *cr, json_t *c, struct rf_class *k)
{
	json_t *o = json_object_get(c, "repeat"), *m, *e;
	unsigned int runs;
	struct rd r;
	size_t i;

	if (!o)
		return 0;
	sub(&r, cr, "repeat");
	if (!json_is_object(o))
		return bad(&r, "", "not an object");
	if (get_uint(&r, o, "runs", &runs))
		return -1;
	if (runs > MAX_REPEAT)
		return bad(&r, "runs", "more than " MAX_REPEAT_STR " runs");
	m = need(&r, o, "medians", is_array, "an array");
	if (!m)
		return -1;
	if (json_array_size(m) != runs)
		return bad(&r, "medians", "not one median per run");
	json_array_foreach(m, i, e)
	{
		if (!json_is_number(e))
			return bad(&r, "medians", "an entry is not a number");
		k->repeat_medians[i] = json_number_value(e);
		if (!(k->repeat_medians[i] > 0) || !tick_ok(k->repeat_medians[i]))
			return bad(&r, "medians", "an entry is not a positive tick count");
	}
	k->nrepeat = runs;
	return 0;
}

/* The file against itself: the quantile function and the raw samples must
 * say what stats says (min, median, max as read), up to the writer's rounding. */
static int consistent(const struct rd *r, const struct rf_class *k, double mn, double mx)
{
	const double *q = k->quantiles;
	char what[160];

	if (!close_to(q[0], mn) || !close_to(q[QUANTILES - 1], mx) ||
	    !close_to(q[QUANTILES / 2], k->sum.median)) {
		snprintf(what, sizeof(what),
			 "%.10g .. %.10g .. %.10g disagree with stats min, median, max "
			 "(%.10g, %.10g, %.10g)",
			 q[0], q[QUANTILES / 2], q[QUANTILES - 1], mn, k->sum.median, mx);
		return bad(r, "quantiles", what);
	}
	if (k->nsamples && (!close_to((double)k->samples[0], mn) ||
			    !close_to((double)k->samples[k->sum.n - 1], mx) ||
			    !close_to(quantile_sorted(k->samples, k->sum.n, 0.5), k->sum.median))) {
		snprintf(what, sizeof(what),
			 "min, median, max %.10g, %.10g, %.10g disagree with stats (%.10g, %.10g, "
			 "%.10g)",
			 (double)k->samples[0], quantile_sorted(k->samples, k->sum.n, 0.5),
			 (double)k->samples[k->sum.n - 1], mn, k->sum.median, mx);
		return bad(r, "samples", what);
	}
	return 0;
}

/* The fields only a class with status "ok" has. */
static int read_ok_class(const struct rd *r, json_t *c, struct rf_class *k)
{
	double mn, mx;

	if (get_u64(r, c, "iterations", &k->iterations) || get_u64(r, c, "warmup", &k->warmup) ||
	    read_stats(r, c, k, &mn, &mx) || get_num(r, c, "net_median", true, &k->net_median) ||
	    get_num(r, c, "exits_per_iteration", true, &k->exits_per_iter) ||
	    get_bool(r, c, "verified", &k->verified) || read_checks(r, c, k) ||
	    read_quantiles(r, c, k) || read_repeat(r, c, k) || read_samples(r, c, k))
		return -1;
	if (fabs(k->net_median) >= RF_MAX_TICKS)
		return bad_ticks(r, "net_median", k->net_median);
	/* an estimate: the doorbells' and prepares' exits are subtracted, so
	 * noise can take a class without exits (null) slightly below zero */
	if (fabs(k->exits_per_iter) >= RF_MAX_TICKS)
		return bad(r, "exits_per_iteration", "not a number of exits in (-2^63, 2^63)");
	return consistent(r, k, mn, mx);
}

static int read_status(const struct rd *r, json_t *c, struct rf_class *k)
{
	char name[16], what[96];

	if (get_str(r, c, "status", name, sizeof(name)))
		return -1;
	if (class_status_parse(name, &k->status) == 0)
		return 0;
	snprintf(what, sizeof(what), "\"%s\", expected ok, skipped, failed or interrupted", name);
	return bad(r, "status", what);
}

static int read_class(const struct rd *top, json_t *c, size_t i, struct rf_class *k)
{
	struct rd r;
	json_int_t ring;
	char at[32];

	snprintf(at, sizeof(at), "classes[%zu]", i);
	sub(&r, top, at);
	k->net_median = k->exits_per_iter = NAN;
	if (!json_is_object(c))
		return bad(&r, "", "not an object");
	if (get_str(&r, c, "name", k->name, sizeof(k->name)) ||
	    get_str(&r, c, "handled_in", k->handled_in, sizeof(k->handled_in)) ||
	    read_status(&r, c, k) || get_str(&r, c, "reason", k->reason, sizeof(k->reason)) ||
	    get_int(&r, c, "ring", 0, 3, &ring))
		return -1;
	k->ring = (int)ring;
	if (!k->name[0])
		return bad(&r, "name", "empty");
	return k->status == CLASS_OK ? read_ok_class(&r, c, k) : 0;
}

static int read_classes(const struct rd *r, json_t *doc, struct rf_run *out)
{
	json_t *a = need(r, doc, "classes", is_array, "an array"), *c;
	size_t i;

	if (!a)
		return -1;
	out->classes = calloc(json_array_size(a) ? json_array_size(a) : 1, sizeof(*out->classes));
	if (!out->classes)
		return eb_fail_errno("%s: classes: allocate %zu classes", r->path,
				     json_array_size(a));
	json_array_foreach(a, i, c)
	{
		out->nclasses++; /* counted first: a failed class is freed too */
		if (read_class(r, c, i, &out->classes[i]))
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(out->classes[j].name, out->classes[i].name) == 0) {
				char at[48];

				snprintf(at, sizeof(at), "classes[%zu].name", i);
				return eb_fail("%s: %s: \"%s\" appears twice", r->path, at,
					       out->classes[i].name);
			}
	}
	return 0;
}

/* ---- the run ---- */

static int read_cpu(const struct rd *host, json_t *h, struct rf_run *out)
{
	json_t *cpu = need(host, h, "cpu", is_object, "an object"), *y;
	struct rd r;

	if (!cpu)
		return -1;
	sub(&r, host, "cpu");
	if (get_str(&r, cpu, "vendor", out->vendor, sizeof(out->vendor)) ||
	    get_uint(&r, cpu, "family", &out->family) || get_uint(&r, cpu, "model", &out->model) ||
	    get_uint(&r, cpu, "stepping", &out->stepping) ||
	    get_str(&r, cpu, "model_name", out->model_name, sizeof(out->model_name)) ||
	    get_str(&r, cpu, "microcode", out->microcode, sizeof(out->microcode)) ||
	    get_str(&r, cpu, "microarch", out->microarch, sizeof(out->microarch)))
		return -1;
	y = json_object_get(cpu, "microarch_year");
	if (!y || !(json_is_integer(y) || json_is_null(y)))
		return bad(&r, "microarch_year", y ? "not an integer or null" : "missing");
	if (json_is_integer(y) && (json_integer_value(y) < 1970 || json_integer_value(y) > 2100)) {
		char what[96];

		snprintf(what, sizeof(what), "%lld is not a year in [1970, 2100]",
			 (long long)json_integer_value(y));
		return bad(&r, "microarch_year", what);
	}
	out->microarch_year = json_is_null(y) ? 0 : (int)json_integer_value(y);
	return 0;
}

static int read_host(const struct rd *top, json_t *doc, struct rf_run *out)
{
	json_t *h = need(top, doc, "host", is_object, "an object"), *kernel, *kvm;
	struct rd r, rk;

	if (!h)
		return -1;
	sub(&r, top, "host");
	if (get_str(&r, h, "hostname", out->hostname, sizeof(out->hostname)) ||
	    read_cpu(&r, h, out) || get_u64(&r, h, "tsc_khz", &out->tsc_khz))
		return -1;
	kernel = need(&r, h, "kernel", is_object, "an object");
	if (!kernel)
		return -1;
	sub(&rk, &r, "kernel");
	if (get_str(&rk, kernel, "release", out->kernel_release, sizeof(out->kernel_release)))
		return -1;
	kvm = need(&r, h, "kvm", is_object, "an object");
	if (!kvm)
		return -1;
	sub(&rk, &r, "kvm");
	if (get_str(&rk, kvm, "backend", out->backend, sizeof(out->backend)) ||
	    get_str(&rk, kvm, "module", out->kvm_module, sizeof(out->kvm_module)) ||
	    get_bool(&rk, kvm, "nested", &out->nested))
		return -1;
	return 0;
}

static int read_schema(const struct rd *r, json_t *doc)
{
	json_t *v;
	char what[160];

	if (!json_is_object(doc)) {
		snprintf(what, sizeof(what), "the document is %s, not an %s result object",
			 type_name(doc), RESULT_SCHEMA);
		return bad(r, "schema", what);
	}
	v = json_object_get(doc, "schema");
	if (!v)
		return bad(r, "schema", "missing: not an " RESULT_SCHEMA " result file");
	if (!json_is_string(v) || strcmp(json_string_value(v), RESULT_SCHEMA)) {
		snprintf(what, sizeof(what), "%s%.64s%s, expected \"%s\"",
			 json_is_string(v) ? "\"" : "",
			 json_is_string(v) ? json_string_value(v) : type_name(v),
			 json_is_string(v) ? "\"" : "", RESULT_SCHEMA);
		return bad(r, "schema", what);
	}
	return 0;
}

/* perf_overhead (optional): cpuid with and without counters, one run. */
static void read_perf_overhead(json_t *doc, struct rf_run *out)
{
	json_t *o = json_object_get(doc, "perf_overhead");
	json_t *with = json_object_get(o, "median_with_perf");
	json_t *without = json_object_get(o, "median_without_perf");

	out->have_perf_overhead = json_is_number(with) && json_is_number(without);
	if (out->have_perf_overhead) {
		out->cpuid_with_perf = json_number_value(with);
		out->cpuid_without_perf = json_number_value(without);
	}
}

static int read_top(const struct rd *r, json_t *doc, unsigned int flags, struct rf_run *out)
{
	json_t *tool, *opt, *ovh;
	struct rd sr;

	if (read_schema(r, doc))
		return -1;
	tool = need(r, doc, "tool", is_object, "an object");
	if (!tool)
		return -1;
	sub(&sr, r, "tool");
	if (get_str(&sr, tool, "version", out->tool_version, sizeof(out->tool_version)) ||
	    get_str(&sr, tool, "command_line", out->command_line, sizeof(out->command_line)) ||
	    get_str(r, doc, "started_utc", out->started_utc, sizeof(out->started_utc)) ||
	    get_bool(r, doc, "partial", &out->partial) || read_host(r, doc, out))
		return -1;
	/* optional: files written before the key existed are KVM round trips */
	snprintf(out->quantity, sizeof(out->quantity), "kvm round trip");
	if (json_object_get(doc, "quantity") &&
	    get_str(r, doc, "quantity", out->quantity, sizeof(out->quantity)))
		return -1;
	opt = need(r, doc, "options", is_object, "an object");
	if (!opt)
		return -1;
	sub(&sr, r, "options");
	if (get_str(&sr, opt, "timer", out->timer, sizeof(out->timer)) ||
	    get_bool(&sr, opt, "quick", &out->quick) || get_u64(&sr, opt, "samples", &out->samples))
		return -1;
	ovh = need(r, doc, "overhead", is_object, "an object");
	if (!ovh)
		return -1;
	sub(&sr, r, "overhead");
	if (get_ticks(&sr, ovh, "median", true, &out->null_median) ||
	    resultfile_labels(r->path, doc, out) || read_classes(r, doc, out))
		return -1;
	read_perf_overhead(doc, out);
	return flags & RF_READ_BREAKDOWN ? resultfile_breakdowns(r->path, doc, out) : 0;
}

static uint64_t fnv1a(const char *buf, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)buf[i]) * 0x100000001b3ULL;
	return h;
}

static int parse(const char *path, const char *buf, size_t len, unsigned int flags,
		 struct rf_run *out)
{
	struct rd r = {.path = path};
	json_error_t err;
	json_t *doc;
	int ret;

	memset(out, 0, sizeof(*out));
	out->null_median = NAN;
	if (strlen(path) >= sizeof(out->path)) {
		errno = ENAMETOOLONG;
		return eb_fail_errno("%.64s...: read the result file", path);
	}
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!doc)
		return eb_fail("%s: not JSON: line %d column %d: %s", path, err.line, err.column,
			       err.text);
	memcpy(out->path, path, strlen(path) + 1);
	out->content_hash = fnv1a(buf, len);
	out->content_size = len;
	ret = read_top(&r, doc, flags, out);
	json_decref(doc);
	if (ret)
		resultfile_free(out);
	return ret;
}

int resultfile_parse(const char *path, const char *buf, size_t len, struct rf_run *out)
{
	return parse(path, buf, len, 0, out);
}

/* The whole file in memory (malloc'd); a directory or device is refused. */
static char *slurp(const char *path, size_t *len, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	ssize_t n = 0;

	if (fd < 0) {
		eb_fail_errno("%s: open", path);
		return NULL;
	}
	if (fstat(fd, st) < 0) {
		eb_fail_errno("%s: stat", path);
	} else if (!S_ISREG(st->st_mode)) {
		eb_fail("%s: %s, not a result file", path,
			S_ISDIR(st->st_mode) ? "a directory" : "not a regular file");
	} else if ((unsigned long long)st->st_size > RF_MAX_FILE_SIZE) {
		eb_fail("%s: %lld bytes, more than a result file can hold (1 GiB)", path,
			(long long)st->st_size);
	} else if (!(buf = malloc((size_t)st->st_size + 1))) {
		eb_fail_errno("%s: allocate %lld bytes", path, (long long)st->st_size);
	} else {
		for (*len = 0; *len < (size_t)st->st_size; *len += (size_t)n) {
			n = read(fd, buf + *len, (size_t)st->st_size - *len);
			if (n <= 0)
				break;
		}
		if (n < 0 || *len != (size_t)st->st_size) {
			if (n >= 0)
				errno = EIO;
			eb_fail_errno("%s: read", path);
			free(buf);
			buf = NULL;
		}
	}
	close(fd);
	return buf;
}

int resultfile_read_flags(const char *path, unsigned int flags, struct rf_run *out)
{
	struct stat st;
	size_t len = 0;
	char *buf;
	int ret;

	memset(out, 0, sizeof(*out));
	out->null_median = NAN;
	buf = slurp(path, &len, &st);
	if (!buf)
		return -1;
	ret = parse(path, buf, len, flags, out);
	free(buf);
	out->dev = (unsigned long long)st.st_dev;
	out->ino = (unsigned long long)st.st_ino;
	return ret;
}

int resultfile_read(const char *path, struct rf_run *out)
{
	return resultfile_read_flags(path, 0, out);
}

void resultfile_free(struct rf_run *run)
{
	for (unsigned int i = 0; run->classes && i < run->nclasses; i++)
		free(run->classes[i].samples);
	free(run->classes);
	memset(run, 0, sizeof(*run));
	run->null_median = NAN;
}

const struct rf_class *rf_find_class(const struct rf_run *run, const char *name)
{
	for (unsigned int i = 0; i < run->nclasses; i++)
		if (strcmp(run->classes[i].name, name) == 0)
			return &run->classes[i];
	return NULL;
}
