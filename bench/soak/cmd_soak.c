/* SPDX-License-Identifier: MIT */
/*
 * exitbench soak (not listed; make soak runs it): VM create/run/destroy
 * cycles, one VM each, round-robin over every class this host can run (one
 * iteration, the run command's own path: memory slots, ioeventfds, the
 * second vCPU's thread, perf off).  Open file descriptors and resident
 * memory are taken after a warm-up pass and at the end; any growth of the
 * descriptors, or of resident memory beyond --rss-slack-kb, fails.  A
 * deadline bounds the time: cycles left when it passes fail the soak.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/cli.h"
#include "bench/run/runner.h"
#include "guests/protocol.h"

static const char soak_usage[] =
    "usage: exitbench soak [--cycles N] [--seconds S] [--rss-slack-kb K] [--kvm PATH]\n"
    "  N VM create/run/destroy cycles (default 1000), one iteration of each class\n"
    "  this host runs, in turn; fails on any growth of open file descriptors, on\n"
    "  resident memory growth over K KiB (default 1024), on a failed class, or when\n"
    "  the cycles take longer than S seconds (default 600)\n";

struct soak_opts {
	uint64_t cycles, seconds, rss_slack_kb;
	const char *kvm_path;
};

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1; /* the directory's own descriptor */
}

static long rss_kb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f && fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	if (f)
		fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int parse_soak(int argc, char **argv, struct soak_opts *o)
{
	static const struct option lo[] = {{"cycles", required_argument, 0, 'n'},
					   {"seconds", required_argument, 0, 's'},
					   {"rss-slack-kb", required_argument, 0, 'r'},
					   {"kvm", required_argument, 0, 'k'},
					   {"help", no_argument, 0, 'h'},
					   {0, 0, 0, 0}};
	int c;

	*o = (struct soak_opts){1000, 600, 1024, "/dev/kvm"};
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if ((c == 'n' && parse_u64("--cycles", optarg, 1, 10000000, &o->cycles)) ||
		    (c == 's' && parse_u64("--seconds", optarg, 1, 86400, &o->seconds)) ||
		    (c == 'r' && parse_u64("--rss-slack-kb", optarg, 0, 1 << 30, &o->rss_slack_kb)))
			return EXIT_USAGE;
		if (c == 'k')
			o->kvm_path = optarg;
		if (c == 'h') {
			fputs(soak_usage, stdout);
			exit(EXIT_OK);
		}
		if (c == '?') {
			fputs(soak_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_error("soak: unexpected argument '%s'", argv[optind]);
	return 0;
}

/* One cycle: class i (of the visible ones) in a fresh VM.  1 when it ran,
 * 0 when this host cannot run it, -1 when it failed. */
static int cycle(struct kvm_sys *kvm, const struct backend *b, const struct exit_class *cls,
		 const struct run_params *p)
{
	struct class_result res;
	int ret;

	run_class(kvm, b, cls, p, &res);
	ret = res.status == CLASS_OK ? 1 : res.status == CLASS_SKIPPED ? 0 : -1;
	if (ret < 0)
		fprintf(stderr, "exitbench soak: class %s: %s\n", cls->name, res.reason);
	class_result_free(&res);
	return ret;
}

struct tally {
	uint64_t done, warm; /* cycles run; of them, before the measurement */
	int fd0, fd1;
	long rss0, rss1;
	double t0;
};

static int over_time(const struct soak_opts *o, const struct tally *t)
{
	fprintf(stderr, "exitbench soak: %llu of %llu cycles in %llu s: over the time bound\n",
		(unsigned long long)t->done, (unsigned long long)o->cycles,
		(unsigned long long)o->seconds);
	return EXIT_FAIL;
}

/* Passes over the classes until o->cycles ran; measured after the first. */
static int cycles(const struct soak_opts *o, struct kvm_sys *kvm, const struct backend *b,
		  struct tally *t)
{
	const struct run_params p = {.kvm_path = o->kvm_path,
				     .samples = 1,
				     .timeout_s = 30,
				     .timer = TIMER_LFENCE,
				     .repeat = 1,
				     .cpu = -1,
				     .cpu2 = -1};

	t->fd0 = -1;
	t->t0 = now_s();
	for (unsigned int pass = 0; t->done < o->cycles; pass++) {
		uint64_t before = t->done;

		if (pass == 1) { /* warm: every class ran once */
			t->fd0 = open_fds();
			t->rss0 = rss_kb();
			t->warm = t->done;
		}
		for (unsigned int i = 0; i < exit_class_count && t->done < o->cycles; i++) {
			int r;

			if (exit_classes[i].hidden)
				continue;
			if (mvm_interrupted)
				return usage_error("soak: interrupted after %llu cycles",
						   (unsigned long long)t->done);
			if (now_s() > t->t0 + (double)o->seconds)
				return over_time(o, t);
			r = cycle(kvm, b, &exit_classes[i], &p);
			if (r < 0)
				return EXIT_FAIL;
			t->done += (uint64_t)r;
		}
		if (t->done == before)
			return usage_error("soak: no class runs on this host");
	}
	t->fd1 = open_fds();
	t->rss1 = rss_kb();
	return EXIT_OK;
}

static int soak(const struct soak_opts *o, struct kvm_sys *kvm, const struct backend *b)
{
	struct tally t = {0};
	int st = cycles(o, kvm, b, &t);
	double s = now_s() - t.t0;

	if (st)
		return st;
	printf("soak: %llu VM create/run/destroy cycles in %.1f s (%.1f ms each)",
	       (unsigned long long)t.done, s, 1e3 * s / (double)t.done);
	if (t.fd0 < 0) {
		printf("; fewer cycles than one pass over the classes: nothing measured\n");
		return EXIT_FAIL;
	}
	printf("; from cycle %llu to the end: open fds %d -> %d, RSS %ld -> %ld KiB (%+ld KiB)\n",
	       (unsigned long long)t.warm, t.fd0, t.fd1, t.rss0, t.rss1, t.rss1 - t.rss0);
	if (t.fd1 != t.fd0) {
		fprintf(stderr, "exitbench soak: open file descriptors grew by %d\n",
			t.fd1 - t.fd0);
		return EXIT_FAIL;
	}
	if (t.rss1 - t.rss0 > (long)o->rss_slack_kb) {
		fprintf(stderr, "exitbench soak: resident memory grew by %ld KiB (over %llu)\n",
			t.rss1 - t.rss0, (unsigned long long)o->rss_slack_kb);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_soak(int argc, char **argv)
{
	struct kvm_sys kvm = {.fd = -1};
	struct soak_opts o;
	struct backend b;
	int st = parse_soak(argc, argv, &o);

	if (st)
		return st;
	if (kvm_open(&kvm, o.kvm_path) || kvm_require_base_caps(&kvm))
		return usage_error("%s", eb_error());
	backend_detect(&b, "/sys");
	mvm_signals_install();
	st = soak(&o, &kvm, &b);
	kvm_close(&kvm);
	return st;
}
