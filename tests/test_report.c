/* SPDX-License-Identifier: MIT */
/*
 * exitbench report on SYNTHETIC result files (made here with
 * result_write_json from made-up samples; hostnames "synthetic-*"): exact
 * Markdown rows, published rows in the generation data, bad input exits 2
 * with one line and leaves nothing behind, plots exist when gnuplot does.
 * Runs the binary in $EXITBENCH (default build/exitbench) from the source
 * tree ($EXITBENCH_SRCDIR, else the current directory).
 */
#include <dirent.h>
#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/report/csv.h"
#include "bench/report/published.h"
#include "bench/result/result.h"
#include "tests/run_cmd.h"
#include "tests/tap.h"

#define NS 1001 /* samples base + 0 .. base + 1000: median +500, p10 +100, p90 +900 */

static char tmp[128];
static const char *exe;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Lines in s; the last one needs no newline (run_report strips it). */
static int lines(const char *s)
{
	int n = s && *s ? 1 : 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* Runs exitbench with args (PATH path_env unless NULL); its stdout and
 * stderr come back malloc'd. */
static int run_report(const char *path_env, char **out, char **err, const char *const *args)
{
	return run_cmd(exe, tmp, path_env, out, err, args);
}

/* A class whose samples are base + 0 .. base + 1000. */
static void synth_class(struct class_result *c, const char *name, double base, bool verified)
{
	uint64_t *s = malloc(NS * sizeof(*s));

	memset(c, 0, sizeof(*c));
	c->cls = class_find(name);
	if (!c->cls || !s) {
		printf("Bail out! class %s or memory missing\n", name);
		exit(1);
	}
	for (int i = 0; i < NS; i++)
		s[i] = (uint64_t)base + (uint64_t)i;
	summarize(s, NS, &c->sum);
	for (int q = 0; q < QUANTILES; q++)
		c->quantiles[q] = quantile_sorted(s, NS, (double)q / (QUANTILES - 1));
	free(s);
	c->status = CLASS_OK;
	c->iterations = NS;
	c->verified = verified;
	c->exits_per_iter = verified ? 1.0 : 0.0;
	c->tsc_khz = 2000000;
	if (!verified)
		snprintf(c->reason, sizeof(c->reason), "synthetic: exits/iter 0.000, expected 1");
}

static void synth_host(struct run_result *r, const char *host, const char *backend,
		       const char *module, const char *uarch, int year, const char *started)
{
	struct host_info *h = &r->host;

	snprintf(h->hostname, sizeof(h->hostname), "%s", host);
	snprintf(h->kernel_release, sizeof(h->kernel_release), "synthetic");
	snprintf(h->vendor, sizeof(h->vendor), "GenuineIntel");
	snprintf(h->model_name, sizeof(h->model_name), "synthetic test fixture, not a real CPU");
	h->family = 6;
	h->model = 85;
	h->stepping = 7;
	snprintf(h->microarch, sizeof(h->microarch), "%s", uarch);
	h->microarch_year = year;
	h->tsc_khz = 2000000;
	snprintf(h->tsc_khz_source, sizeof(h->tsc_khz_source), "synthetic");
	snprintf(h->backend.name, sizeof(h->backend.name), "%s", backend);
	snprintf(h->backend.module, sizeof(h->backend.module), "%s", module);
	h->backend.kind = strcmp(backend, "vmx") == 0 ? BACKEND_VMX : BACKEND_OTHER;
	snprintf(r->started_utc, sizeof(r->started_utc), "%s", started);
	snprintf(r->finished_utc, sizeof(r->finished_utc), "%s", started);
	snprintf(r->command_line, sizeof(r->command_line),
		 "synthetic fixture (tests/test_report.c)");
}

/* null, cpuid, pio_user around bases; vmcall skipped (only when with_skip). */
static int write_fixture(const char *path, const char *host, const char *backend,
			 const char *module, const char *uarch, int year, const char *started,
			 const double base[3], bool cpuid_verified, bool with_skip)
{
	struct run_result *r = calloc(1, sizeof(*r));
	int ret;

	r->classes = calloc(4, sizeof(*r->classes));
	synth_host(r, host, backend, module, uarch, year, started);
	synth_class(&r->classes[0], "null", base[0], true);
	synth_class(&r->classes[1], "cpuid", base[1], cpuid_verified);
	synth_class(&r->classes[2], "pio_user", base[2], true);
	r->nclasses = 3;
	if (with_skip) {
		r->classes[3].cls = class_find("vmcall");
		r->classes[3].status = CLASS_SKIPPED;
		snprintf(r->classes[3].reason, sizeof(r->classes[3].reason), "synthetic: not run");
		r->nclasses = 4;
	}
	r->null_median = r->classes[0].sum.median;
	for (int i = 0; i < 3; i++)
		r->classes[i].net_median = r->classes[i].sum.median - r->null_median;
	r->params.samples = NS;
	ret = result_write_json(r, path, false);
	free(r->classes);
	free(r);
	return ret;
}

/* Rewrites a JSON file through fn (makes malformed and breakdown variants). */
static int edit_json(const char *from, const char *to, void (*fn)(json_t *doc))
{
	json_t *doc = json_load_file(from, 0, NULL);
	int ret;

	if (!doc)
		return -1;
	fn(doc);
	ret = json_dump_file(doc, to, JSON_INDENT(1));
	json_decref(doc);
	return ret;
}

static json_t *class_at(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "classes"), i);
}

