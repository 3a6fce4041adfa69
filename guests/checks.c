/* SPDX-License-Identifier: MIT */
/*
 * The guest side of `exitbench check`: each op performs the exiting
 * accesses of one check, stores what it saw in the mailbox or the check
 * data page, and rings DONE.  Arguments: guests/check_protocol.h.
 */
#include "guests/check_protocol.h"
#include "guests/guest.h"

void check_main(volatile struct mailbox *mb);

static void step(u32 n)
{
	outl(CHECK_STEP_PORT, n);
}

static void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static void outw(u16 port, u16 v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static u64 in_size(u16 port, int size)
{
	u8 b;
	u16 w;
	u32 l;

	if (size == 1) {
		asm volatile("inb %1, %0" : "=a"(b) : "Nd"(port) : "memory");
		return b;
	}
	if (size == 2) {
		asm volatile("inw %1, %0" : "=a"(w) : "Nd"(port) : "memory");
		return w;
	}
	asm volatile("inl %1, %0" : "=a"(l) : "Nd"(port) : "memory");
	return l;
}

static void chk_cpuid(volatile struct mailbox *mb)
{
	volatile struct check_cpuid *e = (volatile struct check_cpuid *)mb->arg[1];

	for (u64 i = 0; i < mb->arg[0]; i++) {
		u32 a, b, c, d;

		cpuid(e[i].leaf, e[i].subleaf, &a, &b, &c, &d);
		e[i].eax = a;
		e[i].ebx = b;
		e[i].ecx = c;
		e[i].edx = d;
	}
}

static void chk_pio_out(volatile struct mailbox *mb)
{
	u16 port = (u16)mb->arg[0];

	outb(port, (u8)mb->arg[1]);
	outw(port, (u16)mb->arg[2]);
	outl(port, (u32)mb->arg[3]);
}

static void chk_pio_in(volatile struct mailbox *mb)
{
	u16 port = (u16)mb->arg[0];

	mb->result[0] = in_size(port, 1);
	mb->result[1] = in_size(port, 2);
	mb->result[2] = in_size(port, 4);
}

static void rep_outs(u16 port, u64 src, u64 n, int size)
{
	if (size == 1)
		asm volatile("rep outsb" : "+S"(src), "+c"(n) : "d"(port) : "memory");
	else if (size == 2)
		asm volatile("rep outsw" : "+S"(src), "+c"(n) : "d"(port) : "memory");
	else
		asm volatile("rep outsl" : "+S"(src), "+c"(n) : "d"(port) : "memory");
}

static void rep_ins(u16 port, u64 dst, u64 n, int size)
{
	if (size == 1)
		asm volatile("rep insb" : "+D"(dst), "+c"(n) : "d"(port) : "memory");
	else if (size == 2)
		asm volatile("rep insw" : "+D"(dst), "+c"(n) : "d"(port) : "memory");
	else
		asm volatile("rep insl" : "+D"(dst), "+c"(n) : "d"(port) : "memory");
}

static void chk_pio_string(volatile struct mailbox *mb)
{
	u16 port = (u16)mb->arg[0];
	static const int sizes[3] = {1, 2, 4};

	for (int i = 0; i < 3; i++) {
		if (mb->op == OP_CHECK_PIO_OUTS)
			rep_outs(port, mb->arg[2 + i], mb->arg[1], sizes[i]);
		else
			rep_ins(port, mb->arg[2 + i], mb->arg[1], sizes[i]);
	}
}

/* Exactly one access of the given size (no compiler splitting/merging). */
static void mmio_write(u64 gpa, int size, u64 v)
{
	if (size == 1)
		asm volatile("movb %b1, (%0)" : : "r"(gpa), "q"(v) : "memory");
	else if (size == 2)
		asm volatile("movw %w1, (%0)" : : "r"(gpa), "r"(v) : "memory");
	else if (size == 4)
		asm volatile("movl %k1, (%0)" : : "r"(gpa), "r"(v) : "memory");
	else
		asm volatile("movq %1, (%0)" : : "r"(gpa), "r"(v) : "memory");
}

static u64 mmio_read(u64 gpa, int size)
{
	u64 v = 0;

	if (size == 1)
		asm volatile("movzbq (%1), %0" : "=r"(v) : "r"(gpa) : "memory");
	else if (size == 2)
		asm volatile("movzwq (%1), %0" : "=r"(v) : "r"(gpa) : "memory");
	else if (size == 4)
		asm volatile("movl (%1), %k0" : "=r"(v) : "r"(gpa) : "memory");
	else
		asm volatile("movq (%1), %0" : "=r"(v) : "r"(gpa) : "memory");
	return v;
}

static void chk_mmio(volatile struct mailbox *mb)
{
	static const int sizes[4] = {1, 2, 4, 8};

	for (int i = 0; i < 4; i++) {
		u64 gpa = mb->arg[0] + CHECK_MMIO_OFF(sizes[i]);

		if (mb->op == OP_CHECK_MMIO_WRITE)
			mmio_write(gpa, sizes[i], mb->arg[1 + i]);
		else
			mb->result[i] = mmio_read(gpa, sizes[i]);
	}
}

static void chk_mmio_cross(volatile struct mailbox *mb)
{
	step(1);
	mmio_write(mb->arg[0], 8, mb->arg[1]);
	step(2);
	mb->result[0] = mmio_read(mb->arg[0], 8);
	step(3);
	mmio_write(mb->arg[2], 8, mb->arg[3]);
	step(4);
	mb->result[1] = mmio_read(mb->arg[2], 8);
}

static void chk_hlt(volatile struct mailbox *mb)
{
	u64 in[5];

	for (int i = 0; i < 5; i++)
		in[i] = mb->arg[i];
	asm volatile("lea 1f(%%rip), %%rax\n\t"
		     "mov %%rax, 0(%[out])\n\t"
		     "mov 0(%[in]), %%rbx\n\t"
		     "mov 8(%[in]), %%r12\n\t"
		     "mov 16(%[in]), %%r13\n\t"
		     "mov 24(%[in]), %%r14\n\t"
		     "mov 32(%[in]), %%r15\n\t"
		     "hlt\n"
		     "1:\n\t"
		     "mov %%rbx, 8(%[out])\n\t"
		     "mov %%r12, 16(%[out])\n\t"
		     "mov %%r13, 24(%[out])\n\t"
		     "mov %%r14, 32(%[out])\n\t"
		     "mov %%r15, 40(%[out])\n\t"
		     :
		     : [in] "r"(in), [out] "r"(&mb->result[0])
		     : "rax", "rbx", "r12", "r13", "r14", "r15", "memory");
}

/* result1 = the hypercall instruction's own address, stored before it runs:
 * a fault there (#UD from KVM's emulator) is told from any other fault. */
static void chk_hypercall(volatile struct mailbox *mb)
{
	u64 ret, nr = mb->arg[1], a0 = mb->arg[2], a1 = mb->arg[3], a2 = mb->arg[4];
	volatile u64 *at = &mb->result[1];

	if (mb->arg[0] == CHECK_HC_VMMCALL)
		asm volatile("lea 1f(%%rip), %%rsi\n\t"
			     "mov %%rsi, (%[at])\n"
			     "1:\tvmmcall"
			     : "=a"(ret)
			     : "a"(nr), "b"(a0), "c"(a1), "d"(a2), [at] "r"(at)
			     : "rsi", "memory");
	else
		asm volatile("lea 1f(%%rip), %%rsi\n\t"
			     "mov %%rsi, (%[at])\n"
			     "1:\tvmcall"
			     : "=a"(ret)
			     : "a"(nr), "b"(a0), "c"(a1), "d"(a2), [at] "r"(at)
			     : "rsi", "memory");
	mb->result[0] = ret;
}

static void chk_msr(volatile struct mailbox *mb)
{
	u32 idx = (u32)mb->arg[0], lo, hi;

	if (mb->op == OP_CHECK_RDMSR) {
		asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(idx) : "memory");
		mb->result[0] = ((u64)hi << 32) | lo;
	} else {
		lo = (u32)mb->arg[1];
		hi = (u32)(mb->arg[1] >> 32);
		asm volatile("wrmsr" : : "c"(idx), "a"(lo), "d"(hi) : "memory");
	}
}

