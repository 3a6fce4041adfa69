/* SPDX-License-Identifier: MIT */
/*
 * results/published.csv: header, shape and sources of every row, and the
 * lecture's table present with its exact figures.  The file is found in
 * $EXITBENCH_SRCDIR if set, else in the current directory.
 */
#include <math.h>

#include "tests/tap.h"

#define NCOLS	  11
#define MAXFIELDS 64

static const char *const columns[NCOLS] = {
    "microarch", "year",     "vendor", "cpu",	     "class", "cycles",
    "quantity",	 "measured", "source", "source_url", "note",
};

enum { C_MICROARCH, C_YEAR, C_VENDOR, C_CPU, C_CLASS, C_CYCLES, C_QUANTITY, C_MEASURED, C_SOURCE };

struct record {
	int n; /* fields in this record (may exceed MAXFIELDS: counted, not kept) */
	char *field[MAXFIELDS]; /* malloc'd, NUL-terminated */
	int line;		/* line where the record starts */
};

/*
 * A small RFC 4180 reader: fields separated by ',', records by CRLF or LF,
 * a field in double quotes may hold ',', CR, LF and "" (one quote).
 * Returns 1 with a record, 0 at end of input, -1 on a malformed record
 * (text after a closing quote, a quote inside an unquoted field, an
 * unterminated quote); *msg then says why.
 */
struct reader {
	const char *p, *end;
	int line;
};

