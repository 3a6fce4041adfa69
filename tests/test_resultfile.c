/* SPDX-License-Identifier: MIT */
/*
 * resultfile_read() against result_write_json(): a SYNTHETIC run built in
 * memory (hostname "synthetic-resultfile", made-up samples) is written,
 * read back and compared field by field; malformed and foreign files each
 * give one error "<file>: <field>: ..." and leave nothing allocated.
 */
#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <unistd.h>

#include "bench/result/result.h"
#include "bench/result/resultfile.h"
#include "tests/tap.h"

#define NS 2001

static char tmp[64] = "/tmp/test_resultfile.XXXXXX";

static const struct exit_class k_null = {
    .name = "null", .what = "nothing", .handled_in = HANDLED_NONE};
static const struct exit_class k_cpuid = {
    .name = "cpuid", .what = "cpuid", .handled_in = HANDLED_KVM};
static const struct exit_class k_pio = {
    .name = "pio_user", .what = "out", .handled_in = HANDLED_VMM};

/* Samples base + (i * 7919) % 1000: spread, duplicates, unsorted on input. */
static void fill_class(struct class_result *c, const struct exit_class *k, uint64_t base, bool keep)
{
	uint64_t *s = calloc(NS, sizeof(*s));

	for (int i = 0; i < NS; i++)
		s[i] = base + (uint64_t)(i * 7919) % 1000;
	summarize(s, NS, &c->sum);
	for (int q = 0; q < QUANTILES; q++)
		c->quantiles[q] = quantile_sorted(s, NS, q / (double)(QUANTILES - 1));
	c->cls = k;
	c->status = CLASS_OK;
	c->iterations = NS;
	c->warmup = 100;
	c->ring = 0;
	c->tsc_khz = 2500000;
	c->exits_per_iter = 1;
	c->verified = true;
	c->nrepeat = 1;
	c->repeat_medians[0] = c->sum.median;
	if (keep)
		c->samples = s;
	else
		free(s);
}

static void make_run(struct run_result *r, struct class_result *c)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->host.hostname, sizeof(r->host.hostname), "synthetic-resultfile");
	snprintf(r->host.kernel_release, sizeof(r->host.kernel_release), "6.1.0-synthetic");
	snprintf(r->host.vendor, sizeof(r->host.vendor), "GenuineIntel");
	snprintf(r->host.model_name, sizeof(r->host.model_name), "Synthetic CPU");
	snprintf(r->host.microcode, sizeof(r->host.microcode), "0x2b");
	snprintf(r->host.microarch, sizeof(r->host.microarch), "Ice Lake");
	r->host.microarch_year = 2019;
	r->host.family = 6;
	r->host.model = 106;
	r->host.stepping = 6;
	r->host.tsc_khz = 2500000;
	snprintf(r->host.backend.name, sizeof(r->host.backend.name), "vmx");
	snprintf(r->host.backend.module, sizeof(r->host.backend.module), "kvm_intel");
	r->host.backend.nested = true;
	snprintf(r->command_line, sizeof(r->command_line), "synthetic: test_resultfile");
	snprintf(r->started_utc, sizeof(r->started_utc), "2026-01-02T03:04:05Z");
	snprintf(r->finished_utc, sizeof(r->finished_utc), "2026-01-02T03:05:05Z");
	r->params.samples = NS;
	r->params.timer = 0;
	r->params.cpu = r->params.cpu2 = -1;
	r->quick = true;
	fill_class(&c[0], &k_null, 40, false);
	fill_class(&c[1], &k_cpuid, 1000, true);
	c[0].net_median = 0;
	/* as null measures: the doorbells' exits subtracted, noise below zero */
	c[0].exits_per_iter = -0.0005;
	c[1].net_median = c[1].sum.median - c[0].sum.median;
	c[1].nrepeat = 3;
	c[1].repeat_medians[1] = c[1].sum.median - 12.5;
	c[1].repeat_medians[2] = c[1].sum.median + 30;
	c[1].verified = false;
	c[1].exits_per_iter = NAN;
	c[1].nchecks = 2;
	c[1].checks[0] = (struct check_result){"exits", 1, 0.5, true, false, false};
	c[1].checks[1] = (struct check_result){"io_exits", 0, NAN, false, false, true};
	c[2].cls = &k_pio;
	c[2].status = CLASS_SKIPPED;
	c[2].ring = 3;
	snprintf(c[2].reason, sizeof(c[2].reason), "unsupported: synthetic");
	r->classes = c;
	r->nclasses = 3;
	r->null_median = c[0].sum.median;
}

