/* SPDX-License-Identifier: MIT */
/* The emulator's process: start it, stream the command's output from the
 * control directory while it runs, stop it on a timeout or a signal. */
#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/lab/lab.h"

static volatile sig_atomic_t lab_signal;

static void on_signal(int sig)
{
	lab_signal = sig;
}

int lab_signalled(void)
{
	return lab_signal;
}

pid_t lab_spawn(const struct lab *lab, char *const *argv, const char *logname, bool own_net)
{
	char log[128];
	pid_t pid;
	int fd;

	snprintf(log, sizeof(log), "%s/%s", lab->ctl, logname);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		lab_set_error("create %s: %s", log, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		setpgid(0, 0); /* a Ctrl-C reaches the lab, which stops QEMU itself */
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* and a killed lab takes it along */
		/* bochs' display (rfb) listens on TCP 5900 and aborts when another
		 * instance holds it: each gets a network namespace of its own */
		if (own_net && unshare(CLONE_NEWNET))
			fprintf(stderr, "unshare(CLONE_NEWNET): %s: sharing the host's network\n",
				strerror(errno));
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	if (pid < 0)
		lab_set_error("fork for %s: %s", argv[0], strerror(errno));
	return pid;
}

void lab_pump(const struct lab *lab, struct stream *s)
{
	char path[128], buf[65536];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", lab->ctl, s->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while ((n = pread(fd, buf, sizeof(buf), s->off)) > 0) {
		if (write(s->out, buf, (size_t)n) < 0)
			break;
		s->off += n;
	}
	close(fd);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int lab_supervise(const struct lab *lab, pid_t pid, int *wstatus,
		  void (*dump)(const struct lab *lab))
{
	struct stream out = {"stdout", 1, 0}, err = {"stderr", 2, 0};
	struct sigaction sa = {.sa_handler = on_signal};
	double deadline = now() + lab->o->timeout_s;
	int end;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	for (;;) {
		lab_pump(lab, &out);
		lab_pump(lab, &err);
		if (waitpid(pid, wstatus, WNOHANG) == pid) {
			end = LAB_END_EXITED;
			break;
		}
		if (lab_signal) {
			stop(pid);
			end = LAB_END_SIGNAL;
			break;
		}
		if (now() > deadline) {
			if (dump)
				dump(lab);
			stop(pid);
			end = LAB_END_TIMEOUT;
			break;
		}
		usleep(50000);
	}
	lab_pump(lab, &out);
	lab_pump(lab, &err);
	return end;
}

int lab_exit_status(const char *emulator, int wstatus)
{
	if (!WIFEXITED(wstatus))
		lab_set_error("%s ended by signal %d", emulator, WTERMSIG(wstatus));
	else if (WEXITSTATUS(wstatus) != 0)
		lab_set_error("%s failed (status %d)", emulator, WEXITSTATUS(wstatus));
	return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 ? LAB_END_EXITED : -1;
}
