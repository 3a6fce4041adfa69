/* SPDX-License-Identifier: MIT */
/* The Intel side of the lab: Debian's bochs emulates VT-x with EPT, so the
 * real kvm_intel loads in it. Bochs has no -kernel and no shared folders: a
 * grub ISO boots the kernel with a self-contained initramfs (pack.c), and
 * the results come back as base64 tar streams on the second serial port.
 * Its TSC advances one tick per emulated instruction (docs/lab.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/lab/lab.h"

#define BOCHS	"bochs-bin"
#define BIOS	"/usr/share/bochs/BIOS-bochs-latest"
#define VGABIOS "/usr/share/bochs/VGABIOS-lgpl-latest"

static int run_quiet(const char *cmd, const char *what, const struct lab *lab)
{
	char full[8800];

	snprintf(full, sizeof(full), "%s >>'%s/build.log' 2>&1", cmd, lab->ctl);
	if (system(full) != 0) {
		lab_set_error("%s failed (see %s/build.log)", what, lab->ctl);
		return -1;
	}
	return 0;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f) {
		lab_set_error("create %s: %s", path, strerror(errno));
		return -1;
	}
	bad = fputs(text, f) < 0;
	if (fclose(f) || bad) {
		lab_set_error("write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int grub_cfg(const struct lab *lab, const char *path)
{
	char text[4096];
	size_t used = (size_t)snprintf(text, sizeof(text),
				       "serial --unit=0 --speed=115200\n"
				       "terminal_input serial\nterminal_output serial\n"
				       "set timeout=0\n"
				       "menuentry exitbench-lab {\n"
				       "\tlinux /boot/vmlinuz console=ttyS0 panic=-1 loglevel=4");

	for (unsigned int i = 0; i < lab->o->nparams && used < sizeof(text); i++)
		used +=
		    (size_t)snprintf(text + used, sizeof(text) - used, " %s", lab->o->params[i]);
	if (used < sizeof(text))
		snprintf(text + used, sizeof(text) - used, "\n\tinitrd /boot/initrd\n}\n");
	return write_text(path, text);
}

/* ctl/boot.iso: grub, the kernel, the initramfs. */
static int build_iso(const struct lab *lab)
{
	struct lab_modlist mods = {0};
	char p[256], cmd[8600];

	if (!lab->o->no_kvm && lab_modules_add(&lab->k, "kvm_intel", &mods) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/iso/boot/grub", lab->ctl);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s' '%s/iso/boot/vmlinuz'", p,
		 lab->k.image, lab->ctl);
	if (run_quiet(cmd, "copy the kernel", lab))
		return -1;
	strcat(p, "/grub.cfg");
	if (grub_cfg(lab, p))
		return -1;
	snprintf(p, sizeof(p), "%s/iso/boot/initrd", lab->ctl);
	if (lab_initramfs_packed(lab, p, &mods))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "grub-mkrescue --install-modules='linux normal iso9660 biosdisk serial "
		 "terminal' --fonts= --locales= --themes= -o '%s/boot.iso' '%s/iso'",
		 lab->ctl, lab->ctl);
	return run_quiet(cmd,
			 "grub-mkrescue (install Debian's grub-pc-bin, grub-common, xorriso, "
			 "mtools)",
			 lab);
}

