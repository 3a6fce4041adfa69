/* SPDX-License-Identifier: MIT */
/* The per-class columns of the table, CSV and Markdown of a run. */
#include "bench/result/columns.h"

#include <math.h>
#include <string.h>

enum cell_kind {
	CELL_STR,      /* s */
	CELL_INT,      /* i */
	CELL_NUM,      /* a, printed as it is */
	CELL_OPT,      /* a; NaN: the output's text for "none" */
	CELL_PAIR,     /* a and b in one format; a NaN: "none" */
	CELL_WITHHELD, /* the net median of an unverified class */
};

struct cell {
	enum cell_kind kind;
	const char *s;
	long long i;
	double a, b;
};

struct row {
	const struct run_result *r;
	const struct class_result *c;
};

struct column {
	const char *name;     /* the CSV header */
	const char *title;    /* the table's header */
	const char *md_title; /* the Markdown header; NULL: title */
	int width;	      /* table: field width, negative: left-aligned; 0: after two spaces */
	bool quoted;	      /* CSV: always in double quotes */
	bool md_left;	      /* Markdown: left-aligned, else right */
	/* printf format of the value: table; Markdown and CSV (NULL: the table's) */
	const char *fmt, *md_fmt, *csv_fmt;
	const char *none; /* table and Markdown text of a NaN, else the output's own */
	struct cell (*get)(const struct row *w);
};

static struct cell str(const char *s)
{
	return (struct cell){.kind = CELL_STR, .s = s};
}

static struct cell integer(long long i)
{
	return (struct cell){.kind = CELL_INT, .i = i};
}

static struct cell number(enum cell_kind kind, double a)
{
	return (struct cell){.kind = kind, .a = a};
}

static const char *true_false(bool b)
{
	return b ? "true" : "false";
}

/* ---- getters ---- */

static struct cell get_class(const struct row *w)
{
	return str(w->c->cls->name);
}
static struct cell get_handled_in(const struct row *w)
{
	return str(handled_in_name(w->c->cls->handled_in));
}
static struct cell get_status(const struct row *w)
{
	return str(class_status_name(w->c->status));
}
static struct cell get_ring(const struct row *w)
{
	return integer(w->c->ring);
}
static struct cell get_samples(const struct row *w)
{
	return integer((long long)w->c->sum.n);
}
static struct cell get_min(const struct row *w)
{
	return integer((long long)w->c->sum.min);
}
static struct cell get_max(const struct row *w)
{
	return integer((long long)w->c->sum.max);
}
static struct cell get_p1(const struct row *w)
{
	return number(CELL_NUM, w->c->sum.p1);
}
static struct cell get_p10(const struct row *w)
{
	return number(CELL_NUM, w->c->sum.p10);
}
static struct cell get_median(const struct row *w)
{
	return number(CELL_NUM, w->c->sum.median);
}
static struct cell get_p90(const struct row *w)
{
	return number(CELL_NUM, w->c->sum.p90);
}
static struct cell get_p99(const struct row *w)
{
	return number(CELL_NUM, w->c->sum.p99);
}
static struct cell get_mean(const struct row *w)
{
	return number(CELL_NUM, w->c->sum.mean);
}
static struct cell get_stddev(const struct row *w)
{
	return number(CELL_NUM, w->c->sum.stddev);
}
static struct cell get_mean_sd(const struct row *w)
{
	return (struct cell){.kind = CELL_PAIR, .a = w->c->sum.mean, .b = w->c->sum.stddev};
}
/* The within-run 95% interval of the median; none where n < 6. */
static struct cell get_ci95(const struct row *w)
{
	return (struct cell){
	    .kind = CELL_PAIR, .a = w->c->sum.median_ci_lo, .b = w->c->sum.median_ci_hi};
}
static struct cell get_ci_lo(const struct row *w)
{
	return number(CELL_OPT, w->c->sum.median_ci_lo);
}
static struct cell get_ci_hi(const struct row *w)
{
	return number(CELL_OPT, w->c->sum.median_ci_hi);
}
/* The net median a class may claim: none when it is not verified (its
 * round trip need not hold the exit it names). */
static struct cell get_net(const struct row *w)
{
	return w->c->verified ? number(CELL_OPT, w->c->net_median)
			      : (struct cell){.kind = CELL_WITHHELD};
}
static struct cell get_exits(const struct row *w)
{
	return number(CELL_OPT, w->c->exits_per_iter);
}
static struct cell get_verified(const struct row *w)
{
	return str(w->c->status == CLASS_OK ? true_false(w->c->verified) : "");
}
static struct cell get_check(const struct row *w)
{
	if (w->c->status != CLASS_OK)
		return str(class_status_name(w->c->status));
	return str(w->c->verified ? "verified" : "UNVERIFIED");
}
static struct cell get_backend(const struct row *w)
{
	return str(w->r->host.backend.name);
}
static struct cell get_microarch(const struct row *w)
{
	return str(w->r->host.microarch);
}
static struct cell get_host(const struct row *w)
{
	return str(w->r->host.hostname);
}
static struct cell get_reason(const struct row *w)
{
	return str(w->c->reason);
}
static struct cell get_platform(const struct row *w)
{
	return str(w->r->host.platform);
}
static struct cell get_seen(const struct row *w)
{
	return str(true_false(w->r->host.guest_seen));
}
static struct cell get_tool_version(const struct row *w)
{
	(void)w;
	return str(EXITBENCH_VERSION);
}
static struct cell get_method_version(const struct row *w)
{
	(void)w;
	return integer(EXITBENCH_METHOD_VERSION);
}
static struct cell get_modified(const struct row *w)
{
	(void)w;
	return str(true_false(exitbench_build_modified));
}

