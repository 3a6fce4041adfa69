/* SPDX-License-Identifier: MIT */
/*
 * exitbench compare on SYNTHETIC data (no measurement here): the
 * bootstrap of the median against brute force, verdicts on made-up
 * distributions, the checks that two files may be compared, and the
 * binary ($EXITBENCH, default build/exitbench) on a fixture pair written
 * with result_write_json (hostname "synthetic-compare-fixture") whose new
 * file is exactly 20% slower in pio_user.
 *   test_compare.t --write-fixtures DIR   writes that pair (quantiles only)
 *   as DIR/base.json and DIR/new.json: tests/data/compare/ holds one.
 */
#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <unistd.h>

#include "bench/compare/compare.h"
#include "bench/result/result.h"
#include "tests/run_cmd.h"
#include "tests/tap.h"

static char tmp[64] = "/tmp/test_compare.XXXXXX";
static const char *exe;

/* ---- synthetic distributions ---- */

/* n samples lo + exponential(scale), 2% of them 10x further out; sorted. */
static uint64_t *skewed(size_t n, double lo, double scale, uint64_t seed)
{
	uint64_t *s = malloc(n * sizeof(*s));
	struct cmp_rng r;

	cmp_rng_seed(&r, seed);
	for (size_t i = 0; i < n; i++) {
		double x = -log(cmp_rng_uniform(&r)) * scale;

		s[i] = (uint64_t)llround(lo + (cmp_rng_uniform(&r) < 0.02 ? 10 * x : x));
	}
	samples_sort(s, n);
	return s;
}

static uint64_t *scaled(const uint64_t *s, size_t n, double f)
{
	uint64_t *t = malloc(n * sizeof(*t));

	for (size_t i = 0; i < n; i++)
		t[i] = (uint64_t)llround((double)s[i] * f);
	return t;
}

struct side {
	struct cmp_sample s;
	double q[QUANTILES];
};

static void side_of(struct side *d, const uint64_t *sorted, size_t n, bool raw)
{
	memset(d, 0, sizeof(*d));
	for (int i = 0; i < QUANTILES; i++)
		d->q[i] = quantile_sorted(sorted, n, i / (double)(QUANTILES - 1));
	d->s.median = quantile_sorted(sorted, n, 0.5);
	d->s.n = n;
	d->s.sorted = raw ? sorted : NULL;
	d->s.quantiles = d->q;
}

/* ---- the bootstrap of one median against brute force ---- */

/* Exact bootstrap law of the median of x[0..n): all n^n resamples. */
static void exact_law(const uint64_t *x, unsigned int n, double *p, double *vals, unsigned int *k)
{
	unsigned int idx[8] = {0}, total = 1;

	*k = 0;
	for (unsigned int i = 0; i < n; i++)
		total *= n;
	for (unsigned int t = 0; t < total; t++) {
		uint64_t v[8];
		double med;
		unsigned int j;

		for (unsigned int i = 0, c = t; i < n; i++, c /= n)
			idx[i] = c % n;
		for (unsigned int i = 0; i < n; i++)
			v[i] = x[idx[i]];
		samples_sort(v, n);
		med = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
		for (j = 0; j < *k && vals[j] != med; j++)
			;
		if (j == *k) {
			vals[j] = med;
			p[j] = 0;
			(*k)++;
		}
		p[j] += 1.0 / total;
	}
}

static void test_boot_exact(unsigned int n)
{
	uint64_t x[8] = {10, 20, 30, 50, 80, 130};
	double p[64], vals[64], worst = 0;
	unsigned int k, draws = 200000;
	struct cmp_sample s = {.median = 1, .n = n, .sorted = x};
	struct cmp_rng r;

	exact_law(x, n, p, vals, &k);
	cmp_rng_seed(&r, 42 + n);
	for (unsigned int j = 0; j < k; j++) {
		unsigned int hits = 0;
		struct cmp_rng r2 = r;

		for (unsigned int i = 0; i < draws; i++)
			hits += cmp_boot_median(&s, &r2) == vals[j];
		worst = fmax(worst, fabs(hits / (double)draws - p[j]));
	}
	ok(worst < 0.005, "n=%u: bootstrap median law matches all %u^%u resamples (worst %.4f)", n,
	   n, n, worst);
}

/* ---- verdicts on synthetic samples ---- */

static struct cmp_result compare(const struct side *b, const struct side *n, double thr)
{
	struct cmp_result r;

	if (cmp_compare(&b->s, &n->s, thr, cmp_class_seed("synthetic"), CMP_RESAMPLES, &r))
		diag("cmp_compare: %s", eb_error());
	return r;
}

