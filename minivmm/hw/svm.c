// SPDX-License-Identifier: MIT
/*
 * AMD-V: EFER.SVME, a host save area, one VMCB for a flat 64-bit guest on
 * the host's page tables.  The guest exits on cpuid, vmmcall, any port
 * I/O, NMI, shutdown and every exception; nothing else is intercepted.
 * Mirrors vmx.c step by step.
 */
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/svm.h>
#include <asm/trapnr.h>

#include "hw.h"

#define VM_CR_SVMDIS (1ULL << 4)
#define CPUID_SVM    (1U << 2) /* CPUID 0x80000001 ECX */
#define IOPM_ORDER   2	       /* 12 KB used */
#define MSRPM_ORDER  1	       /* 8 KB */

int svm_alloc(struct hw_cpu *c)
{
	c->vmcb = (void *)get_zeroed_page(GFP_KERNEL);
	c->hsave = (void *)get_zeroed_page(GFP_KERNEL);
	c->iopm = (void *)__get_free_pages(GFP_KERNEL, IOPM_ORDER);
	c->msrpm = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, MSRPM_ORDER);
	if (!c->vmcb || !c->hsave || !c->iopm || !c->msrpm)
		return -ENOMEM;
	memset(c->iopm, 0xff, PAGE_SIZE << IOPM_ORDER); /* every port exits */
	return 0;
}

void svm_free(struct hw_cpu *c)
{
	free_page((unsigned long)c->vmcb);
	free_page((unsigned long)c->hsave);
	free_pages((unsigned long)c->iopm, IOPM_ORDER);
	free_pages((unsigned long)c->msrpm, MSRPM_ORDER);
}

int svm_probe(struct hw_cpu *c)
{
	char nested[80];
	u64 vm_cr, efer;

	if (!(cpuid_ecx(0x80000001) & CPUID_SVM))
		return hw_fail(c, -ENODEV, "no AMD-V: CPUID 0x80000001 ECX.SVM is clear%s",
			       hw_nested(nested, sizeof(nested)));
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & VM_CR_SVMDIS)
		return hw_fail(c, -EPERM,
			       "AMD-V disabled by firmware (VM_CR.SVMDIS set): enable SVM in the "
			       "BIOS/UEFI setup");
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return hw_fail(c, -EBUSY,
			       "AMD-V is in use on CPU %d (EFER.SVME set): another hypervisor "
			       "holds it; release it: stop its VMs and `rmmod kvm_amd` (Linux "
			       ">= 6.12 holds it from load unless kvm.enable_virt_at_load=0)",
			       raw_smp_processor_id());
	return 0;
}

static void svm_seg(struct vmcb_seg *s, u16 sel, u16 attrib, u32 limit, u64 base)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

/* The guest: the host's control registers, flat segments, no IDT. */
static void svm_guest_state(struct hw_cpu *c)
{
	struct vmcb *v = c->vmcb;
	struct vmcb_save_area *g = &v->save;
	struct desc_ptr gdt;

	native_store_gdt(&gdt);
	svm_seg(&g->cs, __KERNEL_CS, 0xa9b, 0xffffffff, 0); /* P S code, L, G */
	svm_seg(&g->ss, __KERNEL_DS, 0xc93, 0xffffffff, 0); /* P S data, D/B, G */
	svm_seg(&g->ds, __KERNEL_DS, 0xc93, 0xffffffff, 0);
	svm_seg(&g->es, __KERNEL_DS, 0xc93, 0xffffffff, 0);
	svm_seg(&g->gdtr, 0, 0, gdt.size, gdt.address);
	svm_seg(&g->idtr, 0, 0, 0, 0); /* an event delivered in the guest: shutdown */
	g->cpl = 0;
	g->efer = c->efer | EFER_SVME;
	g->cr0 = read_cr0();
	g->cr3 = __read_cr3();
	g->cr4 = __read_cr4();
	g->dr6 = 0xffff0ff0;
	g->dr7 = 0x400;
	g->rflags = X86_EFLAGS_FIXED; /* IF clear: interrupts wait for the host */
	g->rip = c->guest_rip;
	g->rsp = c->guest_rsp;
}

static void svm_intercept(struct vmcb_control_area *ctl, unsigned int bit)
{
	ctl->intercepts[bit / 32] |= 1U << (bit % 32);
}

