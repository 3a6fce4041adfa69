/* SPDX-License-Identifier: MIT */
/* exitbench report: tables and plots from result files and published data. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/cli.h"
#include "bench/run/classes.h"
#include "lib/error.h"
#include "bench/datadir/datadir.h"
#include "bench/report/report.h"

#define DEFAULT_GEN_CLASSES "cpuid,pio_user"

static const char report_usage[] =
    "usage: exitbench report [RESULT.json...] [options]\n"
    "  -a, --all             also every *.json under the hosts directory\n"
    "      --hosts DIR       where --all looks (default results/hosts)\n"
    "  -p, --published CSV   published reference data (default published.csv of the\n"
    "                        data directory: see man exitbench)\n"
    "      --no-published    leave the published data out\n"
    "  -o, --output DIR      write README.md and plots/ into DIR (default results)\n"
    "      --scripts DIR     the gnuplot scripts (default scripts/ of the data directory)\n"
    "      --gen-class A,B   classes placed on the generation chart (default " DEFAULT_GEN_CLASSES
    ")\n"
    "  -q, --quiet           no summary line\n"
    "Without gnuplot the tables and data files are written and the plots skipped.\n"
    "exit status: 0 ok, 2 usage error, unreadable or malformed input, failed plot\n";

enum { O_HOSTS = 256, O_NO_PUB, O_SCRIPTS, O_GEN };

static const struct option report_long[] = {
    {"all", no_argument, 0, 'a'},
    {"hosts", required_argument, 0, O_HOSTS},
    {"published", required_argument, 0, 'p'},
    {"no-published", no_argument, 0, O_NO_PUB},
    {"output", required_argument, 0, 'o'},
    {"scripts", required_argument, 0, O_SCRIPTS},
    {"gen-class", required_argument, 0, O_GEN},
    {"quiet", no_argument, 0, 'q'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static int parse_gen_classes(const char *s, struct report_opts *o)
{
	char buf[sizeof(o->gen_classes)], *save = NULL;
	unsigned int n = 0;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return usage_error("--gen-class: list too long");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), n++)
		if (!class_find(t))
			return usage_error("--gen-class: unknown class '%s' ('exitbench list' "
					   "shows them)",
					   t);
	if (!n || n > 16)
		return usage_error("--gen-class: give 1 to 16 classes");
	snprintf(o->gen_classes, sizeof(o->gen_classes), "%s", s);
	return 0;
}

static int parse_one(int c, struct report_opts *o)
{
	switch (c) {
	case 'a':
		o->all = true;
		return 0;
	case O_HOSTS:
		o->hosts_dir = optarg;
		return 0;
	case 'p':
		o->published = optarg;
		return 0;
	case O_NO_PUB:
		o->published = NULL;
		return 0;
	case 'o':
		o->out_dir = optarg;
		return 0;
	case O_SCRIPTS:
		o->scripts_dir = optarg;
		return 0;
	case O_GEN:
		return parse_gen_classes(optarg, o);
	case 'q':
		o->quiet = true;
		return 0;
	case 'h':
		fputs(report_usage, stdout);
		exit(EXIT_OK);
	default:
		fputs(report_usage, stderr);
		return EXIT_USAGE;
	}
}

static int default_published(struct report_opts *o);

static int parse_report(int argc, char **argv, struct report_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->hosts_dir = "results/hosts";
	o->published = "";
	o->out_dir = "results";
	snprintf(o->gen_classes, sizeof(o->gen_classes), "%s", DEFAULT_GEN_CLASSES);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ap:o:qh", report_long, NULL)) != -1)
		if (parse_one(c, o))
			return EXIT_USAGE;
	o->inputs = argv + optind;
	o->ninputs = (unsigned int)(argc - optind);
	if (!o->ninputs && !o->all)
		return usage_error("report: no result file given (name files, or --all for "
				   "every one under %s)",
				   o->hosts_dir);
	if (!*o->out_dir)
		return usage_error("--output: empty directory name");
	return default_published(o);
}

/* No --published: the data directory's (EXITBENCH_DATADIR, source tree, installed). */
static int default_published(struct report_opts *o)
{
	static struct datadir d;

	if (!o->published || *o->published)
		return 0;
	if (datadir_find(&d))
		return usage_error("report: published data: %s", eb_error());
	o->published = d.published;
	return 0;
}

/* The output directory, or the one that would hold it, must be writable. */
static int check_out_dir(const char *dir)
{
	if (access(dir, F_OK) == 0) {
		if (access(dir, W_OK) < 0)
			return usage_error("--output: cannot write directory %s: %s", dir,
					   strerror(errno));
		return 0;
	}
	return check_writable("--output", dir) ? EXIT_USAGE : 0;
}

static int build(struct report *r)
{
	if (stage_open(r) || report_write_data(r) || report_plot(r) || report_write_markdown(r) ||
	    stage_commit(r))
		return usage_error("report: %s", eb_error());
	return EXIT_OK;
}

static void summary(const struct report *r)
{
	unsigned int plots = 0;

	for (unsigned int i = 0; i < r->nfiles; i++)
		plots += r->files[i].commit && strstr(r->files[i].rel, ".png") != NULL;
	printf("report: %s/README.md: %u result file%s, %u published rows; %u plot%s (PNG and "
	       "SVG) and their data in %s/plots/\n",
	       r->o->out_dir, r->nruns, r->nruns == 1 ? "" : "s", r->have_pub ? r->pub.n : 0, plots,
	       plots == 1 ? "" : "s", r->o->out_dir);
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	struct report r = {.o = &o};
	int st = parse_report(argc, argv, &o);

	report_install_signals();
	if (st == 0 && stage_check_readme(o.out_dir))
		st = usage_error("%s", eb_error());
	if (st == 0)
		st = check_out_dir(o.out_dir);
	if (st == 0 && report_load(&r))
		st = usage_error("%s", eb_error());
	if (st == 0 && report_find_gnuplot(&r))
		st = usage_error("report: %s", eb_error());
	if (st == 0)
		st = build(&r);
	if (st == 0 && !r.plots)
		fprintf(stderr, "exitbench: warning: plots skipped: %s\n", r.plot_note);
	if (st == 0 && !o.quiet)
		summary(&r);
	stage_close(&r);
	free(r.jobs);
	report_free(&r);
	report_reraise();
	return st;
}
