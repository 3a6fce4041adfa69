/* SPDX-License-Identifier: MIT */
/*
 * One class, one fresh VM: load the guest, post the command in the
 * mailbox, run until DONE, then turn the sample buffer and KVM's counters
 * into a class_result.  The doorbell protocol is in guests/protocol.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench/result/result.h"
#include "bench/run/runner.h"
#include "guests/protocol.h"

/* One iteration never needs a second of CPU, even under an emulator. */
#define PREFLIGHT_CPU_S 1
/* Prepares run alone to measure their counter footprint. */
#define PREP_CAL_MAX 1000

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int snapshot(struct class_run *cr, uint64_t *out)
{
	if (kvmstats_read(&cr->vcpu->stats, out))
		return -1;
	return kvmstats_read(&cr->vm.stats, out + cr->vcpu->stats.nvalues);
}

static enum exit_action guest_aborted(struct class_run *cr)
{
	volatile struct mailbox *mb = vm_gpa_to_hva(&cr->vm, MAILBOX_GPA, sizeof(*mb));

	errno = EIO;
	if (mb->abort_reason == ABORT_NO_SUPPORT) {
		errno = ENOTSUP;
		eb_fail("the guest's CPUID lacks what %s needs", cr->cls->name);
	} else if (mb->abort_reason == ABORT_EXCEPTION)
		eb_fail("class %s: guest exception vector %llu (error code 0x%llx) at RIP 0x%llx",
			cr->cls->name, (unsigned long long)mb->abort_arg,
			(unsigned long long)mb->abort_err, (unsigned long long)mb->abort_rip);
	else
		eb_fail("class %s: guest aborted, reason %llu (arg 0x%llx)", cr->cls->name,
			(unsigned long long)mb->abort_reason, (unsigned long long)mb->abort_arg);
	return EXIT_ERROR;
}

static enum exit_action doorbell(struct class_run *cr, uint32_t what)
{
	int r = 0;

	if (cr->in_window)
		cr->window_doorbells++;
	if (cr->in_prep)
		cr->prep_doorbells++;
	switch (what) {
	case DB_READY:
		break;
	case DB_PREP_BEGIN:
		cr->in_prep = true;
		r = snapshot(cr, cr->snap_prep0);
		break;
	case DB_PREP_END:
		r = snapshot(cr, cr->snap_prep1);
		cr->in_prep = false;
		cr->prep_n =
		    cr->res->iterations < PREP_CAL_MAX ? cr->res->iterations : PREP_CAL_MAX;
		break;
	case DB_CAL_BEGIN:
		r = snapshot(cr, cr->snap_cal0);
		break;
	case DB_CAL_END:
		r = snapshot(cr, cr->snap_cal1);
		break;
	case DB_BEGIN:
		cr->in_window = true;
		cr->t_begin = now_s();
		r = snapshot(cr, cr->snap0);
		if (cr->res->perf)
			perfctr_enable(cr->res->perf);
		break;
	case DB_END:
		if (cr->res->perf)
			perfctr_disable(cr->res->perf);
		r = snapshot(cr, cr->snap1);
		cr->t_end = now_s();
		cr->in_window = false;
		break;
	case DB_REZAP:
		cr->res->rezaps++;
		r = cr->cls->rezap ? cr->cls->rezap(cr) : 0;
		break;
	case DB_DONE:
		return EXIT_STOP;
	case DB_ABORT:
		return guest_aborted(cr);
	default:
		errno = EPROTO;
		eb_fail("class %s: unknown doorbell value %u", cr->cls->name, what);
		return EXIT_ERROR;
	}
	return r ? EXIT_ERROR : EXIT_CONTINUE;
}

/* An exit of this kind at this port, address, MSR or hypercall number is
 * the class's target (its row's .target). */
static bool is_target(const struct class_run *cr, enum target_kind kind, uint64_t addr)
{
	const struct class_target *t = &cr->cls->target;

	return t->kind == kind && (kind == TARGET_HLT || t->addr == addr);
}

/* An exit for the class's own target: ours to count. */
static enum exit_action target_exit(struct class_run *cr, const struct vcpu *v)
{
	breakdown_note_reentry(cr, v);
	if (cr->in_window)
		breakdown_note_exit(cr, v, cr->vmm_exits++);
	return EXIT_CONTINUE;
}

