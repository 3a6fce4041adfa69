/* SPDX-License-Identifier: MIT */
/*
 * Every input kept under tests/fuzz/NAME/ (the make fuzz corpus and any
 * crasher it found) replayed through the same entry point as the fuzzer,
 * without libFuzzer: in make check's ASan+UBSan build a regression shows
 * as a sanitizer report, in both builds as a crash.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/fuzz/fuzz.h"
#include "tests/tap.h"

static const char *srcdir(void)
{
	const char *d = getenv("EXITBENCH_SRCDIR");

	return d && *d ? d : ".";
}

static int run_one(const char *target, const uint8_t *data, size_t len)
{
	if (strcmp(target, "resultfile") == 0)
		return fuzz_resultfile(data, len);
	if (strcmp(target, "published") == 0)
		return fuzz_published(data, len);
	return fuzz_trace_records(data, len, srcdir());
}

/* Replays every file of tests/fuzz/target/; how many, or -1. */
static int replay(const char *target, unsigned int *crashers)
{
	char dir[4096], path[8192];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/%s", srcdir(), target);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		struct stat st;
		uint8_t *buf;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		buf = malloc((size_t)st.st_size + 1);
		f = fopen(path, "rb");
		if (!buf || !f || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
			diag("cannot read %s", path);
			free(buf);
			if (f)
				fclose(f);
			return -1;
		}
		fclose(f);
		run_one(target, buf, (size_t)st.st_size);
		free(buf);
		*crashers += strncmp(e->d_name, "crash-", 6) == 0;
		n++;
	}
	closedir(d);
	return n;
}

int main(void)
{
	static const char *const targets[] = {"resultfile", "published", "trace_records"};

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		unsigned int crashers = 0;
		int n = replay(targets[i], &crashers);

		ok(n > 0, "tests/fuzz/%s: %d inputs (%u former crashers) replayed without a crash",
		   targets[i], n, crashers);
	}
	return tap_done();
}
