/* SPDX-License-Identifier: MIT */
/* The host-side breakdowns of a result file's classes (resultfile_breakdown.c). */
#ifndef EXITBENCH_RESULTFILE_BREAKDOWN_H
#define EXITBENCH_RESULTFILE_BREAKDOWN_H

#include <jansson.h>

#include "bench/result/resultfile.h"

/* Every classes[i].breakdown of doc into out->classes[i].bd (classes
 * already read); 0, or -1 with eb_error() naming path and field. */
int resultfile_breakdowns(const char *path, json_t *doc, struct rf_run *out);

#endif
