// SPDX-License-Identifier: MIT
/* exitbench hw's results: the same run_result (and so the same JSON) as
 * `exitbench run`, labelled quantity "hardware round trip"; its table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/hw/hw.h"
#include "bench/host/platform.h"
#include "guests/protocol.h"

/* The classes of exitbench hw: one per exiting instruction, no handler. */
static const struct exit_class hw_classes[HW_NEXITS] = {
    {.name = "null",
     .what = "lfence;rdtsc, call of the entry stub with no guest, rdtscp;lfence: the timer "
	     "overhead",
     .handled_in = HANDLED_NONE},
    {.name = "cpuid",
     .what = "guest cpuid; VM exit; host sets RIP past it and re-enters",
     .handled_in = HANDLED_NONE,
     .vmx = "CPUID (10)",
     .svm = "CPUID (0x72)"},
    {.name = "vmcall",
     .what = "guest vmcall (VT-x) / vmmcall (AMD-V); VM exit; RIP past it, re-enter",
     .handled_in = HANDLED_NONE,
     .vmx = "VMCALL (18)",
     .svm = "VMMCALL (0x81)"},
    {.name = "out",
     .what = "guest out %al,$0x80; VM exit; RIP past it, re-enter",
     .handled_in = HANDLED_NONE,
     .vmx = "I/O instruction (30)",
     .svm = "IOIO (0x7b)"},
};

const char *hw_exit_name(enum hw_exit e)
{
	return e < HW_NEXITS ? hw_classes[e].name : "?";
}

static void hw_host(const struct hw_class *c, struct host_info *h)
{
	struct backend *b = &h->backend;

	hostinfo_collect(h, NULL);
	b->kind = c->backend == HW_VMX ? BACKEND_VMX : BACKEND_SVM;
	snprintf(b->name, sizeof(b->name), "%s", c->backend == HW_VMX ? "vmx" : "svm");
	snprintf(b->module, sizeof(b->module), "exitbench_hw");
	/* the platform from the backend the module used, not KVM's (bench/host/platform.c) */
	{
		char lab[16] = "";

		if (platform_from_lab(h->lab, lab, sizeof(lab)))
			lab[0] = 0;
		snprintf(h->platform, sizeof(h->platform), "%s",
			 platform_derive(lab, b->name, b->nested, b->hypervisor));
		h->guest_seen = platform_guest_seen(h->platform, b->nested);
	}
	if (c->tsc_khz) {
		h->tsc_khz = c->tsc_khz;
		snprintf(h->tsc_khz_source, sizeof(h->tsc_khz_source), "kernel tsc_khz");
	}
}

static int hw_class_result(const struct hw_opts *o, struct hw_class *c, struct class_result *res)
{
	memset(res, 0, sizeof(*res));
	res->cls = &hw_classes[c->exit];
	res->status = CLASS_OK;
	if (samples_sort(c->samples, c->n))
		return eb_fail_errno("sort %llu samples", (unsigned long long)c->n);
	summarize_sorted(c->samples, c->n, &res->sum);
	for (int q = 0; q < QUANTILES; q++)
		res->quantiles[q] = quantile_sorted(c->samples, c->n, q / (double)(QUANTILES - 1));
	res->iterations = c->n;
	res->warmup = (uint64_t)o->warmup * c->batches;
	res->tsc_khz = c->tsc_khz;
	res->nrepeat = 1;
	res->repeat_medians[0] = res->sum.median;
	res->net_median = NAN;
	res->has_batch = c->batch_n > 0;
	res->batch_mean = c->batch_n ? (double)c->batch_ticks / (double)c->batch_n : NAN;
	res->batch_n = c->batch_n;
	if (c->exit == HW_EXIT_NULL) {
		res->verified = true;
		res->exits_per_iter = NAN;
	} else {
		struct check_result *k = &res->checks[res->nchecks++];

		k->stat = "exitbench_hw_exits";
		k->expected = 1;
		k->measured = (double)c->exits / (double)c->expected_exits;
		k->available = true;
		k->ok = c->exits == c->expected_exits;
		res->verified = k->ok;
		res->exits_per_iter = k->measured;
		if (!k->ok)
			snprintf(res->reason, sizeof(res->reason),
				 "the module counted %llu exits of the expected kind for %llu "
				 "round trips",
				 (unsigned long long)c->exits,
				 (unsigned long long)c->expected_exits);
	}
	if (o->keep_samples) {
		res->samples = c->samples;
		c->samples = NULL;
	}
	return 0;
}

int hw_result(const struct hw_opts *o, struct hw_class *cls, unsigned int n, struct run_result *r)
{
	memset(r, 0, sizeof(*r));
	r->quantity = HW_QUANTITY;
	r->classes = calloc(n, sizeof(*r->classes));
	if (!r->classes)
		return eb_fail_errno("allocate %u class results", n);
	hw_host(&cls[0], &r->host);
	snprintf(r->command_line, sizeof(r->command_line), "%s", o->command_line);
	r->params.samples = o->samples;
	r->params.warmup = o->warmup;
	r->params.timer = TIMER_RDTSCP;
	r->params.repeat = 1;
	r->params.cpu = o->cpu;
	r->params.cpu2 = -1;
	r->null_median = NAN;
	for (unsigned int i = 0; i < n; i++) {
		if (hw_class_result(o, &cls[i], &r->classes[i]))
			return -1;
		r->nclasses++;
		if (cls[i].exit == HW_EXIT_NULL)
			r->null_median = r->classes[i].sum.median;
	}
	for (unsigned int i = 0; i < n; i++)
		r->classes[i].net_median = r->classes[i].sum.median - r->null_median;
	return 0;
}

void hw_print_table(const struct run_result *r, const struct hw_class *cls, FILE *out)
{
	const struct backend *b = &r->host.backend;

	fprintf(out, "exitbench hw: %s, backend %s (module exitbench_hw), CPU %s%s%s%s\n",
		HW_QUANTITY, b->name, r->host.model_name, b->nested ? ", nested under " : "",
		b->nested ? b->hypervisor : "",
		strcmp(b->hypervisor, "TCGTCGTCGTCG") == 0 ? " (EMULATED: not hardware timings)"
							   : "");
	fprintf(out, "%-7s %-16s %8s %8s %8s %8s %8s %10s %8s %6s\n", "class", "exit", "n", "min",
		"median", "p90", "mean", "batch mean", "net med", "exits");
	for (unsigned int i = 0; i < r->nclasses; i++) {
		const struct class_result *c = &r->classes[i];
		const char *exit = b->kind == BACKEND_VMX ? c->cls->vmx : c->cls->svm;

		fprintf(out, "%-7s %-16s %8zu %8llu %8.0f %8.0f %8.0f %10.0f %8.0f %6s\n",
			c->cls->name, exit ? exit : "-", c->sum.n, (unsigned long long)c->sum.min,
			c->sum.median, c->sum.p90, c->sum.mean, c->batch_mean, c->net_median,
			cls[i].exit == HW_EXIT_NULL ? "-"
			: c->verified		    ? "ok"
						    : "WRONG");
	}
	fprintf(out, "TSC ticks per round trip; batch mean: back-to-back round trips timed as one "
		     "(as vmlatency reports it); net median: median - null median\n");
}

void hw_result_free(struct run_result *r)
{
	for (unsigned int i = 0; i < r->nclasses; i++)
		class_result_free(&r->classes[i]);
	free(r->classes);
	r->classes = NULL;
}
