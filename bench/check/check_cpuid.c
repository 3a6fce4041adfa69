/* SPDX-License-Identifier: MIT */
/*
 * The cpuid checks.  cpuid: the guest sees exactly the entries the VMM
 * set (planted hypervisor-range leaves and leaves KVM never changes).
 * cpuid-features: the guest sees the feature leaves exactly as KVM holds
 * them (KVM_GET_CPUID2 right after KVM_SET_CPUID2); every register KVM
 * changed from what the VMM set is reported as a note, not a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/check/check.h"
#include "guests/check_protocol.h"

#define PLANT_BASE 0x40000100u /* a hypervisor-range base KVM does not use */
#define PLANT_LAST 0x40000102u
#define NPLANT	   5
#define MAX_QUERY  16

static const struct {
	uint32_t leaf, index;
	bool indexed;
} planted[NPLANT] = {
    {PLANT_BASE, 0, false}, {PLANT_BASE + 1, 0, false}, {PLANT_LAST, 0, true},
    {PLANT_LAST, 1, true},  {PLANT_LAST, 7, true},
};

/* Leaves compared as KVM_GET_SUPPORTED_CPUID gave them: none of their
 * fields is updated by KVM at run time. */
static const uint32_t kept[][2] = {{0, 0}, {0xd, 2}, {0x80000000, 0}};
/* cpuid-features: the feature-flag leaves a VMM uses to hide features.
 * Leaf 1 is left out: KVM updates OSXSAVE and APIC there at run time. */
static const uint32_t features[][2] = {{7, 0}, {7, 1}, {7, 2}, {0x80000001, 0}};

static const char *const reg_name[4] = {"eax", "ebx", "ecx", "edx"};

struct cpuid_state {
	struct kvm_cpuid2 *expect; /* compared against: the VMM's (cpuid) or KVM's table */
	struct kvm_cpuid2 *set;	   /* what the VMM set (without --inject's change) */
	uint32_t inj_leaf, inj_sub, inj_ebx; /* the entry --inject changed, ebx before */
	bool injected;
};

static size_t table_bytes(uint32_t nent)
{
	return sizeof(struct kvm_cpuid2) + nent * sizeof(struct kvm_cpuid_entry2);
}

static uint32_t reg_of(const struct kvm_cpuid_entry2 *e, int r)
{
	return r == 0 ? e->eax : r == 1 ? e->ebx : r == 2 ? e->ecx : e->edx;
}

static const struct kvm_cpuid_entry2 *find_entry(const struct kvm_cpuid2 *t, uint32_t leaf,
						 uint32_t sub)
{
	for (uint32_t i = 0; i < t->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &t->entries[i];

		if (e->function == leaf &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == sub))
			return e;
	}
	return NULL;
}

static uint32_t plant_value(uint32_t leaf, uint32_t index, int reg)
{
	return 0xc0de0000u ^ ((leaf & 0xff) << 8) ^ (index << 4) ^ ((uint32_t)reg * 0x11111111u);
}

/* Drops any entries in the planted range, then appends ours. */
static void plant(struct kvm_cpuid2 *t)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < t->nent; i++)
		if (t->entries[i].function < PLANT_BASE || t->entries[i].function > PLANT_LAST)
			t->entries[n++] = t->entries[i];
	for (int p = 0; p < NPLANT; p++) {
		struct kvm_cpuid_entry2 *e = &t->entries[n++];

		*e = (struct kvm_cpuid_entry2){
		    .function = planted[p].leaf,
		    .index = planted[p].index,
		    .flags = planted[p].indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0,
		    .eax = plant_value(planted[p].leaf, planted[p].index, 0),
		    .ebx = plant_value(planted[p].leaf, planted[p].index, 1),
		    .ecx = plant_value(planted[p].leaf, planted[p].index, 2),
		    .edx = plant_value(planted[p].leaf, planted[p].index, 3),
		};
		if (p == 0) { /* max leaf of the range and a signature */
			e->eax = PLANT_LAST;
			memcpy(&e->ebx, "Exit", 4);
			memcpy(&e->ecx, "Benc", 4);
			memcpy(&e->edx, "hChk", 4);
		}
	}
	t->nent = n;
}

static bool is_features(const struct check_ctx *c)
{
	return c->def == &check_cpuid_features;
}

static unsigned int write_queries(struct check_ctx *c, const struct kvm_cpuid2 *t,
				  struct check_cpuid *q)
{
	const uint32_t(*list)[2] = is_features(c) ? features : kept;
	size_t nlist = is_features(c) ? sizeof(features) / sizeof(features[0])
				      : sizeof(kept) / sizeof(kept[0]);
	unsigned int n = 0;

	for (size_t i = 0; i < nlist; i++)
		if (find_entry(t, list[i][0], list[i][1]))
			q[n++] = (struct check_cpuid){.leaf = list[i][0], .subleaf = list[i][1]};
	for (int p = 0; p < NPLANT && !is_features(c); p++)
		q[n++] = (struct check_cpuid){.leaf = planted[p].leaf, .subleaf = planted[p].index};
	for (unsigned int i = 0; i < n; i++)
		q[i].eax = q[i].ebx = q[i].ecx = q[i].edx = 0xdeadbeef;
	c->args[0] = n;
	c->args[1] = CHECK_DATA_GPA;
	return n;
}

