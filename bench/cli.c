/* SPDX-License-Identifier: MIT */
/* Option value parsing shared by the subcommands. */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/cli.h"

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("exitbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || !isdigit((unsigned char)s[0]))
		return usage_error("%s: '%s' is not a number", opt, s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return usage_error("%s: '%s' is not a number", opt, s);
	if (errno == ERANGE || v < lo || v > hi)
		return usage_error("%s: %s is out of range (%llu..%llu)", opt, s,
				   (unsigned long long)lo, (unsigned long long)hi);
	*out = v;
	return 0;
}

int check_writable(const char *opt, const char *path)
{
	char copy[4096];
	const char *dir;

	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return usage_error("%s: cannot write %s: a directory, expected a file name", opt,
				   path);
	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (access(dir, W_OK) < 0)
		return usage_error("%s: cannot write %s: directory %s: %s", opt, path, dir,
				   strerror(errno));
	return 0;
}

void join_command_line(int argc, char **argv, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (int i = 0; i < argc && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", argv[i]);
}