static void bad_median(json_t *doc)
{
	json_object_set_new(json_object_get(class_at(doc, 1), "stats"), "median",
			    json_string("fast"));
}

static void bad_breakdown(json_t *doc)
{
	json_object_set_new(
	    class_at(doc, 2), "breakdown",
	    json_pack("{s:b, s:{s:s}}", "available", 1, "exit_leg", "median", "soon"));
}

static void add_breakdown(json_t *doc)
{
	json_object_set_new(class_at(doc, 2), "breakdown",
			    json_pack("{s:b, s:I, s:{s:f}, s:{s:f}, s:{s:f}}", "available", 1,
				      "tsc_offset", (json_int_t)-12345, "exit_leg", "median",
				      1000.0, "vmm_handling", "median", 2500.0, "entry_leg",
				      "median", 1200.0));
}

/* "name size mtime" of every file under dir, sorted by readdir order per level. */
static void tree(const char *dir, char *buf, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char p[600];
		struct stat st;
		size_t used = strlen(buf);

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (stat(p, &st) < 0)
			continue;
		snprintf(buf + used, len - used, "%s %lld %lld.%09ld\n", p, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		if (S_ISDIR(st.st_mode))
			tree(p, buf, len);
	}
	if (d)
		closedir(d);
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
			return true;
	return false;
}

static bool file_starts(const char *path, const char *magic, size_t n)
{
	char buf[16] = "";
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(buf, 1, n, f) : 0;
	struct stat st;

	if (f)
		fclose(f);
	return got == n && memcmp(buf, magic, n) == 0 && stat(path, &st) == 0 && st.st_size > 100;
}

static const double base_a[3] = {0, 1000, 5000}, base_b[3] = {20000, 20100, 40000};
static char fa[300], fb[300], out[300];

