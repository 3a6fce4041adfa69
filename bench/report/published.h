/* SPDX-License-Identifier: MIT */
/*
 * results/published.csv (docs/published-data.md): reference VM-exit costs,
 * one sourced measurement per row.  Read strictly: a row with a missing
 * source, an unknown quantity or a non-numeric figure is an error.
 */
#ifndef EXITBENCH_PUBLISHED_H
#define EXITBENCH_PUBLISHED_H

#include "bench/report/csv.h"

/* entry_exit_window: the VM entry/exit instruction timed inside KVM (just
 * before VMRUN/VMRESUME to just after): close to the hardware round trip,
 * part of a KVM round trip, neither of the two. */
enum pub_quantity { PUB_HARDWARE, PUB_KVM, PUB_UNKNOWN, PUB_WINDOW, PUB_NQUANTITIES };

struct pub_row {
	const char *microarch, *vendor, *cpu, *cls, *measured, *source, *source_url, *note;
	int year; /* 0 when the source gives no microarchitecture */
	double cycles;
	enum pub_quantity quantity;
	unsigned int line;
};

struct published {
	char path[1024];
	struct csv_doc doc; /* owns the strings */
	struct pub_row *rows;
	unsigned int n;
};

/* 0, or -1 with eb_error() = "<path>: line N: <column>: <what is wrong>". */
int published_read(const char *path, struct published *p);
/* The same from len bytes in memory; name only names them in messages. */
int published_parse(const char *name, const char *text, size_t len, struct published *p);
void published_free(struct published *p);
const char *pub_quantity_name(enum pub_quantity q);

#endif
