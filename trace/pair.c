/* SPDX-License-Identifier: MIT */
/*
 * kvm_exit -> kvm_entry pairing per vCPU thread.  Both events fire in the
 * thread that runs the vCPU (KVM_RUN), so the thread id is the key; a lost
 * record may hide an entry, so every pending exit is dropped when the kernel
 * says events were lost rather than paired with a later entry.
 */
#include <errno.h>
#include <stdlib.h>

#include "trace/trace.h"

struct pair_vcpu {
	uint64_t exit_ts;
	uint32_t isa, reason;
	bool pending;
};

static struct pair_vcpu *vcpu_of(struct pairer *p, const struct trace_rec *r)
{
	bool added;
	long i = keytab_get(&p->tab, (uint64_t)(uint32_t)r->tid, 0, &added);

	if (i < 0)
		return NULL;
	if ((size_t)i >= p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct pair_vcpu *v = realloc(p->v, cap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return NULL;
		}
		p->v = v;
		p->cap = cap;
	}
	if (added)
		p->v[i] = (struct pair_vcpu){0};
	return &p->v[i];
}

int pair_exit(struct pairer *p, const struct trace_rec *r)
{
	struct pair_vcpu *v = vcpu_of(p, r);

	if (!v)
		return -1;
	if (v->pending)
		p->c.exit_without_entry++;
	v->pending = true;
	v->exit_ts = r->ts;
	v->isa = r->isa;
	v->reason = (uint32_t)r->k1;
	return 0;
}

int pair_entry(struct pairer *p, const struct trace_rec *r, struct pair_out *out)
{
	struct pair_vcpu *v = vcpu_of(p, r);

	if (!v)
		return -1;
	if (!v->pending) {
		p->c.entry_without_exit++;
		return 0;
	}
	if (r->ts < v->exit_ts) { /* an earlier entry read late: the exit still waits */
		p->c.out_of_order++;
		return 0;
	}
	v->pending = false;
	p->c.paired++;
	out->isa = v->isa;
	out->reason = v->reason;
	out->ns = r->ts - v->exit_ts;
	return 1;
}

void pair_loss(struct pairer *p)
{
	for (size_t i = 0; i < p->tab.n; i++)
		if (p->v[i].pending) {
			p->v[i].pending = false;
			p->c.dropped_at_loss++;
		}
}

void pair_finish(struct pairer *p)
{
	for (size_t i = 0; i < p->tab.n; i++)
		if (p->v[i].pending) {
			p->v[i].pending = false;
			p->c.pending_at_end++;
		}
}

void pair_free(struct pairer *p)
{
	keytab_free(&p->tab);
	free(p->v);
	p->v = NULL;
	p->cap = 0;
}
