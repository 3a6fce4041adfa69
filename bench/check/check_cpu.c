/* SPDX-License-Identifier: MIT */
/* Checks of CPU-instruction exits to the VMM: hlt, hypercall, rdmsr/wrmsr. */
#include <errno.h>
#include <linux/kvm_para.h>
#include <stdio.h>
#include <string.h>

#include "bench/check/check.h"
#include "guests/check_protocol.h"

/* ---- hlt ---- */

static const char *const hlt_regs[5] = {"rbx", "r12", "r13", "r14", "r15"};

static uint64_t hlt_value(int i)
{
	return 0x0123456789abcdefULL ^ ((uint64_t)(i + 1) * 0x1111111111111111ULL);
}

static int hlt_setup(struct check_ctx *c)
{
	for (int i = 0; i < 5; i++)
		c->args[i] = hlt_value(i);
	return vcpu_set_cpuid_supported(c->vcpu);
}

static int hlt_exit(struct check_ctx *c)
{
	struct kvm_regs *r = &c->hlt_regs;
	const uint64_t have[5] = {r->rbx, r->r12, r->r13, r->r14, r->r15};
	uint64_t after = check_mailbox(c)->result[0];

	if (r->rip != after)
		check_fail(c, "KVM_EXIT_HLT: expected RIP 0x%llx (after the hlt), got 0x%llx",
			   (unsigned long long)after, (unsigned long long)r->rip);
	for (int i = 0; i < 5; i++)
		if (have[i] != hlt_value(i))
			check_fail(c, "KVM_EXIT_HLT: expected %s 0x%llx, got 0x%llx", hlt_regs[i],
				   (unsigned long long)hlt_value(i), (unsigned long long)have[i]);
	if (!c->inject || c->injected)
		return 0;
	r->r13 ^= 0x100; /* the VMM clobbers a register the guest relies on */
	c->injected = true;
	return vcpu_set_regs(c->vcpu, r);
}

static void hlt_verify(struct check_ctx *c)
{
	volatile struct mailbox *mb = check_mailbox(c);
	const struct check_event want = {.kind = EV_HLT, .count = 1};

	if (!check_expect(c, 0, &want, "hlt"))
		return;
	if (c->nev != 1)
		check_fail(c, "hlt: expected 1 exit, got %u", c->nev);
	for (int i = 0; i < 5; i++)
		if (mb->result[1 + i] != hlt_value(i))
			check_fail(c, "%s after the HLT exit: expected 0x%llx, guest has 0x%llx",
				   hlt_regs[i], (unsigned long long)hlt_value(i),
				   (unsigned long long)mb->result[1 + i]);
	check_note(c, "KVM_EXIT_HLT at RIP 0x%llx (after the hlt), rbx r12-r15 preserved",
		   (unsigned long long)c->hlt_regs.rip);
}

const struct check_def check_hlt = {
    .name = "hlt",
    .what = "hlt exits as KVM_EXIT_HLT with RIP after it; registers survive the exit",
    .op = OP_CHECK_HLT,
    .inject = INJECT_CUSTOM,
    .inject_what = "the VMM changes r13 with KVM_SET_REGS at the HLT exit",
    .setup = hlt_setup,
    .verify = hlt_verify,
    .on_hlt = hlt_exit,
};

/* ---- hypercall ---- */

static const char *hypercall_unsupported(struct check_ctx *c)
{
	int mask = kvm_cap(c->vm.fd, KVM_CAP_EXIT_HYPERCALL);

	return mask & (1 << KVM_HC_MAP_GPA_RANGE) ? NULL : "KVM_CAP_EXIT_HYPERCALL";
}

/*
 * KVM's instruction emulator never performs a hypercall: it rewrites the
 * instruction to the vendor's one and lets the CPU re-execute it.  Where
 * the guest's CPL0 code is itself emulated that repeats forever; with the
 * quirk disabled the emulator raises #UD at once, on the instruction
 * itself, which hypercall_backend_lacks() reports as unsupported.
 * Native vmcall/vmmcall exits (VT-x, AMD-V) never involve the quirk.
 */
static int disable_fix_hypercall_quirk(struct check_ctx *c)
{
	if (!(kvm_cap(c->vm.fd, KVM_CAP_DISABLE_QUIRKS2) & KVM_X86_QUIRK_FIX_HYPERCALL_INSN))
		return 0;
	return vm_enable_cap(&c->vm, KVM_CAP_DISABLE_QUIRKS2, KVM_X86_QUIRK_FIX_HYPERCALL_INSN);
}