static void test_tables(void)
{
	const char *args[] = {"report", "--all", "--hosts", NULL, "-o", out, NULL};
	char path[400], row[400], *o = NULL, *e = NULL, *md;
	const struct exit_class *classes[4] = {class_find("null"), class_find("cpuid"),
					       class_find("pio_user"), class_find("vmcall")};
	int rc;

	snprintf(path, sizeof(path), "%s/hosts", tmp);
	args[3] = path;
	rc = run_report(NULL, &o, &e, args);
	ok(rc == 0, "report --all on two synthetic results exits 0 (rc %d: %s)", rc, e);
	snprintf(path, sizeof(path), "%s/README.md", out);
	md = slurp(path);
	ok(md && strncmp(md, "<!-- generated by exitbench report", 34) == 0,
	   "README.md written, starting with the marker");
	/* platforms apart: one table per (platform, microarchitecture) */
	ok(has_line(md, "| class | handled in | synthetic-a 2026-01-02 03:04Z (vmx) |") &&
	       has_line(md, "| class | handled in | synthetic-b 2026-01-02 05:06Z († other: "
			    "software backend) |"),
	   "platforms apart: the bare-metal and the software run each have their table");
	snprintf(row, sizeof(row), "| `null` | %s | 500 (100–900) verified |",
		 handled_in_name(classes[0]->handled_in));
	ok(has_line(md, row), "row: %s", row);
	snprintf(row, sizeof(row), "| `cpuid` | %s | † *20600 (20200–21000)* UNVERIFIED |",
		 handled_in_name(classes[1]->handled_in));
	ok(has_line(md, row), "row: %s", row);
	snprintf(row, sizeof(row), "| `pio_user` | %s | 5500 (5100–5900) verified |",
		 handled_in_name(classes[2]->handled_in));
	ok(has_line(md, row), "row: %s", row);
	snprintf(row, sizeof(row), "| `vmcall` | %s | skipped |",
		 handled_in_name(classes[3]->handled_in));
	ok(has_line(md, row), "row: %s", row);
	ok(has_line(md, "## Cascade Lake (2019)") &&
	       has_line(md, "## Cascade Lake (2019), platform software"),
	   "one section per platform and microarchitecture");
	ok(has_line(md, "| synthetic-a 2026-01-02 03:04Z | `cpuid` | 2019 | 1000 | point: "
			"bare-metal VT-x/AMD-V, verified |"),
	   "generation table: bare-metal run placed as a point");
	ok(has_line(md, "| synthetic-b 2026-01-02 05:06Z | `pio_user` | 2019 | 20000 | † hollow "
			"marker: software backend, not hardware |"),
	   "generation table: software backend run hollow and labelled");
	ok(md && strstr(md, "| synthetic-b 2026-01-02 05:06Z | `cpuid` | 2019 | – (UNVERIFIED) | "
			    "not placed: cpuid UNVERIFIED"),
	   "generation table: an UNVERIFIED class has no net median and no point");
	ok(md && strstr(md, "No result file has a host-side breakdown"),
	   "no breakdown: the README says the stacked bars were skipped");
	ok(o && strstr(o, "report: ") && lines(e) == 0, "one summary line, nothing on stderr (%s)",
	   e);
	free(md);
	free(o);
	free(e);
}

/* Every published row with a year is a point; the others are listed. */
static void test_generation_data(const char *srcdir)
{
	char path[400], want[200], *dat;
	struct published pub;
	unsigned int missing = 0;

	snprintf(path, sizeof(path), "%s/plots/generations.dat", out);
	dat = slurp(path);
	snprintf(path, sizeof(path), "%s/results/published.csv", srcdir);
	if (!ok(dat && published_read(path, &pub) == 0,
		"generations.dat and published.csv read (%s)", eb_error()))
		return;
	for (unsigned int i = 0; i < pub.n; i++) {
		const struct pub_row *p = &pub.rows[i];
		const char *at;

		if (p->year) {
			snprintf(want, sizeof(want), " # published.csv line %u\n", p->line);
			at = strstr(dat, want);
			snprintf(want, sizeof(want), "%d %.1f ", p->year, p->cycles);
			while (at && at > dat && at[-1] != '\n')
				at--;
			if (!at || strncmp(at, want, strlen(want))) {
				missing++;
				diag("line %u (%s) not in generations.dat", p->line, want);
			}
		} else {
			snprintf(want, sizeof(want), "# line %u: ", p->line);
			if (!strstr(dat, want)) {
				missing++;
				diag("line %u not listed", p->line);
			}
		}
	}
	ok(pub.n > 0 && missing == 0, "all %u published rows in generations.dat (%u missing)",
	   pub.n, missing);
	ok(strstr(dat, "2019 1000.0 \"synthetic-a 2026-01-02 03:04Z: cpuid\"") != NULL,
	   "measured hardware run in the generation data");
	ok(strstr(dat, "synthetic-b 2026-01-02 05:06Z: cpuid") == NULL,
	   "no point for the UNVERIFIED cpuid of synthetic-b in the generation data");
	ok(strstr(dat,
		  "2019 20000.0 \"synthetic-b 2026-01-02 05:06Z: pio_user (software backend)\"") !=
	       NULL,
	   "measured software-backend run in the generation data, labelled");
	published_free(&pub);
	free(dat);
}

