/* SPDX-License-Identifier: MIT */
/*
 * The census rows, like kvm-unit-tests' x86/vmexit.c: one instruction per
 * row.  `sensitive` is the lecture's sense (observes or changes privileged
 * state); `resource` marks instructions that act on the machine itself
 * (caches, I/O, halting, MSRs, XCR0): resource control needs the VMM to see
 * or own them.  Hints are what KVM usually does on VT-x / AMD-V at CPL0 and
 * CPL3 (default module parameters, no in-kernel irqchip): the census
 * reports where a host differs, it does not enforce them.  The other
 * vendor's hypercall instruction raises #UD, which KVM intercepts and
 * emulates; its emulator refuses it at CPL3 (#GP), where the native one
 * exits and returns -KVM_EPERM.  On AMD-V, KVM intercepts #UD itself
 * (to patch hypercalls), so every #UD there is an exit first: kvm+#UD.
 */
#include <string.h>

#include "bench/census/census.h"

#define H(v0, v3, s0, s3)                                                                          \
	{                                                                                          \
		{v0, v3},                                                                          \
		{                                                                                  \
			s0, s3                                                                     \
		}                                                                                  \
	}
#define PRIV_KVM  H("kvm", "#GP", "kvm", "#GP")
#define PRIV_NONE H("none", "#GP", "none", "#GP")
#define PRIV_VMM  H("vmm", "#GP", "vmm", "#GP")
#define NONE	  H("none", "none", "none", "none")
#define R(n)	  #n, CR_##n