static char *field_dup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d) {
		perror("malloc");
		exit(2);
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void record_free(struct record *r)
{
	int i;

	for (i = 0; i < r->n && i < MAXFIELDS; i++)
		free(r->field[i]);
	r->n = 0;
}

static int csv_next(struct reader *rd, struct record *r, const char **msg)
{
	char *tmp;
	size_t cap, len;

	r->n = 0;
	r->line = rd->line;
	if (rd->p >= rd->end)
		return 0;
	cap = (size_t)(rd->end - rd->p) + 1;
	tmp = malloc(cap);
	if (!tmp) {
		perror("malloc");
		exit(2);
	}
	for (;;) {
		len = 0;
		if (rd->p < rd->end && *rd->p == '"') {
			rd->p++;
			for (;;) {
				if (rd->p >= rd->end) {
					*msg = "unterminated quoted field";
					goto bad;
				}
				if (*rd->p == '"') {
					if (rd->p + 1 < rd->end && rd->p[1] == '"') {
						tmp[len++] = '"';
						rd->p += 2;
						continue;
					}
					rd->p++;
					break;
				}
				if (*rd->p == '\n')
					rd->line++;
				tmp[len++] = *rd->p++;
			}
			if (rd->p < rd->end && *rd->p != ',' && *rd->p != '\n' && *rd->p != '\r') {
				*msg = "text after a closing quote";
				goto bad;
			}
		} else {
			while (rd->p < rd->end && *rd->p != ',' && *rd->p != '\n' &&
			       *rd->p != '\r') {
				if (*rd->p == '"') {
					*msg = "quote inside an unquoted field";
					goto bad;
				}
				tmp[len++] = *rd->p++;
			}
		}
		if (r->n < MAXFIELDS)
			r->field[r->n] = field_dup(tmp, len);
		r->n++;
		if (rd->p < rd->end && *rd->p == ',') {
			rd->p++;
			continue;
		}
		/* end of record: CRLF, LF or end of input */
		if (rd->p < rd->end && *rd->p == '\r')
			rd->p++;
		if (rd->p < rd->end && *rd->p == '\n')
			rd->p++;
		rd->line++;
		break;
	}
	free(tmp);
	return 1;
bad:
	free(tmp);
	record_free(r);
	return -1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* A positive decimal number, the whole field. */
static int positive_number(const char *s, double *v)
{
	char *end;

	if (!*s || *s == ' ' || *s == '+' || *s == '-')
		return 0;
	errno = 0;
	*v = strtod(s, &end);
	return errno == 0 && *end == '\0' && isfinite(*v) && *v > 0;
}

/* Empty, or a year 1990..2030 written as four digits. */
static int year_ok(const char *s)
{
	int i;

	if (!*s)
		return 1;
	for (i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[4] == '\0' && atoi(s) >= 1990 && atoi(s) <= 2030;
}

/* The parser itself, on text with every RFC 4180 feature. */
static void test_parser(void)
{
	static const char text[] = "a,\"b,c\",\"say \"\"hi\"\"\",\r\n"
				   "\"two\nlines\",,x\n"
				   "last,row";
	struct reader rd = {text, text + sizeof(text) - 1, 1};
	struct record r;
	const char *msg = NULL;

	ok(csv_next(&rd, &r, &msg) == 1 && r.n == 4 && strcmp(r.field[0], "a") == 0 &&
	       strcmp(r.field[1], "b,c") == 0 && strcmp(r.field[2], "say \"hi\"") == 0 &&
	       r.field[3][0] == '\0',
	   "parser: quoted comma, doubled quotes, empty last field, CRLF");
	record_free(&r);
	ok(csv_next(&rd, &r, &msg) == 1 && r.n == 3 && strcmp(r.field[0], "two\nlines") == 0 &&
	       r.field[1][0] == '\0' && strcmp(r.field[2], "x") == 0,
	   "parser: newline inside quotes, empty middle field, LF");
	record_free(&r);
	ok(csv_next(&rd, &r, &msg) == 1 && r.n == 2 && strcmp(r.field[1], "row") == 0,
	   "parser: last record without a line end");
	record_free(&r);
	ok(csv_next(&rd, &r, &msg) == 0, "parser: end of input");

	{
		static const char bad1[] = "\"open,field\n";
		static const char bad2[] = "\"x\"y,z\n";
		static const char bad3[] = "a\"b,c\n";
		struct reader b1 = {bad1, bad1 + sizeof(bad1) - 1, 1};
		struct reader b2 = {bad2, bad2 + sizeof(bad2) - 1, 1};
		struct reader b3 = {bad3, bad3 + sizeof(bad3) - 1, 1};

		ok(csv_next(&b1, &r, &msg) == -1, "parser rejects an unterminated quote");
		ok(csv_next(&b2, &r, &msg) == -1, "parser rejects text after a closing quote");
		ok(csv_next(&b3, &r, &msg) == -1, "parser rejects a quote inside a bare field");
	}
}

int main(void)
{
	static const struct {
		const char *microarch;
		double cycles;
	} lecture[] = {
	    {"Prescott", 1926},	   {"Merom", 1156},	{"Penryn", 858},  {"Westmere", 569},
	    {"Sandy Bridge", 507}, {"Ivy Bridge", 466}, {"Haswell", 512}, {"Broadwell", 531},
	};
	int lecture_seen[sizeof(lecture) / sizeof(lecture[0])] = {0};
	char ua_name[64][64], ua_year[64][8];
	unsigned int nua = 0, two_years = 0, uncited = 0;
	const char *dir = getenv("EXITBENCH_SRCDIR");
	char path[4096];
	struct reader rd;
	struct record r;
	const char *msg = "";
	size_t len = 0, i;
	char *text;
	int rc, rows = 0, bad_shape = 0, bad_source = 0, bad_cycles = 0, bad_quantity = 0;
	int bad_year = 0, bad_vendor = 0, bad_class = 0, bad_measured = 0;

	test_parser();

	snprintf(path, sizeof(path), "%s/results/published.csv", dir && *dir ? dir : ".");
	text = slurp(path, &len);
	if (!ok(text != NULL, "read %s", path)) {
		diag("%s: %s", path, strerror(errno));
		return tap_done();
	}
	rd.p = text;
	rd.end = text + len;
	rd.line = 1;

	rc = csv_next(&rd, &r, &msg);
	{
		int hdr = rc == 1 && r.n == NCOLS;

		for (i = 0; hdr && i < NCOLS; i++)
			hdr = strcmp(r.field[i], columns[i]) == 0;
		ok(hdr, "header is exactly: microarch,year,vendor,cpu,class,cycles,quantity,"
			"measured,source,source_url,note");
		if (rc == 1)
			record_free(&r);
	}

	while ((rc = csv_next(&rd, &r, &msg)) == 1) {
		double cyc = 0;

		rows++;
		if (r.n != NCOLS) {
			bad_shape++;
			diag("line %d: %d fields, want %d", r.line, r.n, NCOLS);
			record_free(&r);
			continue;
		}
		if (!r.field[C_SOURCE][0]) {
			bad_source++;
			diag("line %d: empty source", r.line);
		}
		if (!positive_number(r.field[C_CYCLES], &cyc)) {
			bad_cycles++;
			diag("line %d: cycles \"%s\" is not a positive number", r.line,
			     r.field[C_CYCLES]);
		}
		if (strcmp(r.field[C_QUANTITY], "hardware") != 0 &&
		    strcmp(r.field[C_QUANTITY], "kvm") != 0 &&
		    strcmp(r.field[C_QUANTITY], "unknown") != 0 &&
		    strcmp(r.field[C_QUANTITY], "entry_exit_window") != 0) {
			bad_quantity++;
			diag("line %d: quantity \"%s\"", r.line, r.field[C_QUANTITY]);
		}
		if (!year_ok(r.field[C_YEAR])) {
			bad_year++;
			diag("line %d: year \"%s\"", r.line, r.field[C_YEAR]);
		}
		if (strcmp(r.field[C_VENDOR], "intel") != 0 &&
		    strcmp(r.field[C_VENDOR], "amd") != 0) {
			bad_vendor++;
			diag("line %d: vendor \"%s\"", r.line, r.field[C_VENDOR]);
		}
		if (!r.field[C_CLASS][0]) {
			bad_class++;
			diag("line %d: empty class", r.line);
		}
		if (!r.field[C_MEASURED][0]) {
			bad_measured++;
			diag("line %d: empty measured", r.line);
		}
		/* one microarchitecture, one year: the chart places it once */
		for (i = 0; r.field[C_MICROARCH][0] && i <= nua && i < 64; i++) {
			if (i == nua) {
				snprintf(ua_name[nua], sizeof(ua_name[0]), "%s",
					 r.field[C_MICROARCH]);
				snprintf(ua_year[nua++], sizeof(ua_year[0]), "%s", r.field[C_YEAR]);
				break;
			}
			if (strcmp(ua_name[i], r.field[C_MICROARCH]) == 0) {
				if (strcmp(ua_year[i], r.field[C_YEAR])) {
					two_years++;
					diag("line %d: %s at %s, elsewhere at %s", r.line,
					     ua_name[i], r.field[C_YEAR], ua_year[i]);
				}
				break;
			}
		}
		/* the lecture cites nothing for its table: no source may be credited */
		if (strstr(r.field[C_SOURCE], "Bugnion")) {
			uncited++;
			diag("line %d: credits a book the lecture does not cite", r.line);
		}
		if (strncmp(r.field[C_SOURCE], "virtualization lecture", 22) == 0) {
			for (i = 0; i < sizeof(lecture) / sizeof(lecture[0]); i++)
				if (strcmp(r.field[C_MICROARCH], lecture[i].microarch) == 0 &&
				    cyc == lecture[i].cycles &&
				    strcmp(r.field[C_QUANTITY], "unknown") == 0)
					lecture_seen[i]++;
		}
		record_free(&r);
	}
	ok(rc == 0, "whole file parses as RFC 4180 CSV%s%s", rc ? ": " : "", rc ? msg : "");
	if (rc)
		diag("stopped at line %d", rd.line);
	ok(rows >= 8, "%d data rows", rows);
	ok(bad_shape == 0, "every row has %d fields", NCOLS);
	ok(bad_source == 0, "every row names its source");
	ok(bad_cycles == 0, "every row's cycles is a positive number");
	ok(bad_quantity == 0,
	   "every row's quantity is hardware, kvm, unknown or entry_exit_window");
	ok(bad_year == 0, "every row's year is empty or in 1990..2030");
	ok(bad_vendor == 0, "every row's vendor is intel or amd");
	ok(bad_class == 0, "every row has a class");
	ok(bad_measured == 0, "every row says what was measured");
	ok(two_years == 0, "every microarchitecture stands at one year in every row");
	ok(uncited == 0, "the lecture's rows are sourced to the lecture alone");
	for (i = 0; i < sizeof(lecture) / sizeof(lecture[0]); i++)
		ok(lecture_seen[i] == 1,
		   "lecture row %s %.0f cycles present once (quantity unknown)",
		   lecture[i].microarch, lecture[i].cycles);

	free(text);
	return tap_done();
}
