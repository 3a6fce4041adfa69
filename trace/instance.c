/* SPDX-License-Identifier: MIT */
/* Where tracefs is (mounting it where it is not) and our instances' names. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tracefs/tracefs.h>

#include "trace/trace.h"

#define TRACEFS_MOUNT "/sys/kernel/tracing"

/* The first tracefs mount in /proc/mounts, or "" when there is none. */
static int find_tracefs(char *dir, size_t len)
{
	char line[1024], src[256], path[512], type[64];
	FILE *f = fopen("/proc/mounts", "r");

	dir[0] = 0;
	if (!f)
		return eb_fail_errno("open /proc/mounts");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %511s %63s", src, path, type) == 3 &&
		    strcmp(type, "tracefs") == 0) {
			snprintf(dir, len, "%s", path);
			break;
		}
	fclose(f);
	return 0;
}

int tracing_dir_get(char *dir, size_t len, bool *mounted)
{
	*mounted = false;
	if (find_tracefs(dir, len) < 0)
		return -1;
	if (dir[0])
		return 0;
	if (mount("nodev", TRACEFS_MOUNT, "tracefs", 0, NULL) < 0)
		return eb_fail_errno("mount tracefs on %s", TRACEFS_MOUNT);
	*mounted = true;
	snprintf(dir, len, "%s", TRACEFS_MOUNT);
	return 0;
}

/* Unmounts what tracing_dir_get mounted unless another instance is in use:
 * someone else started tracing meanwhile.  Says what it did in note. */
void tracing_dir_put(const char *dir, char *note, size_t len)
{
	char path[512];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/instances", dir);
	d = opendir(path);
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	if (!d || n > 0) {
		snprintf(note, len, "left tracefs mounted on %s: %d other instance(s) in use", dir,
			 n);
		return;
	}
	if (umount(dir) < 0)
		snprintf(note, len, "could not unmount tracefs from %s: %s", dir, strerror(errno));
}

/* The inode of our PID namespace, 0 when /proc cannot say. */
static unsigned long long pidns_ino(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* Field 22 of /proc/PID/stat (start time in clock ticks since boot); 0 when
 * there is no such process (or it cannot be read). */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the command name may hold spaces and ')' */
	if (!p || sscanf(p + 2,
			 "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
			 "%*s %*s %*s %llu",
			 &t) != 1)
		return 0;
	return t;
}

/* "exitbench-<pid>-<n>-<pid namespace inode>-<start time>"; false when name
 * is not in that form. */
static bool parse_name(const char *name, long *pid, unsigned long long *ns,
		       unsigned long long *start)
{
	unsigned int seq;
	int end = 0;

	if (strncmp(name, TRACE_INSTANCE_PREFIX, strlen(TRACE_INSTANCE_PREFIX)) != 0)
		return false;
	return sscanf(name + strlen(TRACE_INSTANCE_PREFIX), "%ld-%u-%llu-%llu%n", pid, &seq, ns,
		      start, &end) == 4 &&
	       name[strlen(TRACE_INSTANCE_PREFIX) + (size_t)end] == 0 && *pid > 0;
}

bool trace_instance_stale(const char *name)
{
	unsigned long long ns, start, ours = pidns_ino();
	long pid;

	/* Another PID namespace (a container sharing tracefs): its PID means
	 * nothing here, and kill(PID, 0) would judge an unrelated process. */
	if (!parse_name(name, &pid, &ns, &start) || !ours || ns != ours)
		return false;
	return start_time((pid_t)pid) != start; /* gone, or the PID was reused */
}

/* Removes one stale instance; -1 with a message when it cannot. */
static int remove_instance(const char *name)
{
	struct tracefs_instance *inst = tracefs_instance_alloc(NULL, name);

	if (!inst || tracefs_instance_destroy(inst) < 0) {
		int r = eb_fail_errno("remove stale trace instance %s", name);

		tracefs_instance_free(inst);
		return r;
	}
	tracefs_instance_free(inst);
	return 0;
}

int trace_remove_stale_instances(const char *tracing_dir, char *note, size_t len)
{
	char dir[512];
	struct dirent *de;
	int removed = 0;
	size_t used = 0;
	DIR *d;

	if (note && len)
		note[0] = 0;
	snprintf(dir, sizeof(dir), "%s/instances", tracing_dir);
	d = opendir(dir);
	if (!d)
		return eb_fail_errno("list trace instances in %s", dir);
	while ((de = readdir(d))) {
		if (!trace_instance_stale(de->d_name))
			continue;
		if (remove_instance(de->d_name) < 0) {
			closedir(d);
			return -1;
		}
		removed++;
		if (note && used < len)
			used +=
			    (size_t)snprintf(note + used, len - used, "%sremoved stale instance %s",
					     used ? "; " : "", de->d_name);
	}
	closedir(d);
	return removed;
}

struct tracefs_instance *instance_create_ours(char *name, size_t len)
{
	static unsigned int seq;

	for (int tries = 0; tries < 100; tries++) {
		struct tracefs_instance *inst;

		snprintf(name, len, TRACE_INSTANCE_PREFIX "%d-%u-%llu-%llu", (int)getpid(), seq++,
			 pidns_ino(), start_time(getpid()));
		inst = tracefs_instance_create(name);
		if (!inst) {
			eb_fail_errno("create trace instance %s", name);
			return NULL;
		}
		if (tracefs_instance_is_new(inst))
			return inst;
		tracefs_instance_free(inst); /* a live session of ours has it */
	}
	errno = EEXIST;
	eb_fail_errno("create trace instance " TRACE_INSTANCE_PREFIX "%d-*", (int)getpid());
	return NULL;
}

/* Bit 21 of CapEff in /proc/self/status. */
static bool have_sys_admin(void)
{
	char line[256];
	unsigned long long caps = 0;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	if (f)
		fclose(f);
	return caps & (1ULL << 21);
}

int trace_need_privilege(void)
{
	if (geteuid() == 0 || have_sys_admin())
		return 0;
	errno = EPERM;
	return eb_fail("tracing needs root or CAP_SYS_ADMIN (to mount tracefs and create a "
		       "trace instance); running as uid %d without it",
		       (int)geteuid());
}
