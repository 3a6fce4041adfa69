/* SPDX-License-Identifier: MIT */
/* exitbench compare BASE.json NEW.json: per class, did it get slower? */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/census/census.h"
#include "bench/cli.h"
#include "bench/compare/compare.h"

static const char compare_usage[] =
    "usage: exitbench compare BASE.json NEW.json [options]\n"
    "       exitbench compare --base B1.json [--base B2.json ...] --new N1.json [...] [options]\n"
    "  Per class both sides ran: the base and new median, the change in TSC ticks and %,\n"
    "  a 95% bootstrap interval of the difference of medians, and a verdict: faster,\n"
    "  slower or same (the interval includes 0, or the change is under the threshold).\n"
    "  Several files per side are independent runs: their spread widens the interval.\n"
    "      --threshold PCT   smallest change that counts, in % of the base median\n"
    "                        (default 5)\n"
    "      --base F, --new F a result file of that side (repeat for more runs)\n"
    "      --json F          also write the comparison as JSON (atomically)\n"
    "      --tap             TAP on stdout instead of the table: one line per class,\n"
    "                        'not ok' for a class that got slower\n"
    "      --no-noise-floor  use --threshold even when a class's own run-to-run spread\n"
    "                        (of its runs in the base files) is larger\n"
    "      --force           compare files of different hosts, backends or class sets\n"
    "                        (warns on stderr, compares the common classes)\n"
    "  Files of different method versions or platforms (bare-metal, nested, emulated,\n"
    "  software) are never compared; different builds are compared, with a note.\n"
    "  Two census files (exitbench census --json): the rows whose outcome changed,\n"
    "  exit 1 when one did (docs/census.md).\n"
    "exit status: 0 no class slower, 1 a class slower beyond the threshold,\n"
    "2 usage or input error (also: the files are not comparable)\n";

enum { O_THRESHOLD = 256, O_JSON, O_TAP, O_FORCE, O_BASE, O_NEW, O_NO_FLOOR };

static const struct option compare_long[] = {
    {"threshold", required_argument, 0, O_THRESHOLD},
    {"json", required_argument, 0, O_JSON},
    {"tap", no_argument, 0, O_TAP},
    {"force", no_argument, 0, O_FORCE},
    {"no-noise-floor", no_argument, 0, O_NO_FLOOR},
    {"base", required_argument, 0, O_BASE},
    {"new", required_argument, 0, O_NEW},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static int parse_pct(const char *opt, const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v))
		return usage_error("%s: '%s' is not a number", opt, s);
	if (v < 0 || v > 1000)
		return usage_error("%s: %s is out of range (0..1000)", opt, s);
	*out = v;
	return 0;
}

static int add_file(const char *opt, const char **list, unsigned int *n, const char *path)
{
	if (*n >= CMP_MAX_FILES)
		return usage_error("%s: more than %d files", opt, CMP_MAX_FILES);
	list[(*n)++] = path;
	return 0;
}

static int parse_one(int c, struct compare_opts *o)
{
	switch (c) {
	case O_THRESHOLD:
		return parse_pct("--threshold", optarg, &o->threshold_pct);
	case O_JSON:
		o->json = optarg;
		return check_writable("--json", optarg);
	case O_TAP:
		o->tap = true;
		return 0;
	case O_FORCE:
		o->force = true;
		return 0;
	case O_NO_FLOOR:
		o->no_noise_floor = true;
		return 0;
	case O_BASE:
		return add_file("--base", o->base, &o->nbase, optarg);
	case O_NEW:
		return add_file("--new", o->new_, &o->nnew, optarg);
	case 'h':
		fputs(compare_usage, stdout);
		exit(EXIT_OK);
	default:
		fputs(compare_usage, stderr);
		return EXIT_USAGE;
	}
}

static int parse_compare(int argc, char **argv, struct compare_opts *o)
{
	int c, files;

	memset(o, 0, sizeof(*o));
	o->threshold_pct = CMP_THRESHOLD_DEFAULT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", compare_long, NULL)) != -1)
		if (parse_one(c, o))
			return EXIT_USAGE;
	files = argc - optind;
	if (o->nbase || o->nnew) {
		if (files)
			return usage_error("compare: '%s': give the files either as BASE.json "
					   "NEW.json or with --base/--new, not both",
					   argv[optind]);
		if (!o->nbase || !o->nnew)
			return usage_error("compare: --%s is missing", o->nbase ? "new" : "base");
		return 0;
	}
	if (files != 2)
		return usage_error("compare: expected BASE.json NEW.json, got %d file%s "
				   "('exitbench compare --help')",
				   files, files == 1 ? "" : "s");
	o->base[o->nbase++] = argv[optind];
	o->new_[o->nnew++] = argv[optind + 1];
	return 0;
}

/* "F1 and F2 differ in host.hostname (\"a\" vs \"b\"), ...; F1 and F3 ..."
 * (hard: only the differences --force cannot override) */
