/* SPDX-License-Identifier: MIT */
/* Runs the exitbench binary from a C test and reads back what it printed. */
#ifndef EXITBENCH_TESTS_RUN_CMD_H
#define EXITBENCH_TESTS_RUN_CMD_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The whole of path, malloc'd and NUL-terminated; "" when it cannot be read. */
static inline char *run_cmd_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n = -1;

	if (f && fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (f && n >= 0) {
		rewind(f);
		buf = calloc(1, (size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
			buf[0] = 0;
	}
	if (f)
		fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	return buf;
}

/*
 * Runs exe with args (NULL-terminated, at most 30), with PATH set to
 * path_env unless that is NULL.  Its stdout and stderr go to dir/stdout and
 * dir/stderr and come back malloc'd in *out and *err (err without its last
 * newline, so that TAP lines stay whole).  Returns the exit status, 128 when
 * a signal ended it, -1 when it could not be run.
 */
static inline int run_cmd(const char *exe, const char *dir, const char *path_env, char **out,
			  char **err, const char *const *args)
{
	const char *argv[32] = {exe};
	char fo[300], fe[300];
	int n, status;
	pid_t pid;

	for (n = 1; args[n - 1] && n < 31; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	snprintf(fo, sizeof(fo), "%s/stdout", dir);
	snprintf(fe, sizeof(fe), "%s/stderr", dir);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int o = open(fo, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(fe, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(125);
		if (path_env)
			setenv("PATH", path_env, 1);
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	*out = run_cmd_slurp(fo);
	*err = run_cmd_slurp(fe);
	if (**err && (*err)[strlen(*err) - 1] == '\n')
		(*err)[strlen(*err) - 1] = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

#endif
