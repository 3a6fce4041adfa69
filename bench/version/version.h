/* SPDX-License-Identifier: MIT */
/* Two versions: the build's (which source produced the binary) and the
 * method's (what the numbers mean: timing, counters, schema). Results of
 * different methods are not comparable; results of different builds are. */
#ifndef EXITBENCH_VERSION_H
#define EXITBENCH_VERSION_H

#include <stdbool.h>

/* Bump when the timed window, the counters or the meaning of a result
 * field changes. */
#define EXITBENCH_METHOD_VERSION 2

/* The build (bench/version/version.c, from the generated build_version.h):
 * "<git describe>" for a clean tree, "<git describe>+modified.<sha12>" when
 * the sources differ from the commit; the full commit and the SHA-256 of
 * the changes ("" when none) name the exact source. */
extern const char exitbench_build_version[];
extern const char exitbench_build_commit[];
extern const bool exitbench_build_modified;
extern const char exitbench_build_changes_sha256[];

#define EXITBENCH_VERSION exitbench_build_version

#endif