static bool in_path(const char *prog)
{
	char dirs[4096], p[4400], *save = NULL;

	snprintf(dirs, sizeof(dirs), "%s", getenv("PATH") ? getenv("PATH") : "");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(p, sizeof(p), "%s/%s", d, prog);
		if (access(p, X_OK) == 0)
			return true;
	}
	return false;
}

static void test_plots(void)
{
	char path[400];
	const char *names[] = {"classes-cascade-lake", "cdf-cpuid", "generations"};

	if (!in_path("gnuplot")) {
		for (int i = 0; i < 6; i++)
			printf("ok %d # SKIP gnuplot not installed: plots are not drawn\n",
			       ++tap_n);
		return;
	}
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/plots/%s.png", out, names[i]);
		ok(file_starts(path, "\x89PNG\r\n\x1a\n", 8), "%s is a PNG", path);
		snprintf(path, sizeof(path), "%s/plots/%s.svg", out, names[i]);
		ok(file_starts(path, "<?xml", 5), "%s is an SVG", path);
	}
}

/* Bad input: exit 2, one line naming the file and the field, nothing written. */
static void expect_bad(const char *what, const char *file, const char *field)
{
	const char *args[] = {"report", fa, file, "-o", out, NULL};
	char before[16384] = "", after[16384] = "", *o = NULL, *e = NULL;
	int rc;

	tree(out, before, sizeof(before));
	rc = run_report(NULL, &o, &e, args);
	tree(out, after, sizeof(after));
	ok(rc == 2 && lines(e) == 1 && strstr(e, file) && strstr(e, field),
	   "%s: exit 2, one line naming %s and %s (rc %d: %s)", what, file, field, rc, e);
	ok(strcmp(before, after) == 0, "%s: output directory unchanged", what);
	free(o);
	free(e);
}

static void test_bad_inputs(void)
{
	char bad[300], foreign[300], broken[300], bd[300];
	FILE *f;

	snprintf(bad, sizeof(bad), "%s/bad-median.json", tmp);
	edit_json(fa, bad, bad_median);
	expect_bad("a class median that is a string", bad, "median");
	snprintf(foreign, sizeof(foreign), "%s/package.json", tmp);
	f = fopen(foreign, "w");
	fputs("{\"name\": \"left-pad\", \"version\": \"1.3.0\"}\n", f);
	fclose(f);
	expect_bad("a foreign JSON file", foreign, "schema");
	snprintf(broken, sizeof(broken), "%s/truncated.json", tmp);
	f = fopen(broken, "w");
	fputs("{\"schema\": \"exitbench/1\", \"classes\": [\n", f);
	fclose(f);
	expect_bad("truncated JSON", broken, "truncated.json");
	snprintf(bd, sizeof(bd), "%s/bad-breakdown.json", tmp);
	edit_json(fa, bd, bad_breakdown);
	expect_bad("a breakdown part without a numeric median", bd,
		   "classes[2].breakdown.exit_leg.median");
}

/* A fresh output directory stays empty when an input is bad. */
static void test_bad_fresh_dir(void)
{
	char dir[300], foreign[300], *o = NULL, *e = NULL;
	const char *args[] = {"report", fa, foreign, "-o", dir, NULL};
	int rc;

	snprintf(dir, sizeof(dir), "%s/fresh", tmp);
	snprintf(foreign, sizeof(foreign), "%s/package.json", tmp);
	mkdir(dir, 0755);
	rc = run_report(NULL, &o, &e, args);
	ok(rc == 2 && rmdir(dir) == 0,
	   "bad input into a fresh directory: exit 2, directory left "
	   "empty (rc %d)",
	   rc);
	free(o);
	free(e);
}

