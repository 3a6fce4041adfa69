/* SPDX-License-Identifier: MIT */
/* A self-contained initramfs for emulators without shared folders (bochs):
 * busybox, the KVM modules, the command's program and the libraries ldd
 * names, and an /init that sends the results back over the second serial
 * port as base64 tar streams (docs/lab.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/lab/lab.h"

#define MAX_DIRS 128

struct packer {
	struct cpio c;
	char dirs[MAX_DIRS][256];
	unsigned int ndirs;
};

/* Adds every parent directory of path (no leading slash) once. */
static int parents(struct packer *p, const char *path)
{
	char d[256];

	for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
		unsigned int i;

		snprintf(d, sizeof(d), "%.*s", (int)(s - path), path);
		for (i = 0; i < p->ndirs && strcmp(p->dirs[i], d); i++)
			;
		if (i < p->ndirs)
			continue;
		if (p->ndirs == MAX_DIRS || cpio_dir(&p->c, d))
			return -1;
		snprintf(p->dirs[p->ndirs++], sizeof(p->dirs[0]), "%s", d);
	}
	return 0;
}

/* Copies host file src into the archive as dst (absolute), with its mode. */
static int pack_file(struct packer *p, const char *src, const char *dst)
{
	struct stat st;
	size_t len;
	char *data;
	int r;

	if (stat(src, &st) || !S_ISREG(st.st_mode)) {
		lab_set_error("pack %s for the guest: %s", src,
			      errno ? strerror(errno) : "not a regular file");
		return -1;
	}
	data = lab_slurp(src, &len);
	if (!data)
		return -1;
	while (*dst == '/')
		dst++;
	r = parents(p, dst) || cpio_file(&p->c, dst, st.st_mode & 0777, data, len);
	free(data);
	return r ? -1 : 0;
}

/* The program and every library the dynamic loader would map for it. */
static int pack_program(struct packer *p, const char *prog, const char *dst)
{
	char cmd[8500], line[1024], lib[512];
	FILE *f;
	int r = pack_file(p, prog, dst);

	snprintf(cmd, sizeof(cmd), "ldd '%s' 2>/dev/null", prog);
	f = r ? NULL : popen(cmd, "r");
	while (f && !r && fgets(line, sizeof(line), f)) {
		const char *arrow = strstr(line, "=> /");

		if (sscanf(arrow ? arrow + 3 : line, " %511s", lib) == 1 && lib[0] == '/')
			r = pack_file(p, lib, lib);
	}
	if (f)
		pclose(f); /* ldd fails for a static program: nothing more to pack */
	return r;
}

/* COMMAND's program, and this exitbench binary, which sh -c commands use. */
static int pack_command(struct packer *p, const struct lab *lab)
{
	const char *prog = lab->o->argv[0];
	char src[4200], dst[8400], self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0) {
		lab_set_error("readlink /proc/self/exe: %s", strerror(errno));
		return -1;
	}
	self[n] = 0;
	if (pack_program(p, self, self))
		return -1;
	if (!strchr(prog, '/'))
		return 0; /* a busybox applet, or found in PATH in the guest */
	if (prog[0] == '/')
		snprintf(src, sizeof(src), "%s", prog);
	else
		snprintf(src, sizeof(src), "%s/%s", lab->cwd, prog);
	snprintf(dst, sizeof(dst), "%s", src);
	return strcmp(src, self) == 0 ? 0 : pack_program(p, src, dst);
}

/* A file of the control directory, at the same path in the guest. */
static int pack_ctl(struct packer *p, const struct lab *lab, const char *name)
{
	char src[128];

	snprintf(src, sizeof(src), "%s/%s", lab->ctl, name);
	return pack_file(p, src, src);
}

int lab_initramfs_packed(const struct lab *lab, const char *path,
			 const struct lab_modlist *kvm_mods)
{
	struct packer *p = calloc(1, sizeof(*p));
	char *init = NULL;
	int r;

	if (!p)
		return -1;
	p->c.f = fopen(path, "wb");
	if (!p->c.f) {
		lab_set_error("create %s: %s", path, strerror(errno));
		free(p);
		return -1;
	}
	r = pack_file(p, "/bin/busybox", "/bin/busybox");
	for (unsigned int i = 0; !r && i < kvm_mods->n; i++) {
		char src[4700], dst[300];

		snprintf(src, sizeof(src), "%s/%s", lab->k.moddir, kvm_mods->path[i]);
		memcpy(dst, "/modules/", 9);
		lab_module_file(kvm_mods->path[i], dst + 9, sizeof(dst) - 9);
		r = pack_file(p, src, dst);
	}
	r = r || pack_command(p, lab) || pack_ctl(p, lab, "env.sh") || pack_ctl(p, lab, "lab.json");
	if (!r && !(init = lab_packed_init_script(lab, kvm_mods)))
		r = -1;
	r = r || cpio_file(&p->c, "init", 0755, init, strlen(init)) || cpio_trailer(&p->c);
	free(init);
	if (fclose(p->c.f) && !r) {
		lab_set_error("write %s: %s", path, strerror(errno));
		r = -1;
	}
	free(p);
	return r ? -1 : 0;
}
