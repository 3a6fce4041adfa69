/* SPDX-License-Identifier: MIT */
/* One lab boot: QEMU's command line, the supervisor loop that streams the
 * command's output, and the end: the command's status, a lab error, a guest
 * that stopped early, or a timeout with the vCPUs' registers in the log. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/lab/lab.h"

#define QEMU	 "qemu-system-x86_64"
#define MAX_ARGS 64

static volatile sig_atomic_t lab_signal;

static void on_signal(int sig)
{
	lab_signal = sig;
}

struct argv_buf {
	char *a[MAX_ARGS];
	char s[MAX_ARGS][4400];
	int n;
};

static void arg(struct argv_buf *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct argv_buf *v, const char *fmt, ...)
{
	va_list ap;

	if (v->n >= MAX_ARGS - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(v->s[v->n], sizeof(v->s[0]), fmt, ap);
	va_end(ap);
	v->a[v->n] = v->s[v->n];
	v->a[++v->n] = NULL;
}

static void kernel_cmdline(const struct lab *lab, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "console=ttyS0 panic=-1 loglevel=4");

	for (unsigned int i = 0; i < lab->o->nparams && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " %s", lab->o->params[i]);
}

static void qemu_argv(const struct lab *lab, struct argv_buf *v)
{
	static const char share[] = "local,security_model=none,multidevs=remap";
	char cmdline[2048];

	kernel_cmdline(lab, cmdline, sizeof(cmdline));
	arg(v, QEMU);
	arg(v, "-nodefaults");
	arg(v, "-no-user-config");
	arg(v, "-no-reboot");
	arg(v, "-display");
	arg(v, "none");
	arg(v, "-accel");
	arg(v, "%s", lab->accel == LAB_ACCEL_KVM ? "kvm" : "tcg,thread=single");
	arg(v, "-cpu");
	arg(v, "%s", lab->cpu);
	arg(v, "-smp");
	arg(v, "%u", lab->o->smp);
	arg(v, "-m");
	arg(v, "%u", lab->o->mem_mb);
	arg(v, "-kernel");
	arg(v, "%s", lab->k.image);
	arg(v, "-initrd");
	arg(v, "%s/initramfs.cpio", lab->ctl);
	arg(v, "-append");
	arg(v, "%s", cmdline);
	arg(v, "-serial");
	arg(v, "file:%s/console.log", lab->ctl);
	arg(v, "-monitor");
	arg(v, "unix:%s/mon.sock,server=on,wait=off", lab->ctl);
	arg(v, "-virtfs");
	arg(v, "%s,path=/,mount_tag=hostroot,readonly=on", share);
	arg(v, "-virtfs");
	arg(v, "%s,path=%s,mount_tag=labctl", share, lab->ctl);
	if (strcmp(lab->cwd, "/") != 0) {
		arg(v, "-virtfs");
		arg(v, "%s,path=%s,mount_tag=hostcwd", share, lab->cwd);
	}
}

static pid_t spawn(const struct lab *lab, const struct argv_buf *v)
{
	char log[128];
	pid_t pid;
	int fd;

	snprintf(log, sizeof(log), "%s/qemu.log", lab->ctl);
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
		execvp(v->a[0], v->a);
		fprintf(stderr, "exec %s: %s\n", v->a[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	if (pid < 0)
		lab_set_error("fork for %s: %s", QEMU, strerror(errno));
	return pid;
}

/* Copies what the guest appended to CTL/name since last time to fd out. */
struct stream {
	const char *name;
	int out;
	off_t off;
};

static void pump(const struct lab *lab, struct stream *s)
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

/* Asks QEMU's monitor for the vCPUs' registers; appends them to console.log. */
static void dump_registers(const struct lab *lab)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 3};
	char path[128], buf[8192];
	FILE *log;
	ssize_t n;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/mon.sock", lab->ctl);
	snprintf(path, sizeof(path), "%s/console.log", lab->ctl);
	log = fopen(path, "a");
	if (s < 0 || !log || connect(s, (struct sockaddr *)&a, sizeof(a))) {
		if (log)
			fprintf(log, "\n=== exitbench lab: QEMU monitor unreachable: %s\n",
				strerror(errno));
		goto out;
	}
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	fprintf(log, "\n=== exitbench lab: timeout; QEMU monitor: info registers -a\n");
	if (write(s, "info registers -a\n", 18) == 18) {
		tv.tv_sec = 1; /* after the first answer, wait less for the rest */
		while ((n = read(s, buf, sizeof(buf))) > 0) {
			fwrite(buf, 1, (size_t)n, log);
			setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		}
	}
	fprintf(log, "\n=== exitbench lab: end of monitor output\n");
out:
	if (s >= 0)
		close(s);
	if (log)
		fclose(log);
}

static void stop_qemu(pid_t pid)
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

static int supervise(const struct lab *lab, pid_t pid, int *wstatus)
{
	struct stream out = {"stdout", 1, 0}, err = {"stderr", 2, 0};
	double deadline = now() + lab->o->timeout_s;
	int end;

	for (;;) {
		pump(lab, &out);
		pump(lab, &err);
		if (waitpid(pid, wstatus, WNOHANG) == pid) {
			end = LAB_END_EXITED;
			break;
		}
		if (lab_signal) {
			stop_qemu(pid);
			end = LAB_END_SIGNAL;
			break;
		}
		if (now() > deadline) {
			dump_registers(lab);
			stop_qemu(pid);
			end = LAB_END_TIMEOUT;
			break;
		}
		usleep(50000);
	}
	pump(lab, &out);
	pump(lab, &err);
	return end;
}

int lab_boot(struct lab *lab)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct argv_buf *v = calloc(1, sizeof(*v));
	int wstatus = 0, r;
	pid_t pid;

	if (!v) {
		lab_set_error("lab: out of memory");
		return -1;
	}
	qemu_argv(lab, v);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	pid = spawn(lab, v);
	free(v);
	if (pid < 0)
		return -1;
	r = supervise(lab, pid, &wstatus);
	if (r != LAB_END_EXITED)
		return r;
	if (!WIFEXITED(wstatus))
		lab_set_error("%s ended by signal %d", QEMU, WTERMSIG(wstatus));
	else if (WEXITSTATUS(wstatus) != 0)
		lab_set_error("%s failed (status %d)", QEMU, WEXITSTATUS(wstatus));
	return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 ? r : -1;
}

int lab_signalled(void)
{
	return lab_signal;
}
