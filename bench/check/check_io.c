/* SPDX-License-Identifier: MIT */
/* Checks of port I/O and MMIO exits: sizes, directions, string forms,
 * accesses across a page boundary. */
#include <stdio.h>
#include <string.h>

#include "bench/check/check.h"
#include "guests/check_protocol.h"

#define STR_ELEMS   300u     /* elements per rep ins/outs form */
#define STR_SRC_SEQ 1000000u /* pattern offset of the outs source bytes */
#define GUARD	    16u

static const uint32_t io_sizes[3] = {1, 2, 4};
/* Each string buffer straddles a page boundary of the data area. */
static const uint64_t str_off[3] = {0x0f80, 0x2f00, 0x4e00};

/* ---- single port I/O ---- */

static const uint64_t out_vals[3] = {0x3c, 0xbeef, 0xfeedc0de};

static int pio_setup(struct check_ctx *c)
{
	c->args[0] = CHECK_PIO_PORT;
	for (int i = 0; i < 3; i++)
		c->args[1 + i] = out_vals[i];
	return vcpu_set_cpuid_supported(c->vcpu);
}

static void pio_verify(struct check_ctx *c)
{
	static const char *const outs[3] = {"outb", "outw", "outl"}, *const ins[3] = {"inb", "inw",
										      "inl"};
	volatile struct mailbox *mb = check_mailbox(c);
	bool out = c->def->op == OP_CHECK_PIO_OUT;

	for (unsigned int i = 0; i < 3; i++) {
		const struct check_event want = {.kind = EV_IO,
						 .write = out,
						 .addr = CHECK_PIO_PORT,
						 .size = io_sizes[i],
						 .count = 1};
		uint64_t v;

		if (!check_expect(c, i, &want, out ? outs[i] : ins[i]))
			return;
		v = check_ev_value(c, &c->ev[i]);
		if (out && v != out_vals[i])
			check_fail(c, "%s port 0x%x: expected data 0x%llx, VMM saw 0x%llx", outs[i],
				   CHECK_PIO_PORT, (unsigned long long)out_vals[i],
				   (unsigned long long)v);
		if (!out && mb->result[i] != v)
			check_fail(c,
				   "%s port 0x%x: expected 0x%llx (the VMM's answer), guest got "
				   "0x%llx",
				   ins[i], CHECK_PIO_PORT, (unsigned long long)v,
				   (unsigned long long)mb->result[i]);
	}
	if (c->nev != 3)
		check_fail(c, "expected 3 exits, got %u", c->nev);
	check_note(c, "%s sizes 1/2/4 at port 0x%x with the right data", out ? "out" : "in",
		   CHECK_PIO_PORT);
}

const struct check_def check_pio_out = {
    .name = "pio-out",
    .what = "outb/outw/outl exit as KVM_EXIT_IO with the right port, size, count and data",
    .op = OP_CHECK_PIO_OUT,
    .inject = INJECT_RECORDED,
    .inject_what = "the VMM records a corrupted outb value",
    .setup = pio_setup,
    .verify = pio_verify,
};

const struct check_def check_pio_in = {
    .name = "pio-in",
    .what = "inb/inw/inl exit as KVM_EXIT_IO; the guest reads what the VMM wrote",
    .op = OP_CHECK_PIO_IN,
    .inject = INJECT_DELIVERED,
    .inject_what = "the VMM returns a corrupted inb value",
    .setup = pio_setup,
    .verify = pio_verify,
};

/* ---- rep ins / rep outs ---- */

static int str_setup(struct check_ctx *c)
{
	uint8_t *area = check_data(c, 0, 0x6000);

	if (!area)
		return eb_fail("check %s: no data area", c->def->name);
	memset(area, 0xcc, 0x6000);
	c->args[0] = CHECK_PIO_PORT;
	c->args[1] = STR_ELEMS;
	for (int k = 0; k < 3; k++) {
		c->args[2 + k] = CHECK_DATA_GPA + str_off[k];
		if (c->def->op != OP_CHECK_PIO_OUTS)
			continue;
		for (uint32_t j = 0; j < STR_ELEMS * io_sizes[k]; j++)
			area[str_off[k] + j] = check_pattern(STR_SRC_SEQ + k * 4 * STR_ELEMS + j);
	}
	return vcpu_set_cpuid_supported(c->vcpu);
}

