/* SPDX-License-Identifier: MIT */
/*
 * exitbench report, phases 2 and 3: every output is built in a private
 * staging directory inside the output directory (.exitbench-report.XXXXXX,
 * the same filesystem), then moved into place as a set: the new plots/
 * directory is swapped with the old one in one renameat2(RENAME_EXCHANGE),
 * then README.md is renamed over the old one.  Nothing reaches the output
 * directory unless the whole report was built; plots of runs no longer
 * reported go with the old directory.  A signal (SIGINT, SIGTERM, SIGHUP)
 * while the report is built removes the stage and leaves the outputs as
 * they were; the few renames of the commit run with those signals blocked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/files.h"
#include "bench/report/report.h"
#include "lib/error.h"

volatile sig_atomic_t report_interrupted;

static void on_signal(int sig)
{
	report_interrupted = sig;
}

/* No SA_RESTART: a wait for gnuplot ends early, and the report stops. */
void report_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* After the stage is gone: die of the signal that stopped the report. */
void report_reraise(void)
{
	int sig = report_interrupted;

	if (!sig)
		return;
	signal(sig, SIG_DFL);
	raise(sig);
}

int report_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return eb_fail_errno("path %.64s...", buf);
	}
	return 0;
}

int stage_open(struct report *r)
{
	char plots[PATH_MAX];

	if (report_path(r->stage, sizeof(r->stage), "%s/.exitbench-report.XXXXXX", r->o->out_dir) ||
	    mkdir_parents(r->stage, false))
		return -1;
	if (!mkdtemp(r->stage)) {
		int ret = eb_fail_errno("create staging directory %s", r->stage);

		r->stage[0] = 0;
		return ret;
	}
	if (report_path(plots, sizeof(plots), "%s/plots", r->stage))
		return -1;
	if (mkdir(plots, 0755) < 0)
		return eb_fail_errno("create %s", plots);
	return 0;
}

static int remember(struct report *r, const char *rel, bool commit)
{
	struct staged *f = realloc(r->files, (r->nfiles + 1) * sizeof(*f));

	if (!f)
		return eb_fail_errno("remember %s", rel);
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
		return eb_fail_errno("gnuplot output %s", rel);
	if (remember(r, rel, commit))
		return -1;
	if (commit && st.st_size == 0)
		return eb_fail("gnuplot output %s is empty", rel);
	return 0;
}

/* The logs kept only while the report is built leave the stage first. */
static void drop_uncommitted(struct report *r)
{
	for (unsigned int i = 0; i < r->nfiles; i++) {
		char path[PATH_MAX];

		if (!r->files[i].commit &&
		    report_path(path, sizeof(path), "%s/%s", r->stage, r->files[i].rel) == 0)
			unlink(path);
	}
}

/* plots/ into place: exchanged with the old one (which lands in the stage
 * and is removed with it), or renamed when there is none. */
static int swap_plots(struct report *r, const char *from, const char *to)
{
	struct stat st;

	if (lstat(to, &st) == 0 && !S_ISDIR(st.st_mode))
		return eb_fail("%s exists and is not a directory", to);
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno == ENOENT && rename(from, to) == 0)
		return 0;
	(void)r;
	return eb_fail_errno("move %s into place as %s", from, to);
}

static int commit_set(struct report *r)
{
	char from[PATH_MAX], to[PATH_MAX], rfrom[PATH_MAX], rto[PATH_MAX];

	drop_uncommitted(r);
	if (report_path(from, sizeof(from), "%s/plots", r->stage) ||
	    report_path(to, sizeof(to), "%s/plots", r->o->out_dir) ||
	    report_path(rfrom, sizeof(rfrom), "%s/README.md", r->stage) ||
	    report_path(rto, sizeof(rto), "%s/README.md", r->o->out_dir))
		return -1;
	if (swap_plots(r, from, to))
		return -1;
	if (rename(rfrom, rto) == 0)
		return 0;
	eb_fail_errno("move %s into place as %s", rfrom, rto);
	/* put the old plots back: the set stays the old one */
	renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE);
	return -1;
}

int stage_commit(struct report *r)
{
	sigset_t block, old;
	int ret;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	ret = report_interrupted ? eb_fail("interrupted by signal %d before the outputs were "
					   "moved into place; they are as they were",
					   (int)report_interrupted)
				 : commit_set(r);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
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
		return errno == ENOENT ? 0 : eb_fail_errno("open %s", path);
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	if (strcmp(line, REPORT_MARKER))
		return eb_fail("refusing to replace %s: it was not written by exitbench report "
			       "(its first line is not the report's marker)",
			       path);
	return 0;
}