/* ---- the columns ---- */

enum col_id {
	C_CLASS,
	C_HANDLED_IN,
	C_STATUS,
	C_RING,
	C_SAMPLES,
	C_MIN,
	C_P1,
	C_P10,
	C_MEDIAN,
	C_CI95,
	C_P90,
	C_P99,
	C_MAX,
	C_MEAN,
	C_STDDEV,
	C_MEAN_SD,
	C_CI_LO,
	C_CI_HI,
	C_NET,
	C_EXITS,
	C_VERIFIED,
	C_CHECK,
	C_BACKEND,
	C_MICROARCH,
	C_HOST,
	C_REASON,
	C_PLATFORM,
	C_SEEN,
	C_TOOL_VERSION,
	C_METHOD_VERSION,
	C_MODIFIED,
};

#define INT_COL(n, t, w, g)                                                                        \
	{                                                                                          \
		.name = n, .title = t, .width = w, .fmt = "%lld", .get = g                         \
	}
/* A tick count: whole ticks for people, a tenth in the CSV. */
#define TICKS_COL(n, t, g)                                                                         \
	{                                                                                          \
		.name = n, .title = t, .width = 8, .fmt = "%.0f", .csv_fmt = "%.1f", .get = g      \
	}
#define CSV_COL(n, f, g)                                                                           \
	{                                                                                          \
		.name = n, .fmt = f, .get = g                                                      \
	}

static const struct column columns[] = {
    [C_CLASS] = {.name = "class",
		 .title = "class",
		 .width = -18,
		 .md_left = true,
		 .fmt = "%s",
		 .md_fmt = "`%s`",
		 .get = get_class},
    [C_HANDLED_IN] = {.name = "handled_in",
		      .title = "in",
		      .md_title = "handled in",
		      .width = -4,
		      .md_left = true,
		      .fmt = "%s",
		      .get = get_handled_in},
    [C_STATUS] = CSV_COL("status", "%s", get_status),
    [C_RING] = CSV_COL("ring", "%lld", get_ring),
    [C_SAMPLES] = INT_COL("samples", "samples", 8, get_samples),
    [C_MIN] = INT_COL("min", "min", 8, get_min),
    [C_P1] = CSV_COL("p1", "%.1f", get_p1),
    [C_P10] = CSV_COL("p10", "%.1f", get_p10),
    [C_MEDIAN] = TICKS_COL("median", "median", get_median),
    [C_CI95] = {.title = "ci95", .width = 13, .fmt = "%.0f..%.0f", .none = "-", .get = get_ci95},
    [C_P90] = TICKS_COL("p90", "p90", get_p90),
    [C_P99] = TICKS_COL("p99", "p99", get_p99),
    [C_MAX] = INT_COL("max", "max", 9, get_max),
    [C_MEAN] = CSV_COL("mean", "%.2f", get_mean),
    [C_STDDEV] = CSV_COL("stddev", "%.2f", get_stddev),
    [C_MEAN_SD] = {.title = "mean±stddev", .width = 15, .fmt = "%.0f±%.0f", .get = get_mean_sd},
    [C_CI_LO] = CSV_COL("median_ci95_lo", "%.1f", get_ci_lo),
    [C_CI_HI] = CSV_COL("median_ci95_hi", "%.1f", get_ci_hi),
    [C_NET] = {.name = "net_median",
	       .title = "net",
	       .width = 8,
	       .fmt = "%.0f",
	       .csv_fmt = "%.1f",
	       .get = get_net},
    [C_EXITS] = {.name = "exits_per_iteration",
		 .title = "exits/it",
		 .md_title = "exits/iter",
		 .width = 9,
		 .fmt = "%.3f",
		 .csv_fmt = "%.4f",
		 .get = get_exits},
    [C_VERIFIED] = CSV_COL("verified", "%s", get_verified),
    [C_CHECK] = {.title = "check", .md_left = true, .fmt = "%s", .get = get_check},
    [C_BACKEND] = CSV_COL("backend", "%s", get_backend),
    [C_MICROARCH] = {.name = "microarch", .quoted = true, .fmt = "%s", .get = get_microarch},
    [C_HOST] = {.name = "host", .quoted = true, .fmt = "%s", .get = get_host},
    [C_REASON] = {.name = "reason", .quoted = true, .fmt = "%s", .get = get_reason},
    [C_PLATFORM] = CSV_COL("platform", "%s", get_platform),
    [C_SEEN] = CSV_COL("microarch_seen_by_guest", "%s", get_seen),
    [C_TOOL_VERSION] = CSV_COL("tool_version", "%s", get_tool_version),
    [C_METHOD_VERSION] = CSV_COL("method_version", "%lld", get_method_version),
    [C_MODIFIED] = CSV_COL("modified_source", "%s", get_modified),
};

