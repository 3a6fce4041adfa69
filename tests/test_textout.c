/* SPDX-License-Identifier: MIT */
/*
 * The table, CSV, Markdown and JSON of a run, byte for byte: a SYNTHETIC run built
 * in memory (hostname "synthetic-textout", made-up samples; every column,
 * note and "none" case: unverified, failed, skipped, NaN net, exits and
 * interval; bochs units) against tests/data/textout/.  The build's version, method and
 * modified-source mark are masked.  TEXTOUT_REGEN=1 rewrites the expected
 * files (after a deliberate change of an output).
 */
#include <ftw.h>
#include <math.h>
#include <unistd.h>

#include "bench/result/result.h"
#include "tests/run_cmd.h"
#include "tests/tap.h"

#define NS   2001
#define DATA "tests/data/textout"

static char tmp[64] = "/tmp/test_textout.XXXXXX";

static const struct exit_class k_null = {
    .name = "null", .what = "nothing", .handled_in = HANDLED_NONE};
static const struct exit_class k_cpuid = {
    .name = "cpuid", .what = "cpuid", .handled_in = HANDLED_KVM};
static const struct exit_class k_pio = {
    .name = "pio_user", .what = "out", .handled_in = HANDLED_VMM, .aux_name = "second"};
static const struct exit_class k_hlt = {.name = "hlt", .what = "hlt", .handled_in = HANDLED_KVM};

static struct {
	struct perf_set s;
	struct perf_counter c[2];
} perf;

/* Samples base + (i * 7919) % 1000. */
static void fill_class(struct class_result *c, const struct exit_class *k, uint64_t base)
{
	uint64_t *s = calloc(NS, sizeof(*s));

	for (int i = 0; i < NS; i++)
		s[i] = base + (uint64_t)(i * 7919) % 1000;
	summarize(s, NS, &c->sum);
	free(s);
	c->cls = k;
	c->status = CLASS_OK;
	c->iterations = NS;
	c->exits_per_iter = 1;
	c->verified = true;
	c->nrepeat = 1;
	c->repeat_medians[0] = c->sum.median;
	c->perf_median = NAN;
}

static void make_host(struct host_info *h)
{
	snprintf(h->hostname, sizeof(h->hostname), "synthetic-textout \"q\"");
	snprintf(h->kernel_release, sizeof(h->kernel_release), "6.1.0-synthetic");
	snprintf(h->model_name, sizeof(h->model_name), "Synthetic CPU");
	snprintf(h->microcode, sizeof(h->microcode), "0x2b");
	snprintf(h->microarch, sizeof(h->microarch), "Ice, Lake");
	h->family = 6;
	h->model = 106;
	h->stepping = 6;
	h->tsc_khz = 2500000;
	snprintf(h->tsc_khz_source, sizeof(h->tsc_khz_source), "cpuid 0x15");
	snprintf(h->backend.name, sizeof(h->backend.name), "vmx");
	snprintf(h->backend.module, sizeof(h->backend.module), "kvm_intel");
	snprintf(h->backend.hypervisor, sizeof(h->backend.hypervisor), "KVMKVMKVM");
	h->backend.nested = true;
	snprintf(h->platform, sizeof(h->platform), "nested");
	h->guest_seen = true;
	snprintf(h->lab_summary, sizeof(h->lab_summary), "qemu tcg");
}

static void make_perf(struct class_result *c)
{
	perf.s.count = 2;
	snprintf(perf.c[0].spec.name, PERF_NAME_LEN, "cycles");
	perf.c[0].spec.scope = PERF_SCOPE_GUEST;
	perf.c[0].spec.unit = "";
	perf.c[0].have_value = true;
	perf.c[0].value = 123456;
	perf.c[0].running_fraction = 1;
	snprintf(perf.c[1].spec.name, PERF_NAME_LEN, "instructions");
	perf.c[1].spec.unit = "";
	snprintf(perf.c[1].reason, PERF_REASON_LEN, "not supported");
	c->perf = &perf.s;
	c->perf_iterations = NS;
	c->perf_median = 1500;
}