static void test_verdicts(bool raw)
{
	const size_t n = 5001;
	uint64_t *a = skewed(n, 1000, 300, 1), *b = skewed(n, 1000, 300, 2);
	uint64_t *up = scaled(b, n, 1.2), *down = scaled(b, n, 0.8), *up3 = scaled(b, n, 1.03);
	const char *how = raw ? "raw" : "quantiles";
	struct side *sa = malloc(sizeof(*sa)), *sb = malloc(sizeof(*sb)), *sx = malloc(sizeof(*sx));
	struct cmp_result r, r2;

	side_of(sa, a, n, raw);
	side_of(sb, b, n, raw);
	r = compare(sa, sb, 5);
	ok(r.verdict == CMP_SAME && r.ci_lo < 0 && r.ci_hi > 0 && fabs(r.change_pct) < 1,
	   "%s: same distribution: same, %+.2f%% [%+.1f, %+.1f]", how, r.change_pct, r.ci_lo,
	   r.ci_hi);
	r2 = compare(sa, sb, 5);
	ok(r2.ci_lo == r.ci_lo && r2.ci_hi == r.ci_hi, "%s: fixed seed: the interval reproduces",
	   how);
	side_of(sx, up, n, raw);
	r = compare(sa, sx, 5);
	ok(r.verdict == CMP_SLOWER && r.ci_lo > 0 && fabs(r.change_pct - 20) < 2,
	   "%s: 20%% slower: slower, %+.1f%% [%+.1f, %+.1f]", how, r.change_pct, r.ci_lo, r.ci_hi);
	side_of(sx, down, n, raw);
	r = compare(sa, sx, 5);
	ok(r.verdict == CMP_FASTER && r.ci_hi < 0, "%s: 20%% faster: faster, %+.1f%%", how,
	   r.change_pct);
	side_of(sx, up3, n, raw);
	r = compare(sb, sx, 5);
	ok(r.verdict == CMP_SAME && r.ci_lo > 0,
	   "%s: 3%% slower, interval above 0: same under a 5%% threshold [%+.1f, %+.1f]", how,
	   r.ci_lo, r.ci_hi);
	r = compare(sb, sx, 2);
	ok(r.verdict == CMP_SLOWER, "%s: ... and slower under a 2%% threshold", how);
	free(a), free(b), free(up), free(down), free(up3), free(sa), free(sb), free(sx);
}

/* Raw and quantile resampling give about the same interval. */
static void test_raw_vs_quantiles(void)
{
	const size_t n = 20000;
	uint64_t *a = skewed(n, 2000, 500, 7), *b = skewed(n, 2000, 500, 8);
	struct side *r1 = malloc(sizeof(*r1)), *r2 = malloc(sizeof(*r2));
	struct side *q1 = malloc(sizeof(*q1)), *q2 = malloc(sizeof(*q2));
	struct cmp_result x, y;
	double wx, wy;

	side_of(r1, a, n, true);
	side_of(r2, b, n, true);
	side_of(q1, a, n, false);
	side_of(q2, b, n, false);
	x = compare(r1, r2, 5);
	y = compare(q1, q2, 5);
	wx = x.ci_hi - x.ci_lo;
	wy = y.ci_hi - y.ci_lo;
	ok(wy > 0.7 * wx && wy < 1.3 * wx,
	   "interval width from quantiles %.1f within 30%% of the raw one %.1f", wy, wx);
	free(a), free(b), free(r1), free(r2), free(q1), free(q2);
}

/* --repeat: run medians that disagree widen the interval. */
static void test_runs(void)
{
	const size_t n = 5001;
	uint64_t *a = skewed(n, 1000, 300, 3), *b = scaled(a, n, 1.07);
	struct side *sa = malloc(sizeof(*sa)), *sb = malloc(sizeof(*sb));
	double ra[5], rb[5];
	struct cmp_result tight, wide;

	side_of(sa, a, n, false);
	side_of(sb, b, n, false);
	tight = compare(sa, sb, 5);
	for (int i = 0; i < 5; i++) {
		ra[i] = sa->s.median * (0.9 + 0.05 * i);
		rb[i] = sb->s.median * (0.9 + 0.05 * ((i + 2) % 5));
	}
	sa->s.run_medians = ra;
	sa->s.nruns = 5;
	sb->s.run_medians = rb;
	sb->s.nruns = 5;
	wide = compare(sa, sb, 5);
	ok(tight.verdict == CMP_SLOWER && wide.verdict == CMP_SAME && wide.wide && !tight.wide &&
	       wide.ci_hi - wide.ci_lo > 5 * (tight.ci_hi - tight.ci_lo),
	   "7%% slower: slower from one run [%+.0f, %+.0f]; same, wide interval, when 5 "
	   "runs spread +-10%% [%+.0f, %+.0f]",
	   tight.ci_lo, tight.ci_hi, wide.ci_lo, wide.ci_hi);
	free(a), free(b), free(sa), free(sb);
}

