/* SPDX-License-Identifier: MIT */
/* The data directory: $EXITBENCH_DATADIR, the source tree, or the one compiled in. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/datadir/datadir.h"
#include "bench/version/version.h"
#include "lib/error.h"

#ifndef EXITBENCH_DATADIR
#define EXITBENCH_DATADIR "/usr/local/share/exitbench"
#endif
#ifndef EXITBENCH_RELEASE
#define EXITBENCH_RELEASE "0.1.0"
#endif

const char *datadir_builtin(void)
{
	return EXITBENCH_DATADIR;
}

static int set(struct datadir *d, const char *root, const char *scripts, const char *published,
	       const char *schema, const char *from)
{
	if (snprintf(d->root, sizeof(d->root), "%s", root) >= (int)sizeof(d->root) ||
	    snprintf(d->scripts, sizeof(d->scripts), "%s/%s", root, scripts) >=
		(int)sizeof(d->scripts) ||
	    snprintf(d->published, sizeof(d->published), "%s/%s", root, published) >=
		(int)sizeof(d->published) ||
	    snprintf(d->schema, sizeof(d->schema), "%s/%s", root, schema) >= (int)sizeof(d->schema))
		return eb_fail("data directory %s: path too long", root);
	d->from = from;
	return 0;
}

/* The installed layout: DIR/scripts/NAME.gp, DIR/published.csv, DIR/schema/. */
static int installed(struct datadir *d, const char *dir, const char *label)
{
	char probe[PATH_MAX + 32];

	if (set(d, dir, "scripts", "published.csv", "schema", label))
		return -1;
	snprintf(probe, sizeof(probe), "%s/classes.gp", d->scripts);
	if (access(probe, R_OK) < 0)
		return eb_fail_errno("%s%s: no exitbench data: read %s", label, dir, probe);
	if (access(d->published, R_OK) < 0)
		return eb_fail_errno("%s%s: no exitbench data: read %s", label, dir, d->published);
	return 0;
}

/* <tree>/<build>/exitbench with <tree>/bench/main.c and <tree>/scripts/classes.gp. */
static int source_tree(struct datadir *d)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = 0;
	for (int up = 0; up < 2; up++) {
		slash = strrchr(exe, '/');
		if (!slash || slash == exe)
			return -1;
		*slash = 0;
	}
	snprintf(probe, sizeof(probe), "%s/bench/main.c", exe);
	if (access(probe, R_OK) < 0)
		return -1;
	snprintf(probe, sizeof(probe), "%s/scripts/classes.gp", exe);
	if (access(probe, R_OK) < 0)
		return -1;
	return set(d, exe, "scripts", "results/published.csv", "docs/schema", "source tree");
}

int datadir_find(struct datadir *d)
{
	const char *env = getenv("EXITBENCH_DATADIR");
	char why[512];

	memset(d, 0, sizeof(*d));
	if (env && *env) {
		if (installed(d, env, "EXITBENCH_DATADIR="))
			return -1;
		d->from = "EXITBENCH_DATADIR";
		return 0;
	}
	if (source_tree(d) == 0)
		return 0;
	if (installed(d, EXITBENCH_DATADIR, "") == 0) {
		d->from = "built-in";
		return 0;
	}
	snprintf(why, sizeof(why), "%s", eb_error()); /* eb_fail reuses its buffer */
	return eb_fail("%s (install exitbench, set EXITBENCH_DATADIR, or run the binary from "
		       "its source tree)",
		       why);
}

int datadir_print_version(void)
{
	struct datadir d;

	printf("exitbench %s\n", EXITBENCH_RELEASE);
	printf("method %d\n", EXITBENCH_METHOD_VERSION);
	printf("source %s", EXITBENCH_VERSION);
	if (exitbench_build_commit[0])
		printf(" (commit %s%s)", exitbench_build_commit,
		       exitbench_build_modified ? ", with local changes" : "");
	printf("\n");
	if (datadir_find(&d) == 0)
		printf("data %s (%s)\n", d.root, d.from);
	else
		printf("data missing: %s\n", eb_error());
	return 0;
}
