/* SPDX-License-Identifier: MIT */
/*
 * The table of exit classes: what the guest does, where the exit is
 * handled, which counters must move per iteration, what the host needs.
 * Adding a class is one row here, one guest op (guests/ops.c) and, where
 * the host must act, one hook.
 */
#ifndef EXITBENCH_CLASSES_H
#define EXITBENCH_CLASSES_H

#include <stdbool.h>
#include <stdint.h>

#include "minivmm/minivmm.h"

struct class_run;

#define MAX_CHECKS 4 /* the result file allows 4 */

/* A counter that must move by `per_iter` per timed iteration.  Names are
 * KVM binary stats ("exits", "pf_taken", ...) or "vmm_exits": exits our own
 * VMM saw for the class's target (port, address, HLT). */
struct class_check {
	const char *stat;
	double per_iter;
	bool at_least;	/* per_iter is a lower bound (pause-loop exiting) */
	double at_most; /* with at_least: an upper bound too, when > 0 */
};

struct exit_class {
	const char *name;
	const char *what;	/* what the guest does, one line */
	const char *handled_in; /* "KVM", "VMM" (our userspace), "-" */
	uint32_t op;		/* guests/protocol.h OP_* */
	struct class_check checks[MAX_CHECKS];
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

#endif
