/* SPDX-License-Identifier: MIT */
/* Writing outputs: a file whole or not at all (temp file beside it, then
 * rename/link), its directories, the UTC time stamp outputs carry. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/files.h"

static int finish(const char *tmp, const char *path, bool no_clobber)
{
	if (no_clobber) {
		/* link() refuses an existing name: never overwrite a result. */
		if (link(tmp, path) < 0) {
			int r = eb_fail_errno("create %s", path);
			unlink(tmp);
			return r;
		}
		unlink(tmp);
		return 0;
	}
	if (rename(tmp, path) < 0) {
		int r = eb_fail_errno("rename %s to %s", tmp, path);
		unlink(tmp);
		return r;
	}
	return 0;
}

int atomic_write(const char *path, bool no_clobber, int (*fill)(FILE *f, const void *arg),
		 const void *arg)
{
	char tmp[4096];
	int fd;
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return eb_fail_errno("write %s", path);
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		return eb_fail_errno("create a temporary file for %s", path);
	f = fdopen(fd, "w");
	if (!f) {
		int r = eb_fail_errno("open %s", tmp);
		close(fd);
		unlink(tmp);
		return r;
	}
	fchmod(fd, 0644);
	if (fill(f, arg) < 0 || fflush(f) != 0 || fsync(fd) != 0) {
		int r = eb_fail_errno("write %s", path);
		fclose(f);
		unlink(tmp);
		return r;
	}
	if (fclose(f) != 0) {
		int r = eb_fail_errno("close %s", tmp);
		unlink(tmp);
		return r;
	}
	return finish(tmp, path, no_clobber);
}

void utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int mkdir_parents(const char *path, bool include_last)
{
	char buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return eb_fail_errno("create directories for %s", path);
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return eb_fail_errno("create directory %s", buf);
		*p = '/';
	}
	if (include_last && mkdir(buf, 0755) < 0 && errno != EEXIST)
		return eb_fail_errno("create directory %s", buf);
	return 0;
}