static void test_verdict_rule(void)
{
	ok(cmp_verdict_of(6, 1, 10, 5) == CMP_SLOWER && cmp_verdict_of(6, -1, 10, 5) == CMP_SAME &&
	       cmp_verdict_of(4, 1, 10, 5) == CMP_SAME &&
	       cmp_verdict_of(-6, -10, -1, 5) == CMP_FASTER &&
	       cmp_verdict_of(5, 1, 10, 5) == CMP_SLOWER,
	   "verdict: slower/faster need the interval off 0 and |change| >= threshold");
	ok(strcmp(cmp_verdict_name(CMP_SAME), "same") == 0 &&
	       strcmp(cmp_verdict_name(CMP_SLOWER), "slower") == 0 &&
	       strcmp(cmp_verdict_name(CMP_FASTER), "faster") == 0,
	   "verdict names");
}

/* ---- which runs may be compared ---- */

static void test_run_diffs(void)
{
	struct rf_class ca[2] = {{.name = "null"}, {.name = "cpuid"}},
			cb[2] = {{.name = "null"}, {.name = "pio_user"}};
	struct rf_run a = {.hostname = "h1",
			   .backend = "vmx",
			   .tool_version = "v1",
			   .kernel_release = "6.1",
			   .classes = ca,
			   .nclasses = 2};
	struct rf_run b = a;
	struct cmp_diff d[CMP_MAX_DIFFS];
	unsigned int n;

	n = cmp_run_diffs(&a, &b, d, CMP_MAX_DIFFS);
	ok(n == 0, "a run against itself: no difference");
	snprintf(b.hostname, sizeof(b.hostname), "h2");
	snprintf(b.kernel_release, sizeof(b.kernel_release), "6.2");
	b.classes = cb;
	n = cmp_run_diffs(&a, &b, d, CMP_MAX_DIFFS);
	ok(n == 3 && !strcmp(d[0].field, "host.hostname") && d[0].kind == CMP_DIFF_HOST &&
	       !strcmp(d[1].field, "classes") && !strcmp(d[1].base, "only here: cpuid") &&
	       !strcmp(d[1].new_, "only here: pio_user") &&
	       !strcmp(d[2].field, "host.kernel.release") && !cmp_diff_refused(&d[2]),
	   "hostname and class set refused, kernel only noted (%u differences)", n);
	b = a;
	snprintf(b.backend, sizeof(b.backend), "svm");
	snprintf(b.tool_version, sizeof(b.tool_version), "v2");
	b.tsc_khz = 1;
	n = cmp_run_diffs(&a, &b, d, CMP_MAX_DIFFS);
	ok(n == 3 && !strcmp(d[0].field, "host.tsc_khz") &&
	       !strcmp(d[1].field, "host.kvm.backend") && d[1].kind == CMP_DIFF_BACKEND &&
	       !strcmp(d[2].field, "tool.version") && !cmp_diff_refused(&d[2]),
	   "TSC frequency and backend refused, a different build only noted");
	b = a;
	a.method_version = 1;
	b.method_version = 2;
	snprintf(a.platform, sizeof(a.platform), "bare-metal");
	snprintf(b.platform, sizeof(b.platform), "nested");
	n = cmp_run_diffs(&a, &b, d, CMP_MAX_DIFFS);
	ok(n == 2 && !strcmp(d[0].field, "tool.method_version") && cmp_diff_hard(&d[0]) &&
	       !strcmp(d[1].field, "host.platform") && cmp_diff_hard(&d[1]),
	   "method version and platform refused whatever the options (%u differences)", n);
}

/* ---- the fixture pair and the binary ---- */

static const char *const fixture_classes[] = {"null", "cpuid", "pio_user", "mmio_user"};
#define NFIX 4
#define NFS  4001

static void fixture_class(struct class_result *c, const char *name, uint64_t *s, bool raw)
{
	memset(c, 0, sizeof(*c));
	c->cls = class_find(name);
	summarize(s, NFS, &c->sum);
	for (int q = 0; q < QUANTILES; q++)
		c->quantiles[q] = quantile_sorted(s, NFS, q / (double)(QUANTILES - 1));
	c->samples = raw ? s : NULL;
	c->status = CLASS_OK;
	c->iterations = NFS;
	c->verified = strcmp(name, "cpuid") != 0;
	c->exits_per_iter = c->verified ? 1 : 0;
	c->tsc_khz = 2000000;
	c->nrepeat = 1;
	c->repeat_medians[0] = c->sum.median;
	if (!c->verified)
		snprintf(c->reason, sizeof(c->reason), "synthetic: exits/iter 0.000, expected 1");
}

