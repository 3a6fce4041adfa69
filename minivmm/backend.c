/* SPDX-License-Identifier: MIT */
/*
 * Which KVM backend runs our guests: the vendor module (kvm_intel: VT-x,
 * kvm_amd: AMD-V, anything else: "other"), and whether this host itself is
 * a guest (CPUID.1:ECX[31], the hypervisor bit, and the 0x40000000 leaf).
 */
#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "minivmm/minivmm.h"

static bool module_loaded(const char *sysfs, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/module/%s", sysfs, name);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A kvm_* module other than kvm itself and the vendor ones: kvm_pvm, ... */
static bool find_other_module(const char *sysfs, char *out, size_t len)
{
	char path[512];
	DIR *d;
	const struct dirent *e;
	bool found = false;

	snprintf(path, sizeof(path), "%s/module", sysfs);
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "kvm_", 4) == 0 && strcmp(e->d_name, "kvm_intel") &&
		    strcmp(e->d_name, "kvm_amd")) {
			snprintf(out, len, "%.31s", e->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

static void cpuid_signature(unsigned int leaf, char out[13])
{
	unsigned int a, b, c, d;

	__cpuid(leaf, a, b, c, d);
	if (leaf == 0) {
		memcpy(out, &b, 4);
		memcpy(out + 4, &d, 4);
		memcpy(out + 8, &c, 4);
	} else {
		memcpy(out, &b, 4);
		memcpy(out + 4, &c, 4);
		memcpy(out + 8, &d, 4);
	}
	out[12] = 0;
	(void)a;
}

static void detect_cpu(struct backend *b)
{
	unsigned int a, bx, c, d;

	cpuid_signature(0, b->vendor);
	__cpuid(1, a, bx, c, d);
	b->host_vmx = c & (1u << 5);
	b->nested = c & (1u << 31);
	if (__get_cpuid(0x80000001, &a, &bx, &c, &d))
		b->host_svm = c & (1u << 2);
	if (b->nested)
		cpuid_signature(0x40000000, b->hypervisor);
}

int backend_detect(struct backend *b, const char *sysfs)
{
	memset(b, 0, sizeof(*b));
	detect_cpu(b);
	if (module_loaded(sysfs, "kvm_intel")) {
		b->kind = BACKEND_VMX;
		snprintf(b->module, sizeof(b->module), "kvm_intel");
	} else if (module_loaded(sysfs, "kvm_amd")) {
		b->kind = BACKEND_SVM;
		snprintf(b->module, sizeof(b->module), "kvm_amd");
	} else {
		b->kind = BACKEND_OTHER;
		if (!find_other_module(sysfs, b->module, sizeof(b->module)))
			snprintf(b->module, sizeof(b->module), "%s",
				 module_loaded(sysfs, "kvm") ? "kvm (no vendor module)" : "none");
	}
	snprintf(b->name, sizeof(b->name), "%s",
		 b->kind == BACKEND_VMX	  ? "vmx"
		 : b->kind == BACKEND_SVM ? "svm"
					  : "other");
	return 0;
}

const char *backend_hypercall_insn(const struct backend *b)
{
	/* AMD (and Hygon) CPUs use vmmcall; KVM patches the other one, but we
	 * want the native instruction so the exit is the vendor's own. */
	if (strcmp(b->vendor, "AuthenticAMD") == 0 || strcmp(b->vendor, "HygonGenuine") == 0)
		return "vmmcall";
	return "vmcall";
}
