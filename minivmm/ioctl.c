/* SPDX-License-Identifier: MIT */
/* The checked ioctl tier (minivmm.h): a failure names request, object, errno. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "minivmm/minivmm.h"

int mvm_ioctl_checked(int fd, unsigned long req, void *arg, const char *obj, int id,
		      const char *what, ...)
{
	char name[256];
	va_list ap;
	int r = ioctl(fd, req, arg);
	int saved = errno;

	if (r >= 0)
		return r;
	va_start(ap, what);
	vsnprintf(name, sizeof(name), what, ap);
	va_end(ap);
	errno = saved;
	if (id >= 0)
		return eb_fail_errno("%s on %s %d", name, obj, id);
	return eb_fail_errno("%s on %s", name, obj);
}
