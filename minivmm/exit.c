/* SPDX-License-Identifier: MIT */
/* The one place where KVM exits are dispatched to the VMM's handlers. */
#include <errno.h>
#include <stdio.h>

#include "minivmm/minivmm.h"

/* An exit that ends the run with an error: name it and where the guest was.
 * errno: ENOTSUP when KVM's instruction emulator could not run the
 * instruction (the backend lacks it), else EIO. */
static int exit_error(struct vcpu *v, const char *detail)
{
	struct kvm_regs regs;
	uint32_t reason = v->run->exit_reason;
	int err = reason == KVM_EXIT_INTERNAL_ERROR &&
			  v->run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
		      ? ENOTSUP
		      : EIO;

	errno = err;
	if (vcpu_get_regs(v, &regs))
		return eb_fail("vcpu %d: unexpected exit KVM_EXIT_%s (%u)%s; RIP unavailable",
			       v->id, exit_reason_name(reason), reason, detail);
	errno = err;
	return eb_fail("vcpu %d: unexpected exit KVM_EXIT_%s (%u)%s at RIP 0x%llx", v->id,
		       exit_reason_name(reason), reason, detail, (unsigned long long)regs.rip);
}

static enum exit_action dispatch_one(struct vcpu *v, const struct exit_handlers *h)
{
	struct kvm_run *r = v->run;
	char detail[96] = "";

	switch (r->exit_reason) {
	case KVM_EXIT_IO:
		if (!h->io)
			break;
		return h->io(h->ctx, v, r->io.port, r->io.direction == KVM_EXIT_IO_OUT, r->io.size,
			     r->io.count, (uint8_t *)r + r->io.data_offset);
	case KVM_EXIT_MMIO:
		if (!h->mmio)
			break;
		return h->mmio(h->ctx, v, r->mmio.phys_addr, r->mmio.is_write, (int)r->mmio.len,
			       r->mmio.data);
	case KVM_EXIT_HLT:
		if (h->hlt)
			return h->hlt(h->ctx, v);
		break;
	case KVM_EXIT_HYPERCALL:
		if (h->hypercall)
			return h->hypercall(h->ctx, v, r);
		break;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		if (h->msr)
			return h->msr(h->ctx, v, r);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(detail, sizeof(detail), " (hardware entry failure reason 0x%llx)",
			 (unsigned long long)r->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(detail, sizeof(detail), " (suberror %u%s)", r->internal.suberror,
			 r->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
			     ? ": KVM's instruction emulator cannot run it"
			     : "");
		break;
	case KVM_EXIT_SHUTDOWN:
		snprintf(detail, sizeof(detail), " (triple fault)");
		break;
	default:
		break;
	}
	if (r->exit_reason == KVM_EXIT_IO)
		snprintf(detail, sizeof(detail), " (port 0x%x %s size %d)", r->io.port,
			 r->io.direction == KVM_EXIT_IO_OUT ? "out" : "in", r->io.size);
	else if (r->exit_reason == KVM_EXIT_MMIO)
		snprintf(detail, sizeof(detail), " (gpa 0x%llx %s len %u)",
			 (unsigned long long)r->mmio.phys_addr, r->mmio.is_write ? "write" : "read",
			 r->mmio.len);
	exit_error(v, detail);
	return EXIT_ERROR;
}

int vcpu_run_loop(struct vcpu *v, const struct exit_handlers *h)
{
	for (;;) {
		enum exit_action a;

		if (vcpu_run(v))
			return -1;
		a = dispatch_one(v, h);
		if (a == EXIT_STOP)
			return 0;
		if (a == EXIT_ERROR)
			return -1;
	}
}
