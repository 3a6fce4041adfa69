/* SPDX-License-Identifier: MIT */
/* Two versions: the build's (which source produced the binary) and the
 * method's (what the numbers mean: timing, counters, schema). Results of
 * different methods are not comparable; results of different builds are. */
#ifndef EXITBENCH_VERSION_H
#define EXITBENCH_VERSION_H

/* Bump when the timed window, the counters or the meaning of a result
 * field changes. */
#define EXITBENCH_METHOD_VERSION 1

#ifndef EXITBENCH_VERSION
#define EXITBENCH_VERSION "unknown"
#endif

#endif
