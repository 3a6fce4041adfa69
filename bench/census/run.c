/* SPDX-License-Identifier: MIT */
/*
 * One census cell: one row at one ring in a fresh VM.  The guest
 * (guests/census.c) rings the doorbells of `run` (guests/protocol.h); KVM's
 * binary stats are snapshotted around a calibration (one doorbell) and the
 * timed loop, so the exits of the row itself are the window's delta less
 * its doorbell.  Exits that reach this VMM (port 0xe4, HLT) are counted
 * here.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/census/census.h"
#include "bench/run/runner.h"
#include "guests/census_protocol.h"

struct cell_run {
	struct vm vm;
	struct vcpu *vcpu;
	const struct census_rowdef *row;
	unsigned int nstats;
	uint64_t *snap; /* 4 x nstats: cal0, cal1, begin, end (vcpu then vm stats) */
	bool in_window;
	uint64_t window_doorbells, vmm_exits, window_vmm_exits;
	bool no_support;
	uint64_t need;
};

static volatile struct mailbox *mailbox(struct cell_run *cr)
{
	return vm_gpa_to_hva(&cr->vm, MAILBOX_GPA, sizeof(struct mailbox));
}

static int snapshot(struct cell_run *cr, unsigned int k)
{
	uint64_t *out = cr->snap + (size_t)k * cr->nstats;

	if (kvmstats_read(&cr->vcpu->stats, out))
		return -1;
	return kvmstats_read(&cr->vm.stats, out + cr->vcpu->stats.nvalues);
}

static enum exit_action aborted(struct cell_run *cr)
{
	volatile struct mailbox *mb = mailbox(cr);

	errno = EIO;
	if (mb->abort_reason == ABORT_NO_SUPPORT) {
		cr->no_support = true;
		cr->need = mb->abort_arg;
		errno = ENOTSUP;
		eb_fail("the guest's CPU lacks what row %s needs", cr->row->name);
	} else {
		eb_fail("row %s: guest aborted, reason %llu (arg 0x%llx, RIP 0x%llx, error code "
			"0x%llx)",
			cr->row->name, (unsigned long long)mb->abort_reason,
			(unsigned long long)mb->abort_arg, (unsigned long long)mb->abort_rip,
			(unsigned long long)mb->abort_err);
	}
	return EXIT_ERROR;
}

static enum exit_action doorbell(struct cell_run *cr, uint32_t what)
{
	int r = 0;

	if (mvm_timed_out || mvm_interrupted) {
		errno = EINTR;
		eb_fail("row %s: stopped by a signal", cr->row->name);
		return EXIT_ERROR;
	}
	if (cr->in_window)
		cr->window_doorbells++;
	switch (what) {
	case DB_READY:
		break;
	case DB_CAL_BEGIN:
		r = snapshot(cr, 0);
		break;
	case DB_CAL_END:
		r = snapshot(cr, 1);
		break;
	case DB_BEGIN:
		cr->in_window = true;
		cr->vmm_exits = 0;
		r = snapshot(cr, 2);
		break;
	case DB_END:
		r = snapshot(cr, 3);
		cr->in_window = false;
		cr->window_vmm_exits = cr->vmm_exits;
		break;
	case DB_DONE:
		return EXIT_STOP;
	case DB_ABORT:
		return aborted(cr);
	default:
		errno = EPROTO;
		eb_fail("row %s: unknown doorbell value %u", cr->row->name, what);
		return EXIT_ERROR;
	}
	return r ? EXIT_ERROR : EXIT_CONTINUE;
}

static enum exit_action on_io(void *ctx, struct vcpu *v, uint16_t port, bool out, int size,
			      uint32_t count, uint8_t *data)
{
	struct cell_run *cr = ctx;
	uint32_t val;

	(void)v;
	if (port == DOORBELL_PORT && out && size == 4 && count == 1) {
		memcpy(&val, data, 4);
		return doorbell(cr, val);
	}
	if (port == PIO_USER_PORT) {
		if (!out)
			memset(data, 0, (size_t)size * count);
		cr->vmm_exits++;
		return EXIT_CONTINUE;
	}
	errno = EPROTO;
	eb_fail("row %s: unexpected port I/O: %s port 0x%x size %d", cr->row->name,
		out ? "out" : "in", port, size);
	return EXIT_ERROR;
}