/* cpuid: unverified, repeated, traced, counted, with every table note. */
static void make_cpuid(struct class_result *c)
{
	fill_class(c, &k_cpuid, 1000);
	c->verified = false;
	c->exits_per_iter = NAN;
	snprintf(c->reason, sizeof(c->reason), "exits 0.5, expected 1");
	c->nrepeat = 6;
	for (int i = 1; i < 6; i++)
		c->repeat_medians[i] = c->sum.median + 7.5 * i - 20;
	c->hlt_skips = 3;
	c->budget_limited = true;
	c->trace.on = true;
	c->trace.iterations = 3000;
	c->trace.lost = 1;
	c->trace.nevents = 1;
	c->trace.name[0] = "kvm_exit";
	c->trace.enabled[0] = true;
	c->trace.events[0] = 3001;
	make_perf(c);
}

/* pio_user: verified, ring 3, aux series, breakdown, no counters, no trace. */
static void make_pio(struct class_result *c, const struct summary *small)
{
	fill_class(c, &k_pio, 5000);
	c->ring = 3;
	c->net_median = 4321.5;
	c->has_aux = true;
	c->aux = *small;
	c->bd.wanted = c->bd.available = true;
	c->bd.exit_leg = c->bd.handling = c->bd.entry_leg = *small;
	snprintf(c->perf_note, sizeof(c->perf_note), "counters refused");
	c->trace.on = true;
	snprintf(c->trace.error, sizeof(c->trace.error), "mount tracefs: EPERM");
}

static void make_run(struct run_result *r, struct class_result *c)
{
	memset(r, 0, sizeof(*r));
	make_host(&r->host);
	snprintf(r->started_utc, sizeof(r->started_utc), "2026-01-02T03:04:05Z");
	snprintf(r->finished_utc, sizeof(r->finished_utc), "2026-01-02T03:05:05Z");
	r->params.ring = 0;
	r->params.cpu = 3;
	snprintf(r->timer_note, sizeof(r->timer_note), "rdtscp: not here");
	r->partial = true;
	snprintf(r->partial_reason, sizeof(r->partial_reason), "interrupted");
	fill_class(&c[0], &k_null, 40);
	make_cpuid(&c[1]);
	make_pio(&c[2], &c[0].sum);
	c[3].cls = &k_hlt;
	c[3].status = CLASS_FAILED;
	snprintf(c[3].reason, sizeof(c[3].reason), "exit \"shutdown\" at rip 0x1000, x");
	c[4].cls = &k_pio;
	c[4].status = CLASS_SKIPPED;
	c[4].ring = 3;
	snprintf(c[4].reason, sizeof(c[4].reason), "unsupported: synthetic");
	r->classes = c;
	r->nclasses = 5;
	r->have_perf_overhead = true;
	r->cpuid_median_perf = 1010;
	r->cpuid_median_no_perf = 1000;
}

/* The second run: no nesting, no perf, the "none" cells. */
static void vary_run(struct run_result *r, struct class_result *c)
{
	struct host_info *h = &r->host;

	h->backend.nested = false;
	h->backend.kind = BACKEND_OTHER;
	h->guest_seen = false;
	h->lab_summary[0] = 0;
	snprintf(h->platform, sizeof(h->platform), "emulated");
	r->params.cpu = -1;
	r->partial = false;
	r->timer_note[0] = 0;
	r->have_perf_overhead = false;
	c[0].net_median = NAN;
	c[0].sum.median_ci_lo = c[0].sum.median_ci_hi = NAN;
	c[1].perf = NULL;
	c[2].exits_per_iter = NAN;
	c[2].bd.available = false;
	snprintf(c[2].bd.reason, sizeof(c[2].bd.reason), "no tsc offset");
	c[2].perf_note[0] = 0;
}

