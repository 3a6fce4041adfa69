/* SPDX-License-Identifier: MIT */
/*
 * census --trace: the VT-x/AMD-V exit reasons behind a cell, from the
 * kvm:kvm_exit tracepoint (trace/), over the cell's whole VM: its setup,
 * the observation run, the doorbells, the warm-up and the timed runs.  The
 * row's own reason is the one counted about iterations + warm-up + 1 times.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/census/census.h"
#include "trace/trace.h"

struct trace_session *census_trace_start(char *err, size_t len)
{
	struct trace_opts o = {.pid = getpid(), .events = 1u << TEV_EXIT};
	struct trace_session *s = trace_session_open(&o);

	if (!s)
		snprintf(err, len, "%s", eb_error());
	return s;
}

void census_trace_stop(struct trace_session *s, const char *err, struct census_cell *c)
{
	const struct trace_data *d;

	c->traced = true;
	snprintf(c->trace_error, sizeof(c->trace_error), "%s", err);
	if (!s)
		return;
	if (trace_session_stop(s))
		snprintf(c->trace_error, sizeof(c->trace_error), "%s", eb_error());
	d = trace_session_data(s);
	for (size_t i = 0; d && i < d->nreasons && c->nreasons < CENSUS_MAX_REASONS; i++) {
		struct census_reason *r = &c->reasons[c->nreasons++];
		char buf[48];

		snprintf(r->name, sizeof(r->name), "%s",
			 trace_exit_reason_name(d->reasons[i].isa, d->reasons[i].reason, buf,
						sizeof(buf)));
		r->count = d->reasons[i].exits;
	}
	trace_session_close(s);
}
