/* SPDX-License-Identifier: MIT */
/* exitbench: measure, trace and compare VM-exit costs on Linux/KVM. */
#include <stdio.h>
#include <string.h>

#include "bench/cli.h"
#include "bench/datadir/datadir.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
    {"list", cmd_list, "the exit classes and whether this host can run them"},
    {"info", cmd_info, "the host labels: CPU, microarchitecture, kernel, KVM backend"},
    {"run", cmd_run, "measure exit classes, print a table, write JSON/CSV/Markdown"},
    {"compare", cmd_compare, "two result files: per class faster, slower or same (CI-ready)"},
    {"check", cmd_check, "functional checks that exit paths behave (pass/fail each)"},
    {"trace", cmd_trace, "exits of running VMs by reason, from the kvm:* tracepoints"},
    {"report", cmd_report, "Markdown tables and gnuplot plots from result files"},
    {"census", cmd_census, "each sensitive instruction at CPL0 and CPL3: fault, exit or none"},
    {"lab", cmd_lab, "boot a kernel in QEMU with its KVM module and run a command inside"},
    {"hw", cmd_hw, "the bare VT-x/AMD-V round trip, timed by the exitbench_hw module"},
};

static int usage(FILE *f, int status)
{
	fprintf(f, "usage: exitbench <command> [options]   (exitbench <command> --help)\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nexit status: 0 ok, 1 regression or failed check, 2 usage or environment "
		   "error\n");
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage(stdout, EXIT_OK);
	if (strcmp(argv[1], "--version") == 0)
		return datadir_print_version();
	if (strcmp(argv[1], "soak") == 0) /* not listed: make soak */
		return cmd_soak(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "exitbench: unknown command '%s' ('exitbench --help' lists them)\n",
		argv[1]);
	return EXIT_USAGE;
}