static enum exit_action unexpected(struct class_run *cr, const char *what, uint64_t addr)
{
	errno = EPROTO;
	eb_fail("class %s: unexpected %s exit (0x%llx)", cr->cls->name, what,
		(unsigned long long)addr);
	return EXIT_ERROR;
}

static enum exit_action on_io(void *ctx, struct vcpu *v, uint16_t port, bool out, int size,
			      uint32_t count, uint8_t *data)
{
	struct class_run *cr = ctx;
	uint32_t val;

	if (port == DOORBELL_PORT && out && size == 4 && count == 1) {
		breakdown_note_reentry(cr, v);
		memcpy(&val, data, 4);
		return doorbell(cr, val);
	}
	if (is_target(cr, TARGET_PIO, port)) {
		if (!out)
			memset(data, 0, (size_t)size * count);
		return target_exit(cr, v);
	}
	errno = EPROTO;
	eb_fail("class %s: unexpected port I/O: %s port 0x%x size %d", cr->cls->name,
		out ? "out" : "in", port, size);
	return EXIT_ERROR;
}

static enum exit_action on_mmio(void *ctx, struct vcpu *v, uint64_t gpa, bool write, int len,
				uint8_t *data)
{
	struct class_run *cr = ctx;

	if (gpa == DOORBELL_MMIO_GPA && write && len == 4) {
		uint32_t val;

		breakdown_note_reentry(cr, v);
		memcpy(&val, data, 4);
		return doorbell(cr, val);
	}
	if (is_target(cr, TARGET_MMIO, gpa)) {
		if (!write)
			memset(data, 0, (size_t)len);
		return target_exit(cr, v);
	}
	errno = EPROTO;
	eb_fail("class %s: unexpected MMIO %s at gpa 0x%llx", cr->cls->name,
		write ? "write" : "read", (unsigned long long)gpa);
	return EXIT_ERROR;
}

static enum exit_action on_hypercall(void *ctx, struct vcpu *v, struct kvm_run *run)
{
	if (!is_target(ctx, TARGET_HYPERCALL, run->hypercall.nr))
		return unexpected(ctx, "hypercall", run->hypercall.nr);
	run->hypercall.ret = 0;
	return target_exit(ctx, v);
}

static enum exit_action on_msr(void *ctx, struct vcpu *v, struct kvm_run *run)
{
	if (!is_target(ctx, TARGET_MSR, run->msr.index))
		return unexpected(ctx, "MSR", run->msr.index);
	run->msr.error = 0;
	run->msr.data = 0;
	return target_exit(ctx, v);
}

static enum exit_action on_hlt(void *ctx, struct vcpu *v)
{
	if (!is_target(ctx, TARGET_HLT, 0))
		return unexpected(ctx, "HLT", 0);
	return target_exit(ctx, v);
}

/* Room for the samples (and the aux series) after SAMPLES_GPA. */
static size_t ram_size_for(uint64_t samples, bool aux)
{
	const size_t two_mib = 2u << 20;
	size_t need = SAMPLES_GPA + (aux ? 2 : 1) * samples * sizeof(uint64_t) + two_mib;

	return (need + two_mib - 1) & ~(two_mib - 1);
}

static int post_command(struct class_run *cr)
{
	volatile struct mailbox *mb = vm_gpa_to_hva(&cr->vm, MAILBOX_GPA, sizeof(*mb));

	mb->magic = MAILBOX_MAGIC;
	mb->op = cr->cls->op;
	mb->ring = (uint32_t)cr->p->ring;
	mb->timer = (uint32_t)cr->p->timer;
	mb->iterations = cr->res->iterations;
	mb->warmup = cr->res->warmup;
	mb->samples_gpa = SAMPLES_GPA;
	mb->aux_gpa = cr->cls->aux_name || cr->h_ret ? SAMPLES_GPA + cr->res->iterations * 8 : 0;
	mb->flags = (cr->h_ret ? MB_STORE_T0 : 0) | (cr->p->indirect ? MB_INDIRECT : 0);
	mb->prep_iterations =
	    cr->res->iterations < PREP_CAL_MAX ? cr->res->iterations : PREP_CAL_MAX;
	for (int i = 0; i < MAILBOX_ARGS; i++)
		mb->arg[i] = cr->args[i];
	return 0;
}

