/* SPDX-License-Identifier: MIT */
/* KVM with nested virtualization where the host offers it, else QEMU's TCG
 * with an emulated AMD CPU that has SVM and NPT. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/lab/lab.h"

/* TCG: single-threaded with the "max" model, the combination that never
 * froze in the project's probes (docs/lab.md); it has SVM and NPT. */
#define TCG_CPU "max"

static bool param_on(const char *module, const char *param)
{
	char path[256], v[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", module, param);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(v, sizeof(v), f))
		v[0] = 0;
	fclose(f);
	return v[0] == 'Y' || v[0] == '1';
}

/* Can the host run a nested KVM guest? Sets why when not. */
static bool nested_kvm(char *why, size_t len)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	const char *mod;

	if (fd < 0) {
		snprintf(why, len, "no usable /dev/kvm (%s)", strerror(errno));
		return false;
	}
	close(fd);
	mod = access("/sys/module/kvm_intel", F_OK) == 0 ? "kvm_intel"
	      : access("/sys/module/kvm_amd", F_OK) == 0 ? "kvm_amd"
							 : NULL;
	if (!mod) {
		snprintf(why, len, "the host's KVM is neither kvm_intel nor kvm_amd: no nesting");
		return false;
	}
	if (!param_on(mod, "nested")) {
		snprintf(why, len, "%s has nested=N", mod);
		return false;
	}
	snprintf(why, len, "%s with nested=Y", mod);
	return true;
}

int lab_pick_accel(struct lab *lab)
{
	char why[200];
	bool kvm_ok;

	if (lab->o->accel == LAB_ACCEL_TCG) {
		lab->accel = LAB_ACCEL_TCG;
		snprintf(lab->why_accel, sizeof(lab->why_accel), "--accel tcg");
	} else {
		kvm_ok = nested_kvm(why, sizeof(why));
		if (!kvm_ok && lab->o->accel == LAB_ACCEL_KVM) {
			lab_set_error("--accel kvm: %s", why);
			return -1;
		}
		lab->accel = kvm_ok ? LAB_ACCEL_KVM : LAB_ACCEL_TCG;
		snprintf(lab->why_accel, sizeof(lab->why_accel), "%s", why);
	}
	snprintf(lab->cpu, sizeof(lab->cpu), "%s",
		 lab->o->cpu		       ? lab->o->cpu
		 : lab->accel == LAB_ACCEL_KVM ? "host"
					       : TCG_CPU);
	return 0;
}
