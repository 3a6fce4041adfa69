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

static inline void doorbell(u32 v)
{
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
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub)
		     : "memory");
}

/* One exit class's guest side: prepare runs before timing starts (never
 * timed), fn is the timed operation.  Both get the iteration number. */
struct guest_op_desc {
	u32 op;
	int (*setup)(volatile struct mailbox *mb); /* 0 ok, else abort reason */
	void (*prepare)(u64 i);
	void (*fn)(u64 i);
};

const struct guest_op_desc *guest_find_op(u32 op);

#endif
