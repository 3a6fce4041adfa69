/* SPDX-License-Identifier: MIT */
/* The exitbench-census/1 document (docs/census.md): written, read back. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/files.h"
#include "bench/census/census.h"
#include "bench/result/result.h"

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *tri(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *cost_json(const struct census_cell *c)
{
	return json_pack(
	    "{s:o, s:[o,o], s:o, s:o, s:o, s:o, s:s}", "median", num(c->median), "median_ci95",
	    num(c->ci_lo), num(c->ci_hi), "p10", num(c->p10), "p90", num(c->p90), "net_median",
	    num(c->net_median), "median_ns", num(c->median_ns), "of",
	    c->outcome == CO_FAULT ? "the fault's round trip through the guest's handler"
				   : "the row's code");
}

/* --trace: kvm_exit reasons over the cell's whole VM. */
static json_t *reasons_json(const struct census_cell *c)
{
	json_t *counts = json_object();

	for (unsigned int i = 0; i < c->nreasons; i++)
		json_object_set_new(counts, c->reasons[i].name,
				    json_integer((json_int_t)c->reasons[i].count));
	return json_pack("{s:s, s:o}", "error", c->trace_error, "counts", counts);
}

static json_t *cell_json(const struct census_cell *c)
{
	json_t *o = json_pack("{s:i, s:s, s:s}", "ring", c->ring, "status",
			      census_status_key(c->status), "reason", c->reason);
	json_t *st;
	char code[32];

	census_cell_code(c, code, sizeof(code));
	json_object_set_new(o, "code", json_string(code));
	json_object_set_new(o, "hint", c->hint[0] ? json_string(c->hint) : json_null());
	json_object_set_new(o, "matches_hint",
			    c->hint[0] && c->status == CS_OK ? json_boolean(!strcmp(c->hint, code))
							     : json_null());
	if (c->traced)
		json_object_set_new(o, "exit_reasons", reasons_json(c));
	if (c->status != CS_OK)
		return o;
	st = json_object();
	for (unsigned int i = 0; i < c->nstats; i++)
		json_object_set_new(st, c->stats[i].name, json_real(c->stats[i].per_iter));
	json_object_set_new(o, "outcome", json_string(census_outcome_key(c->outcome)));
	json_object_set_new(o, "vector", c->vector >= 0 ? json_integer(c->vector) : json_null());
	json_object_set_new(o, "vector_name",
			    c->vector >= 0 ? json_string(census_vector_name(c->vector))
					   : json_null());
	json_object_set_new(o, "error_code", json_integer((json_int_t)c->error));
	json_object_set_new(o, "via_kvm", json_boolean(c->via_kvm));
	json_object_set_new(o, "cpl", json_integer(c->cpl));
	json_object_set_new(o, "iterations", json_integer((json_int_t)c->iterations));
	json_object_set_new(o, "warmup", json_integer((json_int_t)c->warmup));
	json_object_set_new(o, "faults_per_iteration", num(c->faults_per_iter));
	json_object_set_new(o, "exits_per_iteration", num(c->exits_per_iter));
	json_object_set_new(o, "vmm_exits_per_iteration", num(c->vmm_exits_per_iter));
	json_object_set_new(o, "kvm_stats_per_iteration", st);
	json_object_set_new(o, "cost", cost_json(c));
	json_object_set_new(o, "observed",
			    json_pack("{s:s, s:b, s:[I,I], s:o, s:I, s:I}", "text", c->observed,
				      "valid", c->obs_valid, "raw", (json_int_t)c->obs[0],
				      (json_int_t)c->obs[1], "equivalent", tri(c->equivalent),
				      "cr0", (json_int_t)c->cr0, "cr4", (json_int_t)c->cr4));
	return o;
}

static json_t *row_json(const struct census_rowres *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:b, s:o, s:o}", "name", r->name,
			 "insn", r->insn, "group", r->group, "what", r->what, "sensitive",
			 r->sensitive, "resource", r->resource, "class", census_class_key(r->cls),
			 "class_name", census_class_name(r->cls), "cpl0_exits", r->cpl0_exits,
			 "cpl0", cell_json(&r->cell[0]), "cpl3", cell_json(&r->cell[1]));
}

