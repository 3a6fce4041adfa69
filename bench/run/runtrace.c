/* SPDX-License-Identifier: MIT */
/*
 * exitbench run --trace: each class runs inside its own private tracefs
 * session on this process (trace/), so the kvm:* tracepoint counts stand
 * next to the KVM stats counts as a second, independent witness.
 * kvm_emulate_insn is left off: an emulating backend fires it per guest
 * instruction and would drown the rest.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/run/runner.h"
#include "trace/trace.h"

/* Every traced event but kvm_emulate_insn. */
static unsigned int run_trace_mask(void)
{
	return ((1u << TEV_COUNT) - 1) & ~(1u << TEV_EMULATE_INSN);
}

struct trace_session *run_trace_start(char *err, size_t len)
{
	struct trace_opts o = {.pid = getpid(), .events = run_trace_mask()};
	struct trace_session *s = trace_session_open(&o);

	if (!s)
		snprintf(err, len, "%s", eb_error());
	return s;
}

/* Iterations the guest ran in this class's VMs: preflight, warm-up, timed. */
static uint64_t traced_iterations(const struct class_result *res)
{
	return res->iterations + res->warmup + (res->iterations > 1) + res->perf_pass_ran;
}

void run_trace_stop(struct trace_session *s, const char *start_err, struct class_result *res)
{
	struct trace_counts c;
	struct run_trace *t = &res->trace;

	t->on = true;
	snprintf(t->error, sizeof(t->error), "%s", start_err);
	if (!s)
		return;
	memset(&c, 0, sizeof(c));
	if (trace_stop_collect(s, &c) < 0)
		snprintf(t->error, sizeof(t->error), "%s", eb_error());
	t->iterations = traced_iterations(res);
	t->lost = c.lost + c.loss_markers;
	for (int e = 0; e < TEV_COUNT && e < RUN_TRACE_EVENTS; e++) {
		t->name[e] = trace_ev_name((enum trace_ev)e);
		t->enabled[e] = c.enabled[e];
		t->events[e] = c.events[e];
	}
	t->nevents = TEV_COUNT < RUN_TRACE_EVENTS ? TEV_COUNT : RUN_TRACE_EVENTS;
	trace_session_close(s);
}
