/* SPDX-License-Identifier: MIT */
/* kvm:* records into struct trace_rec, through libtraceevent's field table. */
#include <errno.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "trace/trace.h"

/* Fields each event is decoded from; a name starting with '?' may be absent
 * (older kernels: kvm_exit without vcpu_id). */
static const struct {
	const char *name;
	const char *field[TRACE_MAX_FIELDS];
} events[TEV_COUNT] = {
    [TEV_EXIT] = {"kvm_exit", {"exit_reason", "?isa", "?vcpu_id"}},
    [TEV_ENTRY] = {"kvm_entry", {"?vcpu_id"}},
    [TEV_PIO] = {"kvm_pio", {"port", "rw"}},
    [TEV_MMIO] = {"kvm_mmio", {"gpa", "type"}},
    [TEV_MSR] = {"kvm_msr", {"ecx", "write"}},
    [TEV_CPUID] = {"kvm_cpuid", {"function"}},
    [TEV_HYPERCALL] = {"kvm_hypercall", {"nr"}},
    [TEV_USERSPACE_EXIT] = {"kvm_userspace_exit", {"reason", "errno"}},
    [TEV_PAGE_FAULT] = {"kvm_page_fault", {"?vcpu_id"}},
    [TEV_EMULATE_INSN] = {"kvm_emulate_insn", {"?failed"}},
};

const char *trace_ev_name(enum trace_ev ev)
{
	return ev < TEV_COUNT ? events[ev].name : "?";
}

int trace_ev_parse(const char *name)
{
	for (int ev = 0; ev < TEV_COUNT; ev++)
		if (strcmp(name, events[ev].name) == 0 || strcmp(name, events[ev].name + 4) == 0)
			return ev;
	return -1;
}

/* Binds one event; -1 with a message when a required field is missing. */
static int bind_event(struct trace_decoder *d, enum trace_ev ev, struct tep_event *e)
{
	for (int k = 0; k < TRACE_MAX_FIELDS && events[ev].field[k]; k++) {
		const char *name = events[ev].field[k];
		bool optional = name[0] == '?';

		d->f[ev][k] = tep_find_field(e, name + optional);
		if (!d->f[ev][k] && !optional)
			return eb_fail("decode kvm:%s: the format has no field '%s'",
				       events[ev].name, name);
	}
	d->id[ev] = e->id;
	return 0;
}

int trace_decoder_init(struct trace_decoder *d, struct tep_handle *tep)
{
	int found = 0;

	memset(d, 0, sizeof(*d));
	d->tep = tep;
	for (int ev = 0; ev < TEV_COUNT; ev++) {
		struct tep_event *e = tep_find_event_by_name(tep, "kvm", events[ev].name);

		d->id[ev] = -1;
		if (!e)
			continue;
		if (bind_event(d, ev, e) < 0)
			return -1;
		found++;
	}
	if (!found) {
		errno = ENOENT;
		return eb_fail_errno("decode: no kvm:* event formats (is the kvm module loaded?)");
	}
	return 0;
}

/* Field k of ev, or dflt where the format lacks it. */
static uint64_t field(const struct trace_decoder *d, enum trace_ev ev, int k, struct tep_record *r,
		      uint64_t dflt)
{
	const struct tep_format_field *f = d->f[ev][k];
	unsigned long long v;

	/* a record shorter than its format says (a corrupt --record line, a
	 * fuzzed one) must not be read past its end */
	if (!f || f->offset < 0 || f->size <= 0 || f->offset + f->size > r->size ||
	    tep_read_number_field(d->f[ev][k], r->data, &v) < 0)
		return dflt;
	return v;
}

static void decode_fields(const struct trace_decoder *d, struct tep_record *r, struct trace_rec *o)
{
	int64_t err;

	switch (o->ev) {
	case TEV_EXIT:
		o->k1 = (uint32_t)field(d, o->ev, 0, r, 0);
		o->isa = (uint32_t)field(d, o->ev, 1, r, TRACE_ISA_UNKNOWN);
		o->vcpu = (uint32_t)field(d, o->ev, 2, r, TRACE_NO_VCPU);
		break;
	case TEV_ENTRY:
	case TEV_PAGE_FAULT:
		o->vcpu = (uint32_t)field(d, o->ev, 0, r, TRACE_NO_VCPU);
		break;
	case TEV_MMIO:
		o->k1 = field(d, o->ev, 0, r, 0) & ~0xfffULL;
		o->k2 = field(d, o->ev, 1, r, 0);
		break;
	case TEV_USERSPACE_EXIT:
		o->k1 = (uint32_t)field(d, o->ev, 0, r, 0);
		err = (int32_t)field(d, o->ev, 1, r, 0);
		if (err < 0) {
			o->k1 = 0;
			o->k2 = (uint64_t)-err;
		}
		break;
	case TEV_PIO:
	case TEV_MSR:
		o->k1 = field(d, o->ev, 0, r, 0);
		o->k2 = field(d, o->ev, 1, r, 0) ? 1 : 0;
		break;
	case TEV_EMULATE_INSN:
		o->k1 = field(d, o->ev, 0, r, 0) ? 1 : 0;
		break;
	default:
		o->k1 = field(d, o->ev, 0, r, 0);
		break;
	}
}

int trace_decode(const struct trace_decoder *d, struct tep_record *r, struct trace_rec *out)
{
	int id = r->size >= TRACE_COMMON_SIZE ? tep_data_type(d->tep, r) : -1;
	enum trace_ev ev;

	for (ev = 0; ev < TEV_COUNT && id >= 0; ev++)
		if (d->id[ev] == id)
			break;
	if (id < 0 || ev == TEV_COUNT)
		return 0;
	memset(out, 0, sizeof(*out));
	out->ev = ev;
	out->cpu = r->cpu;
	out->tid = tep_data_pid(d->tep, r);
	out->ts = r->ts;
	out->missed = r->missed_events;
	out->vcpu = TRACE_NO_VCPU;
	decode_fields(d, r, out);
	return 1;
}
