/* SPDX-License-Identifier: MIT */
/* The exitbench/1 JSON document, built with jansson (docs/json-schema.md). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "lib/files.h"
#include "bench/result/result.h"

/* A number, or null where it is not a number (never a made-up zero). */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *kv_object(const struct kv_list *l)
{
	json_t *o = json_object();

	for (unsigned int i = 0; i < l->n; i++)
		json_object_set_new(o, l->item[i].name, json_string(l->item[i].value));
	return o;
}

/* The fields a guest is shown rather than the hardware's (host.guest_seen). */
static json_t *guest_seen_json(const struct host_info *h)
{
	return h->guest_seen ? json_pack("[s,s,s,s]", "cpu.microcode", "cpu.microarch",
					 "cpu.microarch_year", "mitigations")
			     : json_array();
}

static json_t *kernel_json(const struct host_info *h)
{
	return json_pack("{s:s, s:s, s:s}", "release", h->kernel_release, "version",
			 h->kernel_version, "cmdline", h->cmdline);
}

static json_t *cpu_json(const struct host_info *h)
{
	return json_pack("{s:s, s:i, s:i, s:i, s:s, s:s, s:s, s:o}", "vendor", h->vendor, "family",
			 (int)h->family, "model", (int)h->model, "stepping", (int)h->stepping,
			 "model_name", h->model_name, "microcode", h->microcode, "microarch",
			 h->microarch, "microarch_year",
			 h->microarch_year ? json_integer(h->microarch_year) : json_null());
}

static json_t *kvm_json(const struct host_info *h)
{
	const struct backend *b = &h->backend;

	return json_pack("{s:s, s:s, s:b, s:s, s:b, s:b, s:s, s:o}", "backend", b->name, "module",
			 b->module, "nested", b->nested, "hypervisor", b->hypervisor, "host_vmx",
			 b->host_vmx, "host_svm", b->host_svm, "hypercall_insn",
			 backend_hypercall_insn(b), "params", kv_object(&h->kvm_params));
}

static json_t *host_json(const struct host_info *h)
{
	json_t *o =
	    json_pack("{s:s, s:o, s:o, s:I, s:s, s:s, s:o, s:o}", "hostname", h->hostname, "kernel",
		      kernel_json(h), "cpu", cpu_json(h), "tsc_khz", (json_int_t)h->tsc_khz,
		      "tsc_khz_source", h->tsc_khz_source, "governor", h->governor, "mitigations",
		      kv_object(&h->mitigations), "kvm", kvm_json(h));

	if (!o)
		return NULL;
	json_object_set_new(o, "platform", json_string(h->platform));
	json_object_set_new(o, "guest_seen", guest_seen_json(h));
	if (h->lab[0])
		json_object_set_new(o, "lab", json_loads(h->lab, 0, NULL));
	return o;
}

static json_t *stats_json(const struct summary *s)
{
	return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:[o,o], s:o}", "n",
			 (json_int_t)s->n, "min", (json_int_t)s->min, "p1", num(s->p1), "p10",
			 num(s->p10), "median", num(s->median), "p90", num(s->p90), "p99",
			 num(s->p99), "max", (json_int_t)s->max, "mean", num(s->mean), "stddev",
			 num(s->stddev), "median_ci95", num(s->median_ci_lo), num(s->median_ci_hi),
			 "median_ci95_coverage", num(s->median_ci_coverage));
}

