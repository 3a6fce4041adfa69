/* SPDX-License-Identifier: MIT */
/*
 * exitbench check: functional checks of exit paths.  Each check runs one
 * guest op (guests/checks.c) in a fresh VM; the VMM logs every exit it
 * sees, answers reads with known values, and afterwards compares what
 * arrived with what was expected.  The first mismatch is the reason.
 */
#ifndef EXITBENCH_CHECK_H
#define EXITBENCH_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guests/protocol.h"
#include "minivmm/minivmm.h"

enum check_status { CHECK_PASS, CHECK_FAIL, CHECK_SKIP };

/* What --inject NAME corrupts (a test switch: the check must then fail). */
enum check_inject {
	INJECT_DELIVERED, /* the first value the VMM hands to the guest */
	INJECT_RECORDED,  /* the VMM's record of the first value the guest sent */
	INJECT_CUSTOM,	  /* the check's own hooks look at ctx->inject */
};

struct check_ctx;

struct check_def {
	const char *name;
	const char *what; /* one line: what must hold */
	uint32_t op;	  /* guests/protocol.h enum check_op */
	enum check_inject inject;
	const char *inject_what; /* what --inject NAME does */
	/* NULL when this host can run it, else why not (after the VM exists). */
	const char *(*unsupported)(struct check_ctx *c);
	/* Before the guest runs: CPUID, capabilities, slots, args, data page. */
	int (*setup)(struct check_ctx *c);
	/* The guest rang CHECK_STEP_PORT with n (already logged); -1 fails. */
	int (*step)(struct check_ctx *c, uint32_t n);
	/* After DONE: compare, check_fail() on a mismatch. */
	void (*verify)(struct check_ctx *c);
	/* After an HLT exit (already logged). */
	int (*on_hlt)(struct check_ctx *c);
	/* The guest run failed (not the watchdog, not a signal): true, with why,
	 * only when the failure shows this backend cannot execute the
	 * instruction under test; the check is then skipped as unsupported. */
	bool (*backend_lacks)(struct check_ctx *c, char *why, size_t len);
	/* Appended to the reason when the guest run itself fails. */
	const char *hint;
	/* A test switch (tests/check.t): runs only when named in --only. */
	bool hidden;
};

enum check_ev_kind { EV_IO, EV_MMIO, EV_HLT, EV_HYPERCALL, EV_RDMSR, EV_WRMSR, EV_STEP };

/* One exit the VMM saw (the doorbells that end a run are not logged). */
struct check_event {
	enum check_ev_kind kind;
	bool write;	  /* out, MMIO write, WRMSR */
	uint64_t addr;	  /* port, gpa, MSR index, hypercall nr, step number */
	uint32_t size;	  /* I/O access size, MMIO length, 8 for MSR/hypercall */
	uint32_t count;	  /* I/O element count, else 1 */
	uint64_t args[3]; /* hypercall arguments */
	uint32_t reason;  /* MSR exit reason */
	size_t off, len;  /* data in the log: what the guest sent or the VMM answered */
};

#define CHECK_REASON_LEN 512
#define CHECK_INFO_LEN	 4096 /* informational notes, one per line */

struct check_ctx {
	struct vm vm;
	struct vcpu *vcpu;
	const struct check_def *def;
	const struct backend *backend;
	const char *why; /* the check's unsupported(): what this host lacks */
	bool inject, injected;
	uint64_t args[MAILBOX_ARGS];
	struct check_event *ev;
	unsigned int nev, evcap;
	uint8_t *data;
	size_t dlen, dcap;
	uint64_t answer_seq;	  /* answers are check_pattern(seq++) bytes */
	struct kvm_regs hlt_regs; /* registers at the last HLT exit */
	void *mem[MVM_MAX_SLOTS]; /* host memory of the check's own slots */
	size_t mem_size[MVM_MAX_SLOTS];
	void *priv;   /* a check's own state, freed with the context */
	bool aborted; /* the guest rang DB_ABORT (its reason is in the mailbox) */
	bool failed;
	char reason[CHECK_REASON_LEN];
	char note[256];
	char info[CHECK_INFO_LEN];
};

struct check_outcome {
	const struct check_def *def;
	enum check_status status;
	char reason[CHECK_REASON_LEN]; /* why it failed or was skipped */
	char note[256];		       /* what was seen, when it passed */
	char info[CHECK_INFO_LEN];     /* notes whatever the status, one per line */
};

extern const struct check_def *const check_table[];
extern const unsigned int check_count;
const struct check_def *check_find(const char *name);

/* Runs one check in a fresh VM; out says pass/fail/skip and why. */
void check_run(struct kvm_sys *kvm, const struct backend *b, const struct check_def *d, bool inject,
	       unsigned int timeout_s, struct check_outcome *out);

/* ---- for the checks (check_*.c) ---- */
void check_fail(struct check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_note(struct check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds an informational line (printed as `note: ...`) that changes no verdict. */
void check_info(struct check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
volatile struct mailbox *check_mailbox(struct check_ctx *c);
/* Host address of CHECK_DATA_GPA + off (len bytes), or NULL. */
void *check_data(struct check_ctx *c, uint64_t off, size_t len);
/* A fresh anonymous slot of size bytes at gpa; its memory in c->mem[slot]. */
int check_add_slot(struct check_ctx *c, uint32_t slot, uint64_t gpa, size_t size, uint32_t flags);
/* Byte i of the answer stream: well mixed, odd, so never 0. */
uint8_t check_pattern(uint64_t i);
/* The event's first up-to-8 data bytes as a little-endian value. */
uint64_t check_ev_value(const struct check_ctx *c, const struct check_event *e);
void check_event_str(const struct check_event *e, char *buf, size_t len);
/* Event i must match want in kind, direction, address, size, count (not
 * data); else check_fail naming `what`, the expected and the seen exit. */
bool check_expect(struct check_ctx *c, unsigned int i, const struct check_event *want,
		  const char *what);
/* Events from *i on that continue one access: same kind, direction and
 * address (I/O) or contiguous addresses (MMIO); their element counts and
 * bytes are summed into *count and buf (at most cap bytes). */
unsigned int check_run_of(const struct check_ctx *c, unsigned int *i, uint32_t size,
			  uint64_t *count, uint8_t *buf, size_t cap, size_t *len);

extern const struct check_def check_test_hang;
extern const struct check_def check_cpuid, check_cpuid_features, check_pio_out, check_pio_in,
    check_pio_outs, check_pio_ins, check_mmio_write, check_mmio_read, check_mmio_cross, check_hlt,
    check_hypercall, check_rdmsr, check_wrmsr, check_refault, check_dirty;

#endif