static void chk_refault(volatile struct mailbox *mb)
{
	u64 base = mb->arg[0], end = base + mb->arg[1] * 4096, seed = mb->arg[2], bad = 0;

	for (u64 a = base; a < end; a += 8)
		*(volatile u64 *)a = check_word(seed, a);
	step(1);
	for (u64 a = base; a < end; a += 8) {
		u64 got = *(volatile u64 *)a;

		if (got == check_word(seed, a))
			continue;
		if (!bad++) {
			mb->result[1] = a;
			mb->result[2] = check_word(seed, a);
			mb->result[3] = got;
		}
	}
	mb->result[0] = bad;
}

static void chk_dirty(volatile struct mailbox *mb)
{
	u64 base = mb->arg[0], sum = 0;
	const volatile u64 *list = (const volatile u64 *)mb->arg[2];
	u64 rounds = *list++;

	step(0);
	for (u64 p = 0; p < mb->arg[1]; p++)
		sum += *(volatile u64 *)(base + p * 4096);
	mb->result[0] = sum;
	for (u64 r = 1; r <= rounds; r++) {
		u64 n = *list++;

		for (u64 i = 0; i < n; i++)
			*(volatile u64 *)(base + list[i] * 4096 + 8 * r) = r;
		list += n;
		step((u32)r);
	}
}

static const struct {
	u32 op;
	void (*fn)(volatile struct mailbox *mb);
} check_ops[] = {
    {OP_CHECK_CPUID, chk_cpuid},
    {OP_CHECK_PIO_OUT, chk_pio_out},
    {OP_CHECK_PIO_IN, chk_pio_in},
    {OP_CHECK_PIO_OUTS, chk_pio_string},
    {OP_CHECK_PIO_INS, chk_pio_string},
    {OP_CHECK_MMIO_WRITE, chk_mmio},
    {OP_CHECK_MMIO_READ, chk_mmio},
    {OP_CHECK_MMIO_CROSS, chk_mmio_cross},
    {OP_CHECK_HLT, chk_hlt},
    {OP_CHECK_HYPERCALL, chk_hypercall},
    {OP_CHECK_RDMSR, chk_msr},
    {OP_CHECK_WRMSR, chk_msr},
    {OP_CHECK_REFAULT, chk_refault},
    {OP_CHECK_DIRTY, chk_dirty},
};

void check_main(volatile struct mailbox *mb)
{
	for (u64 i = 0; i < sizeof(check_ops) / sizeof(check_ops[0]); i++) {
		if (check_ops[i].op != mb->op)
			continue;
		check_ops[i].fn(mb);
		mb->status = DB_DONE;
		for (;;)
			doorbell(DB_DONE);
	}
	mb->abort_reason = ABORT_UNKNOWN_CLASS;
	mb->abort_arg = mb->op;
	mb->status = DB_ABORT;
	for (;;)
		doorbell(DB_ABORT);
}
