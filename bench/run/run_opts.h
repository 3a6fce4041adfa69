/* SPDX-License-Identifier: MIT */
/* The options of `exitbench run`, parsed into one struct (cmd_run.c). */
#ifndef EXITBENCH_RUN_OPTS_H
#define EXITBENCH_RUN_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "bench/run/classes.h"

struct run_opts {
	const struct exit_class *classes[64];
	unsigned int nclasses;
	uint64_t samples, warmup;
	bool quick, quiet, keep_samples, strict, progress;
	int ring;
	int timer; /* -1: probe */
	unsigned int repeat;
	int cpu, cpu2; /* -1: not pinned */
	bool no_perf;
	bool perf_inline;   /* --perf=inline: counters in the timed pass itself */
	bool indirect;	    /* --loop indirect: the op through an indirect call */
	bool trace;	    /* kvm:* tracepoint counts per class */
	double budget_s;    /* 0: none */
	const char *events; /* -e list, added to the default counters */
	unsigned int timeout_s;
	const char *json, *csv, *md;
	const char *save_dir; /* NULL: do not save */
	const char *kvm_path;
	char command_line[1024];
};

/* "a,b,c" or "all" into opts->classes. */
int parse_class_list(const char *s, struct run_opts *o);

#endif
