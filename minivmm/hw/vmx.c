// SPDX-License-Identifier: MIT
/*
 * VT-x: CR4.VMXE, a VMXON region, one VMCS for a flat 64-bit guest on the
 * host's page tables (no EPT).  The guest exits on cpuid and vmcall
 * (always), any port I/O (unconditional I/O exiting), NMI (NMI exiting) and
 * every exception (exception bitmap); nothing else.  Mirrors svm.c.
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
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "hw.h"

#define CPUID_VMX	(1U << 5) /* CPUID 1 ECX */
#define AR_UNUSABLE	(1U << 16)
#define BASIC_TRUE_CTLS (1ULL << 55)

int vmx_alloc(struct hw_cpu *c)
{
	c->vmxon = (void *)get_zeroed_page(GFP_KERNEL);
	c->vmcs = (void *)get_zeroed_page(GFP_KERNEL);
	return c->vmxon && c->vmcs ? 0 : -ENOMEM;
}

void vmx_free(struct hw_cpu *c)
{
	free_page((unsigned long)c->vmxon);
	free_page((unsigned long)c->vmcs);
}

int vmx_probe(struct hw_cpu *c)
{
	char nested[80];
	u64 feat = 0;

	if (!(cpuid_ecx(1) & CPUID_VMX))
		return hw_fail(c, -ENODEV, "no VT-x: CPUID 1 ECX.VMX is clear%s",
			       hw_nested(nested, sizeof(nested)));
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) || !(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return hw_fail(c, -EPERM,
			       "VT-x disabled by firmware (IA32_FEATURE_CONTROL %#llx: not locked "
			       "with VMX outside SMX): enable VT-x in the BIOS/UEFI setup",
			       feat);
	if (__read_cr4() & X86_CR4_VMXE)
		return hw_fail(c, -EBUSY,
			       "VT-x is in use on CPU %d (CR4.VMXE set): another hypervisor "
			       "holds it; release it: stop its VMs and `rmmod kvm_intel` (Linux "
			       ">= 6.12 holds it from load unless kvm.enable_virt_at_load=0)",
			       raw_smp_processor_id());
	return 0;
}

/* "VMfail" as a bool: CF or ZF set after a VMX instruction. */
static bool vmwrite(unsigned long field, u64 val)
{
	bool fail;

	asm volatile("vmwrite %2, %1; setbe %0" : "=qm"(fail) : "r"(field), "rm"(val) : "cc");
	return !fail;
}

static u64 vmread(unsigned long field)
{
	u64 val;

	asm volatile("vmread %1, %0" : "=rm"(val) : "r"(field) : "cc");
	return val;
}

enum vmx_op { VMXON, VMCLEAR, VMPTRLD };

