/* SPDX-License-Identifier: MIT */
/*
 * The one MSR filter (minivmm/msrfilter.c): KVM reads a range's bitmap as
 * unsigned longs, so the filter must point at a whole long (issue 13:
 * check_cpu.c passed a one-byte bitmap and KVM read 7 bytes of stack past
 * it).  Both users (the msr_user class, the msr-read/msr-write checks) go
 * through it: no other source file builds a filter.
 */
#include <stdio.h>
#include <string.h>

#include "minivmm/minivmm.h"
#include "tests/tap.h"

/* Does file declare a struct kvm_msr_filter? -1 when it cannot be read. */
static int mentions_filter(const char *file)
{
	char line[512];
	FILE *f = fopen(file, "r");
	int hit = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		hit |= strstr(line, "struct kvm_msr_filter") != NULL;
	fclose(f);
	return hit;
}

int main(void)
{
	struct {
		unsigned long bitmap;
		unsigned long canary;
	} mem = {~0UL, 0x5a5a5a5aUL};
	struct kvm_msr_filter f;
	const char *top = getenv("TOP") ? getenv("TOP") : ".";
	const char *users[] = {"bench/run/classes.c", "bench/check/check_cpu.c"};
	char path[4096];

	mvm_msr_filter_one(&f, &mem.bitmap, 0x40000fffu,
			   KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE);
	ok(f.flags == KVM_MSR_FILTER_DEFAULT_ALLOW, "default allow");
	ok(f.ranges[0].nmsrs == 1 && f.ranges[0].base == 0x40000fffu, "one range: the one MSR");
	ok(f.ranges[0].flags == (KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE), "read and write");
	ok(f.ranges[0].bitmap == (uint8_t *)&mem.bitmap,
	   "the bitmap KVM reads is a whole unsigned long (%zu bytes)", sizeof(mem.bitmap));
	ok(mem.bitmap == 0 && mem.canary == 0x5a5a5a5aUL, "bit 0 clear (denied), nothing past it");
	ok(f.ranges[1].nmsrs == 0 && f.ranges[1].bitmap == NULL, "no second range");
	for (unsigned int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", top, users[i]);
		ok(mentions_filter(path) == 0,
		   "%s builds no MSR filter of its own (minivmm's helper only)", users[i]);
	}
	return tap_done();
}
