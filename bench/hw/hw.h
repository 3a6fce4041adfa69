/* SPDX-License-Identifier: MIT */
/* exitbench hw: the bare hardware round trip, measured by the exitbench_hw
 * kernel module (minivmm/hw/, docs/hw.md). */
#ifndef EXITBENCH_HW_CMD_H
#define EXITBENCH_HW_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "bench/result/result.h"
#include "minivmm/hw/exitbench_hw.h"

#define HW_QUANTITY "hardware round trip"

struct hw_opts {
	const char *load;   /* module to load first, or NULL */
	bool keep_loaded;   /* leave a module we loaded in place */
	const char *device; /* HW_DEVICE */
	uint64_t samples;   /* timed round trips per class */
	uint32_t warmup;    /* untimed round trips per batch */
	int cpu;	    /* pin to this CPU, -1: where we run */
	bool exits[HW_NEXITS];
	bool keep_samples, quiet;
	const char *json;
	char command_line[1024];
};

/* One measured class: samples from every batch, the batch means' sum. */
struct hw_class {
	enum hw_exit exit;
	uint64_t *samples;
	uint64_t n;
	uint64_t batch_ticks, batch_n; /* over every batch: the vmlatency mean */
	uint64_t exits, expected_exits;
	uint32_t backend, tsc_khz, batches, interrupted;
	int cpu_first, cpu_last;
};

/* hwdev.c: the module and its device. */
int hw_load_module(const char *path, bool *loaded_by_us);
int hw_unload_module(void);
/* Opens the device; -1 with one line on stderr saying what to do. */
int hw_open(const char *device);
/* All samples of one class; -1 with the module's one-line message printed. */
int hw_measure(int fd, const struct hw_opts *o, struct hw_class *c);

/* hwout.c: the run_result the writers take, and the terminal table. */
const char *hw_exit_name(enum hw_exit e);
int hw_result(const struct hw_opts *o, struct hw_class *cls, unsigned int n, struct run_result *r);
void hw_print_table(const struct run_result *r, const struct hw_class *cls, FILE *out);
void hw_result_free(struct run_result *r);

#endif
