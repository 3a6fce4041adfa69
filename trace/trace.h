/* SPDX-License-Identifier: MIT */
/*
 * trace: the exits of any running VM, from the kernel's kvm:* tracepoints.
 *
 * A session mounts tracefs where it is not mounted, creates a private
 * instance (libtracefs), enables the kvm events there, filters them to one
 * process's threads where asked, and drains the per-CPU buffers from a
 * reader thread (tracefs_iterate_raw_events).  Records are decoded with
 * libtraceevent, kvm_exit -> kvm_entry pairs per vCPU thread become exit
 * durations per exit reason, and the events that name an exit's cause are
 * counted by port, address, MSR, reason.  Closing a session destroys the
 * instance and unmounts tracefs when the session mounted it: the top-level
 * tracing state is never touched.
 *
 * Errors: functions return -1 (or NULL) with eb_error() naming what failed.
 */
#ifndef EXITBENCH_TRACE_H
#define EXITBENCH_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/stats.h"
#include "lib/error.h"

struct tep_handle;
struct tep_record;
struct tep_format_field;

/* ---- events and their decoding (decode.c, reasons.c) ---- */
enum trace_ev {
	TEV_EXIT,  /* kvm_exit: k1 exit reason, isa, vcpu */
	TEV_ENTRY, /* kvm_entry: vcpu */
	TEV_PIO,   /* kvm_pio: k1 port, k2 1 write / 0 read */
	TEV_MMIO,  /* kvm_mmio: k1 gpa & ~0xfff, k2 type (0 unsatisfied-read, 1 read, 2 write) */
	TEV_MSR,   /* kvm_msr: k1 MSR index, k2 1 write / 0 read */
	TEV_CPUID, /* kvm_cpuid: k1 function */
	TEV_HYPERCALL,	    /* kvm_hypercall: k1 nr */
	TEV_USERSPACE_EXIT, /* kvm_userspace_exit: k1 KVM_EXIT_*, k2 -errno of a failed KVM_RUN (k1
			       0) */
	TEV_PAGE_FAULT,	    /* kvm_page_fault: counted only (k1 0) */
	TEV_EMULATE_INSN,   /* kvm_emulate_insn: k1 1 when emulation failed */
	TEV_COUNT
};

/* The kernel's KVM_ISA_* in kvm_exit's isa field. */
enum trace_isa { TRACE_ISA_UNKNOWN = 0, TRACE_ISA_VMX = 1, TRACE_ISA_SVM = 2 };

#define TRACE_NO_VCPU UINT32_MAX

/* One decoded record. */
struct trace_rec {
	enum trace_ev ev;
	int cpu;
	int tid;	/* common_pid: the thread that ran the vCPU */
	uint64_t ts;	/* trace clock, ns */
	int64_t missed; /* events lost on this CPU just before: 0, N, or -1 unknown count */
	uint32_t vcpu;	/* TRACE_NO_VCPU where the event has none */
	uint32_t isa;	/* kvm_exit only */
	uint64_t k1, k2;
};

#define TRACE_MAX_FIELDS 3
/* common_type, common_flags, common_preempt_count, common_pid: a record
 * shorter than these is not decoded */
#define TRACE_COMMON_SIZE 8

/* Events and fields of one kernel's formats, looked up once. */
struct trace_decoder {
	struct tep_handle *tep;
	int id[TEV_COUNT]; /* tep event id; -1 where the kernel lacks the event */
	struct tep_format_field *f[TEV_COUNT][TRACE_MAX_FIELDS];
};

/* "kvm_exit", ... */
const char *trace_ev_name(enum trace_ev ev);
/* Binds every known event found in tep.  Fails only when tep has none. */
int trace_decoder_init(struct trace_decoder *d, struct tep_handle *tep);
/* The TEV_* of "kvm_pio" or "pio"; -1 when it is none of ours. */
int trace_ev_parse(const char *name);
/* Decodes r; 1 when it is one of ours, 0 when it is another event. */
int trace_decode(const struct trace_decoder *d, struct tep_record *r, struct trace_rec *out);

/* Exit reason by name as the kernel prints it ("IO_INSTRUCTION", "npf"),
 * else "VMX#n" / "SVM#0xn" / "reason n"; buf holds the composed name. */
const char *trace_exit_reason_name(uint32_t isa, uint32_t reason, char *buf, size_t len);
/* Every name of our VMX (isa 1) or SVM (isa 2) table, for cross-checks. */
const char *trace_exit_reason_lookup(uint32_t isa, uint32_t reason);
const char *trace_isa_name(uint32_t isa); /* "vmx", "svm", "unknown" */
/* "port 0x0e4 write", "gpa 0xc0000000 write", "KVM_EXIT_IO", ... */
void trace_key_describe(enum trace_ev ev, uint64_t k1, uint64_t k2, char *buf, size_t len);