static enum exit_action on_mmio(void *ctx, struct vcpu *v, uint64_t gpa, bool write, int len,
				uint8_t *data)
{
	struct cell_run *cr = ctx;
	uint32_t val;

	(void)v;
	if (gpa == DOORBELL_MMIO_GPA && write && len == 4) {
		memcpy(&val, data, 4);
		return doorbell(cr, val);
	}
	errno = EPROTO;
	eb_fail("row %s: unexpected MMIO %s at gpa 0x%llx", cr->row->name, write ? "write" : "read",
		(unsigned long long)gpa);
	return EXIT_ERROR;
}

static enum exit_action on_target(void *ctx, struct vcpu *v)
{
	struct cell_run *cr = ctx;

	(void)v;
	cr->vmm_exits++;
	return EXIT_CONTINUE;
}

static enum exit_action on_hypercall(void *ctx, struct vcpu *v, struct kvm_run *run)
{
	run->hypercall.ret = 0;
	return on_target(ctx, v);
}

static size_t ram_size(uint64_t iterations)
{
	const size_t two_mib = 2u << 20;
	size_t need = SAMPLES_GPA + iterations * sizeof(uint64_t) + two_mib;

	return (need + two_mib - 1) & ~(two_mib - 1);
}

static int setup(struct kvm_sys *kvm, struct cell_run *cr, int ring, const struct census_params *p)
{
	const struct vm_guest_opts o = {.ram_size = ram_size(p->iterations),
					.image = guest_image_start,
					.image_size = guest_image_size,
					.arg = MAILBOX_GPA};
	volatile struct mailbox *mb;
	int r = vm_create_with_guest(&cr->vm, kvm, &o);

	cr->vcpu = cr->vm.vcpu[0];
	if (r)
		return -1;
	/* before the first KVM_RUN: the snapshots, the command in the mailbox */
	cr->nstats = cr->vcpu->stats.nvalues + cr->vm.stats.nvalues;
	cr->snap = calloc(4 * (size_t)cr->nstats, sizeof(uint64_t));
	if (!cr->snap)
		return eb_fail_errno("allocate %u stat snapshots", cr->nstats);
	mb = mailbox(cr);
	memset((void *)mb, 0, sizeof(*mb));
	mb->magic = MAILBOX_MAGIC;
	mb->op = OP_CENSUS;
	mb->ring = (uint32_t)ring;
	mb->timer = (uint32_t)p->timer;
	mb->iterations = p->iterations;
	mb->warmup = p->warmup;
	mb->samples_gpa = SAMPLES_GPA;
	mb->arg[0] = cr->row->id;
	return 0;
}

/* Stat i over the timed window, less the doorbells rung inside it. */
static double delta(const struct cell_run *cr, unsigned int i)
{
	const uint64_t *c0 = cr->snap, *c1 = c0 + cr->nstats, *s0 = c1 + cr->nstats,
		       *s1 = s0 + cr->nstats;

	return (double)(s1[i] - s0[i]) - (double)cr->window_doorbells * (double)(c1[i] - c0[i]);
}

static void stat_name(const struct cell_run *cr, unsigned int i, char *buf, size_t len)
{
	unsigned int nv = cr->vcpu->stats.nvalues;

	if (i < nv)
		snprintf(buf, len, "%s", kvmstats_name(&cr->vcpu->stats, i));
	else
		snprintf(buf, len, "vm.%s", kvmstats_name(&cr->vm.stats, i - nv));
}

static bool cumulative(const struct cell_run *cr, unsigned int i)
{
	unsigned int nv = cr->vcpu->stats.nvalues;

	return i < nv ? kvmstats_cumulative(&cr->vcpu->stats, i)
		      : kvmstats_cumulative(&cr->vm.stats, i - nv);
}

static void collect_stats(const struct cell_run *cr, struct census_cell *c)
{
	double n = (double)c->iterations;
	int ex = kvmstats_find(&cr->vcpu->stats, "exits");

	c->exits_per_iter = ex >= 0 ? delta(cr, (unsigned int)ex) / n : NAN;
	c->vmm_exits_per_iter = (double)cr->window_vmm_exits / n;
	for (unsigned int i = 0; i < cr->nstats && c->nstats < CENSUS_MAX_STATS; i++) {
		double d;

		if (!cumulative(cr, i))
			continue;
		d = delta(cr, i) / n;
		if (fabs(d) < 0.005)
			continue;
		stat_name(cr, i, c->stats[c->nstats].name, sizeof(c->stats[0].name));
		c->stats[c->nstats++].per_iter = d;
	}
}

