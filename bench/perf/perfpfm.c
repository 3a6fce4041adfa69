/* SPDX-License-Identifier: MIT */
/* Event names through libpfm4 (perfpfm.h says why this file stands alone). */
#include <perfmon/pfmlib_perf_event.h>
#include <stdio.h>
#include <string.h>

#include "bench/perf/perfpfm.h"
#include "lib/error.h"

static int pfm_state = 1; /* 1: not yet initialized; else pfm_initialize's result */

static int pfm_ready(void)
{
	if (pfm_state == 1)
		pfm_state = pfm_initialize();
	return pfm_state;
}

/* ", " separated names of the PMUs libpfm4 found on this host. */
static void detected_pmus(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int p = PFM_PMU_NONE; p < PFM_PMU_MAX && n < len; p++) {
		pfm_pmu_info_t info;

		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info(p, &info) != PFM_SUCCESS || !info.is_present)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", info.name);
	}
}

int perfpfm_encode(const char *name, const char *shown, struct perfpfm_event *out)
{
	struct perf_event_attr a;
	pfm_perf_encode_arg_t arg;
	char pmus[256];
	int r = pfm_ready();

	if (r != PFM_SUCCESS)
		return eb_fail("unknown event '%s': libpfm4 pfm_initialize: %s", shown,
			       pfm_strerror(r));
	memset(&a, 0, sizeof(a));
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.attr = &a;
	r = pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
	if (r == PFM_ERR_NOTFOUND) {
		detected_pmus(pmus, sizeof(pmus));
		return eb_fail("unknown event '%s': %s (PMUs libpfm4 detected here: %s)", shown,
			       pfm_strerror(r), pmus[0] ? pmus : "none");
	}
	if (r != PFM_SUCCESS)
		return eb_fail("unknown event '%s': %s", shown, pfm_strerror(r));
	*out = (struct perfpfm_event){
	    .type = a.type,
	    .config = a.config,
	    .config1 = a.config1,
	    .config2 = a.config2,
	    .precise_ip = a.precise_ip,
	    .exclude_user = a.exclude_user,
	    .exclude_kernel = a.exclude_kernel,
	    .exclude_hv = a.exclude_hv,
	    .exclude_host = a.exclude_host,
	    .exclude_guest = a.exclude_guest,
	};
	return 0;
}
