/* SPDX-License-Identifier: MIT */
/*
 * minivmm: a minimal VMM on the KVM API.  One VM, memory slots, up to two
 * vCPUs started directly in 64-bit long mode, a guest loader, KVM binary
 * statistics, capability and backend detection.
 *
 * Errors: every function that can fail returns -1 (or NULL) and leaves a
 * message naming the operation, the object and strerror(errno) in
 * eb_error(); errno is preserved.  Nothing here exits the process.
 */
#ifndef EXITBENCH_MINIVMM_H
#define EXITBENCH_MINIVMM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/error.h"
#include "lib/kvm_names.h"

/* ---- ioctls, in two tiers (ioctl.c) ----
 *
 * Raw: kvm_ioctl_raw(), vm_ioctl_raw(), vcpu_ioctl_raw() (mvm_ioctl_raw()
 * on a bare fd) return what ioctl(2) returns (-1 with errno) and record
 * nothing: for calls whose failure is an answer (a probe) or needs its own
 * message.
 *
 * Checked: kvm_ioctl(), vm_ioctl(), vcpu_ioctl() (mvm_ioctl() on a bare fd
 * named by a string) return the same and, on failure, record
 * "<REQUEST>[detail] on <object>: <strerror>" in eb_error() (errno kept):
 * the request's name as written at the call, the object ("vm", "vcpu N" or
 * the /dev/kvm path).  The optional detail is a printf format and its
 * arguments, appended to the name, so it starts with a space:
 *	vm_ioctl(vm, KVM_GET_DIRTY_LOG, &log, " slot %u", slot)
 *
 * Both tiers check at compile time that a request carrying a struct
 * (_IOC_SIZE != 0) gets a pointer to something of that size.  A scalar
 * argument of an _IO request goes as MVM_IOC_SCALAR(x).
 * Outside minivmm no VM or vCPU fd sees a bare ioctl(): the named
 * functions below, or these.
 */
#define MVM_IOC_ARG(req, name, arg)                                                                \
	({                                                                                         \
		_Static_assert(_IOC_SIZE(req) == 0 || _IOC_SIZE(req) == sizeof(*(arg)),            \
			       name ": the argument's size is not the request's _IOC_SIZE");       \
		(void *)(arg);                                                                     \
	})

/* A scalar passed in the pointer argument: a byte pointer, so that it
 * passes the size check only where _IOC_SIZE is 0 (and no sizeof(void)). */
#define MVM_IOC_SCALAR(x) ((const uint8_t *)(uintptr_t)(x))

/* on an fd; then on the objects of this library */
#define mvm_ioctl_raw(fd, req, arg)  ioctl((fd), (req), MVM_IOC_ARG(req, #req, arg))
#define kvm_ioctl_raw(kvm, req, arg) ioctl((kvm)->fd, (req), MVM_IOC_ARG(req, #req, arg))
#define vm_ioctl_raw(vm, req, arg)   ioctl((vm)->fd, (req), MVM_IOC_ARG(req, #req, arg))
#define vcpu_ioctl_raw(v, req, arg)  ioctl((v)->fd, (req), MVM_IOC_ARG(req, #req, arg))

