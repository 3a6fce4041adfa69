/* SPDX-License-Identifier: MIT */
/*
 * The per-class columns of a run's table, CSV and Markdown, declared once
 * (columns.c): name, header, format and getter of each; each output lists
 * which it shows, in its order.
 */
#ifndef EXITBENCH_COLUMNS_H
#define EXITBENCH_COLUMNS_H

#include <stdio.h>

#include "bench/result/result.h"

enum col_out { COL_TABLE, COL_CSV, COL_MD };

/* The header line(s) of out: titles (Markdown: and the alignment row). */
void columns_header(FILE *f, enum col_out out);
/* One class's row of out, every column (the table and Markdown print the
 * row of a class that did not run themselves: status and reason). */
void columns_row(FILE *f, enum col_out out, const struct run_result *r,
		 const struct class_result *c);
/* How many columns out has. */
unsigned int columns_count(enum col_out out);

#endif
