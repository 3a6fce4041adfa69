/* SPDX-License-Identifier: MIT */
/*
 * The contract of `exitbench census` between the host (bench/census/) and
 * the guest (guests/census.c, guests/census_ops.S), on top of
 * guests/protocol.h.  One row = one instruction; the host runs each row in
 * a fresh VM at one ring (mailbox ring 0 or 3).
 *
 * Mailbox: op = OP_CENSUS, ring, timer, iterations, warmup, samples_gpa
 * as for `run`; arg[0] = the row (enum census_row).
 * Results written by the guest:
 *   result[0] = CPL of the measuring code (CS.RPL)
 *   result[1] = exceptions taken inside the row's code in the timed loop
 *   result[2] = vector of the first exception taken inside the row's code
 *               (the observation run comes first), CENSUS_NO_FAULT if none
 *   result[3] = its error code, result[4] = its RIP
 *   result[5], result[6] = what the row's code stored (the observation,
 *               from its first run; see the host's row table)
 *   result[7] = CR4 (bits 63:32) and CR0 (bits 31:0) as set up at CPL0
 * An unsupported row aborts with ABORT_NO_SUPPORT, abort_arg = CENSUS_NEED_*.
 */
#ifndef EXITBENCH_CENSUS_PROTOCOL_H
#define EXITBENCH_CENSUS_PROTOCOL_H

#include "guests/protocol.h"

#define OP_CENSUS	300
#define CENSUS_NO_FAULT 0xffffffffffffffffULL
#define CENSUS_INT_VEC	0x80	   /* int N: a DPL-3 gate, like a system call */
#define CENSUS_BAD_MSR	0x4b564e00 /* no MSR: rdmsr of it must #GP */
#define CENSUS_HCALL_NR 0x7ead	   /* no KVM hypercall has this number */

enum census_need {
	CENSUS_NEED_UMIP = 1,	/* CPUID.7.0:ECX[2] */
	CENSUS_NEED_XSAVE = 2,	/* CPUID.1:ECX[26] */
	CENSUS_NEED_RDTSCP = 3, /* CPUID.80000001:EDX[27] */
};

/* X(name): one per row, in table order; the guest's code for row `name`
 * is census_<name> ... census_<name>_end in guests/census_ops.S. */
#define CENSUS_ROWS(X)                                                                             \
	X(null)                                                                                    \
	X(pushf)                                                                                   \
	X(popf)                                                                                    \
	X(iret)                                                                                    \
	X(lar)                                                                                     \
	X(verr)                                                                                    \
	X(verw)                                                                                    \
	X(lsl)                                                                                     \
	X(push_fs)                                                                                 \
	X(pop_fs)                                                                                  \
	X(push_ds)                                                                                 \
	X(mov_from_cs)                                                                             \
	X(mov_to_ds)                                                                               \
	X(mov_to_ds_kernel)                                                                        \
	X(sgdt)                                                                                    \
	X(sidt)                                                                                    \
	X(sldt)                                                                                    \
	X(smsw)                                                                                    \
	X(str)                                                                                     \
	X(call_far)                                                                                \
	X(jmp_far)                                                                                 \
	X(ret_far)                                                                                 \
	X(int_n)                                                                                   \
	X(cli)                                                                                     \
	X(cpuid)                                                                                   \
	X(rdtsc)                                                                                   \
	X(rdtscp)                                                                                  \
	X(rdpmc)                                                                                   \
	X(rdmsr_efer)                                                                              \
	X(rdmsr_fs_base)                                                                           \
	X(rdmsr_absent)                                                                            \
	X(wrmsr_efer)                                                                              \
	X(wrmsr_fs_base)                                                                           \
	X(in)                                                                                      \
	X(out)                                                                                     \
	X(hlt)                                                                                     \
	X(invd)                                                                                    \
	X(wbinvd)                                                                                  \
	X(xsetbv)                                                                                  \
	X(mov_from_cr0)                                                                            \
	X(mov_to_cr0)                                                                              \
	X(mov_from_cr3)                                                                            \
	X(mov_to_cr3)                                                                              \
	X(mov_from_cr4)                                                                            \
	X(mov_to_cr4)                                                                              \
	X(mov_from_cr8)                                                                            \
	X(mov_to_cr8)                                                                              \
	X(mov_from_dr7)                                                                            \
	X(mov_to_dr7)                                                                              \
	X(lgdt)                                                                                    \
	X(lidt)                                                                                    \
	X(lldt)                                                                                    \
	X(ltr)                                                                                     \
	X(clts)                                                                                    \
	X(invlpg)                                                                                  \
	X(monitor)                                                                                 \
	X(mwait)                                                                                   \
	X(pause)                                                                                   \
	X(vmcall)                                                                                  \
	X(vmmcall)                                                                                 \
	X(sgdt_umip)                                                                               \
	X(sidt_umip)                                                                               \
	X(sldt_umip)                                                                               \
	X(smsw_umip)                                                                               \
	X(str_umip)

#define CENSUS_ENUM(n) CR_##n,
enum census_row { CENSUS_ROWS(CENSUS_ENUM) CR_COUNT };
#undef CENSUS_ENUM

#endif
