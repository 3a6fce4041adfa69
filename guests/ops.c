/* SPDX-License-Identifier: MIT */
/* The guest side of each exit class: one small function and one table row. */
#include "guests/guest.h"

static u16 pio_port;
static volatile u32 *mmio_addr;
static volatile u8 *fault_base;
static u64 fault_pages;

static void op_null(u64 i)
{
	(void)i;
	asm volatile("" ::: "memory");
}

static void op_cpuid(u64 i)
{
	u32 a, b, c, d;

	(void)i;
	cpuid(0, 0, &a, &b, &c, &d);
}

static int setup_pio(volatile struct mailbox *mb)
{
	pio_port = (u16)mb->arg[0];
	return 0;
}

static void op_pio_out(u64 i)
{
	outl(pio_port, (u32)i);
}

static int setup_mmio(volatile struct mailbox *mb)
{
	mmio_addr = (volatile u32 *)mb->arg[0];
	return 0;
}

static void op_mmio_write(u64 i)
{
	*mmio_addr = (u32)i;
}

static void op_hlt(u64 i)
{
	(void)i;
	asm volatile("hlt" ::: "memory");
}

/* arg[0] = region gpa, arg[1] = pages per round. */
static int setup_fault(volatile struct mailbox *mb)
{
	fault_base = (volatile u8 *)mb->arg[0];
	fault_pages = mb->arg[1];
	return fault_pages ? ABORT_NONE : ABORT_BAD_ARGS;
}

/* A new round: the VMM drops the region's stage-2 mappings. */
static void prepare_fault(u64 i)
{
	if (i % fault_pages == 0)
		doorbell(DB_REZAP);
}

static void op_fault_touch(u64 i)
{
	fault_base[(i % fault_pages) * 4096] = (u8)i;
}

static int setup_pio_in(volatile struct mailbox *mb)
{
	pio_port = (u16)mb->arg[0];
	return 0;
}

static void op_pio_in(u64 i)
{
	u8 v;

	(void)i;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(pio_port) : "memory");
}

/* ---- interrupts through the in-kernel x2APIC ---- */
#define X2APIC_EOI  (X2APIC_MSR_BASE + 0x0b)
#define X2APIC_SVR  (X2APIC_MSR_BASE + 0x0f)
#define X2APIC_ICR  (X2APIC_MSR_BASE + 0x30)
#define X2APIC_SELF (X2APIC_MSR_BASE + 0x3f)

static volatile u64 irq_tsc, irq_count, pongs, ap_ready;

void guest_interrupt(u64 vector)
{
	irq_tsc = rdtsc_plain();
	irq_count++;
	if (vector == IPI_PING)
		wrmsr(X2APIC_ICR, IPI_PONG); /* to APIC ID 0 (dest in bits 63:32) */
	else if (vector == IPI_PONG)
		pongs++;
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

/* Ping vCPU 1 (x2APIC ID 1) and wait, interrupts on, for its pong. */
static void op_ipi(u64 i)
{
	u64 before = pongs;

	(void)i;
	wrmsr(X2APIC_ICR, ((u64)1 << 32) | IPI_PING);
	asm volatile("sti" ::: "memory");
	while (pongs == before)
		asm volatile("pause" ::: "memory");
	asm volatile("cli" ::: "memory");
}

/* The IPI is pending before hlt, so KVM does not block: it handles the hlt,
 * injects the interrupt and resumes.  aux[i]: hlt to handler entry. */
static void op_hlt_ipi(u64 i)
{
	u64 t;

	wrmsr(X2APIC_SELF, IPI_VECTOR);
	t = rdtsc_plain();
	asm volatile("sti; hlt; cli" ::: "memory");
	if (guest_aux)
		guest_aux[i] = irq_tsc - t;
}

/* ---- hypercalls ---- */
static u64 hc_args[5];

static int setup_hypercall(volatile struct mailbox *mb)
{
	for (int i = 0; i < 5; i++)
		hc_args[i] = mb->arg[i];
	return 0;
}

static void op_hypercall(u64 i)
{
	u64 ret;

	(void)i;
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

static void op_rdmsr(u64 i)
{
	(void)i;
	(void)rdmsr(msr_index);
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

static void op_xsetbv(u64 i)
{
	(void)i;
	asm volatile("xsetbv" : : "c"(0), "a"((u32)xcr0), "d"((u32)(xcr0 >> 32)) : "memory");
}

static int setup_rdpmc(volatile struct mailbox *mb)
{
	u32 a, b, c, d;

	pmc_index = (u32)mb->arg[0];
	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 0xa)
		return ABORT_NO_SUPPORT;
	cpuid(0xa, 0, &a, &b, &c, &d);
	if ((a & 0xff) == 0 || ((a >> 8) & 0xff) == 0)
		return ABORT_NO_SUPPORT; /* no architectural PMU counters */
	return 0;
}

static void op_rdpmc(u64 i)
{
	u32 lo, hi;

	(void)i;
	asm volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(pmc_index) : "memory");
}

static int setup_cr8(volatile struct mailbox *mb)
{
	(void)mb;
	asm volatile("mov %%cr8, %0" : "=r"(cr8_val));
	return 0;
}

static void op_cr8_write(u64 i)
{
	(void)i;
	asm volatile("mov %0, %%cr8" : : "r"(cr8_val) : "memory");
}

static void op_rdtsc(u64 i)
{
	(void)i;
	(void)rdtsc_plain();
}

static int setup_pause(volatile struct mailbox *mb)
{
	pause_count = mb->arg[0];
	return pause_count ? 0 : ABORT_BAD_ARGS;
}

static void op_pause(u64 i)
{
	(void)i;
	for (u64 k = 0; k < pause_count; k++)
		asm volatile("pause" ::: "memory");
}

static int setup_ud2(volatile struct mailbox *mb)
{
	(void)mb;
	guest_expected_vector = 6; /* #UD */
	guest_expected_len = 2;
	return 0;
}

static void op_ud2(u64 i)
{
	(void)i;
	asm volatile("ud2" ::: "memory");
}

static const struct guest_op_desc ops[] = {
    {OP_NULL, 0, 0, op_null},
    {OP_CPUID, 0, 0, op_cpuid},
    {OP_PIO_OUT, setup_pio, 0, op_pio_out},
    {OP_MMIO_WRITE, setup_mmio, 0, op_mmio_write},
    {OP_HLT, 0, 0, op_hlt},
    {OP_FAULT_TOUCH, setup_fault, prepare_fault, op_fault_touch},
    {OP_PIO_IN, setup_pio_in, 0, op_pio_in},
    {OP_HLT_IPI, setup_hlt_ipi, 0, op_hlt_ipi},
    {OP_HYPERCALL, setup_hypercall, 0, op_hypercall},
    {OP_RDMSR, setup_rdmsr, 0, op_rdmsr},
    {OP_XSETBV, setup_xsetbv, 0, op_xsetbv},
    {OP_RDPMC, setup_rdpmc, 0, op_rdpmc},
    {OP_CR8_WRITE, setup_cr8, 0, op_cr8_write},
    {OP_RDTSC, 0, 0, op_rdtsc},
    {OP_PAUSE, setup_pause, 0, op_pause},
    {OP_UD2, setup_ud2, 0, op_ud2},
    {OP_IPI, setup_ipi, 0, op_ipi},
    {OP_HANG, 0, 0, op_null}, /* its 1-iteration preflight passes */
};

const struct guest_op_desc *guest_find_op(u32 op)
{
	for (u64 i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return &ops[i];
	return 0;
}
