/* SPDX-License-Identifier: MIT */
/* The exit-class table (see classes.h and docs/classes.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/run/classes.h"
#include "bench/run/runner.h"
#include "guests/protocol.h"

#define FAULT_SLOT	 1
#define FAULT_MAX_PAGES	 2048 /* 8 MiB region; rounds repeat over it */
#define MSR_MISC_ENABLE	 0x1a0
#define X2APIC_ICR	 (X2APIC_MSR_BASE + 0x30) /* ipi's target: the ICR write */
#define KVM_HC_MAP_GPA	 12 /* KVM_HC_MAP_GPA_RANGE, the hypercall KVM can forward */
#define UNKNOWN_HC	 0x7fff0000ULL
#define PAUSES_PER_ITER	 128 /* backends without a pause-loop window */
#define PAUSE_MIN_CYCLES 10
#define PAUSE_MAX_BURST	 (1ULL << 20)

/* ---- what the host must provide ---- */

/* First line of /sys/module/<mod>/parameters/<p>, or "" */
static void module_param(const char *mod, const char *p, char *buf, size_t len)
{
	char path[256];
	FILE *f;

	buf[0] = 0;
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, p);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static const char *need_irqchip(const struct backend *b, struct kvm_sys *kvm)
{
	(void)b;
	return kvm_cap(kvm->fd, KVM_CAP_IRQCHIP) > 0 ? NULL : "KVM_CAP_IRQCHIP";
}

static const char *need_ioeventfd(const struct backend *b, struct kvm_sys *kvm)
{
	(void)b;
	return kvm_cap(kvm->fd, KVM_CAP_IOEVENTFD) > 0 ? NULL : "KVM_CAP_IOEVENTFD";
}

static const char *need_exit_hypercall(const struct backend *b, struct kvm_sys *kvm)
{
	(void)b;
	return kvm_cap(kvm->fd, KVM_CAP_EXIT_HYPERCALL) & (1 << KVM_HC_MAP_GPA)
		   ? NULL
		   : "KVM_CAP_EXIT_HYPERCALL (KVM_HC_MAP_GPA_RANGE)";
}

static const char *need_msr_filter(const struct backend *b, struct kvm_sys *kvm)
{
	(void)b;
	return kvm_msr_to_user_missing(kvm);
}

static const char *need_pmu(const struct backend *b, struct kvm_sys *kvm)
{
	char v[16];

	(void)b;
	(void)kvm;
	module_param("kvm", "enable_pmu", v, sizeof(v));
	return v[0] == 'N' ? "vPMU disabled (kvm.enable_pmu=N)" : NULL;
}

static uint64_t pause_burst(const struct backend *b);

static const char *need_ple(const struct backend *b, struct kvm_sys *kvm)
{
	char v[16];

	(void)kvm;
	if (b->kind == BACKEND_VMX) {
		module_param("kvm_intel", "ple_gap", v, sizeof(v));
		if (strcmp(v, "0") == 0)
			return "pause-loop exiting off (kvm_intel.ple_gap=0)";
	}
	if (b->kind == BACKEND_SVM) {
		module_param("kvm_amd", "pause_filter_count", v, sizeof(v));
		if (strcmp(v, "0") == 0)
			return "pause filter off (kvm_amd.pause_filter_count=0)";
	}
	if (pause_burst(b) > PAUSE_MAX_BURST)
		return b->kind == BACKEND_VMX
			   ? "the PLE window grows to kvm_intel.ple_window_max cycles: no burst "
			     "outlasts it (set kvm_intel.ple_window_grow=0 or a smaller "
			     "ple_window_max)"
			   : "the pause filter grows past 2^20 pauses "
			     "(kvm_amd.pause_filter_count_max)";
	return NULL;
}

static bool param_is_yes(const char *mod, const char *p)
{
	char v[16];

	module_param(mod, p, v, sizeof(v));
	return v[0] == 'Y' || v[0] == '1';
}