static int close_to(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs(a - b) <= 1e-9 * fmax(1, fabs(b));
}

static void compare_class(const struct class_result *w, const struct rf_class *k)
{
	const struct summary *s = &w->sum;
	int same_q = 1, same_s = 1;

	ok(k && !strcmp(k->name, w->cls->name) &&
	       !strcmp(k->handled_in, handled_in_name(w->cls->handled_in)) &&
	       k->status == w->status && !strcmp(k->reason, w->reason) && k->ring == w->ring,
	   "%s: name, handled_in, status, reason, ring", w->cls->name);
	if (!k || w->status != CLASS_OK) {
		ok(k && k->nquantiles == 0 && k->sum.n == 0 && !k->samples, "%s: no ok-only fields",
		   w->cls->name);
		return;
	}
	ok(k->sum.n == s->n && k->iterations == w->iterations && k->warmup == w->warmup &&
	       k->sum.min == s->min && k->sum.max == s->max,
	   "%s: n, iterations, warmup, min, max", w->cls->name);
	ok(close_to(k->sum.p1, s->p1) && close_to(k->sum.p10, s->p10) &&
	       close_to(k->sum.median, s->median) && close_to(k->sum.p90, s->p90) &&
	       close_to(k->sum.p99, s->p99) && close_to(k->sum.mean, s->mean) &&
	       close_to(k->sum.stddev, s->stddev) &&
	       close_to(k->sum.median_ci_lo, s->median_ci_lo) &&
	       close_to(k->sum.median_ci_hi, s->median_ci_hi),
	   "%s: quantile stats, mean, stddev, median CI", w->cls->name);
	ok(close_to(k->net_median, w->net_median) &&
	       close_to(k->exits_per_iter, w->exits_per_iter) && k->verified == w->verified,
	   "%s: net_median %g, exits_per_iter %g, verified %d", w->cls->name, k->net_median,
	   k->exits_per_iter, k->verified);
	ok(k->nchecks == w->nchecks, "%s: %u checks", w->cls->name, k->nchecks);
	for (unsigned int i = 0; i < k->nchecks && i < w->nchecks; i++)
		ok(!strcmp(k->checks[i].stat, w->checks[i].stat) &&
		       close_to(k->checks[i].expected, w->checks[i].expected) &&
		       close_to(k->checks[i].measured, w->checks[i].measured) &&
		       k->checks[i].ok == w->checks[i].ok,
		   "%s: check %s", w->cls->name, w->checks[i].stat);
	for (int i = 0; i < QUANTILES; i++)
		same_q &= close_to(k->quantiles[i], w->quantiles[i]);
	ok(k->nquantiles == QUANTILES && same_q, "%s: %d quantiles", w->cls->name, QUANTILES);
	for (size_t i = 0; w->samples && k->samples && i < k->nsamples; i++)
		same_s &= k->samples[i] == w->samples[i];
	ok(k->nrepeat == w->nrepeat && close_to(k->repeat_medians[0], w->repeat_medians[0]) &&
	       close_to(k->repeat_medians[k->nrepeat - 1], w->repeat_medians[w->nrepeat - 1]),
	   "%s: %u repeat medians", w->cls->name, k->nrepeat);
	ok(w->samples ? k->nsamples == s->n && same_s : !k->samples && !k->nsamples,
	   "%s: %zu raw samples", w->cls->name, k->nsamples);
}