static int alloc_snapshots(struct class_run *cr)
{
	cr->nstats = cr->vcpu->stats.nvalues + cr->vm.stats.nvalues;
	cr->snap_cal0 = calloc(6 * (size_t)cr->nstats, sizeof(uint64_t));
	if (!cr->snap_cal0)
		return eb_fail_errno("allocate %u stat snapshots", cr->nstats);
	cr->snap_cal1 = cr->snap_cal0 + cr->nstats;
	cr->snap0 = cr->snap_cal1 + cr->nstats;
	cr->snap1 = cr->snap0 + cr->nstats;
	cr->snap_prep0 = cr->snap1 + cr->nstats;
	cr->snap_prep1 = cr->snap_prep0 + cr->nstats;
	return 0;
}

/* What the row says before its setup hook runs: the op's operand (the
 * target's port, address or MSR) and the least warm-up. */
static void row_defaults(struct class_run *cr)
{
	const struct exit_class *c = cr->cls;
	uint64_t warm = c->min_warmup < cr->res->iterations ? c->min_warmup : cr->res->iterations;

	if (c->target.kind == TARGET_PIO || c->target.kind == TARGET_MMIO ||
	    c->target.kind == TARGET_MSR)
		cr->args[0] = c->target.addr;
	if (cr->res->warmup < warm)
		cr->res->warmup = warm;
}

/* The class's hook that must come before any vCPU (an irqchip). */
static int before_vcpu(struct vm *vm, void *ctx)
{
	struct class_run *cr = ctx;

	(void)vm;
	return cr->cls->vm_setup ? cr->cls->vm_setup(cr) : 0;
}

/* Guest loaded, vCPU 0 not yet entered: the class's set-up, counters,
 * the command posted. */
static int before_entry(struct vm *vm, void *ctx)
{
	struct class_run *cr = ctx;

	cr->vcpu = vm->vcpu[0];
	row_defaults(cr);
	if (cr->cls->setup && cr->cls->setup(cr))
		return -1;
	if (breakdown_wanted(cr->cls) && breakdown_alloc(cr))
		return -1;
	if (cr->p->perf && cr->p->samples > 1) {
		cr->res->perf = perfctr_open(cr->p->perf, 0);
		if (!cr->res->perf)
			return eb_fail_errno("open perf counters for class %s", cr->cls->name);
	}
	if (post_command(cr) || alloc_snapshots(cr))
		return -1;
	cr->res->tsc_khz = vcpu_tsc_khz(cr->vcpu);
	return 0;
}

/* Fresh VM, one vCPU in long mode, guest loaded, command posted. */
static int class_run_setup(struct kvm_sys *kvm, struct class_run *cr)
{
	const struct vm_guest_opts o = {
	    .ram_size =
		ram_size_for(cr->res->iterations, cr->cls->aux_name || breakdown_wanted(cr->cls)),
	    .image = guest_image_start,
	    .image_size = guest_image_size,
	    .arg = MAILBOX_GPA,
	    .ctx = cr,
	    .before_vcpu = before_vcpu,
	    .before_entry = before_entry,
	};

	int r = vm_create_with_guest(&cr->vm, kvm, &o);

	cr->vcpu = cr->vm.vcpu[0];
	if (r)
		return -1;
	return cr->cls->two_vcpus ? ap_start(cr) : 0;
}

static void class_run_teardown(struct class_run *cr)
{
	ap_stop(cr);
	vm_destroy(&cr->vm);
	if (cr->region)
		munmap(cr->region, cr->region_size);
	if (cr->efd >= 0)
		close(cr->efd);
	free(cr->dirty_bitmap);
	free(cr->h_ret);
	free(cr->snap_cal0);
}

/* Stat i per prepare, from the prepares run alone (less their doorbells);
 * 0 for an op whose prepare causes no exits (the guest skips them). */
static double prep_delta(const struct class_run *cr, unsigned int i)
{
	double per_doorbell = (double)(cr->snap_cal1[i] - cr->snap_cal0[i]);
	double d = (double)(cr->snap_prep1[i] - cr->snap_prep0[i]);

	if (!cr->prep_n)
		return 0;
	return (d - (double)cr->prep_doorbells * per_doorbell) / (double)cr->prep_n;
}

