/* SPDX-License-Identifier: MIT */
/*
 * The guest side of each exit class: a prepare part (untimed: operands,
 * doorbells, exits that set the op up) and an op part (timed), and from the
 * two, by GUEST_OPS (guests/ops.h), one straight-line timed loop per op: no indirect
 * call or return sits between the timestamps (docs/method.md).
 */
#include "guests/guest.h"

#define INLINE static inline __attribute__((always_inline))

static u16 pio_port;
static volatile u32 *mmio_addr;
static volatile u8 *fault_base;
static u64 fault_pages;

/* ---- prepare parts: return the op's operand ---- */
INLINE u64 prep_none(u64 i)
{
	(void)i;
	return 0;
}

INLINE u64 prep_port(u64 i)
{
	(void)i;
	return pio_port;
}

INLINE u64 prep_mmio(u64 i)
{
	(void)i;
	return (u64)mmio_addr;
}

INLINE void op_null(u64 a)
{
	(void)a;
	asm volatile("" ::: "memory");
}

INLINE void op_cpuid(u64 a)
{
	u32 eax, ebx, ecx, edx;

	(void)a;
	cpuid(0, 0, &eax, &ebx, &ecx, &edx);
}

static int setup_pio(volatile struct mailbox *mb)
{
	pio_port = (u16)mb->arg[0];
	return 0;
}

/* The port is the value written (any value does). */
INLINE void op_pio_out(u64 port)
{
	asm volatile("outl %0, %1" : : "a"((u32)port), "d"((u16)port) : "memory");
}

static int setup_mmio(volatile struct mailbox *mb)
{
	mmio_addr = (volatile u32 *)mb->arg[0];
	return 0;
}

INLINE void op_mmio_write(u64 addr)
{
	*(volatile u32 *)addr = (u32)addr;
}

INLINE void op_hlt(u64 a)
{
	(void)a;
	asm volatile("hlt" ::: "memory");
}

/* arg[0] = region gpa, arg[1] = pages per round. */
static int setup_fault(volatile struct mailbox *mb)
{
	fault_base = (volatile u8 *)mb->arg[0];
	fault_pages = mb->arg[1];
	return fault_pages ? ABORT_NONE : ABORT_BAD_ARGS;
}

/* A new round: the VMM drops the region's stage-2 mappings.  The page's
 * address is computed here, outside the window. */
INLINE u64 prep_fault(u64 i)
{
	u64 page = i % fault_pages;

	if (page == 0)
		doorbell(DB_REZAP);
	return (u64)(fault_base + page * 4096);
}

INLINE void op_fault_touch(u64 addr)
{
	*(volatile u8 *)addr = (u8)addr;
}

INLINE void op_pio_in(u64 port)
{
	u8 v;

	asm volatile("inb %w1, %0" : "=a"(v) : "d"((u16)port) : "memory");
}

/* ---- interrupts through the in-kernel x2APIC ---- */
#define X2APIC_EOI  (X2APIC_MSR_BASE + 0x0b)
#define X2APIC_SVR  (X2APIC_MSR_BASE + 0x0f)
#define X2APIC_ICR  (X2APIC_MSR_BASE + 0x30)
#define X2APIC_SELF (X2APIC_MSR_BASE + 0x3f)

static volatile u64 irq_tsc, irq_count, pongs, ap_ready;

/* vCPU 0's interrupts of the timed ops (IPI_VECTOR, IPI_PONG) leave their
 * EOI to the next prepare, outside the window; vCPU 1 answers a ping and
 * EOIs at once. */
void guest_interrupt(u64 vector)
{
	irq_tsc = rdtsc_plain();
	irq_count++;
	if (vector == IPI_PING) {
		wrmsr(X2APIC_ICR, IPI_PONG); /* to APIC ID 0 (dest in bits 63:32) */
		wrmsr(X2APIC_EOI, 0);
		return;
	}
	if (vector == IPI_PONG)
		pongs++;
}

/* Every prepare EOIs, whether or not an interrupt is in service (the APIC
 * ignores an EOI with none): the prepare calibration then sees the same
 * exits as the loop's prepares. */
INLINE void eoi(void)
{
	wrmsr(X2APIC_EOI, 0);
}

static int x2apic_enable(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 21)))
		return ABORT_NO_SUPPORT;		    /* no x2APIC */
	wrmsr(0x1b, rdmsr(0x1b) | (1u << 11) | (1u << 10)); /* APIC on, x2APIC mode */
	wrmsr(X2APIC_SVR, 0x1ff);			    /* enabled, spurious 0xff */
	return 0;
}

