/* SPDX-License-Identifier: MIT */
/*
 * mmio-cross: 8-byte accesses across a page boundary.  KVM's emulator
 * splits them at the boundary; what it delivers is checked piece by piece
 * (contiguous, the right total length, the right bytes), not assumed.
 */
#include <stdio.h>
#include <string.h>

#include "bench/check/check.h"
#include "guests/check_protocol.h"

#define CROSS_SLOT 1
#define CROSS_A	   (CHECK_MMIO_GPA + 0x1000 - 4) /* unbacked -> unbacked */
#define CROSS_E	   (CHECK_EDGE_GPA + 0x1000 - 4) /* RAM -> unbacked */
#define CROSS_VA   0x1122334455667788ULL
#define CROSS_VE   0x99aabbccddeeff42ULL

struct phase {
	const char *what;
	bool write;
	uint64_t gpa; /* where the MMIO pieces must start */
	uint32_t len; /* and how many bytes they cover */
};

static const struct phase phases[4] = {
    {"8-byte store across two unbacked pages", true, CROSS_A, 8},
    {"8-byte load across two unbacked pages", false, CROSS_A, 8},
    {"8-byte store across RAM->unbacked", true, CHECK_EDGE_GPA + 0x1000, 4},
    {"8-byte load across RAM->unbacked", false, CHECK_EDGE_GPA + 0x1000, 4},
};

static int cross_setup(struct check_ctx *c)
{
	if (check_add_slot(c, CROSS_SLOT, CHECK_EDGE_GPA, 4096, 0))
		return -1;
	memset(c->mem[CROSS_SLOT], 0xcc, 4096);
	c->args[0] = CROSS_A;
	c->args[1] = CROSS_VA;
	c->args[2] = CROSS_E;
	c->args[3] = CROSS_VE;
	return vcpu_set_cpuid_supported(c->vcpu);
}

static uint64_t le(const uint8_t *b, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && i < 8; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

/* The bytes that must reach the VMM (stores) or the guest (loads). */
static void phase_data(struct check_ctx *c, int p, const uint8_t *seen)
{
	const struct phase *ph = &phases[p];
	volatile struct mailbox *mb = check_mailbox(c);
	const uint8_t *ram = (const uint8_t *)c->mem[CROSS_SLOT] + 0x1000 - 4;
	uint64_t want, got;

	if (p == 0 || p == 2) {
		want = p == 0 ? CROSS_VA : CROSS_VE >> 32;
		got = le(seen, ph->len);
		if (got != want)
			check_fail(c, "%s: expected MMIO data 0x%llx, VMM saw 0x%llx", ph->what,
				   (unsigned long long)want, (unsigned long long)got);
		if (p == 2 && le(ram, 4) != (uint32_t)CROSS_VE)
			check_fail(c, "%s: expected RAM bytes 0x%08x, RAM holds 0x%08llx", ph->what,
				   (uint32_t)CROSS_VE, (unsigned long long)le(ram, 4));
		return;
	}
	want = p == 1 ? le(seen, 8) : le(ram, 4) | le(seen, 4) << 32;
	got = mb->result[p == 1 ? 0 : 1];
	if (got != want)
		check_fail(c, "%s: expected 0x%llx (%s), guest got 0x%llx", ph->what,
			   (unsigned long long)want,
			   p == 1 ? "the VMM's pieces" : "RAM low half, VMM's high half",
			   (unsigned long long)got);
}

static void pieces_str(const struct check_ctx *c, unsigned int from, unsigned int to, char *buf,
		       size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned int i = from; i < to && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u", i > from ? "+" : "",
					 c->ev[i].size);
}

/* Step p+1, then the pieces of phase p; returns false on a failure. */
static bool one_phase(struct check_ctx *c, int p, unsigned int *i, char *split, size_t slen)
{
	const struct phase *ph = &phases[p];
	const struct check_event step = {
	    .kind = EV_STEP, .write = true, .addr = (uint64_t)p + 1, .size = 4, .count = 1};
	const struct check_event *e;
	unsigned int first;
	uint64_t count;
	uint8_t seen[16];
	size_t len;
	char got[160] = "nothing";

	if (!check_expect(c, *i, &step, "mmio-cross phases"))
		return false;
	first = ++(*i);
	e = first < c->nev ? &c->ev[first] : NULL;
	if (!e || e->kind != EV_MMIO || e->write != ph->write || e->addr != ph->gpa) {
		if (e)
			check_event_str(e, got, sizeof(got));
		check_fail(c, "%s: expected MMIO %s pieces from gpa 0x%llx, got %s", ph->what,
			   ph->write ? "write" : "read", (unsigned long long)ph->gpa, got);
		return false;
	}
	check_run_of(c, i, 0, &count, seen, sizeof(seen), &len);
	pieces_str(c, first, *i, split, slen);
	if (len != ph->len) {
		check_fail(c,
			   "%s: expected MMIO pieces covering %u bytes from 0x%llx, got %zu "
			   "(pieces %s)",
			   ph->what, ph->len, (unsigned long long)ph->gpa, len, split);
		return false;
	}
	phase_data(c, p, seen);
	return !c->failed;
}

static void cross_verify(struct check_ctx *c)
{
	char split[4][32];
	unsigned int i = 0;

	for (int p = 0; p < 4; p++)
		if (!one_phase(c, p, &i, split[p], sizeof(split[p])))
			return;
	if (i != c->nev) {
		char got[160];

		check_event_str(&c->ev[i], got, sizeof(got));
		check_fail(c, "unexpected exit after the last phase: %s", got);
	}
	check_note(c,
		   "unbacked pages: store split %s, load %s; RAM->unbacked: 4 bytes to RAM, "
		   "MMIO store %s, load %s",
		   split[0], split[1], split[2], split[3]);
}

const struct check_def check_mmio_cross = {
    .name = "mmio-cross",
    .what = "8-byte stores and loads across a page boundary (unbacked->unbacked, "
	    "RAM->unbacked) arrive as contiguous MMIO pieces with the right bytes",
    .op = OP_CHECK_MMIO_CROSS,
    .inject = INJECT_RECORDED,
    .inject_what = "the VMM records a corrupted first piece of the first store",
    .setup = cross_setup,
    .verify = cross_verify,
};
