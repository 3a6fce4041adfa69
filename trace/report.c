/* SPDX-License-Identifier: MIT */
/* The terminal report, in the shape of `perf kvm stat`. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "trace/trace.h"

#define KEYS_SHOWN 10

static uint64_t other_events(const struct trace_data *d)
{
	uint64_t n = 0;

	for (int ev = TEV_ENTRY + 1; ev < TEV_COUNT; ev++)
		n += d->events[ev];
	return n;
}

static void print_header(const struct trace_info *i, const struct trace_target *t, FILE *f)
{
	fprintf(f, "exitbench trace: %.2f s of ", i->seconds);
	if (t->command)
		fprintf(f, "command '%s' (pid %d)\n", t->command, (int)t->pid);
	else if (t->pid)
		fprintf(f, "process %d and its threads\n", (int)t->pid);
	else
		fprintf(f, "every VM on this host\n");
	fprintf(f, "host: kernel %s, KVM backend %s (module %s); instance %s, clock %s\n",
		t->kernel ? t->kernel : "?", t->backend ? t->backend : "?",
		t->module ? t->module : "?", i->instance, i->clock);
	if (i->notes[0])
		fprintf(f, "notes: %s\n", i->notes);
}

static void print_events(const struct trace_data *d, const struct trace_info *i, FILE *f)
{
	const char *sep = "events:";

	for (int ev = 0; ev < TEV_COUNT; ev++)
		if (i->enabled[ev]) {
			fprintf(f, "%s %s %" PRIu64, sep, trace_ev_name(ev), d->events[ev]);
			sep = ",";
		}
	fputc('\n', f);
	sep = "not traced:";
	for (int ev = 0; ev < TEV_COUNT; ev++)
		if (!i->enabled[ev]) {
			fprintf(f, "%s %s (%s)", sep, trace_ev_name(ev),
				i->present[ev] ? "left out with -e" : "not on this kernel");
			sep = ",";
		}
	if (sep[0] == ',')
		fputc('\n', f);
	fprintf(f,
		"lost events: %" PRIu64 " (ring buffer overrun + dropped), %" PRIu64
		" loss markers in the stream (%" PRIu64 " events counted by them)\n",
		i->lost, d->loss_markers, d->missed_events);
	if (i->lost || d->loss_markers)
		fprintf(f,
			"  (counts below miss the lost events: a larger --buffer-kb, or -e without "
			"the busiest event, keeps them)\n");
}

/* Says plainly why there are no durations, or returns false when there are exits. */
static bool explain_no_exits(const struct trace_data *d, const struct trace_info *i,
			     const struct trace_target *t, FILE *f)
{
	if (d->events[TEV_EXIT] || d->events[TEV_ENTRY])
		return false;
	if (!i->present[TEV_EXIT] || !i->present[TEV_ENTRY])
		fprintf(f, "\nThis kernel has no kvm:kvm_exit/kvm:kvm_entry tracepoint: no exit "
			   "durations.\n");
	else if (!i->enabled[TEV_EXIT] || !i->enabled[TEV_ENTRY])
		fprintf(f, "\nkvm_exit/kvm_entry were left out (-e): no exit durations.\n");
	else if (other_events(d))
		fprintf(f,
			"\nkvm_exit/kvm_entry did not fire while %" PRIu64
			" other kvm events did: this backend (%s, module %s) does not emit them, "
			"so there are no exit durations. The events that fired are counted "
			"below.\n",
			other_events(d), t->backend ? t->backend : "?",
			t->module ? t->module : "?");
	else
		fprintf(f, "\nNo kvm event fired: the traced VMs did not run in these %.2f s.\n",
			i->seconds);
	return true;
}

