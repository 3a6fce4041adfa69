/* SPDX-License-Identifier: MIT */
/* Checks of stage-2 (EPT/NPT) paths: data survives a zap and re-fault;
 * the dirty log reports exactly the pages written. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench/check/check.h"
#include "guests/check_protocol.h"

/* ---- ept-refault ---- */

#define REFAULT_SLOT  1
#define REFAULT_PAGES 8
#define REFAULT_SEED  0x5eedf00d12345678ULL

static int refault_setup(struct check_ctx *c)
{
	if (check_add_slot(c, REFAULT_SLOT, CHECK_REFAULT_GPA, REFAULT_PAGES * 4096, 0))
		return -1;
	c->args[0] = CHECK_REFAULT_GPA;
	c->args[1] = REFAULT_PAGES;
	c->args[2] = REFAULT_SEED;
	return vcpu_set_cpuid_supported(c->vcpu);
}

/* Step 1: the host pages hold what the guest wrote; drop the mappings. */
static int refault_step(struct check_ctx *c, uint32_t n)
{
	uint64_t *m = c->mem[REFAULT_SLOT];

	if (n != 1)
		return eb_fail("ept-refault: unexpected step %u", n);
	for (uint64_t w = 0; w < REFAULT_PAGES * 512; w++) {
		uint64_t gpa = CHECK_REFAULT_GPA + 8 * w, want = check_word(REFAULT_SEED, gpa);

		if (m[w] != want) {
			check_fail(c,
				   "before the zap, host memory of gpa 0x%llx: expected 0x%llx "
				   "(what the guest wrote), got 0x%llx",
				   (unsigned long long)gpa, (unsigned long long)want,
				   (unsigned long long)m[w]);
			break;
		}
	}
	if (vm_memslot_recreate(&c->vm, REFAULT_SLOT))
		return -1;
	if (c->inject) { /* the VMM loses a word while the mappings are gone */
		m[5 * 512 + 3] ^= 1;
		c->injected = true;
	}
	return 0;
}

static void refault_verify(struct check_ctx *c)
{
	volatile struct mailbox *mb = check_mailbox(c);
	const struct check_event step = {
	    .kind = EV_STEP, .write = true, .addr = 1, .size = 4, .count = 1};

	if (!check_expect(c, 0, &step, "zap request") || c->failed)
		return;
	if (c->nev != 1)
		check_fail(c, "expected only the zap request, got %u exits", c->nev);
	if (mb->result[0])
		check_fail(c,
			   "after the zap and re-fault %llu word(s) differ; first at gpa 0x%llx: "
			   "expected 0x%llx, guest read 0x%llx",
			   (unsigned long long)mb->result[0], (unsigned long long)mb->result[1],
			   (unsigned long long)mb->result[2], (unsigned long long)mb->result[3]);
	check_note(c, "%d pages (%d words) intact after the slot was deleted and re-added",
		   REFAULT_PAGES, REFAULT_PAGES * 512);
}

const struct check_def check_refault = {
    .name = "ept-refault",
    .what = "data the guest wrote is intact after the VMM drops the EPT/NPT mappings "
	    "(slot deleted and re-added) and the guest re-faults",
    .op = OP_CHECK_REFAULT,
    .inject = INJECT_CUSTOM,
    .inject_what = "the VMM flips a bit of one word while the mappings are gone",
    .setup = refault_setup,
    .step = refault_step,
    .verify = refault_verify,
};

/* ---- test-hang-vmm (hidden: tests/check.t) ---- */

/* The VMM busy in a step handler until the watchdog fires: the signal lands
 * between two KVM_RUNs, and only immediate_exit stops the next one. */
static int hang_step(struct check_ctx *c, uint32_t n)
{
	const struct timespec tick = {.tv_nsec = 10 * 1000 * 1000};

	(void)c;
	(void)n;
	while (!mvm_timed_out && !mvm_interrupted)
		nanosleep(&tick, NULL);
	return 0;
}

const struct check_def check_test_hang = {
    .name = "test-hang-vmm",
    .what = "test only: the VMM waits in a step handler until the watchdog fires",
    .op = OP_CHECK_REFAULT,
    .inject = INJECT_CUSTOM,
    .inject_what = "nothing",
    .setup = refault_setup,
    .step = hang_step,
    .verify = refault_verify,
    .hidden = true,
};

