/* SPDX-License-Identifier: MIT */
/*
 * Guest main: read the mailbox, calibrate the doorbell, run the warm-up and
 * the timed loop of one operation (every iteration timed on its own), ring
 * DONE.  Exceptions ring ABORT with the vector and RIP.
 */
#include "guests/census_protocol.h"
#include "guests/guest.h"

void guest_main(volatile struct mailbox *mb);
void guest_trap(u64 *frame);
void enter_ring3(void (*fn)(void), u64 rsp);
/* exitbench check: functional checks (guests/checks.c), ops >= OP_CHECK_BASE. */
void check_main(volatile struct mailbox *mb);
/* exitbench census (guests/census.c): OP_CENSUS, and its exception hook. */
void census_main(volatile struct mailbox *mb);
int census_trap(u64 *frame);

volatile u64 guest_expected_vector = ~0ULL, guest_expected_len, guest_exceptions_seen;
volatile u64 *guest_aux; /* second per-iteration series, when the op has one */
static const struct guest_op_desc *cur;
static int rdtscp_ok;

static void guest_abort(u64 reason, u64 arg, u64 rip, u64 err)
{
	volatile struct mailbox *mb = GUEST_MAILBOX;

	mb->abort_reason = reason;
	mb->abort_arg = arg;
	mb->abort_rip = rip;
	mb->abort_err = err;
	mb->status = DB_ABORT;
	for (;;)
		doorbell(DB_ABORT);
}

/* An interrupt taken between "sti" and "hlt" returns to the hlt: halting
 * then waits for an interrupt that has already been handled. Hardware never
 * does this (sti's interrupt shadow covers the hlt), but QEMU's emulated SVM
 * loses the shadow across VMRUN (docs/lab.md), and the guest would hang. Step
 * over such a hlt and count it: result[MB_RESULT_HLT_SKIPS]. */
static void skip_shadowed_hlt(u64 *hw)
{
	const volatile u8 *rip = (const u8 *)hw[2];

	if (rip[0] == 0xf4 && rip[-1] == 0xfb) { /* hlt, after sti */
		hw[2]++;
		GUEST_MAILBOX->result[MB_RESULT_HLT_SKIPS]++;
	}
}

/* frame: 15 saved registers (r15 first), vector, error code, rip, cs,
 * rflags, rsp, ss.  Returns to resume; aborts on an unexpected exception. */
void guest_trap(u64 *frame)
{
	u64 *hw = frame + 15;

	if (census_trap(frame))
		return;
	if (hw[0] >= 32) {
		guest_interrupt(hw[0]);
		skip_shadowed_hlt(hw);
		return;
	}
	if (hw[0] == guest_expected_vector) {
		guest_exceptions_seen++;
		hw[2] += guest_expected_len; /* skip the faulting instruction */
		return;
	}
	guest_abort(ABORT_EXCEPTION, hw[0], hw[2], hw[1]);
}

/* Touch one byte per page so the timed loop takes no first-touch faults. */
static void pretouch(volatile u64 *buf, u64 n)
{
	for (u64 i = 0; i < n; i += 512)
		buf[i] = 0;
	if (n)
		buf[n - 1] = 0;
}

/*
 * The pre-method-2 loop, kept to measure what the straight-line loops
 * save (MB_INDIRECT): the op through an indirect call, whose return
 * follows the exit, inside the window.
 */
static void run_loop_indirect(u64 n, volatile u64 *out, volatile u64 *starts)
{
	for (u64 i = 0; i < n; i++) {
		u64 a = cur->prep(i), t0, t1;

		t0 = tsc_begin();
		cur->fn(a);
		t1 = rdtscp_ok ? tsc_end() : tsc_end_lfence();
		if (out)
			out[i] = t1 - t0;
		if (starts)
			starts[i] = t0;
	}
}

static void run_loop(u64 n, volatile u64 *out)
{
	volatile struct mailbox *mb = GUEST_MAILBOX;
	volatile u64 *starts = out && (mb->flags & MB_STORE_T0) ? guest_aux : 0;

	if (mb->flags & MB_INDIRECT)
		run_loop_indirect(n, out, starts);
	else
		cur->loop(n, out, starts, rdtscp_ok);
}

/*
 * The prepare part alone, between two doorbells: the VMM subtracts its
 * counter footprint (exits the prepare causes, e.g. hlt_kernel's EOI and
 * self-IPI) from the window's, so the checks count the window's exits.
 * An interrupt the prepares left pending is taken afterwards.
 */
static void prepare_calibration(u64 n)
{
	if (!cur->has_prepare || !n)
		return;
	doorbell(DB_PREP_BEGIN);
	for (u64 i = 0; i < n; i++)
		(void)cur->prep(i);
	doorbell(DB_PREP_END);
	asm volatile("sti; nop; cli" ::: "memory");
}

/* Runs at the command's ring: calibration, warm-up, timed loop, DONE. */
static void measure(void)
{
	volatile struct mailbox *mb = GUEST_MAILBOX;
	u16 cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	mb->result[MB_RESULT_CPL] = cs & 3;
	mb->result[MB_RESULT_HLT_SKIPS] = 0;
	doorbell(DB_CAL_BEGIN);
	doorbell(DB_CAL_END);
	prepare_calibration(mb->prep_iterations);
	run_loop(mb->warmup, 0);
	doorbell(DB_BEGIN);
	run_loop(mb->iterations, (volatile u64 *)mb->samples_gpa);
	doorbell(DB_END);
	mb->status = DB_DONE;
	for (;;)
		doorbell(DB_DONE);
}

static void special_ops(volatile struct mailbox *mb)
{
	if (mb->op == OP_TRIPLE_FAULT) {
		/* An empty IDT: the #UD cannot be delivered, nor the #DF. */
		struct {
			u16 limit;
			u64 base;
		} __attribute__((packed)) idtr = {0, 0};
		asm volatile("lidt %0; ud2" : : "m"(idtr));
	}
	/* OP_HANG passes the 1-iteration preflight, then hangs (the wall-clock
	 * watchdog); OP_HANG_NOW hangs at once (the preflight's CPU watchdog). */
	if ((mb->op == OP_HANG && mb->iterations > 1) || mb->op == OP_HANG_NOW)
		for (;;)
			asm volatile("pause");
}

void guest_main(volatile struct mailbox *mb)
{
	int r;

	if (mb->magic != MAILBOX_MAGIC)
		guest_abort(ABORT_BAD_ARGS, mb->magic, 0, 0);
	special_ops(mb);
	if (mb->op == OP_CENSUS)
		census_main(mb);
	if (mb->op >= OP_CHECK_BASE)
		check_main(mb);
	rdtscp_ok = mb->timer == TIMER_RDTSCP;
	cur = guest_find_op(mb->op);
	if (!cur)
		guest_abort(ABORT_UNKNOWN_CLASS, mb->op, 0, 0);
	r = cur->setup ? cur->setup(mb) : 0;
	if (r)
		guest_abort((u64)r, mb->op, 0, 0);
	pretouch((volatile u64 *)mb->samples_gpa, mb->iterations);
	guest_aux = (volatile u64 *)mb->aux_gpa;
	if (guest_aux)
		pretouch(guest_aux, mb->iterations);
	doorbell(DB_READY);
	if (mb->ring == 3)
		enter_ring3(measure, STACK3_TOP_GPA);
	measure();
}
