/* SPDX-License-Identifier: MIT */
/*
 * exitbench compare of two census files: the rows whose outcome changed at
 * either ring (a kernel that starts intercepting an instruction is a
 * regression worth seeing).  Costs are not compared here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/census/census.h"

static const struct census_rowres *find(const struct census_doc *d, const char *name)
{
	for (unsigned int i = 0; i < d->nrows; i++)
		if (strcmp(d->rows[i].name, name) == 0)
			return &d->rows[i];
	return NULL;
}

static void label(FILE *out, const char *which, const struct census_doc *d)
{
	fprintf(out, "%s: %s: %s, %s, kernel %s, KVM %s (%s), %s, %s\n", which, d->path,
		d->host.hostname, d->host.microarch, d->host.kernel, d->host.backend,
		d->host.module, d->host.platform, d->started_utc);
}

/* Changed cells of rows both files have; rows only one has. */
static unsigned int diff(const struct census_doc *a, const struct census_doc *b, FILE *out)
{
	unsigned int changed = 0;

	for (unsigned int i = 0; i < a->nrows; i++) {
		const struct census_rowres *x = &a->rows[i], *y = find(b, x->name);

		if (!y) {
			fprintf(out, "%-17s only in the base file\n", x->name);
			changed++;
			continue;
		}
		for (int k = 0; k < 2; k++) {
			char cx[32], cy[32];

			census_cell_code(&x->cell[k], cx, sizeof(cx));
			census_cell_code(&y->cell[k], cy, sizeof(cy));
			if (strcmp(cx, cy) == 0)
				continue;
			fprintf(out, "%-17s CPL%d  %-9s -> %-9s (%s -> %s)\n", x->name, k ? 3 : 0,
				cx, cy, census_class_name(x->cls), census_class_name(y->cls));
			changed++;
		}
	}
	for (unsigned int i = 0; i < b->nrows; i++)
		if (!find(a, b->rows[i].name)) {
			fprintf(out, "%-17s only in the new file\n", b->rows[i].name);
			changed++;
		}
	return changed;
}

int census_compare(const char *base, const char *new_, FILE *out)
{
	struct census_doc *a = calloc(2, sizeof(*a));
	unsigned int n;

	if (!a) {
		perror("exitbench: allocate two census documents");
		return 2;
	}
	if (census_read_json(base, &a[0]) || census_read_json(new_, &a[1])) {
		fprintf(stderr, "exitbench: %s\n", eb_error());
		census_doc_free(&a[0]);
		free(a);
		return 2;
	}
	label(out, "base", &a[0]);
	label(out, "new ", &a[1]);
	n = diff(&a[0], &a[1], out);
	if (n)
		fprintf(out, "%u outcome%s changed (row, ring, base -> new)\n", n,
			n == 1 ? "" : "s");
	else
		fprintf(out, "no outcome changed (%u rows)\n", a[0].nrows);
	census_doc_free(&a[0]);
	census_doc_free(&a[1]);
	free(a);
	return n ? 1 : 0;
}
