/* SPDX-License-Identifier: MIT */
/*
 * What the exitbench/1 format fixes, for its writer (run) and its readers
 * (compare, report) alike: the sizes of a class's series and the status of a
 * class.  Nothing here needs the VMM: a reader includes this, not run/.
 */
#ifndef EXITBENCH_RESULT_MODEL_H
#define EXITBENCH_RESULT_MODEL_H

#define QUANTILES  1001 /* q = 0, 0.001, ..., 1 */
#define MAX_REPEAT 64	/* --repeat runs, each one's median kept */
#define MAX_CHECKS 4	/* the result file allows 4 per class */

enum class_status { CLASS_OK, CLASS_SKIPPED, CLASS_FAILED, CLASS_INTERRUPTED };

/* "ok", "skipped", "failed", "interrupted" (status.c). */
const char *class_status_name(enum class_status s);
/* The status a name stands for: 0, or -1 when it names none. */
int class_status_parse(const char *name, enum class_status *s);

#endif
