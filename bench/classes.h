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

#define MAX_CHECKS 3

/* A counter that must move by `per_iter` per timed iteration.  Names are
 * KVM binary stats ("exits", "pf_taken", ...) or "vmm_exits": exits our own
 * VMM saw for the class's target (port, address, HLT). */
struct class_check {
	const char *stat;
	double per_iter;
};

struct exit_class {
	const char *name;
	const char *what;	/* what the guest does, one line */
	const char *handled_in; /* "KVM", "VMM" (our userspace), "-" */
	uint32_t op;		/* guests/protocol.h OP_* */
	struct class_check checks[MAX_CHECKS];
	bool hidden;		/* test-only: runnable by name, not in `list` or `all` */
	/* Host side: set up before the guest runs (slots, args); may be NULL. */
	int (*setup)(struct class_run *cr);
	/* The guest rang DB_REZAP: drop the fault region's mappings. */
	int (*rezap)(struct class_run *cr);
	/* NULL when this host can run the class, else why not (static text). */
	const char *(*unsupported)(const struct backend *b, struct kvm_sys *kvm);
};

extern const struct exit_class exit_classes[];
extern const unsigned int exit_class_count;

const struct exit_class *class_find(const char *name);

#endif
