/* SPDX-License-Identifier: MIT */
/* The last error message of this thread, set where a call fails. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "minivmm/minivmm.h"

static __thread char last_error[512];

const char *mvm_error(void)
{
	return last_error[0] ? last_error : "no error recorded";
}

/* Records a message; always returns -1 so callers can `return mvm_fail(...)`. */
int mvm_fail(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

/* Like mvm_fail, with ": strerror(errno)" appended. */
int mvm_fail_errno(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	len = strlen(last_error);
	snprintf(last_error + len, sizeof(last_error) - len, ": %s", strerror(saved));
	errno = saved;
	return -1;
}
