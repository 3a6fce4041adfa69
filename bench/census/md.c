/* SPDX-License-Identifier: MIT */
/*
 * The census page (--md): for someone who has just read the lecture, what
 * each column means and, per Popek-Goldberg property, whether it holds on
 * this host for which instructions, with the evidence.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/files.h"
#include "bench/census/census.h"
#include "bench/result/result.h"

static const struct census_rowres *find(const struct census_doc *d, const char *name)
{
	for (unsigned int i = 0; i < d->nrows; i++)
		if (strcmp(d->rows[i].name, name) == 0)
			return &d->rows[i];
	return NULL;
}

static bool ran(const struct census_cell *c)
{
	return c->status == CS_OK;
}

static bool exited(const struct census_cell *c)
{
	return ran(c) && (c->outcome == CO_EXIT_KVM || c->outcome == CO_EXIT_VMM ||
			  (c->outcome == CO_FAULT && c->via_kvm));
}

static void header(FILE *f, const struct census_doc *d)
{
	const struct census_host *h = &d->host;
	bool hw = strcmp(h->platform, "hardware") == 0;

	fprintf(f, "# exitbench census: %s\n\n", h->hostname);
	fprintf(f, "| | |\n|---|---|\n");
	fprintf(f, "| CPU | %s (%s) |\n", h->microarch, h->vendor);
	fprintf(f, "| kernel | %s |\n", h->kernel);
	fprintf(f, "| KVM | `%s` (%s) |\n", h->module, h->backend);
	fprintf(f, "| platform | **%s**%s%s |\n", h->platform, h->emulator[0] ? ": " : "",
		h->emulator);
	fprintf(f, "| host CPU has UMIP | %s |\n", d->host_umip ? "yes" : "no");
	fprintf(f, "| run | %s to %s, exitbench %s, `%s` |\n", d->started_utc, d->finished_utc,
		d->tool_version, d->command_line);
	fprintf(f,
		"| iterations | %llu timed (after %llu warm-up) per row and ring, each row in "
		"a fresh VM |\n",
		(unsigned long long)d->iterations, (unsigned long long)d->warmup);
	fprintf(f, "| timer | %s%s%s |\n\n", d->timer, d->timer_note[0] ? "; " : "", d->timer_note);
	if (!hw)
		fprintf(f,
			"**These numbers are %s, not hardware.** The outcomes (fault, exit, "
			"none) are what this KVM does on this platform; the costs are the "
			"platform's, and say nothing about a real CPU's VM exit.\n\n",
			h->platform);
	if (d->partial)
		fprintf(f, "**Partial:** %s.\n\n", d->partial_reason);
}

static void how_to_read(FILE *f)
{
	fprintf(
	    f,
	    "## How to read this page\n\n"
	    "Each row is one instruction, run by a small guest kernel in a VM of its own, once at "
	    "CPL0 (the guest's kernel mode) and once at CPL3 (its user mode, IOPL 0). The "
	    "columns:\n\n"
	    "- **CPL0, CPL3: the outcome.** `none`: the instruction ran on the CPU without a VM "
	    "exit (KVM's exit counter did not move). `kvm`: it caused a VM exit that KVM handled "
	    "in the kernel (the vCPU's `exits` statistic moved once per run). `vmm`: the exit "
	    "reached the VMM in user space (here exitbench's own, through `KVM_RUN`). `#GP`, "
	    "`#UD`: the guest got that exception and its own handler ran (it records the vector "
	    "and resumes after the instruction); `kvm+#GP`: KVM saw an exit first and then made "
	    "the guest take the exception. A `*` marks an outcome that differs from what KVM "
	    "usually does on this vendor's CPUs (the hint in `bench/census/table.c`): a fact "
	    "about this host worth a look, not an error.\n"
	    "- **cost:** median of the per-run time in TSC ticks, with the 95%% interval of the "
	    "median in brackets, timed like `exitbench run` (each run between serialized TSC "
	    "reads, so the `null` row is the timing overhead). Faulting rows have no cost here.\n"
	    "- **observed:** what the instruction returned to the guest (the equivalence "
	    "property): at CPL3 unless that faulted.\n"
	    "- **class**, in the lecture's terms: *privileged* (traps at CPL3 and runs at CPL0), "
	    "*sensitive, trapped by the hypervisor* (exits, no fault), *sensitive, handled by "
	    "the hardware without an exit* (it observes or changes privileged state, yet VT-x/"
	    "AMD-V run it with no exit: the state it touches is the guest's own copy), "
	    "*innocuous here* (not sensitive, no exit); *faults at both rings* (not a question "
	    "of privilege).\n\n");
}

static void cell_md(FILE *f, const struct census_cell *c)
{
	char code[32];

	census_cell_code(c, code, sizeof(code));
	fprintf(f, " `%s`%s |", code,
		c->status == CS_OK && c->hint[0] && strcmp(code, c->hint) ? " *" : "");
	if (c->status != CS_OK || c->outcome == CO_FAULT || !isfinite(c->median))
		fprintf(f, " |");
	else
		fprintf(f, " %.0f [%.0f, %.0f] |", c->median, c->ci_lo, c->ci_hi);
}

static void table(FILE *f, const struct census_doc *d, const char *group, const char *title)
{
	fprintf(f, "### %s\n\n", title);
	fprintf(f, "| row | instruction | CPL0 | cost CPL0 | CPL3 | cost CPL3 | observed | class "
		   "|\n|---|---|---|---|---|---|---|---|\n");
	for (unsigned int i = 0; i < d->nrows; i++) {
		const struct census_rowres *r = &d->rows[i];
		const struct census_cell *o = census_shown_observation(r);

		if (strcmp(r->group, group))
			continue;
		fprintf(f, "| `%s` | `%s`: %s |", r->name, r->insn, r->what);
		cell_md(f, &r->cell[0]);
		cell_md(f, &r->cell[1]);
		fprintf(
		    f, " %s%s | %s%s |\n", o->observed,
		    o == &r->cell[0] && o->observed[0] ? " (CPL0)" : "", census_class_name(r->cls),
		    r->cls == CC_PRIVILEGED ? (r->cpl0_exits ? "; at CPL0 trapped by the hypervisor"
							     : "; at CPL0 run by the hardware")
					    : "");
	}
	fprintf(f, "\n");
}

/* "`a`, `b` and `c`" of the rows that pass keep(); returns how many. */
static unsigned int list(FILE *f, const struct census_doc *d,
			 bool (*keep)(const struct census_rowres *r))
{
	unsigned int n = 0, total = 0;

	for (unsigned int i = 0; i < d->nrows; i++)
		total += keep(&d->rows[i]);
	for (unsigned int i = 0; i < d->nrows; i++) {
		if (!keep(&d->rows[i]))
			continue;
		fprintf(f, "%s`%s`",
			n == 0		 ? ""
			: n + 1 == total ? " and "
					 : ", ",
			d->rows[i].name);
		n++;
	}
	if (!n)
		fprintf(f, "none");
	return n;
}

