/* SPDX-License-Identifier: MIT */
/*
 * exitbench check: one fresh VM per check, one set of exit handlers that
 * log every exit and answer reads, then the check's own verify.  The
 * guest/host contract is in guests/check_protocol.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/check/check.h"
#include "bench/run/runner.h"
#include "guests/check_protocol.h"

extern const char guest_image_start[], guest_image_end[];

#define CHECK_RAM_SIZE	 (CHECK_DATA_GPA + CHECK_DATA_SIZE)
#define CHECK_MAX_EVENTS 100000

const struct check_def *const check_table[] = {
    &check_cpuid,     &check_cpuid_features, &check_pio_out,   &check_pio_in,	  &check_pio_outs,
    &check_pio_ins,   &check_mmio_write,     &check_mmio_read, &check_mmio_cross, &check_hlt,
    &check_hypercall, &check_rdmsr,	     &check_wrmsr,     &check_refault,	  &check_dirty,
    &check_test_hang,
};
const unsigned int check_count = sizeof(check_table) / sizeof(check_table[0]);

const struct check_def *check_find(const char *name)
{
	for (unsigned int i = 0; i < check_count; i++)
		if (strcmp(check_table[i]->name, name) == 0)
			return check_table[i];
	return NULL;
}

void check_fail(struct check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

void check_note(struct check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->note, sizeof(c->note), fmt, ap);
	va_end(ap);
}

void check_info(struct check_ctx *c, const char *fmt, ...)
{
	static const char more[] = "\n(more notes left out)";
	size_t used = strlen(c->info), room = sizeof(c->info) - sizeof(more);
	char line[CHECK_INFO_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (strstr(c->info, more))
		return;
	if (used + !!used + strlen(line) >= room) {
		strcat(c->info, more + !used);
		return;
	}
	if (used)
		strcat(c->info, "\n");
	strcat(c->info, line);
}

volatile struct mailbox *check_mailbox(struct check_ctx *c)
{
	return vm_gpa_to_hva(&c->vm, MAILBOX_GPA, sizeof(struct mailbox));
}

void *check_data(struct check_ctx *c, uint64_t off, size_t len)
{
	if (off > CHECK_DATA_SIZE || len > CHECK_DATA_SIZE - off)
		return NULL;
	return vm_gpa_to_hva(&c->vm, CHECK_DATA_GPA + off, len);
}

int check_add_slot(struct check_ctx *c, uint32_t slot, uint64_t gpa, size_t size, uint32_t flags)
{
	void *m;

	if (slot == 0 || slot >= MVM_MAX_SLOTS || c->mem[slot]) {
		errno = EINVAL;
		return eb_fail("check %s: memory slot %u is not free", c->def->name, slot);
	}
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return eb_fail_errno("mmap %zu bytes for slot %u", size, slot);
	c->mem[slot] = m;
	c->mem_size[slot] = size;
	return vm_memslot_set(&c->vm, slot, gpa, size, m, flags);
}

uint8_t check_pattern(uint64_t i)
{
	uint64_t z = (i + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint8_t)((z ^ (z >> 31)) | 1); /* odd: never 0, never a zeroed byte */
}

uint64_t check_ev_value(const struct check_ctx *c, const struct check_event *e)
{
	uint64_t v = 0;

	for (size_t i = 0; i < e->len && i < 8; i++)
		v |= (uint64_t)c->data[e->off + i] << (8 * i);
	return v;
}

