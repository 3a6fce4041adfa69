/* SPDX-License-Identifier: MIT */
/* vCPU creation, CPUID, registers, KVM_RUN. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x86intrin.h>

#include "minivmm/minivmm.h"

struct vcpu *vcpu_create(struct vm *vm, int id)
{
	struct vcpu *v;

	if (id < 0 || id >= MVM_MAX_VCPUS || vm->vcpu[id]) {
		errno = EINVAL;
		mvm_fail("create vcpu %d: bad or used id", id);
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		mvm_fail_errno("allocate vcpu %d", id);
		return NULL;
	}
	v->vm = vm;
	v->id = id;
	v->stats.fd = -1;
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0) {
		mvm_fail_errno("KVM_CREATE_VCPU %d", id);
		goto fail;
	}
	v->run_size = (size_t)vm->kvm->vcpu_mmap_size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		mvm_fail_errno("mmap kvm_run of vcpu %d", id);
		goto fail;
	}
	if (kvmstats_open(&v->stats, v->fd, id == 0 ? "vcpu0" : "vcpu1"))
		goto fail;
	vm->vcpu[id] = v;
	return v;
fail:
	vcpu_destroy(v);
	return NULL;
}

void vcpu_destroy(struct vcpu *v)
{
	if (!v)
		return;
	if (v->vm && v->vm->vcpu[v->id] == v)
		v->vm->vcpu[v->id] = NULL;
	kvmstats_close(&v->stats);
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->fd >= 0)
		close(v->fd);
	free(v);
}

int vcpu_set_cpuid_supported(struct vcpu *v)
{
	int nent = 128;
	struct kvm_cpuid2 *c;

	for (;;) {
		c = calloc(1, sizeof(*c) + (size_t)nent * sizeof(c->entries[0]));
		if (!c)
			return mvm_fail_errno("allocate %d CPUID entries", nent);
		c->nent = (uint32_t)nent;
		if (ioctl(v->vm->kvm->fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			break;
		free(c);
		if (errno != E2BIG || nent >= 4096)
			return mvm_fail_errno("KVM_GET_SUPPORTED_CPUID (%d entries)", nent);
		nent *= 2;
	}
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0) {
		int r = mvm_fail_errno("KVM_SET_CPUID2 on vcpu %d (%u entries)", v->id, c->nent);
		free(c);
		return r;
	}
	free(c);
	return 0;
}

int vcpu_get_regs(struct vcpu *v, struct kvm_regs *regs)
{
	if (ioctl(v->fd, KVM_GET_REGS, regs) < 0)
		return mvm_fail_errno("KVM_GET_REGS on vcpu %d", v->id);
	return 0;
}

int vcpu_run(struct vcpu *v)
{
	int r;

	v->tsc_enter = __rdtsc();
	r = ioctl(v->fd, KVM_RUN, NULL);
	v->tsc_return = __rdtsc();
	if (r < 0) {
		if (errno == EINTR)
			return mvm_fail("KVM_RUN on vcpu %d: interrupted by a signal", v->id);
		return mvm_fail_errno("KVM_RUN on vcpu %d", v->id);
	}
	return 0;
}

uint64_t vcpu_tsc_khz(struct vcpu *v)
{
	int r;

	if (kvm_cap(v->vm->kvm->fd, KVM_CAP_GET_TSC_KHZ) <= 0)
		return 0;
	r = ioctl(v->fd, KVM_GET_TSC_KHZ, 0);
	return r > 0 ? (uint64_t)r : 0;
}