/*
 * ipi, vCPU 0's window: the ICR write (MSR_WRITE / MSR) and, when the pong
 * arrives while vCPU 0 runs, the kick that delivers it (EXTERNAL_INTERRUPT
 * / INTR, counted in irq_exits): 2 exits, 1 when the pong is already
 * pending at re-entry; emulated AMD (QEMU TCG) measured 2.09, the excess
 * host interrupts of its millisecond-long iterations.  With APICv the pong
 * is a posted interrupt (no exit); with IPI virtualization
 * (kvm_intel.enable_ipiv) or AVIC the ICR write need not exit either: no
 * exits check there.
 */
static void ipi_checks(const struct backend *b, struct class_check *ck)
{
	if ((b->kind == BACKEND_VMX && param_is_yes("kvm_intel", "enable_apicv") &&
	     param_is_yes("kvm_intel", "enable_ipiv")) ||
	    (b->kind == BACKEND_SVM && param_is_yes("kvm_amd", "avic")))
		ck[0] = (struct class_check){"exits", 0, true, 0};
}

/*
 * hlt_kernel's window: the self-IPI is pending while interrupts are off, so
 * KVM opens an interrupt window on entry.  AMD-V takes it as a VINTR exit
 * before the HLT exit (measured on emulated AMD: irq_window_exits 1.0,
 * halt_exits 1.0); on VT-x the HLT in the sti shadow exits first and KVM
 * injects, the interrupt-window exit may or may not come: 1..2.
 */
static void hlt_kernel_checks(const struct backend *b, struct class_check *ck)
{
	if (b->kind == BACKEND_SVM) {
		ck[0] = (struct class_check){"exits", 2};
		ck[3] = (struct class_check){"irq_window_exits", 1};
	} else if (b->kind == BACKEND_VMX) {
		ck[0] = (struct class_check){"exits", 1, true, 2};
	}
}

/* ---- host-side setup hooks ---- */

static int add_ioeventfd(struct class_run *cr, uint64_t addr, uint32_t flags, const char *what)
{
	cr->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (cr->efd < 0)
		return eb_fail_errno("eventfd for %s", what);
	return vm_ioeventfd(&cr->vm, addr, 4, flags, cr->efd);
}

/* An ioeventfd on the class's target: KVM completes the access. */
static int setup_pio_kernel(struct class_run *cr)
{
	return add_ioeventfd(cr, cr->cls->target.addr, KVM_IOEVENTFD_FLAG_PIO, "port");
}

static int setup_mmio_kernel(struct class_run *cr)
{
	return add_ioeventfd(cr, cr->cls->target.addr, 0, "MMIO address");
}

static int create_irqchip(struct class_run *cr)
{
	return vm_create_irqchip(&cr->vm);
}

/* The fault region: its own anonymous mapping (4 KiB pages only, so one
 * touch is one stage-2 fault) in its own memory slot. */