static bool is_innocuous(const struct census_rowres *r)
{
	return r->cls == CC_INNOCUOUS;
}

static bool is_hardware(const struct census_rowres *r)
{
	return r->cls == CC_HARDWARE;
}

static bool innocuous_exits(const struct census_rowres *r)
{
	return !r->sensitive && (exited(&r->cell[0]) || exited(&r->cell[1]));
}

static bool any_exit(const struct census_rowres *r)
{
	return exited(&r->cell[0]) || exited(&r->cell[1]);
}

static void efficiency(FILE *f, const struct census_doc *d)
{
	const struct census_rowres *nul = find(d, "null"), *cpuid = find(d, "cpuid");

	fprintf(f, "### Efficiency: innocuous instructions run directly on the hardware\n\n");
	fprintf(f, "Innocuous rows that ran without an exit at both rings: ");
	list(f, d, is_innocuous);
	fprintf(f, " (the ordinary instructions of the timing loop itself, moves, adds, "
		   "compares, branches, are innocuous too: the `null` row is made of them)");
	fprintf(f, ". Innocuous rows that exited: ");
	fprintf(f, "%s. ",
		list(f, d, innocuous_exits) ? " (the property does not hold for these)"
					    : " (so the property holds for every "
					      "innocuous row measured)");
	fprintf(f, "Beyond the theorem, these *sensitive* rows also ran without an exit at "
		   "both rings, because the hardware keeps a per-VM copy of the state they touch "
		   "(VMCS/VMCB) or gives them the guest's values by itself: ");
	list(f, d, is_hardware);
	fprintf(f, ". The price of an exit is the other side of efficiency: ");
	if (nul && cpuid && ran(&nul->cell[0]) && ran(&cpuid->cell[0]) &&
	    cpuid->cell[0].outcome == CO_EXIT_KVM)
		fprintf(f,
			"`cpuid` at CPL0 exits every time and costs %.0f ticks against %.0f for "
			"the empty row.\n\n",
			cpuid->cell[0].median, nul->cell[0].median);
	else
		fprintf(f, "compare an exiting row's cost with the `null` row's.\n\n");
}

static bool resource_exits(const struct census_rowres *r)
{
	return r->resource && ran(&r->cell[0]) && exited(&r->cell[0]);
}

static bool resource_direct(const struct census_rowres *r)
{
	return r->resource && ran(&r->cell[0]) && !exited(&r->cell[0]) &&
	       r->cell[0].outcome != CO_FAULT;
}

