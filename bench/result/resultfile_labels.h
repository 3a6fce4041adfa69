/* SPDX-License-Identifier: MIT */
/* The labels of a result file that say what its numbers are: method version,
 * modified source, platform, guest-seen CPU fields, mitigations
 * (resultfile_labels.c). */
#ifndef EXITBENCH_RESULTFILE_LABELS_H
#define EXITBENCH_RESULTFILE_LABELS_H

#include <jansson.h>

#include "bench/result/resultfile.h"

/* Reads them from doc into out (host fields already read); absent keys of
 * older files are derived.  0, or -1 with eb_error() naming path and field. */
int resultfile_labels(const char *path, json_t *doc, struct rf_run *out);

#endif
