/* SPDX-License-Identifier: MIT */
/* host.platform from the backend, the hypervisor bit and signature, the lab. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/host/platform.h"
#include "lib/error.h"

static const char *const names[] = {PLATFORM_BARE_METAL, PLATFORM_NESTED, PLATFORM_EMULATED,
				    PLATFORM_SOFTWARE};

bool platform_valid(const char *s)
{
	for (unsigned int i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

const char *platform_derive(const char *lab_platform, const char *backend, bool under_hypervisor,
			    const char *signature)
{
	for (unsigned int i = 0; lab_platform && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(lab_platform, names[i]) == 0)
			return names[i];
	if (signature && strcmp(signature, TCG_SIGNATURE) == 0)
		return PLATFORM_EMULATED;
	if (!backend || (strcmp(backend, "vmx") && strcmp(backend, "svm")))
		return PLATFORM_SOFTWARE;
	return under_hypervisor ? PLATFORM_NESTED : PLATFORM_BARE_METAL;
}

bool platform_guest_seen(const char *platform, bool under_hypervisor)
{
	return under_hypervisor || strcmp(platform, PLATFORM_NESTED) == 0 ||
	       strcmp(platform, PLATFORM_EMULATED) == 0;
}

bool platform_has_hardware_year(const char *platform, bool under_hypervisor)
{
	return !platform_guest_seen(platform, under_hypervisor);
}

int platform_from_lab(const char *lab_json, char *out, size_t len)
{
	json_t *doc, *v;
	int ret = 0;

	out[0] = 0;
	if (!lab_json || !*lab_json)
		return 0;
	doc = json_loads(lab_json, 0, NULL);
	v = json_object_get(doc, "platform");
	if (v && platform_valid(json_string_value(v)))
		snprintf(out, len, "%s", json_string_value(v));
	else if (v || !doc)
		ret = eb_fail("$EXITBENCH_LAB %s: platform: not bare-metal, nested, emulated or "
			      "software",
			      getenv("EXITBENCH_LAB") ?: "(unset)");
	json_decref(doc);
	return ret;
}
