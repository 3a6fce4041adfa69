/* SPDX-License-Identifier: MIT */
/*
 * An RFC 4180 reader (libcsv, strict): fields separated by ',', records by LF or CRLF,
 * a field in double quotes may hold ',', CR, LF and "" (one quote).
 */
#ifndef EXITBENCH_CSV_H
#define EXITBENCH_CSV_H

#include <stddef.h>

struct csv_row {
	char **field; /* NUL-terminated copies */
	unsigned int n;
	unsigned int line; /* line where the record starts, from 1 */
};

struct csv_doc {
	struct csv_row *rows;
	unsigned int nrows;
};

/*
 * Parses text[0..len) into doc.  Returns 0, or -1 with eb_error() =
 * "<name>: line N: <what is wrong>" (text after a closing quote, a quote
 * inside an unquoted field, an unterminated quote, a NUL byte).
 */
int csvdoc_parse(const char *name, const char *text, size_t len, struct csv_doc *doc);
/* Reads and parses a whole file; errors name the file. */
int csvdoc_read_file(const char *path, struct csv_doc *doc);
void csvdoc_free(struct csv_doc *doc);

#endif
