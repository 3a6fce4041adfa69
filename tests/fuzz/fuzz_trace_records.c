/* SPDX-License-Identifier: MIT */
/* libFuzzer target (make fuzz): fuzz_trace_records() of bench/fuzz/fuzz.h,
 * run from the source tree (the kvm formats are in tests/data/). */
#include "bench/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	return fuzz_trace_records(data, len, ".");
}