/* base: quantiles only; new: raw samples too when raw; pio_user 20% slower in new. */
static int write_fixture(const char *path, bool is_new, const char *hostname, bool raw)
{
	static const double level[NFIX] = {500, 2000, 5000, 5200};
	struct class_result c[NFIX];
	uint64_t *s[NFIX];
	struct run_result r;
	int ret;

	memset(&r, 0, sizeof(r));
	snprintf(r.host.hostname, sizeof(r.host.hostname), "%s", hostname);
	snprintf(r.host.kernel_release, sizeof(r.host.kernel_release), "synthetic");
	snprintf(r.host.vendor, sizeof(r.host.vendor), "GenuineIntel");
	snprintf(r.host.model_name, sizeof(r.host.model_name), "synthetic CPU");
	snprintf(r.host.microarch, sizeof(r.host.microarch), "unknown (synthetic)");
	r.host.tsc_khz = 2000000;
	snprintf(r.host.backend.name, sizeof(r.host.backend.name), "vmx");
	snprintf(r.host.backend.module, sizeof(r.host.backend.module), "kvm_intel");
	snprintf(r.command_line, sizeof(r.command_line),
		 "synthetic fixture written by tests/test_compare.c, not a measurement");
	snprintf(r.started_utc, sizeof(r.started_utc), "2026-01-01T00:00:0%dZ", is_new);
	snprintf(r.finished_utc, sizeof(r.finished_utc), "2026-01-01T00:01:0%dZ", is_new);
	r.params.samples = NFS;
	r.params.cpu = r.params.cpu2 = -1;
	for (int i = 0; i < NFIX; i++) {
		uint64_t *x = skewed(NFS, level[i], level[i] / 10, 100 + i + 10 * is_new);

		s[i] = is_new && i == 2 ? scaled(x, NFS, 1.2) : x;
		if (s[i] != x)
			free(x);
		fixture_class(&c[i], fixture_classes[i], s[i], is_new && raw);
	}
	r.classes = c;
	r.nclasses = NFIX;
	r.null_median = c[0].sum.median;
	ret = result_write_json(&r, path, false);
	for (int i = 0; i < NFIX; i++)
		free(s[i]);
	return ret;
}

/* Runs exe with args; stdout and stderr land in out and err (malloc'd). */
static int run(char **out, char **err, const char *const *args)
{
	return run_cmd(exe, tmp, NULL, out, err, args);
}

static int count(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static const char *verdict_in(json_t *doc, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(doc, "classes"), i, c)
	{
		if (!strcmp(json_string_value(json_object_get(c, "name")) ?: "", name))
			return json_string_value(json_object_get(c, "verdict")) ?: "null";
	}
	return "missing";
}

static void test_binary_fixtures(const char *base, const char *new_)
{
	char *out, *err, js[128];
	double pct;
	int rc;
	json_t *doc;

	snprintf(js, sizeof(js), "%s/cmp.json", tmp);
	rc = run(&out, &err, (const char *const[]){"compare", base, new_, "--json", js, NULL});
	ok(rc == 1 && count(out, "   slower") == 1 && count(out, "   same") == 3 &&
	       strstr(out, "1 slower, 0 faster, 3 same, 0 not compared") && !*err,
	   "fixture pair: exit 1, exactly one class slower (rc %d, stderr '%s')", rc, err);
	doc = json_load_file(js, 0, NULL);
	ok(doc && !strcmp(verdict_in(doc, "pio_user"), "slower") &&
	       !strcmp(verdict_in(doc, "null"), "same") &&
	       !strcmp(verdict_in(doc, "cpuid"), "same") &&
	       !strcmp(verdict_in(doc, "mmio_user"), "same") &&
	       json_integer_value(json_object_get(doc, "exit_status")) == 1,
	   "--json: pio_user slower, the rest same, exit_status 1");
	pct = json_real_value(
	    json_object_get(json_array_get(json_object_get(doc, "classes"), 2), "change_pct"));
	ok(pct > 18 && pct < 22, "--json: pio_user change %+.1f%% (samples scaled by 1.2)", pct);
	ok(doc && json_is_true(json_object_get(json_array_get(json_object_get(doc, "classes"), 1),
					       "unverified_base")),
	   "--json: cpuid flagged unverified");
	json_decref(doc);
	free(out), free(err);
	rc = run(&out, &err, (const char *const[]){"compare", "--tap", base, new_, NULL});
	ok(rc == 1 && !strncmp(out, "1..4\n", 5) && count(out, "\nnot ok ") == 1 &&
	       strstr(out, "\nnot ok 3 - pio_user: slower, +") && count(out, "\nok ") == 3 &&
	       strstr(out, "cpuid: same") && strstr(out, "[unverified in base and new]"),
	   "--tap: 4 lines, 'not ok' only for pio_user");
	free(out), free(err);
	rc = run(&out, &err, (const char *const[]){"compare", base, base, NULL});
	ok(rc == 0 && count(out, "   same") == 4, "a file against itself: all same, exit 0");
	free(out), free(err);
	rc = run(&out, &err,
		 (const char *const[]){"compare", "--threshold", "25", base, new_, "--tap", NULL});
	ok(rc == 0 && count(out, "not ok") == 0, "--threshold 25: a 20%% slowdown is same, exit 0");
	free(out), free(err);
}

