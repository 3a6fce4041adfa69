/* SPDX-License-Identifier: MIT */
/* VM creation, memory slots, guest-physical to host address, VM-wide ioctls. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "minivmm/minivmm.h"

/* KVM on Intel wants three pages for the real-mode TSS below 4 GiB; we never
 * use real mode, but the ioctl must be made before vCPUs run.  The address
 * is above everything the guest maps. */
#define TSS_ADDR 0xfffbd000UL

int vm_create(struct vm *vm, struct kvm_sys *kvm, size_t ram_size)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm = kvm;
	vm->stats.fd = -1;
	vm->fd = kvm_ioctl(kvm, KVM_CREATE_VM, NULL);
	if (vm->fd < 0)
		return -1;
	if (kvm_cap(kvm->fd, KVM_CAP_SET_TSS_ADDR) > 0 &&
	    vm_ioctl(vm, KVM_SET_TSS_ADDR, MVM_IOC_SCALAR(TSS_ADDR), " 0x%lx", TSS_ADDR) < 0)
		goto fail;
	vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		eb_fail_errno("mmap %zu bytes of guest RAM", ram_size);
		goto fail;
	}
	vm->ram_size = ram_size;
	if (vm_memslot_set(vm, 0, 0, ram_size, vm->ram, 0))
		goto fail;
	if (kvmstats_open(&vm->stats, vm->fd, "vm"))
		goto fail;
	return 0;
fail:
	vm_destroy(vm);
	return -1;
}

void vm_destroy(struct vm *vm)
{
	for (int i = 0; i < MVM_MAX_VCPUS; i++)
		if (vm->vcpu[i])
			vcpu_destroy(vm->vcpu[i]);
	kvmstats_close(&vm->stats);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	vm->fd = -1;
	vm->ram = NULL;
}

int vm_memslot_set(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *hva,
		   uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
	    .slot = slot,
	    .flags = flags,
	    .guest_phys_addr = gpa,
	    .memory_size = size,
	    .userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	if (slot >= MVM_MAX_SLOTS) {
		errno = EINVAL;
		return eb_fail("memory slot %u: only %d slots", slot, MVM_MAX_SLOTS);
	}
	if (vm_ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r, " slot %u gpa 0x%llx size 0x%llx", slot,
		     (unsigned long long)gpa, (unsigned long long)size) < 0)
		return -1;
	vm->slot[slot] = (struct memslot){
	    .used = size != 0, .flags = flags, .gpa = gpa, .size = size, .hva = hva};
	return 0;
}

int vm_memslot_delete(struct vm *vm, uint32_t slot)
{
	struct memslot s = vm->slot[slot];

	return vm_memslot_set(vm, slot, s.gpa, 0, s.hva, s.flags);
}

void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, size_t len)
{
	for (int i = 0; i < MVM_MAX_SLOTS; i++) {
		const struct memslot *s = &vm->slot[i];

		if (s->used && gpa >= s->gpa && len <= s->size && gpa - s->gpa <= s->size - len)
			return (char *)s->hva + (gpa - s->gpa);
	}
	return NULL;
}

int vm_memslot_recreate(struct vm *vm, uint32_t slot)
{
	struct memslot s = vm->slot[slot];

	if (vm_memslot_delete(vm, slot))
		return -1;
	return vm_memslot_set(vm, slot, s.gpa, s.size, s.hva, s.flags);
}

int vm_enable_cap(struct vm *vm, uint32_t cap, uint64_t arg0)
{
	struct kvm_enable_cap c = {.cap = cap, .args = {arg0}};

	return vm_ioctl(vm, KVM_ENABLE_CAP, &c, " %s (0x%llx)", kvm_cap_name(cap),
			(unsigned long long)arg0) < 0
		   ? -1
		   : 0;
}

int vm_create_irqchip(struct vm *vm)
{
	return vm_ioctl(vm, KVM_CREATE_IRQCHIP, NULL) < 0 ? -1 : 0;
}

int vm_ioeventfd(struct vm *vm, uint64_t addr, uint32_t len, uint32_t flags, int efd)
{
	struct kvm_ioeventfd io = {.addr = addr, .len = len, .fd = efd, .flags = flags};

	return vm_ioctl(vm, KVM_IOEVENTFD, &io, " %s 0x%llx",
			flags & KVM_IOEVENTFD_FLAG_PIO ? "port" : "MMIO address",
			(unsigned long long)addr) < 0
		   ? -1
		   : 0;
}

int vm_get_dirty_log(struct vm *vm, uint32_t slot, void *bitmap)
{
	struct kvm_dirty_log log = {.slot = slot, .dirty_bitmap = bitmap};

	return vm_ioctl(vm, KVM_GET_DIRTY_LOG, &log, " slot %u", slot) < 0 ? -1 : 0;
}
