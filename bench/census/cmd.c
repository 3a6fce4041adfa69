/* SPDX-License-Identifier: MIT */
/* exitbench census: every row at CPL0 and CPL3, a table, JSON, a page. */
#include <cpuid.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/files.h"
#include "bench/census/census.h"
#include "bench/cli.h"
#include "bench/result/result.h"
#include "minivmm/minivmm.h"

static const char census_usage[] =
    "usage: exitbench census [options]\n"
    "  each instruction of the census table (the evil 17, the classic privileged and\n"
    "  sensitive ones, UMIP) in a fresh VM at CPL0 and CPL3: faulted in the guest,\n"
    "  exited to KVM, exited to the VMM, or ran without an exit; its cost; what the\n"
    "  guest saw; its class in Popek-Goldberg's terms (docs/census.md)\n"
    "      --json F          write the exitbench-census/1 document\n"
    "      --md F            write the page: columns explained, one paragraph per\n"
    "                        Popek-Goldberg property with the evidence\n"
    "      --save[=DIR]      JSON and page under DIR/hosts/<microarch>/ (default results)\n"
    "      --from F          no VM: read a census JSON and print/write it (--md, --json)\n"
    "      --only A,B        these rows only (--list shows them)\n"
    "      --ring 0|3        one ring only\n"
    "      --iterations N    timed runs per row and ring (default 300)\n"
    "      --warmup N        untimed runs first (default 30)\n"
    "      --timeout S       watchdog per row and ring, seconds (default 20)\n"
    "      --kvm PATH        KVM device (default /dev/kvm)\n"
    "      --list            the rows: instruction, group, usual outcome per vendor\n"
    "      --trace           also the VT-x/AMD-V exit reasons per row and ring, from\n"
    "                        the kvm:kvm_exit tracepoint (needs tracefs; slower)\n"
    "      --progress        one line per row on stderr\n"
    "  -q, --quiet           no table\n"
    "exit status: 0 every row ran (or was skipped as unsupported), 1 a row failed,\n"
    "2 usage or environment error\n";

struct census_opts {
	const char *json, *md, *save_dir, *from, *kvm_path;
	bool only[CENSUS_MAX_ROWS], any_only, list, progress, quiet;
	struct census_params p;
	char command_line[1024];
};

enum {
	O_JSON = 256,
	O_MD,
	O_SAVE,
	O_FROM,
	O_ONLY,
	O_RING,
	O_ITER,
	O_WARM,
	O_TIMEOUT,
	O_KVM,
	O_LIST,
	O_PROGRESS,
	O_TRACE
};