static bool vmx_insn(enum vmx_op op, u64 pa)
{
	bool fail;

	if (op == VMXON)
		asm volatile("vmxon %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	else if (op == VMCLEAR)
		asm volatile("vmclear %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	else
		asm volatile("vmptrld %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

/* Control word: the wanted bits plus those the CPU requires; 0 if one is missing. */
static u32 vmx_ctl(u32 msr, u32 true_msr, u32 want, u32 *out)
{
	u64 basic, cap;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	rdmsrl(basic & BASIC_TRUE_CTLS ? true_msr : msr, cap);
	*out = (want | (u32)cap) & (u32)(cap >> 32);
	return (*out & want) == want;
}

static u64 tr_base(const struct desc_ptr *gdt, u16 tr)
{
	const u8 *d = (const u8 *)gdt->address + (tr & ~7);

	return (u64)(d[2] | d[3] << 8 | d[4] << 16 | (u32)d[7] << 24) | (u64) * (const u32 *)(d + 8)
									    << 32;
}

/* Host state loaded at every VM exit: the state this CPU has now. */
static bool vmx_host_state(struct hw_cpu *c, struct desc_ptr *gdt, struct desc_ptr *idt, u16 tr)
{
	u64 msr[3];
	bool ok = true;

	rdmsrl(MSR_IA32_SYSENTER_CS, msr[0]);
	rdmsrl(MSR_IA32_SYSENTER_ESP, msr[1]);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr[2]);
	ok &= vmwrite(HOST_CR0, read_cr0()) && vmwrite(HOST_CR3, __read_cr3());
	ok &= vmwrite(HOST_CR4, __read_cr4());
	ok &= vmwrite(HOST_CS_SELECTOR, __KERNEL_CS) && vmwrite(HOST_SS_SELECTOR, __KERNEL_DS);
	/* RPL must be 0: DS/ES become null, reloaded by vmx_off */
	ok &= vmwrite(HOST_DS_SELECTOR, 0) && vmwrite(HOST_ES_SELECTOR, 0);
	ok &= vmwrite(HOST_FS_SELECTOR, c->fs_sel) && vmwrite(HOST_GS_SELECTOR, c->gs_sel);
	ok &= vmwrite(HOST_TR_SELECTOR, tr) && vmwrite(HOST_TR_BASE, tr_base(gdt, tr));
	ok &= vmwrite(HOST_FS_BASE, c->fs_base) && vmwrite(HOST_GS_BASE, c->gs_base);
	ok &= vmwrite(HOST_GDTR_BASE, gdt->address) && vmwrite(HOST_IDTR_BASE, idt->address);
	ok &= vmwrite(HOST_IA32_SYSENTER_CS, msr[0]) && vmwrite(HOST_IA32_SYSENTER_ESP, msr[1]);
	ok &= vmwrite(HOST_IA32_SYSENTER_EIP, msr[2]);
	ok &= vmwrite(HOST_RIP, (u64)hw_vmx_exit);
	return ok;
}

static bool vmx_seg(unsigned long sel_field, u16 sel, u32 ar, u32 limit, u64 base)
{
	/* selector, limit, AR, base fields of one segment are 2 apart in each group */
	unsigned long i = (sel_field - GUEST_ES_SELECTOR);

	return vmwrite(sel_field, sel) && vmwrite(GUEST_ES_LIMIT + i, limit) &&
	       vmwrite(GUEST_ES_AR_BYTES + i, ar) && vmwrite(GUEST_ES_BASE + i, base);
}

/* The guest: the host's control registers, flat segments, no IDT. */
static bool vmx_guest_state(struct hw_cpu *c, struct desc_ptr *gdt, u16 tr)
{
	bool ok = true;

	ok &= vmx_seg(GUEST_CS_SELECTOR, __KERNEL_CS, 0xa09b, 0xffffffff, 0); /* P S code, L, G */
	ok &= vmx_seg(GUEST_SS_SELECTOR, __KERNEL_DS, 0xc093, 0xffffffff, 0); /* P S data, D/B, G */
	ok &= vmx_seg(GUEST_DS_SELECTOR, __KERNEL_DS, 0xc093, 0xffffffff, 0);
	ok &= vmx_seg(GUEST_ES_SELECTOR, __KERNEL_DS, 0xc093, 0xffffffff, 0);
	ok &= vmx_seg(GUEST_FS_SELECTOR, 0, AR_UNUSABLE, 0, 0);
	ok &= vmx_seg(GUEST_GS_SELECTOR, 0, AR_UNUSABLE, 0, 0);
	ok &= vmx_seg(GUEST_LDTR_SELECTOR, 0, AR_UNUSABLE, 0, 0);
	ok &= vmx_seg(GUEST_TR_SELECTOR, tr, 0x8b, 0x67, tr_base(gdt, tr)); /* busy 64-bit TSS */
	ok &= vmwrite(GUEST_GDTR_BASE, gdt->address) && vmwrite(GUEST_GDTR_LIMIT, gdt->size);
	ok &= vmwrite(GUEST_IDTR_BASE, 0) && vmwrite(GUEST_IDTR_LIMIT, 0);
	ok &= vmwrite(GUEST_CR0, read_cr0()) && vmwrite(GUEST_CR3, __read_cr3());
	ok &= vmwrite(GUEST_CR4, __read_cr4()) && vmwrite(GUEST_DR7, 0x400);
	ok &= vmwrite(GUEST_RFLAGS, X86_EFLAGS_FIXED); /* IF clear: interrupts wait */
	ok &= vmwrite(GUEST_RIP, c->guest_rip) && vmwrite(GUEST_RSP, c->guest_rsp);
	ok &= vmwrite(GUEST_IA32_DEBUGCTL, 0) && vmwrite(VMCS_LINK_POINTER, ~0ULL);
	ok &= vmwrite(GUEST_SYSENTER_CS, 0) && vmwrite(GUEST_SYSENTER_ESP, 0);
	ok &= vmwrite(GUEST_SYSENTER_EIP, 0) && vmwrite(GUEST_ACTIVITY_STATE, 0);
	ok &= vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0) && vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	return ok;
}

static int vmx_controls(struct hw_cpu *c)
{
	u32 pin, cpu, exit, entry;
	bool ok = true;

	if (!vmx_ctl(MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS,
		     PIN_BASED_NMI_EXITING, &pin) ||
	    !vmx_ctl(MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
		     CPU_BASED_UNCOND_IO_EXITING, &cpu) ||
	    !vmx_ctl(MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS,
		     VM_EXIT_HOST_ADDR_SPACE_SIZE, &exit) ||
	    !vmx_ctl(MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS, VM_ENTRY_IA32E_MODE,
		     &entry))
		return hw_fail(c, -ENODEV,
			       "VT-x lacks a needed control (NMI exiting, unconditional I/O "
			       "exiting, 64-bit host or IA-32e guest)");
	ok &= vmwrite(PIN_BASED_VM_EXEC_CONTROL, pin) && vmwrite(CPU_BASED_VM_EXEC_CONTROL, cpu);
	ok &= vmwrite(VM_EXIT_CONTROLS, exit) && vmwrite(VM_ENTRY_CONTROLS, entry);
	ok &= vmwrite(EXCEPTION_BITMAP, 0xffffffff) && vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
	ok &= vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0) && vmwrite(CR3_TARGET_COUNT, 0);
	ok &= vmwrite(VM_EXIT_MSR_STORE_COUNT, 0) && vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
	ok &= vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0) && vmwrite(VM_ENTRY_INTR_INFO_FIELD, 0);
	ok &= vmwrite(CR0_GUEST_HOST_MASK, 0) && vmwrite(CR4_GUEST_HOST_MASK, 0);
	ok &= vmwrite(TSC_OFFSET, 0);
	return ok ? 0 : hw_fail(c, -EIO, "VMWRITE of a control field failed");
}

