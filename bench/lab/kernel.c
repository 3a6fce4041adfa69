/* SPDX-License-Identifier: MIT */
/* The kernel under test: its image, its release, its modules and their
 * dependencies (modules.dep, the format depmod writes). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/lab/lab.h"

static char lab_msg[1024];

const char *lab_error(void)
{
	return lab_msg;
}

void lab_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lab_msg, sizeof(lab_msg), fmt, ap);
	va_end(ap);
}

/* The release string of a bzImage: the setup header's kernel_version field
 * (offset 0x20e) points at it, relative to 0x200 (Documentation/x86/boot.rst). */
int lab_kernel_release(const char *image, char *buf, size_t len)
{
	unsigned char hdr[0x210];
	FILE *f = fopen(image, "rb");
	uint16_t off;
	size_t n;

	if (!f) {
		lab_set_error("open kernel image %s: %s", image, strerror(errno));
		return -1;
	}
	n = fread(hdr, 1, sizeof(hdr), f);
	if (n != sizeof(hdr) || memcmp(hdr + 0x202, "HdrS", 4) != 0) {
		fclose(f);
		lab_set_error("kernel image %s: not a bzImage (no HdrS boot header)", image);
		return -1;
	}
	off = (uint16_t)(hdr[0x20e] | hdr[0x20f] << 8);
	if (!off || fseek(f, 0x200L + off, SEEK_SET) || !fgets(buf, (int)len, f)) {
		fclose(f);
		lab_set_error("kernel image %s: no kernel_version string", image);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, " \n")] = 0; /* "6.1.0-57-amd64 (debian-kernel@...) #1 ..." */
	return buf[0] ? 0 : -1;
}

/* The newest Debian kernel in /boot, by version order of its file name. */
static int newest_boot_kernel(char *path, size_t len)
{
	struct dirent **ents;
	int n = scandir("/boot", &ents, NULL, versionsort), found = -1;

	if (n < 0) {
		lab_set_error("read /boot: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (found < 0 && strncmp(ents[n - 1 - i]->d_name, "vmlinuz-", 8) == 0)
			found = n - 1 - i;
	}
	if (found >= 0)
		snprintf(path, len, "/boot/%s", ents[found]->d_name);
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	if (found < 0)
		lab_set_error("no kernel in /boot (install Debian's linux-image-amd64, or give "
			      "--kernel IMAGE)");
	return found < 0 ? -1 : 0;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int lab_kernel_find(struct lab_kernel *k, const char *image, const char *modules)
{
	char p[sizeof(k->moddir)];

	memset(k, 0, sizeof(*k));
	if (image)
		snprintf(k->image, sizeof(k->image), "%s", image);
	else if (newest_boot_kernel(k->image, sizeof(k->image)))
		return -1;
	if (lab_kernel_release(k->image, k->release, sizeof(k->release)))
		return -1;
	if (snprintf(p, sizeof(p), "%s/lib/modules/%s", modules ? modules : "", k->release) >=
	    (int)sizeof(p)) {
		lab_set_error("--modules %s: path too long", modules);
		return -1;
	}
	if (is_dir(p))
		snprintf(k->moddir, sizeof(k->moddir), "%s", p);
	else if (modules) {
		lab_set_error("--modules %s: no lib/modules/%s in it (make modules_install "
			      "INSTALL_MOD_PATH=%s)",
			      modules, k->release, modules);
		return -1;
	}
	return 0;
}

/* Is NAME (dashes and underscores alike) the module at path P? */
static bool module_is(const char *p, const char *name)
{
	const char *base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
	size_t i;

	for (i = 0; name[i] && base[i]; i++) {
		char a = base[i] == '-' ? '_' : base[i], b = name[i] == '-' ? '_' : name[i];

		if (a != b)
			return false;
	}
	return !name[i] && strncmp(base + i, ".ko", 3) == 0;
}

static bool listed(const struct lab_modlist *l, const char *p)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (strcmp(l->path[i], p) == 0)
			return true;
	return false;
}

static int add_path(struct lab_modlist *l, const char *p)
{
	if (listed(l, p))
		return 0;
	if (l->n == LAB_MAX_MODULES) {
		lab_set_error("more than %d modules needed", LAB_MAX_MODULES);
		return -1;
	}
	snprintf(l->path[l->n++], sizeof(l->path[0]), "%s", p);
	return 0;
}

static int find_line(const char *file, const char *name, char *line, size_t len)
{
	FILE *f = fopen(file, "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, (int)len, f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = 0;
		found = module_is(line, name);
		*colon = ':';
	}
	fclose(f);
	return found;
}

static bool builtin(const struct lab_kernel *k, const char *name)
{
	char file[4300], line[512];
	bool found = false;
	FILE *f;

	snprintf(file, sizeof(file), "%s/modules.builtin", k->moddir);
	f = fopen(file, "r");
	while (f && !found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		found = module_is(line, name);
	}
	if (f)
		fclose(f);
	return found;
}

int lab_modules_add(const struct lab_kernel *k, const char *name, struct lab_modlist *l)
{
	char file[4300], line[8192], *save = NULL, *deps, *tok;
	char *dep[LAB_MAX_MODULES];
	int nd = 0, r;

	if (!k->moddir[0] || builtin(k, name))
		return 1; /* no module tree: a kernel with everything built in */
	snprintf(file, sizeof(file), "%s/modules.dep", k->moddir);
	r = find_line(file, name, line, sizeof(line));
	if (r <= 0) {
		lab_set_error("module %s: %s %s", name, r < 0 ? "cannot read" : "not in", file);
		return -1;
	}
	line[strcspn(line, "\n")] = 0;
	deps = strchr(line, ':');
	*deps++ = 0;
	/* modules.dep lists a module's dependencies nearest first: load from the end */
	for (tok = strtok_r(deps, " ", &save); tok && nd < LAB_MAX_MODULES;
	     tok = strtok_r(NULL, " ", &save))
		dep[nd++] = tok;
	for (int i = nd - 1; i >= 0; i--)
		if (add_path(l, dep[i]))
			return -1;
	return add_path(l, line);
}
