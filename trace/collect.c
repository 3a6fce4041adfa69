/* SPDX-License-Identifier: MIT */
/* Decoded records into per-reason durations and per-key cause counts. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace.h"

void trace_data_init(struct trace_data *d)
{
	memset(d, 0, sizeof(*d));
	d->rng = 0x2545f4914f6cdd1dULL;
}

/* Grows *arr (elements of size sz) so index i fits; zeroes new elements. */
static int fit(void **arr, size_t *cap, size_t i, size_t sz)
{
	size_t ncap;
	char *p;

	if (i < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap <= i)
		ncap *= 2;
	p = realloc(*arr, ncap * sz);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	memset(p + *cap * sz, 0, (ncap - *cap) * sz);
	*arr = p;
	*cap = ncap;
	return 0;
}

static struct reason_stat *reason_of(struct trace_data *d, uint32_t isa, uint32_t reason)
{
	bool added;
	long i = keytab_get(&d->reason_tab, isa, reason, &added);

	if (i < 0 || fit((void **)&d->reasons, &d->capreasons, (size_t)i, sizeof(*d->reasons)))
		return NULL;
	if (added) {
		d->reasons[i].isa = isa;
		d->reasons[i].reason = reason;
		d->reasons[i].min = UINT64_MAX;
		d->nreasons = (size_t)i + 1;
	}
	return &d->reasons[i];
}

static uint64_t next_rand(struct trace_data *d)
{
	d->rng ^= d->rng << 13;
	d->rng ^= d->rng >> 7;
	d->rng ^= d->rng << 17;
	return d->rng;
}

/* Keeps every duration up to TRACE_MAX_DURATIONS, then a reservoir sample. */
static int keep_duration(struct trace_data *d, struct reason_stat *rs, uint64_t ns)
{
	if (rs->ndur < TRACE_MAX_DURATIONS) {
		if (fit((void **)&rs->dur, &rs->capdur, rs->ndur, sizeof(*rs->dur)))
			return -1;
		rs->dur[rs->ndur++] = ns;
		return 0;
	}
	rs->sampled = true;
	uint64_t j = next_rand(d) % rs->paired;
	if (j < TRACE_MAX_DURATIONS)
		rs->dur[j] = ns;
	return 0;
}

static int add_pair(struct trace_data *d, const struct pair_out *p)
{
	struct reason_stat *rs = reason_of(d, p->isa, p->reason);
	double delta;

	if (!rs)
		return -1;
	rs->paired++;
	rs->min = p->ns < rs->min ? p->ns : rs->min;
	rs->max = p->ns > rs->max ? p->ns : rs->max;
	delta = (double)p->ns - rs->mean;
	rs->mean += delta / (double)rs->paired;
	rs->m2 += delta * ((double)p->ns - rs->mean);
	rs->total_ns += (double)p->ns;
	hist_add(&rs->hist, p->ns);
	return keep_duration(d, rs, p->ns);
}

static int add_cause(struct trace_data *d, const struct trace_rec *r)
{
	bool added;
	long i =
	    keytab_get(&d->cause_tab, r->k1, ((uint64_t)r->ev << 32) | (uint32_t)r->k2, &added);

	if (i < 0 || fit((void **)&d->causes, &d->capcauses, (size_t)i, sizeof(*d->causes)))
		return -1;
	if (added) {
		d->causes[i] = (struct trace_key_count){r->ev, r->k1, r->k2, 0};
		d->ncauses = (size_t)i + 1;
	}
	d->causes[i].count++;
	return 0;
}

static int add_exit_or_entry(struct trace_data *d, const struct trace_rec *r)
{
	struct pair_out out;
	struct reason_stat *rs;
	int paired;

	if (r->ev == TEV_EXIT) {
		rs = reason_of(d, r->isa, (uint32_t)r->k1);
		if (!rs)
			return -1;
		rs->exits++;
		return pair_exit(&d->pair, r);
	}
	paired = pair_entry(&d->pair, r, &out);
	if (paired <= 0)
		return paired;
	return add_pair(d, &out);
}

int trace_data_add(struct trace_data *d, const struct trace_rec *r)
{
	int ret;

	if (r->missed) {
		d->loss_markers++;
		if (r->missed > 0)
			d->missed_events += (uint64_t)r->missed;
		pair_loss(&d->pair);
	}
	if (!d->first_ts || r->ts < d->first_ts)
		d->first_ts = r->ts;
	if (r->ts > d->last_ts)
		d->last_ts = r->ts;
	d->events[r->ev]++;
	if (r->ev == TEV_EXIT || r->ev == TEV_ENTRY)
		ret = add_exit_or_entry(d, r);
	else
		ret = add_cause(d, r);
	if (ret < 0)
		d->oom = true;
	return ret;
}

static int by_exits(const void *a, const void *b)
{
	const struct reason_stat *x = a, *y = b;

	if (x->exits != y->exits)
		return x->exits < y->exits ? 1 : -1;
	return x->reason < y->reason ? -1 : x->reason > y->reason;
}

static int by_event_then_count(const void *a, const void *b)
{
	const struct trace_key_count *x = a, *y = b;

	if (x->ev != y->ev)
		return x->ev < y->ev ? -1 : 1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (x->k1 != y->k1)
		return x->k1 < y->k1 ? -1 : 1;
	return x->k2 < y->k2 ? -1 : x->k2 > y->k2;
}

static int summarize_reason(struct reason_stat *rs)
{
	if (!rs->paired) {
		memset(&rs->sum, 0, sizeof(rs->sum));
		return 0;
	}
	if (summarize(rs->dur, rs->ndur, &rs->sum) < 0)
		return eb_fail_errno("summarize exit durations");
	/* exact over every pair, also where the quantiles come from a sample */
	rs->sum.n = rs->paired;
	rs->sum.min = rs->min;
	rs->sum.max = rs->max;
	rs->sum.mean = rs->mean;
	rs->sum.stddev = rs->paired > 1 ? sqrt(rs->m2 / (double)(rs->paired - 1)) : 0;
	return 0;
}

/* The keytabs index the arrays in insertion order; sorting breaks that,
 * so they are dropped here: no record may be added after finishing. */
int trace_data_finish(struct trace_data *d)
{
	pair_finish(&d->pair);
	for (size_t i = 0; i < d->nreasons; i++)
		if (summarize_reason(&d->reasons[i]) < 0)
			return -1;
	keytab_free(&d->reason_tab);
	keytab_free(&d->cause_tab);
	if (d->nreasons)
		qsort(d->reasons, d->nreasons, sizeof(*d->reasons), by_exits);
	if (d->ncauses)
		qsort(d->causes, d->ncauses, sizeof(*d->causes), by_event_then_count);
	return 0;
}

void trace_data_free(struct trace_data *d)
{
	for (size_t i = 0; i < d->nreasons; i++)
		free(d->reasons[i].dur);
	free(d->reasons);
	free(d->causes);
	keytab_free(&d->reason_tab);
	keytab_free(&d->cause_tab);
	pair_free(&d->pair);
	memset(d, 0, sizeof(*d));
}
