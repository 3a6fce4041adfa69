/* SPDX-License-Identifier: MIT */
/* /dev/kvm: open, API version, capabilities. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include "minivmm/minivmm.h"

static const struct {
	long cap;
	const char *name;
} cap_names[] = {
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
    {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
    {KVM_CAP_BINARY_STATS_FD, "KVM_CAP_BINARY_STATS_FD"},
    {KVM_CAP_GET_TSC_KHZ, "KVM_CAP_GET_TSC_KHZ"},
    {KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD"},
    {KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"},
    {KVM_CAP_EXIT_HYPERCALL, "KVM_CAP_EXIT_HYPERCALL"},
    {KVM_CAP_X86_USER_SPACE_MSR, "KVM_CAP_X86_USER_SPACE_MSR"},
    {KVM_CAP_X86_MSR_FILTER, "KVM_CAP_X86_MSR_FILTER"},
    {KVM_CAP_SYNC_MMU, "KVM_CAP_SYNC_MMU"},
    {KVM_CAP_DISABLE_QUIRKS2, "KVM_CAP_DISABLE_QUIRKS2"},
};

/* Capabilities without which no class can run. */
static const long base_caps[] = {
    KVM_CAP_USER_MEMORY,
    KVM_CAP_EXT_CPUID,
    KVM_CAP_BINARY_STATS_FD,
};

const char *kvm_cap_name(long cap)
{
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (cap_names[i].cap == cap)
			return cap_names[i].name;
	return "KVM_CAP_(unknown)";
}

int kvm_open(struct kvm_sys *kvm, const char *path)
{
	struct stat st;

	kvm->path = path;
	kvm->fd = open(path, O_RDWR | O_CLOEXEC);
	if (kvm->fd < 0)
		return eb_fail_errno("open %s", path);
	if (fstat(kvm->fd, &st) == 0 && !S_ISCHR(st.st_mode)) {
		kvm_close(kvm);
		return eb_fail("%s: not a KVM device (%s, not a character device)", path,
			       S_ISDIR(st.st_mode) ? "a directory" : "a file");
	}
	kvm->api_version = kvm_ioctl_raw(kvm, KVM_GET_API_VERSION, NULL);
	if (kvm->api_version < 0 && (errno == ENOTTY || errno == EINVAL)) {
		int r = eb_fail_errno("%s: not a KVM device (KVM_GET_API_VERSION)", path);

		kvm_close(kvm);
		return r;
	}
	if (kvm->api_version != KVM_API_VERSION) {
		kvm_close(kvm);
		return eb_fail("KVM_GET_API_VERSION on %s: got %d, need %d", path, kvm->api_version,
			       KVM_API_VERSION);
	}
	kvm->vcpu_mmap_size = kvm_ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (kvm->vcpu_mmap_size <= 0) {
		if (kvm->vcpu_mmap_size == 0)
			eb_fail("KVM_GET_VCPU_MMAP_SIZE on %s: 0", path);
		kvm_close(kvm);
		return -1;
	}
	return 0;
}

void kvm_close(struct kvm_sys *kvm)
{
	if (kvm->fd >= 0)
		close(kvm->fd);
	kvm->fd = -1;
}

int kvm_cap(int fd, long cap)
{
	int r = mvm_ioctl_raw(fd, KVM_CHECK_EXTENSION, MVM_IOC_SCALAR(cap));

	return r < 0 ? 0 : r;
}

int kvm_require_base_caps(struct kvm_sys *kvm)
{
	for (size_t i = 0; i < sizeof(base_caps) / sizeof(base_caps[0]); i++)
		if (kvm_cap(kvm->fd, base_caps[i]) <= 0) {
			errno = ENOTSUP;
			return eb_fail("%s: missing capability %s", kvm->path,
				       kvm_cap_name(base_caps[i]));
		}
	return 0;
}
