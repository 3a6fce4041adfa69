/* SPDX-License-Identifier: MIT */
/* kvm_exit -> kvm_entry pairing on synthetic sequences: missing, lost and
 * reordered events; log2 histograms; the key table; per-event counts. */
#include "tests/tap.h"
#include "trace/trace.h"

static struct trace_rec ex(int tid, uint64_t ts, uint32_t reason)
{
	return (struct trace_rec){
	    .ev = TEV_EXIT, .tid = tid, .ts = ts, .isa = TRACE_ISA_VMX, .k1 = reason, .vcpu = 0};
}

static struct trace_rec en(int tid, uint64_t ts)
{
	return (struct trace_rec){.ev = TEV_ENTRY, .tid = tid, .ts = ts, .vcpu = 0};
}

static void test_basic(void)
{
	struct pairer p = {0};
	struct pair_out o = {0};
	struct trace_rec r;

	r = en(1, 50);
	ok(pair_entry(&p, &r, &o) == 0 && p.c.entry_without_exit == 1,
	   "an entry before any exit pairs with nothing");
	r = ex(1, 100, 30);
	pair_exit(&p, &r);
	r = en(1, 175);
	ok(pair_entry(&p, &r, &o) == 1 && o.ns == 75 && o.reason == 30 && o.isa == TRACE_ISA_VMX,
	   "exit at 100, entry at 175: 75 ns of reason 30");
	r = en(1, 180);
	ok(pair_entry(&p, &r, &o) == 0 && p.c.entry_without_exit == 2,
	   "a second entry: nothing pending");
	pair_free(&p);
}

static void test_missing(void)
{
	struct pairer p = {0};
	struct pair_out o;
	struct trace_rec r;

	r = ex(1, 100, 30);
	pair_exit(&p, &r);
	r = ex(1, 200, 48); /* the entry between them was not seen */
	pair_exit(&p, &r);
	r = en(1, 260);
	ok(pair_entry(&p, &r, &o) == 1 && o.ns == 60 && o.reason == 48,
	   "exit, exit, entry: the later exit pairs (60 ns)");
	ok(p.c.exit_without_entry == 1, "the earlier exit counts as without entry");
	r = ex(1, 300, 30);
	pair_exit(&p, &r);
	pair_finish(&p);
	ok(p.c.pending_at_end == 1 && p.c.paired == 1, "an exit open at the end is pending");
	pair_free(&p);
}

static void test_loss(void)
{
	struct pairer p = {0};
	struct pair_out o;
	struct trace_rec r;

	r = ex(1, 100, 30);
	pair_exit(&p, &r);
	r = ex(2, 110, 12);
	pair_exit(&p, &r);
	pair_loss(&p); /* the entries (and maybe more exits) are gone */
	ok(p.c.dropped_at_loss == 2, "a loss drops every pending exit (%llu)",
	   (unsigned long long)p.c.dropped_at_loss);
	r = en(1, 5000);
	ok(pair_entry(&p, &r, &o) == 0, "no made-up 4900 ns duration across the loss");
	r = ex(1, 6000, 30);
	pair_exit(&p, &r);
	r = en(1, 6100);
	ok(pair_entry(&p, &r, &o) == 1 && o.ns == 100, "pairing resumes after the loss");
	pair_free(&p);
}

static void test_order_and_threads(void)
{
	struct pairer p = {0};
	struct pair_out o;
	struct trace_rec r;
	int paired = 0;

	/* 1000 vCPU threads interleaved: the key table grows */
	for (int t = 0; t < 1000; t++) {
		r = ex(t + 10, 1000 + (uint64_t)t, 30);
		pair_exit(&p, &r);
	}
	for (int t = 999; t >= 0; t--) {
		r = en(t + 10, 5000 + (uint64_t)t);
		paired += pair_entry(&p, &r, &o) == 1 && o.ns == 4000;
	}
	ok(paired == 1000, "1000 interleaved vCPU threads pair each with its own exit");
	r = ex(1, 900, 30);
	pair_exit(&p, &r);
	r = en(1, 800); /* an earlier entry read late (another CPU's buffer) */
	ok(pair_entry(&p, &r, &o) == 0 && p.c.out_of_order == 1,
	   "entry before its exit: out of order");
	r = en(1, 950);
	ok(pair_entry(&p, &r, &o) == 1 && o.ns == 50, "the exit still pairs with its entry");
	pair_free(&p);
}

static void test_data(void)
{
	struct trace_data d;
	struct trace_counts c;
	struct trace_rec r;

	trace_data_init(&d);
	for (int i = 0; i < 100; i++) {
		r = ex(7, 1000 * (uint64_t)i, 30);
		trace_data_add(&d, &r);
		r = en(7, 1000 * (uint64_t)i + 100 + (uint64_t)i);
		trace_data_add(&d, &r);
		r = (struct trace_rec){.ev = TEV_PIO, .tid = 7, .k1 = 0xe4, .k2 = 1};
		trace_data_add(&d, &r);
	}
	r = (struct trace_rec){.ev = TEV_PIO, .tid = 7, .k1 = 0xe0, .k2 = 1, .missed = -1};
	trace_data_add(&d, &r);
	ok(trace_data_finish(&d) == 0, "finish");
	ok(d.nreasons == 1 && d.reasons[0].paired == 100 && d.reasons[0].sum.min == 100 &&
	       d.reasons[0].sum.max == 199 && d.reasons[0].sum.median == 149.5,
	   "100 durations 100..199 ns: median 149.5");
	ok(d.reasons[0].hist.n == 100 && d.reasons[0].hist.b[6] == 28 &&
	       d.reasons[0].hist.b[7] == 72,
	   "histogram: 28 in [64,128), 72 in [128,256)");
	ok(d.loss_markers == 1 && d.missed_events == 0, "a loss of unknown size is a marker");
	trace_counts_fill(&d, &c);
	ok(trace_counts_get(&c, TEV_PIO, 0xe4, 1) == 100 &&
	       trace_counts_get(&c, TEV_PIO, 0xe0, 1) == 1 &&
	       trace_counts_get(&c, TEV_PIO, 0xe4, 0) == 0 && c.events[TEV_PIO] == 101,
	   "counts by key: port 0xe4 write 100, 0xe0 write 1");
	trace_data_free(&d);
}

static void test_hist(void)
{
	ok(hist_bucket(0) == 0 && hist_bucket(1) == 0 && hist_bucket(2) == 1 &&
	       hist_bucket(3) == 1 && hist_bucket(1024) == 10 && hist_bucket(UINT64_MAX) == 63,
	   "log2 buckets");
	ok(hist_lo(10) == 1024 && hist_hi(10) == 2048 && hist_hi(63) == UINT64_MAX,
	   "bucket bounds");
}

int main(void)
{
	test_basic();
	test_missing();
	test_loss();
	test_order_and_threads();
	test_data();
	test_hist();
	return tap_done();
}
