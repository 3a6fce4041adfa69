/* SPDX-License-Identifier: MIT */
/* Writing outputs: whole or not at all, with their directories. */
#ifndef EXITBENCH_LIB_FILES_H
#define EXITBENCH_LIB_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Atomic replace-or-create of path from a writer callback: a temporary file
 * in the same directory, then rename.  no_clobber: fail with EEXIST instead
 * of replacing.  Returns 0 or -1 with eb_error() naming the file. */
int atomic_write(const char *path, bool no_clobber, int (*fill)(FILE *f, const void *arg),
		 const void *arg);

/* mkdir -p of path's parents, and of path itself with include_last. */
int mkdir_parents(const char *path, bool include_last);

/* "2026-11-28T12:00:00Z" now; buf >= 21 bytes. */
void utc_now(char *buf, size_t len);

#endif
