/* SPDX-License-Identifier: MIT */
/* The "newc" cpio format (070701), which the kernel unpacks as initramfs:
 * a 110-byte ASCII header, the name, the data, each padded to 4 bytes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench/lab/lab.h"

static int pad(struct cpio *c)
{
	static const char zero[4];
	size_t n = (4 - c->off % 4) % 4;

	if (n && fwrite(zero, 1, n, c->f) != n)
		return -1;
	c->off += n;
	return 0;
}

static int entry(struct cpio *c, const char *name, unsigned int mode, const void *data, size_t len)
{
	size_t nlen = strlen(name) + 1;
	int n = fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
			++c->ino, mode, 0, 0, 1, 0, len, 0, 0, 0, 0, nlen, 0);

	if (n != 110 || fwrite(name, 1, nlen, c->f) != nlen) {
		lab_set_error("write initramfs entry %s: %s", name, strerror(errno));
		return -1;
	}
	c->off += 110 + nlen;
	if (pad(c) || (len && fwrite(data, 1, len, c->f) != len)) {
		lab_set_error("write initramfs entry %s: %s", name, strerror(errno));
		return -1;
	}
	c->off += len;
	return pad(c);
}

int cpio_dir(struct cpio *c, const char *name)
{
	return entry(c, name, 040755, NULL, 0);
}

int cpio_file(struct cpio *c, const char *name, unsigned int mode, const void *data, size_t len)
{
	return entry(c, name, 0100000 | mode, data, len);
}

int cpio_symlink(struct cpio *c, const char *name, const char *target)
{
	return entry(c, name, 0120777, target, strlen(target));
}

int cpio_trailer(struct cpio *c)
{
	return entry(c, "TRAILER!!!", 0, NULL, 0);
}
