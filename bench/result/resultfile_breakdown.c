/* SPDX-License-Identifier: MIT */
/*
 * classes[i].breakdown of a result file (exitbench run, docs/json-schema.md):
 * "available", then one statistics object per part (exit_leg, vmm_handling,
 * entry_leg); numbers, strings and arrays beside them describe the
 * breakdown.  Only the report reads them (RF_READ_BREAKDOWN).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/result/resultfile_breakdown.h"
#include "lib/error.h"

/* A part of the breakdown: an object of statistics with a numeric "median". */
static int read_part(const char *path, size_t ci, const char *key, json_t *v,
		     struct rf_breakdown *bd)
{
	json_t *m = json_object_get(v, "median");
	struct rf_part *p;

	if (!json_is_number(m) || !isfinite(json_number_value(m)))
		return eb_fail("%s: classes[%zu].breakdown.%s.median: not a number", path, ci, key);
	if (bd->n >= RF_MAX_PARTS)
		return eb_fail("%s: classes[%zu].breakdown: more than %d parts", path, ci,
			       RF_MAX_PARTS);
	p = &bd->part[bd->n++];
	snprintf(p->name, sizeof(p->name), "%s", key);
	p->ticks = json_number_value(m);
	return 0;
}

static int read_breakdown(const char *path, size_t ci, json_t *cls, struct rf_breakdown *bd)
{
	json_t *b = json_object_get(cls, "breakdown"), *v;
	const char *key;

	if (!b || json_is_null(b))
		return 0;
	if (!json_is_object(b))
		return eb_fail("%s: classes[%zu].breakdown: not an object", path, ci);
	v = json_object_get(b, "available");
	if (!json_is_boolean(v))
		return eb_fail("%s: classes[%zu].breakdown.available: not true or false", path, ci);
	if (json_is_false(v)) {
		bd->unavailable = true;
		snprintf(bd->reason, sizeof(bd->reason), "%s",
			 json_string_value(json_object_get(b, "reason")) ?: "no reason given");
		return 0;
	}
	json_object_foreach(b, key, v)
	{
		if (json_is_object(v) && read_part(path, ci, key, v, bd))
			return -1;
	}
	if (!bd->n)
		return eb_fail("%s: classes[%zu].breakdown: available but no part", path, ci);
	return 0;
}

int resultfile_breakdowns(const char *path, json_t *doc, struct rf_run *out)
{
	json_t *classes = json_object_get(doc, "classes");

	for (unsigned int i = 0; i < out->nclasses; i++) {
		if (read_breakdown(path, i, json_array_get(classes, i), &out->classes[i].bd))
			return -1;
		if (out->classes[i].bd.n)
			out->has_breakdown = true;
	}
	return 0;
}
