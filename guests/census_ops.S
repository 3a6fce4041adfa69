/* SPDX-License-Identifier: MIT */
/*
 * exitbench census: the guest code of each row (guests/census_protocol.h).
 * Each row is census_<name> ... census_<name>_end, called with rdi = the
 * observation buffer (two u64).  It may clobber every register but rsp and
 * rbp.  r11 holds the stack pointer at entry: when an instruction of the
 * row faults, the guest's handler (census_trap) resumes at census_<name>_end,
 * which restores rsp from r11 and returns.  The row's measured instruction
 * is the one the row is named for; the others only set it up or store what
 * it returned.
 */
#define SEL_CODE3 0x2b
#define SEL_DATA0 0x10
#define SEL_DATA3 0x23
#define SEL_TSS	  0x30

.macro ROW name
	.text
	.globl census_\name
	.globl census_\name\()_end
census_\name:
	mov %rsp, %r11
.endm

.macro END name
census_\name\()_end:
	mov %r11, %rsp
	ret
.endm

/* A second name for a row's code (the UMIP rows run the same code). */
.macro ALIAS name, to
	.globl census_\name
	.globl census_\name\()_end
	.set census_\name, census_\to
	.set census_\name\()_end, census_\to\()_end
.endm

ROW null
END null

/* ---- the evil 17 (their 64-bit forms) ---- */
ROW pushf
	pushfq
	pop %rax
	mov %rax, (%rdi)
END pushf

/* popf of the flags with IF set; obs: RFLAGS before, after; then back. */
ROW popf
	pushfq
	pop %rax
	mov %rax, (%rdi)
	mov %rax, %rdx
	or $0x200, %rdx
	push %rdx
	popfq
	pushfq
	pop %rdx
	mov %rdx, 8(%rdi)
	push %rax
	popfq
END popf

/* iretq to the next instruction, same privilege. */
ROW iret
	mov %ss, %eax
	push %rax
	push %r11
	pushfq
	mov %cs, %eax
	push %rax
	lea 1f(%rip), %rax
	push %rax
	iretq
1:
END iret

ROW lar
	mov $SEL_CODE3, %ecx
	xor %eax, %eax
	lar %ecx, %eax
	setz %dl
	mov %rax, (%rdi)
	movzbl %dl, %edx
	mov %rdx, 8(%rdi)
END lar

ROW verr
	mov $SEL_DATA3, %ecx
	verr %cx
	setz %dl
	movzbl %dl, %edx
	mov %rdx, (%rdi)
END verr

ROW verw
	mov $SEL_DATA3, %ecx
	verw %cx
	setz %dl
	movzbl %dl, %edx
	mov %rdx, (%rdi)
END verw

ROW lsl
	mov $SEL_DATA3, %ecx
	xor %eax, %eax
	lsl %ecx, %eax
	setz %dl
	mov %rax, (%rdi)
	movzbl %dl, %edx
	mov %rdx, 8(%rdi)
END lsl

ROW push_fs
	push %fs
	pop %rax
	mov %rax, (%rdi)
END push_fs

ROW pop_fs
	mov %fs, %eax
	push %rax
	pop %fs
END pop_fs

/* push %ds: not encodable in 64-bit mode (opcode 0x1e). */
ROW push_ds
	.byte 0x1e
END push_ds

ROW mov_from_cs
	mov %cs, %eax
	mov %rax, (%rdi)
END mov_from_cs

ROW mov_to_ds
	mov %ds, %eax
	mov %eax, %ds
END mov_to_ds

/* Load the ring-0 data selector into DS, then put DS back. */
ROW mov_to_ds_kernel
	mov %ds, %edx
	mov $SEL_DATA0, %eax
	mov %eax, %ds
	mov %edx, %ds
END mov_to_ds_kernel

ROW sgdt
	sgdt (%rdi)
END sgdt

ROW sidt
	sidt (%rdi)
END sidt

ROW sldt
	sldt %eax
	mov %rax, (%rdi)
END sldt

ROW smsw
	smsw %rax
	mov %rax, (%rdi)
END smsw

ROW str
	str %eax
	mov %rax, (%rdi)
END str

/* Far call through a m16:32 pointer (same CS) to a far return. */
ROW call_far
	lcall *census_farptr_call(%rip)
END call_far
	.globl census_far_target
census_far_target:
	lretl

ROW jmp_far
	ljmp *census_farptr_jmp(%rip)
	.globl census_jmp_target
