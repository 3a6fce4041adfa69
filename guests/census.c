/* SPDX-License-Identifier: MIT */
/*
 * exitbench census, guest side: set up the row at CPL0, drop to the row's
 * ring, run the row's code once to see what it stores (the observation),
 * then a warm-up and the timed loop.  An exception inside the row's code is
 * an outcome, not a crash: census_trap records its vector and error code and
 * resumes at the row's end.  Contract: guests/census_protocol.h.
 */
#include "guests/census_protocol.h"
#include "guests/guest.h"

void census_main(volatile struct mailbox *mb);
int census_trap(u64 *frame);
void census_enter_ring3(void (*fn)(void), u64 rsp);

#define CENSUS_DECL(n) extern char census_##n[], census_##n##_end[];
CENSUS_ROWS(CENSUS_DECL)
#undef CENSUS_DECL
extern char census_far_target[], census_jmp_target[];

struct census_code {
	const char *fn, *end;
};

#define CENSUS_CODE(n) {census_##n, census_##n##_end},
static const struct census_code codes[CR_COUNT] = {CENSUS_ROWS(CENSUS_CODE)};
#undef CENSUS_CODE

/* Read by the rows' code (guests/census_ops.S). */
struct census_farptr {
	u32 off;
	u16 sel;
} __attribute__((packed));
struct census_dtr {
	u16 limit;
	u64 base;
} __attribute__((packed));
extern u64 census_efer, census_xcr0, census_cr0, census_cr3, census_cr4, census_cr8, census_dr7;
extern struct census_farptr census_farptr_call, census_farptr_jmp;
extern struct census_dtr census_gdtr, census_idtr;
extern volatile u8 census_mon[64];
u64 census_efer, census_xcr0, census_cr0, census_cr3, census_cr4, census_cr8, census_dr7;
struct census_farptr census_farptr_call, census_farptr_jmp;
struct census_dtr census_gdtr, census_idtr;
volatile u8 census_mon[64] __attribute__((aligned(64)));

static u32 row;
static const struct census_code *cur;
static volatile u64 faults, first_vec = CENSUS_NO_FAULT, first_err, first_rip;
static volatile u64 int_count, int_cs;
static u64 obs[2];

static void census_abort(u64 reason, u64 arg)
{
	volatile struct mailbox *mb = GUEST_MAILBOX;

	mb->abort_reason = reason;
	mb->abort_arg = arg;
	mb->status = DB_ABORT;
	for (;;)
		doorbell(DB_ABORT);
}

/* An exception inside the current row's code: record, resume at its end.
 * Returns 0 for anything else (guest_trap then aborts the command). */
int census_trap(u64 *frame)
{
	u64 *hw = frame + 15; /* vector, error code, rip, cs, rflags, rsp, ss */

	if (!cur)
		return 0;
	if (hw[0] == CENSUS_INT_VEC) {
		int_count++;
		int_cs = hw[3];
		return 1;
	}
	if (hw[2] < (u64)cur->fn || hw[2] >= (u64)cur->end)
		return 0;
	if (first_vec == CENSUS_NO_FAULT) {
		first_vec = hw[0];
		first_err = hw[1];
		first_rip = hw[2];
	}
	faults++;
	hw[2] = (u64)cur->end;
	return 1;
}