void check_event_str(const struct check_event *e, char *buf, size_t len)
{
	switch (e->kind) {
	case EV_IO:
		snprintf(buf, len, "IO %s port 0x%llx size %u count %u", e->write ? "out" : "in",
			 (unsigned long long)e->addr, e->size, e->count);
		break;
	case EV_MMIO:
		snprintf(buf, len, "MMIO %s gpa 0x%llx len %u", e->write ? "write" : "read",
			 (unsigned long long)e->addr, e->size);
		break;
	case EV_HLT:
		snprintf(buf, len, "HLT");
		break;
	case EV_HYPERCALL:
		snprintf(buf, len, "HYPERCALL nr %llu args 0x%llx 0x%llx 0x%llx",
			 (unsigned long long)e->addr, (unsigned long long)e->args[0],
			 (unsigned long long)e->args[1], (unsigned long long)e->args[2]);
		break;
	case EV_RDMSR:
	case EV_WRMSR:
		snprintf(buf, len, "X86_%s index 0x%llx reason %u",
			 e->kind == EV_RDMSR ? "RDMSR" : "WRMSR", (unsigned long long)e->addr,
			 e->reason);
		break;
	case EV_STEP:
		snprintf(buf, len, "step %llu", (unsigned long long)e->addr);
		break;
	}
}

bool check_expect(struct check_ctx *c, unsigned int i, const struct check_event *want,
		  const char *what)
{
	char w[160], g[160];
	const struct check_event *e = i < c->nev ? &c->ev[i] : NULL;

	if (e && e->kind == want->kind && e->write == want->write && e->addr == want->addr &&
	    e->size == want->size && e->count == want->count)
		return true;
	check_event_str(want, w, sizeof(w));
	if (e)
		check_event_str(e, g, sizeof(g));
	else
		snprintf(g, sizeof(g), "no exit (only %u seen)", c->nev);
	check_fail(c, "%s: expected exit %s, got %s", what, w, g);
	return false;
}

static bool continues(const struct check_event *a, const struct check_event *b, uint32_t size)
{
	if (a->kind != b->kind || a->write != b->write)
		return false;
	if (a->kind == EV_IO)
		return b->addr == a->addr && b->size == size;
	return a->kind == EV_MMIO && b->addr == a->addr + a->size;
}

unsigned int check_run_of(const struct check_ctx *c, unsigned int *i, uint32_t size,
			  uint64_t *count, uint8_t *buf, size_t cap, size_t *len)
{
	unsigned int n = 0;

	*count = 0;
	*len = 0;
	if (*i >= c->nev || (c->ev[*i].kind == EV_IO && c->ev[*i].size != size))
		return 0;
	while (*i < c->nev && (n == 0 || continues(&c->ev[*i - 1], &c->ev[*i], size))) {
		const struct check_event *e = &c->ev[*i];
		size_t take = e->len < cap - *len ? e->len : cap - *len;

		memcpy(buf + *len, c->data + e->off, take);
		*len += take;
		*count += e->count;
		(*i)++;
		n++;
	}
	return n;
}

/* ---- the log ---- */

static struct check_event *log_event(struct check_ctx *c, enum check_ev_kind kind, bool write,
				     uint64_t addr, uint32_t size, uint32_t count)
{
	if (c->nev == c->evcap) {
		unsigned int cap = c->evcap ? 2 * c->evcap : 64;
		struct check_event *n;

		if (cap > CHECK_MAX_EVENTS) {
			errno = E2BIG;
			eb_fail("check %s: more than %d exits", c->def->name, CHECK_MAX_EVENTS);
			return NULL;
		}
		n = realloc(c->ev, cap * sizeof(*n));
		if (!n) {
			eb_fail_errno("grow the exit log to %u entries", cap);
			return NULL;
		}
		c->ev = n;
		c->evcap = cap;
	}
	c->ev[c->nev] = (struct check_event){
	    .kind = kind, .write = write, .addr = addr, .size = size, .count = count};
	c->ev[c->nev].off = c->dlen;
	return &c->ev[c->nev++];
}

static int log_data(struct check_ctx *c, struct check_event *e, const uint8_t *d, size_t len)
{
	if (c->dlen + len > c->dcap) {
		size_t cap = c->dcap ? c->dcap : 4096;
		uint8_t *n;

		while (cap < c->dlen + len)
			cap *= 2;
		n = realloc(c->data, cap);
		if (!n)
			return eb_fail_errno("grow the exit data log to %zu bytes", cap);
		c->data = n;
		c->dcap = cap;
	}
	memcpy(c->data + c->dlen, d, len);
	c->dlen += len;
	e->len = len;
	return 0;
}