/* Replaces every from in s (malloc'd, len bytes) by to; returns the new string. */
static char *replace(char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0;
	char *out, *o;

	for (const char *p = s; (p = strstr(p, from)); p += nf)
		n++;
	out = o = malloc(strlen(s) + n * nt + 1);
	for (const char *p = s, *q; *p; p = q + nf) {
		q = strstr(p, from);
		if (!q) {
			strcpy(o, p);
			o += strlen(p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, nt);
		o += nt;
	}
	*o = 0;
	free(s);
	return out;
}

/* The build's labels masked: commit, version, method, modified source.  The
 * JSON stays valid (tests/schema.t checks it): method 1, not modified. */
static char *mask(char *s)
{
	char m[64];

	s = replace(s, exitbench_build_commit, "@COMMIT@");
	if (exitbench_build_modified)
		s = replace(s, exitbench_build_changes_sha256, "@SHA@");
	s = replace(s, EXITBENCH_VERSION, "@VERSION@");
	s = replace(s, "\"modified\": true,", "\"modified\": false,");
	s = replace(s, "\"changes_sha256\": \"@SHA@\",", "\"changes_sha256\": null,");
	snprintf(m, sizeof(m), "\"method_version\": %d,", EXITBENCH_METHOD_VERSION);
	s = replace(s, m, "\"method_version\": 1,");
	s = replace(s, " [modified source]", "");
	snprintf(m, sizeof(m), "method %d", EXITBENCH_METHOD_VERSION);
	s = replace(s, m, "method @METHOD@");
	snprintf(m, sizeof(m), ",@VERSION@,%d,%s\n", EXITBENCH_METHOD_VERSION,
		 exitbench_build_modified ? "true" : "false");
	return replace(s, m, ",@VERSION@,@METHOD@,@MODIFIED@\n");
}

static void check_file(const char *got_path, const char *name)
{
	char want_path[256];
	char *got = mask(run_cmd_slurp(got_path)), *want;
	FILE *f;

	snprintf(want_path, sizeof(want_path), "%s/%s", DATA, name);
	if (getenv("TEXTOUT_REGEN")) {
		bool written;

		f = fopen(want_path, "w");
		written = f && fputs(got, f) >= 0;
		if (f && fclose(f) != 0)
			written = false;
		ok(written, "%s: rewritten", want_path);
		free(got);
		return;
	}
	want = run_cmd_slurp(want_path);
	ok(*want && strcmp(got, want) == 0, "%s: as %s", name, want_path);
	if (strcmp(got, want)) {
		int line = 1;

		for (size_t i = 0; got[i] && got[i] == want[i]; i++)
			line += got[i] == '\n';
		diag("line %d differs (TEXTOUT_REGEN=1 rewrites %s)", line, want_path);
	}
	free(got);
	free(want);
}

/* with_json: also the JSON (docs/schema/exitbench-1.schema.json allows
 * tsc_ticks alone, and tests/schema.t checks every file here). */
static void outputs(const struct run_result *r, const char *tag, bool with_json)
{
	char path[128], name[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.txt", tmp, tag);
	f = fopen(path, "w");
	if (f) {
		result_print_table(r, f);
		fclose(f);
	}
	snprintf(name, sizeof(name), "%s.txt", tag);
	check_file(path, name);
	snprintf(path, sizeof(path), "%s/%s.csv", tmp, tag);
	ok(result_write_csv(r, path) == 0, "%s: CSV written", tag);
	snprintf(name, sizeof(name), "%s.csv", tag);
	check_file(path, name);
	snprintf(path, sizeof(path), "%s/%s.md", tmp, tag);
	ok(result_write_markdown(r, path) == 0, "%s: Markdown written", tag);
	snprintf(name, sizeof(name), "%s.md", tag);
	check_file(path, name);
	if (!with_json)
		return;
	snprintf(path, sizeof(path), "%s/%s.json", tmp, tag);
	ok(result_write_json(r, path, false) == 0, "%s: JSON written", tag);
	snprintf(name, sizeof(name), "%s.json", tag);
	check_file(path, name);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	static struct run_result r;
	static struct class_result c[5];
	const char *srcdir = getenv("EXITBENCH_SRCDIR");

	if (srcdir && *srcdir && chdir(srcdir) < 0)
		tap_skip_all("EXITBENCH_SRCDIR not usable");
	if (!mkdtemp(tmp))
		tap_skip_all("mkdtemp failed");
	make_run(&r, c);
	outputs(&r, "run", true);
	vary_run(&r, c);
	outputs(&r, "run-none", true);
	r.host.tsc_is_instructions = true; /* bochs: emulated instructions */
	outputs(&r, "run-bochs", false);
	nftw(tmp, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
