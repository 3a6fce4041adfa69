/* SPDX-License-Identifier: MIT */
/*
 * Decoding of recorded kvm:* records (tests/data/trace-*, see
 * trace-README.md): our decoder against the values the guest is known to
 * produce, against libtraceevent's own rendering of the same record, and
 * our exit-reason tables against the kernel's __print_symbolic tables.
 */
#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "guests/protocol.h"
#include "tests/tap.h"
#include "trace/trace.h"

#define MAX_RECORDS 64

struct rec_line {
	char event[64];
	struct tep_record r;
	unsigned char data[256];
	int pid;
};

static const char *srcdir(void)
{
	const char *d = getenv("EXITBENCH_SRCDIR");

	return d && *d ? d : ".";
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;

	if (!f)
		return NULL;
	buf = calloc(1, 1 << 16);
	*len = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
	fclose(f);
	return buf;
}

static struct tep_handle *load_formats(void)
{
	static const char *const names[] = {
	    "kvm_exit",	      "kvm_entry",	 "kvm_pio",	  "kvm_mmio",
	    "kvm_msr",	      "kvm_cpuid",	 "kvm_hypercall", "kvm_userspace_exit",
	    "kvm_page_fault", "kvm_emulate_insn"};
	struct tep_handle *tep = tep_alloc();
	char path[4096];

	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, 4096);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t len = 0;
		char *buf;

		snprintf(path, sizeof(path), "%s/tests/data/trace-formats/%s.format", srcdir(),
			 names[i]);
		buf = slurp(path, &len);
		ok(buf && tep_parse_event(tep, buf, len, "kvm") == 0, "parse format %s", names[i]);
		free(buf);
	}
	return tep;
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* "<event> <cpu> <ts> <missed> <pid> <hex>" lines, as --record writes them. */
static int load_records(const char *file, struct rec_line *out, int max)
{
	char path[4096], line[1024], hex[600];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/%s", srcdir(), file);
	f = fopen(path, "r");
	ok(f != NULL, "open %s", path);
	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		struct rec_line *l = &out[n];
		unsigned long long ts;
		long long missed;
		size_t len;

		if (sscanf(line, "%63s %d %llu %lld %d %599s", l->event, &l->r.cpu, &ts, &missed,
			   &l->pid, hex) != 6)
			continue;
		len = strlen(hex) / 2;
		for (size_t i = 0; i < len && i < sizeof(l->data); i++)
			l->data[i] =
			    (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
		l->r.ts = ts;
		l->r.missed_events = missed;
		l->r.size = (int)len;
		l->r.data = l->data;
		l->r.ref_count = 1;
		n++;
	}
	fclose(f);
	return n;
}