/*
 * Data of a traffic exit: what the guest sent (write) or what the VMM
 * answers (read, filled here).  --inject corrupts the first one: the
 * delivered answer after logging, or the log of what was sent.
 */
static int exchange(struct check_ctx *c, struct check_event *e, uint8_t *d, size_t len)
{
	bool corrupt = c->inject && !c->injected && len > 0;

	if (!e->write)
		for (size_t i = 0; i < len; i++)
			d[i] = check_pattern(c->answer_seq++);
	if (corrupt && e->write && c->def->inject == INJECT_RECORDED)
		d[0] ^= 0x10;
	if (log_data(c, e, d, len))
		return -1;
	if (corrupt && e->write && c->def->inject == INJECT_RECORDED) {
		d[0] ^= 0x10; /* the guest's bytes stay as they were */
		c->injected = true;
	}
	if (corrupt && !e->write && c->def->inject == INJECT_DELIVERED) {
		d[0] ^= 0x10;
		c->injected = true;
	}
	return 0;
}

/* ---- exit handlers ---- */

static const char *vector_name(uint64_t v)
{
	static const char *const names[] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
					    "#DF", "#MF", "#TS", "#NP", "#SS", "#GP", "#PF"};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "exception";
}

static enum exit_action guest_aborted(struct check_ctx *c)
{
	volatile struct mailbox *mb = check_mailbox(c);

	c->aborted = true;
	errno = EIO;
	if (mb->abort_reason == ABORT_EXCEPTION)
		eb_fail("guest took %s (vector %llu, error code 0x%llx) at RIP 0x%llx",
			vector_name(mb->abort_arg), (unsigned long long)mb->abort_arg,
			(unsigned long long)mb->abort_err, (unsigned long long)mb->abort_rip);
	else
		eb_fail("guest aborted, reason %llu (arg 0x%llx)",
			(unsigned long long)mb->abort_reason, (unsigned long long)mb->abort_arg);
	return EXIT_ERROR;
}

static enum exit_action on_doorbell(struct check_ctx *c, uint32_t val)
{
	if (val == DB_DONE)
		return EXIT_STOP;
	if (val == DB_ABORT)
		return guest_aborted(c);
	errno = EPROTO;
	eb_fail("unexpected doorbell value %u", val);
	return EXIT_ERROR;
}

static enum exit_action on_io(void *ctx, struct vcpu *v, uint16_t port, bool out, int size,
			      uint32_t count, uint8_t *data)
{
	struct check_ctx *c = ctx;
	struct check_event *e;
	uint32_t val;

	(void)v;
	if (port == DOORBELL_PORT && out && size == 4 && count == 1) {
		memcpy(&val, data, 4);
		return on_doorbell(c, val);
	}
	if (port == CHECK_STEP_PORT && out && size == 4 && count == 1) {
		memcpy(&val, data, 4);
		if (!log_event(c, EV_STEP, true, val, 4, 1))
			return EXIT_ERROR;
		return c->def->step && c->def->step(c, val) ? EXIT_ERROR : EXIT_CONTINUE;
	}
	e = log_event(c, EV_IO, out, port, (uint32_t)size, count);
	if (!e || exchange(c, e, data, (size_t)size * count))
		return EXIT_ERROR;
	return EXIT_CONTINUE;
}

static enum exit_action on_mmio(void *ctx, struct vcpu *v, uint64_t gpa, bool write, int len,
				uint8_t *data)
{
	struct check_ctx *c = ctx;
	struct check_event *e = log_event(c, EV_MMIO, write, gpa, (uint32_t)len, 1);

	(void)v;
	if (!e || exchange(c, e, data, (size_t)len))
		return EXIT_ERROR;
	return EXIT_CONTINUE;
}

