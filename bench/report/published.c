/* SPDX-License-Identifier: MIT */
/* results/published.csv: header, then one checked row per measurement. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/report/published.h"
#include "lib/error.h"

enum {
	C_MICROARCH,
	C_YEAR,
	C_VENDOR,
	C_CPU,
	C_CLASS,
	C_CYCLES,
	C_QUANTITY,
	C_MEASURED,
	C_SOURCE,
	C_SOURCE_URL,
	C_NOTE,
	NCOLS
};

static const char *const columns[NCOLS] = {
    "microarch", "year",     "vendor", "cpu",	     "class", "cycles",
    "quantity",	 "measured", "source", "source_url", "note",
};

const char *pub_quantity_name(enum pub_quantity q)
{
	static const char *const names[] = {"hardware", "kvm", "unknown", "entry_exit_window"};

	return names[q];
}

static int check_header(const struct published *p)
{
	const struct csv_row *h = p->doc.nrows ? &p->doc.rows[0] : NULL;

	if (!h)
		return eb_fail("%s: empty file: no header", p->path);
	for (unsigned int i = 0; i < NCOLS; i++)
		if (i >= h->n || strcmp(h->field[i], columns[i]))
			return eb_fail("%s: line 1: header column %u: expected '%s', found '%s'",
				       p->path, i + 1, columns[i], i < h->n ? h->field[i] : "");
	if (h->n != NCOLS)
		return eb_fail("%s: line 1: header has %u columns, expected %d", p->path, h->n,
			       NCOLS);
	return 0;
}

static int bad(const struct published *p, const struct csv_row *r, int col, const char *what)
{
	return eb_fail("%s: line %u: %s: %s ('%s')", p->path, r->line, columns[col], what,
		       r->field[col]);
}

static int parse_numbers(const struct published *p, const struct csv_row *r, struct pub_row *o)
{
	char *end;
	long y;

	errno = 0;
	o->cycles = strtod(r->field[C_CYCLES], &end);
	if (!*r->field[C_CYCLES] || *end || errno || !isfinite(o->cycles) || o->cycles <= 0)
		return bad(p, r, C_CYCLES, "not a positive number");
	o->year = 0;
	if (!*r->field[C_YEAR]) {
		if (*r->field[C_MICROARCH])
			return bad(p, r, C_YEAR, "empty although microarch is given");
		return 0;
	}
	y = strtol(r->field[C_YEAR], &end, 10);
	if (*end || y < 1990 || y > 2100)
		return bad(p, r, C_YEAR, "not a year");
	o->year = (int)y;
	return 0;
}

static int parse_row(const struct published *p, const struct csv_row *r, struct pub_row *o)
{
	static const char *const q[] = {"hardware", "kvm", "unknown", "entry_exit_window"};

	if (r->n != NCOLS)
		return eb_fail("%s: line %u: %u fields, expected %d", p->path, r->line, r->n,
			       NCOLS);
	if (strcmp(r->field[C_VENDOR], "intel") && strcmp(r->field[C_VENDOR], "amd"))
		return bad(p, r, C_VENDOR, "not intel or amd");
	if (!*r->field[C_CLASS])
		return bad(p, r, C_CLASS, "empty");
	if (!*r->field[C_SOURCE])
		return bad(p, r, C_SOURCE, "empty: every row needs its source");
	if (parse_numbers(p, r, o))
		return -1;
	o->quantity = PUB_NQUANTITIES;
	for (int i = 0; i < PUB_NQUANTITIES; i++)
		if (strcmp(r->field[C_QUANTITY], q[i]) == 0)
			o->quantity = (enum pub_quantity)i;
	if (o->quantity == PUB_NQUANTITIES)
		return bad(p, r, C_QUANTITY, "not hardware, kvm, unknown or entry_exit_window");
	o->microarch = r->field[C_MICROARCH];
	o->vendor = r->field[C_VENDOR];
	o->cpu = r->field[C_CPU];
	o->cls = r->field[C_CLASS];
	o->measured = r->field[C_MEASURED];
	o->source = r->field[C_SOURCE];
	o->source_url = r->field[C_SOURCE_URL];
	o->note = r->field[C_NOTE];
	o->line = r->line;
	return 0;
}

static int parse_doc(const char *path, struct published *p);

int published_read(const char *path, struct published *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->path, sizeof(p->path), "%s", path);
	if (csvdoc_read_file(path, &p->doc)) {
		published_free(p);
		return -1;
	}
	return parse_doc(path, p);
}

int published_parse(const char *name, const char *text, size_t len, struct published *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->path, sizeof(p->path), "%s", name);
	if (csvdoc_parse(name, text, len, &p->doc)) {
		published_free(p);
		return -1;
	}
	return parse_doc(name, p);
}

static int parse_doc(const char *path, struct published *p)
{
	if (check_header(p))
		goto fail;
	p->rows = calloc(p->doc.nrows, sizeof(*p->rows));
	if (!p->rows) {
		eb_fail_errno("%s: allocate %u rows", path, p->doc.nrows);
		goto fail;
	}
	for (unsigned int i = 1; i < p->doc.nrows; i++, p->n++)
		if (parse_row(p, &p->doc.rows[i], &p->rows[p->n]))
			goto fail;
	return 0;
fail:
	published_free(p);
	return -1;
}

void published_free(struct published *p)
{
	csvdoc_free(&p->doc);
	free(p->rows);
	p->rows = NULL;
	p->n = 0;
}