/* Each output's columns, in order. */
static const enum col_id table_cols[] = {
    C_CLASS, C_HANDLED_IN, C_SAMPLES, C_MIN, C_MEDIAN, C_CI95,	C_P90,
    C_P99,   C_MAX,	   C_MEAN_SD, C_NET, C_EXITS,  C_CHECK,
};
static const enum col_id md_cols[] = {
    C_CLASS, C_HANDLED_IN, C_SAMPLES, C_MIN, C_MEDIAN, C_CI95,
    C_P90,   C_P99,	   C_MEAN_SD, C_NET, C_EXITS,  C_CHECK,
};
static const enum col_id csv_cols[] = {
    C_CLASS,	C_HANDLED_IN,	C_STATUS,	  C_RING,     C_SAMPLES, C_MIN,
    C_P1,	C_P10,		C_MEDIAN,	  C_P90,      C_P99,	 C_MAX,
    C_MEAN,	C_STDDEV,	C_CI_LO,	  C_CI_HI,    C_NET,	 C_EXITS,
    C_VERIFIED, C_BACKEND,	C_MICROARCH,	  C_HOST,     C_REASON,	 C_PLATFORM,
    C_SEEN,	C_TOOL_VERSION, C_METHOD_VERSION, C_MODIFIED,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const enum col_id *cols_of(enum col_out out, unsigned int *n)
{
	switch (out) {
	case COL_TABLE:
		*n = N(table_cols);
		return table_cols;
	case COL_MD:
		*n = N(md_cols);
		return md_cols;
	default:
		*n = N(csv_cols);
		return csv_cols;
	}
}

unsigned int columns_count(enum col_out out)
{
	unsigned int n;

	cols_of(out, &n);
	return n;
}

/* The text of one cell in out. */
static void cell_text(const struct column *col, enum col_out out, const struct cell *v, char *buf,
		      size_t len)
{
	const char *fmt = out == COL_CSV  ? col->csv_fmt ?: col->fmt
			  : out == COL_MD ? col->md_fmt ?: col->fmt
					  : col->fmt;
	const char *none = out == COL_CSV ? "" : col->none ?: (out == COL_MD ? "" : "n/a");

	switch (v->kind) {
	case CELL_STR:
		snprintf(buf, len, fmt, v->s);
		break;
	case CELL_INT:
		snprintf(buf, len, fmt, v->i);
		break;
	case CELL_OPT:
	case CELL_PAIR:
		if (!isfinite(v->a)) {
			snprintf(buf, len, "%s", none);
			break;
		}
		/* fall through */
	case CELL_NUM:
		snprintf(buf, len, fmt, v->a, v->b);
		break;
	case CELL_WITHHELD:
		snprintf(buf, len, "%s", out == COL_TABLE ? "-" : out == COL_MD ? "–" : "");
		break;
	}
}

static void csv_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Cell i of n in out: its separator, then text (padded in the table). */
static void put(FILE *f, enum col_out out, const struct column *col, unsigned int i,
		const char *text)
{
	if (out == COL_CSV) {
		if (i)
			fputc(',', f);
		if (col->quoted)
			csv_quoted(f, text);
		else
			fputs(text, f);
	} else if (out == COL_MD) {
		fprintf(f, "| %s ", text);
	} else {
		fprintf(f, "%s%*s", i ? col->width ? " " : "  " : "", col->width, text);
	}
}

static void end_line(FILE *f, enum col_out out)
{
	fputs(out == COL_MD ? "|\n" : "\n", f);
}

void columns_header(FILE *f, enum col_out out)
{
	unsigned int n;
	const enum col_id *ids = cols_of(out, &n);

	for (unsigned int i = 0; i < n; i++) {
		const struct column *col = &columns[ids[i]];

		put(f, out, &(struct column){.width = col->width}, i,
		    out == COL_CSV  ? col->name
		    : out == COL_MD ? col->md_title ?: col->title
				    : col->title);
	}
	end_line(f, out);
	if (out != COL_MD)
		return;
	fputc('|', f);
	for (unsigned int i = 0; i < n; i++)
		fputs(columns[ids[i]].md_left ? "---|" : "---:|", f);
	fputc('\n', f);
}

void columns_row(FILE *f, enum col_out out, const struct run_result *r,
		 const struct class_result *c)
{
	const struct row w = {r, c};
	unsigned int n;
	const enum col_id *ids = cols_of(out, &n);
	char text[512];

	for (unsigned int i = 0; i < n; i++) {
		const struct column *col = &columns[ids[i]];
		struct cell v = col->get(&w);

		cell_text(col, out, &v, text, sizeof(text));
		put(f, out, col, i, text);
	}
	end_line(f, out);
}