static json_t *doc_json(const struct census_doc *d)
{
	json_t *rows = json_array();

	for (unsigned int i = 0; i < d->nrows; i++)
		json_array_append_new(rows, row_json(&d->rows[i]));
	return json_pack(
	    "{s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:b, s:s, s:O, s:b, s:{s:I, s:I, "
	    "s:s, s:s, s:b}, s:s, s:o}",
	    "schema", CENSUS_SCHEMA, "tool", "name", "exitbench", "version", d->tool_version,
	    "command_line", d->command_line, "started_utc", d->started_utc, "finished_utc",
	    d->finished_utc, "partial", d->partial, "partial_reason", d->partial_reason, "host",
	    (json_t *)d->host_json, "host_cpu_umip", d->host_umip, "options", "iterations",
	    (json_int_t)d->iterations, "warmup", (json_int_t)d->warmup, "timer", d->timer,
	    "timer_note", d->timer_note, "trace", d->trace, "units", "tsc_ticks", "rows", rows);
}

static int dump(FILE *f, const void *arg)
{
	if (json_dumpf(arg, f, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) < 0)
		return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

int census_write_json(const struct census_doc *d, const char *path)
{
	json_t *doc = d->host_json ? doc_json(d) : NULL;
	int r;

	if (!doc) {
		errno = ENOMEM;
		return eb_fail("build the census JSON document for %s", path);
	}
	r = atomic_write(path, false, dump, doc);
	json_decref(doc);
	return r;
}

/* ---- reading ---- */

struct rd {
	const char *path;
	char where[96];
};

static int bad(const struct rd *r, const char *key, const char *what)
{
	errno = EINVAL;
	return eb_fail("%s: %s%s%s: %s", r->path, r->where, r->where[0] ? "." : "", key, what);
}

static int get_str(const struct rd *r, json_t *o, const char *key, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s)
		return bad(r, key, "missing or not a string");
	snprintf(buf, len, "%s", s);
	return 0;
}

static double get_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void read_cost(json_t *cost, struct census_cell *c)
{
	json_t *ci = json_object_get(cost, "median_ci95");

	c->median = get_num(cost, "median");
	c->ci_lo =
	    json_is_number(json_array_get(ci, 0)) ? json_number_value(json_array_get(ci, 0)) : NAN;
	c->ci_hi =
	    json_is_number(json_array_get(ci, 1)) ? json_number_value(json_array_get(ci, 1)) : NAN;
	c->p10 = get_num(cost, "p10");
	c->p90 = get_num(cost, "p90");
	c->net_median = get_num(cost, "net_median");
	c->median_ns = get_num(cost, "median_ns");
}

static void read_observed(json_t *ob, struct census_cell *c)
{
	json_t *raw = json_object_get(ob, "raw"), *eq = json_object_get(ob, "equivalent");
	const char *t = json_string_value(json_object_get(ob, "text"));

	snprintf(c->observed, sizeof(c->observed), "%s", t ? t : "");
	c->obs_valid = json_is_true(json_object_get(ob, "valid"));
	c->obs[0] = (uint64_t)json_integer_value(json_array_get(raw, 0));
	c->obs[1] = (uint64_t)json_integer_value(json_array_get(raw, 1));
	c->equivalent = json_is_boolean(eq) ? json_is_true(eq) : -1;
	c->cr0 = (uint64_t)json_integer_value(json_object_get(ob, "cr0"));
	c->cr4 = (uint64_t)json_integer_value(json_object_get(ob, "cr4"));
}

static void read_stats(json_t *st, struct census_cell *c)
{
	const char *k;
	json_t *v;

	json_object_foreach(st, k, v)
	{
		if (c->nstats >= CENSUS_MAX_STATS || !json_is_number(v))
			continue;
		snprintf(c->stats[c->nstats].name, sizeof(c->stats[0].name), "%s", k);
		c->stats[c->nstats++].per_iter = json_number_value(v);
	}
}

