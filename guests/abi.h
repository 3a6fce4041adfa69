/* SPDX-License-Identifier: MIT */
/*
 * The guest ABI: what the VMM (minivmm/) must know to build the machine a
 * guest image runs in and to start it.  Included by minivmm, by the
 * freestanding guest (through guests/protocol.h) and by bench: fixed-width
 * types only, no libc.  What the host and the guest say to each other
 * (doorbells, mailbox, ops) is bench's, in guests/protocol.h.
 *
 * Guest-physical layout (identity mapped, 2 MiB pages, 0..4 GiB):
 *   0x00001000  GDT            0x00002000  IDT         0x00003000  TSS
 *   0x00004000  PML4           0x00005000  PDPT        0x00006000  4 PDs
 *   0x0000a000  mailbox page (vCPU 0's rdi at entry)
 *   0x00010000  guest image (GUEST_LOAD_GPA), at most GUEST_MAX_SIZE
 *   0x001f0000  ring-0 stack top, 0x001e0000 ring-3 stack top,
 *   0x001d0000  vCPU 1 stack top
 *   above 0x00200000: the protocol's (guests/protocol.h)
 */
#ifndef EXITBENCH_GUESTS_ABI_H
#define EXITBENCH_GUESTS_ABI_H

#ifdef __KERNEL_GUEST__
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
#else
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#define GDT_GPA		 0x1000ULL
#define IDT_GPA		 0x2000ULL
#define TSS_GPA		 0x3000ULL
#define PML4_GPA	 0x4000ULL
#define PDPT_GPA	 0x5000ULL
#define PD_GPA		 0x6000ULL /* four pages: 0..4 GiB */
#define MAILBOX_GPA	 0xa000ULL
#define GUEST_LOAD_GPA	 0x10000ULL
#define GUEST_MAX_SIZE	 0x1b0000ULL /* image must end below the stacks */
#define STACK_AP_TOP_GPA 0x1d0000ULL /* vCPU 1 */
#define STACK3_TOP_GPA	 0x1e0000ULL
#define STACK0_TOP_GPA	 0x1f0000ULL
#define IDENTITY_MAP_END 0x100000000ULL

/* GDT selectors (GDT layout is fixed: see minivmm/longmode.c).  The order
 * data3, code3 after an unused 0x18 is the one syscall/sysret expect. */
#define SEL_CODE0 0x08
#define SEL_DATA0 0x10
#define SEL_DATA3 0x23 /* 0x20 | RPL 3 */
#define SEL_CODE3 0x2b /* 0x28 | RPL 3 */
#define SEL_TSS	  0x30

/* The first bytes of the guest image (guests/entry.S). */
#define GUEST_HEADER_MAGIC 0x5453455547425845ULL /* "EXBGUEST" */
struct guest_header {
	u64 magic;
	u64 entry;	/* 64-bit entry point, rdi = mailbox */
	u64 vectors;	/* 256 trap stubs ... */
	u64 vec_stride; /* ... this many bytes apart */
	u64 image_end;	/* end of .bss */
	u64 ap_entry;	/* vCPU 1 entry point (ipi class) */
};

#endif
