/* SPDX-License-Identifier: MIT */
/* The build version, from the header the Makefile generates (build_version.h,
 * written by scripts/build-version.sh; only this file depends on it). */
#include "bench/version/version.h"

#if __has_include("build_version.h")
#include "build_version.h"
#else
#define EXITBENCH_BUILD_VERSION	       "unknown"
#define EXITBENCH_BUILD_COMMIT	       ""
#define EXITBENCH_BUILD_MODIFIED       0
#define EXITBENCH_BUILD_CHANGES_SHA256 ""
#endif

const char exitbench_build_version[] = EXITBENCH_BUILD_VERSION;
const char exitbench_build_commit[] = EXITBENCH_BUILD_COMMIT;
const bool exitbench_build_modified = EXITBENCH_BUILD_MODIFIED;
const char exitbench_build_changes_sha256[] = EXITBENCH_BUILD_CHANGES_SHA256;
