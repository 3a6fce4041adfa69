/* SPDX-License-Identifier: MIT */
/*
 * The contract of `exitbench check` between the host (bench/check*.c) and
 * the guest (guests/checks.c), on top of guests/protocol.h: ports,
 * guest-physical pages, each op's mailbox arguments and results.
 *
 * Every op ends with DB_DONE on DOORBELL_PORT (or DB_ABORT); in between
 * the guest may ring CHECK_STEP_PORT with a step number so the host can
 * act (zap a slot, read the dirty log) or tell the phases apart.
 *
 * Guest-physical pages (identity mapped like the rest, see protocol.h):
 *   0x00200000  CHECK_DATA_GPA: lists and buffers (RAM, 2 MiB)
 *   0x80000000  CHECK_REFAULT_GPA: its own slot, zapped by the host
 *   0x90000000  CHECK_DIRTY_GPA: its own slot, KVM_MEM_LOG_DIRTY_PAGES
 *   0xc0010000  CHECK_MMIO_GPA: two unbacked pages (MMIO exits)
 *   0xc0100000  CHECK_EDGE_GPA: one RAM page, the next page unbacked
 */
#ifndef EXITBENCH_CHECK_PROTOCOL_H
#define EXITBENCH_CHECK_PROTOCOL_H

#include "guests/protocol.h"

#define CHECK_PIO_PORT	  0x0f0 /* accesses under test */
#define CHECK_STEP_PORT	  0x0f8 /* step doorbell: outl(step number) */
#define CHECK_DATA_GPA	  0x200000ULL
#define CHECK_DATA_SIZE	  0x200000ULL
#define CHECK_REFAULT_GPA 0x80000000ULL
#define CHECK_DIRTY_GPA	  0x90000000ULL
#define CHECK_MMIO_GPA	  0xc0010000ULL
#define CHECK_EDGE_GPA	  0xc0100000ULL

/*
 * Mailbox arguments (arg[]) and results (result[]) per op:
 *
 * OP_CHECK_CPUID     arg0 = entries, arg1 = gpa of struct check_cpuid[]; the
 *                    guest fills eax..edx of each entry.
 * OP_CHECK_PIO_OUT   arg0 = port, arg1..3 = byte, word, dword to write.
 * OP_CHECK_PIO_IN    arg0 = port; result0..2 = what inb, inw, inl read.
 * OP_CHECK_PIO_OUTS  arg0 = port, arg1 = elements per form, arg2..4 =
 * OP_CHECK_PIO_INS   gpa of the byte, word, dword buffers.
 * OP_CHECK_MMIO_WRITE arg0 = gpa; stores of 1, 2, 4, 8 bytes at arg0 +
 *                    CHECK_MMIO_OFF(size) with values arg1..4.
 * OP_CHECK_MMIO_READ arg0 = gpa; result0..3 = the 1, 2, 4, 8-byte loads.
 * OP_CHECK_MMIO_CROSS arg0 = gpa 4 bytes below an unbacked page's end,
 *                    arg1 = value; arg2 = gpa 4 bytes below a RAM page's
 *                    end whose next page is unbacked, arg3 = value.  Step 1:
 *                    8-byte store at arg0; step 2: load (result0); step 3:
 *                    store at arg2; step 4: load (result1).
 * OP_CHECK_HLT       arg0..4 = values for rbx, r12..r15; result0 = the RIP
 *                    after hlt (written before it), result1..5 = rbx,
 *                    r12..r15 after the exit.
 * OP_CHECK_HYPERCALL arg0 = CHECK_HC_VMCALL/VMMCALL, arg1 = nr (rax),
 *                    arg2..4 = rbx, rcx, rdx; result0 = rax afterwards,
 *                    result1 = the hypercall instruction's address
 *                    (stored before it runs, so a fault's RIP can be
 *                    matched against it).
 * OP_CHECK_RDMSR     arg0 = index; result0 = edx:eax.
 * OP_CHECK_WRMSR     arg0 = index, arg1 = edx:eax.
 * OP_CHECK_REFAULT   arg0 = gpa, arg1 = pages, arg2 = seed: fill every
 *                    8-byte word with check_word(seed, gpa), step 1 (the
 *                    host zaps), read back; result0 = words that differ,
 *                    result1..3 = first one's gpa, expected, got.
 * OP_CHECK_DIRTY     arg0 = gpa, arg1 = pages, arg2 = gpa of the rounds
 *                    list (u64 rounds, then per round u64 n, n page
 *                    indices).  Step 0; read one word of every page
 *                    (result0 = their sum); per round r: store to its
 *                    pages, step r.
 */
#define CHECK_HC_VMCALL	     0
#define CHECK_HC_VMMCALL     1
#define CHECK_MMIO_OFF(size) ((size)*0x10ULL)

struct check_cpuid {
	u32 leaf, subleaf;
	u32 eax, ebx, ecx, edx; /* written by the guest */
};

/* The refault pattern: distinct per 8-byte word and per seed. */
static inline u64 check_word(u64 seed, u64 gpa)
{
	return seed ^ (gpa * 0x9e3779b97f4a7c15ULL);
}

#endif