static int bochsrc(const struct lab *lab)
{
	char path[128], text[2048];

	snprintf(path, sizeof(path), "%s/bochsrc", lab->ctl);
	snprintf(text, sizeof(text),
		 "memory: guest=%u, host=%u\n"
		 "romimage: file=%s\n"
		 "vgaromimage: file=%s\n"
		 "cpu: model=%s, count=1, ips=50000000, reset_on_triple_fault=0\n"
		 "ata0-master: type=cdrom, path=\"%s/boot.iso\", status=inserted\n"
		 "boot: cdrom\n"
		 "com1: enabled=1, mode=file, dev=\"%s/console.log\"\n"
		 "com2: enabled=1, mode=file, dev=\"%s/com2.txt\"\n"
		 "clock: sync=none, time0=local\n"
		 "display_library: rfb, options=\"timeout=0\"\n"
		 "sound: waveoutdrv=dummy\n" /* ALSA without a card: the mixer aborts */
		 "log: %s/bochs-internal.log\n"
		 "panic: action=fatal\nerror: action=ignore\ninfo: action=ignore\n"
		 "debug: action=ignore\n",
		 lab->o->mem_mb, lab->o->mem_mb, BIOS, VGABIOS, lab->cpu, lab->ctl, lab->ctl,
		 lab->ctl, lab->ctl);
	if (write_text(path, text))
		return -1;
	snprintf(path, sizeof(path), "%s/bochs.rc", lab->ctl);
	return write_text(path, "c\n"); /* the debugger would stop at t=0 */
}

/* Decodes the block between "EXITBENCH-LAB-BEGIN what" and "...-END what"
 * of com2.txt and untars it into dir. 1 when the block is absent. */
static int unpack(const struct lab *lab, const char *what, const char *dir)
{
	char path[128], line[512], begin[64], end[64], cmd[4300];
	FILE *in, *out = NULL;
	int r = 1;

	snprintf(path, sizeof(path), "%s/com2.txt", lab->ctl);
	snprintf(begin, sizeof(begin), "EXITBENCH-LAB-BEGIN %s", what);
	snprintf(end, sizeof(end), "EXITBENCH-LAB-END %s", what);
	snprintf(cmd, sizeof(cmd), "base64 -d | tar x -f - -C '%s'", dir);
	in = fopen(path, "r");
	while (in && fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!out && strcmp(line, begin) == 0) {
			r = 0; /* found; an empty block means nothing to unpack */
			if (!fgets(line, sizeof(line), in))
				break;
			line[strcspn(line, "\r\n")] = 0;
			if (strcmp(line, end) == 0)
				break;
			out = popen(cmd, "w");
			if (out)
				fprintf(out, "%s\n", line);
		} else if (out && strcmp(line, end) == 0) {
			r = pclose(out) ? -1 : 0;
			out = NULL;
			break;
		} else if (out)
			fprintf(out, "%s\n", line);
	}
	if (out)
		r = pclose(out) ? -1 : 1; /* cut short */
	if (in)
		fclose(in);
	if (r < 0)
		lab_set_error("the guest's %s results from %s do not unpack", what, path);
	return r;
}

int lab_boot_bochs(struct lab *lab)
{
	char rc[128], cfg[128];
	char *argv[] = {BOCHS, "-q", "-f", cfg, "-rc", rc, NULL};
	struct stream out = {"stdout", 1, 0}, err = {"stderr", 2, 0};
	int wstatus = 0, r;
	pid_t pid;

	snprintf(cfg, sizeof(cfg), "%s/bochsrc", lab->ctl);
	snprintf(rc, sizeof(rc), "%s/bochs.rc", lab->ctl);
	if (access(BIOS, R_OK) || build_iso(lab) || bochsrc(lab)) {
		if (access(BIOS, R_OK))
			lab_set_error("%s: %s (install Debian's bochs and bochsbios)", BIOS,
				      strerror(errno));
		return -1;
	}
	pid = lab_spawn(lab, argv, "bochs.log", true);
	if (pid < 0)
		return -1;
	r = lab_supervise(lab, pid, &wstatus, NULL);
	if (r != LAB_END_EXITED)
		return r;
	/* bochs exits 1 after the guest's ACPI power-off: the results decide */
	if (unpack(lab, "lab", lab->ctl) < 0 || unpack(lab, "cwd", lab->cwd) < 0)
		return -1;
	lab_pump(lab, &out);
	lab_pump(lab, &err);
	return LAB_END_EXITED;
}