static void print_reasons(const struct trace_data *d, FILE *f)
{
	uint64_t exits = 0;
	double total = 0;
	char buf[64];

	for (size_t r = 0; r < d->nreasons; r++) {
		exits += d->reasons[r].exits;
		total += d->reasons[r].total_ns;
	}
	fprintf(f, "\n%-26s %9s %8s %7s %9s %9s %9s %9s %10s %20s\n", "Exit reason", "Samples",
		"Samples%", "Time%", "Timed", "Min ns", "Median ns", "p99 ns", "Max ns",
		"Mean±stddev ns");
	for (size_t r = 0; r < d->nreasons; r++) {
		const struct reason_stat *rs = &d->reasons[r];
		char ms[48];

		fprintf(f, "%-26s %9" PRIu64 " %7.2f%% %6.2f%%",
			trace_exit_reason_name(rs->isa, rs->reason, buf, sizeof(buf)), rs->exits,
			exits ? 100.0 * (double)rs->exits / (double)exits : 0.0,
			total > 0 ? 100.0 * rs->total_ns / total : 0.0);
		if (!rs->paired) {
			fprintf(f, " %9d   (no kvm_entry paired with these exits)\n", 0);
			continue;
		}
		snprintf(ms, sizeof(ms), "%.0f±%.0f", rs->sum.mean, rs->sum.stddev);
		fprintf(f, " %9" PRIu64 " %9" PRIu64 " %9.0f %9.0f %10" PRIu64 " %20s%s\n",
			rs->paired, rs->sum.min, rs->sum.median, rs->sum.p99, rs->sum.max, ms,
			rs->sampled ? "  (quantiles from a sample)" : "");
	}
	fprintf(f, "%-26s %9" PRIu64 "\n", "Total", exits);
}

static void print_pairing(const struct trace_data *d, FILE *f)
{
	const struct pair_counts *c = &d->pair.c;

	fprintf(f,
		"pairs: %" PRIu64 " exit durations; unpaired: %" PRIu64
		" exits without entry, %" PRIu64 " entries without exit, %" PRIu64
		" entries out of order, %" PRIu64 " exits dropped at lost events, %" PRIu64
		" exits pending at the end\n",
		c->paired, c->exit_without_entry, c->entry_without_exit, c->out_of_order,
		c->dropped_at_loss, c->pending_at_end);
}

static void print_histograms(const struct trace_data *d, FILE *f)
{
	char buf[64];

	fprintf(f, "\nExit durations, log2 histograms:\n");
	for (size_t r = 0; r < d->nreasons; r++) {
		const struct reason_stat *rs = &d->reasons[r];

		if (!rs->paired)
			continue;
		fprintf(f, "%s (%s): %" PRIu64 " durations\n",
			trace_exit_reason_name(rs->isa, rs->reason, buf, sizeof(buf)),
			trace_isa_name(rs->isa), rs->paired);
		hist_print(&rs->hist, "ns", f);
	}
}

static void print_causes(const struct trace_data *d, const struct trace_info *i, FILE *f)
{
	fprintf(f, "\nCause events by key:\n");
	for (int ev = TEV_PIO; ev < TEV_COUNT; ev++) {
		uint64_t more = 0, more_n = 0;
		unsigned int shown = 0;

		if (!i->enabled[ev])
			continue;
		fprintf(f, "  %-20s %10" PRIu64 "\n", trace_ev_name(ev), d->events[ev]);
		for (size_t k = 0; k < d->ncauses; k++) {
			const struct trace_key_count *c = &d->causes[k];
			char desc[96];

			if (c->ev != (enum trace_ev)ev)
				continue;
			if (shown++ >= KEYS_SHOWN) {
				more++;
				more_n += c->count;
				continue;
			}
			trace_key_describe(c->ev, c->k1, c->k2, desc, sizeof(desc));
			fprintf(f, "    %-36s %10" PRIu64 " %6.2f%%\n", desc, c->count,
				100.0 * (double)c->count / (double)d->events[ev]);
		}
		if (more)
			fprintf(f, "    (%" PRIu64 " more keys: %" PRIu64 " events)\n", more,
				more_n);
	}
}

static void print_command_status(const struct trace_target *t, FILE *f)
{
	if (!t->command || t->command_status < 0)
		return;
	const char *why = t->terminated ? " after the SIGTERM sent when -d ended" : "";

	if (WIFEXITED(t->command_status))
		fprintf(f, "\ncommand exited with status %d%s\n", WEXITSTATUS(t->command_status),
			why);
	else if (WIFSIGNALED(t->command_status))
		fprintf(f, "\ncommand killed by signal %d%s\n", WTERMSIG(t->command_status), why);
}

void trace_print_report(const struct trace_data *d, const struct trace_info *i,
			const struct trace_target *t, FILE *f)
{
	print_header(i, t, f);
	print_events(d, i, f);
	if (!explain_no_exits(d, i, t, f)) {
		print_reasons(d, f);
		print_pairing(d, f);
		print_histograms(d, f);
	}
	print_causes(d, i, f);
	print_command_status(t, f);
}
