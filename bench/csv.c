/* SPDX-License-Identifier: MIT */
/* RFC 4180 records from a buffer: one pass, every field copied out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/csv.h"
#include "minivmm/minivmm.h"

struct csv_in {
	const char *name, *p, *end;
	unsigned int line;
	char *buf; /* the field being built */
	size_t len;
};

static int add_field(struct csv_row *row, struct csv_in *in)
{
	char **f = realloc(row->field, (row->n + 1) * sizeof(*f));

	if (!f)
		return mvm_fail_errno("%s: line %u: allocate a field", in->name, in->line);
	row->field = f;
	f[row->n] = strndup(in->buf, in->len);
	if (!f[row->n])
		return mvm_fail_errno("%s: line %u: allocate a field", in->name, in->line);
	row->n++;
	in->len = 0;
	return 0;
}

/* A quoted field: in->p is just past the opening quote. */
static int quoted(struct csv_in *in)
{
	unsigned int start = in->line;

	for (; in->p < in->end; in->p++) {
		if (*in->p == '\n')
			in->line++;
		if (*in->p != '"') {
			in->buf[in->len++] = *in->p;
			continue;
		}
		if (in->p + 1 < in->end && in->p[1] == '"') {
			in->buf[in->len++] = '"';
			in->p++;
			continue;
		}
		in->p++;
		if (in->p < in->end && *in->p != ',' && *in->p != '\n' && *in->p != '\r')
			return mvm_fail("%s: line %u: text after a closing quote", in->name,
					in->line);
		return 0;
	}
	return mvm_fail("%s: line %u: quoted field never closed", in->name, start);
}

static int unquoted(struct csv_in *in)
{
	for (; in->p < in->end && *in->p != ',' && *in->p != '\n'; in->p++) {
		if (*in->p == '"')
			return mvm_fail("%s: line %u: quote inside an unquoted field", in->name,
					in->line);
		if (*in->p == '\r' && in->p + 1 < in->end && in->p[1] == '\n')
			continue;
		in->buf[in->len++] = *in->p;
	}
	return 0;
}

/* One record; in->p is at its first character. */
static int record(struct csv_in *in, struct csv_row *row)
{
	row->line = in->line;
	for (;;) {
		int r;

		if (in->p < in->end && *in->p == '"') {
			in->p++;
			r = quoted(in);
		} else {
			r = unquoted(in);
		}
		if (r || add_field(row, in))
			return -1;
		if (in->p < in->end && *in->p == '\r')
			in->p++;
		if (in->p >= in->end)
			return 0;
		if (*in->p++ == '\n') {
			in->line++;
			return 0;
		}
	}
}

int csv_parse(const char *name, const char *text, size_t len, struct csv_doc *doc)
{
	struct csv_in in = {.name = name, .p = text, .end = text + len, .line = 1};

	memset(doc, 0, sizeof(*doc));
	if (memchr(text, '\0', len))
		return mvm_fail("%s: contains a NUL byte: not a text file", name);
	in.buf = malloc(len + 1);
	if (!in.buf)
		return mvm_fail_errno("%s: allocate %zu bytes", name, len + 1);
	while (in.p < in.end) {
		struct csv_row *rows = realloc(doc->rows, (doc->nrows + 1) * sizeof(*rows));

		if (!rows) {
			mvm_fail_errno("%s: allocate row %u", name, doc->nrows + 1);
			goto fail;
		}
		doc->rows = rows;
		memset(&rows[doc->nrows], 0, sizeof(rows[0]));
		doc->nrows++;
		if (record(&in, &rows[doc->nrows - 1]))
			goto fail;
	}
	free(in.buf);
	return 0;
fail:
	free(in.buf);
	csv_free(doc);
	return -1;
}

int csv_read_file(const char *path, struct csv_doc *doc)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	int ret;

	if (!f)
		return mvm_fail_errno("open %s", path);
	do {
		if (len + 4096 > cap) {
			char *t = realloc(text, cap = cap * 2 + 8192);

			if (!t) {
				free(text);
				fclose(f);
				return mvm_fail_errno("read %s", path);
			}
			text = t;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		ret = mvm_fail_errno("read %s", path);
		fclose(f);
		free(text);
		return ret;
	}
	fclose(f);
	ret = csv_parse(path, text ? text : "", len, doc);
	free(text);
	return ret;
}

void csv_free(struct csv_doc *doc)
{
	for (unsigned int i = 0; i < doc->nrows; i++) {
		for (unsigned int j = 0; j < doc->rows[i].n; j++)
			free(doc->rows[i].field[j]);
		free(doc->rows[i].field);
	}
	free(doc->rows);
	memset(doc, 0, sizeof(*doc));
}