static int collect(struct cell_run *cr, struct census_cell *c, uint64_t tsc_khz)
{
	volatile struct mailbox *mb = mailbox(cr);
	size_t n = c->iterations;
	const uint64_t *src = vm_gpa_to_hva(&cr->vm, SAMPLES_GPA, n * sizeof(uint64_t));
	uint64_t *s = malloc(n * sizeof(uint64_t));
	struct summary sum;

	if (!s || !src) {
		free(s);
		return eb_fail_errno("copy %zu samples of row %s", n, cr->row->name);
	}
	memcpy(s, src, n * sizeof(uint64_t));
	if (summarize(s, n, &sum)) {
		free(s);
		return eb_fail_errno("sort %zu samples of row %s", n, cr->row->name);
	}
	free(s);
	c->median = sum.median;
	c->ci_lo = sum.median_ci_lo;
	c->ci_hi = sum.median_ci_hi;
	c->p10 = sum.p10;
	c->p90 = sum.p90;
	c->median_ns = tsc_khz ? sum.median * 1e6 / (double)tsc_khz : NAN;
	c->cpl = (int)mb->result[0];
	c->faults_per_iter = (double)mb->result[1] / (double)n;
	c->vector = mb->result[2] == CENSUS_NO_FAULT ? -1 : (int)mb->result[2];
	c->error = mb->result[3];
	c->obs_valid = mb->result[2] == CENSUS_NO_FAULT;
	c->obs[0] = mb->result[5];
	c->obs[1] = mb->result[6];
	c->cr0 = mb->result[7] & 0xffffffffULL;
	c->cr4 = mb->result[7] >> 32;
	collect_stats(cr, c);
	return 0;
}

static const char *need_name(uint64_t need)
{
	switch (need) {
	case CENSUS_NEED_UMIP:
		return "UMIP (CPUID.7.0:ECX[2])";
	case CENSUS_NEED_XSAVE:
		return "XSAVE (CPUID.1:ECX[26])";
	case CENSUS_NEED_RDTSCP:
		return "RDTSCP (CPUID.80000001:EDX[27])";
	default:
		return "a feature";
	}
}

static void failed(struct cell_run *cr, struct census_cell *c, unsigned int timeout_s)
{
	struct kvm_regs regs = {0};

	c->status = CS_FAILED;
	if (cr->no_support) {
		c->status = CS_SKIPPED;
		snprintf(c->reason, sizeof(c->reason),
			 "unsupported: the guest's CPUID (KVM_GET_SUPPORTED_CPUID) lacks %s",
			 need_name(cr->need));
	} else if (mvm_timed_out) {
		if (cr->vcpu)
			vcpu_get_regs(cr->vcpu, &regs);
		snprintf(c->reason, sizeof(c->reason),
			 "watchdog: no DONE within %u s (guest RIP 0x%llx)", timeout_s,
			 (unsigned long long)regs.rip);
	} else if (mvm_interrupted) {
		snprintf(c->reason, sizeof(c->reason), "interrupted by a signal");
	} else {
		snprintf(c->reason, sizeof(c->reason), "%s", eb_error());
	}
}

void census_run_cell(struct kvm_sys *kvm, const struct census_rowdef *row, int ring,
		     const struct census_params *p, struct census_cell *out)
{
	struct cell_run cr = {.row = row};
	struct exit_handlers h = {
	    .ctx = &cr, .io = on_io, .mmio = on_mmio, .hlt = on_target, .hypercall = on_hypercall};
	uint64_t tsc_khz = 0;
	int r;

	out->ring = ring;
	out->iterations = p->iterations;
	out->warmup = p->warmup;
	cr.vm.fd = -1;
	mvm_timed_out = 0;
	r = setup(kvm, &cr, ring, p);
	if (r == 0) {
		tsc_khz = vcpu_tsc_khz(cr.vcpu);
		mvm_watchdog_arm(cr.vcpu, p->timeout_s, 0);
		r = vcpu_run_loop(cr.vcpu, &h);
		mvm_watchdog_disarm();
	}
	if (r == 0 && collect(&cr, out, tsc_khz) == 0)
		out->status = CS_OK;
	else
		failed(&cr, out, p->timeout_s);
	vm_destroy(&cr.vm);
	free(cr.snap);
}
