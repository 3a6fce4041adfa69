/* SPDX-License-Identifier: MIT */
/* exitbench census without a VM: classification, observations, the JSON
 * round trip, compare of two census files, the page, the report section. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/census/census.h"
#include "bench/result/result.h"
#include "tests/tap.h"

static char dir[] = "/tmp/exitbench-census.XXXXXX";

/* A cell as the runner leaves it: counters per iteration, first vector. */
static void cell(struct census_cell *c, double faults, int vector, double exits, double vmm,
		 double median)
{
	c->status = CS_OK;
	c->iterations = 300;
	c->faults_per_iter = faults;
	c->vector = vector;
	c->error = 0;
	c->exits_per_iter = exits;
	c->vmm_exits_per_iter = vmm;
	c->median = median;
	c->ci_lo = median - 1;
	c->ci_hi = median + 1;
	c->cpl = c->ring;
	c->obs_valid = vector < 0;
	c->cr0 = 0x80010033;
}

static struct census_rowres *add(struct census_doc *d, const char *name)
{
	struct census_rowres *r = &d->rows[d->nrows++];

	census_rowres_init(r, census_find_row(name));
	return r;
}

static void build(struct census_doc *d)
{
	struct census_rowres *r;

	memset(d, 0, sizeof(*d));
	d->host_json =
	    json_pack("{s:s, s:{s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:b, s:s}, s:I}", "hostname",
		      "testhost", "kernel", "release", "6.1.0-test", "cpu", "microarch", "Zen 4",
		      "vendor", "AuthenticAMD", "kvm", "backend", "svm", "module", "kvm_amd",
		      "nested", 0, "hypervisor", "", "tsc_khz", (json_int_t)2000000);
	census_host_from_json(d->host_json, &d->host);
	snprintf(d->tool_version, sizeof(d->tool_version), "test");
	snprintf(d->started_utc, sizeof(d->started_utc), "2026-12-02T10:00:00Z");
	snprintf(d->finished_utc, sizeof(d->finished_utc), "2026-12-02T10:00:30Z");
	snprintf(d->timer, sizeof(d->timer), "lfence;rdtsc ... rdtscp;lfence");
	d->iterations = 300;
	r = add(d, "null");
	cell(&r->cell[0], 0, -1, 0, 0, 40);
	cell(&r->cell[1], 0, -1, 0, 0, 41);
	r = add(d, "hlt");
	cell(&r->cell[0], 0, -1, 1, 1, 2500);
	cell(&r->cell[1], 1, 13, 0, 0, 900);
	r = add(d, "sgdt");
	cell(&r->cell[0], 0, -1, 0, 0, 60);
	cell(&r->cell[1], 0, -1, 0, 0, 62);
	r->cell[1].obs[0] = (GDT_GPA << 16) | 0xfff;
	r = add(d, "sgdt_umip");
	cell(&r->cell[0], 0, -1, 0, 0, 60);
	cell(&r->cell[1], 1, 13, 0, 0, 800);
	r = add(d, "popf");
	cell(&r->cell[0], 0, -1, 0, 0, 70);
	r->cell[0].obs[0] = 0x2;
	r->cell[0].obs[1] = 0x202;
	cell(&r->cell[1], 0, -1, 0, 0, 70);
	r->cell[1].obs[0] = 0x2;
	r->cell[1].obs[1] = 0x2;
	r = add(d, "cpuid");
	cell(&r->cell[0], 0, -1, 1, 0, 1500);
	r->cell[0].obs[0] = 1u << 31;
	cell(&r->cell[1], 0, -1, 1.02, 0, 1510);
	r->cell[1].obs[0] = 1u << 31;
	r = add(d, "pause");
	cell(&r->cell[0], 0, -1, 0.1, 0, 50);
	cell(&r->cell[1], 0, -1, 0, 0, 50);
	r = add(d, "push_ds");
	cell(&r->cell[0], 1, 6, 1, 0, 3000);
	cell(&r->cell[1], 1, 6, 1, 0, 3000);
	r = add(d, "rdtscp");
	r->cell[0].status = r->cell[1].status = CS_SKIPPED;
	snprintf(r->cell[0].reason, sizeof(r->cell[0].reason), "unsupported: test");
	snprintf(r->cell[1].reason, sizeof(r->cell[1].reason), "unsupported: test");
	for (unsigned int i = 0; i < d->nrows; i++) {
		for (int k = 0; k < 2; k++)
			census_cell_classify(&d->rows[i], &d->rows[i].cell[k], HINT_SVM);
		census_row_classify(&d->rows[i]);
	}
}

