/* SPDX-License-Identifier: MIT */
/* exitbench check without KVM: the exit log's run accounting (how split
 * string I/O and MMIO pieces are put back together), the expected-exit
 * messages, the table of checks, the notes, and when a failed hypercall
 * run counts as the backend's (skipped) rather than a failure. */
#include "bench/check/check.h"
#include "guests/check_protocol.h"
#include "tests/tap.h"

static struct check_ctx ctx;
static uint8_t data[4096];
static struct check_event ev[16];

static const struct check_def fake = {.name = "fake"};

static void reset(void)
{
	memset(&ctx, 0, sizeof(ctx));
	memset(ev, 0, sizeof(ev));
	ctx.def = &fake;
	ctx.ev = ev;
	ctx.evcap = 16;
	ctx.data = data;
	ctx.dcap = sizeof(data);
}

static void add(enum check_ev_kind kind, bool write, uint64_t addr, uint32_t size, uint32_t count)
{
	struct check_event *e = &ev[ctx.nev++];
	size_t len = kind == EV_IO ? (size_t)size * count : size;

	*e = (struct check_event){.kind = kind,
				  .write = write,
				  .addr = addr,
				  .size = size,
				  .count = count,
				  .off = ctx.dlen,
				  .len = len};
	for (size_t i = 0; i < len; i++)
		data[ctx.dlen + i] = (uint8_t)(ctx.dlen + i);
	ctx.dlen += len;
}

static void test_io_runs(void)
{
	unsigned int i = 0, n;
	uint64_t count;
	uint8_t buf[2048];
	size_t len;
	bool in_order = true;

	reset();
	add(EV_IO, true, 0xf0, 1, 100); /* one rep outsb split in two exits */
	add(EV_IO, true, 0xf0, 1, 200);
	add(EV_IO, true, 0xf0, 2, 300); /* the next form */
	add(EV_IO, true, 0xf4, 2, 1);	/* another port: not part of the run */
	n = check_run_of(&ctx, &i, 1, &count, buf, sizeof(buf), &len);
	for (size_t k = 0; k < len; k++)
		in_order = in_order && buf[k] == (uint8_t)k;
	ok(n == 2 && count == 300 && len == 300 && i == 2 && in_order,
	   "two byte-sized exits make one run: %u exits, %llu elements, %zu bytes in order", n,
	   (unsigned long long)count, len);
	n = check_run_of(&ctx, &i, 2, &count, buf, sizeof(buf), &len);
	ok(n == 1 && count == 300 && len == 600 && i == 3,
	   "the word-sized run stops at a different port: %u exits, %llu elements", n,
	   (unsigned long long)count);
	n = check_run_of(&ctx, &i, 4, &count, buf, sizeof(buf), &len);
	ok(n == 0 && i == 3, "no run of a size that is not next");
}

static void test_mmio_pieces(void)
{
	unsigned int i = 0, n;
	uint64_t count;
	uint8_t buf[16];
	size_t len;

	reset();
	add(EV_MMIO, true, 0xc0010ffc, 4, 1);
	add(EV_MMIO, true, 0xc0011000, 4, 1);
	add(EV_MMIO, true, 0xc0011000, 4, 1); /* not contiguous: a new access */
	n = check_run_of(&ctx, &i, 0, &count, buf, sizeof(buf), &len);
	ok(n == 2 && len == 8 && i == 2, "contiguous MMIO pieces join: %u pieces, %zu bytes", n,
	   len);
	ok(check_ev_value(&ctx, &ev[0]) == 0x03020100ULL, "event value is little-endian: 0x%llx",
	   (unsigned long long)check_ev_value(&ctx, &ev[0]));
	i = 0;
	n = check_run_of(&ctx, &i, 0, &count, buf, 4, &len);
	ok(n == 2 && len == 4, "a run never writes past its buffer (%zu bytes)", len);
}

static void test_expect(void)
{
	const struct check_event want = {
	    .kind = EV_IO, .write = true, .addr = 0xf0, .size = 2, .count = 1};

	reset();
	add(EV_IO, false, 0xf0, 2, 1);
	ok(!check_expect(&ctx, 0, &want, "outw") && ctx.failed &&
	       strstr(ctx.reason, "outw: expected exit IO out port 0xf0 size 2 count 1, got IO "
				  "in port 0xf0 size 2 count 1"),
	   "a wrong direction names both exits: %s", ctx.reason);
	reset();
	ok(!check_expect(&ctx, 0, &want, "outw") && strstr(ctx.reason, "got no exit (only 0 seen)"),
	   "a missing exit says so: %s", ctx.reason);
	check_fail(&ctx, "second");
	ok(strstr(ctx.reason, "got no exit") != NULL, "the first failure is the reason");
	reset();
	add(EV_IO, true, 0xf0, 2, 1);
	ok(check_expect(&ctx, 0, &want, "outw") && !ctx.failed, "a matching exit passes");
}

