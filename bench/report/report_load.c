/* SPDX-License-Identifier: MIT */
/* exitbench report, phase 1: find, read and check every input. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/census/census.h"
#include "bench/host/platform.h"
#include "bench/report/report.h"
#include "bench/host/uarch.h"
#include "lib/error.h"

struct pathlist {
	char **p;
	unsigned int n;
};

static int pathlist_add(struct pathlist *l, const char *path)
{
	char **p = realloc(l->p, (l->n + 1) * sizeof(*p));

	if (!p || !(p[l->n] = strdup(path))) {
		if (p)
			l->p = p;
		return mvm_fail_errno("remember %s", path);
	}
	l->p = p;
	l->n++;
	return 0;
}

static void pathlist_free(struct pathlist *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		free(l->p[i]);
	free(l->p);
}

static int ends_with_json(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* Every *.json under dir, recursively; hidden entries are skipped. */
static int scan_dir(const char *dir, struct pathlist *l)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return mvm_fail_errno("--all: open directory %s", dir);
	while (ret == 0 && (errno = 0, e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path)) {
			errno = ENAMETOOLONG;
			ret = mvm_fail_errno("--all: %s/%s", dir, e->d_name);
		} else if (stat(path, &st) < 0) {
			ret = mvm_fail_errno("--all: stat %s", path);
		} else if (S_ISDIR(st.st_mode)) {
			ret = scan_dir(path, l);
		} else if (S_ISREG(st.st_mode) && ends_with_json(e->d_name) &&
			   !census_is_census_file(e->d_name)) { /* census: report_md.c */
			ret = pathlist_add(l, path);
		}
	}
	if (ret == 0 && errno)
		ret = mvm_fail_errno("--all: read directory %s", dir);
	closedir(d);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --all: every result under hosts_dir, which must exist (a typo must not
 * turn into a report of nothing). */
static int collect_all(const struct report_opts *o, struct pathlist *all)
{
	struct stat st;

	if (stat(o->hosts_dir, &st) < 0)
		return mvm_fail_errno("--all: hosts directory %s", o->hosts_dir);
	if (!S_ISDIR(st.st_mode))
		return mvm_fail("--all: %s is not a directory", o->hosts_dir);
	if (scan_dir(o->hosts_dir, all))
		return -1;
	if (all->n) /* an empty directory: no list to sort (qsort(NULL) is undefined) */
		qsort(all->p, all->n, sizeof(*all->p), cmp_str);
	return 0;
}

static bool same_file(const char *x, const char *y)
{
	char a[PATH_MAX], b[PATH_MAX];

	return realpath(x, a) && realpath(y, b) && strcmp(a, b) == 0;
}

/* Command-line files, then --all's; the same file only once. */
static int collect_inputs(const struct report_opts *o, struct pathlist *l)
{
	struct pathlist all = {0};
	int ret = 0;

	if (o->all)
		ret = collect_all(o, &all);
	for (unsigned int i = 0; ret == 0 && i < o->ninputs + all.n; i++) {
		const char *p = i < o->ninputs ? o->inputs[i] : all.p[i - o->ninputs];
		bool dup = false;

		for (unsigned int j = 0; j < l->n && !dup; j++)
			dup = same_file(p, l->p[j]);
		if (!dup)
			ret = pathlist_add(l, p);
	}
	pathlist_free(&all);
	return ret;
}

/* A part of the breakdown: an object of statistics with a numeric "median". */
static int read_part(const char *path, size_t ci, const char *key, json_t *v,
		     struct report_breakdown *bd)
{
	json_t *m = json_object_get(v, "median");
	struct report_part *p;

	if (!json_is_number(m) || !isfinite(json_number_value(m)))
		return mvm_fail("%s: classes[%zu].breakdown.%s.median: not a number", path, ci,
				key);
	if (bd->n >= REPORT_MAX_PARTS)
		return mvm_fail("%s: classes[%zu].breakdown: more than %d parts", path, ci,
				REPORT_MAX_PARTS);
	p = &bd->part[bd->n++];
	snprintf(p->name, sizeof(p->name), "%s", key);
	p->ticks = json_number_value(m);
	return 0;
}

/*
 * classes[ci].breakdown (exitbench run, docs/json-schema.md): "available",
 * then one statistics object per part (exit_leg, vmm_handling, entry_leg);
 * numbers, strings and arrays beside them describe the breakdown.
 */
