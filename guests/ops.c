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

static const struct guest_op_desc ops[] = {
	{OP_NULL, 0, 0, op_null},
	{OP_CPUID, 0, 0, op_cpuid},
	{OP_PIO_OUT, setup_pio, 0, op_pio_out},
	{OP_MMIO_WRITE, setup_mmio, 0, op_mmio_write},
	{OP_HLT, 0, 0, op_hlt},
	{OP_FAULT_TOUCH, setup_fault, prepare_fault, op_fault_touch},
};

const struct guest_op_desc *guest_find_op(u32 op)
{
	for (u64 i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return &ops[i];
	return 0;
}
