/* SPDX-License-Identifier: MIT */
/* The lab's initramfs: a static busybox, the modules that reach the host's
 * files (virtio PCI, 9p over virtio) unless built in, and /init. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/lab/lab.h"

#define BUSYBOX "/bin/busybox"

static const char *const share_modules[] = {"virtio_pci", "9pnet_virtio", "9p"};

/* Reads a whole file, or what a decompressor prints for a compressed module. */
char *lab_slurp(const char *path, size_t *len)
{
	static const struct {
		const char *ext, *cmd;
	} unz[] = {{".xz", "xz -dc"}, {".zst", "zstd -dcq"}, {".gz", "gzip -dc"}};
	const char *dot = strrchr(path, '.');
	char cmd[4200], *buf = NULL;
	size_t cap = 0, got;
	FILE *f = NULL;
	bool piped = false;

	for (size_t i = 0; dot && i < sizeof(unz) / sizeof(unz[0]); i++)
		if (strcmp(dot, unz[i].ext) == 0) {
			snprintf(cmd, sizeof(cmd), "%s '%s'", unz[i].cmd, path);
			f = popen(cmd, "r");
			piped = true;
		}
	if (!piped)
		f = fopen(path, "rb");
	if (!f) {
		lab_set_error("read %s: %s", path, strerror(errno));
		return NULL;
	}
	*len = 0;
	do {
		if (*len == cap) {
			char *n = realloc(buf, cap = cap ? cap * 2 : 1 << 20);

			if (!n) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = n;
		}
		got = fread(buf + *len, 1, cap - *len, f);
		*len += got;
	} while (got);
	if ((piped ? pclose(f) != 0 : fclose(f) != 0) || !buf) {
		lab_set_error("read %s: %s", path,
			      piped ? "decompression failed" : strerror(errno));
		free(buf);
		return NULL;
	}
	return buf;
}

/* The file name of a module in the initramfs: its base name, uncompressed. */
void lab_module_file(const char *rel, char *buf, size_t len)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	const char *ko = strstr(base, ".ko");

	snprintf(buf, len, "%.*s.ko", ko ? (int)(ko - base) : (int)strlen(base), base);
}

static int add_module(struct cpio *c, const struct lab_kernel *k, const char *rel)
{
	char path[4700], name[600];
	size_t len;
	char *data;
	int r;

	snprintf(path, sizeof(path), "%s/%s", k->moddir, rel);
	data = lab_slurp(path, &len);
	if (!data)
		return -1;
	memcpy(name, "modules/", 8);
	lab_module_file(rel, name + 8, sizeof(name) - 8);
	r = cpio_file(c, name, 0644, data, len);
	free(data);
	return r;
}

static int fill(struct cpio *c, const struct lab *lab, struct lab_modlist *mods)
{
	static const char *const dirs[] = {"bin", "proc", "sys", "dev", "newroot", "modules"};
	size_t len;
	char *bb, *init;
	int r;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (cpio_dir(c, dirs[i]))
			return -1;
	bb = lab_slurp(BUSYBOX, &len);
	if (!bb) {
		lab_set_error("read %s: %s (install Debian's busybox-static)", BUSYBOX,
			      strerror(errno));
		return -1;
	}
	r = cpio_file(c, "bin/busybox", 0755, bb, len);
	free(bb);
	for (unsigned int i = 0; !r && i < mods->n; i++)
		r = add_module(c, &lab->k, mods->path[i]);
	init = r ? NULL : lab_init_script(lab, mods);
	if (!init)
		return -1;
	r = cpio_file(c, "init", 0755, init, strlen(init));
	free(init);
	return r ? r : cpio_trailer(c);
}

int lab_initramfs(const struct lab *lab, const char *path)
{
	struct lab_modlist mods = {0};
	struct cpio c = {0};
	int r;

	for (size_t i = 0; i < sizeof(share_modules) / sizeof(share_modules[0]); i++)
		if (lab_modules_add(&lab->k, share_modules[i], &mods) < 0)
			return -1;
	c.f = fopen(path, "wb");
	if (!c.f) {
		lab_set_error("create %s: %s", path, strerror(errno));
		return -1;
	}
	r = fill(&c, lab, &mods);
	if (fclose(c.f) && !r) {
		lab_set_error("write %s: %s", path, strerror(errno));
		r = -1;
	}
	return r;
}
