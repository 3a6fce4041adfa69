/* SPDX-License-Identifier: MIT */
/*
 * Perf counters around a class's timed loop (docs/perf.md).
 *
 * Names are resolved when parsed (perfevents.c): perf's generic hardware
 * and software names from our own table, everything else through libpfm4.
 * Counters are opened with perf_event_open(2) on one thread (perfctr.c);
 * an event this host cannot count stays in the set as a slot without a
 * value and with the reason, so every output shows null / n/a, never 0.
 */
#ifndef EXITBENCH_PERFCTR_H
#define EXITBENCH_PERFCTR_H

#include <jansson.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define PERF_MAX_EVENTS 32
#define PERF_NAME_LEN	128
#define PERF_REASON_LEN 192

/* Counted per class unless the user turns perf off: cycles and
 * instructions once in the guest and once in the host, plus software
 * events of the vCPU thread. */
#define PERF_DEFAULT_EVENTS                                                                        \
	"cycles:G,cycles:H,instructions:G,instructions:H,context-switches,cpu-migrations,"         \
	"page-faults"

/* guest: exclude_host=1; host: exclude_guest=1; all: neither. */
enum perf_scope { PERF_SCOPE_ALL, PERF_SCOPE_GUEST, PERF_SCOPE_HOST };

struct perf_event_spec {
	char name[PERF_NAME_LEN]; /* as written, the G/H modifiers removed */
	enum perf_scope scope;
	const char *unit; /* "ns" for the clocks, "" for counts */
	struct perf_event_attr attr;
};

struct perf_spec {
	struct perf_event_spec ev[PERF_MAX_EVENTS];
	unsigned int count;
};

/* ---- names (perfevents.c) ---- */
/*
 * Appends the events of a comma-separated list ("cycles:G,cs,INST_RETIRED.ANY:u")
 * to out (zero it before the first call).  Every name is resolved now.
 * Returns 0, or -1 with eb_error() naming the event:
 * "unknown event 'FOO': event not found (PMUs libpfm4 detected here: ...)".
 */
int perfctr_parse(const char *list, struct perf_spec *out);
/* perfctr_parse for a command-line option: EXIT_OK, or prints
 * "exitbench: <opt>: <why>" and returns EXIT_USAGE. */
int perfctr_parse_opt(const char *opt, const char *list, struct perf_spec *out);
const char *perf_scope_name(enum perf_scope s);

/* ---- counters (perfctr.c) ---- */
struct perf_counter {
	struct perf_event_spec spec;
	int fd;			      /* -1: not counting (reason says why) */
	char reason[PERF_REASON_LEN]; /* "" while the counter is fine */
	uint64_t base[3];	      /* value, enabled, running at enable */
	bool have_value;
	double value;		 /* scaled by enabled/running */
	double running_fraction; /* running / enabled of the window */
	bool multiplexed;	 /* running < enabled: value is an estimate */
};

struct perf_set {
	unsigned int count;
	struct perf_counter c[];
};

/*
 * Opens every event of spec on thread tid (0: the calling thread), any
 * CPU, disabled.  An event that cannot be opened keeps its slot with
 * fd -1 and the reason.  Returns NULL only when memory runs out.
 */
struct perf_set *perfctr_open(const struct perf_spec *spec, pid_t tid);
/* Reset, note the baseline and enable every open counter. */
void perfctr_enable(struct perf_set *s);
void perfctr_disable(struct perf_set *s);
/* Reads the window since perfctr_enable into value/multiplexed; a counter
 * that cannot be read or never ran loses its value and gets a reason. */
void perfctr_read(struct perf_set *s);
void perfctr_close(struct perf_set *s);

/* ---- output (perfout.c) ---- */
/* {"events":[{"name","scope","unit","value","per_iteration","reason",
 *  "multiplexed","running_fraction"}]}; iterations 0 gives null per_iteration. */
json_t *perfctr_json(const struct perf_set *s, uint64_t iterations);
/* "cycles (guest)" */
void perfctr_label(const struct perf_counter *c, char *buf, size_t len);
/* Per-iteration value ("1234", "0.0012", "812 (mux 50%)") or "n/a: <reason>". */
void perfctr_cell(const struct perf_counter *c, uint64_t iterations, char *buf, size_t len);
/* One line per counter: indent, label, cell. */
void perfctr_print(const struct perf_set *s, uint64_t iterations, FILE *out, const char *indent);

#endif
