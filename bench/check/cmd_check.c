/* SPDX-License-Identifier: MIT */
/* exitbench check: run the exit-path checks, one line (or TAP line) each. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/check/check.h"
#include "bench/cli.h"
#include "bench/run/runner.h"

#define MAX_SELECTED 64

static const char check_usage[] =
    "usage: exitbench check [options]\n"
    "  functional checks that exit paths behave: each passes, fails with what was\n"
    "  expected and what arrived, or is skipped as unsupported when KVM or the\n"
    "  backend cannot run what it needs; notes (note: ...) change no verdict\n"
    "      --tap           TAP output (ok/not ok N - name # reason) for CI\n"
    "      --only A,B      run only these checks (default all; see --list)\n"
    "      --list          the checks and what each verifies\n"
    "      --timeout S     watchdog per check in seconds (default 30)\n"
    "      --kvm PATH      KVM device (default /dev/kvm)\n"
    "      --inject NAME   test switch: make the VMM misbehave in check NAME, which\n"
    "                      must then fail (see --list for what each does)\n"
    "exit status: 0 every check passed or was skipped as unsupported, 1 a check failed,\n"
    "2 usage or environment error\n";

struct check_opts {
	const struct check_def *sel[MAX_SELECTED];
	unsigned int nsel;
	const struct check_def *inject;
	bool tap, list;
	unsigned int timeout_s;
	const char *kvm_path;
};

enum { O_TAP = 256, O_ONLY, O_LIST, O_TIMEOUT, O_KVM, O_INJECT };

static const struct option check_long[] = {
    {"tap", no_argument, 0, O_TAP},	  {"only", required_argument, 0, O_ONLY},
    {"list", no_argument, 0, O_LIST},	  {"timeout", required_argument, 0, O_TIMEOUT},
    {"kvm", required_argument, 0, O_KVM}, {"inject", required_argument, 0, O_INJECT},
    {"help", no_argument, 0, 'h'},	  {0, 0, 0, 0},
};

static void names(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < check_count && used < len; i++)
		if (!check_table[i]->hidden)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
						 check_table[i]->name);
}

static int unknown_check(const char *opt, const char *name)
{
	char all[512];

	names(all, sizeof(all));
	return usage_error("%s: unknown check '%s' (checks: %s)", opt, name, all);
}

static int parse_only(const char *s, struct check_opts *o)
{
	char buf[1024], *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return usage_error("--only: list too long");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const struct check_def *d = check_find(t);
		bool dup = false;

		if (strcmp(t, "all") == 0) {
			for (unsigned int i = 0; i < check_count; i++)
				if (!check_table[i]->hidden && parse_only(check_table[i]->name, o))
					return EXIT_USAGE;
			continue;
		}
		if (!d)
			return unknown_check("--only", t);
		for (unsigned int i = 0; i < o->nsel; i++)
			dup = dup || o->sel[i] == d;
		if (!dup && o->nsel < MAX_SELECTED)
			o->sel[o->nsel++] = d;
	}
	if (!o->nsel)
		return usage_error("--only: no check named in '%s'", s);
	return 0;
}

static int parse_one(int c, struct check_opts *o)
{
	uint64_t v;

	switch (c) {
	case O_TAP:
		o->tap = true;
		return 0;
	case O_ONLY:
		return parse_only(optarg, o);
	case O_LIST:
		o->list = true;
		return 0;
	case O_TIMEOUT:
		if (parse_u64("--timeout", optarg, 1, 86400, &v))
			return EXIT_USAGE;
		o->timeout_s = (unsigned int)v;
		return 0;
	case O_KVM:
		o->kvm_path = optarg;
		return 0;
	case O_INJECT:
		o->inject = check_find(optarg);
		return o->inject ? 0 : unknown_check("--inject", optarg);
	case 'h':
		fputs(check_usage, stdout);
		exit(EXIT_OK);
	default:
		fputs(check_usage, stderr);
		return EXIT_USAGE;
	}
}

static int parse_check(int argc, char **argv, struct check_opts *o)
{
	bool selected = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout_s = 30;
	o->kvm_path = "/dev/kvm";
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", check_long, NULL)) != -1)
		if (parse_one(c, o))
			return EXIT_USAGE;
	if (optind < argc)
		return usage_error("check: unexpected argument '%s'", argv[optind]);
	if (!o->nsel && parse_only("all", o))
		return EXIT_USAGE;
	for (unsigned int i = 0; i < o->nsel; i++)
		selected = selected || o->sel[i] == o->inject;
	if (o->inject && !selected)
		return usage_error("--inject %s: that check is not selected by --only",
				   o->inject->name);
	return 0;
}

static void list_checks(void)
{
	for (unsigned int i = 0; i < check_count; i++) {
		if (check_table[i]->hidden)
			continue;
		printf("%-15s %s\n", check_table[i]->name, check_table[i]->what);
		printf("%-15s --inject: %s\n", "", check_table[i]->inject_what);
	}
}

static const char *status_word(enum check_status s)
{
	return s == CHECK_PASS ? "PASS" : s == CHECK_FAIL ? "FAIL" : "SKIP";
}

/* The check's informational notes: "; note: X" each on its line, or one
 * "# note: X" TAP diagnostic line each. */