static void test_binary_refusals(const char *base, const char *new_)
{
	char other[128], bad[128], *out, *err;
	json_t *foreign;
	int rc;

	snprintf(other, sizeof(other), "%s/other.json", tmp);
	write_fixture(other, true, "synthetic-other-host", true);
	rc = run(&out, &err, (const char *const[]){"compare", base, other, NULL});
	ok(rc == 2 && !*out && !strchr(err, '\n') && strstr(err, "host.hostname") &&
	       strstr(err, "synthetic-other-host") && !strncmp(err, "exitbench: ", 11),
	   "different hosts: exit 2, one line naming host.hostname (%s)", err);
	free(out), free(err);
	rc = run(&out, &err, (const char *const[]){"compare", "--force", base, other, NULL});
	ok(rc == 1 && strstr(out, "pio_user") && strstr(err, "warning") &&
	       strstr(err, "host.hostname") && strstr(out, "DIFFERS (--force) host.hostname"),
	   "--force: compared anyway (exit 1), warning names host.hostname");
	free(out), free(err);
	snprintf(bad, sizeof(bad), "%s/foreign.json", tmp);
	foreign = json_pack("{s:i}", "a", 1);
	json_dump_file(foreign, bad, 0);
	json_decref(foreign);
	rc = run(&out, &err, (const char *const[]){"compare", base, bad, NULL});
	ok(rc == 2 && strstr(err, bad) && strstr(err, "schema") && !strchr(err, '\n'),
	   "foreign JSON: exit 2 naming the file and schema (%s)", err);
	free(out), free(err);
	rc = run(&out, &err, (const char *const[]){"compare", base, NULL});
	ok(rc == 2 && strstr(err, "BASE.json NEW.json"), "one file: usage error, exit 2");
	free(out), free(err);
	rc = run(&out, &err,
		 (const char *const[]){"compare", "--threshold", "5x", base, new_, NULL});
	ok(rc == 2 && strstr(err, "--threshold"), "--threshold 5x: exit 2 (%s)", err);
	free(out), free(err);
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

int main(int argc, char **argv)
{
	char base[128], new_[128];

	if (argc == 3 && !strcmp(argv[1], "--write-fixtures")) {
		snprintf(base, sizeof(base), "%s/base.json", argv[2]);
		snprintf(new_, sizeof(new_), "%s/new.json", argv[2]);
		if (write_fixture(base, false, "synthetic-compare-fixture", false) ||
		    write_fixture(new_, true, "synthetic-compare-fixture", false)) {
			fprintf(stderr, "%s\n", eb_error());
			return 2;
		}
		return 0;
	}
	exe = getenv("EXITBENCH") ? getenv("EXITBENCH") : "build/exitbench";
	if (!mkdtemp(tmp))
		tap_skip_all("mkdtemp failed");
	test_boot_exact(4);
	test_boot_exact(5);
	test_verdicts(true);
	test_verdicts(false);
	test_raw_vs_quantiles();
	test_runs();
	test_verdict_rule();
	test_run_diffs();
	snprintf(base, sizeof(base), "%s/base.json", tmp);
	snprintf(new_, sizeof(new_), "%s/new.json", tmp);
	ok(write_fixture(base, false, "synthetic-compare-fixture", false) == 0 &&
	       write_fixture(new_, true, "synthetic-compare-fixture", true) == 0,
	   "synthetic fixture pair written");
	test_binary_fixtures(base, new_);
	test_binary_refusals(base, new_);
	nftw(tmp, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
