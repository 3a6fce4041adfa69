/* SPDX-License-Identifier: MIT */
/*
 * Host-side breakdown of a userspace exit's round trip.  The guest stores
 * each iteration's start TSC (t0) beside its round trip (t1 - t0); the host
 * stamps its TSC when KVM_RUN returns (the exit reached us) and right before
 * the next KVM_RUN (we send the guest back).  With guest = host * ratio +
 * offset (read from KVM, minivmm/tsc.c) each round trip splits into
 *   exit leg   = ret * ratio + offset - t0      guest -> VMM
 *   handling   = (enter - ret) * ratio          in the VMM
 *   entry leg  = t1 - (enter * ratio + offset)  VMM -> guest
 * which add up to t1 - t0 by construction.  If more than 1% of iterations
 * get a negative part, the offset is not trustworthy: no breakdown.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/run/runner.h"
#include "guests/protocol.h"

bool breakdown_wanted(const struct exit_class *cls)
{
	return cls->handled_in == HANDLED_VMM && !cls->aux_name;
}

int breakdown_alloc(struct class_run *cr)
{
	size_t n = cr->res->iterations;

	cr->h_ret = calloc(2 * n, sizeof(uint64_t));
	if (!cr->h_ret)
		return eb_fail_errno("allocate %zu host timestamps", 2 * n);
	cr->h_enter = cr->h_ret + n;
	return 0;
}

/* The k-th exit of the timed window reached the VMM. */
void breakdown_note_exit(struct class_run *cr, const struct vcpu *v, uint64_t k)
{
	if (!cr->h_ret || k >= cr->res->iterations)
		return;
	cr->h_ret[k] = v->tsc_return;
	cr->pending = k + 1;
}

/* Any later exit: the KVM_RUN that just returned re-entered the guest after
 * the pending one. */
void breakdown_note_reentry(struct class_run *cr, const struct vcpu *v)
{
	if (cr->pending) {
		cr->h_enter[cr->pending - 1] = v->tsc_enter;
		cr->pending = 0;
	}
}

static int split(const struct class_run *cr, const struct tsc_params *t, uint64_t *parts[3])
{
	size_t n = cr->res->iterations;
	const uint64_t *rt = vm_gpa_to_hva((struct vm *)&cr->vm, SAMPLES_GPA, n * 8);
	const uint64_t *t0 = vm_gpa_to_hva((struct vm *)&cr->vm, SAMPLES_GPA + n * 8, n * 8);
	size_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		double ret = (double)cr->h_ret[i] * t->ratio + (double)t->offset;
		double enter = (double)cr->h_enter[i] * t->ratio + (double)t->offset;
		double ex = ret - (double)t0[i], hd = enter - ret;
		double en = (double)(t0[i] + rt[i]) - enter;

		bad += ex < 0 || hd < 0 || en < 0 || !cr->h_enter[i];
		parts[0][i] = ex > 0 ? (uint64_t)llround(ex) : 0;
		parts[1][i] = hd > 0 ? (uint64_t)llround(hd) : 0;
		parts[2][i] = en > 0 ? (uint64_t)llround(en) : 0;
	}
	return bad;
}

/* --raw: the legs per iteration, in iteration order (before sorting). */
static void keep_parts(struct breakdown *bd, uint64_t *parts[3], size_t n)
{
	bd->parts = malloc(3 * n * sizeof(uint64_t));
	for (size_t i = 0; bd->parts && i < n; i++)
		for (int p = 0; p < 3; p++)
			bd->parts[3 * i + (size_t)p] = parts[p][i];
}

static void unavailable(struct breakdown *bd, const char *why)
{
	bd->available = false;
	snprintf(bd->reason, sizeof(bd->reason), "%s", why);
}

void breakdown_compute(struct class_run *cr, struct class_result *res)
{
	struct breakdown *bd = &res->bd;
	struct tsc_params t;
	uint64_t *parts[3] = {0};
	size_t n = res->iterations, bad;

	bd->wanted = true;
	if (cr->vmm_exits != n)
		return unavailable(bd, "not exactly one exit to the VMM per iteration");
	if (vcpu_tsc_params(cr->vcpu, &t))
		return unavailable(bd, t.why);
	bd->offset = t.offset;
	bd->ratio = t.ratio;
	snprintf(bd->offset_source, sizeof(bd->offset_source), "%s", t.offset_source);
	snprintf(bd->ratio_source, sizeof(bd->ratio_source), "%s", t.ratio_source);
	for (int p = 0; p < 3; p++)
		parts[p] = malloc(n * sizeof(uint64_t));
	if (!parts[0] || !parts[1] || !parts[2]) {
		unavailable(bd, "out of memory");
	} else if ((bad = (size_t)split(cr, &t, parts)) * 100 > n) {
		snprintf(bd->reason, sizeof(bd->reason),
			 "guest/host TSC offset not consistent: %zu of %zu iterations get a "
			 "negative part",
			 bad, n);
	} else {
		bd->available = true;
		bd->inconsistent = bad;
		if (cr->p->keep_samples)
			keep_parts(bd, parts, n);
		summarize(parts[0], n, &bd->exit_leg);
		summarize(parts[1], n, &bd->handling);
		summarize(parts[2], n, &bd->entry_leg);
	}
	for (int p = 0; p < 3; p++)
		free(parts[p]);
}
