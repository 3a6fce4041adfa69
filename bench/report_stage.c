/* SPDX-License-Identifier: MIT */
/*
 * exitbench report, phases 2 and 3: every output is built in a private
 * staging directory first, then copied into the output directory one file
 * at a time with atomic_write().  Nothing reaches the output directory
 * unless the whole report was built.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/report.h"
#include "bench/result.h"

int report_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return mvm_fail_errno("path %.64s...", buf);
	}
	return 0;
}

int stage_open(struct report *r)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(r->stage, sizeof(r->stage), "%s/exitbench-report.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(r->stage)) {
		int ret = mvm_fail_errno("create staging directory %s", r->stage);

		r->stage[0] = 0;
		return ret;
	}
	return 0;
}

static int remember(struct report *r, const char *rel, bool commit)
{
	struct staged *f = realloc(r->files, (r->nfiles + 1) * sizeof(*f));

	if (!f)
		return mvm_fail_errno("remember %s", rel);
	r->files = f;
	snprintf(f[r->nfiles].rel, sizeof(f[0].rel), "%s", rel);
	f[r->nfiles].commit = commit;
	r->nfiles++;
	return 0;
}

int stage_write(struct report *r, const char *rel, int (*fill)(FILE *f, const void *arg),
		const void *arg)
{
	char path[PATH_MAX];

	if (report_path(path, sizeof(path), "%s/%s", r->stage, rel) || mkdir_parents(path, false) ||
	    remember(r, rel, true))
		return -1;
	return atomic_write(path, false, fill, arg);
}

int stage_adopt(struct report *r, const char *rel, bool commit)
{
	char path[PATH_MAX];
	struct stat st;

	if (report_path(path, sizeof(path), "%s/%s", r->stage, rel))
		return -1;
	if (stat(path, &st) < 0)
		return mvm_fail_errno("gnuplot output %s", rel);
	if (remember(r, rel, commit))
		return -1;
	if (commit && st.st_size == 0)
		return mvm_fail("gnuplot output %s is empty", rel);
	return 0;
}

static int copy_fill(FILE *out, const void *arg)
{
	FILE *in = fopen(arg, "r");
	char buf[65536];
	size_t n;
	int ret = 0;

	if (!in)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n) {
			ret = -1;
			break;
		}
	if (ferror(in))
		ret = -1;
	fclose(in);
	return ret;
}

int stage_commit(struct report *r)
{
	for (unsigned int i = 0; i < r->nfiles; i++) {
		char from[PATH_MAX], to[PATH_MAX];

		if (!r->files[i].commit)
			continue;
		if (report_path(from, sizeof(from), "%s/%s", r->stage, r->files[i].rel) ||
		    report_path(to, sizeof(to), "%s/%s", r->o->out_dir, r->files[i].rel) ||
		    mkdir_parents(to, false) || atomic_write(to, false, copy_fill, from))
			return -1;
	}
	return 0;
}

/* Empties one directory of the private stage (only this report writes there). */
static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[PATH_MAX];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (report_path(path, sizeof(path), "%s/%s", dir, e->d_name) == 0)
			unlink(path);
	}
	if (d)
		closedir(d);
}

/* Removes the staging directory: the files this report made there, then it. */
void stage_close(struct report *r)
{
	char plots[PATH_MAX];

	if (!r->stage[0])
		return;
	if (report_path(plots, sizeof(plots), "%s/plots", r->stage) == 0) {
		empty_dir(plots);
		rmdir(plots);
	}
	empty_dir(r->stage);
	if (rmdir(r->stage) < 0 && errno != ENOENT)
		fprintf(stderr, "exitbench: warning: remove staging directory %s: %s\n", r->stage,
			strerror(errno));
	free(r->files);
	r->files = NULL;
	r->nfiles = 0;
	r->stage[0] = 0;
}

int stage_check_readme(const char *out_dir)
{
	char path[PATH_MAX], line[256] = "";
	FILE *f;

	if (report_path(path, sizeof(path), "%s/README.md", out_dir))
		return -1;
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : mvm_fail_errno("open %s", path);
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	if (strcmp(line, REPORT_MARKER))
		return mvm_fail("refusing to replace %s: it was not written by exitbench report "
				"(its first line is not the report's marker)",
				path);
	return 0;
}