static void test_no_gnuplot(void)
{
	char dir[300], path[400], *o = NULL, *e = NULL, *md;
	const char *args[] = {"report", fa, fb, "-o", dir, NULL};
	int rc;

	snprintf(dir, sizeof(dir), "%s/noplot", tmp);
	rc = run_report("/nonexistent-bin", &o, &e, args);
	ok(rc == 0 && lines(e) == 1 && strstr(e, "warning: plots skipped"),
	   "without gnuplot: exit 0 and one warning line (rc %d: %s)", rc, e);
	snprintf(path, sizeof(path), "%s/README.md", dir);
	md = slurp(path);
	ok(md && strstr(md, "Not drawn: gnuplot was not found"),
	   "README says plots were not drawn");
	snprintf(path, sizeof(path), "%s/plots/generations.dat", dir);
	ok(access(path, R_OK) == 0, "data files still written");
	snprintf(path, sizeof(path), "%s/plots/generations.png", dir);
	ok(access(path, F_OK) != 0, "no PNG without gnuplot");
	free(md);
	free(o);
	free(e);
}

/* A breakdown gives stacked-bar data; an unknown microarchitecture year the run's year. */
static void test_breakdown_and_unknown_year(void)
{
	char dir[300], withbd[300], unk[300], path[400], *o = NULL, *e = NULL, *dat, *gen;
	const char *args[] = {"report", withbd, unk, "-o", dir, NULL};
	int rc;

	snprintf(dir, sizeof(dir), "%s/bd", tmp);
	snprintf(withbd, sizeof(withbd), "%s/with-breakdown.json", tmp);
	snprintf(unk, sizeof(unk), "%s/unknown-uarch.json", tmp);
	edit_json(fa, withbd, add_breakdown);
	write_fixture(unk, "synthetic-c", "vmx", "kvm_intel", "unknown (family 6 model 999)", 0,
		      "2031-05-06T07:08:09Z", base_a, true, false);
	rc = run_report(NULL, &o, &e, args);
	ok(rc == 0, "report with a breakdown and an unknown microarchitecture (rc %d: %s)", rc, e);
	snprintf(path, sizeof(path), "%s/plots/breakdown.png", dir);
	if (in_path("gnuplot"))
		ok(file_starts(path, "\x89PNG\r\n\x1a\n", 8), "stacked-bar plot %s drawn", path);
	else
		printf("ok %d # SKIP gnuplot not installed: no stacked-bar plot\n", ++tap_n);
	snprintf(path, sizeof(path), "%s/plots/breakdown.dat", dir);
	dat = slurp(path);
	ok(dat &&
	       has_line(dat, "run \"exit_leg\" \"vmm_handling\" \"entry_leg\" \"round trip "
			     "median\"") &&
	       has_line(dat,
			"\"synthetic-a 2026-01-02 03:04Z pio_user\" 1000.0 2500.0 1200.0 5500.0"),
	   "breakdown.dat has the parts in order, numbers only from stats objects, then the "
	   "whole round trip's median");
	snprintf(path, sizeof(path), "%s/plots/generations.dat", dir);
	gen = slurp(path);
	ok(gen &&
	       strstr(gen,
		      "2031 1000.0 \"synthetic-c 2031-05-06 07:08Z: cpuid (microarch year unknown: "
		      "placed "
		      "at run year)\""),
	   "unknown microarchitecture year: placed at the run's year, labelled so");
	free(dat);
	free(gen);
	free(o);
	free(e);
}

