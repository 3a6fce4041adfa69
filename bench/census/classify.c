/* SPDX-License-Identifier: MIT */
/* A cell's outcome and observation, a row's class in the lecture's terms. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/census/census.h"

/* Per timed iteration, at least half: the instruction does it (the rest is
 * reported as the number it is, e.g. 0.1 exits per iteration). */
#define MOST 0.5

const char *census_vector_name(int v)
{
	static const char *const names[] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD",
					    "#NM", "#DF", "#MF", "#TS", "#NP", "#SS", "#GP",
					    "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE"};

	if (v >= 0 && v < (int)(sizeof(names) / sizeof(names[0])))
		return names[v];
	return "#?";
}

static const char *const outcome_keys[] = {"no_exit", "exit_kvm", "exit_vmm", "fault"};
static const char *const status_keys[] = {"not_run", "ok", "skipped", "failed"};
static const char *const class_keys[] = {"unknown",   "privileged", "trapped",	 "hardware",
					 "innocuous", "both_fault", "cpl0_fault"};

const char *census_outcome_key(enum census_outcome o)
{
	return outcome_keys[o];
}

static int key_index(const char *const *keys, int n, const char *key)
{
	for (int i = 0; key && i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return i;
	return -1;
}

int census_outcome_from_key(const char *key)
{
	return key_index(outcome_keys, 4, key);
}

const char *census_status_key(enum census_status s)
{
	return status_keys[s];
}

int census_status_from_key(const char *key)
{
	return key_index(status_keys, 4, key);
}

const char *census_class_key(enum census_class c)
{
	return class_keys[c];
}

enum census_class census_class_from_key(const char *key)
{
	int i = key_index(class_keys, 7, key);

	return i < 0 ? CC_UNKNOWN : (enum census_class)i;
}

const char *census_class_name(enum census_class c)
{
	switch (c) {
	case CC_PRIVILEGED:
		return "privileged (traps at CPL3)";
	case CC_TRAPPED:
		return "sensitive, trapped by the hypervisor";
	case CC_HARDWARE:
		return "sensitive, handled by the hardware without an exit";
	case CC_INNOCUOUS:
		return "innocuous here";
	case CC_BOTH_FAULT:
		return "faults at both rings";
	case CC_CPL0_FAULT:
		return "faults at CPL0 only";
	default:
		return "not classified (a ring did not run)";
	}
}

void census_cell_code(const struct census_cell *c, char *buf, size_t len)
{
	if (c->status != CS_OK) {
		snprintf(buf, len, "%s", c->status == CS_NOT_RUN ? "-" : status_keys[c->status]);
		return;
	}
	switch (c->outcome) {
	case CO_FAULT:
		snprintf(buf, len, "%s%s", c->via_kvm ? "kvm+" : "", census_vector_name(c->vector));
		break;
	case CO_EXIT_KVM:
		snprintf(buf, len, "kvm");
		break;
	case CO_EXIT_VMM:
		snprintf(buf, len, "vmm");
		break;
	default:
		snprintf(buf, len, "none");
	}
}

int census_vendor(const struct census_host *h)
{
	if (strcmp(h->backend, "vmx") == 0)
		return HINT_VMX;
	if (strcmp(h->backend, "svm") == 0)
		return HINT_SVM;
	return -1;
}

void census_cell_classify(const struct census_rowres *r, struct census_cell *c, int vendor)
{
	const struct census_rowdef *row = census_find_row(r->name);
	double exits = isfinite(c->exits_per_iter) ? c->exits_per_iter : 0;
	const char *hint;

	c->hint[0] = 0;
	if (row && vendor >= 0) {
		hint = row->hint[vendor][c->ring == 3];
		snprintf(c->hint, sizeof(c->hint), "%s", hint ? hint : "");
	}
	if (c->status != CS_OK)
		return;
	if (c->faults_per_iter >= MOST && c->vector >= 0) {
		c->outcome = CO_FAULT;
		c->via_kvm = exits - c->vmm_exits_per_iter >= MOST;
	} else if (c->vmm_exits_per_iter >= MOST) {
		c->outcome = CO_EXIT_VMM;
	} else if (exits >= MOST) {
		c->outcome = CO_EXIT_KVM;
	} else {
		c->outcome = CO_NONE;
	}
	if (c->outcome != CO_FAULT)
		c->vector = -1;
	census_observe(r, c);
}

static bool exits(const struct census_cell *c)
{
	return c->outcome == CO_EXIT_KVM || c->outcome == CO_EXIT_VMM;
}

void census_row_classify(struct census_rowres *r)
{
	const struct census_cell *c0 = &r->cell[0], *c3 = &r->cell[1];
	bool f0, f3;

	r->cls = CC_UNKNOWN;
	r->cpl0_exits = false;
	if (c0->status != CS_OK || c3->status != CS_OK)
		return;
	f0 = c0->outcome == CO_FAULT;
	f3 = c3->outcome == CO_FAULT;
	r->cpl0_exits = exits(c0) || (f0 && c0->via_kvm);
	if (f0 && f3)
		r->cls = CC_BOTH_FAULT;
	else if (f0)
		r->cls = CC_CPL0_FAULT;
	else if (f3)
		r->cls = CC_PRIVILEGED;
	else if (exits(c0) || exits(c3))
		r->cls = CC_TRAPPED;
	else
		r->cls = r->sensitive ? CC_HARDWARE : CC_INNOCUOUS;
}

void census_rowres_init(struct census_rowres *r, const struct census_rowdef *row)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", row->name);
	snprintf(r->insn, sizeof(r->insn), "%s", row->insn);
	snprintf(r->group, sizeof(r->group), "%s", census_group_name(row->group));
	snprintf(r->what, sizeof(r->what), "%s", row->what);
	r->sensitive = row->sensitive;
	r->resource = row->resource;
	r->obs = row->obs;
	for (int k = 0; k < 2; k++) {
		r->cell[k].ring = k ? 3 : 0;
		r->cell[k].vector = -1;
		r->cell[k].equivalent = -1;
		r->cell[k].median = r->cell[k].net_median = NAN;
		r->cell[k].exits_per_iter = NAN;
	}
}