/* libtraceevent's rendering of the record, from the format's print fmt. */
static void render(struct tep_handle *tep, struct tep_record *r, char *buf, size_t len)
{
	struct trace_seq s;

	trace_seq_init(&s);
	tep_print_event(tep, &s, r, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	snprintf(buf, len, "%s", s.buffer);
	trace_seq_destroy(&s);
}

static int has_key(const struct rec_line *l, int n, const struct trace_decoder *d, enum trace_ev ev,
		   uint64_t k1, uint64_t k2)
{
	struct trace_rec t;

	for (int i = 0; i < n; i++)
		if (trace_decode(d, (struct tep_record *)&l[i].r, &t) == 1 && t.ev == ev &&
		    t.k1 == k1 && t.k2 == k2)
			return 1;
	return 0;
}

/* Our fields against the kernel's print fmt rendered by libtraceevent. */
static int agrees(const struct trace_rec *t, const char *text)
{
	char want[128];
	unsigned long long gpa;
	const char *p;

	switch (t->ev) {
	case TEV_PIO:
		snprintf(want, sizeof(want), "pio_%s at 0x%llx ", t->k2 ? "write" : "read",
			 (unsigned long long)t->k1);
		return strstr(text, want) == text;
	case TEV_MMIO:
		p = strstr(text, " gpa 0x");
		return p && sscanf(p, " gpa 0x%llx", &gpa) == 1 && (gpa & ~0xfffULL) == t->k1 &&
		       strncmp(text, t->k2 == 2 ? "mmio write" : "mmio read", 9) == 0;
	case TEV_MSR:
		snprintf(want, sizeof(want), "msr_%s %llx = ", t->k2 ? "write" : "read",
			 (unsigned long long)t->k1);
		return strstr(text, want) == text;
	case TEV_CPUID:
		snprintf(want, sizeof(want), "func %llx ", (unsigned long long)t->k1);
		return strstr(text, want) == text;
	case TEV_USERSPACE_EXIT:
		trace_key_describe(t->ev, t->k1, t->k2, want, sizeof(want));
		snprintf(want + strlen(want), sizeof(want) - strlen(want), " (%llu)",
			 (unsigned long long)t->k1);
		return strcmp(text + strlen("reason "), want) == 0;
	case TEV_EMULATE_INSN:
		return (strstr(text, " failed") != NULL) == (t->k1 == 1);
	default:
		return 0;
	}
}

static void test_recorded(struct tep_handle *tep, const struct trace_decoder *d)
{
	static struct rec_line l[MAX_RECORDS];
	int n = load_records("trace-records-pvm.txt", l, MAX_RECORDS);
	int bad_decode = 0, bad_render = 0;

	ok(n >= 10, "%d recorded records", n);
	for (int i = 0; i < n; i++) {
		struct trace_rec t;
		char text[512];

		if (trace_decode(d, &l[i].r, &t) != 1 || strcmp(trace_ev_name(t.ev), l[i].event) ||
		    t.tid != l[i].pid || t.ts != l[i].r.ts || t.missed != l[i].r.missed_events) {
			bad_decode++;
			diag("line %d (%s) decodes wrong", i + 1, l[i].event);
			continue;
		}
		render(tep, &l[i].r, text, sizeof(text));
		if (!agrees(&t, text)) {
			bad_render++;
			diag("line %d: %s k1 0x%llx k2 %llu vs libtraceevent '%s'", i + 1,
			     l[i].event, (unsigned long long)t.k1, (unsigned long long)t.k2, text);
		}
	}
	ok(!bad_decode, "every recorded record decodes to its event, thread, time, loss count");
	ok(!bad_render, "decoded fields agree with libtraceevent's rendering of the format");
	ok(has_key(l, n, d, TEV_PIO, PIO_USER_PORT, 1), "pio_user's port 0x%x write is there",
	   PIO_USER_PORT);
	ok(has_key(l, n, d, TEV_PIO, DOORBELL_PORT, 1), "the doorbell port 0x%x write is there",
	   DOORBELL_PORT);
	ok(has_key(l, n, d, TEV_MMIO, MMIO_GPA, 2), "mmio_user's write to page 0x%llx is there",
	   (unsigned long long)MMIO_GPA);
	ok(has_key(l, n, d, TEV_USERSPACE_EXIT, 2, 0) &&
	       has_key(l, n, d, TEV_USERSPACE_EXIT, 6, 0) &&
	       has_key(l, n, d, TEV_USERSPACE_EXIT, 5, 0),
	   "userspace exits IO (2), MMIO (6), HLT (5) are there");
	ok(has_key(l, n, d, TEV_CPUID, 0, 0), "cpuid function 0 is there");
}

static const struct reason_stat *find_reason(const struct trace_data *td, uint32_t isa,
					     uint32_t reason)
{
	for (size_t i = 0; i < td->nreasons; i++)
		if (td->reasons[i].isa == isa && td->reasons[i].reason == reason)
			return &td->reasons[i];
	return NULL;
}

/* The reason name in "vcpu 0 reason IO_INSTRUCTION rip 0xfff0 ...". */
static int reason_agrees(const struct trace_rec *t, const char *text)
{
	const char *a = strstr(text, " reason "), *b = strstr(text, " rip ");
	char buf[64];
	const char *ours = trace_exit_reason_name(t->isa, (uint32_t)t->k1, buf, sizeof(buf));

	if (!a || !b || b < a)
		return 0;
	a += strlen(" reason ");
	return (size_t)(b - a) == strlen(ours) && strncmp(a, ours, strlen(ours)) == 0;
}

static void check_synth_data(const struct trace_data *td)
{
	const struct reason_stat *io = find_reason(td, TRACE_ISA_VMX, 30);
	const struct reason_stat *npf = find_reason(td, TRACE_ISA_SVM, 0x400);
	const struct reason_stat *shlt = find_reason(td, TRACE_ISA_SVM, 0x78);
	const struct pair_counts *c = &td->pair.c;

	ok(io && io->exits == 5 && io->paired == 3, "IO_INSTRUCTION: 5 exits, 3 durations");
	ok(io && io->sum.min == 200 && io->sum.max == 600 && io->sum.median == 500,
	   "IO_INSTRUCTION: min 200, median 500, max 600 ns");
	ok(npf && npf->paired == 1 && npf->sum.median == 1000, "SVM npf: 1000 ns");
	ok(shlt && shlt->exits == 1 && shlt->paired == 0,
	   "SVM hlt pending at the end: no duration");
	ok(find_reason(td, TRACE_ISA_VMX, 12) &&
	       find_reason(td, TRACE_ISA_VMX, 12)->sum.max == 4000,
	   "HLT on another vCPU thread, interleaved: 4000 ns");
	ok(c->paired == 8 && c->entry_without_exit == 2 && c->exit_without_entry == 1 &&
	       c->dropped_at_loss == 1 && c->pending_at_end == 1 && c->out_of_order == 0,
	   "pairing: 8 paired, 2 entries without exit, 1 exit without entry, 1 dropped at "
	   "loss, 1 pending (got %llu %llu %llu %llu %llu %llu)",
	   (unsigned long long)c->paired, (unsigned long long)c->entry_without_exit,
	   (unsigned long long)c->exit_without_entry, (unsigned long long)c->dropped_at_loss,
	   (unsigned long long)c->pending_at_end, (unsigned long long)c->out_of_order);
	ok(td->loss_markers == 1 && td->missed_events == 3, "one loss marker of 3 events");
	ok(td->nreasons && td->reasons[0].reason == 30, "reasons sorted by samples");
}

/* The report and the JSON of durations, which this host's backend never produces. */
static void check_outputs(const struct trace_data *td)
{
	struct trace_info info = {.instance = "exitbench-1-0", .clock = "mono", .seconds = 1};
	struct trace_target t = {
	    .command_status = -1, .backend = "vmx", .module = "kvm_intel", .kernel = "6.0"};
	char *text = NULL, path[] = "/tmp/exitbench-trace-test-XXXXXX";
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_error_t err;
	json_t *j, *r0;
	int fd;

	for (int ev = 0; ev < TEV_COUNT; ev++)
		info.enabled[ev] = info.present[ev] = true;
	trace_print_report(td, &info, &t, f);
	fclose(f);
	if (!ok(strstr(text, "\nIO_INSTRUCTION ") && strstr(text, "\nnpf ") &&
		    strstr(text, "INVALID_STATE FAILED_VMENTRY") &&
		    strstr(text, "pairs: 8 exit durations") && strstr(text, "log2 histograms") &&
		    strstr(text, "(no kvm_entry paired"),
		"report: reasons, pairs, histograms, an exit without durations"))
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			diag("%s", line);
	free(text);
	fd = mkstemp(path);
	close(fd);
	ok(trace_write_json(td, &info, &t, path) == 0, "JSON written");
	j = json_load_file(path, 0, &err);
	r0 = json_array_get(json_object_get(j, "reasons"), 0);
	ok(j && strcmp(json_string_value(json_object_get(j, "schema")), "exitbench-trace/1") == 0 &&
	       strcmp(json_string_value(json_object_get(r0, "name")), "IO_INSTRUCTION") == 0 &&
	       json_integer_value(json_object_get(r0, "samples")) == 5 &&
	       json_real_value(json_object_get(json_object_get(r0, "durations"), "median_ns")) ==
		   500 &&
	       json_is_true(json_object_get(j, "exit_durations")),
	   "JSON: schema, first reason IO_INSTRUCTION, 5 samples, median 500 ns");
	json_decref(j);
	unlink(path);
}

static void test_synth(struct tep_handle *tep, const struct trace_decoder *d)
{
	static struct rec_line l[MAX_RECORDS];
	int n = load_records("trace-records-synth.txt", l, MAX_RECORDS), bad = 0;
	struct trace_data td;

	ok(n == 21, "%d synthetic kvm_exit/kvm_entry records", n);
	trace_data_init(&td);
	for (int i = 0; i < n; i++) {
		struct trace_rec t;
		char text[512];

		if (trace_decode(d, &l[i].r, &t) != 1) {
			bad++;
			continue;
		}
		render(tep, &l[i].r, text, sizeof(text));
		if (t.ev == TEV_EXIT && !reason_agrees(&t, text)) {
			bad++;
			diag("line %d: our name differs from '%s'", i + 1, text);
		}
		trace_data_add(&td, &t);
	}
	ok(!bad, "synthetic records decode; reason names match the kernel's print fmt");
	ok(trace_data_finish(&td) == 0, "finish");
	check_synth_data(&td);
	check_outputs(&td);
	trace_data_free(&td);
}

/* Collects the __print_symbolic tables of a print fmt, in order. */
static void symbol_tables(struct tep_print_arg *a, struct tep_print_flag_sym **t, int *n)
{
	for (; a; a = a->next) {
		if (a->type == TEP_PRINT_SYMBOL && *n < 4)
			t[(*n)++] = a->symbol.symbols;
		if (a->type == TEP_PRINT_OP) {
			symbol_tables(a->op.left, t, n);
			symbol_tables(a->op.right, t, n);
		}
	}
}

static void test_tables(struct tep_handle *tep)
{
	struct tep_event *e = tep_find_event_by_name(tep, "kvm", "kvm_exit");
	struct tep_print_flag_sym *t[4];
	int n = 0, checked[2] = {0}, bad = 0;

	if (!ok(e != NULL, "kvm_exit format"))
		return;
	symbol_tables(e->print_fmt.args, t, &n);
	ok(n == 2, "kvm_exit's print fmt has a VMX and an SVM table (%d)", n);
	for (int k = 0; k < n && k < 2; k++)
		for (struct tep_print_flag_sym *s = t[k]; s; s = s->next) {
			uint32_t code = (uint32_t)strtoll(s->value, NULL, 0);
			const char *ours = trace_exit_reason_lookup(k + 1, code);

			checked[k]++;
			if (!ours || strcmp(ours, s->str)) {
				bad++;
				diag("%s 0x%x: kernel '%s', ours '%s'", k ? "svm" : "vmx", code,
				     s->str, ours ? ours : "(none)");
			}
		}
	ok(!bad && checked[0] > 50 && checked[1] > 100,
	   "our VMX (%d) and SVM (%d) names are the kernel's", checked[0], checked[1]);
}

static void test_names(void)
{
	char buf[64];

	ok(strcmp(trace_exit_reason_name(1, 30, buf, sizeof(buf)), "IO_INSTRUCTION") == 0,
	   "vmx 30 is IO_INSTRUCTION");
	ok(strcmp(trace_exit_reason_name(1, 0x80000021, buf, sizeof(buf)),
		  "INVALID_STATE FAILED_VMENTRY") == 0,
	   "vmx failed entry is flagged");
	ok(strcmp(trace_exit_reason_name(1, 1000, buf, sizeof(buf)), "VMX#1000 (0x3e8)") == 0,
	   "unknown vmx reason by number: %s", buf);
	ok(strcmp(trace_exit_reason_name(2, 0x400, buf, sizeof(buf)), "npf") == 0, "svm 0x400 npf");
	ok(strcmp(trace_exit_reason_name(2, 0x999, buf, sizeof(buf)), "SVM#0x999") == 0,
	   "unknown svm reason by number");
	ok(strcmp(trace_exit_reason_name(0, 7, buf, sizeof(buf)), "reason 7") == 0,
	   "unknown isa: number only");
	trace_key_describe(TEV_PIO, 0xe4, 1, buf, sizeof(buf));
	ok(strcmp(buf, "port 0x00e4 write") == 0, "pio key: %s", buf);
	trace_key_describe(TEV_USERSPACE_EXIT, 0, 4, buf, sizeof(buf));
	ok(strstr(buf, "EINTR") != NULL, "KVM_RUN -EINTR: %s", buf);
	ok(trace_ev_parse("pio") == TEV_PIO && trace_ev_parse("kvm_exit") == TEV_EXIT &&
	       trace_ev_parse("nosuch") < 0,
	   "event names parse");
}

int main(void)
{
	struct tep_handle *tep = load_formats();
	struct trace_decoder d;

	ok(trace_decoder_init(&d, tep) == 0, "decoder binds the recorded formats");
	for (int ev = 0; ev < TEV_COUNT; ev++)
		ok(d.id[ev] >= 0, "%s bound", trace_ev_name(ev));
	test_recorded(tep, &d);
	test_synth(tep, &d);
	test_tables(tep);
	test_names();
	tep_free(tep);
	return tap_done();
}