static enum exit_action on_hlt(void *ctx, struct vcpu *v)
{
	struct check_ctx *c = ctx;

	if (!log_event(c, EV_HLT, false, 0, 0, 1) || vcpu_get_regs(v, &c->hlt_regs))
		return EXIT_ERROR;
	return c->def->on_hlt && c->def->on_hlt(c) ? EXIT_ERROR : EXIT_CONTINUE;
}

static enum exit_action on_hypercall(void *ctx, struct vcpu *v, struct kvm_run *run)
{
	struct check_ctx *c = ctx;
	struct check_event *e = log_event(c, EV_HYPERCALL, false, run->hypercall.nr, 8, 1);
	uint8_t ret[8];

	(void)v;
	if (!e)
		return EXIT_ERROR;
	memcpy(e->args, run->hypercall.args, sizeof(e->args));
	if (exchange(c, e, ret, sizeof(ret)))
		return EXIT_ERROR;
	memcpy(&run->hypercall.ret, ret, sizeof(ret));
	return EXIT_CONTINUE;
}

static enum exit_action on_msr(void *ctx, struct vcpu *v, struct kvm_run *run)
{
	struct check_ctx *c = ctx;
	bool wr = run->exit_reason == KVM_EXIT_X86_WRMSR;
	struct check_event *e = log_event(c, wr ? EV_WRMSR : EV_RDMSR, wr, run->msr.index, 8, 1);
	uint8_t d[8];

	(void)v;
	if (!e)
		return EXIT_ERROR;
	e->reason = run->msr.reason;
	memcpy(d, &run->msr.data, 8);
	if (exchange(c, e, d, sizeof(d)))
		return EXIT_ERROR;
	if (!wr)
		memcpy(&run->msr.data, d, 8);
	run->msr.error = 0;
	return EXIT_CONTINUE;
}

/* ---- one check ---- */

/* Guest loaded, vCPU 0 not yet entered: stop (1) where the host lacks
 * what the check needs, else its set-up (with vCPU 0's CPUID) and the
 * command posted. */
static int before_entry(struct vm *vm, void *ctx)
{
	struct check_ctx *c = ctx;
	volatile struct mailbox *mb;

	c->vcpu = vm->vcpu[0];
	c->why = c->def->unsupported ? c->def->unsupported(c) : NULL;
	if (c->why)
		return 1;
	if (c->def->setup ? c->def->setup(c) : vcpu_set_cpuid_supported(c->vcpu))
		return -1;
	mb = check_mailbox(c);
	memset((void *)mb, 0, sizeof(*mb));
	mb->magic = MAILBOX_MAGIC;
	mb->op = c->def->op;
	for (int i = 0; i < MAILBOX_ARGS; i++)
		mb->arg[i] = c->args[i];
	return 0;
}

static int ctx_setup(struct kvm_sys *kvm, struct check_ctx *c, const char **why)
{
	/* The image's bounds are two symbols of one blob (guests/blob.asm). */
	/* cppcheck-suppress comparePointers */
	size_t image_size = (size_t)(guest_image_end - guest_image_start);
	const struct vm_guest_opts o = {
	    .ram_size = CHECK_RAM_SIZE,
	    .image = guest_image_start,
	    .image_size = image_size,
	    .arg = MAILBOX_GPA,
	    .own_cpuid = true,
	    .ctx = c,
	    .before_entry = before_entry,
	};
	int r = vm_create_with_guest(&c->vm, kvm, &o);

	c->vcpu = c->vm.vcpu[0];
	*why = c->why;
	return r > 0 ? 0 : r;
}

static void ctx_teardown(struct check_ctx *c)
{
	vm_destroy(&c->vm);
	for (int i = 0; i < MVM_MAX_SLOTS; i++)
		if (c->mem[i])
			munmap(c->mem[i], c->mem_size[i]);
	free(c->ev);
	free(c->data);
	free(c->priv);
}