static int setup_hlt_ipi(volatile struct mailbox *mb)
{
	(void)mb;
	return x2apic_enable();
}

/* vCPU 1: answer every ping with a pong, halted in between. */
void ap_main(void);
void ap_main(void)
{
	if (x2apic_enable())
		for (;;)
			asm volatile("hlt");
	ap_ready = 1;
	for (;;)
		asm volatile("sti; hlt; cli" ::: "memory");
}

static int setup_ipi(volatile struct mailbox *mb)
{
	int r = x2apic_enable();

	(void)mb;
	while (!r && !ap_ready)
		asm volatile("pause" ::: "memory");
	return r;
}

/* The previous pong's EOI; the count to wait past. */
INLINE u64 prep_ipi(u64 i)
{
	(void)i;
	eoi();
	return pongs;
}

/* Ping vCPU 1 (x2APIC ID 1) and spin, interrupts on, for its pong: a plain
 * spin, no pause (pause-loop exiting would add exits). */
INLINE void op_ipi(u64 before)
{
	wrmsr(X2APIC_ICR, ((u64)1 << 32) | IPI_PING);
	asm volatile("sti" ::: "memory");
	while (pongs == before)
		asm volatile("" ::: "memory");
	asm volatile("cli" ::: "memory");
}

/* The previous interrupt's EOI and the self-IPI, interrupts off: the IPI
 * is pending when the window opens. */
INLINE u64 prep_hlt_ipi(u64 i)
{
	(void)i;
	eoi();
	wrmsr(X2APIC_SELF, IPI_VECTOR);
	return 0;
}

/* KVM does not block: it handles the hlt, injects the pending interrupt
 * and resumes; the window ends after the handler's iretq. */
INLINE void op_hlt_ipi(u64 a)
{
	(void)a;
	asm volatile("sti; hlt; cli" ::: "memory");
}

/* aux[i]: the window's start to the handler's first timestamp. */
INLINE void post_hlt_ipi(u64 i, u64 t0)
{
	if (guest_aux)
		guest_aux[i] = irq_tsc - t0;
}

INLINE void post_none(u64 i, u64 t0)
{
	(void)i;
	(void)t0;
}

/* ---- hypercalls ---- */
static u64 hc_args[5];

static int setup_hypercall(volatile struct mailbox *mb)
{
	for (int i = 0; i < 5; i++)
		hc_args[i] = mb->arg[i];
	return 0;
}

INLINE void op_hypercall(u64 a)
{
	u64 ret;

	(void)a;
	if (hc_args[0])
		asm volatile("vmmcall"
			     : "=a"(ret)
			     : "a"(hc_args[1]), "b"(hc_args[2]), "c"(hc_args[3]), "d"(hc_args[4])
			     : "memory");
	else
		asm volatile("vmcall"
			     : "=a"(ret)
			     : "a"(hc_args[1]), "b"(hc_args[2]), "c"(hc_args[3]), "d"(hc_args[4])
			     : "memory");
}

/* ---- single instructions ---- */
static u32 msr_index, pmc_index;
static u64 xcr0, cr8_val, pause_count;

static int setup_rdmsr(volatile struct mailbox *mb)
{
	msr_index = (u32)mb->arg[0];
	return 0;
}

INLINE u64 prep_msr(u64 i)
{
	(void)i;
	return msr_index;
}

INLINE void op_rdmsr(u64 msr)
{
	(void)rdmsr((u32)msr);
}

static int setup_xsetbv(volatile struct mailbox *mb)
{
	u32 a, b, c, d, lo, hi;
	u64 cr4;

	(void)mb;
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 26)))
		return ABORT_NO_SUPPORT; /* no XSAVE */
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | (1ull << 18)) : "memory"); /* OSXSAVE */
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	xcr0 = ((u64)hi << 32) | lo;
	return 0;
}

INLINE u64 prep_xcr0(u64 i)
{
	(void)i;
	return xcr0;
}