static void make_nested(json_t *doc)
{
	json_t *host = json_object_get(doc, "host");
	json_t *kvm = json_object_get(host, "kvm");

	json_object_set_new(kvm, "nested", json_true());
	json_object_set_new(kvm, "hypervisor", json_string("KVMKVMKVM"));
	json_object_del(host, "platform"); /* an older file: derived from the above */
	json_object_set_new(json_object_get(host, "cpu"), "microcode", json_string("0x1"));
	json_object_set_new(doc, "started_utc", json_string("2026-01-03T00:00:00Z"));
}

/* A nested run: its own table, guest-seen fields labelled, no generation point. */
static void test_nested(void)
{
	char dir[300], nested[300], path[400], *o = NULL, *e = NULL, *md, *gen;
	const char *args[] = {"report", fa, nested, "-o", dir, NULL};
	int rc;

	snprintf(dir, sizeof(dir), "%s/nested-out", tmp);
	snprintf(nested, sizeof(nested), "%s/nested.json", tmp);
	edit_json(fa, nested, make_nested);
	rc = run_report(NULL, &o, &e, args);
	ok(rc == 0, "report with a nested run (rc %d: %s)", rc, e);
	snprintf(path, sizeof(path), "%s/README.md", dir);
	md = slurp(path);
	ok(md && strstr(md, "| synthetic-a 2026-01-03 00:00Z | nested | Cascade Lake (2019) (seen "
			    "by the guest) | synthetic test fixture, not a real CPU (family 6 "
			    "model 85 stepping 7), microcode 0x1 (seen by the guest) |"),
	   "nested run: platform derived, microarchitecture and microcode seen by the guest");
	ok(md && strstr(md, "default; spectre\\_v2: not recorded (seen by the guest) |"),
	   "nested run: mitigations seen by the guest");
	ok(has_line(md, "## Cascade Lake (2019), platform nested (CPU as seen by the guest)"),
	   "nested run: a section of its own");
	ok(md && strstr(md, "| synthetic-a 2026-01-03 00:00Z | `cpuid` | 2019 | 1000 | not "
			    "placed: platform nested: the CPU (Cascade Lake) is as seen by the "
			    "guest"),
	   "nested run: not placed at a hardware generation's year");
	snprintf(path, sizeof(path), "%s/plots/generations.dat", dir);
	gen = slurp(path);
	ok(gen && !strstr(gen, "2026-01-03 00:00Z"), "nested run: no point in the generation data");
	snprintf(path, sizeof(path), "%s/plots/cdf-nested-cpuid.dat", dir);
	ok(access(path, R_OK) == 0 && md && strstr(md, "(plots/cdf-nested-cpuid.png)"),
	   "nested run: CDFs of its own (cdf-nested-cpuid), apart from bare metal");
	free(md);
	free(gen);
	free(o);
	free(e);
}

static char *memfile(FILE *f, char **buf)
{
	fclose(f);
	return *buf;
}

