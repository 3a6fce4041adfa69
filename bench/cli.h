/* SPDX-License-Identifier: MIT */
/* Subcommands and their options: parsed into one struct, handed down. */
#ifndef EXITBENCH_CLI_H
#define EXITBENCH_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "bench/run/classes.h"

/* Exit statuses of every subcommand. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

#define MAX_SAMPLES 100000000ULL

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

/* Prints "exitbench: <msg>" to stderr; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Strict unsigned parse of an option value in [lo, hi]. */
int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* "a,b,c" or "all" into opts->classes. */
int parse_class_list(const char *s, struct run_opts *o);
/* Fails when the directory that would hold path is missing or unwritable. */
int check_writable(const char *opt, const char *path);
void join_command_line(int argc, char **argv, char *buf, size_t len);

int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_census(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_hw(int argc, char **argv);
int cmd_soak(int argc, char **argv); /* bench/soak/ */

#endif
