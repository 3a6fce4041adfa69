/* SPDX-License-Identifier: MIT */
/*
 * Reading exitbench/1 result files back (compare, report).  Every field the
 * readers need is checked; a malformed or foreign file gives one error
 * naming the file and the field (eb_error()), never a partial result.
 */
#ifndef EXITBENCH_RESULTFILE_H
#define EXITBENCH_RESULTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/result/model.h"
#include "lib/stats.h"

struct rf_check {
	char stat[32];
	double expected, measured; /* measured NAN when null in the file */
	bool ok;
};

/* A host-side breakdown of one class ("breakdown" in the result file;
 * read with RF_READ_BREAKDOWN). */
#define RF_MAX_PARTS 8
struct rf_part {
	char name[48];
	double ticks; /* median TSC ticks per iteration of this part */
};

struct rf_breakdown {
	struct rf_part part[RF_MAX_PARTS];
	unsigned int n;	  /* 0: the class has none */
	bool unavailable; /* the run tried and said why not */
	char reason[200];
};

struct rf_class {
	char name[48], handled_in[8], reason[256];
	enum class_status status; /* the writer's: class_status_name() names it */
	int ring;
	/* the fields below are set only when status is "ok" */
	uint64_t iterations, warmup;
	/* "stats": the writer's struct summary (min and max whole ticks, the
	 * median interval's coverage not read: NAN) */
	struct summary sum;
	double net_median;     /* NAN when null in the file */
	double exits_per_iter; /* NAN when null in the file */
	bool verified;
	struct rf_check checks[MAX_CHECKS];
	unsigned int nchecks;
	double quantiles[QUANTILES];
	unsigned int nquantiles; /* QUANTILES, or 0 for a non-ok class */
	uint64_t *samples;	 /* sorted, only when the file has "samples" (--raw) */
	size_t nsamples;
	/* "repeat": the median of each independent run (--repeat K); 0 runs when
	 * the file has no "repeat" object */
	unsigned int nrepeat;
	double repeat_medians[MAX_REPEAT];
	struct rf_breakdown bd;
};

struct rf_run {
	char path[1024];
	/* the file itself: duplicate inputs and outputs over an input are refused */
	unsigned long long dev, ino;
	uint64_t content_hash; /* FNV-1a of the bytes */
	size_t content_size;
	char tool_version[64], command_line[1024], started_utc[32];
	char hostname[64], vendor[16], model_name[96], microarch[64];
	char microcode[32];
	int microarch_year; /* 0 when null */
	unsigned int family, model, stepping;
	char kernel_release[128], backend[16], kvm_module[32];
	bool nested, partial;
	/* "kvm round trip" (exitbench run; also when the key is absent) or
	 * "hardware round trip" (exitbench hw) */
	char quantity[32];
	uint64_t tsc_khz;
	char timer[64];
	bool quick;	    /* options.quick */
	uint64_t samples;   /* options.samples: samples requested per class */
	double null_median; /* NAN when null */
	struct rf_class *classes;
	unsigned int nclasses;
	/* labels (resultfile_labels.c); derived when an older file lacks them */
	int method_version;   /* tool.method_version; 1 when absent */
	bool modified_source; /* tool.modified, else "-dirty"/"+modified" in tool.version */
	char hypervisor[16];  /* host.kvm.hypervisor: CPUID 0x40000000 signature */
	char platform[16];    /* host.platform, else bench/host/platform.h's rule */
	bool guest_seen;      /* microcode, microarch, mitigations are a guest's view */
	char units[24];	      /* "tsc_ticks" or "emulated_instructions" (bochs) */
	/* "mitigations=auto; spectre_v2: Mitigation: Retpolines", or "not recorded" */
	char mitigations[192];
	/* perf_overhead: cpuid's median with and without perf counters, same run */
	bool have_perf_overhead;
	double cpuid_with_perf, cpuid_without_perf;
	bool has_breakdown; /* some class has a breakdown (RF_READ_BREAKDOWN) */
};

/* 0, or -1 with eb_error() = "<path>: <field>: <what is wrong>"
 * (fields dotted: "classes[2].stats.median"); *out is then empty. */
int resultfile_read(const char *path, struct rf_run *out);
/* The same, with flags: RF_READ_BREAKDOWN also reads and checks every
 * class's breakdown (the report's; compare ignores them). */
#define RF_READ_BREAKDOWN 1u
int resultfile_read_flags(const char *path, unsigned int flags, struct rf_run *out);
/* The same from len bytes in memory (path only names them in messages). */
int resultfile_parse(const char *path, const char *buf, size_t len, struct rf_run *out);
/* Largest file resultfile_read() accepts. */
#define RF_MAX_FILE_SIZE (1ULL << 30)
/* Ticks lie in [0, 2^63) (a TSC delta as a signed 64-bit count); a count
 * of samples or iterations is at most 2^40: larger ones are corrupt. */
#define RF_MAX_TICKS 9223372036854775808.0 /* 2^63 */
#define RF_MAX_COUNT (1ULL << 40)
void resultfile_free(struct rf_run *run);
const struct rf_class *rf_find_class(const struct rf_run *run, const char *name);

#endif
