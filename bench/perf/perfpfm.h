/* SPDX-License-Identifier: MIT */
/*
 * The libpfm4 adapter of the perf counters (perfpfm.c).  libpfm4's
 * <perfmon/perf_event.h> redefines the kernel's <linux/perf_event.h>, so
 * the two never meet in one file: this header carries the encoding in
 * plain fields, and perfevents.c copies them into a perf_event_attr.
 */
#ifndef EXITBENCH_PERFPFM_H
#define EXITBENCH_PERFPFM_H

#include <stdbool.h>
#include <stdint.h>

struct perfpfm_event {
	uint32_t type;
	uint64_t config, config1, config2;
	unsigned int precise_ip;
	bool exclude_user, exclude_kernel, exclude_hv, exclude_host, exclude_guest;
};

/*
 * Encodes name with pfm_get_os_event_encoding(PFM_OS_PERF_EVENT_EXT),
 * counting user and kernel unless the name's own modifiers say otherwise
 * (libpfm4 is initialized on the first call).  Returns 0, or -1 with
 * eb_error() = "unknown event '<shown>': <libpfm4's reason>" naming the
 * PMUs libpfm4 detected when the name is not found.
 */
int perfpfm_encode(const char *name, const char *shown, struct perfpfm_event *out);

#endif
