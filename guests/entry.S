/* SPDX-License-Identifier: MIT */
/* Guest image header, 64-bit entry, exception stubs, ring-3 switch. */
#define VEC_STRIDE 16

	.section .text.head, "ax"
	.code64
	.globl _start
header:
	.quad 0x5453455547425845	/* GUEST_HEADER_MAGIC */
	.quad _start
	.quad vectors
	.quad VEC_STRIDE
	.quad __image_end
	.quad _ap_start

/* The host enters here in long mode: rsp = ring-0 stack, rdi = mailbox. */
_start:
	cld
	call guest_main
1:	hlt
	jmp 1b

/* vCPU 1 (ipi class) enters here, rsp = its own stack. */
_ap_start:
	cld
	call ap_main
3:	hlt
	jmp 3b

/* 256 stubs, VEC_STRIDE bytes each: push an error code where the CPU does
 * not, push the vector, go to the common path. */
	.balign VEC_STRIDE
vectors:
	.set vec, 0
	.rept 256
	.balign VEC_STRIDE
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	pushq $vec
	.else
	pushq $0
	pushq $vec
	.endif
	jmp trap_common
	.set vec, vec + 1
	.endr

/* Saves the general registers, calls guest_trap(frame) (which returns only
 * when the guest may resume: an expected exception or an interrupt), then
 * returns with iretq.  frame: r15..rax, vector, error code, rip, cs, ... */
trap_common:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	mov %rsp, %rbx
	and $-16, %rsp
	call guest_trap
	mov %rbx, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp
	iretq

/* void enter_ring3(void (*fn)(void), u64 rsp3): iretq to fn at CPL3 with
 * IOPL 3 (port I/O allowed), interrupts off. */
	.text
	.globl enter_ring3
enter_ring3:
	pushq $0x23		/* SEL_DATA3: ss */
	pushq %rsi		/* rsp */
	pushq $0x3002		/* rflags: IOPL=3, IF=0 */
	pushq $0x2b		/* SEL_CODE3: cs */
	pushq %rdi		/* rip */
	mov $0x23, %ax
	mov %ax, %ds
	mov %ax, %es
	iretq