static u64 cpl(void)
{
	u16 cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

static u64 read_cr4(void)
{
	u64 v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(u64 v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static int has_umip(void)
{
	u32 a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 7)
		return 0;
	cpuid(7, 0, &a, &b, &c, &d);
	return (c >> 2) & 1;
}

static int has_xsave(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return (c >> 26) & 1;
}

static int has_rdtscp(void)
{
	u32 a, b, c, d;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000001)
		return 0;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	return (d >> 27) & 1;
}

/* CPL0, before the row runs: what its code reads, what it needs. */
static u64 setup_row(u32 ring)
{
	volatile u64 *idt = (volatile u64 *)IDT_GPA;
	u32 lo, hi;

	idt[2 * CENSUS_INT_VEC] |= 3ULL << 45; /* int N: a DPL-3 gate */
	if (row >= CR_sgdt_umip && row <= CR_str_umip) {
		if (!has_umip())
			return CENSUS_NEED_UMIP;
		write_cr4(read_cr4() | (1ULL << 11));
	}
	if (row == CR_xsetbv) {
		if (!has_xsave())
			return CENSUS_NEED_XSAVE;
		write_cr4(read_cr4() | (1ULL << 18)); /* OSXSAVE */
		asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		census_xcr0 = ((u64)hi << 32) | lo;
	}
	if (row == CR_rdtscp && !has_rdtscp())
		return CENSUS_NEED_RDTSCP;
	census_efer = rdmsr(0xc0000080);
	asm volatile("mov %%cr0, %0" : "=r"(census_cr0));
	asm volatile("mov %%cr3, %0" : "=r"(census_cr3));
	asm volatile("mov %%cr8, %0" : "=r"(census_cr8));
	asm volatile("mov %%dr7, %0" : "=r"(census_dr7));
	census_cr4 = read_cr4();
	asm volatile("sgdt %0" : "=m"(census_gdtr));
	asm volatile("sidt %0" : "=m"(census_idtr));
	census_farptr_call.off = (u32)(u64)census_far_target;
	census_farptr_jmp.off = (u32)(u64)census_jmp_target;
	census_farptr_call.sel = census_farptr_jmp.sel = ring == 3 ? SEL_CODE3 : SEL_CODE0;
	return 0;
}

/* Untimed, before each run of the row's code. */
static void prepare(void)
{
	if (cpl() != 0)
		return;
	if (row == CR_ltr) /* the loaded TSS is busy: make it available again */
		((volatile u64 *)GDT_GPA)[SEL_TSS / 8] &= ~(1ULL << 41);
	if (row == CR_mwait) {
		asm volatile("monitor" : : "a"(census_mon), "c"(0), "d"(0) : "memory");
		census_mon[0]++; /* a store to the monitored line: mwait returns */
	}
}

static inline void call_row(u64 *buf)
{
	const char *fn = cur->fn;

	asm volatile("call *%[fn]"
		     : "+D"(buf)
		     : [fn] "r"(fn)
		     : "rax", "rbx", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "r12", "r13",
		       "r14", "r15", "memory", "cc");
}

static void loop(u64 n, volatile u64 *out, int rdtscp_ok)
{
	for (u64 i = 0; i < n; i++) {
		u64 t0, t1;

		prepare();
		t0 = tsc_begin();
		call_row(obs);
		t1 = rdtscp_ok ? tsc_end() : tsc_end_lfence();
		if (out)
			out[i] = t1 - t0;
	}
}

/* At the row's ring: observe, calibrate, warm up, time, DONE. */
static void census_measure(void)
{
	volatile struct mailbox *mb = GUEST_MAILBOX;
	int rdtscp_ok = mb->timer == TIMER_RDTSCP;
	u64 f0;

	mb->result[0] = cpl();
	obs[0] = obs[1] = 0;
	prepare();
	call_row(obs);
	mb->result[5] = row == CR_int_n ? int_count : obs[0];
	mb->result[6] = row == CR_int_n ? int_cs : obs[1];
	doorbell(DB_CAL_BEGIN);
	doorbell(DB_CAL_END);
	loop(mb->warmup, 0, rdtscp_ok);
	f0 = faults;
	doorbell(DB_BEGIN);
	loop(mb->iterations, (volatile u64 *)mb->samples_gpa, rdtscp_ok);
	doorbell(DB_END);
	mb->result[1] = faults - f0;
	mb->result[2] = first_vec;
	mb->result[3] = first_err;
	mb->result[4] = first_rip;
	mb->status = DB_DONE;
	for (;;)
		doorbell(DB_DONE);
}

void census_main(volatile struct mailbox *mb)
{
	volatile u64 *samples = (volatile u64 *)mb->samples_gpa;
	u64 need;

	row = (u32)mb->arg[0];
	if (mb->arg[0] >= CR_COUNT || (mb->ring != 0 && mb->ring != 3))
		census_abort(ABORT_BAD_ARGS, mb->arg[0]);
	need = setup_row(mb->ring);
	if (need)
		census_abort(ABORT_NO_SUPPORT, need);
	mb->result[7] = (census_cr4 << 32) | (census_cr0 & 0xffffffffULL);
	for (u64 i = 0; i < mb->iterations; i += 512)
		samples[i] = 0;
	cur = &codes[row];
	doorbell(DB_READY);
	if (mb->ring == 3)
		census_enter_ring3(census_measure, STACK3_TOP_GPA);
	census_measure();
}