/* on an fd that obj names in messages; then on the objects of this library */
#define mvm_ioctl(fd, obj, req, arg, ...)                                                          \
	mvm_ioctl_checked((fd), (req), MVM_IOC_ARG(req, #req, arg), (obj), -1, #req __VA_ARGS__)
#define kvm_ioctl(kvm, req, arg, ...)                                                              \
	mvm_ioctl_checked((kvm)->fd, (req), MVM_IOC_ARG(req, #req, arg), (kvm)->path, -1,          \
			  #req __VA_ARGS__)
#define vm_ioctl(vm, req, arg, ...)                                                                \
	mvm_ioctl_checked((vm)->fd, (req), MVM_IOC_ARG(req, #req, arg), "vm", -1, #req __VA_ARGS__)
#define vcpu_ioctl(v, req, arg, ...)                                                               \
	mvm_ioctl_checked((v)->fd, (req), MVM_IOC_ARG(req, #req, arg), "vcpu", (v)->id,            \
			  #req __VA_ARGS__)

/* The checked tier's body: id >= 0 is appended to obj ("vcpu 1"). */
int mvm_ioctl_checked(int fd, unsigned long req, void *arg, const char *obj, int id,
		      const char *what, ...) __attribute__((format(printf, 6, 7)));

/* ---- /dev/kvm and capabilities (kvm.c) ---- */
struct kvm_sys {
	int fd;
	int api_version;
	int vcpu_mmap_size;
	const char *path;
};

int kvm_open(struct kvm_sys *kvm, const char *path);
void kvm_close(struct kvm_sys *kvm);
/* KVM_CHECK_EXTENSION on fd (system or VM); >0 means supported. */
int kvm_cap(int fd, long cap);
/* The capabilities every run needs; fails naming the first one missing. */
int kvm_require_base_caps(struct kvm_sys *kvm);
const char *kvm_cap_name(long cap);

/* ---- KVM binary statistics (kvmstats.c) ---- */
struct kvmstats {
	int fd;
	const char *owner; /* "vm" or "vcpu0" for messages */
	struct kvm_stats_header hdr;
	char *descs;	      /* hdr.num_desc descriptors */
	size_t desc_size;     /* sizeof(kvm_stats_desc) + name_size */
	size_t data_size;     /* bytes of the data block */
	unsigned int nvalues; /* one per descriptor: first u64 of each */
	uint64_t *scratch;    /* data block read buffer */
};

int kvmstats_open(struct kvmstats *st, int owner_fd, const char *owner);
void kvmstats_close(struct kvmstats *st);
/* Index of a stat by name, or -1 when this kernel does not have it. */
int kvmstats_find(const struct kvmstats *st, const char *name);
const char *kvmstats_name(const struct kvmstats *st, unsigned int i);
/* True for cumulative counters (deltas are meaningful). */
bool kvmstats_cumulative(const struct kvmstats *st, unsigned int i);
/* Read every stat's first value into out[0..nvalues). */
int kvmstats_read(struct kvmstats *st, uint64_t *out);

/* ---- VM and memory (vm.c) ---- */
#define MVM_MAX_SLOTS 8
#define MVM_MAX_VCPUS 2

struct memslot {
	bool used;
	uint32_t flags;
	uint64_t gpa, size;
	void *hva;
};

struct vcpu;

/* A loaded guest image's addresses (loader.c). */
struct guest_image {
	uint64_t entry;
	uint64_t vectors, vec_stride;
	uint64_t end;
	uint64_t ap_entry; /* second vCPU's entry point */
};

struct vm {
	struct kvm_sys *kvm;
	int fd;
	struct memslot slot[MVM_MAX_SLOTS];
	void *ram;
	size_t ram_size;
	struct vcpu *vcpu[MVM_MAX_VCPUS];
	struct kvmstats stats;
	struct guest_image guest; /* set by vm_create_with_guest() */
};

/* Creates a VM with ram_size bytes of RAM at guest-physical 0 (slot 0). */
int vm_create(struct vm *vm, struct kvm_sys *kvm, size_t ram_size);
void vm_destroy(struct vm *vm);
int vm_memslot_set(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *hva,
		   uint32_t flags);
int vm_memslot_delete(struct vm *vm, uint32_t slot);
/* Delete and re-add a slot: KVM drops every stage-2 (EPT/NPT) mapping of
 * it while the host pages stay. */
int vm_memslot_recreate(struct vm *vm, uint32_t slot);
/* Host address of a guest-physical range inside one slot, or NULL. */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, size_t len);
/* KVM_ENABLE_CAP with args[0] = arg0. */
int vm_enable_cap(struct vm *vm, uint32_t cap, uint64_t arg0);
/* The in-kernel PIC, IOAPIC and LAPICs: before the first vCPU is created. */
int vm_create_irqchip(struct vm *vm);
/* KVM_IOEVENTFD: guest writes of len bytes at addr (a port with
 * KVM_IOEVENTFD_FLAG_PIO) signal efd inside KVM, without an exit to us. */
int vm_ioeventfd(struct vm *vm, uint64_t addr, uint32_t len, uint32_t flags, int efd);
/* KVM_GET_DIRTY_LOG of a KVM_MEM_LOG_DIRTY_PAGES slot into bitmap (one bit
 * per page); the pages reported are write-protected again. */
int vm_get_dirty_log(struct vm *vm, uint32_t slot, void *bitmap);

/* ---- one MSR to the VMM (msrfilter.c) ---- */
/* NULL when vm_msr_to_user() can work here, else the capability missing:
 * KVM_CAP_X86_USER_SPACE_MSR must enable with KVM_MSR_EXIT_REASON_FILTER
 * (tried on a scratch VM), KVM_CAP_X86_MSR_FILTER must be there. */
const char *kvm_msr_to_user_missing(struct kvm_sys *kvm);
/* Guest accesses of MSR index (flags: KVM_MSR_FILTER_READ and/or _WRITE)
 * exit to userspace (KVM_EXIT_X86_RDMSR / WRMSR); every other MSR as before. */
int vm_msr_to_user(struct vm *vm, uint32_t index, uint32_t flags);
/* The filter behind it: one range denying index, whose bitmap is *bitmap
 * (KVM reads the bitmap as unsigned longs). */
void mvm_msr_filter_one(struct kvm_msr_filter *f, unsigned long *bitmap, uint32_t index,
			uint32_t flags);

/* ---- long mode (longmode.c) ---- */
/* Writes identity page tables (0..4 GiB, 2 MiB pages, user-accessible),
 * the GDT, the TSS and an IDT whose 256 gates point to vectors[i]
 * (vector stubs vec_stride bytes apart) into guest RAM. */
int vm_setup_longmode(struct vm *vm, uint64_t vectors, uint64_t vec_stride);
/* Puts a vCPU in 64-bit mode at rip with stack rsp; rdi = arg. */
int vcpu_enter_longmode(struct vcpu *vcpu, uint64_t rip, uint64_t rsp, uint64_t arg);

/* ---- CPUID (cpuid.c) ---- */
/* KVM_GET_SUPPORTED_CPUID (the host's view), in a table with room for extra
 * more entries; free() it.  NULL on error. */
struct kvm_cpuid2 *kvm_get_supported_cpuid(struct kvm_sys *kvm, unsigned int extra);
int vcpu_set_cpuid(struct vcpu *vcpu, const struct kvm_cpuid2 *c);
/* KVM_GET_CPUID2 into c, which has room for c->nent entries (E2BIG when
 * that is too few); c->nent is then the count. */
int vcpu_get_cpuid(struct vcpu *vcpu, struct kvm_cpuid2 *c);
/* KVM_SET_CPUID2 from KVM_GET_SUPPORTED_CPUID. */
int vcpu_set_cpuid_supported(struct vcpu *vcpu);

/* ---- guest image (loader.c) ---- */
/* Copies image (a flat binary linked at load_gpa, starting with the guest
 * header) into guest RAM and validates its header. */
int guest_load(struct vm *vm, const void *image, size_t size, uint64_t load_gpa,
	       struct guest_image *out);

/* ---- vCPU and run loop (vcpu.c, exit.c) ---- */
struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	struct kvmstats stats;
	/* host TSC right before the last KVM_RUN and right after it returned */
	uint64_t tsc_enter, tsc_return;
};

struct vcpu *vcpu_create(struct vm *vm, int id);
void vcpu_destroy(struct vcpu *vcpu);
int vcpu_get_regs(struct vcpu *vcpu, struct kvm_regs *regs);
int vcpu_set_regs(struct vcpu *vcpu, const struct kvm_regs *regs);
int vcpu_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs);
/* KVM_SET_MP_STATE, e.g. KVM_MP_STATE_RUNNABLE. */
int vcpu_set_mp_state(struct vcpu *vcpu, uint32_t state);
/* Returns 0, or -1 with errno (EINTR: a signal arrived, run->exit_reason
 * is KVM_EXIT_INTR). */
int vcpu_run(struct vcpu *vcpu);
/* KVM_GET_TSC_KHZ, or 0 when the kernel cannot say. */
uint64_t vcpu_tsc_khz(struct vcpu *vcpu);

/* guest TSC = host TSC * ratio + offset (tsc.c) */
struct tsc_params {
	bool have_offset, have_ratio;
	int64_t offset;
	double ratio;
	char offset_source[32], ratio_source[48];
	char why[160]; /* what could not be read */
};

/* 0 when both are known, else -1 with t->why saying what is missing. */
int vcpu_tsc_params(struct vcpu *vcpu, struct tsc_params *t);

/* What the VMM does with an exit: continue, stop the run loop, or fail. */
enum exit_action { EXIT_CONTINUE = 0, EXIT_STOP = 1, EXIT_ERROR = -1 };

struct exit_handlers {
	void *ctx;
	/* Port I/O: data points into the kvm_run page (count * size bytes). */
	enum exit_action (*io)(void *ctx, struct vcpu *v, uint16_t port, bool out, int size,
			       uint32_t count, uint8_t *data);
	enum exit_action (*mmio)(void *ctx, struct vcpu *v, uint64_t gpa, bool write, int len,
				 uint8_t *data);
	enum exit_action (*hlt)(void *ctx, struct vcpu *v);
	enum exit_action (*hypercall)(void *ctx, struct vcpu *v, struct kvm_run *run);
	enum exit_action (*msr)(void *ctx, struct vcpu *v, struct kvm_run *run);
};

/*
 * The one exit dispatcher: runs the vCPU until a handler says EXIT_STOP.
 * Exits without a handler, shutdown (triple fault), failed entry and
 * internal errors end the loop with an error naming the exit reason and
 * the guest RIP.  Returns 0 on EXIT_STOP, -1 on error (errno EINTR when a
 * signal interrupted KVM_RUN).
 */
int vcpu_run_loop(struct vcpu *vcpu, const struct exit_handlers *h);

/* ---- a VM with its guest in one call (guest.c) ---- */
struct vm_guest_opts {
	size_t ram_size; /* RAM at guest-physical 0 (slot 0) */
	/* The flat guest image (guests/abi.h), linked at GUEST_LOAD_GPA.  NULL:
	 * no guest, the VM and a bare vCPU 0 only (a probe: no CPUID set). */
	const void *image;
	size_t image_size;
	uint64_t arg;	/* vCPU 0's rdi at the entry (the mailbox) */
	bool own_cpuid; /* before_entry sets vCPU 0's CPUID, not the supported table */
	/* Hooks, each optional, given ctx: -1 an error; 0 go on; > 0 stop the
	 * set-up there, without an error, and return that value. */
	void *ctx;
	/* Before vCPU 0 exists: what KVM wants first (KVM_CREATE_IRQCHIP). */
	int (*before_vcpu)(struct vm *vm, void *ctx);
	/* Guest loaded, long-mode tables written, vCPU 0 (vm->vcpu[0]) created
	 * with its CPUID (unless own_cpuid), registers not yet set: devices,
	 * slots, the command in the mailbox. */
	int (*before_entry)(struct vm *vm, void *ctx);
};

/*
 * VM, RAM, vCPU 0 with the supported CPUID, the guest image loaded at
 * GUEST_LOAD_GPA (vm->guest), page tables, GDT, TSS and IDT, and vCPU 0 in
 * 64-bit mode at the image's entry on the ring-0 stack with rdi = o->arg.
 * Returns 0, -1 (eb_error() says why) or a hook's stop value; in every
 * case the caller vm_destroy()s the VM, however far it got.
 */
int vm_create_with_guest(struct vm *vm, struct kvm_sys *kvm, const struct vm_guest_opts *o);
/* A further vCPU of such a VM: the supported CPUID, 64-bit mode at the
 * image's second entry (ap_entry) with stack and rdi = arg, and runnable
 * (with an in-kernel irqchip an AP would wait for INIT/SIPI). */
struct vcpu *vm_vcpu_add_with_guest(struct vm *vm, int id, uint64_t stack, uint64_t arg);

/* ---- kick and watchdog (watchdog.c) ---- */
/*
 * Every command that runs a VM installs these handlers once and arms the
 * watchdog around each vcpu_run_loop().  SIGINT/SIGTERM set mvm_interrupted,
 * SIGALRM (wall time) and SIGPROF (CPU time) set mvm_timed_out; either
 * stops the registered vCPU: vcpu_run_loop() then returns -1 with errno
 * EINTR, also when the signal came while the VMM was between two KVM_RUNs.
 */
enum { MVM_WATCHDOG_WALL = 1, MVM_WATCHDOG_CPU = 2 };
extern volatile sig_atomic_t mvm_interrupted, mvm_timed_out;
/* No SA_RESTART: a signal makes KVM_RUN (and a wait) return EINTR. */
void mvm_signals_install(void);
/* Clears mvm_timed_out, registers v, and arms wall_s seconds of wall time
 * and cpu_s seconds of process CPU time (0: none). */
void mvm_watchdog_arm(struct vcpu *v, unsigned int wall_s, unsigned int cpu_s);
void mvm_watchdog_disarm(void);

/* ---- backend detection (backend.c) ---- */
enum backend_kind { BACKEND_VMX, BACKEND_SVM, BACKEND_OTHER };

struct backend {
	enum backend_kind kind;
	char name[16];		 /* "vmx", "svm", or "other" */
	char module[32];	 /* kvm_intel, kvm_amd, kvm_pvm, ... */
	char vendor[13];	 /* CPUID vendor string */
	bool nested;		 /* host itself runs under a hypervisor (CPUID.1:ECX[31]) */
	char hypervisor[13];	 /* CPUID 0x40000000 signature when nested */
	bool host_vmx, host_svm; /* CPU flags the host sees */
};

/* sysfs_root: "/sys" normally; tests point it at a fake tree. */
int backend_detect(struct backend *b, const char *sysfs_root);
/* The hypercall instruction for this CPU: "vmcall" or "vmmcall". */
const char *backend_hypercall_insn(const struct backend *b);

#endif
