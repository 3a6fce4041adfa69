/* SPDX-License-Identifier: MIT */
/* exitbench run: every selected class in its own VM, then the outputs. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/files.h"
#include "bench/cli.h"
#include "bench/host/pin.h"
#include "bench/result/result.h"
#include "bench/run/run_opts.h"
#include "guests/protocol.h"

#define DEFAULT_SAMPLES	 50000
#define DEFAULT_WARMUP	 2000
#define QUICK_SAMPLES	 2000
#define QUICK_WARMUP	 200
#define DEFAULT_BUDGET_S 2

static const char run_usage[] =
    "usage: exitbench run [options]\n"
    "  -c, --class A,B|all   classes to run (default all; null always runs first)\n"
    "  -n, --samples N       timed iterations per class (default 50000, fewer for a\n"
    "                        class whose preflight says it would take over --budget)\n"
    "      --budget S        seconds per class for the default sample count (default 2)\n"
    "  -w, --warmup N        untimed iterations first (default 2000)\n"
    "      --quick           2000 samples, 200 warm-up\n"
    "      --ring 0|3        CPL of the timed loop (default 0)\n"
    "      --timer T         auto|rdtscp|lfence (default auto: probe rdtscp)\n"
    "      --timeout S       watchdog per class in seconds (default 60)\n"
    "      --repeat K        K rounds over all classes, a fresh VM each run; per class\n"
    "                        the run with the middle median is kept, the spread shown\n"
    "      --cpu N           pin the vCPU thread to CPU N (--cpu2 M: the second vCPU)\n"
    "      --perf[=pass|inline]  count perf events (the default): cycles/instructions\n"
    "                        split guest/host, context switches, migrations, page\n"
    "                        faults; pass (default): in a separate pass per class, the\n"
    "                        timed pass counter-free; inline: around the timed loop\n"
    "                        itself; --no-perf: none\n"
    "      --loop KIND       straight (default): one inlined timed loop per op;\n"
    "                        indirect: the op through an indirect call (to measure it)\n"
    "  -e, --event E,...     more events, perf syntax (libpfm4 names, :u :k :G :H)\n"
    "      --trace           count kvm:* tracepoints per class beside the KVM stats\n"
    "      --json F  --csv F  --md F   write the result (atomically)\n"
    "      --save[=DIR]      save JSON under DIR/hosts/<microarch>/ (default DIR: results)\n"
    "      --raw             keep every sample in the JSON\n"
    "      --strict          exit 1 when a class is unverified\n"
    "      --kvm PATH        KVM device (default /dev/kvm)\n"
    "      --progress        a progress line per class on stderr, also when not a tty\n"
    "  -q, --quiet           no table, no terminal progress line\n"
    "exit status: 0 ok, 1 a class failed or the run was interrupted, 2 usage or "
    "environment error\n";

enum {
	O_QUICK = 256,
	O_RING,
	O_TIMER,
	O_TIMEOUT,
	O_JSON,
	O_CSV,
	O_MD,
	O_SAVE,
	O_RAW,
	O_KVM,
	O_STRICT,
	O_PROGRESS,
	O_REPEAT,
	O_CPU,
	O_CPU2,
	O_PERF,
	O_NO_PERF,
	O_BUDGET,
	O_TRACE,
	O_LOOP
};

static const struct option run_long[] = {
    {"class", required_argument, 0, 'c'},
    {"samples", required_argument, 0, 'n'},
    {"warmup", required_argument, 0, 'w'},
    {"quick", no_argument, 0, O_QUICK},
    {"ring", required_argument, 0, O_RING},
    {"timer", required_argument, 0, O_TIMER},
    {"timeout", required_argument, 0, O_TIMEOUT},
    {"json", required_argument, 0, O_JSON},
    {"csv", required_argument, 0, O_CSV},
    {"md", required_argument, 0, O_MD},
    {"save", optional_argument, 0, O_SAVE},
    {"raw", no_argument, 0, O_RAW},
    {"kvm", required_argument, 0, O_KVM},
    {"strict", no_argument, 0, O_STRICT},
    {"progress", no_argument, 0, O_PROGRESS},
    {"quiet", no_argument, 0, 'q'},
    {"repeat", required_argument, 0, O_REPEAT},
    {"cpu", required_argument, 0, O_CPU},
    {"cpu2", required_argument, 0, O_CPU2},
    {"perf", optional_argument, 0, O_PERF},
    {"loop", required_argument, 0, O_LOOP},
    {"no-perf", no_argument, 0, O_NO_PERF},
    {"event", required_argument, 0, 'e'},
    {"budget", required_argument, 0, O_BUDGET},
    {"trace", no_argument, 0, O_TRACE},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static int parse_timer(const char *s, int *timer)
{
	if (strcmp(s, "auto") == 0)
		*timer = -1;
	else if (strcmp(s, "rdtscp") == 0)
		*timer = TIMER_RDTSCP;
	else if (strcmp(s, "lfence") == 0)
		*timer = TIMER_LFENCE;
	else
		return usage_error("--timer: '%s' is not auto, rdtscp or lfence", s);
	return 0;
}

/* A bounded integer option into an unsigned int or int field. */
static int parse_uint(const char *opt, uint64_t hi, unsigned int *out)
{
	uint64_t v;

	if (parse_u64(opt, optarg, 1, hi, &v))
		return EXIT_USAGE;
	*out = (unsigned int)v;
	return 0;
}

