/* SPDX-License-Identifier: MIT */
/* Everything a result is labelled with: CPU, kernel, mitigations, KVM. */
#ifndef EXITBENCH_HOSTINFO_H
#define EXITBENCH_HOSTINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "minivmm/minivmm.h"

#define HOST_MAX_KV 96

struct kv {
	char name[64];
	char value[192];
};

struct kv_list {
	unsigned int n;
	struct kv item[HOST_MAX_KV];
};

struct host_info {
	char hostname[64];
	char kernel_release[128], kernel_version[128], cmdline[1024];
	char vendor[13], model_name[96], microcode[32];
	unsigned int family, model, stepping;
	char microarch[64]; /* bench/host/uarch.c name or "unknown (family f model m)" */
	char microarch_slug[64];
	int microarch_year;
	uint64_t tsc_khz;
	char tsc_khz_source[32]; /* "KVM_GET_TSC_KHZ", "cpuid 0x15", "unknown" */
	char governor[32];
	struct backend backend;
	char platform[16];	    /* bench/host/platform.h: bare-metal, nested, ... */
	bool guest_seen;	    /* microcode, microarch, mitigations are a guest's view */
	struct kv_list mitigations; /* /sys/devices/system/cpu/vulnerabilities */
	struct kv_list kvm_params;  /* /sys/module/kvm{,_vendor}/parameters */
	char lab[4096];		    /* inside exitbench lab: its facts (JSON), else "" */
	char lab_summary[512];	    /* one line of them for people */
	bool tsc_is_instructions;   /* bochs: one TSC tick per emulated instruction */
};

/* " (seen by the guest)" after a guest-seen field, else "" */
#define GUEST_SEEN(h) ((h)->guest_seen ? " (seen by the guest)" : "")

/* Reads the host's labels; tsc_khz from KVM when kvm is open, else CPUID.
 * -1 with eb_error() only when the lab's facts ($EXITBENCH_LAB) name a
 * platform that is none of the four. */
int hostinfo_collect(struct host_info *h, struct kvm_sys *kvm);

#endif
