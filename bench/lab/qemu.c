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

int lab_boot(struct lab *lab)
{
	struct argv_buf *v = calloc(1, sizeof(*v));
	int wstatus = 0, r;
	pid_t pid;

	if (!v) {
		lab_set_error("lab: out of memory");
		return -1;
	}
	qemu_argv(lab, v);
	pid = lab_spawn(lab, v->a, "qemu.log", false);
	free(v);
	if (pid < 0)
		return -1;
	r = lab_supervise(lab, pid, &wstatus, dump_registers);
	return r == LAB_END_EXITED ? lab_exit_status(QEMU, wstatus) : r;
}
