/* SPDX-License-Identifier: MIT */
/*
 * The protocol between bench (the host side of run, check, census) and the
 * freestanding guest, on top of the guest ABI (guests/abi.h: layout,
 * selectors, image header) that minivmm needs.  Included by both sides:
 * fixed-width types only, no libc.
 *
 * Guest-physical layout above the ABI's (identity mapped like the rest):
 *   0x00200000  sample buffer (RAM grows with the requested sample count)
 *   0x80000000  fault region (its own memory slot, re-created between rounds)
 *   0xc0000000  unbacked page: any access exits as MMIO to the VMM
 */
#ifndef EXITBENCH_PROTOCOL_H
#define EXITBENCH_PROTOCOL_H

#include "guests/abi.h"

#define SAMPLES_GPA	  0x200000ULL
#define FAULT_REGION_GPA  0x80000000ULL
#define MMIO_GPA	  0xc0000000ULL
#define MMIO_EVENTFD_GPA  0xc0001000ULL
#define DOORBELL_MMIO_GPA 0xc0002000ULL /* the doorbell at CPL3 */
#define IPI_VECTOR	  0x40		/* hlt_kernel's self-IPI */
#define IPI_PING	  0x41		/* ipi: vCPU 0 -> vCPU 1 */
#define IPI_PONG	  0x42		/* ipi: vCPU 1 -> vCPU 0 */
#define X2APIC_MSR_BASE	  0x800

/*
 * Doorbell: a 32-bit `out` to DOORBELL_PORT always exits to the VMM (no
 * device claims it); at CPL3 a 32-bit store to DOORBELL_MMIO_GPA.  The
 * value is one of DB_*; arguments are in the mailbox.
 */
#define DOORBELL_PORT  0x0e0
#define PIO_USER_PORT  0x0e4 /* nobody claims it: KVM_EXIT_IO to our VMM */
#define PIO_KERNEL_OUT 0x0e8 /* registered with KVM_IOEVENTFD */
#define PIO_KERNEL_IN  0x4d0 /* in-kernel PIC's ELCR (KVM_CREATE_IRQCHIP) */

enum doorbell {
	DB_READY = 1,	   /* guest is up and read the command */
	DB_CAL_BEGIN = 2,  /* calibration: stats snapshot */
	DB_CAL_END = 3,	   /* calibration: footprint of one doorbell */
	DB_BEGIN = 4,	   /* timed loop starts: stats snapshot */
	DB_END = 5,	   /* timed loop ended: stats snapshot */
	DB_DONE = 6,	   /* command finished, results in mailbox */
	DB_ABORT = 7,	   /* command failed: abort_* fields say why */
	DB_REZAP = 8,	   /* ask the VMM to drop the fault region's mappings */
	DB_PREP_BEGIN = 9, /* prepare calibration: stats snapshot */
	DB_PREP_END = 10,  /* prepare calibration: footprint of prep_iterations prepares */
};

enum abort_reason {
	ABORT_NONE = 0,
	ABORT_UNKNOWN_CLASS = 1,
	ABORT_EXCEPTION = 2, /* abort_arg = vector, abort_rip, abort_err */
	ABORT_BAD_ARGS = 3,
	ABORT_NO_SUPPORT = 4, /* the guest CPU lacks what the class needs */
};

#define MAILBOX_MAGIC 0x45584954424e4348ULL /* "EXITBNCH" */

/* The guest's measurement ops (enum guest_op), declared once. */
#include "guests/ops.h"

/*
 * exitbench check ops (guests/checks.c, bench/check*.c, docs/check.md).
 * Check traffic uses ports 0x0f0 (accesses under test) and 0x0f8 (the
 * guest's step doorbell, a 32-bit out of the step number) and the MMIO
 * pages at 0xc0010000; per-op mailbox arguments and the rest of the
 * layout are in guests/check_protocol.h.
 */
enum check_op {
	OP_CHECK_CPUID = 200,	   /* cpuid over a (leaf, subleaf) list */
	OP_CHECK_PIO_OUT = 201,	   /* outb, outw, outl */
	OP_CHECK_PIO_IN = 202,	   /* inb, inw, inl */
	OP_CHECK_PIO_OUTS = 203,   /* rep outsb, outsw, outsl */
	OP_CHECK_PIO_INS = 204,	   /* rep insb, insw, insl */
	OP_CHECK_MMIO_WRITE = 205, /* 1/2/4/8-byte stores */
	OP_CHECK_MMIO_READ = 206,  /* 1/2/4/8-byte loads */
	OP_CHECK_MMIO_CROSS = 207, /* 8-byte accesses across a page boundary */
	OP_CHECK_HLT = 208,	   /* hlt with known registers */
	OP_CHECK_HYPERCALL = 209,  /* vmcall/vmmcall KVM_HC_MAP_GPA_RANGE */
	OP_CHECK_RDMSR = 210,	   /* rdmsr of a filtered MSR */
	OP_CHECK_WRMSR = 211,	   /* wrmsr of a filtered MSR */
	OP_CHECK_REFAULT = 212,	   /* write, zap, read back */
	OP_CHECK_DIRTY = 213,	   /* rounds of page writes, dirty log read */
};

/* How an iteration's end is timestamped. */
enum timer_kind {
	TIMER_RDTSCP = 0, /* lfence; rdtsc ... rdtscp; lfence */
	TIMER_LFENCE = 1, /* lfence; rdtsc ... lfence; rdtsc; lfence */
};

/* mailbox flags */
#define MB_STORE_T0 1u /* aux[i] = the iteration's start TSC (host-side breakdown) */
#define MB_INDIRECT                                                                                \
	2u /* the op through an indirect call in the window (the pre-method-2                      \
	    * loop), to measure what the straight-line loops save */

#define MAILBOX_ARGS	8
#define MAILBOX_RESULTS 8
/* result[] of a measurement (the checks use result[] as they like) */
#define MB_RESULT_CPL	    0 /* CPL of the timed loop */
#define MB_RESULT_HLT_SKIPS 1 /* hlts stepped over: interrupt in sti's shadow */

struct mailbox {
	u64 magic;
	u32 op;		     /* enum guest_op */
	u32 ring;	     /* 0 or 3: CPL of the timed loop */
	u32 timer;	     /* enum timer_kind */
	u32 flags;	     /* MB_* */
	u64 iterations;	     /* timed, stored iterations */
	u64 warmup;	     /* iterations run first, not stored */
	u64 prep_iterations; /* untimed prepares alone, between DB_PREP_* (ops with one) */
	u64 samples_gpa;
	u64 aux_gpa; /* 0, or a second per-iteration series (e.g. wake-up latency) */
	u64 arg[MAILBOX_ARGS];
	/* written by the guest */
	u64 status; /* DB_DONE or DB_ABORT */
	u64 abort_reason;
	u64 abort_arg;
	u64 abort_rip;
	u64 abort_err;
	u64 result[MAILBOX_RESULTS];
};

#endif
