// SPDX-License-Identifier: MIT
/* exitbench report: where a host has both an `exitbench hw` result (quantity
 * "hardware round trip") and a KVM round trip from `exitbench run`, each KVM
 * class split into the hardware transition, KVM's share and, for userspace
 * exits, the VMM legs of the host-side breakdown (docs/hw.md). */
#include <math.h>
#include <string.h>

#include "bench/report/report.h"

/* KVM class -> the hardware exit that is its transition. */
static const struct {
	const char *kvm, *hw;
} hw_pairs[] = {
    {"cpuid", "cpuid"},	   {"vmcall", "vmcall"}, {"vmcall_user", "vmcall"},
    {"pio_kernel", "out"}, {"pio_user", "out"},
};

static bool is_hw(const struct report_run *run)
{
	return strcmp(run->rf.quantity, "hardware round trip") == 0;
}

/* Same machine and software: hostname, CPU, microcode and kernel. */
static bool same_host(const struct rf_run *a, const struct rf_run *b)
{
	return strcmp(a->hostname, b->hostname) == 0 && strcmp(a->model_name, b->model_name) == 0 &&
	       strcmp(a->microcode, b->microcode) == 0 &&
	       strcmp(a->kernel_release, b->kernel_release) == 0;
}

static double net(const struct rf_run *run, const char *cls)
{
	const struct rf_class *c = rf_find_class(run, cls);

	return c && c->status == CLASS_OK ? c->net_median : NAN;
}

static void legs(FILE *f, const struct report_run *kvm, const char *cls)
{
	for (unsigned int i = 0; i < kvm->rf.nclasses; i++) {
		const struct rf_breakdown *bd = &kvm->rf.classes[i].bd;

		if (strcmp(kvm->rf.classes[i].name, cls) || !bd->n)
			continue;
		for (unsigned int k = 0; k < bd->n; k++)
			fprintf(f, "%s%s %.0f", k ? " · " : "", bd->part[k].name,
				bd->part[k].ticks);
		return;
	}
	fputs("-", f);
}

static unsigned int pair_rows(FILE *f, const struct report_run *hw, const struct report_run *kvm)
{
	unsigned int rows = 0;

	for (size_t i = 0; i < sizeof(hw_pairs) / sizeof(hw_pairs[0]); i++) {
		double h = net(&hw->rf, hw_pairs[i].hw), k = net(&kvm->rf, hw_pairs[i].kvm);

		if (!isfinite(h) || !isfinite(k))
			continue;
		fputs("| ", f);
		md_escape(f, hw->label);
		fputs(" / ", f);
		md_escape(f, kvm->label);
		fprintf(f, " | `%s` | %.0f | `%s` | %.0f | %.0f | ", hw_pairs[i].hw, h,
			hw_pairs[i].kvm, k, k - h);
		legs(f, kvm, hw_pairs[i].kvm);
		fputs(" |\n", f);
		rows++;
	}
	return rows;
}

void report_decomposition(FILE *f, const struct report *r)
{
	unsigned int rows = 0;

	fprintf(f,
		"## Hardware round trip and KVM's share\n\n"
		"For a host with both an `exitbench hw` result (the bare hardware round trip) and "
		"an `exitbench run` result (the KVM round trip) from the same CPU, microcode and "
		"kernel: each KVM class beside the hardware exit it contains. KVM's share = KVM "
		"round trip − hardware round trip (net medians, TSC ticks). VMM legs: for "
		"userspace exits, the host-side breakdown of the KVM round trip (guest → VMM "
		"holds the hardware exit and KVM's exit path; medians) (docs/hw.md).\n\n");
	for (unsigned int i = 0; i < r->nruns; i++)
		for (unsigned int j = 0; is_hw(&r->runs[i]) && j < r->nruns; j++) {
			if (is_hw(&r->runs[j]) || !same_host(&r->runs[i].rf, &r->runs[j].rf))
				continue;
			if (!rows)
				fprintf(f,
					"| hw run / KVM run | hardware exit | hardware round trip "
					"| KVM class | KVM round trip | KVM's share | VMM legs |\n"
					"|---|---|---|---|---|---|---|\n");
			rows += pair_rows(f, &r->runs[i], &r->runs[j]);
		}
	if (!rows)
		fprintf(f, "No host has both quantities in this report: nothing to split.\n");
	fputc('\n', f);
}
