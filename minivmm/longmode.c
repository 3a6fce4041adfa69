/* SPDX-License-Identifier: MIT */
/*
 * 64-bit long mode, set up from the host: identity page tables, GDT, TSS,
 * IDT in guest RAM, and the segment/control registers of a vCPU.  The
 * guest-physical layout is fixed in guests/abi.h.
 */
#include <errno.h>
#include <string.h>

#include "guests/abi.h"
#include "minivmm/minivmm.h"

#define PTE_P	       (1ULL << 0)
#define PTE_RW	       (1ULL << 1)
#define PTE_US	       (1ULL << 2)
#define PTE_PS	       (1ULL << 7)
#define CR0_PE	       (1ULL << 0)
#define CR0_MP	       (1ULL << 1)
#define CR0_ET	       (1ULL << 4)
#define CR0_NE	       (1ULL << 5)
#define CR0_WP	       (1ULL << 16)
#define CR0_PG	       (1ULL << 31)
#define CR4_PAE	       (1ULL << 5)
#define CR4_OSFXSR     (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define EFER_SCE       (1ULL << 0)
#define EFER_LME       (1ULL << 8)
#define EFER_LMA       (1ULL << 10)

#define TSS_SIZE 104

/* GDT entries, in the order of the SEL_* selectors. */
static const uint64_t gdt_flat[] = {
    0,			   /* null */
    0x00af9a000000ffffULL, /* 0x08 code, ring 0, 64-bit */
    0x00cf92000000ffffULL, /* 0x10 data, ring 0 */
    0,			   /* 0x18 unused (sysret's 32-bit code slot) */
    0x00cff2000000ffffULL, /* 0x20 data, ring 3 */
    0x00affa000000ffffULL, /* 0x28 code, ring 3, 64-bit */
};

static void write_page_tables(uint64_t *pml4, uint64_t *pdpt, uint64_t *pd)
{
	const uint64_t flags = PTE_P | PTE_RW | PTE_US;

	pml4[0] = PDPT_GPA | flags;
	for (int i = 0; i < 4; i++)
		pdpt[i] = (PD_GPA + (uint64_t)i * 4096) | flags;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | flags | PTE_PS;
}

static void write_gdt_tss(uint64_t *gdt, uint8_t *tss)
{
	uint64_t base = TSS_GPA, limit = TSS_SIZE - 1;

	memcpy(gdt, gdt_flat, sizeof(gdt_flat));
	/* 64-bit available TSS: a 16-byte system descriptor at SEL_TSS. */
	gdt[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
			   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[SEL_TSS / 8 + 1] = base >> 32;
	memset(tss, 0, TSS_SIZE);
	memcpy(tss + 4, &(uint64_t){STACK0_TOP_GPA}, 8); /* rsp0 */
	memcpy(tss + 102, &(uint16_t){TSS_SIZE}, 2);	 /* no I/O bitmap */
}

/* Interrupt gates for all 256 vectors; #BP and #OF may be raised from ring 3. */
static void write_idt(uint64_t *idt, uint64_t vectors, uint64_t stride)
{
	memset(idt, 0, 4096);
	for (uint64_t v = 0; v < 256; v++) {
		uint64_t off = vectors + v * stride;
		uint64_t dpl = (v == 3 || v == 4) ? 3 : 0;

		idt[2 * v] = (off & 0xffff) | ((uint64_t)SEL_CODE0 << 16) |
			     ((0x8eULL | dpl << 5) << 40) | (((off >> 16) & 0xffff) << 48);
		idt[2 * v + 1] = off >> 32;
	}
}

int vm_setup_longmode(struct vm *vm, uint64_t vectors, uint64_t stride)
{
	uint64_t *pml4 = vm_gpa_to_hva(vm, PML4_GPA, 4096);
	uint64_t *pdpt = vm_gpa_to_hva(vm, PDPT_GPA, 4096);
	uint64_t *pd = vm_gpa_to_hva(vm, PD_GPA, 4 * 4096);
	uint64_t *gdt = vm_gpa_to_hva(vm, GDT_GPA, 4096);
	uint64_t *idt = vm_gpa_to_hva(vm, IDT_GPA, 4096);
	uint8_t *tss = vm_gpa_to_hva(vm, TSS_GPA, 4096);

	if (!pml4 || !pdpt || !pd || !gdt || !idt || !tss) {
		errno = EFAULT;
		return eb_fail("set up long mode: guest RAM (%zu bytes) does not hold the "
			       "system tables",
			       vm->ram_size);
	}
	write_page_tables(pml4, pdpt, pd);
	write_gdt_tss(gdt, tss);
	write_idt(idt, vectors, stride);
	return 0;
}

static struct kvm_segment seg(uint16_t sel, uint8_t type, bool code)
{
	return (struct kvm_segment){
	    .base = 0,
	    .limit = 0xffffffff,
	    .selector = sel,
	    .type = type,
	    .present = 1,
	    .dpl = sel & 3,
	    .db = code ? 0 : 1,
	    .s = 1,
	    .l = code ? 1 : 0,
	    .g = 1,
	};
}

static void set_longmode_sregs(struct kvm_sregs *s)
{
	s->cs = seg(SEL_CODE0, 0xb, true);
	s->ds = s->es = s->fs = s->gs = s->ss = seg(SEL_DATA0, 0x3, false);
	s->tr = (struct kvm_segment){
	    .base = TSS_GPA, .limit = TSS_SIZE - 1, .selector = SEL_TSS, .type = 0xb, .present = 1};
	s->ldt = (struct kvm_segment){.selector = 0, .type = 0x2, .present = 1, .unusable = 1};
	s->gdt.base = GDT_GPA;
	s->gdt.limit = 0xfff;
	s->idt.base = IDT_GPA;
	s->idt.limit = 256 * 16 - 1;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s->cr3 = PML4_GPA;
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s->efer = EFER_SCE | EFER_LME | EFER_LMA;
}

int vcpu_enter_longmode(struct vcpu *v, uint64_t rip, uint64_t rsp, uint64_t arg)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {.rip = rip, .rsp = rsp, .rdi = arg, .rflags = 0x2};

	if (vcpu_get_sregs(v, &sregs))
		return -1;
	set_longmode_sregs(&sregs);
	if (vcpu_ioctl(v, KVM_SET_SREGS, &sregs, " (long mode)"))
		return -1;
	return vcpu_set_regs(v, &regs);
}
