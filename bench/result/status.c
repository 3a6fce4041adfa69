/* SPDX-License-Identifier: MIT */
/* The names of a class's status in every output. */
#include "bench/result/result.h"

const char *class_status_name(enum class_status s)
{
	static const char *const names[] = {"ok", "skipped", "failed", "interrupted"};

	return names[s];
}