static void list_refused(const struct comparison *c, bool hard, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned int p = 0; p < c->npairs && used < len; p++) {
		const struct cmp_pair *pr = &c->pairs[p];
		int w;

		unsigned int nhard = 0;

		for (unsigned int i = 0; i < pr->n; i++)
			nhard += cmp_diff_hard(&pr->d[i]);
		if (!pr->refused || (hard && !nhard))
			continue;
		w = snprintf(buf + used, len - used, "%s%s and %s differ in ", used ? "; " : "",
			     pr->a->path, pr->b->path);
		used += w > 0 ? (size_t)w : 0;
		for (unsigned int i = 0, k = 0; i < pr->n && used < len; i++) {
			if (!cmp_diff_refused(&pr->d[i]) || (hard && !cmp_diff_hard(&pr->d[i])))
				continue;
			w = snprintf(buf + used, len - used, "%s%s (\"%s\" vs \"%s\")",
				     k++ ? ", " : "", pr->d[i].field, pr->d[i].base, pr->d[i].new_);
			used += w > 0 ? (size_t)w : 0;
		}
	}
}

static void add_pair(struct comparison *c, const struct rf_run *a, const struct rf_run *b)
{
	struct cmp_pair *p = &c->pairs[c->npairs++];

	p->a = a;
	p->b = b;
	p->n = cmp_run_diffs(a, b, p->d, CMP_MAX_DIFFS);
	for (unsigned int i = 0; i < p->n; i++)
		p->refused += cmp_diff_refused(&p->d[i]);
	c->nrefused += p->refused;
}

/* The first base file against the first new file and against every other
 * file: refuses (EXIT_USAGE) or, with --force, warns about what differs. */
static int check_comparable(struct comparison *c)
{
	char what[8192];

	add_pair(c, &c->base[0], &c->new_[0]);
	for (unsigned int i = 1; i < c->o->nbase; i++)
		add_pair(c, &c->base[0], &c->base[i]);
	for (unsigned int i = 1; i < c->o->nnew; i++)
		add_pair(c, &c->base[0], &c->new_[i]);
	if (!c->nrefused)
		return 0;
	list_refused(c, true, what, sizeof(what));
	if (what[0])
		return usage_error("not comparable: %s: different methods or platforms measure "
				   "different quantities (--force does not change that)",
				   what);
	list_refused(c, false, what, sizeof(what));
	if (!c->o->force)
		return usage_error("not comparable: %s (--force compares them anyway)", what);
	fprintf(stderr, "exitbench: warning: %s; comparing the classes all have (--force)\n", what);
	return 0;
}

static int load(const char *const *paths, unsigned int n, struct rf_run *runs)
{
	for (unsigned int i = 0; i < n; i++)
		if (resultfile_read(paths[i], &runs[i]))
			return usage_error("%s", eb_error());
	return 0;
}

/* Two files of one side must be independent runs: not one file named
 * twice, nor a copy (the same bytes). */
static int check_distinct(const struct rf_run *runs, unsigned int n, const char *side)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < i; j++) {
			const struct rf_run *a = &runs[j], *b = &runs[i];

			if (a->dev == b->dev && a->ino == b->ino)
				return usage_error(
				    "--%s %s: the same file as --%s %s (each file of "
				    "a side must be another run)",
				    side, b->path, side, a->path);
			if (a->content_size == b->content_size &&
			    a->content_hash == b->content_hash)
				return usage_error("--%s %s: the same content as --%s %s (a copy "
						   "is not another run)",
						   side, b->path, side, a->path);
		}
	return 0;
}

/* --json must not land on an input (the base result would be lost). */
static int check_output(const struct comparison *c)
{
	const struct compare_opts *o = c->o;
	struct stat st;

	if (!o->json || stat(o->json, &st) < 0)
		return 0;
	for (unsigned int i = 0; i < o->nbase + o->nnew; i++) {
		const struct rf_run *r = i < o->nbase ? &c->base[i] : &c->new_[i - o->nbase];

		if (r->dev == (unsigned long long)st.st_dev &&
		    r->ino == (unsigned long long)st.st_ino)
			return usage_error("--json %s: the same file as the input %s; refusing to "
					   "overwrite it",
					   o->json, r->path);
	}
	return 0;
}

static int run_compare(struct comparison *c)
{
	const struct compare_opts *o = c->o;

	if (load(o->base, o->nbase, c->base) || load(o->new_, o->nnew, c->new_) ||
	    check_distinct(c->base, o->nbase, "base") || check_distinct(c->new_, o->nnew, "new") ||
	    check_output(c) || check_comparable(c))
		return EXIT_USAGE;
	if (compare_classes(c))
		return usage_error("compare %s and %s: %s", o->base[0], o->new_[0], eb_error());
	if (o->tap)
		compare_print_tap(c, stdout);
	else
		compare_print_table(c, stdout);
	if (fflush(stdout) != 0)
		return usage_error("write standard output: %s", strerror(errno));
	if (o->json && compare_write_json(c, o->json))
		return usage_error("%s", eb_error());
	return c->slower ? EXIT_FAIL : EXIT_OK;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_opts o;
	struct comparison *c;
	int st;

	if (census_compare_wanted(argc, argv)) /* census files: bench/census/compare.c */
		return census_cmd_compare(argc, argv);
	st = parse_compare(argc, argv, &o);

	if (st)
		return st;
	c = calloc(1, sizeof(*c));
	if (!c)
		return usage_error("allocate the comparison: %s", strerror(errno));
	c->o = &o;
	st = run_compare(c);
	free(c->e);
	for (unsigned int i = 0; i < CMP_MAX_FILES; i++) {
		resultfile_free(&c->base[i]);
		resultfile_free(&c->new_[i]);
	}
	free(c);
	return st;
}