/* Stat i over the timed window, less the doorbells rung inside it and the
 * prepares (one per iteration) between its timestamps. */
static double corrected_delta(const struct class_run *cr, unsigned int i)
{
	double window = (double)(cr->snap1[i] - cr->snap0[i]);
	double per_doorbell = (double)(cr->snap_cal1[i] - cr->snap_cal0[i]);

	return window - (double)cr->window_doorbells * per_doorbell -
	       (double)cr->res->iterations * prep_delta(cr, i);
}

static bool stat_cumulative(const struct class_run *cr, unsigned int i)
{
	unsigned int nv = cr->vcpu->stats.nvalues;

	return i < nv ? kvmstats_cumulative(&cr->vcpu->stats, i)
		      : kvmstats_cumulative(&cr->vm.stats, i - nv);
}

static void stat_label(const struct class_run *cr, unsigned int i, char *buf, size_t len)
{
	unsigned int nv = cr->vcpu->stats.nvalues;

	if (i < nv)
		snprintf(buf, len, "%s", kvmstats_name(&cr->vcpu->stats, i));
	else
		snprintf(buf, len, "vm.%s", kvmstats_name(&cr->vm.stats, i - nv));
}

/* Index in the snapshot arrays of a vCPU stat (then a VM stat), or -1. */
static int stat_index(const struct class_run *cr, const char *name)
{
	int i = kvmstats_find(&cr->vcpu->stats, name);

	if (i >= 0)
		return i;
	i = kvmstats_find(&cr->vm.stats, name);
	return i < 0 ? -1 : i + (int)cr->vcpu->stats.nvalues;
}

#define CHECK_TOLERANCE 0.05 /* exits per iteration */

static void verify(const struct class_run *cr, struct class_result *res)
{
	double n = (double)res->iterations;
	int ex = stat_index(cr, "exits");

	res->exits_per_iter = ex >= 0 ? corrected_delta(cr, (unsigned int)ex) / n : NAN;
	res->prep_exits_per_iter = ex >= 0 && cr->prep_n ? prep_delta(cr, (unsigned int)ex) : NAN;
	struct class_check checks[MAX_CHECKS];

	memcpy(checks, cr->cls->checks, sizeof(checks));
	if (cr->cls->checks_for)
		cr->cls->checks_for(cr->backend, checks);
	res->verified = checks[0].stat != NULL;
	for (unsigned int c = 0; c < MAX_CHECKS && checks[c].stat; c++) {
		const struct class_check *ck = &checks[c];
		struct check_result *r = &res->checks[res->nchecks++];
		int i = strcmp(ck->stat, "vmm_exits") ? stat_index(cr, ck->stat) : -2;

		r->stat = ck->stat;
		r->expected = ck->per_iter;
		r->available = i != -1;
		r->measured = i == -2  ? (double)cr->vmm_exits / n
			      : i >= 0 ? corrected_delta(cr, (unsigned int)i) / n
				       : NAN;
		r->at_least = ck->at_least;
		r->at_most = ck->at_least ? ck->at_most : 0;
		r->ok = r->available &&
			(ck->at_least
			     ? r->measured >= r->expected - CHECK_TOLERANCE &&
				   !(r->at_most > 0 && r->measured > r->at_most + CHECK_TOLERANCE)
			     : fabs(r->measured - r->expected) <= CHECK_TOLERANCE);
		if (!r->ok && res->verified) {
			if (r->available && r->at_most > 0)
				snprintf(res->reason, sizeof(res->reason),
					 "%s/iter %.3f, expected %g..%g", ck->stat, r->measured,
					 ck->per_iter, r->at_most);
			else if (r->available)
				snprintf(res->reason, sizeof(res->reason),
					 "%s/iter %.3f, expected %s%g", ck->stat, r->measured,
					 ck->at_least ? ">= " : "", ck->per_iter);
			else
				snprintf(res->reason, sizeof(res->reason),
					 "stat %s not provided by this kernel", ck->stat);
		}
		res->verified = res->verified && r->ok;
	}
}