static int fault_region(struct class_run *cr, uint32_t slot_flags)
{
	uint64_t pages = cr->p->samples < FAULT_MAX_PAGES ? cr->p->samples : FAULT_MAX_PAGES;

	cr->region_size = pages * 4096;
	cr->region = mmap(NULL, cr->region_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (cr->region == MAP_FAILED) {
		cr->region = NULL;
		return eb_fail_errno("mmap %zu-byte fault region", cr->region_size);
	}
	if (madvise(cr->region, cr->region_size, MADV_NOHUGEPAGE) && errno != EINVAL)
		return eb_fail_errno("madvise(MADV_NOHUGEPAGE) on the fault region");
	cr->args[0] = FAULT_REGION_GPA;
	cr->args[1] = pages; /* the rows' min_warmup: one round populates the host pages */
	return vm_memslot_set(&cr->vm, FAULT_SLOT, FAULT_REGION_GPA, cr->region_size, cr->region,
			      slot_flags);
}

static int setup_fault(struct class_run *cr)
{
	return fault_region(cr, 0);
}

static int setup_fault_dirty(struct class_run *cr)
{
	cr->dirty_bitmap = calloc(FAULT_MAX_PAGES / 8, 1);
	if (!cr->dirty_bitmap)
		return eb_fail_errno("allocate the dirty bitmap");
	return fault_region(cr, KVM_MEM_LOG_DIRTY_PAGES);
}

/* Re-creating the slot zaps its EPT/NPT entries; the host pages stay. */
static int rezap_slot(struct class_run *cr)
{
	return vm_memslot_recreate(&cr->vm, FAULT_SLOT);
}

/* Dropping the host pages: the MMU notifier zaps the stage-2 entries too,
 * so the next touch faults in KVM and in the host's mm. */
static int rezap_dontneed(struct class_run *cr)
{
	if (madvise(cr->region, cr->region_size, MADV_DONTNEED))
		return eb_fail_errno("madvise(MADV_DONTNEED) on the fault region");
	return 0;
}

/* KVM_GET_DIRTY_LOG write-protects the pages it reports: the next write to
 * each is a write-protection fault. */
static int rezap_dirty_log(struct class_run *cr)
{
	return vm_get_dirty_log(&cr->vm, FAULT_SLOT, cr->dirty_bitmap);
}

static int setup_vmcall(struct class_run *cr)
{
	cr->args[0] = strcmp(backend_hypercall_insn(cr->backend), "vmmcall") == 0;
	cr->args[1] = UNKNOWN_HC;
	return 0;
}

static int enable_exit_hypercall(struct class_run *cr)
{
	return vm_enable_cap(&cr->vm, KVM_CAP_EXIT_HYPERCALL, 1ULL << KVM_HC_MAP_GPA);
}

/* KVM_HC_MAP_GPA_RANGE(gpa, npages, attrs): KVM checks the arguments, then
 * forwards it to us. */
static int setup_vmcall_user(struct class_run *cr)
{
	setup_vmcall(cr);
	cr->args[1] = cr->cls->target.addr; /* KVM_HC_MAP_GPA */
	cr->args[2] = SAMPLES_GPA;
	cr->args[3] = 1;
	cr->args[4] = 1ULL << 4; /* KVM_MAP_GPA_RANGE_ENCRYPTED, 4 KiB pages */
	return 0;
}

/* MISC_ENABLE reads are denied by a filter, so KVM sends them to us. */
static int setup_msr_user(struct class_run *cr)
{
	return vm_msr_to_user(&cr->vm, (uint32_t)cr->cls->target.addr, KVM_MSR_FILTER_READ);
}

/* A module parameter as a number, or dflt when it is missing. */
static uint64_t param_u64(const char *mod, const char *p, uint64_t dflt)
{
	char v[32], *end;
	unsigned long long x;

	module_param(mod, p, v, sizeof(v));
	x = strtoull(v, &end, 10);
	return v[0] && *end == 0 ? (uint64_t)x : dflt;
}

/*
 * The pause-loop window a burst must outlast: KVM grows it after every
 * pause exit (by *_grow, up to *_max) and shrinks it only when the vCPU
 * thread is scheduled in again, so a run reaches the maximum.  AMD's
 * filter counts pause instructions; Intel's window counts cycles.
 */
static uint64_t ple_limit(const struct backend *b)
{
	if (b->kind == BACKEND_SVM)
		return param_u64("kvm_amd", "pause_filter_count_grow", 2) >= 1
			   ? param_u64("kvm_amd", "pause_filter_count_max", 65535)
			   : param_u64("kvm_amd", "pause_filter_count", 3000);
	if (b->kind == BACKEND_VMX)
		return param_u64("kvm_intel", "ple_window_grow", 2) >= 1
			   ? param_u64("kvm_intel", "ple_window_max", UINT32_MAX)
			   : param_u64("kvm_intel", "ple_window", 4096);
	return 0;
}

/* Intel: a pause takes >= PAUSE_MIN_CYCLES (about 10 before Skylake, 140
 * after), so limit / PAUSE_MIN_CYCLES pauses outlast the window. */
static uint64_t pause_burst(const struct backend *b)
{
	uint64_t lim = ple_limit(b);

	if (b->kind == BACKEND_VMX)
		lim /= PAUSE_MIN_CYCLES;
	return lim ? lim + 1 : PAUSES_PER_ITER;
}

static int setup_pause(struct class_run *cr)
{
	cr->args[0] = pause_burst(cr->backend);
	return 0;
}

/* ---- the table ---- */

#define EXITS(n)                                                                                   \
	{                                                                                          \
		"exits", n                                                                         \
	}
#define VMM(n)                                                                                     \
	{                                                                                          \
		"vmm_exits", n                                                                     \
	}

const struct exit_class exit_classes[] = {
    {.name = "null",
     .what = "the timed loop with no exiting instruction (timing overhead)",
     .handled_in = HANDLED_NONE,
     .op = OP_NULL,
     .baseline = true,
     .checks = {EXITS(0)},
     .vmx = "none",
     .svm = "none"},
    {.name = "cpuid",
     .what = "cpuid leaf 0",
     .handled_in = HANDLED_KVM,
     .op = OP_CPUID,
     .perf_probe = true,
     .checks = {EXITS(1)},
     .vmx = "CPUID (10)",
     .svm = "CPUID (0x72)"},
    {.name = "pio_user",
     .what = "32-bit out to a port no device claims (KVM_EXIT_IO)",
     .handled_in = HANDLED_VMM,
     .op = OP_PIO_OUT,
     .target = {TARGET_PIO, PIO_USER_PORT},
     .checks = {EXITS(1), VMM(1)},
     .vmx = "IO_INSTRUCTION (30)",
     .svm = "IOIO (0x7b)"},
    {.name = "pio_kernel",
     .what = "32-bit out to a port registered with KVM_IOEVENTFD",
     .handled_in = HANDLED_KVM,
     .op = OP_PIO_OUT,
     .target = {TARGET_PIO, PIO_KERNEL_OUT},
     .checks = {EXITS(1), VMM(0)},
     .setup = setup_pio_kernel,
     .unsupported = need_ioeventfd,
     .vmx = "IO_INSTRUCTION (30)",
     .svm = "IOIO (0x7b)"},
    {.name = "pio_kernel_in",
     .what = "inb from the in-kernel PIC's ELCR port 0x4d0",
     .handled_in = HANDLED_KVM,
     .op = OP_PIO_IN,
     .target = {TARGET_PIO, PIO_KERNEL_IN},
     .checks = {EXITS(1), VMM(0)},
     .vm_setup = create_irqchip,
     .unsupported = need_irqchip,
     .vmx = "IO_INSTRUCTION (30)",
     .svm = "IOIO (0x7b)"},
    {.name = "mmio_user",
     .what = "32-bit store to an unbacked guest-physical page (KVM_EXIT_MMIO)",
     .handled_in = HANDLED_VMM,
     .op = OP_MMIO_WRITE,
     .target = {TARGET_MMIO, MMIO_GPA},
     .checks = {EXITS(1), {"mmio_exits", 1}, VMM(1)},
     .vmx = "EPT_MISCONFIG (49)",
     .svm = "NPF (0x400)"},
    {.name = "mmio_kernel",
     .what = "32-bit store to an address registered with KVM_IOEVENTFD",
     .handled_in = HANDLED_KVM,
     .op = OP_MMIO_WRITE,
     .target = {TARGET_MMIO, MMIO_EVENTFD_GPA},
     .checks = {EXITS(1), VMM(0)},
     .setup = setup_mmio_kernel,
     .unsupported = need_ioeventfd,
     .vmx = "EPT_MISCONFIG (49)",
     .svm = "NPF (0x400)"},
    {.name = "hlt_user",
     .what = "hlt without an in-kernel irqchip (KVM_EXIT_HLT)",
     .handled_in = HANDLED_VMM,
     .op = OP_HLT,
     .target = {TARGET_HLT},
     .checks = {EXITS(1), {"halt_exits", 1}, VMM(1)},
     .cpl0_only = true,
     .vmx = "HLT (12)",
     .svm = "HLT (0x78)"},
    {.name = "hlt_kernel",
     .what = "sti;hlt with a self-IPI pending (sent untimed) and the in-kernel x2APIC: KVM "
	     "injects and resumes",
     .handled_in = HANDLED_KVM,
     .op = OP_HLT_IPI,
     .target = {TARGET_HLT},
     .checks = {EXITS(1), {"halt_exits", 1}, VMM(0)},
     .cpl0_only = true,
     .aux_name = "wakeup",
     .vm_setup = create_irqchip,
     .unsupported = need_irqchip,
     .checks_for = hlt_kernel_checks,
     .vmx = "HLT (12), maybe INTERRUPT_WINDOW (7) first; the EOI and self-IPI MSR_WRITEs are "
	    "untimed",
     .svm = "VINTR (0x64) + HLT (0x78); the EOI and self-IPI MSR writes are untimed"},
    {.name = "ept_fault",
     .what = "first touch of a page whose host page exists but whose EPT/NPT entry "
	     "does not (slot re-created between rounds)",
     .handled_in = HANDLED_KVM,
     .op = OP_FAULT_TOUCH,
     .min_warmup = FAULT_MAX_PAGES,
     .checks = {EXITS(1), {"pf_taken", 1}},
     .setup = setup_fault,
     .rezap = rezap_slot,
     .vmx = "EPT_VIOLATION (48)",
     .svm = "NPF (0x400)"},
    {.name = "ept_fault_populate",
     .what = "first touch where the host page is gone too (MADV_DONTNEED between rounds)",
     .handled_in = HANDLED_KVM,
     .op = OP_FAULT_TOUCH,
     .min_warmup = FAULT_MAX_PAGES,
     .checks = {EXITS(1), {"pf_taken", 1}},
     .setup = setup_fault,
     .rezap = rezap_dontneed,
     .vmx = "EPT_VIOLATION (48)",
     .svm = "NPF (0x400)"},
    {.name = "ept_wp",
     .what = "write to a page write-protected by dirty logging (KVM_GET_DIRTY_LOG "
	     "between rounds)",
     .handled_in = HANDLED_KVM,
     .op = OP_FAULT_TOUCH,
     .min_warmup = FAULT_MAX_PAGES,
     .checks = {EXITS(1), {"pf_taken", 1}},
     .setup = setup_fault_dirty,
     .rezap = rezap_dirty_log,
     .vmx = "EPT_VIOLATION (48)",
     .svm = "NPF (0x400)"},
    {.name = "vmcall",
     .what = "vmcall (Intel) / vmmcall (AMD), unknown hypercall number",
     .handled_in = HANDLED_KVM,
     .op = OP_HYPERCALL,
     .checks = {EXITS(1), {"hypercalls", 1}},
     .setup = setup_vmcall,
     .vmx = "VMCALL (18)",
     .svm = "VMMCALL (0x81)"},
    {.name = "vmcall_user",
     .what = "KVM_HC_MAP_GPA_RANGE hypercall forwarded to our VMM (KVM_CAP_EXIT_HYPERCALL)",
     .handled_in = HANDLED_VMM,
     .op = OP_HYPERCALL,
     .target = {TARGET_HYPERCALL, KVM_HC_MAP_GPA},
     .checks = {EXITS(1), {"hypercalls", 1}, VMM(1)},
     .cpl0_only = true,
     .vm_setup = enable_exit_hypercall,
     .setup = setup_vmcall_user,
     .unsupported = need_exit_hypercall,
     .vmx = "VMCALL (18)",
     .svm = "VMMCALL (0x81)"},
    {.name = "msr_kernel",
     .what = "rdmsr IA32_MISC_ENABLE (0x1a0), emulated by KVM",
     .handled_in = HANDLED_KVM,
     .op = OP_RDMSR,
     .target = {TARGET_MSR, MSR_MISC_ENABLE},
     .checks = {EXITS(1), VMM(0)},
     .cpl0_only = true,
     .vmx = "MSR_READ (31)",
     .svm = "MSR (0x7c)"},
    {.name = "msr_user",
     .what = "rdmsr 0x1a0 denied by KVM_X86_SET_MSR_FILTER: KVM_EXIT_X86_RDMSR to our VMM",
     .handled_in = HANDLED_VMM,
     .op = OP_RDMSR,
     .target = {TARGET_MSR, MSR_MISC_ENABLE},
     .checks = {EXITS(1), VMM(1)},
     .cpl0_only = true,
     .setup = setup_msr_user,
     .unsupported = need_msr_filter,
     .vmx = "MSR_READ (31)",
     .svm = "MSR (0x7c)"},
    {.name = "xsetbv",
     .what = "xsetbv XCR0 with its current value",
     .handled_in = HANDLED_KVM,
     .op = OP_XSETBV,
     .checks = {EXITS(1)},
     .cpl0_only = true,
     .vmx = "XSETBV (55)",
     .svm = "XSETBV (0x8d)"},
    {.name = "rdpmc",
     .what = "rdpmc of general-purpose counter 0",
     .handled_in = HANDLED_KVM,
     .op = OP_RDPMC,
     .checks = {EXITS(1)},
     .cpl0_only = true,
     .unsupported = need_pmu,
     .vmx = "RDPMC (15)",
     .svm = "RDPMC (0x6f)"},
    {.name = "cr8_write",
     .what = "mov to CR8 (TPR) of its current value, no in-kernel APIC",
     .handled_in = HANDLED_KVM,
     .op = OP_CR8_WRITE,
     .checks = {EXITS(1)},
     .cpl0_only = true,
     .vmx = "CR_ACCESS (28)",
     .svm = "CR8_WRITE (0x18)"},
    {.name = "rdtsc",
     .what = "rdtsc: normally no exit at all (TSC offsetting)",
     .handled_in = HANDLED_NONE,
     .op = OP_RDTSC,
     .checks = {EXITS(0)},
     .vmx = "none (RDTSC 16 if "
	    "intercepted)",
     .svm = "none (RDTSC 0x6e if intercepted)"},
    {.name = "pause",
     .what = "a burst of pauses that outlasts the largest pause-loop window KVM grows to "
	     "(docs/method.md)",
     .handled_in = HANDLED_KVM,
     .op = OP_PAUSE,
     .checks = {{"exits", 1, true}},
     .setup = setup_pause,
     .unsupported = need_ple,
     .vmx = "PAUSE_INSTRUCTION (40)",
     .svm = "PAUSE (0x77)"},
    {.name = "exception",
     .what = "ud2: #UD intercepted by KVM, reflected to the guest",
     .handled_in = HANDLED_KVM,
     .op = OP_UD2,
     .checks = {EXITS(1)},
     .vmx = "EXCEPTION_NMI (0) #UD",
     .svm = "EXCP_UD (0x46)"},
    {.name = "ipi",
     .what = "x2APIC IPI to vCPU 1, which answers with an IPI: the round trip",
     .handled_in = HANDLED_KVM,
     .op = OP_IPI,
     .target = {TARGET_MSR, X2APIC_ICR},
     .checks = {{"exits", 1, true}, VMM(0)},
     .cpl0_only = true,
     .two_vcpus = true,
     .vm_setup = create_irqchip,
     .unsupported = need_irqchip,
     .checks_for = ipi_checks,
     .vmx = "MSR_WRITE (32) + EXTERNAL_INTERRUPT (1) for the pong; with APICv MSR_WRITE only, "
	    "with IPI virtualization none",
     .svm = "MSR (0x7c) + INTR (0x60) for the pong; with AVIC none or AVIC_INCOMPLETE_IPI"},
    {.name = "test_triple_fault",
     .what = "test only: lidt with limit 0, then ud2 (shutdown)",
     .handled_in = HANDLED_NONE,
     .op = OP_TRIPLE_FAULT,
     .hidden = true},
    {.name = "test_hang",
     .what = "test only: spins forever after the preflight (watchdog)",
     .handled_in = HANDLED_NONE,
     .op = OP_HANG,
     .hidden = true},
    {.name = "test_hang_now",
     .what = "test only: spins forever at once (preflight watchdog)",
     .handled_in = HANDLED_NONE,
     .op = OP_HANG_NOW,
     .hidden = true},
};

const unsigned int exit_class_count = sizeof(exit_classes) / sizeof(exit_classes[0]);

const char *handled_in_name(enum handled_in h)
{
	return h == HANDLED_KVM ? "KVM" : h == HANDLED_VMM ? "VMM" : "-";
}

static const struct exit_class *class_with(bool role_of(const struct exit_class *c))
{
	for (unsigned int i = 0; i < exit_class_count; i++)
		if (role_of(&exit_classes[i]))
			return &exit_classes[i];
	return NULL;
}

static bool is_baseline(const struct exit_class *c)
{
	return c->baseline;
}

static bool is_perf_probe(const struct exit_class *c)
{
	return c->perf_probe;
}

const struct exit_class *class_baseline(void)
{
	return class_with(is_baseline);
}

const struct exit_class *class_perf_probe(void)
{
	return class_with(is_perf_probe);
}

const struct exit_class *class_find(const char *name)
{
	for (unsigned int i = 0; i < exit_class_count; i++)
		if (strcmp(exit_classes[i].name, name) == 0)
			return &exit_classes[i];
	return NULL;
}
