/* SPDX-License-Identifier: MIT */
/* exitbench report, phase 1: find, read and check every input. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
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
		return eb_fail_errno("remember %s", path);
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
		return eb_fail_errno("--all: open directory %s", dir);
	while (ret == 0 && (errno = 0, e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path)) {
			errno = ENAMETOOLONG;
			ret = eb_fail_errno("--all: %s/%s", dir, e->d_name);
		} else if (stat(path, &st) < 0) {
			ret = eb_fail_errno("--all: stat %s", path);
		} else if (S_ISDIR(st.st_mode)) {
			ret = scan_dir(path, l);
		} else if (S_ISREG(st.st_mode) && ends_with_json(e->d_name) &&
			   !census_is_census_file(e->d_name)) { /* census: report_md.c */
			ret = pathlist_add(l, path);
		}
	}
	if (ret == 0 && errno)
		ret = eb_fail_errno("--all: read directory %s", dir);
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
		return eb_fail_errno("--all: hosts directory %s", o->hosts_dir);
	if (!S_ISDIR(st.st_mode))
		return eb_fail("--all: %s is not a directory", o->hosts_dir);
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
		return eb_fail_errno("allocate %u runs", l->n);
	for (unsigned int i = 0; i < l->n; i++) {
		struct report_run *run = &r->runs[i];

		if (resultfile_read_flags(l->p[i], RF_READ_BREAKDOWN, &run->rf))
			return -1;
		r->nruns++;
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
		ret = eb_fail("--all: no result file (*.json) under %s: nothing to report, "
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
	for (unsigned int i = 0; i < r->nruns; i++)
		resultfile_free(&r->runs[i].rf);
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

	return c && c->status == CLASS_OK ? c : NULL;
}

unsigned int report_class_names(const struct report *r, unsigned int from, unsigned int to,
				bool ok_only, const char **names, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = from; i < to; i++)
		for (unsigned int k = 0; k < r->runs[i].rf.nclasses; k++) {
			const struct rf_class *c = &r->runs[i].rf.classes[k];
			bool seen = false;

			if (ok_only && c->status != CLASS_OK)
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
