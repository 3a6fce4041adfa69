/* SPDX-License-Identifier: MIT */
/* exitbench report: gnuplot runs the scripts in scripts/ on the staged data files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/error.h"
#include "bench/datadir/datadir.h"
#include "bench/report/report.h"

static bool executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* gnuplot from $GNUPLOT (which must then work) or PATH; "" when absent. */
static int find_gnuplot(char *buf, size_t len)
{
	const char *env = getenv("GNUPLOT"), *path = getenv("PATH");
	char dirs[8192], *save = NULL;

	buf[0] = 0;
	if (env && *env) {
		if (!executable(env))
			return eb_fail("GNUPLOT=%s: not an executable file", env);
		snprintf(buf, len, "%s", env);
		return 0;
	}
	snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/bin:/bin");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, len, "%s/gnuplot", *d ? d : ".");
		if (executable(buf))
			return 0;
	}
	buf[0] = 0;
	return 0;
}

static bool has_scripts(const char *dir)
{
	char p[PATH_MAX];

	return report_path(p, sizeof(p), "%s/classes.gp", dir) == 0 && access(p, R_OK) == 0;
}

/* --scripts DIR, else scripts/ of the data directory (bench/datadir/datadir.h). */
static int find_scripts(struct report *r)
{
	struct datadir d;

	if (r->o->scripts_dir) {
		if (!has_scripts(r->o->scripts_dir) || !realpath(r->o->scripts_dir, r->scripts))
			return eb_fail("--scripts %s: no classes.gp there", r->o->scripts_dir);
		return 0;
	}
	if (datadir_find(&d))
		return eb_fail("gnuplot scripts: %s", eb_error());
	if (!has_scripts(d.scripts) || !realpath(d.scripts, r->scripts))
		return eb_fail_errno("gnuplot scripts: %s/classes.gp", d.scripts);
	return 0;
}

int report_find_gnuplot(struct report *r)
{
	if (find_gnuplot(r->gnuplot, sizeof(r->gnuplot)))
		return -1;
	if (!r->gnuplot[0]) {
		snprintf(r->plot_note, sizeof(r->plot_note),
			 "gnuplot was not found in PATH, so no plots were drawn; the data files "
			 "under plots/ are complete (install gnuplot-nox and run `make report`)");
		return 0;
	}
	return find_scripts(r);
}

/* The child: in stage/plots, stdout and stderr into the job's log. */
static void exec_job(const struct report *r, const struct plot_job *j, const char *log)
{
	char script[PATH_MAX + 32], plots[PATH_MAX];
	char *argv[4 + PLOT_MAX_ARGS];
	int fd, a = 0;

	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || report_path(plots, sizeof(plots), "%s/plots", r->stage) ||
	    report_path(script, sizeof(script), "%s/%s", r->scripts, j->script) ||
	    chdir(plots) < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
		_exit(126);
	argv[a++] = "gnuplot";
	argv[a++] = "-c";
	argv[a++] = script;
	for (unsigned int i = 0; i < j->nargs; i++)
		argv[a++] = (char *)j->args[i];
	argv[a] = NULL;
	execv(r->gnuplot, argv);
	dprintf(fd, "exec %s: %s\n", r->gnuplot, strerror(errno));
	_exit(127);
}

/* The last line gnuplot wrote (its error message), for a one-line error. */
static void last_line(const char *log, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(log, "r");

	buf[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[strspn(line, " \t^")])
			snprintf(buf, len, "%s", line);
	}
	if (f)
		fclose(f);
}

static int run_job(struct report *r, const struct plot_job *j)
{
	char log[PATH_MAX], rel[200], msg[512];
	int status;
	pid_t pid;

	snprintf(rel, sizeof(rel), "plots/%s.gnuplot.log", j->out);
	if (report_path(log, sizeof(log), "%s/%s", r->stage, rel))
		return -1;
	pid = fork();
	if (pid < 0)
		return eb_fail_errno("fork for gnuplot %s", j->script);
	if (pid == 0)
		exec_job(r, j, log);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return eb_fail_errno("wait for gnuplot %s", j->script);
		if (report_interrupted)
			kill(pid, SIGTERM); /* then wait for it: no gnuplot outlives us */
	}
	if (report_interrupted)
		return eb_fail("interrupted by signal %d while gnuplot drew plots/%s; the "
			       "outputs are as they were",
			       (int)report_interrupted, j->out);
	if (stage_adopt(r, rel, false))
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		last_line(log, msg, sizeof(msg));
		return eb_fail("gnuplot %s/%s for plots/%s failed (%s %d): %s", r->scripts,
			       j->script, j->out, WIFEXITED(status) ? "exit status" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), msg);
	}
	snprintf(rel, sizeof(rel), "plots/%s.png", j->out);
	if (stage_adopt(r, rel, true))
		return -1;
	snprintf(rel, sizeof(rel), "plots/%s.svg", j->out);
	return stage_adopt(r, rel, true);
}

int report_plot(struct report *r)
{
	if (!r->gnuplot[0])
		return 0;
	for (unsigned int i = 0; i < r->njobs; i++)
		if (run_job(r, &r->jobs[i]))
			return -1;
	r->plots = true;
	return 0;
}
