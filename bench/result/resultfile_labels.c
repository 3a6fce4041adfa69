/* SPDX-License-Identifier: MIT */
/*
 * tool.method_version, tool.modified, host.kvm.hypervisor, host.platform
 * (or host.lab.platform) and the mitigation state of a result file.  Files written before these
 * keys existed get them derived: method 1, modified when tool.version says
 * "-dirty" or "+modified", the platform from backend, hypervisor bit and
 * signature (bench/host/platform.h).
 */
#include <stdio.h>
#include <string.h>

#include "bench/host/platform.h"
#include "bench/result/resultfile_labels.h"
#include "lib/error.h"

static int read_method(const char *path, json_t *tool, struct rf_run *out)
{
	json_t *m = json_object_get(tool, "method_version");
	json_t *mod = json_object_get(tool, "modified");

	out->method_version = 1;
	if (m &&
	    (!json_is_integer(m) || json_integer_value(m) < 1 || json_integer_value(m) > 1000000))
		return eb_fail("%s: tool.method_version: not a positive integer", path);
	if (m)
		out->method_version = (int)json_integer_value(m);
	if (mod && !json_is_boolean(mod))
		return eb_fail("%s: tool.modified: not a boolean", path);
	out->modified_source =
	    mod ? json_is_true(mod)
		: strstr(out->tool_version, "-dirty") || strstr(out->tool_version, "+modified");
	return 0;
}

/* An optional string field: absent is "", anything but a string an error. */
static int opt_str(const char *path, const char *field, json_t *v, char *dst, size_t len)
{
	dst[0] = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= len)
		return eb_fail("%s: %s: not a string of at most %zu bytes", path, field, len - 1);
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int read_platform(const char *path, json_t *host, struct rf_run *out)
{
	char stated[16], lab[16];

	if (opt_str(path, "host.kvm.hypervisor",
		    json_object_get(json_object_get(host, "kvm"), "hypervisor"), out->hypervisor,
		    sizeof(out->hypervisor)) ||
	    opt_str(path, "host.platform", json_object_get(host, "platform"), stated,
		    sizeof(stated)) ||
	    opt_str(path, "host.lab.platform",
		    json_object_get(json_object_get(host, "lab"), "platform"), lab, sizeof(lab)))
		return -1;
	if (stated[0] && !platform_valid(stated))
		return eb_fail("%s: host.platform: \"%s\", expected bare-metal, nested, emulated "
			       "or software",
			       path, stated);
	if (lab[0] && !platform_valid(lab))
		return eb_fail("%s: host.lab.platform: \"%s\", expected bare-metal, nested, "
			       "emulated or software",
			       path, lab);
	snprintf(out->platform, sizeof(out->platform), "%s",
		 lab[0]	     ? lab
		 : stated[0] ? stated
			     : platform_derive(NULL, out->backend, out->nested, out->hypervisor));
	out->guest_seen = platform_guest_seen(out->platform, out->nested);
	return 0;
}

/* What a tick is: a TSC tick, or (bochs) one emulated instruction. */
static int read_units(const char *path, json_t *doc, struct rf_run *out)
{
	if (opt_str(path, "units", json_object_get(doc, "units"), out->units, sizeof(out->units)))
		return -1;
	if (!out->units[0])
		snprintf(out->units, sizeof(out->units), "tsc_ticks");
	if (strcmp(out->units, "tsc_ticks") && strcmp(out->units, "emulated_instructions"))
		return eb_fail("%s: units: \"%s\", expected tsc_ticks or emulated_instructions",
			       path, out->units);
	return 0;
}

/*
 * The mitigation state in one line: the kernel's mitigations= parameter
 * (or "default") and the spectre_v2 line up to its first ';'.  Labels
 * only: a missing field leaves "not recorded".
 */
static void read_mitigations(json_t *doc, struct rf_run *out)
{
	json_t *host = json_object_get(doc, "host");
	const char *cmd =
	    json_string_value(json_object_get(json_object_get(host, "kernel"), "cmdline"));
	const char *v2 =
	    json_string_value(json_object_get(json_object_get(host, "mitigations"), "spectre_v2"));
	const char *m = cmd ? strstr(cmd, "mitigations=") : NULL;

	if (m && m != cmd && m[-1] != ' ')
		m = NULL; /* part of another parameter's name */
	if (!cmd && !v2) {
		snprintf(out->mitigations, sizeof(out->mitigations), "not recorded");
		return;
	}
	snprintf(out->mitigations, sizeof(out->mitigations), "%.*s; spectre_v2: %.*s",
		 m ? (int)strcspn(m, " ") : 7, m ? m : "default", v2 ? (int)strcspn(v2, ";") : 12,
		 v2 ? v2 : "not recorded");
}

int resultfile_labels(const char *path, json_t *doc, struct rf_run *out)
{
	read_mitigations(doc, out);
	return read_method(path, json_object_get(doc, "tool"), out) ||
		       read_platform(path, json_object_get(doc, "host"), out) ||
		       read_units(path, doc, out)
		   ? -1
		   : 0;
}
