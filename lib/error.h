/* SPDX-License-Identifier: MIT */
/*
 * Errors, for every part: a function that fails returns -1 (or NULL) and
 * leaves one message naming the operation, the object and strerror(errno)
 * in eb_error() (per thread); errno is preserved.  Nothing here exits.
 */
#ifndef EXITBENCH_LIB_ERROR_H
#define EXITBENCH_LIB_ERROR_H

const char *eb_error(void);
int eb_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int eb_fail_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