static json_t *checks_json(const struct class_result *c)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < c->nchecks; i++) {
		const struct check_result *k = &c->checks[i];

		json_t *o =
		    json_pack("{s:s, s:f, s:o, s:b, s:b}", "stat", k->stat,
			      "expected_per_iteration", k->expected, "measured_per_iteration",
			      num(k->measured), "available", k->available, "ok", k->ok);

		if (o && k->at_least) {
			json_object_set_new(o, "at_least", json_true());
			json_object_set_new(o, "at_most_per_iteration",
					    num(k->at_most > 0 ? k->at_most : NAN));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *deltas_json(const struct class_result *c)
{
	json_t *o = json_object();

	for (unsigned int i = 0; i < c->ndeltas; i++)
		json_object_set_new(o, c->deltas[i].name, json_real(c->deltas[i].per_iter));
	return o;
}

static json_t *samples_json(const struct class_result *c)
{
	json_t *q = json_array();

	for (uint64_t i = 0; i < c->sum.n; i++)
		json_array_append_new(q, json_integer((json_int_t)c->samples[i]));
	return q;
}

static json_t *quantiles_json(const struct class_result *c)
{
	json_t *q = json_array();

	for (int i = 0; i < QUANTILES; i++)
		json_array_append_new(q, json_real(c->quantiles[i]));
	return q;
}

/* --repeat: every run's median, their spread and the between-run interval
 * of the median (order statistics of the run medians, >= 6 runs). */
static json_t *repeat_json(const struct class_result *c)
{
	json_t *m = json_array(), *o;
	double lo = INFINITY, hi = -INFINITY, ci_lo, ci_hi, cov;

	for (unsigned int i = 0; i < c->nrepeat; i++) {
		json_array_append_new(m, json_real(c->repeat_medians[i]));
		lo = fmin(lo, c->repeat_medians[i]);
		hi = fmax(hi, c->repeat_medians[i]);
	}
	median_ci_of(c->repeat_medians, c->nrepeat, &ci_lo, &ci_hi, &cov);
	o = json_pack("{s:i, s:o, s:o, s:o}", "runs", (int)c->nrepeat, "medians", m, "spread",
		      num(hi - lo), "spread_pct",
		      num(c->sum.median ? 100 * (hi - lo) / c->sum.median : NAN));
	if (o) {
		json_object_set_new(o, "median_ci95", json_pack("[o,o]", num(ci_lo), num(ci_hi)));
		json_object_set_new(o, "median_ci95_coverage", num(cov));
	}
	return o;
}

static json_t *parts_json(const struct breakdown *b, uint64_t n)
{
	json_t *a = json_array();

	for (uint64_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("[I,I,I]", (json_int_t)b->parts[3 * i],
						   (json_int_t)b->parts[3 * i + 1],
						   (json_int_t)b->parts[3 * i + 2]));
	return a;
}

static json_t *breakdown_json(const struct breakdown *b, uint64_t n)
{
	json_t *o;

	if (!b->available)
		return json_pack("{s:b, s:s}", "available", 0, "reason", b->reason);
	o = json_pack("{s:b, s:I, s:f, s:s, s:s, s:I, s:o, s:o, s:o}", "available", 1, "tsc_offset",
		      (json_int_t)b->offset, "tsc_ratio", b->ratio, "offset_source",
		      b->offset_source, "ratio_source", b->ratio_source, "inconsistent_iterations",
		      (json_int_t)b->inconsistent, "exit_leg", stats_json(&b->exit_leg),
		      "vmm_handling", stats_json(&b->handling), "entry_leg",
		      stats_json(&b->entry_leg));
	if (o && b->parts)
		json_object_set_new(o, "parts", parts_json(b, n));
	return o;
}

/* run --trace: tracepoint events per iteration next to the KVM stats. */
static json_t *trace_json(const struct run_trace *t)
{
	json_t *ev;

	if (t->error[0])
		return json_pack("{s:b, s:s}", "available", 0, "reason", t->error);
	ev = json_object();
	for (unsigned int e = 0; e < t->nevents; e++)
		if (t->enabled[e])
			json_object_set_new(
			    ev, t->name[e],
			    json_real((double)t->events[e] / (double)t->iterations));
	return json_pack("{s:b, s:I, s:I, s:o}", "available", 1, "iterations_traced",
			 (json_int_t)t->iterations, "lost", (json_int_t)t->lost,
			 "events_per_iteration", ev);
}

/* The counters, from the separate counted pass or (--perf=inline) the
 * timed pass, and the median of the loop they were counted around. */
static json_t *perf_json(const struct class_result *c)
{
	json_t *o = perfctr_json(c->perf, c->perf_iterations);

	if (!o)
		return NULL;
	json_object_set_new(o, "mode", json_string(c->perf_inline ? "inline" : "pass"));
	json_object_set_new(o, "iterations", json_integer((json_int_t)c->perf_iterations));
	json_object_set_new(o, "median", num(c->perf_median));
	json_object_set_new(o, "reason", c->perf_note[0] ? json_string(c->perf_note) : json_null());
	return o;
}

/* What every class has, measured or not. */
static json_t *class_head_json(const struct class_result *c)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "name", c->cls->name, "handled_in",
			 handled_in_name(c->cls->handled_in), "what", c->cls->what, "status",
			 class_status_name(c->status), "reason", c->reason, "ring", c->ring);
}