const struct census_rowdef census_rows[] = {
    {R(null), CG_BASE, "(nothing)", "the empty row: the timing overhead", false, false, OBS_NONE,
     NONE},
    /* the evil 17, in their 64-bit forms */
    {R(pushf), CG_EVIL17, "pushfq", "push RFLAGS (IF, IOPL visible)", true, false, OBS_RFLAGS,
     NONE},
    {R(popf), CG_EVIL17, "popfq", "pop RFLAGS with IF set (then back)", true, false, OBS_POPF,
     NONE},
    {R(iret), CG_EVIL17, "iretq", "iretq to the next instruction, same privilege", true, false,
     OBS_NONE, NONE},
    {R(lar), CG_EVIL17, "lar r32, r32", "access rights of the ring-3 code descriptor", true, false,
     OBS_LAR, NONE},
    {R(verr), CG_EVIL17, "verr r16", "is the ring-3 data segment readable", true, false, OBS_ZF,
     NONE},
    {R(verw), CG_EVIL17, "verw r16", "is the ring-3 data segment writable", true, false, OBS_ZF,
     NONE},
    {R(lsl), CG_EVIL17, "lsl r32, r32", "limit of the ring-3 data segment", true, false, OBS_LSL,
     NONE},
    {R(push_fs), CG_EVIL17, "push %fs", "push a segment register", true, false, OBS_FS, NONE},
    {R(pop_fs), CG_EVIL17, "pop %fs", "pop a segment register (its own selector)", true, false,
     OBS_NONE, NONE},
    {R(push_ds), CG_EVIL17, "push %ds (0x1e)", "push %ds: invalid in 64-bit mode", true, false,
     OBS_NONE, H("#UD", "#UD", "kvm+#UD", "kvm+#UD")},
    {R(mov_from_cs), CG_EVIL17, "mov %cs, r32", "read CS: its RPL is the CPL", true, false, OBS_CS,
     NONE},
    {R(mov_to_ds), CG_EVIL17, "mov r32, %ds", "load DS with its own selector", true, false,
     OBS_NONE, NONE},
    {R(mov_to_ds_kernel), CG_EVIL17, "mov r32, %ds", "load DS with the ring-0 data selector", true,
     false, OBS_NONE, PRIV_NONE},
    {R(sgdt), CG_EVIL17, "sgdt m", "store GDTR", true, false, OBS_GDTR, NONE},
    {R(sidt), CG_EVIL17, "sidt m", "store IDTR", true, false, OBS_IDTR, NONE},
    {R(sldt), CG_EVIL17, "sldt r32", "store LDTR", true, false, OBS_LDTR, NONE},
    {R(smsw), CG_EVIL17, "smsw r64", "store the machine status word (CR0)", true, false, OBS_MSW,
     NONE},
    {R(str), CG_EVIL17, "str r32", "store TR", true, false, OBS_TR, NONE},
    {R(call_far), CG_EVIL17, "lcall *m16:32", "far call (same CS) to a far return", true, false,
     OBS_NONE, NONE},
    {R(jmp_far), CG_EVIL17, "ljmp *m16:32", "far jump (same CS) to the next instruction", true,
     false, OBS_NONE, NONE},
    {R(ret_far), CG_EVIL17, "lretq", "far return (same CS) to the next instruction", true, false,
     OBS_NONE, NONE},
    {R(int_n), CG_EVIL17, "int $0x80", "software interrupt through a DPL-3 gate of the guest", true,
     false, OBS_INT, NONE},
    {R(cli), CG_EVIL17, "cli", "clear IF (IOPL 0 at CPL3)", true, false, OBS_NONE, PRIV_NONE},
    /* the classic privileged and sensitive ones */
    {R(cpuid), CG_CLASSIC, "cpuid", "CPUID leaf 1", true, false, OBS_CPUID,
     H("kvm", "kvm", "kvm", "kvm")},
    {R(rdtsc), CG_CLASSIC, "rdtsc", "read the TSC (CR4.TSD clear)", true, false, OBS_NONE, NONE},
    {R(rdtscp), CG_CLASSIC, "rdtscp", "read the TSC and TSC_AUX", true, false, OBS_TSC_AUX, NONE},
    {R(rdpmc), CG_CLASSIC, "rdpmc", "read performance counter 0 (CR4.PCE clear)", true, true,
     OBS_VALUE, PRIV_KVM},
    {R(rdmsr_efer), CG_CLASSIC, "rdmsr", "read EFER", true, false, OBS_VALUE, PRIV_KVM},
    {R(rdmsr_fs_base), CG_CLASSIC, "rdmsr", "read FS_BASE", true, false, OBS_VALUE, PRIV_NONE},
    {R(rdmsr_absent), CG_CLASSIC, "rdmsr", "read an MSR no CPU has (0x4b564e00)", true, false,
     OBS_VALUE, H("kvm+#GP", "#GP", "kvm+#GP", "#GP")},
    {R(wrmsr_efer), CG_CLASSIC, "wrmsr", "write EFER with its value", true, true, OBS_NONE,
     PRIV_KVM},
    {R(wrmsr_fs_base), CG_CLASSIC, "wrmsr", "write FS_BASE (0)", true, false, OBS_NONE, PRIV_NONE},
    {R(in), CG_CLASSIC, "inb %dx, %al", "port 0xe4, no device", true, true, OBS_NONE, PRIV_VMM},
    {R(out), CG_CLASSIC, "outb %al, %dx", "port 0xe4, no device", true, true, OBS_NONE, PRIV_VMM},
    {R(hlt), CG_CLASSIC, "hlt", "halt (no in-kernel irqchip: KVM_EXIT_HLT)", true, true, OBS_NONE,
     PRIV_VMM},
    {R(invd), CG_CLASSIC, "invd", "invalidate caches without writeback", true, true, OBS_NONE,
     PRIV_KVM},
    {R(wbinvd), CG_CLASSIC, "wbinvd", "write back and invalidate caches", true, true, OBS_NONE,
     PRIV_KVM},
    {R(xsetbv), CG_CLASSIC, "xsetbv", "write XCR0 with its value", true, true, OBS_NONE, PRIV_KVM},
    {R(mov_from_cr0), CG_CLASSIC, "mov %cr0, r64", "read CR0", true, false, OBS_VALUE, PRIV_NONE},
    {R(mov_to_cr0), CG_CLASSIC, "mov r64, %cr0", "write CR0 with its value", true, false, OBS_NONE,
     PRIV_NONE},
    {R(mov_from_cr3), CG_CLASSIC, "mov %cr3, r64", "read CR3", true, false, OBS_VALUE, PRIV_NONE},
    {R(mov_to_cr3), CG_CLASSIC, "mov r64, %cr3", "write CR3 with its value (TLB flush)", true,
     false, OBS_NONE, PRIV_NONE},
    {R(mov_from_cr4), CG_CLASSIC, "mov %cr4, r64", "read CR4", true, false, OBS_VALUE,
     H("none", "#GP", "kvm", "#GP")},
    {R(mov_to_cr4), CG_CLASSIC, "mov r64, %cr4", "write CR4 with its value", true, false, OBS_NONE,
     H("none", "#GP", "kvm", "#GP")},
    {R(mov_from_cr8), CG_CLASSIC, "mov %cr8, r64", "read CR8 (TPR)", true, false, OBS_VALUE,
     H("kvm", "#GP", "none", "#GP")},
    {R(mov_to_cr8), CG_CLASSIC, "mov r64, %cr8", "write CR8 (TPR) with its value", true, false,
     OBS_NONE, PRIV_KVM},
    {R(mov_from_dr7), CG_CLASSIC, "mov %dr7, r64", "read DR7", true, false, OBS_VALUE, PRIV_NONE},
    {R(mov_to_dr7), CG_CLASSIC, "mov r64, %dr7", "write DR7 with its value", true, false, OBS_NONE,
     PRIV_NONE},
    {R(lgdt), CG_CLASSIC, "lgdt m", "load GDTR with its value", true, false, OBS_NONE, PRIV_NONE},
    {R(lidt), CG_CLASSIC, "lidt m", "load IDTR with its value", true, false, OBS_NONE, PRIV_NONE},
    {R(lldt), CG_CLASSIC, "lldt r16", "load LDTR with the null selector", true, false, OBS_NONE,
     PRIV_NONE},
    {R(ltr), CG_CLASSIC, "ltr r16", "load TR (busy bit cleared first, untimed)", true, false,
     OBS_NONE, PRIV_NONE},
    {R(clts), CG_CLASSIC, "clts", "clear CR0.TS", true, false, OBS_NONE, PRIV_NONE},
    {R(invlpg), CG_CLASSIC, "invlpg m", "invalidate one TLB entry", true, false, OBS_NONE,
     PRIV_NONE},
    {R(monitor), CG_CLASSIC, "monitor", "arm address monitoring", true, true, OBS_NONE,
     H("kvm", "#UD", "kvm", "kvm+#UD")},
    {R(mwait), CG_CLASSIC, "mwait", "wait (monitor armed and triggered first, untimed)", true, true,
     OBS_NONE, H("kvm", "#UD", "kvm", "kvm+#UD")},
    {R(pause), CG_CLASSIC, "pause", "spin-loop hint (one, not a loop)", false, false, OBS_NONE,
     NONE},
    {R(vmcall), CG_CLASSIC, "vmcall", "hypercall, Intel's (nr 0x7ead: none)", true, true, OBS_HCALL,
     H("kvm", "kvm", "kvm", "kvm+#GP")},
    {R(vmmcall), CG_CLASSIC, "vmmcall", "hypercall, AMD's (nr 0x7ead: none)", true, true, OBS_HCALL,
     H("kvm", "kvm+#GP", "kvm", "kvm")},
    /* the later answer: UMIP */
    {R(sgdt_umip), CG_UMIP, "sgdt m", "store GDTR, CR4.UMIP set", true, false, OBS_GDTR, PRIV_NONE},
    {R(sidt_umip), CG_UMIP, "sidt m", "store IDTR, CR4.UMIP set", true, false, OBS_IDTR, PRIV_NONE},
    {R(sldt_umip), CG_UMIP, "sldt r32", "store LDTR, CR4.UMIP set", true, false, OBS_LDTR,
     PRIV_NONE},
    {R(smsw_umip), CG_UMIP, "smsw r64", "store CR0's low bits, CR4.UMIP set", true, false, OBS_MSW,
     PRIV_NONE},
    {R(str_umip), CG_UMIP, "str r32", "store TR, CR4.UMIP set", true, false, OBS_TR, PRIV_NONE},
};
const unsigned int census_row_count = sizeof(census_rows) / sizeof(census_rows[0]);

const struct census_rowdef *census_find_row(const char *name)
{
	for (unsigned int i = 0; i < census_row_count; i++)
		if (strcmp(census_rows[i].name, name) == 0)
			return &census_rows[i];
	return NULL;
}

const char *census_group_name(enum census_group g)
{
	switch (g) {
	case CG_EVIL17:
		return "evil17";
	case CG_CLASSIC:
		return "classic";
	case CG_UMIP:
		return "umip";
	default:
		return "base";
	}
}