census_jmp_target:
END jmp_far

ROW ret_far
	mov %cs, %eax
	push %rax
	lea 1f(%rip), %rax
	push %rax
	lretq
1:
END ret_far

ROW int_n
	int $0x80
END int_n

ROW cli
	cli
END cli

/* ---- the classic privileged and sensitive instructions ---- */
ROW cpuid
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	mov %rcx, (%rdi)
END cpuid

ROW rdtsc
	rdtsc
END rdtsc

ROW rdtscp
	rdtscp
	mov %rcx, (%rdi)
END rdtscp

ROW rdpmc
	xor %ecx, %ecx
	rdpmc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, (%rdi)
END rdpmc

.macro RDMSR_ROW name, msr
ROW \name
	mov $\msr, %ecx
	rdmsr
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, (%rdi)
END \name
.endm

RDMSR_ROW rdmsr_efer, 0xc0000080
RDMSR_ROW rdmsr_fs_base, 0xc0000100
RDMSR_ROW rdmsr_absent, 0x4b564e00

/* EFER with the value it has (read at CPL0 during setup). */
ROW wrmsr_efer
	mov $0xc0000080, %ecx
	mov census_efer(%rip), %eax
	mov census_efer+4(%rip), %edx
	wrmsr
END wrmsr_efer

ROW wrmsr_fs_base
	mov $0xc0000100, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
END wrmsr_fs_base

/* Port 0xe4 (PIO_USER_PORT): no device claims it, KVM_EXIT_IO. */
ROW in
	mov $0xe4, %edx
	inb %dx, %al
END in

ROW out
	mov $0xe4, %edx
	xor %eax, %eax
	outb %al, %dx
END out

ROW hlt
	hlt
END hlt

ROW invd
	invd
END invd

ROW wbinvd
	wbinvd
END wbinvd

ROW xsetbv
	xor %ecx, %ecx
	mov census_xcr0(%rip), %eax
	mov census_xcr0+4(%rip), %edx
	xsetbv
END xsetbv

/* Control and debug registers: reads store the value, writes put back
 * the value read at CPL0 during setup. */
.macro CR_ROWS reg
ROW mov_from_\reg
	mov %\reg, %rax
	mov %rax, (%rdi)
END mov_from_\reg
ROW mov_to_\reg
	mov census_\reg(%rip), %rax
	mov %rax, %\reg
END mov_to_\reg
.endm

CR_ROWS cr0
CR_ROWS cr3
CR_ROWS cr4
CR_ROWS cr8
CR_ROWS dr7

ROW lgdt
	lgdt census_gdtr(%rip)
END lgdt

ROW lidt
	lidt census_idtr(%rip)
END lidt

ROW lldt
	xor %eax, %eax
	lldt %ax
END lldt

/* The TSS descriptor's busy bit is cleared before each ltr (untimed). */
ROW ltr
	mov $SEL_TSS, %eax
	ltr %ax
END ltr

ROW clts
	clts
END clts

ROW invlpg
	invlpg (%rdi)
END invlpg

ROW monitor
	lea census_mon(%rip), %rax
	xor %ecx, %ecx
	xor %edx, %edx
	monitor
END monitor

/* The monitor is armed and triggered before (untimed): mwait returns. */
ROW mwait
	xor %eax, %eax
	xor %ecx, %ecx
	mwait
END mwait

ROW pause
	pause
END pause

.macro HCALL_ROW name
ROW \name
	mov $0x7ead, %eax
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	\name
	mov %rax, (%rdi)
END \name
.endm

HCALL_ROW vmcall
HCALL_ROW vmmcall

/* ---- UMIP: the same code with CR4.UMIP set ---- */
ALIAS sgdt_umip, sgdt
ALIAS sidt_umip, sidt
ALIAS sldt_umip, sldt
ALIAS smsw_umip, smsw
ALIAS str_umip, str

/* void census_enter_ring3(void (*fn)(void), u64 rsp): iretq to fn at CPL3
 * with IOPL 0 and IF 0 (a user program's flags: in, out, cli, sti and
 * popf's IF are then the kernel's), data segments DPL 3. */
	.text
	.globl census_enter_ring3
census_enter_ring3:
	mov $SEL_DATA3, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	pushq $SEL_DATA3
	pushq %rsi
	pushq $0x2
	pushq $SEL_CODE3
	pushq %rdi
	iretq

	.section .note.GNU-stack, "", @progbits
