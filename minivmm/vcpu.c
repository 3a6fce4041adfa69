/* SPDX-License-Identifier: MIT */
/* vCPU creation, registers, MP state, KVM_RUN. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x86intrin.h>

#include "minivmm/minivmm.h"

struct vcpu *vcpu_create(struct vm *vm, int id)
{
	struct vcpu *v;

	if (id < 0 || id >= MVM_MAX_VCPUS || vm->vcpu[id]) {
		errno = EINVAL;
		eb_fail("create vcpu %d: bad or used id", id);
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		eb_fail_errno("allocate vcpu %d", id);
		return NULL;
	}
	v->vm = vm;
	v->id = id;
	v->stats.fd = -1;
	v->fd = vm_ioctl(vm, KVM_CREATE_VCPU, MVM_IOC_SCALAR(id), " %d", id);
	if (v->fd < 0)
		goto fail;
	v->run_size = (size_t)vm->kvm->vcpu_mmap_size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		eb_fail_errno("mmap kvm_run of vcpu %d", id);
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

int vcpu_get_regs(struct vcpu *v, struct kvm_regs *regs)
{
	return vcpu_ioctl(v, KVM_GET_REGS, regs) < 0 ? -1 : 0;
}

int vcpu_set_regs(struct vcpu *v, const struct kvm_regs *regs)
{
	return vcpu_ioctl(v, KVM_SET_REGS, regs) < 0 ? -1 : 0;
}

int vcpu_get_sregs(struct vcpu *v, struct kvm_sregs *sregs)
{
	return vcpu_ioctl(v, KVM_GET_SREGS, sregs) < 0 ? -1 : 0;
}

int vcpu_set_mp_state(struct vcpu *v, uint32_t state)
{
	struct kvm_mp_state mp = {.mp_state = state};

	return vcpu_ioctl(v, KVM_SET_MP_STATE, &mp, " %u", state) < 0 ? -1 : 0;
}

int vcpu_run(struct vcpu *v)
{
	int r;

	v->tsc_enter = __rdtsc();
	r = vcpu_ioctl_raw(v, KVM_RUN, NULL);
	v->tsc_return = __rdtsc();
	if (r < 0) {
		if (errno == EINTR)
			return eb_fail("KVM_RUN on vcpu %d: interrupted by a signal", v->id);
		return eb_fail_errno("KVM_RUN on vcpu %d", v->id);
	}
	return 0;
}

uint64_t vcpu_tsc_khz(struct vcpu *v)
{
	int r;

	if (kvm_cap(v->vm->kvm->fd, KVM_CAP_GET_TSC_KHZ) <= 0)
		return 0;
	r = vcpu_ioctl_raw(v, KVM_GET_TSC_KHZ, NULL);
	return r > 0 ? (uint64_t)r : 0;
}