static const struct option census_long[] = {
    {"json", required_argument, 0, O_JSON},
    {"md", required_argument, 0, O_MD},
    {"save", optional_argument, 0, O_SAVE},
    {"from", required_argument, 0, O_FROM},
    {"only", required_argument, 0, O_ONLY},
    {"ring", required_argument, 0, O_RING},
    {"iterations", required_argument, 0, O_ITER},
    {"warmup", required_argument, 0, O_WARM},
    {"timeout", required_argument, 0, O_TIMEOUT},
    {"kvm", required_argument, 0, O_KVM},
    {"trace", no_argument, 0, O_TRACE},
    {"list", no_argument, 0, O_LIST},
    {"progress", no_argument, 0, O_PROGRESS},
    {"quiet", no_argument, 0, 'q'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static int parse_only(const char *s, struct census_opts *o)
{
	char buf[1024], *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return usage_error("--only: list too long");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const struct census_rowdef *r = census_find_row(t);

		if (!r)
			return usage_error("--only: unknown row '%s' ('exitbench census --list' "
					   "shows them)",
					   t);
		o->only[r - census_rows] = true;
		o->any_only = true;
	}
	return o->any_only ? 0 : usage_error("--only: no row named in '%s'", s);
}

static int parse_num(const char *opt, uint64_t lo, uint64_t hi, uint64_t *out)
{
	return parse_u64(opt, optarg, lo, hi, out) ? EXIT_USAGE : 0;
}

static int parse_one(int c, struct census_opts *o)
{
	uint64_t v;

	switch (c) {
	case O_JSON:
		o->json = optarg;
		return check_writable("--json", optarg);
	case O_MD:
		o->md = optarg;
		return check_writable("--md", optarg);
	case O_SAVE:
		o->save_dir = optarg ? optarg : "results";
		return 0;
	case O_FROM:
		o->from = optarg;
		return 0;
	case O_ONLY:
		return parse_only(optarg, o);
	case O_RING:
		if (strcmp(optarg, "0") && strcmp(optarg, "3"))
			return usage_error("--ring: '%s' is not 0 or 3", optarg);
		o->p.only_ring = atoi(optarg);
		return 0;
	case O_ITER:
		if (parse_num("--iterations", 1, 1000000, &v))
			return EXIT_USAGE;
		o->p.iterations = v;
		return 0;
	case O_WARM:
		if (parse_num("--warmup", 0, 1000000, &v))
			return EXIT_USAGE;
		o->p.warmup = v;
		return 0;
	case O_TIMEOUT:
		if (parse_num("--timeout", 1, 3600, &v))
			return EXIT_USAGE;
		o->p.timeout_s = (unsigned int)v;
		return 0;
	case O_KVM:
		o->kvm_path = optarg;
		return 0;
	case O_LIST:
		o->list = true;
		return 0;
	case O_PROGRESS:
		o->progress = true;
		return 0;
	case O_TRACE:
		o->p.trace = true;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case 'h':
		fputs(census_usage, stdout);
		exit(EXIT_OK);
	default:
		fputs(census_usage, stderr);
		return EXIT_USAGE;
	}
}

static int parse(int argc, char **argv, struct census_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->kvm_path = "/dev/kvm";
	o->p.iterations = 300;
	o->p.warmup = 30;
	o->p.timeout_s = 20;
	o->p.only_ring = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", census_long, NULL)) != -1)
		if (parse_one(c, o))
			return EXIT_USAGE;
	if (optind < argc)
		return usage_error("census: unexpected argument '%s'", argv[optind]);
	if (o->from && (o->save_dir || o->any_only || o->p.only_ring >= 0))
		return usage_error("census: --from renders a file; --save, --only and --ring "
				   "need a run");
	join_command_line(argc, argv, o->command_line, sizeof(o->command_line));
	return 0;
}

static void list_rows(void)
{
	printf("%-17s %-8s %-16s %-21s %-21s %s\n", "row", "group", "instruction", "VT-x CPL0/CPL3",
	       "AMD-V CPL0/CPL3", "what");
	for (unsigned int i = 0; i < census_row_count; i++) {
		const struct census_rowdef *r = &census_rows[i];
		char v[48], s[48];

		snprintf(v, sizeof(v), "%s / %s", r->hint[0][0] ?: "?", r->hint[0][1] ?: "?");
		snprintf(s, sizeof(s), "%s / %s", r->hint[1][0] ?: "?", r->hint[1][1] ?: "?");
		printf("%-17s %-8s %-16s %-21s %-21s %s\n", r->name, census_group_name(r->group),
		       r->insn, v, s, r->what);
	}
}

static bool host_has_umip(void)
{
	unsigned int a, b, c, d;

	if (__get_cpuid_max(0, NULL) < 7)
		return false;
	__cpuid_count(7, 0, a, b, c, d);
	return (c >> 2) & 1;
}

static int doc_init(struct census_doc *d, const struct census_opts *o, struct kvm_sys *kvm,
		    struct host_info *hi)
{
	hostinfo_collect(hi, kvm);
	d->host_json = result_host_json(hi);
	if (!d->host_json) {
		errno = ENOMEM;
		return eb_fail("build the host labels");
	}
	census_host_from_json(d->host_json, &d->host);
	snprintf(d->host.slug, sizeof(d->host.slug), "%s", hi->microarch_slug);
	d->host_umip = host_has_umip();
	snprintf(d->tool_version, sizeof(d->tool_version), "%s", EXITBENCH_VERSION);
	snprintf(d->command_line, sizeof(d->command_line), "%s", o->command_line);
	utc_now(d->started_utc, sizeof(d->started_utc));
	d->trace = o->p.trace;
	d->iterations = o->p.iterations;
	d->warmup = o->p.warmup;
	return 0;
}

/* net cost: minus the null row's median at the same ring */
static void finish(struct census_doc *d)
{
	const struct census_rowres *nul = NULL;
	int vendor = census_vendor(&d->host);

	for (unsigned int i = 0; i < d->nrows; i++)
		if (strcmp(d->rows[i].name, "null") == 0)
			nul = &d->rows[i];
	for (unsigned int i = 0; i < d->nrows; i++) {
		struct census_rowres *r = &d->rows[i];

		for (int k = 0; k < 2; k++) {
			struct census_cell *c = &r->cell[k];

			census_cell_classify(r, c, vendor);
			c->net_median = nul && nul->cell[k].status == CS_OK && c->status == CS_OK
					    ? c->median - nul->cell[k].median
					    : NAN;
		}
		census_row_classify(r);
	}
}

static void progress(const struct census_opts *o, const struct census_rowres *r, int k)
{
	char code[32];

	if (!o->progress)
		return;
	census_cell_code(&r->cell[k], code, sizeof(code));
	fprintf(stderr, "census: %-17s CPL%d %s\n", r->name, k ? 3 : 0, code);
}

static void run_cell(const struct census_opts *o, struct kvm_sys *kvm,
		     const struct census_rowdef *row, int ring, struct census_cell *c)
{
	struct trace_session *s = NULL;
	char err[160] = "";

	if (o->p.trace)
		s = census_trace_start(err, sizeof(err));
	census_run_cell(kvm, row, ring, &o->p, c);
	if (o->p.trace)
		census_trace_stop(s, err, c);
}

static unsigned int run_rows(const struct census_opts *o, struct kvm_sys *kvm, struct census_doc *d)
{
	unsigned int failed = 0;

	for (unsigned int i = 0; i < census_row_count && !mvm_interrupted; i++) {
		struct census_rowres *r = &d->rows[d->nrows];

		if (o->any_only && !o->only[i] && strcmp(census_rows[i].name, "null"))
			continue;
		census_rowres_init(r, &census_rows[i]);
		d->nrows++;
		for (int k = 0; k < 2 && !mvm_interrupted; k++) {
			if (o->p.only_ring >= 0 && o->p.only_ring != (k ? 3 : 0)) {
				snprintf(r->cell[k].reason, sizeof(r->cell[k].reason),
					 "not asked for (--ring %d)", o->p.only_ring);
				continue;
			}
			run_cell(o, kvm, &census_rows[i], k ? 3 : 0, &r->cell[k]);
			census_cell_classify(r, &r->cell[k], census_vendor(&d->host));
			failed += r->cell[k].status == CS_FAILED;
			progress(o, r, k);
		}
	}
	return failed;
}

static int save(struct census_doc *d, const char *dir, char *json, size_t len)
{
	char stamp[32], base[3900];

	snprintf(stamp, sizeof(stamp), "%s", d->started_utc);
	for (char *p = stamp; *p; p++)
		if (*p == ':')
			*p = '-';
	if (snprintf(base, sizeof(base), "%.3000s/hosts/%.64s/census-%.31s", dir,
		     d->host.slug[0] ? d->host.slug : "unknown", stamp) >= (int)sizeof(base) - 8) {
		errno = ENAMETOOLONG;
		return eb_fail_errno("--save: %s", dir);
	}
	snprintf(json, len, "%s.json", base);
	if (mkdir_parents(json, false) || census_write_json(d, json))
		return -1;
	snprintf(d->path, sizeof(d->path), "%s", json);
	snprintf(base + strlen(base), sizeof(base) - strlen(base), ".md");
	return census_write_md(d, base);
}

static int outputs(struct census_doc *d, const struct census_opts *o)
{
	char saved[4096];

	if (!o->quiet)
		census_print_table(d, stdout);
	if (o->json && census_write_json(d, o->json))
		return usage_error("%s", eb_error());
	if (o->md && census_write_md(d, o->md))
		return usage_error("%s", eb_error());
	if (o->save_dir) {
		if (save(d, o->save_dir, saved, sizeof(saved)))
			return usage_error("save the census: %s", eb_error());
		printf("census saved: %s (and its page, .md)\n", saved);
	}
	return 0;
}

static int run(const struct census_opts *o, struct census_doc *d)
{
	struct kvm_sys kvm = {.fd = -1};
	struct host_info *hi = calloc(1, sizeof(*hi));
	struct backend b;
	unsigned int failed;
	char why[320];
	int st;

	if (!hi)
		return usage_error("allocate the host labels: %s", strerror(errno));
	if (kvm_open(&kvm, o->kvm_path) || kvm_require_base_caps(&kvm) ||
	    doc_init(d, o, &kvm, hi)) {
		free(hi);
		kvm_close(&kvm);
		return usage_error("%s", eb_error());
	}
	backend_detect(&b, "/sys");
	mvm_signals_install();
	((struct census_params *)&o->p)->timer =
	    probe_timer(&kvm, &b, o->p.timeout_s, why, sizeof(why));
	snprintf(d->timer, sizeof(d->timer), "%s", timer_name(o->p.timer));
	snprintf(d->timer_note, sizeof(d->timer_note), "%s", why);
	failed = run_rows(o, &kvm, d);
	utc_now(d->finished_utc, sizeof(d->finished_utc));
	if (mvm_interrupted) {
		d->partial = true;
		snprintf(d->partial_reason, sizeof(d->partial_reason),
			 "interrupted by a signal after %u rows", d->nrows);
	}
	finish(d);
	st = outputs(d, o);
	kvm_close(&kvm);
	free(hi);
	if (st)
		return st;
	if (failed)
		fprintf(stderr, "exitbench: census: %u row%s failed (see the table)\n", failed,
			failed == 1 ? "" : "s");
	return failed || d->partial ? EXIT_FAIL : EXIT_OK;
}

static int from_file(const struct census_opts *o, struct census_doc *d)
{
	int st;

	if (census_read_json(o->from, d))
		return usage_error("%s", eb_error());
	st = outputs(d, o);
	return st;
}

int cmd_census(int argc, char **argv)
{
	struct census_opts o;
	struct census_doc *d;
	int st = parse(argc, argv, &o);

	if (st)
		return st;
	if (o.list) {
		list_rows();
		return EXIT_OK;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return usage_error("allocate the census: %s", strerror(errno));
	st = o.from ? from_file(&o, d) : run(&o, d);
	census_doc_free(d);
	free(d);
	return st;
}

/* exitbench compare A B where A is a census file: the rows that changed. */
int census_cmd_compare(int argc, char **argv)
{
	char s0[64] = "", s1[64] = "";

	if (argc != 3)
		return usage_error("compare: census files are compared as BASE.json NEW.json, "
				   "without options");
	census_peek_schema(argv[2], s1, sizeof(s1));
	census_peek_schema(argv[1], s0, sizeof(s0));
	if (strcmp(s0, s1))
		return usage_error("compare: %s is %s, %s is %s: not the same kind of file",
				   argv[1], s0[0] ? s0 : "not a census", argv[2],
				   s1[0] ? s1 : "not a census");
	return census_compare(argv[1], argv[2], stdout);
}

bool census_compare_wanted(int argc, char **argv)
{
	char s[64];

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		return census_peek_schema(argv[i], s, sizeof(s)) == 0 &&
		       strcmp(s, CENSUS_SCHEMA) == 0;
	}
	return false;
}