INLINE void op_xsetbv(u64 v)
{
	asm volatile("xsetbv" : : "c"(0), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

/*
 * rdpmc needs a counter the guest may read: Intel's architectural PMU
 * (CPUID 0xa) or, on AMD, the core counters (always 4 legacy ones with a
 * vPMU; CPUID 0x80000022 for more): the host's need_pmu says whether KVM
 * gives the guest a PMU at all.
 */
static int setup_rdpmc(volatile struct mailbox *mb)
{
	u32 a, b, c, d;

	pmc_index = (u32)mb->arg[0];
	cpuid(0, 0, &a, &b, &c, &d);
	if (b == 0x68747541) /* "Auth"enticAMD */
		return 0;
	if (a < 0xa)
		return ABORT_NO_SUPPORT;
	cpuid(0xa, 0, &a, &b, &c, &d);
	if ((a & 0xff) == 0 || ((a >> 8) & 0xff) == 0)
		return ABORT_NO_SUPPORT; /* no architectural PMU counters */
	return 0;
}

INLINE u64 prep_pmc(u64 i)
{
	(void)i;
	return pmc_index;
}

INLINE void op_rdpmc(u64 idx)
{
	u32 lo, hi;

	asm volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"((u32)idx) : "memory");
}

static int setup_cr8(volatile struct mailbox *mb)
{
	(void)mb;
	asm volatile("mov %%cr8, %0" : "=r"(cr8_val));
	return 0;
}

INLINE u64 prep_cr8(u64 i)
{
	(void)i;
	return cr8_val;
}

INLINE void op_cr8_write(u64 v)
{
	asm volatile("mov %0, %%cr8" : : "r"(v) : "memory");
}

INLINE void op_rdtsc(u64 a)
{
	(void)a;
	(void)rdtsc_plain();
}

static int setup_pause(volatile struct mailbox *mb)
{
	pause_count = mb->arg[0];
	return pause_count ? 0 : ABORT_BAD_ARGS;
}

INLINE u64 prep_pause(u64 i)
{
	(void)i;
	return pause_count;
}

/* The burst itself is the op: its pauses are inside the window (docs/method.md). */
INLINE void op_pause(u64 n)
{
	for (u64 k = 0; k < n; k++)
		asm volatile("pause" ::: "memory");
}

static int setup_ud2(volatile struct mailbox *mb)
{
	(void)mb;
	guest_expected_vector = 6; /* #UD */
	guest_expected_len = 2;
	return 0;
}

INLINE void op_ud2(u64 a)
{
	(void)a;
	asm volatile("ud2" ::: "memory");
}

/*
 * The timed loop of one op.  The operand is forced into a register before
 * the first timestamp (the empty asm), so its computation cannot sink into
 * the window; the timer choice is a branch outside the loop.
 */
#define TIMED_LOOP(PREP, OP, POST, END)                                                            \
	for (u64 i = 0; i < n; i++) {                                                              \
		u64 a = PREP(i), t0, t1;                                                           \
		asm volatile("" : "+r"(a));                                                        \
		t0 = tsc_begin();                                                                  \
		OP(a);                                                                             \
		t1 = END();                                                                        \
		if (out) {                                                                         \
			out[i] = t1 - t0;                                                          \
			POST(i, t0);                                                               \
		}                                                                                  \
		if (starts)                                                                        \
			starts[i] = t0;                                                            \
	}

/* Per op: the timed loop, and prep/op out of line (prepare calibration,
 * MB_INDIRECT). */
#define DEFINE_OP(NAME, num, setup, PREP, OP, POST, has_prep)                                      \
	static void loop_##NAME(u64 n, volatile u64 *out, volatile u64 *starts, int rdtscp)        \
	{                                                                                          \
		if (rdtscp)                                                                        \
			TIMED_LOOP(PREP, OP, POST, tsc_end)                                        \
		else                                                                               \
			TIMED_LOOP(PREP, OP, POST, tsc_end_lfence)                                 \
	}                                                                                          \
	static __attribute__((noinline)) u64 prep_fn_##NAME(u64 i)                                 \
	{                                                                                          \
		return PREP(i);                                                                    \
	}                                                                                          \
	static __attribute__((noinline)) void op_fn_##NAME(u64 a)                                  \
	{                                                                                          \
		OP(a);                                                                             \
	}
GUEST_OPS(DEFINE_OP)

#define OP_ROW(NAME, num, setup, PREP, OP, POST, has_prep)                                         \
	{OP_##NAME, setup, loop_##NAME, has_prep, prep_fn_##NAME, op_fn_##NAME},
static const struct guest_op_desc ops[] = {GUEST_OPS(OP_ROW)};

const struct guest_op_desc *guest_find_op(u32 op)
{
	for (u64 i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return &ops[i];
	return 0;
}