/* The run's own writers: no net for an UNVERIFIED class; guest-seen labels. */
static void test_run_writers(void)
{
	struct run_result *r = calloc(1, sizeof(*r));
	char *tbl = NULL, *csv, *mdr, path[400];
	size_t len = 0;
	FILE *f;

	r->classes = calloc(3, sizeof(*r->classes));
	synth_host(r, "synthetic-w", "vmx", "kvm_intel", "Cascade Lake", 2019,
		   "2026-01-02T03:04:05Z");
	snprintf(r->host.platform, sizeof(r->host.platform), "nested");
	snprintf(r->host.microcode, sizeof(r->host.microcode), "0x1");
	r->host.guest_seen = true;
	synth_class(&r->classes[0], "null", 0, true);
	synth_class(&r->classes[1], "cpuid", 1000, false);
	synth_class(&r->classes[2], "pio_user", 5000, true);
	r->nclasses = 3;
	r->null_median = r->classes[0].sum.median;
	for (int i = 0; i < 3; i++)
		r->classes[i].net_median = r->classes[i].sum.median - r->null_median;
	f = open_memstream(&tbl, &len);
	result_print_table(r, f);
	memfile(f, &tbl);
	ok(tbl &&
	       strstr(tbl, "(Cascade Lake (seen by the guest), family 6 model 85 stepping 7, "
			   "microcode 0x1 (seen by the guest))") &&
	       strstr(tbl, "platform nested, backend vmx"),
	   "table: platform, and the guest-seen fields labelled");
	ok(tbl && strstr(tbl, "    5000     1.000  verified\n") &&
	       strstr(tbl, "       -     0.000  UNVERIFIED\n"),
	   "table: pio_user has its net (5000), the UNVERIFIED cpuid none");
	snprintf(path, sizeof(path), "%s/w.csv", tmp);
	result_write_csv(r, path);
	csv = slurp(path);
	ok(csv && strstr(csv, ",5000.0,1.0000,true,vmx,") && strstr(csv, ",,0.0000,false,vmx,") &&
	       strstr(csv, ",nested,true,"),
	   "CSV: net_median empty for the UNVERIFIED cpuid; platform and guest-seen columns");
	snprintf(path, sizeof(path), "%s/w.md", tmp);
	result_write_markdown(r, path);
	mdr = slurp(path);
	ok(mdr && strstr(mdr, "| 5000 | 1.000 | verified |") &&
	       strstr(mdr, "| – | 0.000 | UNVERIFIED |") &&
	       strstr(mdr, "microcode 0x1 (seen by the guest)"),
	   "Markdown: no net for the UNVERIFIED cpuid; microcode seen by the guest");
	free(tbl);
	free(csv);
	free(mdr);
	free(r->classes);
	free(r);
}

static void test_guard_and_usage(void)
{
	char dir[300], path[400], *o = NULL, *e = NULL;
	const char *args[] = {"report", fa, "-o", dir, NULL};
	const char *none[] = {"report", NULL};
	FILE *f;
	int rc;

	snprintf(dir, sizeof(dir), "%s/project", tmp);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/README.md", dir);
	f = fopen(path, "w");
	fputs("# my project\n", f);
	fclose(f);
	rc = run_report(NULL, &o, &e, args);
	ok(rc == 2 && lines(e) == 1 && strstr(e, "refusing to replace"),
	   "a README.md not written by the report is never replaced (rc %d: %s)", rc, e);
	free(o);
	free(e);
	rc = run_report(NULL, &o, &e, none);
	ok(rc == 2 && lines(e) == 1 && strstr(e, "no result file given"),
	   "no input: exit 2, one line (%s)", e);
	free(o);
	free(e);
}

/* The CSV reader on its own: quotes, commas, doubled quotes, line breaks. */
static void test_csv(void)
{
	const char good[] = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,x\n";
	struct csv_doc d;
	int rc;

	ok(csvdoc_parse("t", good, strlen(good), &d) == 0 && d.nrows == 2 && d.rows[0].n == 3 &&
	       strcmp(d.rows[0].field[1], "b,c") == 0 &&
	       strcmp(d.rows[0].field[2], "say \"hi\"") == 0 &&
	       strcmp(d.rows[1].field[0], "two\nlines") == 0 && d.rows[1].field[1][0] == 0 &&
	       d.rows[1].line == 2,
	   "RFC 4180: quoted comma, doubled quote, CRLF, quoted line break, empty field");
	csvdoc_free(&d);
	const char blank[] = "x\n\"two\nlines\"\n\ny\r\n";

	rc = csvdoc_parse("t", blank, strlen(blank), &d);
	ok(rc == 0 && d.nrows == 3 && d.rows[0].line == 1 && d.rows[1].line == 2 &&
	       d.rows[2].line == 5 && strcmp(d.rows[2].field[0], "y") == 0,
	   "a record after a quoted line break and a blank line: its own line (5; %s)",
	   rc ? eb_error() : "");
	csvdoc_free(&d);
	rc = csvdoc_parse("t", " a , b\n", 7, &d);
	ok(rc == 0 && d.nrows == 1 && d.rows[0].n == 2 && strcmp(d.rows[0].field[0], " a ") == 0 &&
	       strcmp(d.rows[0].field[1], " b") == 0,
	   "spaces are kept: RFC 4180 trims nothing");
	csvdoc_free(&d);
	rc = csvdoc_parse("t", "a,\"b\"c\n", 7, &d);
	ok(rc < 0 && strstr(eb_error(), "line 1"), "text after a closing quote is an error (%s)",
	   eb_error());
	rc = csvdoc_parse("t", "a\nb\"c\n", 6, &d);
	ok(rc < 0 && strstr(eb_error(), "line 2"),
	   "a quote inside an unquoted field is an error naming its line (%s)", eb_error());
	rc = csvdoc_parse("t", "a,\"bc\n", 6, &d);
	ok(rc < 0 && strstr(eb_error(), "never closed"), "an unterminated quote is an error (%s)",
	   eb_error());
}

