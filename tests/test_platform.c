/* SPDX-License-Identifier: MIT */
/* host.platform: the derivation rules (bench/host/platform.c), the
 * lab's word through $EXITBENCH_LAB, and which runs see their CPU as a guest. */
#include <stdlib.h>

#include "bench/host/platform.h"
#include "minivmm/minivmm.h"
#include "tests/tap.h"

static void test_derive(void)
{
	ok(!strcmp(platform_derive(NULL, "vmx", false, ""), "bare-metal"),
	   "vmx on a host that is no guest: bare-metal");
	ok(!strcmp(platform_derive(NULL, "svm", true, "KVMKVMKVM"), "nested"),
	   "svm under KVM: nested");
	ok(!strcmp(platform_derive(NULL, "svm", true, "TCGTCGTCGTCG"), "emulated"),
	   "svm under QEMU TCG (signature TCGTCGTCGTCG): emulated");
	ok(!strcmp(platform_derive(NULL, "other", true, "KVMKVMKVM"), "software"),
	   "backend other (kvm_pvm) under KVM: software");
	ok(!strcmp(platform_derive(NULL, "other", false, ""), "software"),
	   "backend other on a host that is no guest: software");
	ok(!strcmp(platform_derive("emulated", "vmx", false, ""), "emulated"),
	   "the lab's platform wins over what the CPU says");
	ok(!strcmp(platform_derive("bogus", "vmx", false, ""), "bare-metal"),
	   "a lab platform that is no platform name is ignored by the derivation");
	ok(platform_guest_seen("nested", true) && platform_guest_seen("emulated", false) &&
	       platform_guest_seen("software", true) && !platform_guest_seen("software", false) &&
	       !platform_guest_seen("bare-metal", false),
	   "guest-seen: nested, emulated, and any backend on a host that is a guest");
	ok(!platform_has_hardware_year("nested", true) &&
	       platform_has_hardware_year("bare-metal", false),
	   "a hardware generation's year only for runs that see the hardware");
}

static void test_lab_facts(void)
{
	char out[16] = "x";
	int rc;

	ok(platform_from_lab("", out, sizeof(out)) == 0 && out[0] == 0, "no lab: no platform");
	ok(platform_from_lab("{\"platform\": \"emulated\", \"accel\": \"tcg\"}", out,
			     sizeof(out)) == 0 &&
	       !strcmp(out, "emulated"),
	   "the lab's facts: its platform (%s)", out);
	ok(platform_from_lab("{\"accel\": \"tcg\"}", out, sizeof(out)) == 0 && out[0] == 0,
	   "lab facts without a platform: derived from the CPU");
	rc = platform_from_lab("{\"platform\": \"metal\"}", out, sizeof(out));
	ok(rc < 0 && strstr(eb_error(), "platform"),
	   "lab facts with another platform name are an error (%s)", eb_error());
}

int main(void)
{
	test_derive();
	test_lab_facts();
	return tap_done();
}
