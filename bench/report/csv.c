/* SPDX-License-Identifier: MIT */
/*
 * RFC 4180 records through libcsv (Debian's libcsv3) in strict mode, fed one
 * line at a time so that every record and every error has its line number.
 */
#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/report/csv.h"
#include "lib/error.h"

struct csv_in {
	const char *name;
	struct csv_doc *doc;
	unsigned int line;  /* line of the chunk being parsed, from 1 */
	unsigned int start; /* line where the current record started */
	bool open;	    /* the current record has a row in doc */
	bool in_record;	    /* a record began and has not ended */
	bool ended;	    /* a record ended in the chunk just parsed */
	bool nomem;
};

static struct csv_row *open_row(struct csv_in *in)
{
	struct csv_doc *d = in->doc;
	struct csv_row *rows;

	if (in->open)
		return &d->rows[d->nrows - 1];
	rows = realloc(d->rows, (d->nrows + 1) * sizeof(*rows));
	if (!rows)
		return NULL;
	d->rows = rows;
	memset(&rows[d->nrows], 0, sizeof(rows[0]));
	rows[d->nrows].line = in->start;
	d->nrows++;
	in->open = true;
	return &rows[d->nrows - 1];
}

/* libcsv: one field ended (s may be NULL for an empty one). */
static void on_field(void *s, size_t len, void *data)
{
	struct csv_in *in = data;
	struct csv_row *row = in->nomem ? NULL : open_row(in);
	char **f = row ? realloc(row->field, (row->n + 1) * sizeof(*f)) : NULL;

	if (!f) {
		in->nomem = true;
		return;
	}
	row->field = f;
	f[row->n] = strndup(s ? (const char *)s : "", len);
	if (!f[row->n]) {
		in->nomem = true;
		return;
	}
	row->n++;
}

/* libcsv: one record ended. */
static void on_record(int c, void *data)
{
	struct csv_in *in = data;

	(void)c;
	if (!in->open && !in->nomem && !open_row(in)) /* a record of one empty field */
		in->nomem = true;
	in->open = false;
	in->ended = true;
}

/* RFC 4180 trims nothing: no character counts as space. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int parse_error(struct csv_in *in, const char *at)
{
	return eb_fail("%s: line %u: %s", in->name, in->line,
		       *at == '"' ? "quote inside an unquoted field"
				  : "text after a closing quote");
}

static bool blank(const char *s, size_t n)
{
	return strspn(s, "\r\n") >= n;
}

static int parse_lines(struct csv_parser *p, struct csv_in *in, const char *text, size_t len)
{
	const char *s = text, *end = text + len;

	for (; s < end; in->line++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s), done;

		if (!in->in_record)
			in->start = in->line;
		in->ended = false;
		done = csv_parse(p, s, n, on_field, on_record, in);
		if (in->nomem)
			return eb_fail_errno("%s: line %u: allocate a field", in->name, in->line);
		if (done != n)
			return csv_error(p) == CSV_EPARSE
				   ? parse_error(in, s + done)
				   : eb_fail("%s: line %u: %s", in->name, in->line,
					     csv_strerror(csv_error(p)));
		/* No record end on a line with text: a quoted field goes on. */
		if (in->ended)
			in->in_record = false;
		else if (!blank(s, n))
			in->in_record = true;
		s += n;
	}
	return 0;
}

int csvdoc_parse(const char *name, const char *text, size_t len, struct csv_doc *doc)
{
	struct csv_in in = {.name = name, .doc = doc, .line = 1, .start = 1};
	struct csv_parser p;
	int ret;

	memset(doc, 0, sizeof(*doc));
	if (memchr(text, '\0', len))
		return eb_fail("%s: contains a NUL byte: not a text file", name);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		return eb_fail_errno("%s: csv_init", name);
	csv_set_space_func(&p, no_space);
	ret = parse_lines(&p, &in, text, len);
	if (ret == 0 && csv_fini(&p, on_field, on_record, &in)) {
		ret = eb_fail("%s: line %u: quoted field never closed", name, in.start);
	} else if (ret == 0 && in.nomem) {
		ret = eb_fail_errno("%s: allocate a field", name);
	}
	csv_free(&p);
	if (ret)
		csvdoc_free(doc);
	return ret;
}
int csvdoc_read_file(const char *path, struct csv_doc *doc)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	int ret;

	if (!f)
		return eb_fail_errno("open %s", path);
	do {
		if (len + 4096 > cap) {
			char *t = realloc(text, cap = cap * 2 + 8192);

			if (!t) {
				free(text);
				fclose(f);
				return eb_fail_errno("read %s", path);
			}
			text = t;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		ret = eb_fail_errno("read %s", path);
		fclose(f);
		free(text);
		return ret;
	}
	fclose(f);
	ret = csvdoc_parse(path, text ? text : "", len, doc);
	free(text);
	return ret;
}

void csvdoc_free(struct csv_doc *doc)
{
	for (unsigned int i = 0; i < doc->nrows; i++) {
		for (unsigned int j = 0; j < doc->rows[i].n; j++)
			free(doc->rows[i].field[j]);
		free(doc->rows[i].field);
	}
	free(doc->rows);
	memset(doc, 0, sizeof(*doc));
}