static void print_info(const struct check_opts *o, const char *info)
{
	const char *p = info;

	while (*p) {
		int len = (int)strcspn(p, "\n");

		printf(o->tap ? "# note: %.*s\n" : "; note: %.*s", len, p);
		p += len + (p[len] == '\n');
	}
}

static void print_one(const struct check_opts *o, unsigned int n, const struct check_outcome *r)
{
	if (!o->tap) {
		printf("%s  %-15s %s", status_word(r->status), r->def->name,
		       r->status == CHECK_PASS ? r->note : r->reason);
		print_info(o, r->info);
		putchar('\n');
	} else if (r->status == CHECK_PASS) {
		printf("ok %u - %s\n", n, r->def->name);
		printf("# %s\n", r->note);
	} else if (r->status == CHECK_SKIP) {
		printf("ok %u - %s # SKIP %s\n", n, r->def->name, r->reason);
	} else {
		printf("not ok %u - %s # %s\n", n, r->def->name, r->reason);
	}
	if (o->tap)
		print_info(o, r->info);
	fflush(stdout);
}

static void print_header(const struct check_opts *o, const struct backend *b)
{
	printf("%sexitbench check: backend %s (%s), CPU %s%s, hypercall by %s\n",
	       o->tap ? "# " : "", b->name, b->module, b->vendor, b->nested ? ", nested" : "",
	       backend_hypercall_insn(b));
	if (o->inject)
		printf("%sinject %s (test switch): %s\n", o->tap ? "# " : "", o->inject->name,
		       o->inject->inject_what);
}

static int run_checks(const struct check_opts *o, struct kvm_sys *kvm, const struct backend *b)
{
	unsigned int passed = 0, failed = 0, skipped = 0, n;
	struct check_outcome r;

	if (o->tap)
		printf("1..%u\n", o->nsel);
	print_header(o, b);
	mvm_signals_install();
	for (n = 0; n < o->nsel && !mvm_interrupted; n++) {
		const struct check_def *d = o->sel[n];

		check_run(kvm, b, d, d == o->inject, o->timeout_s, &r);
		if (mvm_interrupted)
			break;
		print_one(o, n + 1, &r);
		passed += r.status == CHECK_PASS;
		failed += r.status == CHECK_FAIL;
		skipped += r.status == CHECK_SKIP;
	}
	if (mvm_interrupted) {
		fprintf(stderr, "exitbench: interrupted after %u of %u checks\n", n, o->nsel);
		return EXIT_FAIL;
	}
	printf("%s%u checks: %u passed, %u failed, %u skipped\n", o->tap ? "# " : "", o->nsel,
	       passed, failed, skipped);
	return failed ? EXIT_FAIL : EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o;
	struct kvm_sys kvm = {.fd = -1};
	struct backend b;
	int st = parse_check(argc, argv, &o);

	if (st)
		return st;
	if (o.list) {
		list_checks();
		return EXIT_OK;
	}
	if (kvm_open(&kvm, o.kvm_path) || kvm_require_base_caps(&kvm))
		return usage_error("%s", eb_error());
	backend_detect(&b, "/sys");
	st = run_checks(&o, &kvm, &b);
	kvm_close(&kvm);
	return st;
}