static void read_reasons(json_t *t, struct census_cell *c)
{
	const char *k;
	json_t *v;

	if (!json_is_object(t))
		return;
	c->traced = true;
	snprintf(c->trace_error, sizeof(c->trace_error), "%s",
		 json_string_value(json_object_get(t, "error")) ?: "");
	json_object_foreach(json_object_get(t, "counts"), k, v)
	{
		if (c->nreasons >= CENSUS_MAX_REASONS || !json_is_integer(v))
			continue;
		snprintf(c->reasons[c->nreasons].name, sizeof(c->reasons[0].name), "%s", k);
		c->reasons[c->nreasons++].count = (uint64_t)json_integer_value(v);
	}
}

static int read_cell(struct rd *r, json_t *o, struct census_cell *c)
{
	char key[32];
	int s, oc;
	json_t *vec = json_object_get(o, "vector"), *hint = json_object_get(o, "hint");

	if (!json_is_object(o))
		return bad(r, "cell", "missing or not an object");
	if (get_str(r, o, "status", key, sizeof(key)) || (s = census_status_from_key(key)) < 0)
		return bad(r, "status", "missing or not a census status");
	c->status = (enum census_status)s;
	c->ring = (int)json_integer_value(json_object_get(o, "ring"));
	snprintf(c->hint, sizeof(c->hint), "%s", json_string_value(hint) ?: "");
	if (get_str(r, o, "reason", c->reason, sizeof(c->reason)))
		return -1;
	read_reasons(json_object_get(o, "exit_reasons"), c);
	if (c->status != CS_OK)
		return 0;
	if (get_str(r, o, "outcome", key, sizeof(key)) || (oc = census_outcome_from_key(key)) < 0)
		return bad(r, "outcome", "missing or not a census outcome");
	c->outcome = (enum census_outcome)oc;
	c->vector = json_is_integer(vec) ? (int)json_integer_value(vec) : -1;
	if (c->outcome == CO_FAULT && c->vector < 0)
		return bad(r, "vector", "a fault without a vector");
	c->error = (uint64_t)json_integer_value(json_object_get(o, "error_code"));
	c->via_kvm = json_is_true(json_object_get(o, "via_kvm"));
	c->cpl = (int)json_integer_value(json_object_get(o, "cpl"));
	c->iterations = (uint64_t)json_integer_value(json_object_get(o, "iterations"));
	c->warmup = (uint64_t)json_integer_value(json_object_get(o, "warmup"));
	c->faults_per_iter = get_num(o, "faults_per_iteration");
	c->exits_per_iter = get_num(o, "exits_per_iteration");
	c->vmm_exits_per_iter = get_num(o, "vmm_exits_per_iteration");
	read_stats(json_object_get(o, "kvm_stats_per_iteration"), c);
	read_cost(json_object_get(o, "cost"), c);
	read_observed(json_object_get(o, "observed"), c);
	return 0;
}

static int read_row(struct rd *r, json_t *o, struct census_rowres *rr)
{
	char cls[32];
	const struct census_rowdef *row;

	if (!json_is_object(o))
		return bad(r, "", "not an object");
	if (get_str(r, o, "name", rr->name, sizeof(rr->name)) ||
	    get_str(r, o, "insn", rr->insn, sizeof(rr->insn)) ||
	    get_str(r, o, "group", rr->group, sizeof(rr->group)) ||
	    get_str(r, o, "what", rr->what, sizeof(rr->what)) ||
	    get_str(r, o, "class", cls, sizeof(cls)))
		return -1;
	row = census_find_row(rr->name);
	rr->obs = row ? row->obs : OBS_NONE;
	rr->sensitive = json_is_true(json_object_get(o, "sensitive"));
	rr->resource = json_is_true(json_object_get(o, "resource"));
	rr->cls = census_class_from_key(cls);
	rr->cpl0_exits = json_is_true(json_object_get(o, "cpl0_exits"));
	for (int k = 0; k < 2; k++) {
		size_t n = strlen(r->where);

		rr->cell[k].ring = k ? 3 : 0;
		rr->cell[k].vector = -1;
		rr->cell[k].equivalent = -1;
		snprintf(r->where + n, sizeof(r->where) - n, ".cpl%d", k ? 3 : 0);
		if (read_cell(r, json_object_get(o, k ? "cpl3" : "cpl0"), &rr->cell[k]))
			return -1;
		r->where[n] = 0;
	}
	if (rr->cls == CC_UNKNOWN && strcmp(cls, "unknown"))
		return bad(r, "class", "not a census class");
	census_row_classify(rr); /* from the outcomes: a hand-edited file stays consistent */
	return 0;
}