static int read_breakdown(const char *path, size_t ci, json_t *cls, struct report_breakdown *bd)
{
	json_t *b = json_object_get(cls, "breakdown"), *v;
	const char *key;

	if (!b || json_is_null(b))
		return 0;
	if (!json_is_object(b))
		return mvm_fail("%s: classes[%zu].breakdown: not an object", path, ci);
	v = json_object_get(b, "available");
	if (!json_is_boolean(v))
		return mvm_fail("%s: classes[%zu].breakdown.available: not true or false", path,
				ci);
	if (json_is_false(v)) {
		bd->unavailable = true;
		snprintf(bd->reason, sizeof(bd->reason), "%s",
			 json_string_value(json_object_get(b, "reason")) ?: "no reason given");
		return 0;
	}
	json_object_foreach(b, key, v)
	{
		if (json_is_object(v) && read_part(path, ci, key, v, bd))
			return -1;
	}
	if (!bd->n)
		return mvm_fail("%s: classes[%zu].breakdown: available but no part", path, ci);
	return 0;
}

/*
 * The mitigation state in one line: the kernel's mitigations= parameter
 * (or "default") and the spectre_v2 line up to its first ';'.  Labels
 * only: a missing field leaves "not recorded".
 */
static void read_mitigations(json_t *doc, struct report_run *run)
{
	json_t *host = json_object_get(doc, "host");
	const char *cmd =
	    json_string_value(json_object_get(json_object_get(host, "kernel"), "cmdline"));
	const char *v2 =
	    json_string_value(json_object_get(json_object_get(host, "mitigations"), "spectre_v2"));
	const char *m = cmd ? strstr(cmd, "mitigations=") : NULL;

	if (m && m != cmd && m[-1] != ' ')
		m = NULL; /* part of another parameter's name */
	if (!cmd && !v2) {
		snprintf(run->mitigations, sizeof(run->mitigations), "not recorded");
		return;
	}
	snprintf(run->mitigations, sizeof(run->mitigations), "%.*s; spectre_v2: %.*s",
		 m ? (int)strcspn(m, " ") : 7, m ? m : "default", v2 ? (int)strcspn(v2, ";") : 12,
		 v2 ? v2 : "not recorded");
}

/* perf_overhead (optional): cpuid with and without counters, one run. */
static void read_perf_overhead(json_t *doc, struct report_run *run)
{
	json_t *o = json_object_get(doc, "perf_overhead");
	json_t *with = json_object_get(o, "median_with_perf");
	json_t *without = json_object_get(o, "median_without_perf");

	run->have_perf_overhead = json_is_number(with) && json_is_number(without);
	if (run->have_perf_overhead) {
		run->cpuid_with_perf = json_number_value(with);
		run->cpuid_without_perf = json_number_value(without);
	}
}

/* What resultfile_read() does not keep: breakdowns, the mitigation state,
 * the perf overhead. */
static int read_extras(struct report_run *run)
{
	const char *path = run->rf.path;
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err), *classes;
	int ret = 0;

	if (!doc)
		return mvm_fail("%s: line %d: %s", path, err.line, err.text);
	read_mitigations(doc, run);
	read_perf_overhead(doc, run);
	classes = json_object_get(doc, "classes");
	run->bd = calloc(run->rf.nclasses ? run->rf.nclasses : 1, sizeof(*run->bd));
	if (!run->bd)
		ret = mvm_fail_errno("%s: allocate breakdowns", path);
	for (unsigned int i = 0; ret == 0 && i < run->rf.nclasses; i++) {
		json_t *c = json_array_get(classes, i);

		if (!c || strcmp(json_string_value(json_object_get(c, "name")) ?: "",
				 run->rf.classes[i].name))
			ret = mvm_fail("%s: classes[%u].name: does not match the class read", path,
				       i);
		else
			ret = read_breakdown(path, i, c, &run->bd[i]);
		if (ret == 0 && run->bd[i].n)
			run->has_breakdown = true;
	}
	json_decref(doc);
	return ret;
}

static void label_run(struct report_run *run)
{
	const struct rf_run *rf = &run->rf;
	char stamp[32];

	uarch_slug(rf->microarch, run->slug, sizeof(run->slug));
	run->hardware = strcmp(rf->backend, "vmx") == 0 || strcmp(rf->backend, "svm") == 0;
	run->hardware_year = platform_has_hardware_year(rf->platform, rf->nested);
	run->year = rf->microarch_year;
	if (run->year <= 0) {
		run->year = atoi(rf->started_utc);
		run->year_is_run = true;
	}
	/* "2026-11-28T13:09:31Z" -> "2026-11-28 13:09Z" */
	snprintf(stamp, sizeof(stamp), "%.10s %.5sZ", rf->started_utc,
		 strlen(rf->started_utc) > 11 ? rf->started_utc + 11 : "");
	snprintf(run->label, sizeof(run->label), "%s %s", rf->hostname, stamp);
}

