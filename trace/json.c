/* SPDX-License-Identifier: MIT */
/* The exitbench-trace/1 JSON document (docs/trace.md), built with jansson. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <sys/wait.h>

#include "lib/files.h"
#include "trace/trace.h"

#define TRACE_SCHEMA "exitbench-trace/1"

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *events_json(const struct trace_data *d, const struct trace_info *i)
{
	json_t *o = json_object();

	for (int ev = 0; ev < TEV_COUNT; ev++)
		json_object_set_new(o, trace_ev_name(ev),
				    json_pack("{s:b, s:b, s:I}", "present", i->present[ev],
					      "enabled", i->enabled[ev], "count",
					      (json_int_t)d->events[ev]));
	return o;
}

static json_t *hist_json(const struct log2_hist *h)
{
	json_t *a = json_array();

	for (unsigned int b = 0; b < HIST_BUCKETS; b++)
		if (h->b[b])
			json_array_append_new(
			    a,
			    json_pack("{s:I, s:o, s:I}", "lo_ns", (json_int_t)hist_lo(b), "hi_ns",
				      b == HIST_BUCKETS - 1 ? json_null()
							    : json_integer((json_int_t)hist_hi(b)),
				      "count", (json_int_t)h->b[b]));
	return a;
}

static json_t *reason_json(const struct reason_stat *rs, uint64_t exits, double total)
{
	char buf[64];
	const struct summary *s = &rs->sum;
	json_t *stats =
	    rs->paired
		? json_pack("{s:I, s:I, s:o, s:o, s:I, s:o, s:o, s:b}", "n", (json_int_t)s->n,
			    "min_ns", (json_int_t)s->min, "median_ns", num(s->median), "p99_ns",
			    num(s->p99), "max_ns", (json_int_t)s->max, "mean_ns", num(s->mean),
			    "stddev_ns", num(s->stddev), "quantiles_sampled", rs->sampled)
		: json_null();

	return json_pack("{s:s, s:I, s:s, s:I, s:I, s:o, s:o, s:o, s:o}", "isa",
			 trace_isa_name(rs->isa), "reason", (json_int_t)rs->reason, "name",
			 trace_exit_reason_name(rs->isa, rs->reason, buf, sizeof(buf)), "samples",
			 (json_int_t)rs->exits, "paired", (json_int_t)rs->paired, "samples_pct",
			 num(exits ? 100.0 * (double)rs->exits / (double)exits : 0.0), "time_pct",
			 num(total > 0 ? 100.0 * rs->total_ns / total : 0.0), "durations", stats,
			 "histogram", hist_json(&rs->hist));
}

static json_t *reasons_json(const struct trace_data *d)
{
	json_t *a = json_array();
	uint64_t exits = 0;
	double total = 0;

	for (size_t r = 0; r < d->nreasons; r++) {
		exits += d->reasons[r].exits;
		total += d->reasons[r].total_ns;
	}
	for (size_t r = 0; r < d->nreasons; r++)
		json_array_append_new(a, reason_json(&d->reasons[r], exits, total));
	return a;
}

static json_t *causes_json(const struct trace_data *d)
{
	json_t *o = json_object();

	for (int ev = TEV_PIO; ev < TEV_COUNT; ev++)
		json_object_set_new(o, trace_ev_name(ev), json_array());
	for (size_t k = 0; k < d->ncauses; k++) {
		const struct trace_key_count *c = &d->causes[k];
		char desc[96];

		trace_key_describe(c->ev, c->k1, c->k2, desc, sizeof(desc));
		json_array_append_new(json_object_get(o, trace_ev_name(c->ev)),
				      json_pack("{s:I, s:I, s:s, s:I}", "k1", (json_int_t)c->k1,
						"k2", (json_int_t)c->k2, "key", desc, "count",
						(json_int_t)c->count));
	}
	return o;
}

static json_t *pairing_json(const struct pair_counts *c)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "paired", (json_int_t)c->paired,
			 "exit_without_entry", (json_int_t)c->exit_without_entry,
			 "entry_without_exit", (json_int_t)c->entry_without_exit, "out_of_order",
			 (json_int_t)c->out_of_order, "dropped_at_loss",
			 (json_int_t)c->dropped_at_loss, "pending_at_end",
			 (json_int_t)c->pending_at_end);
}

static json_t *target_json(const struct trace_target *t)
{
	json_t *status = json_null();

	if (t->command && t->command_status >= 0 && WIFEXITED(t->command_status))
		status = json_pack("{s:i}", "exit", WEXITSTATUS(t->command_status));
	else if (t->command && t->command_status >= 0 && WIFSIGNALED(t->command_status))
		status = json_pack("{s:i}", "signal", WTERMSIG(t->command_status));
	return json_pack("{s:o, s:o, s:o, s:b}", "pid", t->pid ? json_integer(t->pid) : json_null(),
			 "command", t->command ? json_string(t->command) : json_null(),
			 "command_status", status, "terminated", t->terminated);
}

static json_t *trace_json(const struct trace_data *d, const struct trace_info *i,
			  const struct trace_target *t)
{
	bool durations = d->events[TEV_EXIT] || d->events[TEV_ENTRY];

	return json_pack(
	    "{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:o, s:{s:f, s:s, s:s, s:s, s:b, s:s}, "
	    "s:o, s:{s:I, s:I, s:I}, s:b, s:o, s:o, s:o}",
	    "schema", TRACE_SCHEMA, "tool", "version", t->tool_version ? t->tool_version : "",
	    "command_line", t->command_line ? t->command_line : "", "host", "kernel",
	    t->kernel ? t->kernel : "", "backend", t->backend ? t->backend : "", "module",
	    t->module ? t->module : "", "target", target_json(t), "trace", "seconds", i->seconds,
	    "clock", i->clock, "instance", i->instance, "tracing_dir", i->tracing_dir,
	    "mounted_tracefs", i->mounted, "notes", i->notes, "events", events_json(d, i), "lost",
	    "ring_buffer", (json_int_t)i->lost, "markers", (json_int_t)d->loss_markers,
	    "marked_events", (json_int_t)d->missed_events, "exit_durations", durations, "pairing",
	    pairing_json(&d->pair.c), "reasons", reasons_json(d), "causes", causes_json(d));
}

struct json_arg {
	json_t *doc;
};

static int fill_json(FILE *f, const void *arg)
{
	const struct json_arg *a = arg;

	if (json_dumpf(a->doc, f, JSON_INDENT(1) | JSON_SORT_KEYS) < 0) {
		errno = EIO;
		return -1;
	}
	fputc('\n', f);
	return 0;
}

int trace_write_json(const struct trace_data *d, const struct trace_info *i,
		     const struct trace_target *t, const char *path)
{
	struct json_arg a = {trace_json(d, i, t)};
	int ret;

	if (!a.doc) {
		errno = ENOMEM;
		return eb_fail_errno("build the JSON document for %s", path);
	}
	ret = atomic_write(path, false, fill_json, &a);
	json_decref(a.doc);
	return ret;
}