static bool cr_fixed(u64 cr, u32 msr0, u32 msr1)
{
	u64 fixed0, fixed1;

	rdmsrl(msr0, fixed0);
	rdmsrl(msr1, fixed1);
	return (cr & fixed0) == fixed0 && (cr & ~fixed1) == 0;
}

static int vmx_vmcs(struct hw_cpu *c)
{
	struct desc_ptr gdt, idt;
	u16 tr;
	int err;

	native_store_gdt(&gdt);
	store_idt(&idt);
	tr = native_store_tr();
	if (!vmx_insn(VMCLEAR, virt_to_phys(c->vmcs)) || !vmx_insn(VMPTRLD, virt_to_phys(c->vmcs)))
		return hw_fail(c, -EIO, "VMCLEAR/VMPTRLD of the VMCS failed");
	err = vmx_controls(c);
	if (err)
		return err;
	if (!vmx_host_state(c, &gdt, &idt, tr) || !vmx_guest_state(c, &gdt, tr))
		return hw_fail(c, -EIO, "VMWRITE of a host or guest state field failed");
	c->launched = false;
	c->host_rsp = 0;
	return 0;
}

int vmx_on(struct hw_cpu *c, enum hw_exit exit)
{
	static const u32 reason[HW_NEXITS] = {0, EXIT_REASON_CPUID, EXIT_REASON_VMCALL,
					      EXIT_REASON_IO_INSTRUCTION};
	u64 basic;
	int err;

	c->expected_exit = reason[exit];
	c->on = false;
	if (exit == HW_EXIT_NULL)
		return 0;
	c->guest_rip = exit == HW_EXIT_CPUID	   ? (u64)hw_guest_cpuid
		       : exit == HW_EXIT_HYPERCALL ? (u64)hw_guest_vmcall
						   : (u64)hw_guest_out;
	c->next_rip = c->guest_rip + (exit == HW_EXIT_HYPERCALL ? 3 : 2);
	savesegment(ds, c->ds_sel);
	savesegment(es, c->es_sel);
	savesegment(fs, c->fs_sel);
	savesegment(gs, c->gs_sel);
	if ((c->fs_sel | c->gs_sel) & 7)
		return hw_fail(c, -EINVAL,
			       "the calling task has non-null FS/GS selectors "
			       "(a 32-bit task?): run exitbench as a 64-bit program");
	rdmsrl(MSR_FS_BASE, c->fs_base);
	rdmsrl(MSR_GS_BASE, c->gs_base);
	native_store_gdt((struct desc_ptr *)&c->gdt);
	store_idt((struct desc_ptr *)&c->idt);
	c->cr4 = __read_cr4();
	if (!cr_fixed(read_cr0(), MSR_IA32_VMX_CR0_FIXED0, MSR_IA32_VMX_CR0_FIXED1) ||
	    !cr_fixed(c->cr4 | X86_CR4_VMXE, MSR_IA32_VMX_CR4_FIXED0, MSR_IA32_VMX_CR4_FIXED1))
		return hw_fail(c, -EINVAL, "CR0/CR4 do not meet VMX's fixed bits");
	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	*(u32 *)c->vmxon = (u32)basic & 0x7fffffff; /* revision identifier */
	*(u32 *)c->vmcs = (u32)basic & 0x7fffffff;
	cr4_set_bits_irqsoff(X86_CR4_VMXE);
	if (!vmx_insn(VMXON, virt_to_phys(c->vmxon))) {
		cr4_clear_bits_irqsoff(X86_CR4_VMXE);
		return hw_fail(c, -EBUSY,
			       "VMXON failed on CPU %d: another hypervisor may hold VT-x "
			       "(`rmmod kvm_intel`)",
			       raw_smp_processor_id());
	}
	c->on = true;
	err = vmx_vmcs(c);
	return err; /* on error the caller still calls vmx_off */
}

