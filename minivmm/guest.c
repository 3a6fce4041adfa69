/* SPDX-License-Identifier: MIT */
/*
 * A VM with its guest in one call, and further vCPUs at the guest's second
 * entry: the start-up every command that runs our guest shares.  The order
 * is KVM's: an irqchip before any vCPU, CPUID before the registers (KVM
 * checks EFER.LME and CR4 against the guest's CPUID).
 */
#include "guests/abi.h"
#include "minivmm/minivmm.h"

static int hook(int (*fn)(struct vm *, void *), struct vm *vm, void *ctx)
{
	return fn ? fn(vm, ctx) : 0;
}

int vm_create_with_guest(struct vm *vm, struct kvm_sys *kvm, const struct vm_guest_opts *o)
{
	struct vcpu *v;
	int r;

	if (vm_create(vm, kvm, o->ram_size))
		return -1;
	r = hook(o->before_vcpu, vm, o->ctx);
	if (r)
		return r;
	v = vcpu_create(vm, 0);
	if (!v)
		return -1;
	if (!o->image)
		return 0;
	if (!o->own_cpuid && vcpu_set_cpuid_supported(v))
		return -1;
	if (guest_load(vm, o->image, o->image_size, GUEST_LOAD_GPA, &vm->guest) ||
	    vm_setup_longmode(vm, vm->guest.vectors, vm->guest.vec_stride))
		return -1;
	r = hook(o->before_entry, vm, o->ctx);
	if (r)
		return r;
	return vcpu_enter_longmode(v, vm->guest.entry, STACK0_TOP_GPA, o->arg);
}

struct vcpu *vm_vcpu_add_with_guest(struct vm *vm, int id, uint64_t stack, uint64_t arg)
{
	struct vcpu *v = vcpu_create(vm, id);

	if (!v || vcpu_set_cpuid_supported(v) ||
	    vcpu_enter_longmode(v, vm->guest.ap_entry, stack, arg) ||
	    vcpu_set_mp_state(v, KVM_MP_STATE_RUNNABLE))
		return NULL;
	return v;
}