/* ran: the guest was entered (else setup failed). */
static void run_failed(struct check_ctx *c, bool ran, unsigned int timeout_s,
		       struct check_outcome *out)
{
	struct kvm_regs regs = {0};
	char why[CHECK_REASON_LEN - 16];
	size_t n;

	out->status = CHECK_FAIL;
	if (ran && !mvm_interrupted && !mvm_timed_out && c->def->backend_lacks &&
	    c->def->backend_lacks(c, why, sizeof(why))) {
		out->status = CHECK_SKIP;
		snprintf(out->reason, sizeof(out->reason), "unsupported: %s", why);
		return;
	}
	if (mvm_interrupted) {
		snprintf(out->reason, sizeof(out->reason), "interrupted by a signal");
		return;
	}
	if (mvm_timed_out) {
		if (c->vcpu)
			vcpu_get_regs(c->vcpu, &regs);
		n = (size_t)snprintf(out->reason, sizeof(out->reason),
				     "watchdog: no DONE within %u s (guest RIP 0x%llx, %u check "
				     "exits seen)",
				     timeout_s, (unsigned long long)regs.rip, c->nev);
	} else {
		n = (size_t)snprintf(out->reason, sizeof(out->reason), "%s (after %u check exits)",
				     eb_error(), c->nev);
	}
	if (c->def->hint && n < sizeof(out->reason))
		snprintf(out->reason + n, sizeof(out->reason) - n, "; %s", c->def->hint);
}

/* --inject proves a check can fail: a pass without the injection applied
 * proves nothing, so it fails; a skip stays a skip and says so. */
static void inject_outcome(struct check_ctx *c, struct check_outcome *out)
{
	if (!c->inject || c->injected)
		return;
	if (out->status == CHECK_PASS) {
		out->status = CHECK_FAIL;
		snprintf(
		    out->reason, sizeof(out->reason),
		    "--inject %s: expected the injected fault to be applied, but the check got "
		    "no chance to apply it (%s)",
		    c->def->name, c->def->inject_what);
	} else if (out->status == CHECK_SKIP) {
		check_info(c, "--inject %s was not applied: the check was skipped", c->def->name);
	}
}

void check_run(struct kvm_sys *kvm, const struct backend *b, const struct check_def *d, bool inject,
	       unsigned int timeout_s, struct check_outcome *out)
{
	struct check_ctx *c = calloc(1, sizeof(*c));
	struct exit_handlers h = {
	    .io = on_io, .mmio = on_mmio, .hlt = on_hlt, .hypercall = on_hypercall, .msr = on_msr};
	const char *why = NULL;
	bool ran = false;
	int r;

	memset(out, 0, sizeof(*out));
	out->def = d;
	if (!c) {
		out->status = CHECK_FAIL;
		snprintf(out->reason, sizeof(out->reason), "allocate the check: %s",
			 strerror(errno));
		return;
	}
	c->vm.fd = -1;
	c->def = d;
	c->backend = b;
	c->inject = inject;
	h.ctx = c;
	mvm_timed_out = 0;
	r = ctx_setup(kvm, c, &why);
	if (r == 0 && why) {
		out->status = CHECK_SKIP;
		snprintf(out->reason, sizeof(out->reason), "unsupported: %s", why);
	} else if (r == 0) {
		mvm_watchdog_arm(c->vcpu, timeout_s, 0);
		ran = true;
		r = vcpu_run_loop(c->vcpu, &h);
		mvm_watchdog_disarm();
	}
	if (r)
		run_failed(c, ran, timeout_s, out);
	else if (!why) {
		d->verify(c);
		out->status = c->failed ? CHECK_FAIL : CHECK_PASS;
		snprintf(out->reason, sizeof(out->reason), "%s", c->reason);
		snprintf(out->note, sizeof(out->note), "%s", c->note);
	}
	inject_outcome(c, out);
	snprintf(out->info, sizeof(out->info), "%s", c->info);
	ctx_teardown(c);
	free(c);
}
