/* SPDX-License-Identifier: MIT */
/*
 * The guest's TSC as a function of the host's: guest = host * ratio + offset.
 * The offset comes from KVM_GET_DEVICE_ATTR(KVM_VCPU_TSC_CTRL,
 * KVM_VCPU_TSC_OFFSET), else from KVM's debugfs; the ratio from debugfs
 * (tsc-scaling-ratio, present only where the CPU can scale the TSC: where the
 * VM's directory exists without it, the ratio is 1 by construction).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "minivmm/minivmm.h"

#define DEBUGFS "/sys/kernel/debug"

static bool read_s64(const char *path, int64_t *v)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fscanf(f, "%" SCNd64, v) == 1;
	fclose(f);
	return ok;
}

/* /sys/kernel/debug/kvm/<pid>-<vm fd>/vcpu<id>, mounting debugfs if needed. */
static bool vcpu_debugfs_dir(const struct vcpu *v, char *buf, size_t len)
{
	struct stat st;

	if (stat(DEBUGFS "/kvm", &st) < 0)
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	snprintf(buf, len, DEBUGFS "/kvm/%d-%d/vcpu%d", (int)getpid(), v->vm->fd, v->id);
	return stat(buf, &st) == 0 && S_ISDIR(st.st_mode);
}

static void read_offset(const struct vcpu *v, const char *dir, bool have_dir, struct tsc_params *t)
{
	struct kvm_device_attr attr = {.group = KVM_VCPU_TSC_CTRL,
				       .attr = KVM_VCPU_TSC_OFFSET,
				       .addr = (uint64_t)(uintptr_t)&t->offset};
	char path[512];

	if (vcpu_ioctl_raw(v, KVM_GET_DEVICE_ATTR, &attr) == 0) {
		t->have_offset = true;
		snprintf(t->offset_source, sizeof(t->offset_source), "KVM_VCPU_TSC_OFFSET");
		return;
	}
	snprintf(t->why, sizeof(t->why), "KVM_VCPU_TSC_OFFSET: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/tsc-offset", dir);
	if (have_dir && read_s64(path, &t->offset)) {
		t->have_offset = true;
		snprintf(t->offset_source, sizeof(t->offset_source), "debugfs tsc-offset");
	}
}

static void read_ratio(const char *dir, bool have_dir, struct tsc_params *t)
{
	char path[512];
	int64_t ratio, bits;

	if (!have_dir) {
		snprintf(t->why + strlen(t->why), sizeof(t->why) - strlen(t->why),
			 "%sno KVM debugfs directory for the vCPU: TSC scaling ratio unknown",
			 t->why[0] ? "; " : "");
		return;
	}
	snprintf(path, sizeof(path), "%s/tsc-scaling-ratio", dir);
	if (!read_s64(path, &ratio)) {
		t->have_ratio = true;
		t->ratio = 1.0;
		snprintf(t->ratio_source, sizeof(t->ratio_source), "no TSC scaling on this host");
		return;
	}
	snprintf(path, sizeof(path), "%s/tsc-scaling-ratio-frac-bits", dir);
	if (read_s64(path, &bits) && bits > 0 && bits < 63) {
		t->have_ratio = true;
		t->ratio = (double)(uint64_t)ratio / (double)(1ULL << bits);
		snprintf(t->ratio_source, sizeof(t->ratio_source), "debugfs tsc-scaling-ratio");
	}
}

int vcpu_tsc_params(struct vcpu *v, struct tsc_params *t)
{
	char dir[256];
	bool have_dir;

	memset(t, 0, sizeof(*t));
	have_dir = vcpu_debugfs_dir(v, dir, sizeof(dir));
	read_offset(v, dir, have_dir, t);
	read_ratio(dir, have_dir, t);
	return t->have_offset && t->have_ratio ? 0 : -1;
}
