/* SPDX-License-Identifier: MIT */
/* Where tracefs is (mounting it where it is not) and our instances' names. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
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
		return mvm_fail_errno("open /proc/mounts");
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
		return mvm_fail_errno("mount tracefs on %s", TRACEFS_MOUNT);
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

/* Parses "exitbench-<pid>-<n>"; 0 when name is not ours. */
static pid_t instance_pid(const char *name)
{
	char *end;
	long pid;

	if (strncmp(name, TRACE_INSTANCE_PREFIX, strlen(TRACE_INSTANCE_PREFIX)) != 0)
		return 0;
	pid = strtol(name + strlen(TRACE_INSTANCE_PREFIX), &end, 10);
	if (pid <= 0 || *end != '-')
		return 0;
	return (pid_t)pid;
}

/* Removes one stale instance; -1 with a message when it cannot. */
static int remove_instance(const char *name)
{
	struct tracefs_instance *inst = tracefs_instance_alloc(NULL, name);

	if (!inst || tracefs_instance_destroy(inst) < 0) {
		int r = mvm_fail_errno("remove stale trace instance %s", name);

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
		return mvm_fail_errno("list trace instances in %s", dir);
	while ((de = readdir(d))) {
		pid_t pid = instance_pid(de->d_name);

		if (!pid || kill(pid, 0) == 0 || errno != ESRCH)
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

		snprintf(name, len, TRACE_INSTANCE_PREFIX "%d-%u", (int)getpid(), seq++);
		inst = tracefs_instance_create(name);
		if (!inst) {
			mvm_fail_errno("create trace instance %s", name);
			return NULL;
		}
		if (tracefs_instance_is_new(inst))
			return inst;
		tracefs_instance_free(inst); /* a live session of ours has it */
	}
	errno = EEXIST;
	mvm_fail_errno("create trace instance " TRACE_INSTANCE_PREFIX "%d-*", (int)getpid());
	return NULL;
}
