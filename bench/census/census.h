/* SPDX-License-Identifier: MIT */
/*
 * exitbench census: the Popek-Goldberg test of a KVM host, one instruction
 * per row, at CPL0 and CPL3, each in a fresh VM (docs/census.md).
 *
 * table.c     the rows: instruction, what it touches, hints per vendor
 * run.c       one row at one ring in a fresh VM (guests/census.c)
 * classify.c  outcome of a cell, class of a row, observation text
 * json.c      the exitbench-census/1 document, written and read back
 * text.c      the terminal table;  md.c  the page (--md)
 * compare.c   two census files: rows whose outcome changed
 * cmd.c       `exitbench census`;  report.c  its section in `exitbench report`
 */
#ifndef EXITBENCH_CENSUS_H
#define EXITBENCH_CENSUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/host/hostinfo.h"
#include "guests/census_protocol.h"
#include "minivmm/minivmm.h"

#define CENSUS_SCHEMA	   "exitbench-census/1"
#define CENSUS_MAX_ROWS	   96
#define CENSUS_MAX_STATS   16
#define CENSUS_MAX_REASONS 6

enum census_group { CG_BASE, CG_EVIL17, CG_CLASSIC, CG_UMIP };

/* How the host reads what the row's code stored (mailbox result[5..6]). */
enum census_obs {
	OBS_NONE,
	OBS_RFLAGS, /* pushf: RFLAGS */
	OBS_POPF,   /* RFLAGS before, after popf of the flags with IF set */
	OBS_LAR,    /* access rights, ZF */
	OBS_ZF,	    /* verr, verw: ZF */
	OBS_LSL,    /* limit, ZF */
	OBS_FS,	    /* the pushed FS selector */
	OBS_CS,	    /* CS: its RPL is the CPL */
	OBS_GDTR,   /* 10 bytes: limit, base */
	OBS_IDTR,
	OBS_LDTR,
	OBS_MSW,   /* smsw: CR0's low bits */
	OBS_TR,	   /* str */
	OBS_INT,   /* deliveries, the interrupted CS */
	OBS_CPUID, /* leaf 1 ECX */
	OBS_TSC_AUX,
	OBS_VALUE, /* a register's or MSR's value */
	OBS_HCALL, /* RAX after the hypercall */
};

/* Outcome hints: "none", "kvm", "vmm", "#GP", "#UD", "kvm+#GP", ...;
 * NULL: no hint. */
enum { HINT_VMX = 0, HINT_SVM = 1 };

struct census_rowdef {
	const char *name; /* "sgdt" */
	uint32_t id;	  /* enum census_row (guests/census_protocol.h) */
	enum census_group group;
	const char *insn; /* what the row executes, as assembly */
	const char *what; /* one line */
	bool sensitive;	  /* observes or changes privileged state (the lecture's sense) */
	bool resource;	  /* acts on a resource of the machine: must not escape the VMM */
	enum census_obs obs;
	const char *hint[2][2]; /* [HINT_VMX/HINT_SVM][CPL0, CPL3] */
};

extern const struct census_rowdef census_rows[];
extern const unsigned int census_row_count;
const struct census_rowdef *census_find_row(const char *name);
const char *census_group_name(enum census_group g);

enum census_status { CS_NOT_RUN, CS_OK, CS_SKIPPED, CS_FAILED };
enum census_outcome { CO_NONE, CO_EXIT_KVM, CO_EXIT_VMM, CO_FAULT };

struct census_stat {
	char name[64];
	double per_iter;
};

/* One row at one ring. */
struct census_cell {
	int ring;
	enum census_status status;
	char reason[256]; /* skipped or failed: why */
	enum census_outcome outcome;
	int vector;	/* CO_FAULT: the vector; else -1 */
	uint64_t error; /* its error code */
	bool via_kvm;	/* CO_FAULT after an exit to KVM (KVM intercepted or injected it) */
	double faults_per_iter, exits_per_iter, vmm_exits_per_iter;
	uint64_t iterations, warmup;
	int cpl; /* what the guest reported */
	/* cost of one run of the row's code, TSC ticks (faulting rows: the
	 * fault's round trip through the guest's handler) */
	double median, ci_lo, ci_hi, p10, p90, net_median; /* net: minus null's median */
	double median_ns;
	/* what the guest observed */
	bool obs_valid; /* the observation run did not fault */
	uint64_t obs[2];
	uint64_t cr0, cr4;
	char observed[192]; /* in words */
	int equivalent;	    /* 1: what bare metal shows, 0: the guest can tell, -1: n/a */
	struct census_stat stats[CENSUS_MAX_STATS]; /* nonzero KVM stat deltas per iteration */
	unsigned int nstats;
	char hint[16]; /* this backend's hint, "" when none */
	/* --trace: kvm_exit reasons over the cell's whole VM (trace.c) */
	bool traced;
	char trace_error[160];
	struct census_reason {
		char name[48];
		uint64_t count;
	} reasons[CENSUS_MAX_REASONS];
	unsigned int nreasons;
};