static void host_str(json_t *o, const char *key, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(o, key));

	snprintf(buf, len, "%s", s ? s : "");
}

void census_host_from_json(const void *host_json, struct census_host *h)
{
	json_t *host = (json_t *)host_json, *cpu = json_object_get(host, "cpu"),
	       *kvm = json_object_get(host, "kvm"), *lab = json_object_get(host, "lab");

	memset(h, 0, sizeof(*h));
	host_str(host, "hostname", h->hostname, sizeof(h->hostname));
	host_str(json_object_get(host, "kernel"), "release", h->kernel, sizeof(h->kernel));
	host_str(cpu, "microarch", h->microarch, sizeof(h->microarch));
	host_str(cpu, "vendor", h->vendor, sizeof(h->vendor));
	host_str(kvm, "backend", h->backend, sizeof(h->backend));
	host_str(kvm, "module", h->module, sizeof(h->module));
	host_str(kvm, "hypervisor", h->hypervisor, sizeof(h->hypervisor));
	h->nested = json_is_true(json_object_get(kvm, "nested"));
	h->tsc_khz = (uint64_t)json_integer_value(json_object_get(host, "tsc_khz"));
	host_str(lab, "platform", h->platform, sizeof(h->platform));
	if (!h->platform[0])
		snprintf(h->platform, sizeof(h->platform), "%s",
			 strcmp(h->backend, "vmx") && strcmp(h->backend, "svm") ? "software"
			 : h->nested						? "nested"
										: "hardware");
	if (lab)
		snprintf(h->emulator, sizeof(h->emulator), "%s %s (accel %s, cpu %s), kernel %s",
			 json_string_value(json_object_get(lab, "emulator")) ?: "?",
			 json_string_value(json_object_get(lab, "emulator_version")) ?: "",
			 json_string_value(json_object_get(lab, "accel")) ?: "?",
			 json_string_value(json_object_get(lab, "cpu_model")) ?: "?",
			 json_string_value(json_object_get(lab, "kernel_release")) ?: "?");
}

/* ---- what the guest observed ---- */

static void flags_text(char *buf, size_t len, uint64_t f)
{
	snprintf(buf, len, "RFLAGS 0x%llx: IF=%llu IOPL=%llu", (unsigned long long)f,
		 (unsigned long long)(f >> 9) & 1, (unsigned long long)(f >> 12) & 3);
}

static void dtr_text(struct census_cell *c, const char *what, uint64_t own)
{
	uint64_t limit = c->obs[0] & 0xffff, base = (c->obs[0] >> 16) | (c->obs[1] << 48);

	snprintf(c->observed, sizeof(c->observed), "base 0x%llx limit 0x%llx: %s",
		 (unsigned long long)base, (unsigned long long)limit,
		 base == own ? "the guest's own" : "NOT the guest's");
	(void)what;
	c->equivalent = base == own;
}

static void popf_text(struct census_cell *c)
{
	unsigned int before = (c->obs[0] >> 9) & 1, after = (c->obs[1] >> 9) & 1;
	bool kept = before == after;

	snprintf(c->observed, sizeof(c->observed), "IF %u -> %u after popf with IF=1: %s", before,
		 after, kept ? "silently kept (no fault)" : "changed");
	/* On bare metal popf changes IF at CPL0 and keeps it at CPL3 with IOPL 0. */
	c->equivalent = c->ring == 3 ? kept : !kept;
}

static void msw_text(struct census_cell *c)
{
	uint64_t msw = c->obs[0] & 0xffff;

	snprintf(c->observed, sizeof(c->observed), "0x%04llx = CR0[15:0] (CR0 0x%llx)%s",
		 (unsigned long long)msw, (unsigned long long)c->cr0,
		 msw == (c->cr0 & 0xffff) ? "" : ": differs from CR0");
	c->equivalent = msw == (c->cr0 & 0xffff);
}