/* ---- a hash of (a, b) keys to dense indexes (keytab.c) ---- */
struct keytab_slot;
struct keytab {
	struct keytab_slot *slot;
	size_t cap, n;
};

/* Index of (a, b); absent keys get the next index n (*added true).  -1: ENOMEM. */
long keytab_get(struct keytab *t, uint64_t a, uint64_t b, bool *added);
void keytab_free(struct keytab *t);

/* ---- kvm_exit -> kvm_entry pairing per vCPU thread (pair.c) ---- */
struct pair_counts {
	uint64_t paired;
	uint64_t exit_without_entry; /* a second exit came first: the entry was not seen */
	uint64_t entry_without_exit; /* no exit pending (trace start, or the exit was lost) */
	uint64_t out_of_order;	     /* entry stamped before the pending exit: ignored */
	uint64_t dropped_at_loss;    /* pending exits discarded when the kernel lost events */
	uint64_t pending_at_end;     /* exits still in handling when tracing stopped */
};

struct pair_vcpu;
struct pairer {
	struct keytab tab;
	struct pair_vcpu *v;
	size_t cap;
	struct pair_counts c;
};

struct pair_out {
	uint32_t isa, reason;
	uint64_t ns;
};

int pair_exit(struct pairer *p, const struct trace_rec *r); /* 0, or -1 ENOMEM */
/* 1 with *out filled when r closes a pending exit, 0 when not, -1 ENOMEM. */
int pair_entry(struct pairer *p, const struct trace_rec *r, struct pair_out *out);
/* The kernel lost events: no pending exit can be trusted to pair. */
void pair_loss(struct pairer *p);
void pair_finish(struct pairer *p);
void pair_free(struct pairer *p);

/* ---- log2 histograms (hist.c) ---- */
#define HIST_BUCKETS 64

/* Bucket 0 holds [0, 2), bucket i >= 1 holds [2^i, 2^(i+1)). */
struct log2_hist {
	uint64_t b[HIST_BUCKETS];
	uint64_t n;
};

void hist_add(struct log2_hist *h, uint64_t v);
unsigned int hist_bucket(uint64_t v);
uint64_t hist_lo(unsigned int i);
uint64_t hist_hi(unsigned int i); /* exclusive; UINT64_MAX for the last */
/* One line per bucket from the first to the last nonempty one, with bars. */
void hist_print(const struct log2_hist *h, const char *unit, FILE *f);

/* ---- what a trace collected (collect.c) ---- */
/* Quantiles keep every duration up to this many per reason, then a uniform
 * random sample of this size (reservoir); n, min, max, mean, stddev and the
 * histogram stay exact. */
#define TRACE_MAX_DURATIONS (1u << 22)

struct reason_stat {
	uint32_t isa, reason;
	uint64_t exits;	 /* kvm_exit events */
	uint64_t paired; /* of which durations were measured */
	uint64_t min, max;
	double mean, m2, total_ns; /* Welford, exact over every paired exit */
	struct log2_hist hist;
	uint64_t *dur;
	size_t ndur, capdur;
	struct summary sum; /* from trace_data_finish; min/max/mean/stddev exact */
	bool sampled;	    /* quantiles from a reservoir sample */
};

struct trace_key_count {
	enum trace_ev ev;
	uint64_t k1, k2, count;
};

struct trace_data {
	uint64_t events[TEV_COUNT];
	uint64_t loss_markers;	/* records that said events were lost before them */
	uint64_t missed_events; /* the sum of the counts they gave (unknown counts: 0) */
	uint64_t first_ts, last_ts;
	struct pairer pair;
	struct keytab reason_tab, cause_tab;
	struct reason_stat *reasons;
	size_t nreasons, capreasons;
	struct trace_key_count *causes;
	size_t ncauses, capcauses;
	uint64_t rng;
	bool oom; /* memory ran out: counts are complete, some durations are not */
};

void trace_data_init(struct trace_data *d);
/* Adds one record; 0, or -1 (ENOMEM, sticky in d->oom). */
int trace_data_add(struct trace_data *d, const struct trace_rec *r);
/* Closes pairing, summarises durations, sorts reasons and causes by count. */
int trace_data_finish(struct trace_data *d);
void trace_data_free(struct trace_data *d);

/* ---- per-event counts for `exitbench run --trace` (counts.c) ---- */
#define TRACE_MAX_KEYS 256

struct trace_counts {
	uint64_t events[TEV_COUNT]; /* every record of each event */
	bool enabled[TEV_COUNT];    /* the kernel has the event and it was enabled */
	uint64_t lost;		    /* the kernel's overrun + dropped events (per-CPU stats) */
	uint64_t loss_markers;	    /* records that said events were lost before them */
	struct trace_key_count keys[TRACE_MAX_KEYS]; /* largest counts first */
	unsigned int nkeys;
	uint64_t keys_left_out; /* distinct keys past TRACE_MAX_KEYS */
};

