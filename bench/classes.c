/* SPDX-License-Identifier: MIT */
/* The exit-class table (see classes.h and docs/classes.md). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "bench/classes.h"
#include "bench/runner.h"
#include "guests/protocol.h"

#define FAULT_SLOT	     1
#define FAULT_MAX_PAGES	     2048 /* 8 MiB region; rounds repeat over it */

static int setup_pio_user(struct class_run *cr)
{
	cr->args[0] = PIO_USER_PORT;
	return 0;
}

static int setup_mmio_user(struct class_run *cr)
{
	cr->args[0] = MMIO_GPA;
	return 0;
}

/* The fault region: its own anonymous mapping (4 KiB pages only, so one
 * touch is one stage-2 fault) in its own memory slot. */
static int setup_fault_region(struct class_run *cr)
{
	uint64_t pages = cr->p->samples < FAULT_MAX_PAGES ? cr->p->samples : FAULT_MAX_PAGES;

	cr->region_size = pages * 4096;
	cr->region = mmap(NULL, cr->region_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (cr->region == MAP_FAILED) {
		cr->region = NULL;
		return mvm_fail_errno("mmap %zu-byte fault region", cr->region_size);
	}
	if (madvise(cr->region, cr->region_size, MADV_NOHUGEPAGE) && errno != EINVAL)
		return mvm_fail_errno("madvise(MADV_NOHUGEPAGE) on the fault region");
	cr->args[0] = FAULT_REGION_GPA;
	cr->args[1] = pages;
	/* One full round of warm-up populates the host pages. */
	if (cr->res->warmup < pages)
		cr->res->warmup = pages;
	return vm_memslot_set(&cr->vm, FAULT_SLOT, FAULT_REGION_GPA, cr->region_size, cr->region,
			      0);
}

/* Re-creating the slot zaps its EPT/NPT entries; the host pages stay. */
static int rezap_slot(struct class_run *cr)
{
	return vm_memslot_recreate(&cr->vm, FAULT_SLOT);
}

const struct exit_class exit_classes[] = {
	{
		.name = "null",
		.what = "the timed loop with no exiting instruction (timing overhead)",
		.handled_in = "-",
		.op = OP_NULL,
		.checks = {{"exits", 0}},
	},
	{
		.name = "cpuid",
		.what = "cpuid leaf 0",
		.handled_in = "KVM",
		.op = OP_CPUID,
		.checks = {{"exits", 1}},
	},
	{
		.name = "pio_user",
		.what = "32-bit out to a port no device claims (KVM_EXIT_IO)",
		.handled_in = "VMM",
		.op = OP_PIO_OUT,
		.checks = {{"exits", 1}, {"vmm_exits", 1}},
		.setup = setup_pio_user,
	},
	{
		.name = "mmio_user",
		.what = "32-bit store to an unbacked guest-physical page (KVM_EXIT_MMIO)",
		.handled_in = "VMM",
		.op = OP_MMIO_WRITE,
		.checks = {{"exits", 1}, {"mmio_exits", 1}, {"vmm_exits", 1}},
		.setup = setup_mmio_user,
	},
	{
		.name = "hlt_user",
		.what = "hlt without an in-kernel irqchip (KVM_EXIT_HLT)",
		.handled_in = "VMM",
		.op = OP_HLT,
		.checks = {{"exits", 1}, {"halt_exits", 1}, {"vmm_exits", 1}},
	},
	{
		.name = "ept_fault",
		.what = "first touch of a page whose host page exists but whose EPT/NPT entry "
			"does not (slot re-created between rounds)",
		.handled_in = "KVM",
		.op = OP_FAULT_TOUCH,
		.checks = {{"exits", 1}, {"pf_taken", 1}},
		.setup = setup_fault_region,
		.rezap = rezap_slot,
	},
	{
		.name = "test_triple_fault",
		.what = "test only: lidt with limit 0, then ud2 (shutdown)",
		.handled_in = "-",
		.op = OP_TRIPLE_FAULT,
		.hidden = true,
	},
	{
		.name = "test_hang",
		.what = "test only: spins forever (watchdog)",
		.handled_in = "-",
		.op = OP_HANG,
		.hidden = true,
	},
};

const unsigned int exit_class_count = sizeof(exit_classes) / sizeof(exit_classes[0]);

const struct exit_class *class_find(const char *name)
{
	for (unsigned int i = 0; i < exit_class_count; i++)
		if (strcmp(exit_classes[i].name, name) == 0)
			return &exit_classes[i];
	return NULL;
}