static void round_trip(const char *path)
{
	struct class_result c[3] = {0};
	struct run_result r;
	struct rf_run f;
	char version[64];
	json_t *doc;
	int rc;

	make_run(&r, c);
	ok(result_write_json(&r, path, true) == 0, "write %s", path);
	rc = resultfile_read(path, &f);
	if (!ok(rc == 0, "read it back: %s", rc ? eb_error() : "ok"))
		return;
	/* the writer's version is the library's (an incremental build may hold an
	 * older one than this test's EXITBENCH_VERSION): take it from the file */
	doc = json_load_file(path, 0, NULL);
	snprintf(version, sizeof(version), "%s",
		 json_string_value(json_object_get(json_object_get(doc, "tool"), "version"))
		     ?: "?");
	json_decref(doc);
	ok(!strcmp(f.path, path) && !strcmp(f.tool_version, version) && version[0] != '?' &&
	       !strcmp(f.command_line, r.command_line) && !strcmp(f.started_utc, r.started_utc),
	   "path, tool version, command line, start");
	ok(!strcmp(f.hostname, "synthetic-resultfile") && !strcmp(f.vendor, "GenuineIntel") &&
	       !strcmp(f.model_name, "Synthetic CPU") && !strcmp(f.microarch, "Ice Lake") &&
	       !strcmp(f.microcode, "0x2b") && f.microarch_year == 2019 && f.family == 6 &&
	       f.model == 106 && f.stepping == 6,
	   "host CPU labels");
	ok(!strcmp(f.kernel_release, "6.1.0-synthetic") && !strcmp(f.backend, "vmx") &&
	       !strcmp(f.kvm_module, "kvm_intel") && f.nested && !f.partial &&
	       f.tsc_khz == 2500000 && !strcmp(f.timer, timer_name(0)) && f.quick &&
	       f.samples == NS && close_to(f.null_median, r.null_median),
	   "kernel, backend, module, nested, partial, tsc, timer, quick, samples, null median");
	ok(f.nclasses == 3, "3 classes");
	for (unsigned int i = 0; i < 3 && i < f.nclasses; i++)
		compare_class(&c[i], rf_find_class(&f, c[i].cls->name));
	ok(rf_find_class(&f, "nope") == NULL, "rf_find_class of a missing class is NULL");
	resultfile_free(&f);
	ok(f.classes == NULL && f.nclasses == 0, "resultfile_free empties the run");
	free(c[1].samples);
}

/* The CSV line of class name, or "" (static buffer). */
static const char *csv_line(const char *path, const char *name)
{
	static char line[4096];
	FILE *f = fopen(path, "r");
	size_t len = strlen(name);

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ',') {
			fclose(f);
			return line;
		}
	if (f)
		fclose(f);
	return "";
}

/* Five samples have no 95% interval of the median: null in the JSON, "-" in
 * the table, empty in the CSV.  Six --repeat runs give a between-run one. */
