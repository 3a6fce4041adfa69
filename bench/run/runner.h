/* SPDX-License-Identifier: MIT */
/* Runs one exit class in a fresh VM and collects its samples and counters. */
#ifndef EXITBENCH_RUNNER_H
#define EXITBENCH_RUNNER_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/result/model.h"
#include "bench/run/classes.h"
#include "bench/perf/perfctr.h"
#include "lib/stats.h"
#include "minivmm/minivmm.h"

#define MAX_STATS 128

struct check_result {
	const char *stat;
	double expected, measured;
	bool available; /* the kernel has this stat */
	bool at_least;	/* expected is a lower bound */
	bool ok;
	double at_most; /* with at_least and > 0: an upper bound */
};

struct stat_delta {
	char name[64];
	double per_iter;
};

/* A userspace exit's round trip split at the host's KVM_RUN (breakdown.c). */
struct breakdown {
	bool wanted, available;
	char reason[200]; /* why it is not available */
	int64_t offset;
	double ratio;
	char offset_source[32], ratio_source[48];
	uint64_t inconsistent; /* iterations with a negative part (< 1%) */
	struct summary exit_leg, handling, entry_leg;
	uint64_t *parts; /* with --raw: exit, handling, entry per iteration (3n) */
};

#define RUN_TRACE_EVENTS 16

/* kvm:* tracepoint counts over a class's VMs (run --trace, runtrace.c). */
struct run_trace {
	bool on;
	char error[200];      /* the session could not start or stop */
	uint64_t iterations;  /* preflight + warm-up + timed, over every repeat */
	uint64_t lost;	      /* events the kernel lost */
	unsigned int nevents; /* entries below */
	const char *name[RUN_TRACE_EVENTS];
	bool enabled[RUN_TRACE_EVENTS];
	uint64_t events[RUN_TRACE_EVENTS];
};

/* One class's outcome: everything the writers need. */
struct class_result {
	const struct exit_class *cls;
	enum class_status status;
	char reason[256]; /* why skipped/failed, or the unverified detail */
	uint64_t iterations, warmup;
	int ring;
	struct summary sum;
	double net_median; /* median - null median; NAN when null is missing */
	double quantiles[QUANTILES];
	uint64_t *samples; /* sorted; NULL unless kept (--raw) */
	struct check_result checks[MAX_CHECKS];
	unsigned int nchecks;
	bool verified;
	double exits_per_iter;		     /* the window's: doorbells and prepares subtracted */
	double prep_exits_per_iter;	     /* the prepare's, outside the window; NAN: none */
	struct stat_delta deltas[MAX_STATS]; /* nonzero per-iteration stat deltas */
	unsigned int ndeltas;
	uint64_t tsc_khz;
	double wall_seconds;
	uint64_t rezaps;
	uint64_t hlt_skips;   /* interrupts in sti's shadow (emulators only): hlts skipped */
	int cpl;	      /* the CPL the guest reported for its timed loop (CS.RPL) */
	bool budget_limited;  /* samples cut to fit run_params.budget_s */
	unsigned int nrepeat; /* runs behind this result (--repeat) */
	double repeat_medians[MAX_REPEAT]; /* their medians; this result is the middle one */
	bool has_aux;
	struct summary aux; /* the class's second series (cls->aux_name) */
	struct breakdown bd;
	struct perf_set *perf; /* counted around a timed loop (vCPU 0's thread) */
	bool perf_inline;      /* ... this one's; else a separate counted pass's */
	double perf_median;    /* the counted loop's median; NAN without counters */
	uint64_t perf_iterations, perf_pass_ran; /* its timed iterations; the pass's
						    iterations + warm-up (0 inline) */
	char perf_note[160];			 /* why the counted pass has no counters, or "" */
	struct run_trace trace;
	/* exitbench hw: back-to-back round trips timed as one (the vmlatency mean) */
	bool has_batch;
	double batch_mean;
	uint64_t batch_n;
};

