/* SPDX-License-Identifier: MIT */
/* The shell glue of a lab boot: /init (busybox, in the initramfs) mounts the
 * host's files and chroots into them; run.sh (the host's /bin/sh, inside the
 * guest) loads the KVM module and runs the command; env.sh carries the
 * caller's environment. Status, output and errors travel as files in the
 * shared control directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/lab/lab.h"

extern char **environ;

/* Writes S single-quoted for sh. */
static void quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static bool env_name_ok(const char *e, size_t n)
{
	if (n == 0 || (e[0] >= '0' && e[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(e[i] == '_' || (e[i] >= 'a' && e[i] <= 'z') || (e[i] >= 'A' && e[i] <= 'Z') ||
		      (e[i] >= '0' && e[i] <= '9')))
			return false;
	return true;
}

/* Variables that describe this shell, not the caller's intent. */
static bool env_skip(const char *e, size_t n)
{
	static const char *const skip[] = {"PWD", "OLDPWD", "SHLVL", "_", "HOSTNAME"};

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (strlen(skip[i]) == n && strncmp(e, skip[i], n) == 0)
			return true;
	return false;
}

static void write_env(FILE *f, const struct lab *lab)
{
	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');

		if (!eq || !env_name_ok(*e, (size_t)(eq - *e)) || env_skip(*e, (size_t)(eq - *e)))
			continue;
		fprintf(f, "export %.*s=", (int)(eq - *e), *e);
		quote(f, eq + 1);
		fputc('\n', f);
	}
	fprintf(f, "export EXITBENCH_LAB=%s/lab.json\n", lab->ctl);
}

/* COMMAND with its output and status in the control directory, then the
 * kernel's log. */
static void write_command(FILE *f, const struct lab *lab)
{
	for (char **a = lab->o->argv; *a; a++) {
		quote(f, *a);
		fputc(' ', f);
	}
	fputs("</dev/null >\"$CTL/stdout\" 2>\"$CTL/stderr\"\n"
	      "st=$?\n"
	      "echo \"done $(cut -d' ' -f1 /proc/uptime)\" >>\"$CTL/times\"\n"
	      "dmesg >\"$CTL/dmesg\" 2>&1\n"
	      "echo $st >\"$CTL/status\"\n",
	      f);
}

static void write_kvm_load(FILE *f, const struct lab *lab)
{
	fputs("if grep -qw svm /proc/cpuinfo; then m=kvm_amd\n"
	      "elif grep -qw vmx /proc/cpuinfo; then m=kvm_intel\n"
	      "else lab_error \"the guest CPU has neither vmx nor svm (CPU model $LAB_CPU)\"\n"
	      "fi\n"
	      "if [ ! -d /sys/module/$m ]; then\n",
	      f);
	fprintf(f,
		"\tmodprobe %s%s $m 2>\"$CTL/modprobe.err\" || lab_error \"modprobe $m: $(tr "
		"'\\n' ' ' <\"$CTL/modprobe.err\")$(dmesg | grep -iE 'kvm|svm|vmx' | tail -n 3 "
		"| tr '\\n' ' ')\"\n",
		lab->o->modules ? "-d " : "", lab->o->modules ? lab->o->modules : "");
	fputs("fi\n"
	      "i=0\n"
	      "while [ ! -c /dev/kvm ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done\n"
	      "[ -c /dev/kvm ] || lab_error \"/dev/kvm did not appear after loading $m\"\n",
	      f);
}

static int write_run(FILE *f, const struct lab *lab)
{
	fprintf(f,
		"# exitbench lab: runs in the guest, on the host's root (generated)\n"
		"CTL=%s\n"
		"LAB_CPU=%s\n"
		"lab_error() { echo \"$*\" >\"$CTL/lab-error\"; exit 2; }\n"
		"uptime() { cut -d' ' -f1 /proc/uptime; }\n"
		"echo \"root $(uptime)\" >\"$CTL/times\"\n"
		". \"$CTL/env.sh\"\n",
		lab->ctl, lab->cpu);
	if (!lab->o->no_kvm)
		write_kvm_load(f, lab);
	fputs("echo \"kvm $(uptime)\" >>\"$CTL/times\"\n", f);
	fputs("cd ", f);
	quote(f, lab->cwd);
	fputs(" || lab_error \"cd to the current directory failed\"\n", f);
	write_command(f, lab);
	return 0;
}

static int write_file(const struct lab *lab, const char *name,
		      int (*fill)(FILE *f, const struct lab *lab))
{
	char path[128];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s", lab->ctl, name);
	f = fopen(path, "w");
	if (!f) {
		lab_set_error("create %s: %s", path, strerror(errno));
		return -1;
	}
	r = fill(f, lab);
	if (fclose(f) || r) {
		lab_set_error("write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int fill_env(FILE *f, const struct lab *lab)
{
	write_env(f, lab);
	return ferror(f) ? -1 : 0;
}

int lab_write_scripts(const struct lab *lab)
{
	return write_file(lab, "env.sh", fill_env) || write_file(lab, "run.sh", write_run) ? -1 : 0;
}

/* /init: busybox mounts, modules for virtio and 9p, then the host's root. */
char *lab_init_script(const struct lab *lab, const struct lab_modlist *mods)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("#!/bin/busybox sh\n"
	      "# exitbench lab: the guest's first process (generated)\n"
	      "/bin/busybox mount -t proc proc /proc\n"
	      "/bin/busybox --install -s /bin\n"
	      "export PATH=/bin\n"
	      "mount -t sysfs sysfs /sys; mount -t devtmpfs dev /dev\n"
	      "fail() {\n"
	      "\techo \"EXITBENCH-LAB-ERROR: $*\" >/dev/ttyS0\n"
	      "\tdmesg | tail -n 15 >/dev/ttyS0\n"
	      "\tpoweroff -f\n"
	      "}\n",
	      f);
	for (unsigned int i = 0; i < mods->n; i++) {
		char name[256];

		lab_module_file(mods->path[i], name, sizeof(name));
		fprintf(f, "insmod /modules/%s || fail \"insmod %s\"\n", name, mods->path[i]);
	}
	fprintf(
	    f,
	    "o=trans=virtio,version=9p2000.L,msize=262144\n"
	    "r=/newroot\n"
	    "mkdir -p $r\n"
	    "mount -t 9p -o $o,ro,cache=loose hostroot $r || fail \"mount the host's root (9p)\"\n"
	    "for d in tmp run var/tmp; do [ -d $r/$d ] && mount -t tmpfs -o mode=1777 tmp $r/$d; "
	    "done\n"
	    "mount -t proc proc $r/proc; mount -t sysfs sysfs $r/sys; mount -t devtmpfs dev "
	    "$r/dev\n"
	    "mkdir -p $r/dev/shm $r/dev/pts; mount -t tmpfs shm $r/dev/shm\n"
	    "mount -t devpts devpts $r/dev/pts\n"
	    "mount -t debugfs debugfs $r/sys/kernel/debug 2>/dev/null\n"
	    "mkdir -p $r%s && mount -t 9p -o $o,cache=none labctl $r%s || fail \"mount labctl\"\n",
	    lab->ctl, lab->ctl);
	if (strcmp(lab->cwd, "/") != 0) {
		fputs("c=\"$r\"", f);
		quote(f, lab->cwd);
		fputs("\nmkdir -p \"$c\" 2>/dev/null\n"
		      "mount -t 9p -o $o,cache=mmap hostcwd \"$c\" || fail \"mount the current "
		      "directory (9p)\"\n",
		      f);
	}
	fprintf(f,
		"hostname %s\n"
		"chroot $r /bin/sh %s/run.sh\n"
		"sync\n"
		"poweroff -f\n",
		"exitbench-lab", lab->ctl);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* insmod arguments for module file NAME from --param MOD.NAME=VALUE. */
static void module_args(FILE *f, const struct lab *lab, const char *file)
{
	size_t n = strcspn(file, ".");

	for (unsigned int i = 0; i < lab->o->nparams; i++) {
		const char *p = lab->o->params[i], *dot = strchr(p, '.');
		bool same = (size_t)(dot - p) == n;

		for (size_t k = 0; same && k < n; k++)
			same = (p[k] == '-' ? '_' : p[k]) == (file[k] == '-' ? '_' : file[k]);
		if (same)
			fprintf(f, " %s", dot + 1);
	}
}

/* Sends a base64 tar of DIR between marker lines on the second serial port. */
static void send_dir(FILE *f, const char *what, const char *dir_expr)
{
	fprintf(f,
		"\t{ echo \"EXITBENCH-LAB-BEGIN %s\"; tar c -f - -C %s . | base64; "
		"echo \"EXITBENCH-LAB-END %s\"; } >/dev/ttyS1\n",
		what, dir_expr, what);
}

/* /init for a boot without shared folders: everything is in the initramfs;
 * the results go back over ttyS1 (bench/lab/bochs.c reads them). */
char *lab_packed_init_script(const struct lab *lab, const struct lab_modlist *kvm_mods)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f,
		"#!/bin/busybox sh\n"
		"# exitbench lab: the guest's first process, self-contained (generated)\n"
		"/bin/busybox mkdir -p /proc /sys /dev /tmp /run\n"
		"/bin/busybox mount -t proc proc /proc\n"
		"/bin/busybox --install -s /bin\n"
		"export PATH=/bin\n"
		"mount -t sysfs sysfs /sys; mount -t devtmpfs dev /dev\n"
		"hostname exitbench-lab\n"
		"CTL=%s\n"
		"stty -F /dev/ttyS1 raw -echo 115200\n"
		"send() {\n",
		lab->ctl);
	send_dir(f, "lab", "\"$CTL\"");
	fputs("}\n"
	      "lab_error() { echo \"$*\" >\"$CTL/lab-error\"; send; poweroff -f; }\n"
	      "echo \"root $(cut -d' ' -f1 /proc/uptime)\" >\"$CTL/times\"\n",
	      f);
	for (unsigned int i = 0; !lab->o->no_kvm && i < kvm_mods->n; i++) {
		char name[256];

		lab_module_file(kvm_mods->path[i], name, sizeof(name));
		fprintf(f, "insmod /modules/%s", name);
		module_args(f, lab, name);
		fprintf(
		    f,
		    " 2>\"$CTL/insmod.err\" || lab_error \"insmod %s: $(cat \"$CTL/insmod.err\") "
		    "$(dmesg | tail -n 3 | tr '\\n' ' ')\"\n",
		    name);
	}
	if (!lab->o->no_kvm)
		fputs("[ -c /dev/kvm ] || lab_error \"/dev/kvm did not appear\"\n", f);
	fputs("echo \"kvm $(cut -d' ' -f1 /proc/uptime)\" >>\"$CTL/times\"\n"
	      ". \"$CTL/env.sh\"\n"
	      "export PATH=/bin:$PATH\n",
	      f);
	fputs("mkdir -p ", f);
	quote(f, lab->cwd);
	fputs("\ncd ", f);
	quote(f, lab->cwd);
	fputs("\nfind . -type f >\"$CTL/before\"\n", f);
	write_command(f, lab);
	/* what COMMAND created in the current directory (not the packed programs) */
	fputs("send\n"
	      "new=$(find . -type f | while read -r f; do grep -qxF \"$f\" \"$CTL/before\" || "
	      "echo \"$f\"; done)\n"
	      "{ echo \"EXITBENCH-LAB-BEGIN cwd\"; [ -z \"$new\" ] || tar c -f - $new | base64; "
	      "echo \"EXITBENCH-LAB-END cwd\"; } >/dev/ttyS1\n",
	      f);
	fputs("poweroff -f\n", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
