/* SPDX-License-Identifier: MIT */
/* The fuzzed readers (bench/fuzz/fuzz.h). */
#include "bench/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <traceevent/event-parse.h>

#include "bench/compare/compare.h"
#include "bench/report/published.h"
#include "bench/result/resultfile.h"
#include "trace/trace.h"

#define FUZZ_RESAMPLES 64
#define GUARD_PAGE     4096 /* the statistics, not their precision, are under test */

static void compare_self(struct rf_run *run)
{
	static struct comparison cmp; /* large: reused, not reallocated per input */
	struct compare_opts o = {.nbase = 1, .nnew = 1, .threshold_pct = CMP_THRESHOLD_DEFAULT};
	struct comparison *c = &cmp;
	char *buf = NULL;
	size_t blen = 0;
	FILE *out;

	memset(c, 0, sizeof(*c));
	o.base[0] = o.new_[0] = run->path;
	c->o = &o;
	c->resamples = FUZZ_RESAMPLES;
	c->base[0] = *run; /* shallow: freed once, by the caller */
	c->new_[0] = *run;
	c->pairs[0].a = &c->base[0];
	c->pairs[0].b = &c->new_[0];
	c->pairs[0].n = cmp_run_diffs(&c->base[0], &c->new_[0], c->pairs[0].d, CMP_MAX_DIFFS);
	c->npairs = 1;
	out = open_memstream(&buf, &blen);
	if (compare_classes(c) == 0 && out) {
		compare_print_table(c, out);
		compare_print_tap(c, out);
		compare_dump_json(c, out);
	}
	if (out)
		fclose(out);
	free(buf);
	free(c->e);
	memset(c, 0, sizeof(*c));
}

int fuzz_resultfile(const uint8_t *data, size_t len)
{
	struct rf_run run;

	if (resultfile_parse("fuzz.json", (const char *)data, len, &run) == 0) {
		compare_self(&run);
		resultfile_free(&run);
	}
	return 0;
}

int fuzz_published(const uint8_t *data, size_t len)
{
	struct published p;

	if (published_parse("fuzz.csv", (const char *)data, len, &p) == 0)
		published_free(&p);
	return 0;
}

static struct tep_handle *formats(const char *srcdir)
{
	static const char *const names[] = {
	    "kvm_exit",	      "kvm_entry",	 "kvm_pio",	  "kvm_mmio",
	    "kvm_msr",	      "kvm_cpuid",	 "kvm_hypercall", "kvm_userspace_exit",
	    "kvm_page_fault", "kvm_emulate_insn"};
	struct tep_handle *tep = tep_alloc();

	if (!tep)
		return NULL;
	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, 4096);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[4096], buf[1 << 16];
		size_t n = 0;
		FILE *f;

		snprintf(path, sizeof(path), "%s/tests/data/trace-formats/%s.format", srcdir,
			 names[i]);
		f = fopen(path, "r");
		if (f) {
			n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
		}
		if (!n || tep_parse_event(tep, buf, n, "kvm") != 0) {
			fprintf(stderr, "fuzz: cannot parse %s\n", path);
			abort(); /* a broken harness, not a finding */
		}
	}
	return tep;
}

/* A buffer whose end touches an inaccessible page: a read past a record
 * faults even inside libtraceevent, which no sanitizer instruments. */
static uint8_t *guarded_end(void)
{
	static uint8_t *page;

	if (!page) {
		page = mmap(NULL, 2 * GUARD_PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED || mprotect(page + GUARD_PAGE, GUARD_PAGE, PROT_NONE))
			abort();
	}
	return page + GUARD_PAGE;
}

int fuzz_trace_records(const uint8_t *data, size_t len, const char *srcdir)
{
	static struct tep_handle *tep;
	static struct trace_decoder dec;
	struct trace_data td;
	uint64_t ts = 0;
	size_t off = 0;

	if (!tep) {
		tep = formats(srcdir);
		if (!tep || trace_decoder_init(&dec, tep) < 0)
			abort();
	}
	trace_data_init(&td);
	while (off + 2 <= len) {
		size_t n = data[off] | (size_t)data[off + 1] << 8;
		struct tep_record r = {0};
		struct trace_rec rec;
		uint8_t *copy;

		off += 2;
		n = n < len - off ? n : len - off;
		n = n < GUARD_PAGE ? n : GUARD_PAGE;
		copy = guarded_end() - n; /* exactly n bytes before the guard page */
		memcpy(copy, data + off, n);
		r.data = copy;
		r.size = (int)n;
		r.cpu = n ? data[off] % 4 : 0;
		r.ts = ts += n ? data[off + n - 1] : 1;
		if (trace_decode(&dec, &r, &rec) == 1)
			trace_data_add(&td, &rec);
		off += n;
	}
	trace_data_finish(&td);
	trace_data_free(&td);
	return 0;
}