static int cmp_run(const void *a, const void *b)
{
	const struct rf_run *x = &((const struct report_run *)a)->rf;
	const struct rf_run *y = &((const struct report_run *)b)->rf;
	int c = strcmp(x->platform, y->platform);

	if (!c)
		c = strcmp(x->microarch, y->microarch);
	if (!c)
		c = strcmp(x->started_utc, y->started_utc);
	return c ? c : strcmp(x->path, y->path);
}

/* Two runs of one host in the same minute: "#2", "#3" keep labels apart. */
static void unique_labels(struct report *r)
{
	for (unsigned int i = 1; i < r->nruns; i++) {
		unsigned int same = 1;

		for (unsigned int j = 0; j < i; j++)
			if (strncmp(r->runs[j].label, r->runs[i].label, strlen(r->runs[i].label)) ==
			    0)
				same++;
		if (same > 1) {
			size_t n = strlen(r->runs[i].label);

			snprintf(r->runs[i].label + n, sizeof(r->runs[i].label) - n, " #%u", same);
		}
	}
}

static int load_runs(struct report *r, const struct pathlist *l)
{
	r->runs = calloc(l->n ? l->n : 1, sizeof(*r->runs));
	if (!r->runs)
		return mvm_fail_errno("allocate %u runs", l->n);
	for (unsigned int i = 0; i < l->n; i++) {
		struct report_run *run = &r->runs[i];

		if (resultfile_read(l->p[i], &run->rf))
			return -1;
		r->nruns++;
		if (read_extras(run))
			return -1;
		label_run(run);
	}
	qsort(r->runs, r->nruns, sizeof(*r->runs), cmp_run);
	unique_labels(r);
	return 0;
}

int report_load(struct report *r)
{
	struct pathlist l = {0};
	int ret = collect_inputs(r->o, &l);

	if (ret == 0 && l.n == 0)
		ret = mvm_fail("--all: no result file (*.json) under %s: nothing to report, "
			       "outputs left as they are",
			       r->o->hosts_dir);
	if (ret == 0)
		ret = load_runs(r, &l);
	pathlist_free(&l);
	if (ret == 0 && r->o->published) {
		ret = published_read(r->o->published, &r->pub);
		r->have_pub = ret == 0;
	}
	return ret;
}

void report_free(struct report *r)
{
	for (unsigned int i = 0; i < r->nruns; i++) {
		resultfile_free(&r->runs[i].rf);
		free(r->runs[i].bd);
	}
	free(r->runs);
	r->runs = NULL;
	r->nruns = 0;
	if (r->have_pub)
		published_free(&r->pub);
	r->have_pub = false;
}

const struct rf_class *report_ok_class(const struct report_run *run, const char *name)
{
	const struct rf_class *c = rf_find_class(&run->rf, name);

	return c && strcmp(c->status, "ok") == 0 ? c : NULL;
}

unsigned int report_class_names(const struct report *r, unsigned int from, unsigned int to,
				bool ok_only, const char **names, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = from; i < to; i++)
		for (unsigned int k = 0; k < r->runs[i].rf.nclasses; k++) {
			const struct rf_class *c = &r->runs[i].rf.classes[k];
			bool seen = false;

			if (ok_only && strcmp(c->status, "ok"))
				continue;
			for (unsigned int j = 0; j < n && !seen; j++)
				seen = strcmp(names[j], c->name) == 0;
			if (!seen && n < max)
				names[n++] = c->name;
		}
	return n;
}

unsigned int report_group_end(const struct report *r, unsigned int from)
{
	unsigned int to = from + 1;

	while (to < r->nruns && strcmp(r->runs[to].rf.microarch, r->runs[from].rf.microarch) == 0 &&
	       strcmp(r->runs[to].rf.platform, r->runs[from].rf.platform) == 0)
		to++;
	return to;
}

unsigned int report_platform_end(const struct report *r, unsigned int from)
{
	unsigned int to = from + 1;

	while (to < r->nruns && strcmp(r->runs[to].rf.platform, r->runs[from].rf.platform) == 0)
		to++;
	return to;
}
