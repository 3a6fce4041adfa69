/* SPDX-License-Identifier: MIT */
/* run's class list: "a,b,c" or "all" into its options. */
#include <stdio.h>
#include <string.h>

#include "bench/cli.h"
#include "bench/run/run_opts.h"

static int add_class(struct run_opts *o, const struct exit_class *c)
{
	for (unsigned int i = 0; i < o->nclasses; i++)
		if (o->classes[i] == c)
			return 0;
	if (o->nclasses >= sizeof(o->classes) / sizeof(o->classes[0]))
		return usage_error("--class: too many classes");
	o->classes[o->nclasses++] = c;
	return 0;
}

int parse_class_list(const char *s, struct run_opts *o)
{
	char buf[1024], *save = NULL, *tok;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return usage_error("--class: list too long");
	o->nclasses = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct exit_class *c = class_find(tok);

		if (strcmp(tok, "all") == 0) {
			for (unsigned int i = 0; i < exit_class_count; i++)
				if (!exit_classes[i].hidden && add_class(o, &exit_classes[i]))
					return EXIT_USAGE;
			continue;
		}
		if (!c)
			return usage_error("--class: unknown class '%s' ('exitbench list' shows "
					   "them)",
					   tok);
		if (add_class(o, c))
			return EXIT_USAGE;
	}
	if (!o->nclasses)
		return usage_error("--class: no class given");
	return 0;
}
