/* SPDX-License-Identifier: MIT */
/*
 * Where exitbench's data lives (gnuplot scripts, published.csv, the JSON
 * schemas), so that an installed binary finds it without the checkout:
 *
 *   1. $EXITBENCH_DATADIR, in the installed layout (must hold the data);
 *   2. the source tree, when the binary runs from one (<tree>/<build>/exitbench);
 *   3. the directory compiled in (make PREFIX=...: $(PREFIX)/share/exitbench).
 *
 * Nothing else: when none holds the data, the error names the path looked at.
 */
#ifndef EXITBENCH_DATADIR_H
#define EXITBENCH_DATADIR_H

#include <limits.h>

struct datadir {
	char root[PATH_MAX];	  /* the data directory or the source tree */
	char scripts[PATH_MAX];	  /* directory holding bars.gp, cdf.gp, ... */
	char published[PATH_MAX]; /* published.csv */
	char schema[PATH_MAX];	  /* directory holding *.schema.json */
	const char *from;	  /* "EXITBENCH_DATADIR", "source tree", "built-in" */
};

/* The directory compiled in (make's $(PREFIX)/share/exitbench). */
const char *datadir_builtin(void);
/* Finds the data; -1 with eb_error() naming the path that lacks it. */
int datadir_find(struct datadir *d);
/* exitbench --version: the release, the method version, the source, the data. */
int datadir_print_version(void);

#endif
