/* SPDX-License-Identifier: MIT */
/* The names of a class's status in every output and in result files read back. */
#include "bench/result/model.h"

#include <string.h>

static const char *const names[] = {"ok", "skipped", "failed", "interrupted"};

const char *class_status_name(enum class_status s)
{
	return names[s];
}

int class_status_parse(const char *name, enum class_status *s)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0) {
			*s = (enum class_status)i;
			return 0;
		}
	return -1;
}