static const char *const vm_insn_error[] = {
    [1] = "VMCALL in VMX root",
    [2] = "VMCLEAR invalid address",
    [3] = "VMCLEAR with VMXON pointer",
    [4] = "VMLAUNCH non-clear VMCS",
    [5] = "VMRESUME non-launched VMCS",
    [6] = "VMRESUME after VMXOFF",
    [7] = "entry with invalid control field(s)",
    [8] = "entry with invalid host-state field(s)",
    [9] = "VMPTRLD invalid address",
    [10] = "VMPTRLD with VMXON pointer",
    [11] = "VMPTRLD incorrect revision",
    [12] = "VMREAD/VMWRITE unsupported field",
    [13] = "VMWRITE read-only field",
    [15] = "VMXON in VMX root",
    [16] = "entry with invalid executive-VMCS pointer",
    [26] = "entry with events blocked by MOV SS",
};

static int vmx_exit_error(struct hw_cpu *c)
{
	u32 reason = c->exit_code, basic = reason & 0xffff;
	u32 info = (u32)vmread(VM_EXIT_INTR_INFO);

	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
		return hw_fail(c, -EINVAL,
			       "VM entry failed: exit reason %u (%s), qualification %#llx", basic,
			       basic == 33   ? "invalid guest state"
			       : basic == 34 ? "MSR loading"
					     : "machine check",
			       vmread(EXIT_QUALIFICATION));
	if (basic == EXIT_REASON_EXCEPTION_NMI && (info & 0xff) == X86_TRAP_MC)
		asm volatile("int $0x12"); /* hand the machine check to the host */
	return hw_fail(c, -EIO,
		       "unexpected VM exit reason %u (expected %u) at guest RIP %#llx, "
		       "interruption info %#x",
		       basic, c->expected_exit, vmread(GUEST_RIP), info);
}

int vmx_run(struct hw_cpu *c, u64 *ticks)
{
	u64 t0, t1;
	int fail;

	if (ticks) {
		t0 = hw_tsc_begin();
		fail = hw_vmx_enter(c->launched, &c->host_rsp);
		t1 = hw_tsc_end();
		*ticks = t1 - t0;
	} else {
		fail = hw_vmx_enter(c->launched, &c->host_rsp);
	}
	if (fail) {
		u32 e = (u32)vmread(VM_INSTRUCTION_ERROR);

		return hw_fail(c, -EINVAL, "%s failed: VM-instruction error %u (%s)",
			       c->launched ? "VMRESUME" : "VMLAUNCH", e,
			       e < ARRAY_SIZE(vm_insn_error) && vm_insn_error[e] ? vm_insn_error[e]
										 : "see the SDM");
	}
	c->launched = true;
	c->exit_code = (u32)vmread(VM_EXIT_REASON);
	if (c->exit_code == c->expected_exit)
		return 0;
	if (c->exit_code == EXIT_REASON_EXCEPTION_NMI &&
	    (vmread(VM_EXIT_INTR_INFO) & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR) {
		asm volatile("int $2"); /* the NMI exited; hand it to the host */
		return -EINTR;
	}
	return vmx_exit_error(c);
}

void vmx_next(struct hw_cpu *c)
{
	vmwrite(GUEST_RIP, c->next_rip);
}

void vmx_off(struct hw_cpu *c)
{
	if (!c->on)
		return;
	vmx_insn(VMCLEAR, virt_to_phys(c->vmcs));
	asm volatile("vmxoff" ::: "cc", "memory");
	cr4_clear_bits_irqsoff(X86_CR4_VMXE);
	c->on = false;
	/* VM exit left GDTR/IDTR limits at 0xffff, TR's limit at 0x67, DS/ES null */
	native_load_gdt((struct desc_ptr *)&c->gdt);
	native_load_idt((struct desc_ptr *)&c->idt);
	invalidate_tss_limit();
	if (c->ds_sel)
		loadsegment(ds, c->ds_sel);
	if (c->es_sel)
		loadsegment(es, c->es_sel);
}