/* Output and reporting options; -1 when c is not one of them. */
static int parse_output_opt(int c, struct run_opts *o)
{
	switch (c) {
	case O_JSON:
		o->json = optarg;
		return check_writable("--json", optarg);
	case O_CSV:
		o->csv = optarg;
		return check_writable("--csv", optarg);
	case O_MD:
		o->md = optarg;
		return check_writable("--md", optarg);
	case O_SAVE:
		o->save_dir = optarg ? optarg : "results";
		return 0;
	case O_RAW:
		o->keep_samples = true;
		return 0;
	case O_STRICT:
		o->strict = true;
		return 0;
	case O_PROGRESS:
		o->progress = true;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case O_TRACE:
		o->trace = true;
		return 0;
	case O_PERF:
		o->no_perf = false;
		if (optarg && strcmp(optarg, "inline") && strcmp(optarg, "pass"))
			return usage_error("--perf: '%s' is not pass or inline", optarg);
		o->perf_inline = optarg && !strcmp(optarg, "inline");
		return 0;
	case O_NO_PERF:
		o->no_perf = true;
		return 0;
	case 'e':
		o->events = optarg;
		return 0;
	default:
		return -1;
	}
}

/* How the classes run; -1 when c is not one of these. */
static int parse_run_opt(int c, struct run_opts *o)
{
	uint64_t v;

	switch (c) {
	case O_RING:
		if (parse_u64("--ring", optarg, 0, 3, &v))
			return EXIT_USAGE;
		if (v != 0 && v != 3)
			return usage_error("--ring: %s is not 0 or 3", optarg);
		o->ring = (int)v;
		return 0;
	case O_TIMER:
		return parse_timer(optarg, &o->timer);
	case O_TIMEOUT:
		return parse_uint("--timeout", 86400, &o->timeout_s);
	case O_REPEAT:
		return parse_uint("--repeat", MAX_REPEAT, &o->repeat);
	case O_BUDGET:
		if (parse_u64("--budget", optarg, 1, 3600, &v))
			return EXIT_USAGE;
		o->budget_s = (double)v;
		return 0;
	case O_CPU:
	case O_CPU2:
		if (parse_u64(c == O_CPU ? "--cpu" : "--cpu2", optarg, 0, CPU_SETSIZE - 1, &v))
			return EXIT_USAGE;
		*(c == O_CPU ? &o->cpu : &o->cpu2) = (int)v;
		return 0;
	case O_KVM:
		o->kvm_path = optarg;
		return 0;
	case O_LOOP:
		if (strcmp(optarg, "straight") && strcmp(optarg, "indirect"))
			return usage_error("--loop: '%s' is not straight or indirect", optarg);
		o->indirect = !strcmp(optarg, "indirect");
		return 0;
	default:
		return -1;
	}
}

static int parse_one(int c, struct run_opts *o, bool *samples_set, bool *warmup_set)
{
	int r;

	switch (c) {
	case 'c':
		return parse_class_list(optarg, o);
	case 'n':
		*samples_set = true;
		return parse_u64("--samples", optarg, 1, MAX_SAMPLES, &o->samples);
	case 'w':
		*warmup_set = true;
		return parse_u64("--warmup", optarg, 0, MAX_SAMPLES, &o->warmup);
	case O_QUICK:
		o->quick = true;
		return 0;
	case 'h':
		fputs(run_usage, stdout);
		exit(EXIT_OK);
	default:
		break;
	}
	r = parse_output_opt(c, o);
	if (r < 0)
		r = parse_run_opt(c, o);
	if (r < 0) {
		fputs(run_usage, stderr);
		return EXIT_USAGE;
	}
	return r;
}