static void collect_deltas(const struct class_run *cr, struct class_result *res)
{
	for (unsigned int i = 0; i < cr->nstats && res->ndeltas < MAX_STATS; i++) {
		double d;

		if (!stat_cumulative(cr, i))
			continue;
		d = corrected_delta(cr, i);
		if (d == 0)
			continue;
		stat_label(cr, i, res->deltas[res->ndeltas].name, sizeof(res->deltas[0].name));
		res->deltas[res->ndeltas++].per_iter = d / (double)res->iterations;
	}
}

/* The class's second series: summarised only. */
static int collect_aux(struct class_run *cr, struct class_result *res)
{
	size_t n = res->iterations;
	const uint64_t *src =
	    vm_gpa_to_hva(&cr->vm, SAMPLES_GPA + n * sizeof(uint64_t), n * sizeof(uint64_t));
	uint64_t *s = malloc(n * sizeof(uint64_t));
	int r;

	if (!s || !src) {
		free(s);
		return eb_fail_errno("copy %zu %s samples of class %s", n, cr->cls->aux_name,
				     cr->cls->name);
	}
	memcpy(s, src, n * sizeof(uint64_t));
	r = summarize(s, n, &res->aux);
	free(s);
	if (r)
		return eb_fail_errno("sort %zu %s samples", n, cr->cls->aux_name);
	res->has_aux = true;
	return 0;
}

static int collect_samples(struct class_run *cr, struct class_result *res)
{
	size_t n = res->iterations;
	const uint64_t *src = vm_gpa_to_hva(&cr->vm, SAMPLES_GPA, n * sizeof(uint64_t));
	uint64_t *s = malloc(n * sizeof(uint64_t));

	if (!s || !src) {
		free(s);
		return eb_fail_errno("copy %zu samples of class %s", n, cr->cls->name);
	}
	memcpy(s, src, n * sizeof(uint64_t));
	if (summarize(s, n, &res->sum)) {
		free(s);
		return eb_fail_errno("sort %zu samples of class %s", n, cr->cls->name);
	}
	for (int q = 0; q < QUANTILES; q++)
		res->quantiles[q] = quantile_sorted(s, n, (double)q / (QUANTILES - 1));
	if (cr->p->keep_samples)
		res->samples = s;
	else
		free(s);
	return cr->cls->aux_name ? collect_aux(cr, res) : 0;
}

/* KVM_INTERNAL_ERROR_EMULATION on VT-x/AMD-V: no backend limit but a
 * failure (other backends may lack an instruction: a skip). */
static bool emulation_failed(const struct class_run *cr)
{
	const struct kvm_run *run = cr->vcpu ? cr->vcpu->run : NULL;

	return run && run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
	       run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION &&
	       (cr->backend->kind == BACKEND_VMX || cr->backend->kind == BACKEND_SVM);
}

static void fail_reason(struct class_run *cr, struct class_result *res)
{
	struct kvm_regs regs = {0};

	if (errno == EINTR && mvm_timed_out) {
		if (cr->vcpu)
			vcpu_get_regs(cr->vcpu, &regs);
		res->status = CLASS_FAILED;
		snprintf(res->reason, sizeof(res->reason),
			 "watchdog: class %s did not finish within %u s of %s (guest RIP 0x%llx)",
			 cr->cls->name,
			 mvm_timed_out == MVM_WATCHDOG_CPU ? PREFLIGHT_CPU_S : cr->p->timeout_s,
			 mvm_timed_out == MVM_WATCHDOG_CPU ? "CPU time" : "wall time",
			 (unsigned long long)regs.rip);
	} else if (errno == EINTR && mvm_interrupted) {
		res->status = CLASS_INTERRUPTED;
		snprintf(res->reason, sizeof(res->reason), "interrupted by a signal");
	} else if (errno == ENOTSUP && emulation_failed(cr)) {
		res->status = CLASS_FAILED;
		snprintf(res->reason, sizeof(res->reason),
			 "KVM's emulator failed on a hardware backend: %s", eb_error());
	} else if (errno == ENOTSUP) {
		res->status = CLASS_SKIPPED;
		snprintf(res->reason, sizeof(res->reason), "unsupported: %s", eb_error());
	} else {
		res->status = CLASS_FAILED;
		snprintf(res->reason, sizeof(res->reason), "%s", eb_error());
	}
}

