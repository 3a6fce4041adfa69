// SPDX-License-Identifier: MIT
/* exitbench hw: per exit instruction, the bare hardware round trip timed by
 * the exitbench_hw module; the same table/JSON as `run`, quantity hardware. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/files.h"
#include "bench/cli.h"
#include "bench/hw/hw.h"
#include "bench/host/pin.h"

static const char hw_usage[] =
    "usage: exitbench hw [options]\n"
    "  the bare hardware round trip (VM entry, one exiting instruction, VM exit, no\n"
    "  handler) per exit instruction, timed by the exitbench_hw kernel module\n"
    "  (make hw; docs/hw.md); it turns VT-x/AMD-V on only inside each bounded batch\n"
    "  and refuses while another hypervisor (KVM with VMs running) holds the CPU\n"
    "      --load PATH.ko  load this module first (default: load nothing), unload\n"
    "                      it at the end unless --keep-loaded\n"
    "      --keep-loaded   leave the module loaded by --load in place\n"
    "      --exit A,B      null,cpuid,vmcall,out (default all; null: timer overhead)\n"
    "      --samples N     timed round trips per exit (default 10000)\n"
    "      --quick         1000 samples per exit\n"
    "      --warmup N      untimed round trips before each batch (default 16)\n"
    "      --cpu N         pin to CPU N (default: not pinned; each batch stays on one)\n"
    "      --json FILE     the exitbench/1 result, quantity \"hardware round trip\"\n"
    "      --raw           keep every sample in the JSON\n"
    "      --device PATH   the module's device (default " HW_DEVICE ")\n"
    "      --quiet         no table\n"
    "exit status: 0 ok, 1 an exit count did not match, 2 usage or environment error\n"
    "(the module refused: its one-line reason is printed)\n";

enum {
	O_LOAD = 256,
	O_KEEP,
	O_EXIT,
	O_SAMPLES,
	O_QUICK,
	O_WARMUP,
	O_CPU,
	O_JSON,
	O_RAW,
	O_DEV,
	O_QUIET
};

static const struct option hw_long[] = {
    {"load", required_argument, 0, O_LOAD},
    {"keep-loaded", no_argument, 0, O_KEEP},
    {"exit", required_argument, 0, O_EXIT},
    {"samples", required_argument, 0, O_SAMPLES},
    {"quick", no_argument, 0, O_QUICK},
    {"warmup", required_argument, 0, O_WARMUP},
    {"cpu", required_argument, 0, O_CPU},
    {"json", required_argument, 0, O_JSON},
    {"raw", no_argument, 0, O_RAW},
    {"device", required_argument, 0, O_DEV},
    {"quiet", no_argument, 0, O_QUIET},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static int parse_exits(const char *s, struct hw_opts *o)
{
	char buf[128], *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return usage_error("--exit: list too long");
	snprintf(buf, sizeof(buf), "%s", s);
	memset(o->exits, 0, sizeof(o->exits));
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int e = HW_NEXITS;

		for (int i = 0; i < HW_NEXITS; i++)
			if (strcmp(t, hw_exit_name((enum hw_exit)i)) == 0 ||
			    (i == HW_EXIT_HYPERCALL && strcmp(t, "vmmcall") == 0))
				e = i;
		if (e == HW_NEXITS)
			return usage_error("--exit: unknown exit '%s' (null, cpuid, vmcall, out)",
					   t);
		o->exits[e] = true;
	}
	return 0;
}

static int parse_one(int c, struct hw_opts *o)
{
	uint64_t v;

	switch (c) {
	case O_LOAD:
		o->load = optarg;
		return 0;
	case O_KEEP:
		o->keep_loaded = true;
		return 0;
	case O_EXIT:
		return parse_exits(optarg, o);
	case O_SAMPLES:
		return parse_u64("--samples", optarg, 1, MAX_SAMPLES, &o->samples);
	case O_QUICK:
		o->samples = 1000;
		return 0;
	case O_WARMUP:
		if (parse_u64("--warmup", optarg, 0, HW_MAX_BATCH, &v))
			return EXIT_USAGE;
		o->warmup = (uint32_t)v;
		return 0;
	case O_CPU:
		if (parse_u64("--cpu", optarg, 0, 4095, &v))
			return EXIT_USAGE;
		o->cpu = (int)v;
		return 0;
	case O_JSON:
		o->json = optarg;
		return check_writable("--json", optarg);
	case O_RAW:
		o->keep_samples = true;
		return 0;
	case O_DEV:
		o->device = optarg;
		return 0;
	case O_QUIET:
		o->quiet = true;
		return 0;
	case 'h':
		fputs(hw_usage, stdout);
		exit(EXIT_OK);
	default:
		fputs(hw_usage, stderr);
		return EXIT_USAGE;
	}
}

static int parse_hw(int argc, char **argv, struct hw_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->samples = 10000;
	o->warmup = 16;
	o->cpu = -1;
	o->device = HW_DEVICE;
	for (int i = 0; i < HW_NEXITS; i++)
		o->exits[i] = true;
	join_command_line(argc, argv, o->command_line, sizeof(o->command_line));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", hw_long, NULL)) != -1)
		if (parse_one(c, o))
			return EXIT_USAGE;
	if (optind < argc)
		return usage_error("hw: unexpected argument '%s'", argv[optind]);
	return 0;
}

/* Every selected class, then the writers; the device is open. */
static int hw_classes_run(int fd, const struct hw_opts *o)
{
	struct hw_class cls[HW_NEXITS];
	struct run_result r;
	unsigned int n = 0;
	int status = EXIT_OK;

	memset(cls, 0, sizeof(cls));
	memset(&r, 0, sizeof(r));
	utc_now(r.started_utc, sizeof(r.started_utc));
	for (int e = 0; e < HW_NEXITS; e++) {
		if (!o->exits[e])
			continue;
		cls[n].exit = (enum hw_exit)e;
		if (hw_measure(fd, o, &cls[n++])) {
			status = EXIT_USAGE;
			goto out;
		}
	}
	{
		char started[32];

		memcpy(started, r.started_utc, sizeof(started));
		if (hw_result(o, cls, n, &r)) {
			fprintf(stderr, "exitbench hw: %s\n", eb_error());
			status = EXIT_USAGE;
			goto out;
		}
		memcpy(r.started_utc, started, sizeof(started));
	}
	utc_now(r.finished_utc, sizeof(r.finished_utc));
	for (unsigned int i = 0; i < r.nclasses; i++)
		if (!r.classes[i].verified)
			status = EXIT_FAIL;
	if (!o->quiet)
		hw_print_table(&r, cls, stdout);
	if (o->json && result_write_json(&r, o->json, false)) {
		fprintf(stderr, "exitbench hw: %s\n", eb_error());
		status = EXIT_USAGE;
	}
out:
	hw_result_free(&r);
	for (unsigned int i = 0; i < HW_NEXITS; i++)
		free(cls[i].samples);
	return status;
}

int cmd_hw(int argc, char **argv)
{
	struct hw_opts o;
	bool loaded = false;
	int fd, status;

	if (parse_hw(argc, argv, &o))
		return EXIT_USAGE;
	if (o.cpu >= 0 && pin_thread(o.cpu)) {
		fprintf(stderr, "exitbench hw: %s\n", eb_error());
		return EXIT_USAGE;
	}
	if (o.load && hw_load_module(o.load, &loaded))
		return EXIT_USAGE;
	fd = hw_open(o.device);
	status = fd < 0 ? EXIT_USAGE : hw_classes_run(fd, &o);
	if (fd >= 0)
		close(fd);
	if (loaded && !o.keep_loaded && hw_unload_module())
		status = EXIT_USAGE;
	return status;
}