static const struct census_rowres *row(const struct census_doc *d, const char *name)
{
	for (unsigned int i = 0; i < d->nrows; i++)
		if (!strcmp(d->rows[i].name, name))
			return &d->rows[i];
	return NULL;
}

static void code(const struct census_doc *d, const char *name, int k, char *buf, size_t len)
{
	census_cell_code(&row(d, name)->cell[k], buf, len);
}

static void test_classify(const struct census_doc *d)
{
	char c0[32], c3[32];

	code(d, "hlt", 0, c0, sizeof(c0));
	code(d, "hlt", 1, c3, sizeof(c3));
	ok(!strcmp(c0, "vmm") && !strcmp(c3, "#GP"), "hlt: vmm at CPL0, #GP at CPL3 (%s, %s)", c0,
	   c3);
	ok(row(d, "hlt")->cls == CC_PRIVILEGED && row(d, "hlt")->cpl0_exits,
	   "hlt: privileged, trapped by the hypervisor at CPL0");
	ok(row(d, "sgdt")->cls == CC_HARDWARE, "sgdt: sensitive, handled by the hardware");
	ok(row(d, "sgdt")->cell[1].equivalent == 1 &&
	       strstr(row(d, "sgdt")->cell[1].observed, "base 0x1000"),
	   "sgdt at CPL3 observes the guest's own GDT base (%s)", row(d, "sgdt")->cell[1].observed);
	ok(row(d, "sgdt_umip")->cls == CC_PRIVILEGED, "sgdt with UMIP: privileged");
	ok(strstr(row(d, "popf")->cell[1].observed, "kept") &&
	       row(d, "popf")->cell[1].equivalent == 1,
	   "popf at CPL3 keeps IF (%s)", row(d, "popf")->cell[1].observed);
	ok(row(d, "popf")->cell[0].equivalent == 1, "popf at CPL0 changes IF");
	ok(row(d, "cpuid")->cls == CC_TRAPPED && row(d, "cpuid")->cell[1].equivalent == 0,
	   "cpuid: trapped, the hypervisor bit tells");
	ok(row(d, "pause")->cls == CC_INNOCUOUS, "pause: 0.1 exits per run is no exit: innocuous");
	code(d, "push_ds", 0, c0, sizeof(c0));
	ok(!strcmp(c0, "kvm+#UD") && row(d, "push_ds")->cls == CC_BOTH_FAULT,
	   "push %%ds: kvm+#UD, faults at both rings (%s)", c0);
	ok(row(d, "rdtscp")->cls == CC_UNKNOWN, "a skipped row is not classified");
	ok(!strcmp(row(d, "hlt")->cell[0].hint, "vmm"), "hint of this vendor recorded");
}