static int parse_run(int argc, char **argv, struct run_opts *o)
{
	bool samples_set = false, warmup_set = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->timer = -1;
	o->timeout_s = 60;
	o->repeat = 1;
	o->cpu = o->cpu2 = -1;
	o->kvm_path = "/dev/kvm";
	join_command_line(argc, argv, o->command_line, sizeof(o->command_line));
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:n:w:e:qh", run_long, NULL)) != -1)
		if (parse_one(c, o, &samples_set, &warmup_set))
			return EXIT_USAGE;
	if (optind < argc)
		return usage_error("run: unexpected argument '%s'", argv[optind]);
	if (!o->nclasses && parse_class_list("all", o))
		return EXIT_USAGE;
	if (o->events && o->no_perf)
		return usage_error("-e: perf events need --perf, not --no-perf");
	if (o->trace && o->repeat > 1)
		return usage_error("--trace: one run per class, not with --repeat %u", o->repeat);
	if (!samples_set)
		o->samples = o->quick ? QUICK_SAMPLES : DEFAULT_SAMPLES;
	if (samples_set)
		o->budget_s = 0; /* the user's count is exact */
	else if (o->budget_s == 0)
		o->budget_s = DEFAULT_BUDGET_S;
	if (!warmup_set)
		o->warmup = o->quick ? QUICK_WARMUP : DEFAULT_WARMUP;
	return 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A progress line on a terminal, once the run has taken over a second. */
static void progress(const struct run_opts *o, unsigned int i, unsigned int n, const char *name,
		     double t0)
{
	double el = mono_s() - t0;

	if (o->progress && name) {
		fprintf(stderr, "[%u/%u] %s\n", i + 1, n, name);
		return;
	}
	if (o->progress || o->quiet || !isatty(STDERR_FILENO) || el < 1.0)
		return;
	if (name)
		fprintf(stderr, "\r\033[K[%u/%u] %-18s %6.1f s", i + 1, n, name, el);
	else
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

/* The baseline (null) first: every other class's net median subtracts its median. */
static void order_classes(struct run_opts *o)
{
	const struct exit_class *base = class_baseline();

	for (unsigned int i = 0; i < o->nclasses; i++)
		if (o->classes[i] == base) {
			memmove(&o->classes[1], &o->classes[0], i * sizeof(o->classes[0]));
			o->classes[0] = base;
			return;
		}
	memmove(&o->classes[1], &o->classes[0], o->nclasses * sizeof(o->classes[0]));
	o->classes[0] = base;
	o->nclasses++;
}

/* The perf probe's (cpuid's) median with and without counters: from its two
 * passes, or with --perf=inline from one more run without them. */
static void perf_overhead(struct kvm_sys *kvm, struct run_result *r)
{
	struct run_params p = r->params;
	struct class_result *c = NULL, *plain;

	for (unsigned int i = 0; i < r->nclasses; i++)
		if (r->classes[i].cls->perf_probe && r->classes[i].status == CLASS_OK &&
		    r->classes[i].perf)
			c = &r->classes[i];
	if (c && !c->perf_inline) {
		r->have_perf_overhead = true;
		r->cpuid_median_perf = c->perf_median;
		r->cpuid_median_no_perf = c->sum.median;
		return;
	}
	plain = c && !mvm_interrupted ? calloc(1, sizeof(*plain)) : NULL;
	if (!plain)
		return;
	p.perf = NULL;
	p.repeat = 1;
	run_class(kvm, &r->host.backend, c->cls, &p, plain);
	if (plain->status == CLASS_OK) {
		r->have_perf_overhead = true;
		r->cpuid_median_perf = c->sum.median;
		r->cpuid_median_no_perf = plain->sum.median;
	}
	class_result_free(plain);
	free(plain);
}

/* One class, one round: traced when asked. */
static void run_one(const struct run_opts *o, struct kvm_sys *kvm, struct run_result *r,
		    unsigned int i, struct class_result *c)
{
	struct trace_session *ts = NULL;
	char terr[200] = "";

	if (o->trace)
		ts = run_trace_start(terr, sizeof(terr));
	run_class(kvm, &r->host.backend, o->classes[i], &r->params, c);
	if (o->trace)
		run_trace_stop(ts, terr, c);
	if (c->status == CLASS_FAILED)
		fprintf(stderr, "%sexitbench: class %s failed: %s\n",
			isatty(STDERR_FILENO) && !o->quiet ? "\r\033[K" : "", c->cls->name,
			c->reason);
}

/*
 * --repeat K runs K rounds over every class rather than K runs of one class
 * back to back: each class's runs are then spread over the whole run and see
 * whatever slow phases the host goes through.  A class that fails or is
 * skipped is not run again.
 */
static void run_rounds(const struct run_opts *o, struct kvm_sys *kvm, struct run_result *r,
		       struct class_result *runs, unsigned int *ran)
{
	unsigned int k, i, rounds = o->repeat;
	double t0 = mono_s();

	for (k = 0; k < rounds && !mvm_interrupted; k++)
		for (i = 0; i < o->nclasses && !mvm_interrupted; i++) {
			if (ran[i] != k || (k && runs[i * rounds + k - 1].status != CLASS_OK))
				continue;
			progress(o, k * o->nclasses + i, rounds * o->nclasses, o->classes[i]->name,
				 t0);
			run_one(o, kvm, r, i, &runs[i * rounds + k]);
			ran[i]++;
		}
	progress(o, 0, 0, NULL, t0);
}

static void run_all(struct run_opts *o, struct kvm_sys *kvm, struct run_result *r)
{
	struct class_result *runs = calloc((size_t)o->nclasses * o->repeat, sizeof(*runs));
	unsigned int *ran = calloc(o->nclasses, sizeof(*ran));

	if (!runs || !ran) {
		fprintf(stderr, "exitbench: allocate %u x %u results: %s\n", o->nclasses, o->repeat,
			strerror(errno));
		mvm_interrupted = 1;
	}
	if (runs && ran)
		run_rounds(o, kvm, r, runs, ran);
	for (unsigned int i = 0; runs && ran && i < o->nclasses && ran[i]; i++)
		class_result_merge(&runs[i * o->repeat], ran[i], &r->classes[r->nclasses++]);
	free(runs);
	free(ran);
	perf_overhead(kvm, r);
	if (mvm_interrupted) {
		r->partial = true;
		snprintf(r->partial_reason, sizeof(r->partial_reason),
			 "interrupted: %u of %u classes run", r->nclasses, o->nclasses);
	}
	r->null_median = NAN;
	if (r->nclasses && r->classes[0].status == CLASS_OK)
		r->null_median = r->classes[0].sum.median;
	for (unsigned int i = 0; i < r->nclasses; i++)
		if (r->classes[i].status == CLASS_OK)
			r->classes[i].net_median = r->classes[i].sum.median - r->null_median;
}

/* DIR/hosts/<microarch>/<host>-<UTC>.json; never overwrites (-2, -3...). */
static int save_result(const struct run_result *r, const char *dir, char *path, size_t len)
{
	char sub[4096], stamp[32];

	snprintf(sub, sizeof(sub), "%s/hosts/%s", dir, r->host.microarch_slug);
	if (mkdir_parents(sub, true))
		return -1;
	snprintf(stamp, sizeof(stamp), "%s", r->started_utc);
	for (char *p = stamp; *p; p++)
		if (*p == ':')
			*p = '-';
	for (int n = 1; n < 100; n++) {
		int w = n == 1 ? snprintf(path, len, "%s/%s-%s.json", sub, r->host.hostname, stamp)
			       : snprintf(path, len, "%s/%s-%s-%d.json", sub, r->host.hostname,
					  stamp, n);

		if (w >= (int)len) {
			errno = ENAMETOOLONG;
			return eb_fail_errno("result path under %s", sub);
		}
		if (result_write_json(r, path, true) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static int write_outputs(const struct run_opts *o, const struct run_result *r)
{
	char saved[4096];

	if (o->json && result_write_json(r, o->json, false))
		return usage_error("%s", eb_error());
	if (o->csv && result_write_csv(r, o->csv))
		return usage_error("%s", eb_error());
	if (o->md && result_write_markdown(r, o->md))
		return usage_error("%s", eb_error());
	if (o->save_dir) {
		if (save_result(r, o->save_dir, saved, sizeof(saved)))
			return usage_error("save result: %s", eb_error());
		printf("result saved: %s\n", saved);
	}
	return EXIT_OK;
}

static int run_status(const struct run_opts *o, const struct run_result *r)
{
	int st = r->partial ? EXIT_FAIL : EXIT_OK;

	for (unsigned int i = 0; i < r->nclasses; i++) {
		const struct class_result *c = &r->classes[i];

		if (c->status == CLASS_FAILED ||
		    (o->strict && c->status == CLASS_OK && !c->verified))
			st = EXIT_FAIL;
	}
	return st;
}

static struct perf_spec perf_spec;

/* --cpu/--cpu2 must name CPUs this process may run on (before /dev/kvm). */
static int check_cpus(const struct run_opts *o)
{
	cpu_set_t set;

	if (o->cpu < 0 && o->cpu2 < 0)
		return 0;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return usage_error("--cpu: read this process's CPU affinity: %s", strerror(errno));
	if (o->cpu >= 0 && !CPU_ISSET(o->cpu, &set))
		return usage_error("--cpu %d: not a CPU this process may run on", o->cpu);
	if (o->cpu2 >= 0 && !CPU_ISSET(o->cpu2, &set))
		return usage_error("--cpu2 %d: not a CPU this process may run on", o->cpu2);
	return 0;
}

/* Everything that needs no /dev/kvm is checked first. */
static int check_before_kvm(const struct run_opts *o)
{
	if (!o->no_perf && (perfctr_parse_opt("--perf", PERF_DEFAULT_EVENTS, &perf_spec) ||
			    (o->events && perfctr_parse_opt("-e", o->events, &perf_spec))))
		return EXIT_USAGE;
	return check_cpus(o);
}

static int setup_run(struct run_opts *o, struct kvm_sys *kvm, struct run_result *r)
{
	if (check_before_kvm(o))
		return EXIT_USAGE;
	if (kvm_open(kvm, o->kvm_path) || kvm_require_base_caps(kvm) ||
	    hostinfo_collect(&r->host, kvm))
		return usage_error("%s", eb_error());
	snprintf(r->command_line, sizeof(r->command_line), "%s", o->command_line);
	r->params = (struct run_params){.kvm_path = o->kvm_path,
					.samples = o->samples,
					.warmup = o->warmup,
					.ring = o->ring,
					.timeout_s = o->timeout_s,
					.keep_samples = o->keep_samples,
					.timer = o->timer};
	r->quick = o->quick;
	r->params.repeat = o->repeat;
	r->params.budget_s = o->budget_s;
	r->params.cpu = o->cpu;
	r->params.cpu2 = o->cpu2;
	r->params.cpus_siblings = cpus_are_siblings(o->cpu, o->cpu2);
	if (!o->no_perf) {
		r->params.perf = &perf_spec;
		r->params.perf_inline = o->perf_inline;
	}
	r->params.indirect = o->indirect;
	if (o->cpu >= 0 && pin_thread(o->cpu))
		return usage_error("%s", eb_error());
	mvm_signals_install();
	if (o->timer < 0)
		r->params.timer = probe_timer(kvm, &r->host.backend, o->timeout_s, r->timer_note,
					      sizeof(r->timer_note));
	r->classes = calloc(o->nclasses + 1, sizeof(*r->classes));
	if (!r->classes)
		return usage_error("allocate results for %u classes: %s", o->nclasses,
				   strerror(errno));
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct kvm_sys kvm = {.fd = -1};
	struct run_result *r = calloc(1, sizeof(*r));
	int st;

	if (!r)
		return usage_error("allocate the run: %s", strerror(errno));
	st = parse_run(argc, argv, &o);
	if (st == 0) {
		order_classes(&o);
		st = setup_run(&o, &kvm, r);
	}
	if (st == 0) {
		utc_now(r->started_utc, sizeof(r->started_utc));
		run_all(&o, &kvm, r);
		utc_now(r->finished_utc, sizeof(r->finished_utc));
		if (!o.quiet)
			result_print_table(r, stdout);
		st = write_outputs(&o, r);
		if (st == 0)
			st = run_status(&o, r);
	}
	for (unsigned int i = 0; r->classes && i < r->nclasses; i++)
		class_result_free(&r->classes[i]);
	free(r->classes);
	free(r);
	kvm_close(&kvm);
	return st;
}
