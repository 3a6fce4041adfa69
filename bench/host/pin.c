/* SPDX-License-Identifier: MIT */
/* CPU pinning of vCPU threads and SMT sibling detection. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/host/pin.h"
#include "lib/error.h"

int pin_thread(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return eb_fail_errno("pin the vCPU thread to CPU %d", cpu);
	return 0;
}

/* Is cpu in a sysfs CPU list such as "0-1,8,10-11"? */
bool cpu_in_list(const char *list, int cpu)
{
	const char *p = list;

	while (*p) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			return false;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (cpu >= lo && cpu <= hi)
			return true;
		p = *end == ',' ? end + 1 : end;
		if (*p == '\n')
			break;
	}
	return false;
}

bool cpus_are_siblings(int a, int b)
{
	char path[128], list[256] = "";
	FILE *f;

	if (a < 0 || b < 0 || a == b)
		return false;
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list",
		 a);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(list, sizeof(list), f))
		list[0] = 0;
	fclose(f);
	return cpu_in_list(list, b);
}
