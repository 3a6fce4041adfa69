/* SPDX-License-Identifier: MIT */
/*
 * The exit-class table without KVM: every visible row has a guest op, an
 * `exits` check, its VT-x and AMD-V exit names and a target exit that fits
 * where it is handled; the roles are held once each.  Rows broken on
 * purpose show that each rule can fail.
 */
#include <stdbool.h>

#include "bench/run/classes.h"
#include "guests/protocol.h"
#include "tests/tap.h"

#define OP_NUMBER(NAME, num, setup, prep, op, post, has_prep) num,
static const uint32_t guest_ops[] = {GUEST_OPS(OP_NUMBER)};

static bool is_guest_op(uint32_t op)
{
	for (size_t i = 0; i < sizeof(guest_ops) / sizeof(guest_ops[0]); i++)
		if (guest_ops[i] == op)
			return true;
	return false;
}

static bool named(const char *s)
{
	return s && s[0];
}

/* The row's check of stat, or NULL. */
static const struct class_check *check_of(const struct exit_class *c, const char *stat)
{
	for (unsigned int i = 0; i < MAX_CHECKS && c->checks[i].stat; i++)
		if (strcmp(c->checks[i].stat, stat) == 0)
			return &c->checks[i];
	return NULL;
}

/* Where the class is handled and what our VMM sees agree. */
static const char *target_problem(const struct exit_class *c)
{
	const struct class_check *vmm = check_of(c, "vmm_exits"), *ex = check_of(c, "exits");
	enum target_kind k = c->target.kind;

	if (vmm && k == TARGET_NONE)
		return "a vmm_exits check without a target exit to count";
	if ((k == TARGET_PIO && c->target.addr == DOORBELL_PORT) ||
	    (k == TARGET_MMIO && c->target.addr == DOORBELL_MMIO_GPA))
		return "the target exit is the doorbell";
	if (c->handled_in == HANDLED_VMM && (k == TARGET_NONE || !vmm || vmm->per_iter < 1))
		return "handled in the VMM without a target exit and a vmm_exits check of 1";
	if (c->handled_in == HANDLED_KVM && vmm && vmm->per_iter > 0)
		return "handled in KVM, yet vmm_exits must move";
	if (c->handled_in == HANDLED_NONE &&
	    (k != TARGET_NONE || !ex || ex->per_iter != 0 || ex->at_least))
		return "handled nowhere, yet it has a target exit or exits other than 0";
	return NULL;
}

/* Why a visible row is incomplete, or NULL. */
static const char *row_problem(const struct exit_class *c)
{
	if (!named(c->name) || !named(c->what))
		return "no name or no description";
	if (!is_guest_op(c->op))
		return "no guest op (guests/ops.h GUEST_OPS)";
	if (!check_of(c, "exits"))
		return "no exits check";
	if (!named(c->vmx) || !named(c->svm))
		return "no VT-x or AMD-V exit name";
	if (c->handled_in != HANDLED_NONE && c->handled_in != HANDLED_KVM &&
	    c->handled_in != HANDLED_VMM)
		return "handled_in out of range";
	return target_problem(c);
}

static void check_table(void)
{
	unsigned int nbase = 0, nprobe = 0, nvisible = 0;

	for (unsigned int i = 0; i < exit_class_count; i++) {
		const struct exit_class *c = &exit_classes[i];
		const char *why;

		ok(class_find(c->name) == c, "%s: its name is its own", c->name);
		nbase += c->baseline;
		nprobe += c->perf_probe;
		if (c->hidden)
			continue;
		nvisible++;
		why = row_problem(c);
		ok(!why, "%s (%s, in %s): %s", c->name, c->what ? c->what : "?",
		   handled_in_name(c->handled_in), why ? why : "complete");
	}
	ok(nvisible > 0, "%u visible rows", nvisible);
	ok(nbase == 1 && class_baseline() && !class_baseline()->hidden &&
	       class_baseline()->handled_in == HANDLED_NONE,
	   "one baseline row, visible, handled nowhere: %s",
	   class_baseline() ? class_baseline()->name : "none");
	ok(nprobe == 1 && class_perf_probe() && !class_perf_probe()->hidden &&
	       class_perf_probe()->handled_in == HANDLED_KVM,
	   "one perf probe row, visible, handled in KVM: %s",
	   class_perf_probe() ? class_perf_probe()->name : "none");
	ok(!strcmp(handled_in_name(HANDLED_NONE), "-") &&
	       !strcmp(handled_in_name(HANDLED_KVM), "KVM") &&
	       !strcmp(handled_in_name(HANDLED_VMM), "VMM"),
	   "handled_in names: -, KVM, VMM");
}

/* Each rule rejects a row that breaks it. */
static void check_rules_fail(void)
{
	const struct exit_class *pio = class_find("pio_user"), *null = class_baseline();
	struct exit_class c;

	if (!ok(pio && null && !row_problem(pio) && !row_problem(null),
		"pio_user and null are complete"))
		return;
#define BROKEN(base, edit, what)                                                                   \
	do {                                                                                       \
		c = *(base);                                                                       \
		edit;                                                                              \
		ok(row_problem(&c) != NULL, "rejected: %s (%s)", what,                             \
		   row_problem(&c) ? row_problem(&c) : "accepted");                                \
	} while (0)
	BROKEN(pio, c.op = OP_CHECK_BASE, "an op the guest's table lacks");
	BROKEN(pio, c.op = OP_TRIPLE_FAULT, "a test-only op outside the table");
	BROKEN(pio, c.checks[0].stat = "pf_taken", "no exits check");
	BROKEN(pio, c.vmx = NULL, "no VT-x exit name");
	BROKEN(pio, c.svm = "", "an empty AMD-V exit name");
	BROKEN(pio, c.target.kind = TARGET_NONE, "handled in the VMM, no target exit");
	BROKEN(pio, c.checks[1].stat = NULL, "handled in the VMM, no vmm_exits check");
	BROKEN(pio, c.handled_in = HANDLED_KVM, "handled in KVM with vmm_exits=1");
	BROKEN(pio, c.target.addr = DOORBELL_PORT, "the doorbell port as the target");
	BROKEN(null, c.target.kind = TARGET_HLT, "handled nowhere with a target exit");
	BROKEN(null, c.checks[0].per_iter = 1, "handled nowhere with exits=1");
#undef BROKEN
}

int main(void)
{
	check_table();
	check_rules_fail();
	return tap_done();
}
