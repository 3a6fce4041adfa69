/* SPDX-License-Identifier: MIT */
/* Subcommands and their options: parsed into one struct, handed down. */
#ifndef EXITBENCH_CLI_H
#define EXITBENCH_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit statuses of every subcommand. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

#define MAX_SAMPLES 100000000ULL

/* Prints "exitbench: <msg>" to stderr; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Strict unsigned parse of an option value in [lo, hi]. */
int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
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