static bool resource_faults(const struct census_rowres *r)
{
	return r->resource && ran(&r->cell[0]) && r->cell[0].outcome == CO_FAULT;
}

static bool priv_hardware(const struct census_rowres *r)
{
	return r->cls == CC_PRIVILEGED && !r->cpl0_exits && !r->resource;
}

static void resource_control(FILE *f, const struct census_doc *d)
{
	fprintf(f, "### Resource control: the guest cannot take the machine's resources\n\n");
	fprintf(f, "The rows that act on the machine itself (caches, ports, halting the CPU, "
		   "MSRs, XCR0, performance counters, monitor/mwait, hypercalls) must reach the "
		   "hypervisor when the guest kernel runs them. At CPL0 these exited: ");
	list(f, d, resource_exits);
	fprintf(f, "; these made the guest fault: ");
	list(f, d, resource_faults);
	fprintf(f, "; these ran without an exit: ");
	fprintf(f, "%s",
		list(f, d, resource_direct)
		    ? " — each of these is a place where the guest acts on the "
		      "hardware directly (look at what it touches before trusting "
		      "the property for it)"
		    : " — so for every such row measured the hypervisor keeps control");
	fprintf(f, ". Privileged rows that ran at CPL0 *without* an exit — ");
	list(f, d, priv_hardware);
	fprintf(f, " — touch only state the hardware holds per VM (descriptor-table "
		   "registers, control registers under nested paging, the TLB of the guest's "
		   "address space), so the guest controls its own virtual machine, not the host. "
		   "At CPL3 every privileged row faulted into the guest's own kernel (`kvm+`: "
		   "after KVM saw an exit and made the guest take the exception): the guest keeps "
		   "its user/kernel boundary.\n\n");
}

static bool equivalent(const struct census_rowres *r)
{
	return r->cell[0].equivalent == 1 && r->cell[1].equivalent != 0 &&
	       r->cell[1].equivalent != -1;
}

static bool not_equivalent(const struct census_rowres *r)
{
	return r->cell[0].equivalent == 0 || r->cell[1].equivalent == 0;
}

static void observation(FILE *f, const struct census_doc *d, const char *name, int ring,
			const char *intro)
{
	const struct census_rowres *r = find(d, name);
	const struct census_cell *c = r ? &r->cell[ring == 3] : NULL;
	char code[32];

	if (!c || !ran(c)) {
		fprintf(f, "%s: did not run%s%s. ", intro, c && c->reason[0] ? ": " : "",
			c ? c->reason : "");
		return;
	}
	census_cell_code(c, code, sizeof(code));
	if (c->outcome == CO_FAULT)
		fprintf(f, "%s: `%s` (error code 0x%llx). ", intro, code,
			(unsigned long long)c->error);
	else
		fprintf(f, "%s: `%s`, %s. ", intro, code, c->observed);
}

static void cpuid_note(FILE *f, const struct census_doc *d)
{
	const struct census_rowres *r = find(d, "cpuid");

	if (!r || r->cell[0].equivalent < 0)
		return;
	if (r->cell[0].equivalent == 0)
		fprintf(f, " (`cpuid`'s hypervisor bit: the VMM tells the guest on purpose)");
	else
		fprintf(f, " (`cpuid`'s hypervisor bit is clear here: exitbench's VMM hands the "
			   "guest KVM_GET_SUPPORTED_CPUID as it is, which does not set it; QEMU "
			   "and other VMMs do)");
}

static void equivalence(FILE *f, const struct census_doc *d)
{
	fprintf(f, "### Equivalence: the guest cannot tell it runs on a hypervisor\n\n");
	fprintf(f, "What the guest saw, against what the same guest code sees on bare metal "
		   "with the same tables: ");
	observation(f, d, "sgdt", 3, "`sgdt` at CPL3 without UMIP");
	observation(f, d, "sgdt_umip", 3, "with CR4.UMIP set by the guest");
	observation(f, d, "smsw", 3, "`smsw` at CPL3");
	observation(f, d, "str", 3, "`str` at CPL3");
	observation(f, d, "popf", 3, "`popf` at CPL3");
	observation(f, d, "popf", 0, "`popf` at CPL0");
	observation(f, d, "mov_from_cs", 0, "CS at CPL0");
	fprintf(f, "The lecture's problem was a kernel run deprivileged at CPL3: its `popf` "
		   "would silently lose IF and `mov %%cs` would show RPL 3. Under VT-x/AMD-V the "
		   "guest kernel runs at CPL0 in non-root mode, so these instructions behave as on "
		   "bare metal. Rows whose observation matches bare metal at both rings: ");
	list(f, d, equivalent);
	fprintf(f, ". Rows where the guest can tell: ");
	list(f, d, not_equivalent);
	cpuid_note(f, d);
	fprintf(f, ". Popek and Goldberg's equivalence allows differences in timing, and timing "
		   "does tell: every exiting row (");
	list(f, d, any_exit);
	fprintf(f, ") costs an exit's round trip.\n\n");
}