enum census_class {
	CC_UNKNOWN,    /* a ring did not run */
	CC_PRIVILEGED, /* faults at CPL3, runs at CPL0 */
	CC_TRAPPED,    /* sensitive, trapped by the hypervisor (exits) */
	CC_HARDWARE,   /* sensitive, handled by the hardware without an exit */
	CC_INNOCUOUS,  /* innocuous here */
	CC_BOTH_FAULT, /* faults at both rings */
	CC_CPL0_FAULT, /* faults at CPL0 only */
};

struct census_rowres {
	char name[32], insn[64], group[16], what[160];
	bool sensitive, resource;
	enum census_obs obs;
	struct census_cell cell[2]; /* CPL0, CPL3 */
	enum census_class cls;
	bool cpl0_exits; /* privileged rows: CPL0 exits (trapped by the hypervisor) */
};

/* The host labels the page and compare need (from the document's host object). */
struct census_host {
	char hostname[64], kernel[128], microarch[64], slug[64], vendor[16];
	char backend[16], module[32], hypervisor[16], platform[16], emulator[160];
	bool nested;
	uint64_t tsc_khz;
};

struct census_doc {
	char path[4096];
	char tool_version[64], command_line[1024], started_utc[32], finished_utc[32];
	char timer[64], timer_note[320];
	uint64_t iterations, warmup;
	bool partial;
	char partial_reason[128];
	bool trace;	 /* cells carry kvm_exit reasons (--trace) */
	void *host_json; /* jansson json_t *: the `run` host object (+ lab facts) */
	struct census_host host;
	bool host_umip; /* the host CPU has UMIP (CPUID.7.0:ECX[2]) */
	struct census_rowres rows[CENSUS_MAX_ROWS];
	unsigned int nrows;
};

struct census_params {
	const char *kvm_path;
	uint64_t iterations, warmup;
	unsigned int timeout_s;
	int timer;     /* TIMER_* */
	int only_ring; /* -1 both */
	bool trace;    /* kvm_exit reasons per cell from the tracepoints */
};

/* run.c */
void census_run_cell(struct kvm_sys *kvm, const struct census_rowdef *row, int ring,
		     const struct census_params *p, struct census_cell *out);

/* trace.c: a tracefs session around one cell (NULL with err when none) */
struct trace_session;
struct trace_session *census_trace_start(char *err, size_t len);
void census_trace_stop(struct trace_session *s, const char *err, struct census_cell *c);

/* classify.c */
void census_cell_classify(const struct census_rowres *r, struct census_cell *c, int vendor);
void census_row_classify(struct census_rowres *r);
const char *census_class_name(enum census_class c);
const char *census_class_key(enum census_class c);
enum census_class census_class_from_key(const char *key);
const char *census_outcome_key(enum census_outcome o);
int census_outcome_from_key(const char *key);
const char *census_status_key(enum census_status s);
int census_status_from_key(const char *key);
const char *census_vector_name(int v);
/* "none", "kvm", "vmm", "#GP", "kvm+#UD", or "skipped"/"failed"/"-" */
void census_cell_code(const struct census_cell *c, char *buf, size_t len);
void census_observe(const struct census_rowres *r, struct census_cell *c);
/* The observation a one-line table shows: CPL3's, else CPL0's when CPL3
 * faulted, else whatever was seen. */
const struct census_cell *census_shown_observation(const struct census_rowres *r);
void census_rowres_init(struct census_rowres *r, const struct census_rowdef *row);
/* host object (json_t *) -> labels */
void census_host_from_json(const void *host_json, struct census_host *h);
/* 0: vmx, 1: svm, -1: neither */
int census_vendor(const struct census_host *h);

/* json.c */
int census_write_json(const struct census_doc *d, const char *path);
int census_read_json(const char *path, struct census_doc *d);
void census_doc_free(struct census_doc *d);
/* The document's schema name without reading the rest ("" when none). */
int census_peek_schema(const char *path, char *buf, size_t len);

/* text.c, md.c */
void census_print_table(const struct census_doc *d, FILE *f);
int census_write_md(const struct census_doc *d, const char *path);
int census_md(const struct census_doc *d, FILE *f);

/* compare.c: prints the changed rows; returns 0 none, 1 some, 2 error */
int census_compare(const char *base, const char *new_, FILE *out);

/* cmd.c: `exitbench compare` hands census files here */
bool census_compare_wanted(int argc, char **argv);
int census_cmd_compare(int argc, char **argv);

/* report.c: the census section of `exitbench report` (results/README.md) */
void census_report_section(FILE *f, const char *hosts_dir, const char *out_dir);
bool census_is_census_file(const char *name);

#endif