static bool first_diff(const uint8_t *a, const uint8_t *b, size_t n, size_t *at)
{
	for (*at = 0; *at < n; (*at)++)
		if (a[*at] != b[*at])
			return true;
	return false;
}

/* The bytes of one form: what the guest sent (outs) or holds (ins). */
static void str_data(struct check_ctx *c, int k, const uint8_t *seen, size_t len)
{
	static const char *const outs[3] = {"outsb", "outsw", "outsl"}, *const ins[3] = {
									    "insb", "insw", "insl"};
	const uint8_t *buf = check_data(c, str_off[k] - GUARD, len + 2 * GUARD);
	bool out = c->def->op == OP_CHECK_PIO_OUTS;
	uint8_t want[4 * STR_ELEMS];
	size_t at;

	if (out) {
		for (size_t j = 0; j < len; j++)
			want[j] = check_pattern(STR_SRC_SEQ + (uint64_t)k * 4 * STR_ELEMS + j);
		if (first_diff(want, seen, len, &at))
			check_fail(c,
				   "rep %s port 0x%x: byte %zu of %zu: expected 0x%02x (what the "
				   "guest wrote), VMM saw 0x%02x",
				   outs[k], CHECK_PIO_PORT, at, len, want[at], seen[at]);
		return;
	}
	if (first_diff(seen, buf + GUARD, len, &at))
		check_fail(c,
			   "rep %s port 0x%x: byte %zu of %zu: expected 0x%02x (the VMM's "
			   "answer), guest buffer holds 0x%02x",
			   ins[k], CHECK_PIO_PORT, at, len, seen[at], buf[GUARD + at]);
	for (size_t g = 0; g < GUARD; g++)
		if (buf[g] != 0xcc || buf[GUARD + len + g] != 0xcc)
			check_fail(c, "rep %s: wrote outside its %zu-byte buffer", ins[k], len);
}

static void str_verify(struct check_ctx *c)
{
	bool out = c->def->op == OP_CHECK_PIO_OUTS;
	const char *form = out ? "outs" : "ins";
	unsigned int i = 0, nex[3] = {0};
	uint8_t seen[4 * STR_ELEMS];

	for (int k = 0; k < 3 && !c->failed; k++) {
		const struct check_event *e = i < c->nev ? &c->ev[i] : NULL;
		uint64_t count;
		size_t len;
		char got[160] = "nothing";

		if (!e || e->kind != EV_IO || e->write != out || e->addr != CHECK_PIO_PORT ||
		    e->size != io_sizes[k]) {
			if (e)
				check_event_str(e, got, sizeof(got));
			check_fail(c,
				   "rep %s size %u: expected exits IO %s port 0x%x size %u, got %s",
				   form, io_sizes[k], out ? "out" : "in", CHECK_PIO_PORT,
				   io_sizes[k], got);
			return;
		}
		nex[k] = check_run_of(c, &i, io_sizes[k], &count, seen, sizeof(seen), &len);
		if (count != STR_ELEMS) {
			check_fail(c,
				   "rep %s size %u: expected %u elements in all, the VMM saw %llu "
				   "in %u exits",
				   form, io_sizes[k], STR_ELEMS, (unsigned long long)count, nex[k]);
			return;
		}
		str_data(c, k, seen, len);
	}
	if (!c->failed && i != c->nev) {
		char got[160];

		check_event_str(&c->ev[i], got, sizeof(got));
		check_fail(c, "rep %s: unexpected exit after the three forms: %s", form, got);
	}
	check_note(c, "rep %s b/w/l: %u elements each, in %u/%u/%u exits", form, STR_ELEMS, nex[0],
		   nex[1], nex[2]);
}