static void svm_controls(struct hw_cpu *c)
{
	struct vmcb_control_area *ctl = &((struct vmcb *)c->vmcb)->control;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++)
		svm_intercept(ctl, INTERCEPT_EXCEPTION_OFFSET + bit);
	svm_intercept(ctl, INTERCEPT_NMI);
	svm_intercept(ctl, INTERCEPT_CPUID);
	svm_intercept(ctl, INTERCEPT_IOIO_PROT);
	svm_intercept(ctl, INTERCEPT_SHUTDOWN);
	svm_intercept(ctl, INTERCEPT_VMRUN); /* required */
	svm_intercept(ctl, INTERCEPT_VMMCALL);
	ctl->iopm_base_pa = virt_to_phys(c->iopm);
	ctl->msrpm_base_pa = virt_to_phys(c->msrpm);
	ctl->asid = 1;
	/* ASID 1 may hold another hypervisor's translations: flush on entry */
	ctl->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
}

int svm_on(struct hw_cpu *c, enum hw_exit exit)
{
	static const u32 code[HW_NEXITS] = {0, SVM_EXIT_CPUID, SVM_EXIT_VMMCALL, SVM_EXIT_IOIO};

	c->expected_exit = code[exit];
	c->on = false;
	if (exit == HW_EXIT_NULL)
		return 0; /* the null class never enters: nothing to turn on */
	c->guest_rip = exit == HW_EXIT_CPUID	   ? (u64)hw_guest_cpuid
		       : exit == HW_EXIT_HYPERCALL ? (u64)hw_guest_vmmcall
						   : (u64)hw_guest_out;
	c->next_rip = c->guest_rip + (exit == HW_EXIT_HYPERCALL ? 3 : 2);
	rdmsrl(MSR_EFER, c->efer);
	rdmsrl(MSR_VM_HSAVE_PA, c->hsave_pa);
	memset(c->vmcb, 0, PAGE_SIZE);
	svm_controls(c);
	svm_guest_state(c);
	wrmsrl(MSR_EFER, c->efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, virt_to_phys(c->hsave));
	asm volatile("clgi" ::: "memory"); /* GIF stays clear until svm_off */
	c->on = true;
	return 0;
}

int svm_run(struct hw_cpu *c, u64 *ticks)
{
	struct vmcb *v = c->vmcb;
	u64 t0, t1;

	if (ticks) {
		t0 = hw_tsc_begin();
		hw_svm_enter(virt_to_phys(v));
		t1 = hw_tsc_end();
		*ticks = t1 - t0;
	} else {
		hw_svm_enter(virt_to_phys(v));
	}
	v->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	c->exit_code = v->control.exit_code;
	if (c->exit_code == c->expected_exit)
		return 0;
	if (c->exit_code == SVM_EXIT_NMI)
		return -EINTR; /* still pending: the host takes it at stgi */
	if (c->exit_code == SVM_EXIT_EXCP_BASE + X86_TRAP_MC)
		asm volatile("int $0x12"); /* hand the machine check to the host */
	if (v->control.exit_code_hi == 0xffffffff && c->exit_code == 0xffffffff)
		return hw_fail(c, -EINVAL,
			       "VMRUN failed: VMEXIT_INVALID (the VMCB's guest state is "
			       "inconsistent)");
	return hw_fail(c, -EIO,
		       "unexpected #VMEXIT code %#x (expected %#x) at guest RIP %#llx, "
		       "exitinfo1 %#llx",
		       c->exit_code, c->expected_exit, v->save.rip, v->control.exit_info_1);
}

void svm_next(struct hw_cpu *c)
{
	((struct vmcb *)c->vmcb)->save.rip = c->next_rip;
}

void svm_off(struct hw_cpu *c)
{
	u64 page = (u64)hw_guest_cpuid & PAGE_MASK, last = (u64)hw_guest_out & PAGE_MASK;

	if (!c->on)
		return;
	/* The guest cached translations of its code pages (it touches nothing
	 * else) under ASID 1: drop them, so that the next user of ASID 1 finds
	 * none of ours, whether or not it flushes. */
	for (; page <= last; page += PAGE_SIZE)
		asm volatile("invlpga" ::"a"(page), "c"(1) : "memory");
	asm volatile("stgi" ::: "memory"); /* a held NMI is taken here */
	wrmsrl(MSR_VM_HSAVE_PA, c->hsave_pa);
	wrmsrl(MSR_EFER, c->efer);
	c->on = false;
}