static void small_n(void)
{
	struct class_result c[3] = {0};
	struct run_result r;
	uint64_t five[] = {50, 10, 40, 20, 30};
	char path[128], csv[128], *table = NULL;
	size_t tlen = 0;
	FILE *mem = open_memstream(&table, &tlen);
	json_t *doc, *k, *ci, *rep;

	make_run(&r, c);
	summarize(five, 5, &c[1].sum);
	c[1].iterations = 5;
	c[0].nrepeat = 6;
	for (int i = 0; i < 6; i++)
		c[0].repeat_medians[i] = 100 - 10 * i;
	snprintf(path, sizeof(path), "%s/small.json", tmp);
	snprintf(csv, sizeof(csv), "%s/small.csv", tmp);
	ok(result_write_json(&r, path, true) == 0 && result_write_csv(&r, csv) == 0,
	   "n=5: write JSON and CSV");
	doc = json_load_file(path, 0, NULL);
	k = json_array_get(json_object_get(doc, "classes"), 1);
	ci = json_object_get(json_object_get(k, "stats"), "median_ci95");
	ok(json_is_null(json_array_get(ci, 0)) && json_is_null(json_array_get(ci, 1)),
	   "n=5: stats.median_ci95 is [null, null]");
	ci = json_object_get(
	    json_object_get(json_array_get(json_object_get(doc, "classes"), 0), "repeat"),
	    "median_ci95");
	ok(json_real_value(json_array_get(ci, 0)) == 50 &&
	       json_real_value(json_array_get(ci, 1)) == 100,
	   "6 runs: repeat.median_ci95 is (min, max) of the run medians");
	rep = json_object_get(k, "repeat");
	ci = json_object_get(rep, "median_ci95");
	ok(json_is_null(json_array_get(ci, 0)), "3 runs: repeat.median_ci95 is null");
	json_decref(doc);
	ok(strstr(csv_line(csv, "cpuid"), ",15.81,,,") != NULL, /* stddev, then no interval */
	   "n=5: the CSV's interval cells are empty: %s", csv_line(csv, "cpuid"));
	result_print_table(&r, mem);
	fclose(mem);
	ok(table && strstr(table, "   - ") && strstr(table, "between-run 95% CI 50..100"),
	   "table: \"-\" for n=5, the between-run interval for 6 runs");
	free(table);
	free(c[1].samples);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* Reads path, expecting one error that starts with path and names field. */
static void expect_error(const char *path, const char *field, const char *what)
{
	struct rf_run f;
	int rc = resultfile_read(path, &f);
	const char *e = eb_error();
	char want[512];

	snprintf(want, sizeof(want), "%s: %s", path, field);
	ok(rc == -1 && strncmp(e, want, strlen(want)) == 0 && !strchr(e, '\n'),
	   "%s: error names the file and '%s': %s", what, field, e);
	ok(f.classes == NULL && f.nclasses == 0 && f.path[0] == 0, "%s: no partial result", what);
}

/* The good document with one change made by edit(), written to name. */
static void mutated(const char *good, const char *name, void (*edit)(json_t *doc), char *out,
		    size_t len)
{
	json_t *doc = json_load_file(good, 0, NULL);

	snprintf(out, len, "%s/%s", tmp, name);
	edit(doc);
	json_dump_file(doc, out, 0);
	json_decref(doc);
}

static json_t *class0(json_t *doc)
{
	return json_array_get(json_object_get(doc, "classes"), 0);
}

static void e_schema(json_t *d)
{
	json_object_set_new(d, "schema", json_string("exitbench/2"));
}
static void e_classes(json_t *d)
{
	json_object_del(d, "classes");
}
static void e_median(json_t *d)
{
	json_object_set_new(json_object_get(class0(d), "stats"), "median", json_string("12"));
}
static void e_quantiles(json_t *d)
{
	json_array_remove(json_object_get(class0(d), "quantiles"), 0);
}
static void e_unsorted(json_t *d)
{
	json_array_set_new(
	    json_object_get(json_array_get(json_object_get(d, "classes"), 1), "samples"), 0,
	    json_integer(999999));
}
static void e_backend(json_t *d)
{
	json_object_set_new(json_object_get(json_object_get(d, "host"), "kvm"), "backend",
			    json_integer(1));
}
static void e_status(json_t *d)
{
	json_object_set_new(class0(d), "status", json_string("fine"));
}
static void e_repeat(json_t *d)
{
	json_array_append_new(json_object_get(json_object_get(class0(d), "repeat"), "medians"),
			      json_real(1));
}
static void e_dup(json_t *d)
{
	json_array_append(json_object_get(d, "classes"), class0(d));
}

static void malformed(const char *good)
{
	static const struct {
		const char *name, *field, *what;
		void (*edit)(json_t *);
	} cases[] = {
	    {"schema2.json", "schema", "wrong schema", e_schema},
	    {"noclasses.json", "classes", "missing classes", e_classes},
	    {"median.json", "classes[0].stats.median", "string for a number", e_median},
	    {"quantiles.json", "classes[0].quantiles", "1000 quantiles", e_quantiles},
	    {"unsorted.json", "classes[1].samples", "unsorted samples", e_unsorted},
	    {"backend.json", "host.kvm.backend", "number for a string", e_backend},
	    {"status.json", "classes[0].status", "unknown status", e_status},
	    {"dup.json", "classes[3].name", "a class twice", e_dup},
	    {"repeat.json", "classes[0].repeat.medians", "repeat medians != runs", e_repeat},
	};
	char p[256];

	snprintf(p, sizeof(p), "%s/notjson.json", tmp);
	write_text(p, "exitbench run output, not JSON\n");
	expect_error(p, "not JSON", "not JSON");
	snprintf(p, sizeof(p), "%s/foreign.json", tmp);
	write_text(p, "{\"a\":1}\n");
	expect_error(p, "schema", "foreign JSON object");
	snprintf(p, sizeof(p), "%s/array.json", tmp);
	write_text(p, "[1,2]\n");
	expect_error(p, "schema", "foreign JSON array");
	snprintf(p, sizeof(p), "%s/missing.json", tmp);
	expect_error(p, "open", "missing file");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mutated(good, cases[i].name, cases[i].edit, p, sizeof(p));
		expect_error(p, cases[i].field, cases[i].what);
	}
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

int main(void)
{
	char good[128];

	if (!mkdtemp(tmp))
		tap_skip_all("mkdtemp failed");
	snprintf(good, sizeof(good), "%s/good.json", tmp);
	round_trip(good);
	malformed(good);
	small_n();
	nftw(tmp, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