static void test_json(const struct census_doc *d, struct census_doc *back)
{
	char path[64], a[32], b[32];
	bool same = true;

	snprintf(path, sizeof(path), "%s/census-a.json", dir);
	ok(census_write_json(d, path) == 0, "write JSON (%s)", eb_error());
	ok(census_read_json(path, back) == 0, "read it back (%s)", eb_error());
	ok(back->nrows == d->nrows, "same rows (%u)", back->nrows);
	for (unsigned int i = 0; i < d->nrows && i < back->nrows; i++)
		for (int k = 0; k < 2; k++) {
			census_cell_code(&d->rows[i].cell[k], a, sizeof(a));
			census_cell_code(&back->rows[i].cell[k], b, sizeof(b));
			same = same && !strcmp(a, b) && d->rows[i].cls == back->rows[i].cls;
		}
	ok(same, "outcomes and classes survive the round trip");
	ok(!strcmp(back->host.backend, "svm") && !strcmp(back->host.hostname, "testhost"),
	   "host labels read back");
	ok(row(back, "sgdt")->cell[1].equivalent == 1, "observation read back");
}

static void test_compare(struct census_doc *d)
{
	char a[64], b[64], out[64], line[256];
	struct census_rowres *r;
	FILE *f;
	int st;
	bool named = false;

	snprintf(a, sizeof(a), "%s/census-a.json", dir);
	snprintf(b, sizeof(b), "%s/census-b.json", dir);
	snprintf(out, sizeof(out), "%s/compare.txt", dir);
	f = fopen(out, "w");
	st = census_compare(a, a, f);
	fclose(f);
	ok(st == 0, "compare a file with itself: nothing changed (%d)", st);
	r = (struct census_rowres *)row(d, "sgdt");
	r->cell[1].outcome = CO_EXIT_KVM; /* a kernel that starts intercepting sgdt */
	census_row_classify(r);
	census_write_json(d, b);
	f = fopen(out, "w");
	st = census_compare(a, b, f);
	fclose(f);
	f = fopen(out, "r");
	while (f && fgets(line, sizeof(line), f))
		named = named || (strstr(line, "sgdt") && strstr(line, "CPL3") &&
				  strstr(line, "none") && strstr(line, "kvm"));
	if (f)
		fclose(f);
	ok(st == 1 && named, "an interception that appears: exit 1, the row named (%d)", st);
}

static void test_md(const struct census_doc *d)
{
	char path[64], buf[65536];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/census-a.md", dir);
	ok(census_write_md(d, path) == 0, "write the page");
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = 0;
	if (f)
		fclose(f);
	ok(strstr(buf, "### Efficiency") && strstr(buf, "### Resource control") &&
	       strstr(buf, "### Equivalence"),
	   "one section per Popek-Goldberg property");
	ok(strstr(buf, "## How to read this page") != NULL, "the columns explained");
	ok(strstr(buf, "| `hlt` |") && strstr(buf, "`vmm`") && strstr(buf, "`#GP`"),
	   "the table has hlt's outcomes");
	ok(strstr(buf, "`rdtscp` at CPL0: skipped: unsupported: test") != NULL,
	   "a row that did not run says why");
}

static void test_report(void)
{
	char path[64], buf[16384];
	FILE *f;
	size_t n;

	ok(census_is_census_file("census-2026-12-02T10-00-00Z.json") &&
	       !census_is_census_file("vm-2026.json") && !census_is_census_file("census-x.md"),
	   "census files are told from run results by name");
	snprintf(path, sizeof(path), "%s/section.md", dir);
	f = fopen(path, "w+");
	census_report_section(f, dir, "/nowhere");
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	ok(strstr(buf, "## Census") && strstr(buf, "testhost") &&
	       strstr(buf, "| `hlt` | `vmm` | `#GP` |"),
	   "the report section lists each census file's rows");
}

int main(void)
{
	struct census_doc *d = calloc(2, sizeof(*d));
	char cmd[128];

	if (!d || !mkdtemp(dir))
		tap_skip_all("no memory or no temporary directory");
	build(&d[0]);
	test_classify(&d[0]);
	test_json(&d[0], &d[1]);
	test_md(&d[0]);
	test_compare(&d[0]);
	test_report();
	census_doc_free(&d[0]);
	census_doc_free(&d[1]);
	free(d);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	tap_plan(tap_n);
	return tap_failed ? 1 : 0;
}