/* ---- dirty-log ---- */

#define DIRTY_SLOT  2
#define DIRTY_PAGES 128

/* Round 0 is before any write (the guest only reads): nothing dirty. */
static const uint64_t round1[] = {0, 3, 7, 64};
static const uint64_t round2[] = {3, 100, 127};
static const struct {
	const uint64_t *page;
	unsigned int n;
} rounds[] = {{NULL, 0}, {round1, 4}, {round2, 3}};
#define NROUNDS 2

static int dirty_setup(struct check_ctx *c)
{
	uint64_t *list = check_data(c, 0, 64 * sizeof(uint64_t));
	unsigned int n = 0;

	if (check_add_slot(c, DIRTY_SLOT, CHECK_DIRTY_GPA, DIRTY_PAGES * 4096,
			   KVM_MEM_LOG_DIRTY_PAGES))
		return -1;
	list[n++] = NROUNDS;
	for (int r = 1; r <= NROUNDS; r++) {
		list[n++] = rounds[r].n;
		for (unsigned int i = 0; i < rounds[r].n; i++)
			list[n++] = rounds[r].page[i];
	}
	c->args[0] = CHECK_DIRTY_GPA;
	c->args[1] = DIRTY_PAGES;
	c->args[2] = CHECK_DATA_GPA;
	return vcpu_set_cpuid_supported(c->vcpu);
}

static void page_set_str(const uint64_t *bm, char *buf, size_t len)
{
	size_t used = snprintf(buf, len, "{");

	for (unsigned int p = 0; p < DIRTY_PAGES && used < len; p++)
		if (bm[p / 64] >> (p % 64) & 1)
			used += (size_t)snprintf(buf + used, len - used, "%s%u",
						 used > 1 ? "," : "", p);
	if (used < len)
		snprintf(buf + used, len - used, "}");
}

/* Step r: the log since the last step must be exactly round r's pages. */
static int dirty_step(struct check_ctx *c, uint32_t r)
{
	uint64_t got[DIRTY_PAGES / 64] = {0}, want[DIRTY_PAGES / 64] = {0};
	char ws[256], gs[256];

	if (r > NROUNDS)
		return eb_fail("dirty-log: unexpected step %u", r);
	if (vm_get_dirty_log(&c->vm, DIRTY_SLOT, got))
		return eb_fail("%s (round %u)", eb_error(), r);
	for (unsigned int i = 0; i < rounds[r].n; i++)
		want[rounds[r].page[i] / 64] |= 1ULL << (rounds[r].page[i] % 64);
	if (c->inject && r == 1) { /* the VMM reports a page nobody wrote */
		got[0] |= 1ULL << 5;
		c->injected = true;
	}
	if (memcmp(got, want, sizeof(got))) {
		page_set_str(want, ws, sizeof(ws));
		page_set_str(got, gs, sizeof(gs));
		check_fail(c, "dirty log after round %u: expected pages %s, got %s", r, ws, gs);
	}
	return 0;
}

static void dirty_verify(struct check_ctx *c)
{
	for (unsigned int r = 0; r <= NROUNDS; r++) {
		const struct check_event step = {
		    .kind = EV_STEP, .write = true, .addr = r, .size = 4, .count = 1};

		if (!check_expect(c, r, &step, "dirty-log rounds"))
			return;
	}
	if (c->nev != NROUNDS + 1)
		check_fail(c, "expected only the %d round steps, got %u exits", NROUNDS + 1,
			   c->nev);
	check_note(c, "KVM_GET_DIRTY_LOG: {} after reads only, then {0,3,7,64}, then {3,100,127}");
}

const struct check_def check_dirty = {
    .name = "dirty-log",
    .what = "KVM_GET_DIRTY_LOG reports exactly the pages the guest wrote since the last "
	    "call (reads dirty nothing)",
    .op = OP_CHECK_DIRTY,
    .inject = INJECT_CUSTOM,
    .inject_what = "the VMM adds page 5 to the first round's dirty log",
    .setup = dirty_setup,
    .step = dirty_step,
    .verify = dirty_verify,
};