/* A measured class: its statistics and verification. */
static void class_measured_json(json_t *o, const struct class_result *c, bool no_time)
{
	json_object_set_new(o, "cpl", json_integer(c->cpl));
	json_object_set_new(o, "iterations", json_integer((json_int_t)c->iterations));
	json_object_set_new(o, "warmup", json_integer((json_int_t)c->warmup));
	json_object_set_new(o, "budget_limited", json_boolean(c->budget_limited));
	json_object_set_new(o, "stats", stats_json(&c->sum));
	json_object_set_new(o, "net_median", num(c->net_median));
	json_object_set_new(
	    o, "median_ns",
	    num(c->tsc_khz && !no_time ? c->sum.median * 1e6 / (double)c->tsc_khz : NAN));
	json_object_set_new(o, "exits_per_iteration", num(c->exits_per_iter));
	json_object_set_new(o, "prepare_exits_per_iteration", num(c->prep_exits_per_iter));
	json_object_set_new(o, "verified", json_boolean(c->verified));
	json_object_set_new(o, "verification",
			    json_string(c->verified ? "verified" : "unverified"));
	json_object_set_new(o, "checks", checks_json(c));
	json_object_set_new(o, "kvm_stats_per_iteration", deltas_json(c));
	json_object_set_new(o, "quantiles", quantiles_json(c));
	if (c->samples)
		json_object_set_new(o, "samples", samples_json(c));
	json_object_set_new(o, "wall_seconds", json_real(c->wall_seconds));
	json_object_set_new(o, "rezaps", json_integer((json_int_t)c->rezaps));
	json_object_set_new(o, "hlt_skips", json_integer((json_int_t)c->hlt_skips));
	json_object_set_new(o, "repeat", repeat_json(c));
}

/* A measured class's optional parts: breakdown, perf, trace, batch, aux. */
static void class_extras_json(json_t *o, const struct class_result *c)
{
	if (c->bd.wanted)
		json_object_set_new(o, "breakdown", breakdown_json(&c->bd, c->iterations));
	if (c->perf || c->perf_note[0])
		json_object_set_new(o, "perf", perf_json(c));
	if (c->trace.on)
		json_object_set_new(o, "trace", trace_json(&c->trace));
	if (c->has_batch)
		json_object_set_new(o, "batch",
				    json_pack("{s:o, s:I}", "mean", num(c->batch_mean), "n",
					      (json_int_t)c->batch_n));
	if (c->has_aux)
		json_object_set_new(o, "aux",
				    json_pack("{s:s, s:o}", "name", c->cls->aux_name, "stats",
					      stats_json(&c->aux)));
}

static json_t *class_json(const struct class_result *c, bool no_time)
{
	json_t *o = class_head_json(c);

	if (o && c->status == CLASS_OK) {
		class_measured_json(o, c, no_time);
		class_extras_json(o, c);
	}
	return o;
}

static json_t *pin_json(int cpu)
{
	return cpu >= 0 ? json_integer(cpu) : json_null();
}

