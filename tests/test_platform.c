/* SPDX-License-Identifier: MIT */
/* host.platform: the derivation rules (bench/platform/platform.c), the
 * lab's word through $EXITBENCH_LAB, and which runs see their CPU as a guest. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench/platform/platform.h"
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

static void test_lab_file(void)
{
	char path[] = "/tmp/test_platform.XXXXXX", out[16] = "x";
	int fd = mkstemp(path), rc;

	unsetenv("EXITBENCH_LAB");
	ok(platform_from_lab(out, sizeof(out)) == 0 && out[0] == 0, "no lab: no platform");
	if (fd < 0 || write(fd, "{\"platform\": \"emulated\", \"accel\": \"tcg\"}", 40) != 40)
		diag("could not write %s", path);
	close(fd);
	setenv("EXITBENCH_LAB", path, 1);
	ok(platform_from_lab(out, sizeof(out)) == 0 && !strcmp(out, "emulated"),
	   "$EXITBENCH_LAB: the lab's platform (%s)", out);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0 || write(fd, "{\"platform\": \"metal\"}", 21) != 21)
		diag("could not rewrite %s", path);
	close(fd);
	rc = platform_from_lab(out, sizeof(out));
	ok(rc < 0 && strstr(mvm_error(), "platform"),
	   "a lab file with another platform name is an error (%s)", mvm_error());
	unlink(path);
	rc = platform_from_lab(out, sizeof(out));
	ok(rc < 0 && strstr(mvm_error(), path), "a missing lab file is an error naming it (%s)",
	   mvm_error());
	unsetenv("EXITBENCH_LAB");
}

int main(void)
{
	test_derive();
	test_lab_file();
	return tap_done();
}
