/* SPDX-License-Identifier: MIT */
/*
 * The guest's measurement ops, declared once.  GUEST_OPS generates the op
 * numbers the host posts in the mailbox (enum guest_op, here) and the
 * guest's op table with one straight-line timed loop per op (guests/ops.c).
 * Adding an op is one line here and its op function in guests/ops.c; the
 * host's class table (bench/run/classes.c) names the op in its row.
 *
 * X(NAME, number, setup, prepare, op, post, has_prepare): OP_NAME = number;
 * setup (0: none), prepare, op and post are guests/ops.c's parts; has_prepare
 * when the prepare causes exits besides doorbells (the VMM calibrates them
 * away).  The host side expands only NAME and number.
 */
#ifndef EXITBENCH_GUEST_OPS_H
#define EXITBENCH_GUEST_OPS_H

#define GUEST_OPS(X)                                                                               \
	X(NULL, 0, 0, prep_none, op_null, post_none, 0)                                            \
	X(CPUID, 1, 0, prep_none, op_cpuid, post_none, 0)                                          \
	X(PIO_OUT, 2, setup_pio, prep_port, op_pio_out, post_none, 0) /* out to arg[0] (port) */   \
	X(MMIO_WRITE, 3, setup_mmio, prep_mmio, op_mmio_write, post_none, 0) /* store at arg[0] */ \
	X(HLT, 4, 0, prep_none, op_hlt, post_none, 0)                                              \
	/* one store per page of the fault region (arg[0] gpa, arg[1] pages) */                    \
	X(FAULT_TOUCH, 5, setup_fault, prep_fault, op_fault_touch, post_none, 0)                   \
	X(PIO_IN, 6, setup_pio, prep_port, op_pio_in, post_none, 0) /* inb from arg[0] (port) */   \
	/* self-IPI, sti; hlt: woken in KVM; aux = wake-up */                                      \
	X(HLT_IPI, 7, setup_hlt_ipi, prep_hlt_ipi, op_hlt_ipi, post_hlt_ipi, 1)                    \
	/* arg[0]: 1 = vmmcall else vmcall; arg[1] nr; arg[2..4] */                                \
	X(HYPERCALL, 8, setup_hypercall, prep_none, op_hypercall, post_none, 0)                    \
	X(RDMSR, 9, setup_rdmsr, prep_msr, op_rdmsr, post_none, 0) /* rdmsr arg[0] */              \
	/* xsetbv XCR0 with its current value */                                                   \
	X(XSETBV, 10, setup_xsetbv, prep_xcr0, op_xsetbv, post_none, 0)                            \
	X(RDPMC, 11, setup_rdpmc, prep_pmc, op_rdpmc, post_none, 0) /* rdpmc counter arg[0] */     \
	/* mov to CR8 (TPR) of its current value */                                                \
	X(CR8_WRITE, 12, setup_cr8, prep_cr8, op_cr8_write, post_none, 0)                          \
	X(RDTSC, 13, 0, prep_none, op_rdtsc, post_none, 0)                                         \
	X(PAUSE, 14, setup_pause, prep_pause, op_pause, post_none, 0) /* arg[0] pauses */          \
	X(UD2, 15, setup_ud2, prep_none, op_ud2, post_none, 0) /* reflected to the guest's #UD */  \
	/* x2APIC IPI to vCPU 1, wait for its answer */                                            \
	X(IPI, 16, setup_ipi, prep_ipi, op_ipi, post_none, 1)                                      \
	/* its 1-iteration preflight passes, then it spins (guests/main.c) */                      \
	X(HANG, 101, 0, prep_none, op_null, post_none, 0)

#define GUEST_OP_ENUM(NAME, num, setup, prep, op, post, has_prep) OP_##NAME = num,

/* Guest operations; the host's class table names them in its rows. */
enum guest_op {
	GUEST_OPS(GUEST_OP_ENUM)
	/* Ops guests/main.c runs before the op table (test-only classes). */
	OP_TRIPLE_FAULT = 100,
	OP_HANG_NOW = 102,
	/* 200..299: exitbench check (guests/checks.c, bench/check*.c) */
	OP_CHECK_BASE = 200,
};

#endif
