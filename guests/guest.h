/* SPDX-License-Identifier: MIT */
/* Freestanding guest: instruction helpers and the pieces main.c shares. */
#ifndef EXITBENCH_GUEST_H
#define EXITBENCH_GUEST_H

#include "guests/protocol.h"

#define GUEST_MAILBOX ((volatile struct mailbox *)MAILBOX_GPA)

static inline void outl(u16 port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

/* At CPL3 the doorbell is a store to an unbacked page (an MMIO exit on
 * every backend): some refuse port I/O at CPL3 even with IOPL 3. */
static inline void doorbell(u32 v)
{
	u16 cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	if ((cs & 3) == 3)
		*(volatile u32 *)DOORBELL_MMIO_GPA = v;
	else
		outl(DOORBELL_PORT, v);
}

/* Serialized TSC reads around the measured instruction (Intel's
 * "How to Benchmark Code Execution Times" pattern). */
static inline u64 tsc_begin(void)
{
	u32 lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

static inline u64 tsc_end(void)
{
	u32 lo, hi, aux;

	asm volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
	return ((u64)hi << 32) | lo;
}

/* For backends whose instruction emulator lacks rdtscp (TIMER_LFENCE). */
static inline u64 tsc_end_lfence(void)
{
	u32 lo, hi;

	asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid"
		     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(sub)
		     : "memory");
}

/*
 * One exit class's guest side (guests/ops.c).  loop runs n iterations of
 * the op's own straight-line timed loop: prepare (untimed), the timestamp,
 * the op inlined, the timestamp; out/starts as in run_loop.  prep and fn
 * are the same two parts as out-of-line functions: for the prepare
 * calibration and the MB_INDIRECT loop.
 */
struct guest_op_desc {
	u32 op;
	int (*setup)(volatile struct mailbox *mb); /* 0 ok, else abort reason */
	void (*loop)(u64 n, volatile u64 *out, volatile u64 *starts, int rdtscp);
	int has_prepare; /* prep causes exits besides doorbells: calibrated */
	u64 (*prep)(u64 i);
	void (*fn)(u64 a);
};

const struct guest_op_desc *guest_find_op(u32 op);

/* Exceptions an op provokes on purpose: guest_trap skips the instruction
 * (guest_expected_len bytes) and resumes; others abort the command. */
extern volatile u64 guest_expected_vector, guest_expected_len, guest_exceptions_seen;
/* The command's second per-iteration series (mailbox aux_gpa), or 0. */
extern volatile u64 *guest_aux;
/* Interrupt vectors >= 32 (ops.c): count, timestamp, EOI. */
void guest_interrupt(u64 vector);

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

static inline u64 rdtsc_plain(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

#endif