void trace_counts_fill(const struct trace_data *d, struct trace_counts *c);
/* Count of one key, e.g. (TEV_PIO, 0xe4, 1): writes to port 0xe4; 0 if absent. */
uint64_t trace_counts_get(const struct trace_counts *c, enum trace_ev ev, uint64_t k1, uint64_t k2);

/* ---- a tracing session (session.c, instance.c) ---- */
struct trace_opts {
	pid_t pid;		 /* 0: every VM; else this process's threads and their children */
	unsigned int events;	 /* bit (1 << TEV_*) per event to enable; 0: every one */
	unsigned int buffer_kb;	 /* ring buffer per CPU; 0: trace_default_buffer_kb() */
	unsigned int poll_ms;	 /* reader period; 0: TRACE_DEFAULT_POLL_MS */
	FILE *record;		 /* NULL, or every record as text (trace_record_write) */
	const char *tracing_dir; /* NULL: find it, mounting tracefs where needed */
};

/* The default ring buffer: TRACE_BUFFER_TOTAL_KB over the online CPUs,
 * 4 to 32 MiB each.  Large, so that a reader that is not scheduled for a
 * while (2 CPUs, one busy with the vCPU) loses nothing. */
#define TRACE_BUFFER_TOTAL_KB (128u * 1024)
unsigned int trace_default_buffer_kb(void);
#define TRACE_DEFAULT_POLL_MS 100
#define TRACE_INSTANCE_PREFIX "exitbench-"

struct trace_info {
	char tracing_dir[256];
	char instance[64];
	char clock[16];		 /* the instance's trace clock: "mono" where the kernel has it */
	bool mounted;		 /* this session mounted tracefs (and unmounts it) */
	bool present[TEV_COUNT]; /* the kernel has the event */
	bool enabled[TEV_COUNT]; /* present and enabled in the instance */
	uint64_t lost;		 /* overrun + dropped_events over every CPU, read at stop */
	double seconds;		 /* wall time the events were enabled */
	char notes[512];	 /* what the session did besides tracing ("" if nothing) */
};

struct trace_session;

struct trace_session *trace_session_open(const struct trace_opts *o);
/* Stops the reader, disables the events, drains the rest, reads the lost
 * counts and finishes the data.  Idempotent. */
int trace_session_stop(struct trace_session *s);
struct trace_data *trace_session_data(struct trace_session *s);
const struct trace_info *trace_session_info(const struct trace_session *s);
/* Destroys the instance (stopping first), unmounts what it mounted, frees. */
void trace_session_close(struct trace_session *s);

/* The counts of `exitbench run --trace`: stops s and fills *out; 0, or -1
 * with eb_error(). */
int trace_stop_collect(struct trace_session *s, struct trace_counts *out);

/* Removes instances left by exitbench processes that no longer exist;
 * returns how many, or -1.  Names them in note. */
int trace_remove_stale_instances(const char *tracing_dir, char *note, size_t len);
/* Is name an instance of an exitbench of our PID namespace that is gone
 * (its PID absent, or started at another time)?  Instances of other
 * namespaces and of older exitbench versions are never judged stale. */
bool trace_instance_stale(const char *name);
/* 0 when this process may trace (root or CAP_SYS_ADMIN), else -1 with
 * eb_error() saying what is needed. */
int trace_need_privilege(void);

/* (instance.c, for session.c) The tracefs mount point, mounting tracefs on
 * /sys/kernel/tracing where none is mounted (*mounted then true). */
int tracing_dir_get(char *dir, size_t len, bool *mounted);
/* Unmounts it again, unless other instances are in use (note says). */
void tracing_dir_put(const char *dir, char *note, size_t len);
struct tracefs_instance;
/* A new instance "exitbench-<pid>-<n>-<pid namespace inode>-<start time>"; name gets its name. */
struct tracefs_instance *instance_create_ours(char *name, size_t len);

/* A record as one line: "<event> <cpu> <ts> <missed> <pid> <hex data>". */
void trace_record_write(FILE *f, const char *event, const struct tep_record *r, int pid);

/* ---- output (report.c, json.c) ---- */
struct trace_target {
	pid_t pid;	     /* -p, or the COMMAND's pid; 0 for every VM */
	const char *command; /* the COMMAND as one string, or NULL */
	int command_status;  /* its wait status, -1 when still running / none */
	bool terminated;     /* exitbench sent it SIGTERM when -d ended */
	const char *backend; /* the KVM backend's name (vmx, svm, ...), or NULL */
	const char *module;  /* the vendor module it comes from, or NULL */
	const char *kernel;
	const char *command_line; /* exitbench's own */
	const char *tool_version; /* the caller's build version, for "tool" */
};

void trace_print_report(const struct trace_data *d, const struct trace_info *i,
			const struct trace_target *t, FILE *f);
/* The exitbench-trace/1 document (docs/trace.md), written atomically. */
int trace_write_json(const struct trace_data *d, const struct trace_info *i,
		     const struct trace_target *t, const char *path);

#endif