/* --inject, cpuid: set a table whose planted 0x40000102.1 ebx differs
 * from the one compared against. */
static void inject_set(struct check_ctx *c, struct cpuid_state *st, struct kvm_cpuid2 *set)
{
	struct kvm_cpuid_entry2 *e = (struct kvm_cpuid_entry2 *)find_entry(set, PLANT_LAST, 1);

	if (!e)
		return;
	st->inj_leaf = e->function;
	st->inj_sub = e->index;
	st->inj_ebx = e->ebx;
	e->ebx ^= 0x00100000;
	c->injected = st->injected = true;
}

/* --inject, cpuid-features: the VMM's record of KVM's table gets ebx bit 1
 * of the first feature leaf flipped, a mismatch against what KVM holds. */
static void inject_held(struct check_ctx *c, struct cpuid_state *st, const struct check_cpuid *q)
{
	struct kvm_cpuid_entry2 *e =
	    c->args[0] ? (struct kvm_cpuid_entry2 *)find_entry(st->expect, q[0].leaf, q[0].subleaf)
		       : NULL;

	if (!e)
		return;
	st->inj_leaf = e->function;
	st->inj_sub = e->index;
	st->inj_ebx = e->ebx;
	e->ebx ^= 0x2;
	c->injected = st->injected = true;
}

/* Notes: every register KVM_SET_CPUID2 changed, every entry it dropped or added. */
static void note_adjusted(struct check_ctx *c, const struct kvm_cpuid2 *set,
			  const struct kvm_cpuid2 *held)
{
	for (uint32_t i = 0; i < set->nent; i++) {
		const struct kvm_cpuid_entry2 *s = &set->entries[i];
		const struct kvm_cpuid_entry2 *h = find_entry(held, s->function, s->index);

		if (!h)
			check_info(c, "KVM_SET_CPUID2 dropped leaf 0x%x.%u", s->function, s->index);
		for (int r = 0; h && r < 4; r++)
			if (reg_of(s, r) != reg_of(h, r))
				check_info(
				    c, "KVM_SET_CPUID2 adjusted leaf 0x%x.%u %s 0x%08x -> 0x%08x",
				    s->function, s->index, reg_name[r], reg_of(s, r), reg_of(h, r));
	}
	for (uint32_t i = 0; i < held->nent; i++)
		if (!find_entry(set, held->entries[i].function, held->entries[i].index))
			check_info(c, "KVM_SET_CPUID2 added leaf 0x%x.%u",
				   held->entries[i].function, held->entries[i].index);
}

/* cpuid-features: what KVM holds after KVM_SET_CPUID2 is the expectation. */
static int read_held(struct check_ctx *c, struct cpuid_state *st, uint32_t cap)
{
	st->expect->nent = cap;
	if (vcpu_get_cpuid(c->vcpu, st->expect))
		return -1;
	note_adjusted(c, st->set, st->expect);
	return 0;
}

/* The state and both tables share one block: c->priv frees them all. */
static struct cpuid_state *state_new(const struct kvm_cpuid2 *set)
{
	size_t bytes = table_bytes(set->nent);
	struct cpuid_state *st = calloc(1, sizeof(*st) + 2 * bytes);

	if (!st) {
		eb_fail_errno("copy the CPUID table (%zu bytes)", 2 * bytes);
		return NULL;
	}
	st->set = (struct kvm_cpuid2 *)(st + 1);
	st->expect = (struct kvm_cpuid2 *)((char *)st->set + bytes);
	memcpy(st->set, set, bytes);
	memcpy(st->expect, set, bytes);
	return st;
}

/* Planted: the queries and --inject use the table the VMM sets.  Features:
 * they use KVM's table, read back once it is set. */
static int cpuid_setup(struct check_ctx *c)
{
	struct kvm_cpuid2 *set = kvm_get_supported_cpuid(c->vm.kvm, NPLANT);
	struct check_cpuid *q = check_data(c, 0, MAX_QUERY * sizeof(*q));
	struct cpuid_state *st;
	int r = -1;

	if (!set || !q) {
		free(set);
		return set ? eb_fail("check %s: no data area", c->def->name) : -1;
	}
	if (!is_features(c))
		plant(set);
	st = c->priv = state_new(set);
	if (st && !is_features(c)) {
		write_queries(c, set, q);
		if (c->inject)
			inject_set(c, st, set);
	}
	if (!st || vcpu_set_cpuid(c->vcpu, set))
		r = -1;
	else if (!is_features(c))
		r = 0;
	else if (read_held(c, st, set->nent) == 0) {
		write_queries(c, st->expect, q);
		if (c->inject)
			inject_held(c, st, q);
		r = 0;
	}
	free(set);
	return r;
}

/* Why the guest saw got (cpuid): what KVM holds now (KVM_GET_CPUID2)
 * tells a table KVM changed from a cpuid that bypassed it. */