static void result_init(struct class_result *res, const struct exit_class *cls,
			const struct run_params *p)
{
	memset(res, 0, sizeof(*res));
	res->cls = cls;
	res->status = CLASS_OK;
	res->iterations = p->samples;
	res->warmup = p->warmup;
	res->ring = p->ring;
	res->net_median = NAN;
	res->exits_per_iter = NAN;
	res->prep_exits_per_iter = NAN;
	res->perf_median = NAN;
}

static int run_class_once(struct kvm_sys *kvm, const struct backend *b,
			  const struct exit_class *cls, const struct run_params *p,
			  struct class_result *res)
{
	struct class_run cr = {.cls = cls, .p = p, .res = res, .backend = b, .efd = -1};
	struct exit_handlers h = {.ctx = &cr,
				  .io = on_io,
				  .mmio = on_mmio,
				  .hlt = on_hlt,
				  .hypercall = on_hypercall,
				  .msr = on_msr};
	const char *why = cls->unsupported ? cls->unsupported(b, kvm) : NULL;
	int r;

	result_init(res, cls, p);
	if (!why && cls->cpl0_only && p->ring == 3)
		why = "needs CPL0 (privileged instruction), not --ring 3";
	if (why) {
		res->status = CLASS_SKIPPED;
		snprintf(res->reason, sizeof(res->reason), "unsupported: %s", why);
		return 0;
	}
	mvm_timed_out = 0;
	r = class_run_setup(kvm, &cr);
	if (r == 0) {
		/* the CPU-time watchdog (preflight): a guest stuck re-executing one
		 * instruction burns CPU; a merely descheduled one does not trip it */
		mvm_watchdog_arm(cr.vcpu, p->timeout_s, p->samples == 1 ? PREFLIGHT_CPU_S : 0);
		r = vcpu_run_loop(cr.vcpu, &h);
		mvm_watchdog_disarm();
		ap_stop(&cr);
		if (cr.ap_error[0] && r == 0) {
			errno = EIO;
			r = eb_fail("class %s: %s", cls->name, cr.ap_error);
		}
	}
	if (r == 0 && cr.h_ret)
		breakdown_compute(&cr, res);
	if (r == 0 && res->perf)
		perfctr_read(res->perf);
	if (r == 0 && collect_samples(&cr, res) == 0) {
		volatile struct mailbox *mb = vm_gpa_to_hva(&cr.vm, MAILBOX_GPA, sizeof(*mb));

		res->cpl = (int)mb->result[MB_RESULT_CPL];
		res->hlt_skips = mb->result[MB_RESULT_HLT_SKIPS];
		verify(&cr, res);
		collect_deltas(&cr, res);
		res->wall_seconds = cr.t_end - cr.t_begin;
	} else {
		fail_reason(&cr, res);
	}
	class_run_teardown(&cr);
	return 0;
}

/*
 * A one-iteration preflight in its own VM first: a class that hangs or
 * fails on this host is reported within seconds, not after the full
 * watchdog of a long run.
 */
#define BUDGET_MIN_SAMPLES 1000

/* Samples that fit the time budget, from the preflight's one iteration. */
static void fit_budget(const struct class_result *pre, struct run_params *p)
{
	double per_iter_s, fit;

	if (p->budget_s <= 0 || !pre->tsc_khz || pre->sum.median <= 0)
		return;
	per_iter_s = pre->sum.median / ((double)pre->tsc_khz * 1e3);
	fit = p->budget_s / per_iter_s;
	if (fit >= (double)p->samples)
		return;
	p->samples = fit > BUDGET_MIN_SAMPLES ? (uint64_t)fit : BUDGET_MIN_SAMPLES;
	if (p->warmup > p->samples / 10)
		p->warmup = p->samples / 10;
}

/*
 * The counters' own pass: the same class, sample count and warm-up in a
 * fresh VM with perf counters around its timed loop.  Its counters and its
 * median (what the counters cost, beside the counter-free timed pass) go
 * into res; its samples do not.
 */