static void test_table(void)
{
	bool found = true, unique = true, described = true;

	for (unsigned int i = 0; i < check_count; i++) {
		found = found && check_find(check_table[i]->name) == check_table[i];
		described = described && check_table[i]->what && check_table[i]->inject_what &&
			    check_table[i]->verify;
		for (unsigned int j = 0; j < i; j++)
			unique = unique && strcmp(check_table[i]->name, check_table[j]->name);
	}
	ok(check_count >= 14 && found && unique, "%u checks, names unique and found", check_count);
	ok(described, "every check says what it verifies and what --inject does");
	ok(check_find("nosuch") == NULL, "unknown name: NULL");
}

static void test_pattern(void)
{
	unsigned int zeros = 0, distinct = 0;
	bool seen[256] = {false};

	for (uint64_t i = 0; i < 4096; i++) {
		uint8_t b = check_pattern(i);

		zeros += b == 0;
		distinct += !seen[b];
		seen[b] = true;
	}
	ok(zeros == 0 && distinct >= 100, "answer bytes: no zero, %u distinct values", distinct);
}

static void test_info(void)
{
	char line[300];

	reset();
	check_info(&ctx, "first %d", 1);
	check_info(&ctx, "second");
	ok(strcmp(ctx.info, "first 1\nsecond") == 0, "notes are kept one per line (%zu bytes)",
	   strlen(ctx.info));
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	for (int i = 0; i < 40; i++)
		check_info(&ctx, "%s", line);
	ok(strlen(ctx.info) < sizeof(ctx.info) &&
	       strstr(ctx.info, "\n(more notes left out)") != NULL &&
	       strstr(ctx.info, "(more notes left out)\n") == NULL,
	   "notes that do not fit are said to be left out, once (%zu bytes)", strlen(ctx.info));
}

/* A fake VM for the hypercall classifier: the mailbox in slot 0, a kvm_run. */
static struct mailbox hc_mb;
static struct kvm_run hc_run;
static struct vcpu hc_vcpu = {.fd = -1, .run = &hc_run};
static struct backend hc_backend;

#define HC_AT 0x1128cULL

static bool hc_lacks(enum backend_kind kind, uint64_t vector, uint64_t rip, unsigned int nev,
		     char *why, size_t len)
{
	reset();
	memset(&hc_mb, 0, sizeof(hc_mb));
	memset(&hc_run, 0, sizeof(hc_run));
	ctx.def = &check_hypercall;
	ctx.vm.slot[0] = (struct memslot){
	    .used = true, .gpa = MAILBOX_GPA, .size = sizeof(hc_mb), .hva = &hc_mb};
	ctx.vcpu = &hc_vcpu;
	hc_backend.kind = kind;
	ctx.backend = &hc_backend;
	ctx.args[0] = CHECK_HC_VMCALL;
	ctx.aborted = true;
	ctx.nev = nev;
	hc_mb.result[1] = HC_AT;
	hc_mb.abort_reason = ABORT_EXCEPTION;
	hc_mb.abort_arg = vector;
	hc_mb.abort_rip = rip;
	why[0] = 0;
	return check_hypercall.backend_lacks(&ctx, why, len);
}

static void test_hypercall_lacks(void)
{
	char why[CHECK_REASON_LEN];

	ok(check_hypercall.backend_lacks != NULL, "hypercall has a backend classifier");
	if (!check_hypercall.backend_lacks)
		return;
	ok(hc_lacks(BACKEND_OTHER, 6, HC_AT, 0, why, sizeof(why)) &&
	       strcmp(why, "the hypercall instruction vmcall does not reach KVM on this backend: "
			   "guest #UD at RIP 0x1128c") == 0,
	   "#UD on the hypercall instruction, software backend: the backend lacks it: %s", why);
	ok(!hc_lacks(BACKEND_VMX, 6, HC_AT, 0, why, sizeof(why)) &&
	       !hc_lacks(BACKEND_SVM, 6, HC_AT, 0, why, sizeof(why)),
	   "the same #UD on vmx/svm stays a failure");
	ok(!hc_lacks(BACKEND_OTHER, 6, HC_AT + 3, 0, why, sizeof(why)) &&
	       strstr(ctx.info, "the vmcall instruction is at RIP 0x1128c"),
	   "#UD anywhere else stays a failure, the note says where the instruction is: %s",
	   ctx.info);
	ok(!hc_lacks(BACKEND_OTHER, 13, HC_AT, 0, why, sizeof(why)),
	   "another fault (#GP) on the instruction stays a failure");
	ok(!hc_lacks(BACKEND_OTHER, 6, HC_AT, 1, why, sizeof(why)),
	   "#UD after an exit reached the VMM stays a failure");
	hc_lacks(BACKEND_OTHER, 6, HC_AT, 0, why, sizeof(why));
	hc_mb.result[1] = 0;
	ok(!check_hypercall.backend_lacks(&ctx, why, sizeof(why)),
	   "a fault before the guest reached the instruction stays a failure");
	hc_lacks(BACKEND_OTHER, 6, HC_AT, 0, why, sizeof(why));
	ctx.aborted = false;
	hc_run.exit_reason = KVM_EXIT_SHUTDOWN;
	ok(!check_hypercall.backend_lacks(&ctx, why, sizeof(why)),
	   "a run that ended without the guest's abort (triple fault) stays a failure");
}

int main(void)
{
	test_io_runs();
	test_mmio_pieces();
	test_expect();
	test_table();
	test_pattern();
	test_info();
	test_hypercall_lacks();
	return tap_done();
}