static int hypercall_setup(struct check_ctx *c)
{
	if (vm_enable_cap(&c->vm, KVM_CAP_EXIT_HYPERCALL, 1ULL << KVM_HC_MAP_GPA_RANGE) ||
	    disable_fix_hypercall_quirk(c))
		return -1;
	c->args[0] = strcmp(backend_hypercall_insn(c->backend), "vmmcall") ? CHECK_HC_VMCALL
									   : CHECK_HC_VMMCALL;
	c->args[1] = KVM_HC_MAP_GPA_RANGE;
	c->args[2] = CHECK_REFAULT_GPA; /* page aligned: KVM checks */
	c->args[3] = 3;			/* pages */
	c->args[4] = KVM_MAP_GPA_RANGE_ENCRYPTED | KVM_MAP_GPA_RANGE_PAGE_SZ_4K;
	return vcpu_set_cpuid_supported(c->vcpu);
}

/*
 * The one failure that is the backend's, not a wrong exit: on a backend
 * other than VT-x/AMD-V (where vmcall/vmmcall at CPL0 runs in KVM's
 * emulator), the guest faults with #UD on the hypercall instruction itself
 * (result1, stored right before it), or KVM stops with an emulation
 * failure there, and no exit reached the VMM.  Any other fault, RIP or
 * exit stays a failure; so does everything on vmx/svm.
 */
static bool hypercall_backend_lacks(struct check_ctx *c, char *why, size_t len)
{
	volatile struct mailbox *mb = check_mailbox(c);
	const char *insn = c->args[0] == CHECK_HC_VMMCALL ? "vmmcall" : "vmcall";
	const struct kvm_run *run = c->vcpu->run;
	uint64_t at = mb->result[1];
	struct kvm_regs regs;
	bool ud, emul;

	if (at == 0) /* the guest never got to the instruction */
		return false;
	ud = c->aborted && mb->abort_reason == ABORT_EXCEPTION && mb->abort_arg == 6 &&
	     mb->abort_rip == at;
	emul = !c->aborted && run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
	       run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION &&
	       vcpu_get_regs(c->vcpu, &regs) == 0 && regs.rip == at;
	if (c->backend->kind != BACKEND_OTHER || c->nev != 0 || !(ud || emul)) {
		check_info(c, "the %s instruction is at RIP 0x%llx", insn, (unsigned long long)at);
		return false;
	}
	snprintf(
	    why, len,
	    "the hypercall instruction %s does not reach KVM on this backend: %s at RIP 0x%llx",
	    insn, ud ? "guest #UD" : "KVM_EXIT_INTERNAL_ERROR (emulation failure)",
	    (unsigned long long)at);
	return true;
}

static void hypercall_verify(struct check_ctx *c)
{
	const struct check_event want = {
	    .kind = EV_HYPERCALL, .addr = KVM_HC_MAP_GPA_RANGE, .size = 8, .count = 1};
	const char *insn = c->args[0] == CHECK_HC_VMMCALL ? "vmmcall" : "vmcall";
	uint64_t ret, rax = check_mailbox(c)->result[0];

	if (!check_expect(c, 0, &want, insn))
		return;
	for (int i = 0; i < 3; i++)
		if (c->ev[0].args[i] != c->args[2 + i]) {
			check_fail(c, "%s: expected args[%d] 0x%llx, KVM_EXIT_HYPERCALL has 0x%llx",
				   insn, i, (unsigned long long)c->args[2 + i],
				   (unsigned long long)c->ev[0].args[i]);
			return;
		}
	ret = check_ev_value(c, &c->ev[0]);
	if (rax != ret)
		check_fail(c, "%s: expected rax 0x%llx (run->hypercall.ret), guest got 0x%llx",
			   insn, (unsigned long long)ret, (unsigned long long)rax);
	if (c->nev != 1)
		check_fail(c, "%s: expected 1 exit, got %u", insn, c->nev);
	check_note(c, "%s nr %d reached the VMM with its args; ret 0x%llx arrived in rax", insn,
		   KVM_HC_MAP_GPA_RANGE, (unsigned long long)ret);
}