/* Which source and which method produced the numbers (bench/version/version.h). */
static json_t *tool_json(const struct run_result *r)
{
	return json_pack(
	    "{s:s, s:s, s:i, s:s, s:b, s:o, s:s}", "name", "exitbench", "version",
	    EXITBENCH_VERSION, "method_version", EXITBENCH_METHOD_VERSION, "commit",
	    exitbench_build_commit, "modified", exitbench_build_modified, "changes_sha256",
	    exitbench_build_modified ? json_string(exitbench_build_changes_sha256) : json_null(),
	    "command_line", r->command_line);
}

static json_t *options_json(const struct run_result *r)
{
	const struct run_params *p = &r->params;
	json_t *o = json_pack("{s:I, s:I, s:i, s:b, s:i, s:s, s:s}", "samples",
			      (json_int_t)p->samples, "warmup", (json_int_t)p->warmup, "ring",
			      p->ring, "quick", r->quick, "timeout_s", (int)p->timeout_s, "timer",
			      timer_name(p->timer), "timer_note", r->timer_note);

	if (!o)
		return NULL;
	json_object_set_new(o, "repeat", json_integer(p->repeat));
	json_object_set_new(o, "cpu", pin_json(p->cpu));
	json_object_set_new(o, "cpu2", pin_json(p->cpu2));
	json_object_set_new(o, "cpus_siblings", json_boolean(p->cpus_siblings));
	json_object_set_new(o, "perf", json_boolean(p->perf != NULL));
	json_object_set_new(o, "perf_mode",
			    p->perf ? json_string(p->perf_inline ? "inline" : "pass")
				    : json_null());
	json_object_set_new(o, "loop", json_string(p->indirect ? "indirect" : "straight"));
	json_object_set_new(o, "budget_s", num(p->budget_s > 0 ? p->budget_s : NAN));
	return o;
}

static json_t *classes_json(const struct run_result *r)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < r->nclasses; i++)
		json_array_append_new(a, class_json(&r->classes[i], r->host.tsc_is_instructions));
	return a;
}

static json_t *result_json(const struct run_result *r)
{
	json_t *doc = json_pack(
	    "{s:s, s:o, s:s, s:s, s:b, s:s, s:o, s:o, s:s, s:o, s:o}", "schema", RESULT_SCHEMA,
	    "tool", tool_json(r), "started_utc", r->started_utc, "finished_utc", r->finished_utc,
	    "partial", r->partial, "partial_reason", r->partial_reason, "host", host_json(&r->host),
	    "options", options_json(r), "units",
	    r->host.tsc_is_instructions ? "emulated_instructions" : "tsc_ticks", "overhead",
	    json_pack("{s:s, s:o}", "class", class_baseline()->name, "median", num(r->null_median)),
	    "classes", classes_json(r));

	if (!doc)
		return NULL;
	json_object_set_new(doc, "quantity",
			    json_string(r->quantity ? r->quantity : "kvm round trip"));
	if (r->have_perf_overhead)
		json_object_set_new(doc, "perf_overhead",
				    json_pack("{s:s, s:f, s:f}", "class", class_perf_probe()->name,
					      "median_with_perf", r->cpuid_median_perf,
					      "median_without_perf", r->cpuid_median_no_perf));
	return doc;
}

static int dump(FILE *f, const void *arg)
{
	if (json_dumpf(arg, f, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) < 0)
		return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

int result_write_json(const struct run_result *r, const char *path, bool no_clobber)
{
	json_t *doc = result_json(r);
	int ret;

	if (!doc) {
		errno = ENOMEM;
		return eb_fail("build the JSON document for %s", path);
	}
	ret = atomic_write(path, no_clobber, dump, doc);
	json_decref(doc);
	return ret;
}

/* The host object of a result, for other documents (exitbench census). */
json_t *result_host_json(const struct host_info *h)
{
	return host_json(h);
}
