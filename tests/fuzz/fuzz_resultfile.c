/* SPDX-License-Identifier: MIT */
/* libFuzzer target (make fuzz): fuzz_resultfile() of bench/fuzz/fuzz.h. */
#include "bench/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	return fuzz_resultfile(data, len);
}
