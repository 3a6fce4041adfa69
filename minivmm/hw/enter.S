/* SPDX-License-Identifier: MIT */
/*
 * The only assembly of the monitor: one entry stub per backend, built the
 * same way so that their timings compare, and the guests.
 *
 * Each stub saves the callee-saved registers, enters the guest, and returns
 * once the guest has exited.  The guest runs with the host's registers and
 * never writes one (every instruction it executes either exits before it
 * takes effect or is a jmp), but the stubs do not rely on it.
 */
#include <linux/linkage.h>
#include <asm/unwind_hints.h>

.macro SAVE_REGS
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro RESTORE_REGS
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
.endm

	.text

/* void hw_null_enter(void): the same call, saves and restores, no guest. */
SYM_FUNC_START(hw_null_enter)
	SAVE_REGS
	RESTORE_REGS
	RET
SYM_FUNC_END(hw_null_enter)

/*
 * void hw_svm_enter(u64 vmcb_pa): VMRUN with RAX = the VMCB's physical
 * address.  VMRUN saves the host's RSP, RIP, RAX (and control state) in the
 * host save area; #VMEXIT reloads them, so execution resumes after vmrun.
 * The exit code is in the VMCB.  GIF stays clear between runs (the caller
 * brackets a batch with clgi/stgi).
 */
SYM_FUNC_START(hw_svm_enter)
	SAVE_REGS
	mov %rdi, %rax
	vmrun %rax
	RESTORE_REGS
	RET
SYM_FUNC_END(hw_svm_enter)

/*
 * int hw_vmx_enter(int launched, u64 *host_rsp): VMLAUNCH (launched == 0)
 * or VMRESUME.  The VMCS's HOST_RIP is hw_vmx_exit, the instruction after
 * both; HOST_RSP is this stub's RSP, rewritten (vmwrite) only when it
 * changes, which *host_rsp caches.  Returns 0 after a VM exit (VM exit
 * loads RFLAGS = 2: CF = ZF = 0), 1 when the instruction failed (CF or ZF
 * set: VMfailInvalid / VMfailValid).
 */
SYM_FUNC_START(hw_vmx_enter)
	SAVE_REGS
	cmp %rsp, (%rsi)
	je 1f
	mov %rsp, (%rsi)
	mov $0x6c14, %rax		/* HOST_RSP */
	vmwrite %rsp, %rax
	jbe 3f
1:	test %edi, %edi
	jnz 2f
	vmlaunch
	jmp hw_vmx_exit
2:	vmresume
SYM_INNER_LABEL(hw_vmx_exit, SYM_L_GLOBAL)
	setbe %al
	movzbl %al, %eax
	RESTORE_REGS
	RET
3:	mov $1, %eax
	RESTORE_REGS
	RET
SYM_FUNC_END(hw_vmx_enter)

/*
 * The guests: flat 64-bit code at CPL 0 on the host's own page tables
 * (no nested paging), in the module's text.  Each executes its exiting
 * instruction in a loop; the host advances RIP past it (the length below)
 * and re-enters, so the guest's next instruction is the jmp back.
 */
	.section .text.hw_guest, "ax"
	.align 64
SYM_CODE_START(hw_guest_cpuid)
	UNWIND_HINT_EMPTY		/* objtool: an entry point (VMRUN/VMLAUNCH's guest RIP) */
	cpuid				/* 2 bytes */
	jmp hw_guest_cpuid
SYM_CODE_END(hw_guest_cpuid)

SYM_CODE_START(hw_guest_vmmcall)
	UNWIND_HINT_EMPTY		/* objtool: an entry point (VMRUN/VMLAUNCH's guest RIP) */
	vmmcall				/* 3 bytes */
	jmp hw_guest_vmmcall
SYM_CODE_END(hw_guest_vmmcall)

SYM_CODE_START(hw_guest_vmcall)
	UNWIND_HINT_EMPTY		/* objtool: an entry point (VMRUN/VMLAUNCH's guest RIP) */
	vmcall				/* 3 bytes */
	jmp hw_guest_vmcall
SYM_CODE_END(hw_guest_vmcall)

SYM_CODE_START(hw_guest_out)
	UNWIND_HINT_EMPTY		/* objtool: an entry point (VMRUN/VMLAUNCH's guest RIP) */
	out %al, $0x80			/* 2 bytes */
	jmp hw_guest_out
SYM_CODE_END(hw_guest_out)