static void counted_pass(struct kvm_sys *kvm, const struct backend *b, const struct exit_class *cls,
			 const struct run_params *timed, struct class_result *res)
{
	struct run_params cp = *timed;
	struct class_result *pass = calloc(1, sizeof(*pass));

	if (!pass) {
		snprintf(res->perf_note, sizeof(res->perf_note), "counted pass: out of memory");
		return;
	}
	cp.keep_samples = false;
	run_class_once(kvm, b, cls, &cp, pass);
	res->perf_pass_ran = pass->iterations + pass->warmup;
	if (pass->status == CLASS_OK && pass->perf) {
		res->perf = pass->perf;
		pass->perf = NULL;
		res->perf_median = pass->sum.median;
		res->perf_iterations = pass->iterations;
	} else {
		snprintf(res->perf_note, sizeof(res->perf_note), "counted pass %s: %.120s",
			 class_status_name(pass->status), pass->reason);
	}
	class_result_free(pass);
	free(pass);
}

int run_class(struct kvm_sys *kvm, const struct backend *b, const struct exit_class *cls,
	      const struct run_params *p, struct class_result *res)
{
	struct run_params pre = *p, main_run = *p;

	if (p->samples > 1) {
		pre.samples = 1;
		pre.warmup = 0;
		pre.keep_samples = false;
		run_class_once(kvm, b, cls, &pre, res);
		if (res->status != CLASS_OK) {
			if (res->status == CLASS_FAILED)
				strncat(res->reason, " [1-iteration preflight]",
					sizeof(res->reason) - strlen(res->reason) - 1);
			res->iterations = p->samples;
			return 0;
		}
		fit_budget(res, &main_run);
	}
	if (!p->perf_inline)
		main_run.perf = NULL; /* the timed pass is counter-free */
	run_class_once(kvm, b, cls, &main_run, res);
	res->budget_limited = main_run.samples < p->samples;
	res->perf_inline = p->perf_inline && p->perf;
	if (res->perf_inline && res->perf) {
		res->perf_median = res->sum.median;
		res->perf_iterations = res->iterations;
	}
	if (p->perf && !p->perf_inline && res->status == CLASS_OK && p->samples > 1 &&
	    !mvm_interrupted) {
		main_run.perf = p->perf;
		counted_pass(kvm, b, cls, &main_run, res);
	}
	return 0;
}

static int by_median(const void *a, const void *b)
{
	double x = ((const struct class_result *)a)->sum.median;
	double y = ((const struct class_result *)b)->sum.median;

	return (x > y) - (x < y);
}

/* The runs of one class, in run order: res becomes the failed or skipped
 * run if there is one, else the run with the middle median; either way it
 * carries every run's median.  all[] is consumed. */
void class_result_merge(struct class_result *all, unsigned int ran, struct class_result *res)
{
	double medians[MAX_REPEAT];
	unsigned int k, pick = ran - 1;

	if (ran == 0 || ran > MAX_REPEAT)
		return;
	for (k = 0; k < ran; k++)
		medians[k] = all[k].sum.median;
	if (all[ran - 1].status == CLASS_OK) {
		qsort(all, ran, sizeof(*all), by_median);
		pick = (ran - 1) / 2;
	}
	*res = all[pick];
	memset(&all[pick], 0, sizeof(all[pick]));
	res->nrepeat = ran;
	memcpy(res->repeat_medians, medians, ran * sizeof(double));
	for (k = 0; k < ran; k++)
		class_result_free(&all[k]);
}

void class_result_free(struct class_result *res)
{
	free(res->samples);
	free(res->bd.parts);
	if (res->perf)
		perfctr_close(res->perf);
	res->samples = NULL;
	res->bd.parts = NULL;
	res->perf = NULL;
}

int probe_timer(struct kvm_sys *kvm, const struct backend *b, unsigned int timeout_s, char *why,
		size_t len)
{
	struct run_params p = {.samples = 1, .timeout_s = timeout_s, .timer = TIMER_RDTSCP};
	struct class_result *res = malloc(sizeof(*res));
	int timer = TIMER_RDTSCP;

	if (!res)
		return TIMER_LFENCE;
	why[0] = 0;
	run_class(kvm, b, class_baseline(), &p, res);
	if (res->status != CLASS_OK) {
		timer = TIMER_LFENCE;
		snprintf(why, len, "rdtscp probe failed: %s", res->reason);
	}
	class_result_free(res);
	free(res);
	return timer;
}

const char *timer_name(int timer)
{
	return timer == TIMER_RDTSCP ? "lfence;rdtsc ... rdtscp;lfence"
				     : "lfence;rdtsc ... lfence;rdtsc;lfence";
}
