/* SPDX-License-Identifier: MIT */
/* The census section of `exitbench report`: each census-*.json under the
 * hosts directory, one compact table each, linked to its page. */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/census/census.h"

bool census_is_census_file(const char *name)
{
	size_t n = strlen(name);

	return strncmp(name, "census-", 7) == 0 && n > 12 && strcmp(name + n - 5, ".json") == 0;
}

struct paths {
	char **p;
	unsigned int n, cap;
};

static void add(struct paths *l, const char *path)
{
	if (l->n == l->cap) {
		unsigned int cap = l->cap ? 2 * l->cap : 8;
		char **p = realloc(l->p, cap * sizeof(*p));

		if (!p)
			return;
		l->p = p;
		l->cap = cap;
	}
	l->p[l->n] = strdup(path);
	if (l->p[l->n])
		l->n++;
}

static void scan(const char *dir, struct paths *l)
{
	DIR *d = opendir(dir);
	const struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			scan(path, l);
		else if (S_ISREG(st.st_mode) && census_is_census_file(e->d_name))
			add(l, path);
	}
	if (d)
		closedir(d);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *rel(const char *path, const char *out_dir)
{
	size_t n = strlen(out_dir);

	return strncmp(path, out_dir, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

static void one(FILE *f, const struct census_doc *d, const char *out_dir)
{
	char page[PATH_MAX];
	size_t n = strlen(d->path);

	snprintf(page, sizeof(page), "%.*s.md", (int)(n - 5), d->path);
	fprintf(f, "### %s, %s, kernel %s, `%s` (%s)\n\n", d->host.hostname, d->host.microarch,
		d->host.kernel, d->host.module, d->host.platform);
	fprintf(f, "%s, [JSON](%s)", d->started_utc, rel(d->path, out_dir));
	if (access(page, R_OK) == 0)
		fprintf(f,
			", [the page](%s): what each column means, Popek–Goldberg property by "
			"property",
			rel(page, out_dir));
	fprintf(f, ".%s\n\n",
		strcmp(d->host.platform, "hardware")
		    ? " **Not hardware:** the costs are the platform's."
		    : "");
	fprintf(f, "| row | CPL0 | CPL3 | class |\n|---|---|---|---|\n");
	for (unsigned int i = 0; i < d->nrows; i++) {
		char c0[32], c3[32];

		census_cell_code(&d->rows[i].cell[0], c0, sizeof(c0));
		census_cell_code(&d->rows[i].cell[1], c3, sizeof(c3));
		fprintf(f, "| `%s` | `%s` | `%s` | %s |\n", d->rows[i].name, c0, c3,
			census_class_name(d->rows[i].cls));
	}
	fprintf(f, "\n");
}

void census_report_section(FILE *f, const char *hosts_dir, const char *out_dir)
{
	struct paths l = {0};
	struct census_doc *d = malloc(sizeof(*d));

	scan(hosts_dir, &l);
	if (l.n && d) {
		qsort(l.p, l.n, sizeof(*l.p), cmp);
		fprintf(f, "## Census: each instruction at CPL0 and CPL3 (`exitbench census`)\n\n");
		fprintf(f, "`none`: ran without a VM exit; `kvm`: exited to KVM; `vmm`: exited to "
			   "the VMM; `#GP`, `#UD`: faulted in the guest (`kvm+`: after an exit). "
			   "docs/census.md explains the method.\n\n");
	}
	for (unsigned int i = 0; d && i < l.n; i++) {
		if (census_read_json(l.p[i], d) == 0) {
			one(f, d, out_dir);
			census_doc_free(d);
		} else {
			fprintf(f, "`%s`: not read: %s\n\n", l.p[i], eb_error());
		}
	}
	for (unsigned int i = 0; i < l.n; i++)
		free(l.p[i]);
	free(l.p);
	free(d);
}