const struct check_def check_pio_outs = {
    .name = "pio-outs",
    .what = "rep outsb/outsw/outsl reach the VMM with port, size, element count and data "
	    "(over however many exits KVM splits them into)",
    .op = OP_CHECK_PIO_OUTS,
    .inject = INJECT_RECORDED,
    .inject_what = "the VMM records a corrupted first byte",
    .setup = str_setup,
    .verify = str_verify,
};

const struct check_def check_pio_ins = {
    .name = "pio-ins",
    .what = "rep insb/insw/insl exit with port, size and count; the guest buffer holds what "
	    "the VMM wrote, nothing outside it changes",
    .op = OP_CHECK_PIO_INS,
    .inject = INJECT_DELIVERED,
    .inject_what = "the VMM returns a corrupted first byte",
    .setup = str_setup,
    .verify = str_verify,
};

/* ---- MMIO sizes ---- */

static const uint32_t mmio_sizes[4] = {1, 2, 4, 8};
static const uint64_t mmio_vals[4] = {0x5c, 0xb00c, 0xfeedface, 0x8877665544332211ULL};

static int mmio_setup(struct check_ctx *c)
{
	c->args[0] = CHECK_MMIO_GPA;
	for (int i = 0; i < 4; i++)
		c->args[1 + i] = mmio_vals[i];
	return vcpu_set_cpuid_supported(c->vcpu);
}

static void mmio_verify(struct check_ctx *c)
{
	volatile struct mailbox *mb = check_mailbox(c);
	bool wr = c->def->op == OP_CHECK_MMIO_WRITE;
	char what[48];

	for (unsigned int i = 0; i < 4; i++) {
		const struct check_event want = {.kind = EV_MMIO,
						 .write = wr,
						 .addr =
						     CHECK_MMIO_GPA + CHECK_MMIO_OFF(mmio_sizes[i]),
						 .size = mmio_sizes[i],
						 .count = 1};
		uint64_t v;

		snprintf(what, sizeof(what), "%u-byte %s", mmio_sizes[i], wr ? "store" : "load");
		if (!check_expect(c, i, &want, what))
			return;
		v = check_ev_value(c, &c->ev[i]);
		if (wr && v != mmio_vals[i])
			check_fail(c, "%s at 0x%llx: expected data 0x%llx, VMM saw 0x%llx", what,
				   (unsigned long long)want.addr, (unsigned long long)mmio_vals[i],
				   (unsigned long long)v);
		if (!wr && mb->result[i] != v)
			check_fail(c,
				   "%s at 0x%llx: expected 0x%llx (the VMM's answer), guest got "
				   "0x%llx",
				   what, (unsigned long long)want.addr, (unsigned long long)v,
				   (unsigned long long)mb->result[i]);
	}
	if (c->nev != 4)
		check_fail(c, "expected 4 exits, got %u", c->nev);
	check_note(c, "%s of 1/2/4/8 bytes at 0x%llx.. with the right address and data",
		   wr ? "stores" : "loads", (unsigned long long)CHECK_MMIO_GPA);
}

const struct check_def check_mmio_write = {
    .name = "mmio-write",
    .what = "1/2/4/8-byte stores to an unbacked page exit as KVM_EXIT_MMIO with address, "
	    "length and data",
    .op = OP_CHECK_MMIO_WRITE,
    .inject = INJECT_RECORDED,
    .inject_what = "the VMM records a corrupted 1-byte store",
    .setup = mmio_setup,
    .verify = mmio_verify,
};

const struct check_def check_mmio_read = {
    .name = "mmio-read",
    .what = "1/2/4/8-byte loads from an unbacked page exit as KVM_EXIT_MMIO; the guest "
	    "reads what the VMM wrote",
    .op = OP_CHECK_MMIO_READ,
    .inject = INJECT_DELIVERED,
    .inject_what = "the VMM returns a corrupted 1-byte load",
    .setup = mmio_setup,
    .verify = mmio_verify,
};
