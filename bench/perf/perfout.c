/* SPDX-License-Identifier: MIT */
/* Perf counters in the JSON document and in the table (docs/perf.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/perf/perfctr.h"

static const char *counter_reason(const struct perf_counter *c)
{
	return c->reason[0] ? c->reason : "not read";
}

static json_t *counter_json(const struct perf_counter *c, uint64_t iterations)
{
	bool v = c->have_value;

	return json_pack(
	    "{s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:o}", "name", c->spec.name, "scope",
	    perf_scope_name(c->spec.scope), "unit", c->spec.unit, "value",
	    v ? json_integer((json_int_t)llround(c->value)) : json_null(), "per_iteration",
	    v && iterations ? json_real(c->value / (double)iterations) : json_null(), "reason",
	    v ? json_null() : json_string(counter_reason(c)), "multiplexed", v && c->multiplexed,
	    "running_fraction", v ? json_real(c->running_fraction) : json_null());
}

json_t *perfctr_json(const struct perf_set *s, uint64_t iterations)
{
	json_t *events = json_array();

	for (unsigned int i = 0; s && i < s->count; i++)
		json_array_append_new(events, counter_json(&s->c[i], iterations));
	return json_pack("{s:o}", "events", events);
}

void perfctr_label(const struct perf_counter *c, char *buf, size_t len)
{
	if (c->spec.scope == PERF_SCOPE_ALL)
		snprintf(buf, len, "%s", c->spec.name);
	else
		snprintf(buf, len, "%s (%s)", c->spec.name, perf_scope_name(c->spec.scope));
}

void perfctr_cell(const struct perf_counter *c, uint64_t iterations, char *buf, size_t len)
{
	double per;
	int n;

	if (!c->have_value) {
		snprintf(buf, len, "n/a: %s", counter_reason(c));
		return;
	}
	if (!iterations) {
		snprintf(buf, len, "n/a: no iterations");
		return;
	}
	per = c->value / (double)iterations;
	n = snprintf(buf, len, fabs(per) >= 1000 ? "%.0f%s%s" : "%.4g%s%s", per,
		     c->spec.unit[0] ? " " : "", c->spec.unit);
	if (c->multiplexed && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (mux %.0f%%)", 100 * c->running_fraction);
}

void perfctr_print(const struct perf_set *s, uint64_t iterations, FILE *out, const char *indent)
{
	char label[PERF_NAME_LEN + 16], cell[PERF_REASON_LEN + 16];

	for (unsigned int i = 0; s && i < s->count; i++) {
		perfctr_label(&s->c[i], label, sizeof(label));
		perfctr_cell(&s->c[i], iterations, cell, sizeof(cell));
		fprintf(out, "%s%-28s %s\n", indent, label, cell);
	}
}