static void reasons_cell(FILE *f, const struct census_cell *c)
{
	if (c->trace_error[0])
		fprintf(f, " not traced: %s |", c->trace_error);
	else
		for (unsigned int i = 0; i <= c->nreasons; i++)
			fprintf(f, i < c->nreasons ? "%s%s %llu" : " |", i ? ", " : " ",
				i < c->nreasons ? c->reasons[i].name : "",
				i < c->nreasons ? (unsigned long long)c->reasons[i].count : 0ULL);
}

/* --trace: the kvm_exit reasons of each cell's whole VM. */
static void exit_reasons(FILE *f, const struct census_doc *d)
{
	if (!d->trace)
		return;
	fprintf(f,
		"## VT-x/AMD-V exit reasons (`--trace`)\n\n"
		"From the `kvm:kvm_exit` tracepoint, counted over each cell's whole VM: its "
		"setup, the observation run, the doorbells, the %llu warm-up and %llu timed "
		"runs. The row's own reason is the one counted about %llu times; the rest is "
		"the harness (`io`/`npf` doorbells, the setup's register reads).\n\n"
		"| row | CPL0 | CPL3 |\n|---|---|---|\n",
		(unsigned long long)d->warmup, (unsigned long long)d->iterations,
		(unsigned long long)(d->warmup + d->iterations + 1));
	for (unsigned int i = 0; i < d->nrows; i++) {
		fprintf(f, "| `%s` |", d->rows[i].name);
		reasons_cell(f, &d->rows[i].cell[0]);
		reasons_cell(f, &d->rows[i].cell[1]);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
}

static bool differs(const struct census_rowres *r)
{
	for (int k = 0; k < 2; k++) {
		char code[32];

		census_cell_code(&r->cell[k], code, sizeof(code));
		if (r->cell[k].status == CS_OK && r->cell[k].hint[0] &&
		    strcmp(code, r->cell[k].hint))
			return true;
	}
	return false;
}

static void notes(FILE *f, const struct census_doc *d)
{
	fprintf(f, "## Rows that did not run, and outcomes unlike the usual\n\n");
	for (unsigned int i = 0; i < d->nrows; i++)
		for (int k = 0; k < 2; k++) {
			const struct census_cell *c = &d->rows[i].cell[k];

			if (c->status == CS_SKIPPED || c->status == CS_FAILED ||
			    c->status == CS_NOT_RUN)
				fprintf(f, "- `%s` at CPL%d: %s%s%s\n", d->rows[i].name, c->ring,
					census_status_key(c->status), c->reason[0] ? ": " : "",
					c->reason);
		}
	for (unsigned int i = 0; i < d->nrows; i++) {
		const struct census_rowres *r = &d->rows[i];
		char c0[32], c3[32];

		if (!differs(r))
			continue;
		census_cell_code(&r->cell[0], c0, sizeof(c0));
		census_cell_code(&r->cell[1], c3, sizeof(c3));
		fprintf(f,
			"- `%s`: `%s` at CPL0 and `%s` at CPL3, where KVM on %s usually gives "
			"`%s` and `%s`\n",
			r->name, c0, c3, d->host.backend,
			r->cell[0].hint[0] ? r->cell[0].hint : "?",
			r->cell[1].hint[0] ? r->cell[1].hint : "?");
	}
	fprintf(f, "\nKVM's statistics behind each outcome (per timed run) are in the JSON "
		   "document: `rows[].cpl0.kvm_stats_per_iteration`.\n");
}

int census_md(const struct census_doc *d, FILE *f)
{
	header(f, d);
	how_to_read(f);
	fprintf(f, "## Popek–Goldberg on this host\n\n");
	efficiency(f, d);
	resource_control(f, d);
	equivalence(f, d);
	fprintf(f, "## The census\n\n");
	table(f, d, "base", "The empty row");
	table(f, d, "evil17", "The evil 17 (their 64-bit forms)");
	table(f, d, "classic", "The classic privileged and sensitive instructions");
	table(f, d, "umip", "UMIP: the later answer (the guest sets CR4.UMIP)");
	exit_reasons(f, d);
	notes(f, d);
	return ferror(f) ? -1 : 0;
}

static int fill(FILE *f, const void *arg)
{
	return census_md(arg, f);
}

int census_write_md(const struct census_doc *d, const char *path)
{
	return atomic_write(path, false, fill, d);
}
