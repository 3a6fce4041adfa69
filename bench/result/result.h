/* SPDX-License-Identifier: MIT */
/* A whole run: host labels, options, per-class results; and its writers. */
#ifndef EXITBENCH_RESULT_H
#define EXITBENCH_RESULT_H

#include <stdbool.h>
#include <stdio.h>

#include "bench/host/hostinfo.h"
#include "bench/run/runner.h"
#include "bench/version/version.h"

#define RESULT_SCHEMA "exitbench/1"

struct run_result {
	const char *quantity; /* "hardware round trip" (exitbench hw); NULL: "kvm round trip" */
	struct host_info host;
	char command_line[1024];
	char started_utc[32], finished_utc[32];
	struct run_params params;
	bool quick;
	char timer_note[320]; /* why the timer fell back, or "" */
	bool partial;	      /* interrupted: not every requested class ran */
	char partial_reason[128];
	struct class_result *classes;
	unsigned int nclasses;
	double null_median; /* NAN when null did not run */
	/* cpuid's median from an extra run without perf counters (perf on) */
	bool have_perf_overhead;
	double cpuid_median_perf, cpuid_median_no_perf;
};

/* The exitbench/1 JSON document (docs/json-schema.md).  Writes atomically:
 * a temporary file in the same directory, then rename.  With no_clobber
 * the final name must not exist yet (EEXIST otherwise).  Returns 0 or -1
 * with eb_error() naming the file. */
int result_write_json(const struct run_result *r, const char *path, bool no_clobber);
void result_print_table(const struct run_result *r, FILE *out);
int result_write_csv(const struct run_result *r, const char *path);
int result_write_markdown(const struct run_result *r, const char *path);

/* The `host` object of the result (a jansson json_t), for other documents. */
struct json_t;
struct json_t *result_host_json(const struct host_info *h);

#endif
