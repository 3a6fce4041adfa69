/* SPDX-License-Identifier: MIT */
/*
 * One MSR sent to the VMM: KVM_CAP_X86_USER_SPACE_MSR with the filter exit
 * reason, and a default-allow filter that denies just that index.  KVM
 * reads a range's bitmap as longs (BITS_TO_LONGS(nmsrs) of them), so the
 * bitmap is a whole unsigned long, never a byte.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "minivmm/minivmm.h"

void mvm_msr_filter_one(struct kvm_msr_filter *f, unsigned long *bitmap, uint32_t index,
			uint32_t flags)
{
	memset(f, 0, sizeof(*f));
	*bitmap = 0; /* bit 0 clear: index is denied */
	f->flags = KVM_MSR_FILTER_DEFAULT_ALLOW;
	f->ranges[0].flags = flags;
	f->ranges[0].nmsrs = 1;
	f->ranges[0].base = index;
	f->ranges[0].bitmap = (uint8_t *)bitmap;
}

int vm_msr_to_user(struct vm *vm, uint32_t index, uint32_t flags)
{
	struct kvm_msr_filter f;
	unsigned long deny;

	mvm_msr_filter_one(&f, &deny, index, flags);
	if (vm_enable_cap(vm, KVM_CAP_X86_USER_SPACE_MSR, KVM_MSR_EXIT_REASON_FILTER))
		return -1;
	if (vm_ioctl(vm, KVM_X86_SET_MSR_FILTER, &f, " deny %s%s%s of MSR 0x%x",
		     flags & KVM_MSR_FILTER_READ ? "read" : "",
		     flags == (KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE) ? "/" : "",
		     flags & KVM_MSR_FILTER_WRITE ? "write" : "", index) < 0)
		return -1;
	return 0;
}

/* Does KVM forward filtered MSR accesses to user space? The capability's
 * answer differs across kernels (1 on 6.1, a mask of reasons on later ones),
 * so ask by doing: enable it with KVM_MSR_EXIT_REASON_FILTER on a scratch VM. */
static bool user_msr_filter_works(struct kvm_sys *kvm)
{
	struct kvm_enable_cap cap = {.cap = KVM_CAP_X86_USER_SPACE_MSR,
				     .args = {KVM_MSR_EXIT_REASON_FILTER}};
	int vm, r;

	if (kvm_cap(kvm->fd, KVM_CAP_X86_USER_SPACE_MSR) <= 0)
		return false;
	vm = kvm_ioctl_raw(kvm, KVM_CREATE_VM, NULL);
	if (vm < 0)
		return false;
	r = mvm_ioctl_raw(vm, KVM_ENABLE_CAP, &cap);
	close(vm);
	return r == 0;
}

const char *kvm_msr_to_user_missing(struct kvm_sys *kvm)
{
	if (!user_msr_filter_works(kvm))
		return "KVM_CAP_X86_USER_SPACE_MSR (KVM_MSR_EXIT_REASON_FILTER does not enable)";
	return kvm_cap(kvm->fd, KVM_CAP_X86_MSR_FILTER) > 0 ? NULL : "KVM_CAP_X86_MSR_FILTER";
}