static void sel_text(struct census_cell *c, const char *what, uint64_t own)
{
	uint64_t sel = c->obs[0] & 0xffff;

	snprintf(c->observed, sizeof(c->observed), "%s 0x%llx%s", what, (unsigned long long)sel,
		 sel == own ? ": the guest's own" : "");
	c->equivalent = sel == own;
}

static void hcall_text(struct census_cell *c)
{
	int64_t v = (int64_t)c->obs[0];

	snprintf(c->observed, sizeof(c->observed), "RAX %lld%s", (long long)v,
		 v == -1000 ? " (-KVM_ENOSYS)"
		 : v == -1  ? " (-KVM_EPERM: not at CPL0)"
			    : "");
}

static void observe2(const struct census_rowres *r, struct census_cell *c)
{
	switch (r->obs) {
	case OBS_LSL:
		snprintf(c->observed, sizeof(c->observed), "limit 0x%llx, ZF=%llu",
			 (unsigned long long)c->obs[0], (unsigned long long)c->obs[1]);
		break;
	case OBS_INT:
		snprintf(c->observed, sizeof(c->observed),
			 "the guest's handler ran %llux, interrupted CS 0x%llx",
			 (unsigned long long)c->obs[0], (unsigned long long)c->obs[1] & 0xffff);
		c->equivalent = c->obs[0] == 1 && (c->obs[1] & 3) == (uint64_t)c->ring;
		break;
	case OBS_CPUID:
		snprintf(c->observed, sizeof(c->observed), "leaf 1 ECX 0x%llx: hypervisor bit %s",
			 (unsigned long long)c->obs[0],
			 (c->obs[0] >> 31) & 1 ? "set (the guest can tell)" : "clear");
		c->equivalent = !((c->obs[0] >> 31) & 1);
		break;
	case OBS_TSC_AUX:
		snprintf(c->observed, sizeof(c->observed), "TSC_AUX 0x%llx",
			 (unsigned long long)c->obs[0]);
		break;
	case OBS_VALUE:
		snprintf(c->observed, sizeof(c->observed), "0x%llx", (unsigned long long)c->obs[0]);
		break;
	case OBS_HCALL:
		hcall_text(c);
		break;
	default:
		break;
	}
}

void census_observe(const struct census_rowres *r, struct census_cell *c)
{
	c->observed[0] = 0;
	c->equivalent = -1;
	if (c->status != CS_OK)
		return;
	if (!c->obs_valid) {
		if (c->outcome == CO_FAULT)
			snprintf(c->observed, sizeof(c->observed), "%s, error code 0x%llx",
				 census_vector_name(c->vector), (unsigned long long)c->error);
		else
			snprintf(c->observed, sizeof(c->observed), "faulted on its first run");
		return;
	}
	switch (r->obs) {
	case OBS_RFLAGS:
		flags_text(c->observed, sizeof(c->observed), c->obs[0]);
		break;
	case OBS_POPF:
		popf_text(c);
		break;
	case OBS_LAR:
		snprintf(c->observed, sizeof(c->observed), "access rights 0x%llx, ZF=%llu",
			 (unsigned long long)c->obs[0] & 0xffffffff, (unsigned long long)c->obs[1]);
		break;
	case OBS_ZF:
		snprintf(c->observed, sizeof(c->observed), "ZF=%llu",
			 (unsigned long long)c->obs[0]);
		break;
	case OBS_FS:
		sel_text(c, "FS", c->ring == 3 ? SEL_DATA3 : SEL_DATA0);
		break;
	case OBS_CS:
		snprintf(c->observed, sizeof(c->observed), "CS 0x%llx: RPL %llu = CPL %d",
			 (unsigned long long)c->obs[0] & 0xffff, (unsigned long long)c->obs[0] & 3,
			 c->ring);
		c->equivalent = (c->obs[0] & 3) == (uint64_t)c->ring;
		break;
	case OBS_GDTR:
		dtr_text(c, "GDT", GDT_GPA);
		break;
	case OBS_IDTR:
		dtr_text(c, "IDT", IDT_GPA);
		break;
	case OBS_LDTR:
		sel_text(c, "LDTR", 0);
		break;
	case OBS_MSW:
		msw_text(c);
		break;
	case OBS_TR:
		sel_text(c, "TR", SEL_TSS);
		break;
	default:
		observe2(r, c);
	}
}

const struct census_cell *census_shown_observation(const struct census_rowres *r)
{
	const struct census_cell *c0 = &r->cell[0], *c3 = &r->cell[1];

	if (c3->status == CS_OK && c3->obs_valid && c3->observed[0])
		return c3;
	if (c0->status == CS_OK && c0->obs_valid && c0->observed[0])
		return c0;
	return c3->observed[0] ? c3 : c0;
}
