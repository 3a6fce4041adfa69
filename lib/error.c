/* SPDX-License-Identifier: MIT */
/* The last error message of this thread, set where a call fails. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"

static __thread char last_error[512];

const char *eb_error(void)
{
	return last_error[0] ? last_error : "no error recorded";
}

/* Records a message; always returns -1 so callers can `return eb_fail(...)`. */
int eb_fail(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;
	char buf[sizeof(last_error)];

	/* via buf: callers may pass eb_error() itself as an argument */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	memcpy(last_error, buf, sizeof(buf));
	errno = saved;
	return -1;
}

/* Like eb_fail, with ": strerror(errno)" appended. */
int eb_fail_errno(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;
	char buf[sizeof(last_error)];
	size_t len;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	len = strlen(buf);
	snprintf(buf + len, sizeof(buf) - len, ": %s", strerror(saved));
	memcpy(last_error, buf, sizeof(buf));
	errno = saved;
	return -1;
}
