/* SPDX-License-Identifier: MIT */
/*
 * May two result files be compared?  Different methods (tool.method_version)
 * or platforms (bare-metal, nested, emulated, software) are never compared:
 * their numbers are different quantities.  Different hosts (CPU, TSC
 * frequency), backends or class sets are refused without --force; a
 * different build, kernel, microcode or run option is what one compares, so
 * it is only shown.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bench/compare/compare.h"

struct diffs {
	struct cmp_diff *d;
	unsigned int n, max;
};

static void add(struct diffs *ds, enum cmp_diff_kind kind, const char *field, const char *a,
		const char *b)
{
	struct cmp_diff *d;

	if (strcmp(a, b) == 0 || ds->n >= ds->max)
		return;
	d = &ds->d[ds->n++];
	d->kind = kind;
	snprintf(d->field, sizeof(d->field), "%s", field);
	snprintf(d->base, sizeof(d->base), "%s", a);
	snprintf(d->new_, sizeof(d->new_), "%s", b);
}

static void add_u64(struct diffs *ds, enum cmp_diff_kind kind, const char *field, uint64_t a,
		    uint64_t b)
{
	char x[24], y[24];

	snprintf(x, sizeof(x), "%" PRIu64, a);
	snprintf(y, sizeof(y), "%" PRIu64, b);
	add(ds, kind, field, x, y);
}

/* Names of a's classes that b lacks, comma-separated, or "" */
static void only_in(const struct rf_run *a, const struct rf_run *b, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < a->nclasses && used < len; i++)
		if (!rf_find_class(b, a->classes[i].name)) {
			int w = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
					 a->classes[i].name);

			used += w > 0 ? (size_t)w : 0;
		}
}

static void class_set(struct diffs *ds, const struct rf_run *a, const struct rf_run *b)
{
	char x[176], y[176], bx[192], by[192];

	only_in(a, b, x, sizeof(x));
	only_in(b, a, y, sizeof(y));
	if (!x[0] && !y[0])
		return;
	snprintf(bx, sizeof(bx), "only here: %s", x[0] ? x : "-");
	snprintf(by, sizeof(by), "only here: %s", y[0] ? y : "-");
	add(ds, CMP_DIFF_CLASSES, "classes", bx, by);
}

unsigned int cmp_run_diffs(const struct rf_run *a, const struct rf_run *b, struct cmp_diff *out,
			   unsigned int max)
{
	struct diffs ds = {out, 0, max};
	char ma[16], mb[16];

	snprintf(ma, sizeof(ma), "%d", a->method_version);
	snprintf(mb, sizeof(mb), "%d", b->method_version);
	add(&ds, CMP_DIFF_METHOD, "tool.method_version", ma, mb);
	add(&ds, CMP_DIFF_PLATFORM, "host.platform", a->platform, b->platform);
	add(&ds, CMP_DIFF_UNITS, "units", a->units, b->units);

	add(&ds, CMP_DIFF_HOST, "host.hostname", a->hostname, b->hostname);
	add(&ds, CMP_DIFF_HOST, "host.cpu.vendor", a->vendor, b->vendor);
	add_u64(&ds, CMP_DIFF_HOST, "host.cpu.family", a->family, b->family);
	add_u64(&ds, CMP_DIFF_HOST, "host.cpu.model", a->model, b->model);
	add_u64(&ds, CMP_DIFF_HOST, "host.cpu.stepping", a->stepping, b->stepping);
	add(&ds, CMP_DIFF_HOST, "host.cpu.model_name", a->model_name, b->model_name);
	add_u64(&ds, CMP_DIFF_HOST, "host.tsc_khz", a->tsc_khz, b->tsc_khz);
	add(&ds, CMP_DIFF_BACKEND, "host.kvm.backend", a->backend, b->backend);
	add(&ds, CMP_DIFF_BACKEND, "host.kvm.module", a->kvm_module, b->kvm_module);
	add(&ds, CMP_DIFF_BACKEND, "host.kvm.nested", a->nested ? "true" : "false",
	    b->nested ? "true" : "false");
	class_set(&ds, a, b);
	add(&ds, CMP_DIFF_NOTE, "tool.version", a->tool_version, b->tool_version);
	add(&ds, CMP_DIFF_NOTE, "host.kernel.release", a->kernel_release, b->kernel_release);
	add(&ds, CMP_DIFF_NOTE, "host.cpu.microcode", a->microcode, b->microcode);
	add(&ds, CMP_DIFF_NOTE, "options.timer", a->timer, b->timer);
	add_u64(&ds, CMP_DIFF_NOTE, "options.samples", a->samples, b->samples);
	add(&ds, CMP_DIFF_NOTE, "partial", a->partial ? "true" : "false",
	    b->partial ? "true" : "false");
	return ds.n;
}
