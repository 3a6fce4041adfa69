/* SPDX-License-Identifier: MIT */
/* The census as a terminal table. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/census/census.h"

static const char *short_class(enum census_class c)
{
	static const char *const names[] = {"?",	 "privileged", "trapped",   "hardware",
					    "innocuous", "both fault", "CPL0 fault"};

	return names[c];
}

/* "none", "kvm*" (differs from this backend's hint) ... */
static void code_cell(const struct census_cell *c, char *buf, size_t len)
{
	char code[32];

	census_cell_code(c, code, sizeof(code));
	snprintf(buf, len, "%s%s", code,
		 c->status == CS_OK && c->hint[0] && strcmp(c->hint, code) ? "*" : "");
}

static void cost_cell(const struct census_cell *c, char *buf, size_t len)
{
	if (c->status != CS_OK || c->outcome == CO_FAULT || !isfinite(c->median))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f [%.0f,%.0f]", c->median, c->ci_lo, c->ci_hi);
}

void census_print_table(const struct census_doc *d, FILE *f)
{
	const struct census_host *h = &d->host;

	fprintf(f, "exitbench census: %s, %s, kernel %s, KVM %s (%s), %s%s%s\n", h->hostname,
		h->microarch, h->kernel, h->backend, h->module, h->platform,
		h->emulator[0] ? ": " : "", h->emulator);
	fprintf(f,
		"outcome: none = ran without an exit, kvm = exited to KVM, vmm = exited to "
		"exitbench's VMM, #GP/#UD = faulted in the guest (kvm+#GP: after an exit);\n"
		"* = differs from the usual outcome on this backend; cost: median [95%% "
		"interval] TSC ticks, %llu iterations, timer %s\n\n",
		(unsigned long long)d->iterations, d->timer);
	fprintf(f, "%-17s %-16s %-9s %-20s %-9s %-20s %-10s %s\n", "row", "instruction", "CPL0",
		"cost CPL0", "CPL3", "cost CPL3", "class",
		"observed (CPL3; CPL0 where CPL3 faulted)");
	for (unsigned int i = 0; i < d->nrows; i++) {
		const struct census_rowres *r = &d->rows[i];
		const struct census_cell *o = census_shown_observation(r);
		char c0[40], c3[40], k0[40], k3[40];

		code_cell(&r->cell[0], c0, sizeof(c0));
		code_cell(&r->cell[1], c3, sizeof(c3));
		cost_cell(&r->cell[0], k0, sizeof(k0));
		cost_cell(&r->cell[1], k3, sizeof(k3));
		fprintf(f, "%-17s %-16s %-9s %-20s %-9s %-20s %-10s %s\n", r->name, r->insn, c0, k0,
			c3, k3, short_class(r->cls), o->observed);
	}
	for (unsigned int i = 0; i < d->nrows; i++)
		for (int k = 0; k < 2; k++)
			if (d->rows[i].cell[k].status == CS_SKIPPED ||
			    d->rows[i].cell[k].status == CS_FAILED)
				fprintf(f, "%s at CPL%d %s: %s\n", d->rows[i].name, k ? 3 : 0,
					census_status_key(d->rows[i].cell[k].status),
					d->rows[i].cell[k].reason);
}
