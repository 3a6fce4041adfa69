/* SPDX-License-Identifier: MIT */
/* CPUID: KVM's supported table, a vCPU's table in and out. */
#include <errno.h>
#include <stdlib.h>

#include "minivmm/minivmm.h"

#define CPUID_MAX_ENTRIES 4096

struct kvm_cpuid2 *kvm_get_supported_cpuid(struct kvm_sys *kvm, unsigned int extra)
{
	for (unsigned int nent = 128;; nent *= 2) {
		struct kvm_cpuid2 *t =
		    calloc(1, sizeof(*t) + (nent + extra) * sizeof(t->entries[0]));

		if (!t) {
			eb_fail_errno("allocate %u CPUID entries", nent);
			return NULL;
		}
		t->nent = nent;
		if (kvm_ioctl_raw(kvm, KVM_GET_SUPPORTED_CPUID, t) == 0)
			return t;
		free(t);
		if (errno != E2BIG || nent >= CPUID_MAX_ENTRIES) {
			eb_fail_errno("KVM_GET_SUPPORTED_CPUID (%u entries)", nent);
			return NULL;
		}
	}
}

int vcpu_set_cpuid(struct vcpu *v, const struct kvm_cpuid2 *c)
{
	return vcpu_ioctl(v, KVM_SET_CPUID2, c, " (%u entries)", c->nent) < 0 ? -1 : 0;
}

int vcpu_get_cpuid(struct vcpu *v, struct kvm_cpuid2 *c)
{
	uint32_t room = c->nent;

	return vcpu_ioctl(v, KVM_GET_CPUID2, c, " (room for %u entries)", room) < 0 ? -1 : 0;
}

int vcpu_set_cpuid_supported(struct vcpu *v)
{
	struct kvm_cpuid2 *c = kvm_get_supported_cpuid(v->vm->kvm, 0);
	int r;

	if (!c)
		return -1;
	r = vcpu_set_cpuid(v, c);
	free(c);
	return r;
}