static int read_top(struct rd *r, json_t *doc, struct census_doc *d)
{
	json_t *tool = json_object_get(doc, "tool"), *opt = json_object_get(doc, "options");
	json_t *host = json_object_get(doc, "host"), *rows = json_object_get(doc, "rows");
	const char *schema = json_string_value(json_object_get(doc, "schema"));

	if (!schema || strcmp(schema, CENSUS_SCHEMA))
		return bad(r, "schema", "missing or not \"" CENSUS_SCHEMA "\"");
	if (!json_is_object(host) || !json_is_array(rows) || !json_is_object(opt))
		return bad(r, "host, options, rows", "missing or of the wrong type");
	if (json_array_size(rows) > CENSUS_MAX_ROWS)
		return bad(r, "rows", "more rows than this version knows");
	if (get_str(r, tool, "version", d->tool_version, sizeof(d->tool_version)) ||
	    get_str(r, tool, "command_line", d->command_line, sizeof(d->command_line)) ||
	    get_str(r, doc, "started_utc", d->started_utc, sizeof(d->started_utc)) ||
	    get_str(r, doc, "finished_utc", d->finished_utc, sizeof(d->finished_utc)) ||
	    get_str(r, opt, "timer", d->timer, sizeof(d->timer)) ||
	    get_str(r, opt, "timer_note", d->timer_note, sizeof(d->timer_note)))
		return -1;
	d->partial = json_is_true(json_object_get(doc, "partial"));
	snprintf(d->partial_reason, sizeof(d->partial_reason), "%s",
		 json_string_value(json_object_get(doc, "partial_reason")) ?: "");
	d->iterations = (uint64_t)json_integer_value(json_object_get(opt, "iterations"));
	d->warmup = (uint64_t)json_integer_value(json_object_get(opt, "warmup"));
	d->host_umip = json_is_true(json_object_get(doc, "host_cpu_umip"));
	d->trace = json_is_true(json_object_get(opt, "trace"));
	d->host_json = json_incref(host);
	census_host_from_json(host, &d->host);
	for (size_t i = 0; i < json_array_size(rows); i++) {
		snprintf(r->where, sizeof(r->where), "rows[%zu]", i);
		if (read_row(r, json_array_get(rows, i), &d->rows[d->nrows]))
			return -1;
		d->trace = d->trace || d->rows[d->nrows].cell[0].traced ||
			   d->rows[d->nrows].cell[1].traced;
		d->nrows++;
	}
	return 0;
}

int census_read_json(const char *path, struct census_doc *d)
{
	struct rd r = {.path = path};
	json_error_t err;
	json_t *doc;
	int ret;

	memset(d, 0, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "%s", path);
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		if (json_error_code(&err) == json_error_cannot_open_file)
			return eb_fail("%s: open: %s", path, strerror(errno ? errno : ENOENT));
		return eb_fail("%s: not JSON: line %d column %d: %s", path, err.line, err.column,
			       err.text);
	}
	ret = read_top(&r, doc, d);
	json_decref(doc);
	if (ret)
		census_doc_free(d);
	return ret;
}

void census_doc_free(struct census_doc *d)
{
	json_decref((json_t *)d->host_json);
	d->host_json = NULL;
}

int census_peek_schema(const char *path, char *buf, size_t len)
{
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err);
	const char *s = doc ? json_string_value(json_object_get(doc, "schema")) : NULL;

	snprintf(buf, len, "%s", s ? s : "");
	json_decref(doc);
	return doc ? 0 : -1;
}