struct run_params {
	const char *kvm_path;
	uint64_t samples, warmup;
	int ring;
	unsigned int timeout_s;
	bool keep_samples;
	int timer;		      /* guests/protocol.h TIMER_* */
	unsigned int repeat;	      /* independent runs per class, fresh VM each */
	int cpu, cpu2;		      /* pinning of vCPU 0 / vCPU 1 threads, -1: none */
	const struct perf_spec *perf; /* counters, or NULL: none */
	bool perf_inline;	      /* counted in the timed pass, not a pass of their own */
	double budget_s;	      /* >0: fewer samples when the preflight says a class
					 would run longer than this (default sample count only) */
	bool cpus_siblings;	      /* cpu and cpu2 are SMT siblings */
	bool indirect;		      /* the op through an indirect call (MB_INDIRECT) */
};

/* Host-side state of one class run; class hooks see it. */
struct class_run {
	struct vm vm;
	struct vcpu *vcpu;
	const struct exit_class *cls;
	const struct run_params *p;
	const struct backend *backend;
	struct class_result *res;
	uint64_t args[8];
	int efd;		   /* ioeventfd's eventfd, or -1 */
	uint64_t *h_ret, *h_enter; /* host TSC per window exit (breakdown) */
	uint64_t pending;	   /* 1 + the exit awaiting its re-entry stamp */
	struct vcpu *ap;	   /* vCPU 1 (two_vcpus classes) */
	pthread_t ap_thread;
	bool ap_started;
	char ap_error[256];
	void *dirty_bitmap; /* KVM_GET_DIRTY_LOG buffer */
	void *region;	    /* fault region host memory */
	size_t region_size;
	/* counters */
	bool in_window, in_prep;
	uint64_t window_doorbells, vmm_exits;
	uint64_t prep_doorbells, prep_n; /* prepare calibration: doorbells, prepares */
	uint64_t *snap_cal0, *snap_cal1, *snap0, *snap1; /* vcpu stats then vm stats */
	uint64_t *snap_prep0, *snap_prep1;		 /* around the prepares alone */
	unsigned int nstats;
	double t_begin, t_end;
};

/* Host-side breakdown of *_user classes (bench/run/breakdown.c). */
bool breakdown_wanted(const struct exit_class *cls);
int breakdown_alloc(struct class_run *cr);
void breakdown_note_exit(struct class_run *cr, const struct vcpu *v, uint64_t k);
void breakdown_note_reentry(struct class_run *cr, const struct vcpu *v);
void breakdown_compute(struct class_run *cr, struct class_result *res);

/* run --trace (bench/run/runtrace.c): a tracefs session around one class. */
struct trace_session;
struct trace_session *run_trace_start(char *err, size_t len);
void run_trace_stop(struct trace_session *s, const char *start_err, struct class_result *res);

/* vCPU 1 of two_vcpus classes (bench/run/ap.c). */
int ap_start(struct class_run *cr);
void ap_stop(struct class_run *cr);

/* The guest image embedded by guests/blob.asm. */
extern const char guest_image_start[];
extern const uint64_t guest_image_size;

/* Runs cls in a fresh VM.  Returns 0 with res filled (status OK or
 * SKIPPED/FAILED/INTERRUPTED with res->reason), -1 only when the host
 * cannot even start (res->reason says why). */
int run_class(struct kvm_sys *kvm, const struct backend *b, const struct exit_class *cls,
	      const struct run_params *p, struct class_result *res);
/* The runs of one class (run order, all OK but maybe the last): res is
 * the failed run or the middle-median one, with every run's median. */
void class_result_merge(struct class_result *all, unsigned int ran, struct class_result *res);
void class_result_free(struct class_result *res);

/*
 * Chooses how the guest timestamps an iteration's end: rdtscp when a probe
 * VM can execute it, else lfence;rdtsc;lfence, with the probe's error in
 * why (some backends' instruction emulators lack rdtscp).
 */
int probe_timer(struct kvm_sys *kvm, const struct backend *b, unsigned int timeout_s, char *why,
		size_t len);
const char *timer_name(int timer);

#endif
