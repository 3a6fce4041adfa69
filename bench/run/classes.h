/* SPDX-License-Identifier: MIT */
/*
 * The table of exit classes: what the guest does, where the exit is
 * handled, which exit our VMM recognises as the class's own, which counters
 * must move per iteration, what the host needs.  Adding a class is one row
 * here, one guest op (guests/ops.h, guests/ops.c) and, where the host must
 * act beyond the row (ioeventfd, MSR filter, ...), one hook
 * (docs/design.md, "Adding a class").
 */
#ifndef EXITBENCH_CLASSES_H
#define EXITBENCH_CLASSES_H

#include <stdbool.h>
#include <stdint.h>

#include "bench/result/model.h"

struct backend; /* minivmm.h: only pointers here */
struct kvm_sys;

struct class_run;

/* A counter that must move by `per_iter` per timed iteration.  Names are
 * KVM binary stats ("exits", "pf_taken", ...) or "vmm_exits": exits our own
 * VMM saw for the class's target exit (its row's .target). */
struct class_check {
	const char *stat;
	double per_iter;
	bool at_least;	/* per_iter is a lower bound (pause-loop exiting) */
	double at_most; /* with at_least: an upper bound too, when > 0 */
};

/* Where the class's exit is handled. */
enum handled_in {
	HANDLED_NONE, /* "-": no exit (timing overhead, rdtsc) */
	HANDLED_KVM,  /* "KVM" */
	HANDLED_VMM,  /* "VMM": our userspace */
};

/* "-", "KVM" or "VMM": the name in tables, JSON and docs/classes.md. */
const char *handled_in_name(enum handled_in h);

/* The exits our VMM can be handed (KVM_EXIT_IO, _MMIO, _HLT, _X86_RDMSR /
 * _X86_WRMSR, _HYPERCALL). */
enum target_kind {
	TARGET_NONE, /* the class's exit never reaches a VMM (or there is none) */
	TARGET_PIO,
	TARGET_MMIO,
	TARGET_HLT,
	TARGET_MSR,
	TARGET_HYPERCALL,
};

/* The class's target exit as our VMM would see it: counted as vmm_exits
 * (where KVM hands it over), any other exit is an error.  For PIO, MMIO and
 * MSR the address is also the guest op's operand, arg[0]. */
struct class_target {
	enum target_kind kind;
	uint64_t addr; /* port, guest-physical address, MSR index, hypercall number */
};

struct exit_class {
	const char *name;
	const char *what; /* what the guest does, one line */
	enum handled_in handled_in;
	uint32_t op; /* guests/ops.h OP_* */
	struct class_target target;
	struct class_check checks[MAX_CHECKS];
	/* Roles: the run's timing overhead, subtracted from every net median
	 * (null: run first); the class whose median is taken with and without
	 * perf counters (cpuid: perf_overhead). */
	bool baseline, perf_probe;
	/* At least this many warm-up iterations (capped at the sample count):
	 * the fault classes' one round over their region populates its host pages. */
	uint64_t min_warmup;
	bool hidden;	      /* test-only: runnable by name, not in `list` or `all` */
	bool cpl0_only;	      /* privileged instruction: no --ring 3 */
	bool two_vcpus;	      /* vCPU 1 runs the guest's ap_main in its own thread */
	const char *aux_name; /* a second per-iteration series, e.g. "wakeup" */
	/* Host side, before the vCPU exists (irqchip, VM capabilities). */
	int (*vm_setup)(struct class_run *cr);
	/* Host side, before the guest runs (slots, ioeventfds, args). */
	int (*setup)(struct class_run *cr);
	/* The guest rang DB_REZAP: drop the fault region's mappings. */
	int (*rezap)(struct class_run *cr);
	/* The checks on this backend when they depend on it (APIC virtualization,
	 * ...): rewrites checks[] (a copy of the row's) in place. */
	void (*checks_for)(const struct backend *b, struct class_check *checks);
	/* NULL when this host can run the class, else why not (static text). */
	const char *(*unsupported)(const struct backend *b, struct kvm_sys *kvm);
	const char *vmx, *svm; /* the exit on Intel VT-x / AMD-V (docs/classes.md) */
};

extern const struct exit_class exit_classes[];
extern const unsigned int exit_class_count;

const struct exit_class *class_find(const char *name);
/* The rows with the baseline / perf_probe role (one each). */
const struct exit_class *class_baseline(void);
const struct exit_class *class_perf_probe(void);

#endif
