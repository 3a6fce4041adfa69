/* SPDX-License-Identifier: MIT */
/*
 * Which trace instances a new exitbench trace may remove as stale (issue
 * 13): kill(pid, 0) says nothing about a process of another PID namespace
 * (a container sharing tracefs) and is fooled by a reused PID, so the name
 * carries the PID namespace and the process start time.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/tap.h"
#include "trace/trace.h"

static unsigned long long start_of(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (p)
		sscanf(p + 2,
		       "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
		       "%*s %*s %llu",
		       &t);
	return t;
}

int main(void)
{
	unsigned long long ns, me = start_of(getpid());
	struct stat st;
	char name[160];
	pid_t dead;

	if (stat("/proc/self/ns/pid", &st) < 0 || !me)
		tap_skip_all("no /proc/self/ns/pid or /proc/self/stat");
	ns = (unsigned long long)st.st_ino;
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0); /* a PID that was ours and is gone */

	snprintf(name, sizeof(name), "exitbench-%d-0-%llu-%llu", (int)getpid(), ns, me);
	ok(!trace_instance_stale(name), "our own live instance is not stale: %s", name);
	snprintf(name, sizeof(name), "exitbench-%d-0-%llu-%llu", (int)getpid(), ns, me + 1);
	ok(trace_instance_stale(name), "our PID, another start time (PID reused): stale");
	snprintf(name, sizeof(name), "exitbench-%d-3-%llu-%llu", (int)dead, ns, me);
	ok(trace_instance_stale(name), "a gone process of our namespace: stale");
	snprintf(name, sizeof(name), "exitbench-%d-3-%llu-%llu", (int)dead, ns + 1, me);
	ok(!trace_instance_stale(name), "a gone PID of another PID namespace: left alone");
	snprintf(name, sizeof(name), "exitbench-%d-3-%llu-%llu", (int)getpid(), ns + 1, me + 1);
	ok(!trace_instance_stale(name), "our PID number in another namespace: left alone");
	snprintf(name, sizeof(name), "exitbench-%d-0", (int)dead);
	ok(!trace_instance_stale(name), "the older name without namespace: left alone");
	ok(!trace_instance_stale("exitbench-x-0-1-2") && !trace_instance_stale("other-1-0-1-2") &&
	       !trace_instance_stale("exitbench-1-0-1-2-junk"),
	   "names not in the form: left alone");
	return tap_done();
}
