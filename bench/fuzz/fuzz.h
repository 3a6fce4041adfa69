/* SPDX-License-Identifier: MIT */
/*
 * The entry points `make fuzz` drives with libFuzzer (tests/fuzz/fuzz_NAME.c) and
 * tests/test_fuzz_corpus.c replays without it: every reader of outside
 * input, on len bytes in memory.  Each returns 0 whatever the input (a
 * rejected input is a normal outcome); a crash, a sanitizer report or a
 * leak is the finding.
 */
#ifndef EXITBENCH_FUZZ_H
#define EXITBENCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* An exitbench/1 result file, then compare of it against itself (table,
 * TAP and JSON built in memory). */
int fuzz_resultfile(const uint8_t *data, size_t len);
/* A published.csv. */
int fuzz_published(const uint8_t *data, size_t len);
/* Raw kvm:* records, each a 2-byte little-endian length then its bytes (at
 * most 4096 used, the record ending where an inaccessible page begins),
 * decoded with the formats in tests/data/trace-formats/ (srcdir: the
 * source tree) and fed to the pairing and the statistics. */
int fuzz_trace_records(const uint8_t *data, size_t len, const char *srcdir);

#endif
