/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the monitor: the same few steps for VT-x and
 * AMD-V, so that review can put vmx.c and svm.c side by side.
 *
 *   probe  - may this CPU be used?  Reads only; refuses with one line.
 *   on     - virtualization on, the control block (VMCS/VMCB) set up for
 *            the guest at rip; everything changed is remembered in hw_cpu.
 *   run    - one round trip: enter, wait for the exit (not timed here).
 *   next   - advance the guest's RIP past the exiting instruction.
 *   off    - virtualization off, every remembered register as it was.
 * All of them run on one CPU with interrupts and preemption off.
 */
#ifndef EXITBENCH_HW_INTERNAL_H
#define EXITBENCH_HW_INTERNAL_H

#include <linux/types.h>

#include "exitbench_hw.h"

/* What the CPU was before `on`, and the pages each backend needs. */
struct hw_cpu {
	u64 guest_rip, next_rip, guest_rsp;
	u32 expected_exit; /* exit code / basic exit reason of the guest's instruction */
	u32 exit_code;	   /* of the last round trip */
	bool on;	   /* `on` changed the CPU: `off` must run */
	/* saved host state */
	u64 efer, hsave_pa;		    /* SVM: EFER and MSR_VM_HSAVE_PA as found */
	unsigned long cr4;		    /* VMX: CR4 as found */
	u16 ds_sel, es_sel, fs_sel, gs_sel; /* VMX: VM exit loads DS/ES null */
	u64 fs_base, gs_base;		    /* VMX */
	bool launched;			    /* VMX: VMLAUNCH done, VMRESUME next */
	u64 host_rsp;			    /* VMX: HOST_RSP as last written */
	struct desc_ptr_saved {
		u16 limit;
		u64 base;
	} __packed gdt, idt; /* VMX: VM exit sets both limits to 0xffff */
	/* pages, allocated at module load */
	void *vmcb, *hsave, *iopm, *msrpm; /* SVM */
	void *vmxon, *vmcs;		   /* VMX */
	char *msg;			   /* HW_MSG_LEN bytes */
};

/* One of these is the CPU's: svm_probe() or vmx_probe() says which. */
int svm_alloc(struct hw_cpu *c);
void svm_free(struct hw_cpu *c);
int svm_probe(struct hw_cpu *c);
int svm_on(struct hw_cpu *c, enum hw_exit exit);
/* One round trip; with ticks, timed around the entry stub alone.  0: the
 * expected exit; -EINTR: an NMI ended it (not an error); else an error. */
int svm_run(struct hw_cpu *c, u64 *ticks);
void svm_next(struct hw_cpu *c);
void svm_off(struct hw_cpu *c);

int vmx_alloc(struct hw_cpu *c);
void vmx_free(struct hw_cpu *c);
int vmx_probe(struct hw_cpu *c);
int vmx_on(struct hw_cpu *c, enum hw_exit exit);
int vmx_run(struct hw_cpu *c, u64 *ticks);
void vmx_next(struct hw_cpu *c);
void vmx_off(struct hw_cpu *c);

/* enter.S */
void hw_null_enter(void);
void hw_svm_enter(u64 vmcb_pa);
int hw_vmx_enter(int launched, u64 *host_rsp);
void hw_vmx_exit(void);
void hw_guest_cpuid(void);
void hw_guest_vmmcall(void);
void hw_guest_vmcall(void);
void hw_guest_out(void);

/* The timestamps around every round trip, the same for both backends. */
static __always_inline u64 hw_tsc_begin(void)
{
	u32 lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return (u64)hi << 32 | lo;
}

static __always_inline u64 hw_tsc_end(void)
{
	u32 lo, hi;

	asm volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi)::"rcx", "memory");
	return (u64)hi << 32 | lo;
}

/* One line into c->msg; returns err. */
int hw_fail(struct hw_cpu *c, int err, const char *fmt, ...) __printf(3, 4);
/* "nested under <signature>" when CPUID.1:ECX[31] is set, else "". */
const char *hw_nested(char *buf, size_t len);

#endif