static void test_published_errors(void)
{
	char path[300];
	struct published p;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/pub.csv", tmp);
	f = fopen(path, "w");
	fputs("microarch,year,vendor,cpu,class,cycles,quantity,measured,source,source_url,note\n"
	      "Haswell,2013,intel,x,cpuid,500,hardware,m,src,,n\n"
	      "Haswell,2013,intel,x,cpuid,500,hardware,m,,,n\n",
	      f);
	fclose(f);
	rc = published_read(path, &p);
	ok(rc < 0 && strstr(eb_error(), "line 3: source"),
	   "a row without a source is rejected, naming line and column (%s)", eb_error());
	f = fopen(path, "w");
	fputs("microarch,year,vendor,cpu,class,cycles,quantity,measured,source,source_url,note\n"
	      "Haswell,2013,intel,x,cpuid,fast,hardware,m,s,,n\n",
	      f);
	fclose(f);
	rc = published_read(path, &p);
	ok(rc < 0 && strstr(eb_error(), "line 2: cycles"), "a non-numeric figure is rejected (%s)",
	   eb_error());
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	const char *srcdir = getenv("EXITBENCH_SRCDIR");
	char hosts[200];

	exe = getenv("EXITBENCH");
	if (!exe || !*exe)
		exe = "build/exitbench";
	if (srcdir && *srcdir && chdir(srcdir) < 0)
		tap_skip_all("EXITBENCH_SRCDIR not usable");
	if (access(exe, X_OK) != 0)
		tap_skip_all("no exitbench binary (set EXITBENCH)");
	unsetenv("GNUPLOT");
	snprintf(tmp, sizeof(tmp), "/tmp/exitbench-test-report.XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	snprintf(hosts, sizeof(hosts), "%s/hosts/cascade-lake", tmp);
	snprintf(fa, sizeof(fa), "%s/hosts", tmp);
	mkdir(fa, 0755);
	mkdir(hosts, 0755);
	snprintf(fa, sizeof(fa), "%s/synthetic-a.json", hosts);
	snprintf(fb, sizeof(fb), "%s/synthetic-b.json", hosts);
	snprintf(out, sizeof(out), "%s/out", tmp);
	ok(write_fixture(fa, "synthetic-a", "vmx", "kvm_intel", "Cascade Lake", 2019,
			 "2026-01-02T03:04:05Z", base_a, true, true) == 0 &&
	       write_fixture(fb, "synthetic-b", "other", "kvm_pvm", "Cascade Lake", 2019,
			     "2026-01-02T05:06:07Z", base_b, false, false) == 0,
	   "two synthetic result files written");
	test_tables();
	test_generation_data(".");
	test_plots();
	test_bad_inputs();
	test_bad_fresh_dir();
	test_no_gnuplot();
	test_breakdown_and_unknown_year();
	test_nested();
	test_run_writers();
	test_guard_and_usage();
	test_csv();
	test_published_errors();
	if (!tap_failed) {
		if (nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
			diag("could not remove %s", tmp);
	} else {
		diag("kept %s for inspection", tmp);
	}
	return tap_done();
}