static void explain_planted(struct check_ctx *c, const struct check_cpuid *q, int reg, uint32_t got,
			    char *buf, size_t len)
{
	const struct cpuid_state *st = c->priv;
	struct kvm_cpuid2 *t = calloc(1, table_bytes(1024));
	const struct kvm_cpuid_entry2 *e = NULL;
	size_t n = 0;

	if (st->injected && q->leaf == st->inj_leaf && q->subleaf == st->inj_sub && reg == 1)
		n = (size_t)snprintf(buf, len, "--inject: the VMM set 0x%08x; ",
				     st->inj_ebx ^ 0x00100000);
	if (t) {
		t->nent = 1024;
		if (vcpu_get_cpuid(c->vcpu, t) == 0)
			e = find_entry(t, q->leaf, q->subleaf);
	}
	if (!e)
		snprintf(buf + n, len - n, "KVM_GET_CPUID2 has no such entry");
	else if (reg_of(e, reg) == got && n == 0)
		snprintf(buf + n, len - n,
			 "KVM_GET_CPUID2 returns 0x%08x too: KVM changed the table entry", got);
	else
		snprintf(buf + n, len - n, "KVM_GET_CPUID2 returns 0x%08x", reg_of(e, reg));
	free(t);
}

/* Why the guest saw got (cpuid-features): what the VMM set, or --inject. */
static void explain_features(struct check_ctx *c, const struct check_cpuid *q, int reg, char *buf,
			     size_t len)
{
	const struct cpuid_state *st = c->priv;
	const struct kvm_cpuid_entry2 *s = find_entry(st->set, q->leaf, q->subleaf);

	if (st->injected && q->leaf == st->inj_leaf && q->subleaf == st->inj_sub && reg == 1)
		snprintf(buf, len,
			 "--inject: the VMM's record of KVM's table was altered from 0x%08x",
			 st->inj_ebx);
	else if (s)
		snprintf(buf, len, "the VMM set 0x%08x", reg_of(s, reg));
	else
		snprintf(buf, len, "the VMM set no such entry");
}

static void cpuid_verify(struct check_ctx *c)
{
	const struct cpuid_state *st = c->priv;
	const struct check_cpuid *q = check_data(c, 0, MAX_QUERY * sizeof(*q));
	const char *whose = is_features(c) ? "KVM's table, KVM_GET_CPUID2" : "the VMM's table";
	char why[160];

	for (unsigned int i = 0; i < c->args[0]; i++) {
		const struct kvm_cpuid_entry2 *e = find_entry(st->expect, q[i].leaf, q[i].subleaf);
		const uint32_t got[4] = {q[i].eax, q[i].ebx, q[i].ecx, q[i].edx};

		if (!e) {
			check_fail(c, "cpuid 0x%x.%u: not in %s", q[i].leaf, q[i].subleaf, whose);
			return;
		}
		for (int r = 0; r < 4; r++) {
			if (reg_of(e, r) == got[r])
				continue;
			if (is_features(c))
				explain_features(c, &q[i], r, why, sizeof(why));
			else
				explain_planted(c, &q[i], r, got[r], why, sizeof(why));
			check_fail(
			    c, "cpuid 0x%x.%u %s: expected 0x%08x (%s), guest got 0x%08x (%s)",
			    q[i].leaf, q[i].subleaf, reg_name[r], reg_of(e, r), whose, got[r], why);
			return;
		}
	}
	if (c->nev)
		check_fail(c, "cpuid: expected no exit to the VMM, got %u", c->nev);
	if (is_features(c))
		check_note(c, "%llu feature leaves (7.x, 0x80000001) exactly as KVM holds them",
			   (unsigned long long)c->args[0]);
	else
		check_note(c, "%llu (leaf, subleaf) entries as set, %d of them planted by the VMM",
			   (unsigned long long)c->args[0], NPLANT);
}

const struct check_def check_cpuid = {
    .name = "cpuid",
    .what = "the guest sees exactly the CPUID entries the VMM planted (hypervisor-range "
	    "leaves, indexed subleaves) and leaves 0, 0xd.2, 0x80000000 as set",
    .op = OP_CHECK_CPUID,
    .inject = INJECT_CUSTOM,
    .inject_what = "set a table whose 0x40000102.1 ebx differs from the one compared against",
    .setup = cpuid_setup,
    .verify = cpuid_verify,
};

const struct check_def check_cpuid_features = {
    .name = "cpuid-features",
    .what = "the feature leaves (7.x, 0x80000001) the guest sees are exactly KVM's table "
	    "(KVM_GET_CPUID2 after KVM_SET_CPUID2); each register KVM changed from what the "
	    "VMM set is a note",
    .op = OP_CHECK_CPUID,
    .inject = INJECT_CUSTOM,
    .inject_what = "the VMM's record of KVM's table (KVM_GET_CPUID2) has the first feature "
		   "leaf's ebx bit 1 flipped",
    .setup = cpuid_setup,
    .verify = cpuid_verify,
};