const struct check_def check_hypercall = {
    .name = "hypercall",
    .what = "KVM_HC_MAP_GPA_RANGE by vmcall/vmmcall exits as KVM_EXIT_HYPERCALL with nr and "
	    "args; run->hypercall.ret arrives in rax",
    .op = OP_CHECK_HYPERCALL,
    .inject = INJECT_DELIVERED,
    .inject_what = "the VMM returns a corrupted run->hypercall.ret",
    .unsupported = hypercall_unsupported,
    .setup = hypercall_setup,
    .verify = hypercall_verify,
    .backend_lacks = hypercall_backend_lacks,
    .hint = "expected one KVM_EXIT_HYPERCALL and DONE",
};

/* ---- rdmsr / wrmsr through the user-space MSR filter ---- */

/* No MSR that KVM implements (its own are 0x4b564dxx), so without the
 * filter the guest would take #GP rather than silently succeed. */
#define CHECK_MSR_INDEX 0x40000fffu
#define CHECK_MSR_VALUE 0x8badf00dcafe1234ULL

static const char *msr_unsupported(struct check_ctx *c)
{
	return kvm_msr_to_user_missing(c->vm.kvm);
}

static int msr_setup(struct check_ctx *c)
{
	if (vm_msr_to_user(&c->vm, CHECK_MSR_INDEX, KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE))
		return -1;
	c->args[0] = CHECK_MSR_INDEX;
	c->args[1] = CHECK_MSR_VALUE;
	return vcpu_set_cpuid_supported(c->vcpu);
}

static bool msr_expect(struct check_ctx *c, bool wr)
{
	const struct check_event want = {.kind = wr ? EV_WRMSR : EV_RDMSR,
					 .write = wr,
					 .addr = CHECK_MSR_INDEX,
					 .size = 8,
					 .count = 1};
	const char *insn = wr ? "wrmsr" : "rdmsr";

	if (!check_expect(c, 0, &want, insn))
		return false;
	if (c->ev[0].reason != KVM_MSR_EXIT_REASON_FILTER) {
		check_fail(c, "%s: expected exit reason %u (FILTER), got %u", insn,
			   KVM_MSR_EXIT_REASON_FILTER, c->ev[0].reason);
		return false;
	}
	if (c->nev != 1)
		check_fail(c, "%s: expected 1 exit, got %u", insn, c->nev);
	return !c->failed;
}

static void rdmsr_verify(struct check_ctx *c)
{
	uint64_t want, got = check_mailbox(c)->result[0];

	if (!msr_expect(c, false))
		return;
	want = check_ev_value(c, &c->ev[0]);
	if (got != want)
		check_fail(c,
			   "rdmsr 0x%x: expected edx:eax 0x%llx (the VMM's run->msr.data), "
			   "guest got 0x%llx",
			   CHECK_MSR_INDEX, (unsigned long long)want, (unsigned long long)got);
	check_note(c, "KVM_EXIT_X86_RDMSR index 0x%x; 0x%llx arrived in edx:eax", CHECK_MSR_INDEX,
		   (unsigned long long)want);
}

static void wrmsr_verify(struct check_ctx *c)
{
	uint64_t got;

	if (!msr_expect(c, true))
		return;
	got = check_ev_value(c, &c->ev[0]);
	if (got != CHECK_MSR_VALUE)
		check_fail(c,
			   "wrmsr 0x%x: expected data 0x%llx (the guest's edx:eax), VMM saw "
			   "0x%llx",
			   CHECK_MSR_INDEX, (unsigned long long)CHECK_MSR_VALUE,
			   (unsigned long long)got);
	check_note(c, "KVM_EXIT_X86_WRMSR index 0x%x data 0x%llx", CHECK_MSR_INDEX,
		   (unsigned long long)got);
}

const struct check_def check_rdmsr = {
    .name = "msr-read",
    .what = "rdmsr of an MSR denied by the user filter exits as KVM_EXIT_X86_RDMSR; the "
	    "VMM's value arrives in edx:eax",
    .op = OP_CHECK_RDMSR,
    .inject = INJECT_DELIVERED,
    .inject_what = "the VMM returns a corrupted run->msr.data",
    .unsupported = msr_unsupported,
    .setup = msr_setup,
    .verify = rdmsr_verify,
};

const struct check_def check_wrmsr = {
    .name = "msr-write",
    .what = "wrmsr of an MSR denied by the user filter exits as KVM_EXIT_X86_WRMSR with the "
	    "index and data",
    .op = OP_CHECK_WRMSR,
    .inject = INJECT_RECORDED,
    .inject_what = "the VMM records a corrupted run->msr.data",
    .unsupported = msr_unsupported,
    .setup = msr_setup,
    .verify = wrmsr_verify,
};
