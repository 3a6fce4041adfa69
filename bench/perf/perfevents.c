/* SPDX-License-Identifier: MIT */
/* Event names: perf's generic names from a table, everything else through libpfm4
 * (perfpfm.c), then the perf-style modifiers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench/cli.h"
#include "bench/perf/perfctr.h"
#include "bench/perf/perfpfm.h"
#include "lib/error.h"

struct generic_event {
	const char *name;
	uint32_t type;
	uint64_t config;
	const char *unit;
};

/* The names perf(1) lists as "Hardware event" and "Software event". */
static const struct generic_event generic[] = {
    {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, ""},
    {"cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, ""},
    {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, ""},
    {"cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, ""},
    {"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, ""},
    {"branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, ""},
    {"branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, ""},
    {"branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, ""},
    {"bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES, ""},
    {"stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, ""},
    {"idle-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, ""},
    {"stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, ""},
    {"idle-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, ""},
    {"ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, ""},
    {"cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, "ns"},
    {"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, "ns"},
    {"page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, ""},
    {"faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, ""},
    {"minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, ""},
    {"major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, ""},
    {"context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, ""},
    {"cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, ""},
    {"cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, ""},
    {"migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, ""},
    {"alignment-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS, ""},
    {"emulation-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS, ""},
};

/* perf-style modifiers after the last ':' ("u", "k", "h", "G", "H"). */
struct modifiers {
	bool any_plm, u, k, h;
	bool guest, host;
};

const char *perf_scope_name(enum perf_scope s)
{
	switch (s) {
	case PERF_SCOPE_GUEST:
		return "guest";
	case PERF_SCOPE_HOST:
		return "host";
	default:
		return "all";
	}
}

/* Splits "base:mods" when the last component is only perf modifier letters. */
static void split_modifiers(char *name, struct modifiers *m)
{
	char *colon = strrchr(name, ':');

	memset(m, 0, sizeof(*m));
	if (!colon || !colon[1] || colon == name || colon[-1] == ':' ||
	    strspn(colon + 1, "ukhGH") != strlen(colon + 1))
		return;
	for (const char *p = colon + 1; *p; p++) {
		m->any_plm |= *p == 'u' || *p == 'k' || *p == 'h';
		m->u |= *p == 'u';
		m->k |= *p == 'k';
		m->h |= *p == 'h';
		m->guest |= *p == 'G';
		m->host |= *p == 'H';
	}
	*colon = '\0';
}

static const struct generic_event *find_generic(const char *base)
{
	for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
		if (!strcmp(generic[i].name, base))
			return &generic[i];
	return NULL;
}

static int resolve_pfm(const char *event, const char *base, struct perf_event_spec *ev)
{
	struct perfpfm_event e;
	struct perf_event_attr *a = &ev->attr;

	if (perfpfm_encode(base, event, &e) < 0)
		return -1;
	a->type = e.type;
	a->config = e.config;
	a->config1 = e.config1;
	a->config2 = e.config2;
	a->precise_ip = e.precise_ip & 3;
	a->exclude_user = e.exclude_user;
	a->exclude_kernel = e.exclude_kernel;
	a->exclude_hv = e.exclude_hv;
	a->exclude_host = e.exclude_host;
	a->exclude_guest = e.exclude_guest;
	ev->unit = "";
	return 0;
}

/* exclude_* from the modifiers; libpfm4's own mg=/mh= are kept as given. */
static int apply_modifiers(const char *event, const char *base, const struct modifiers *m,
			   struct perf_event_spec *ev)
{
	struct perf_event_attr *a = &ev->attr;
	bool pfm_gh = strstr(base, "mg=") || strstr(base, "mh=");

	if (m->any_plm) {
		a->exclude_user = !m->u;
		a->exclude_kernel = !m->k;
		a->exclude_hv = !m->h;
	}
	if (pfm_gh && !m->guest && !m->host) {
		ev->scope = a->exclude_host && !a->exclude_guest   ? PERF_SCOPE_GUEST
			    : a->exclude_guest && !a->exclude_host ? PERF_SCOPE_HOST
								   : PERF_SCOPE_ALL;
	} else {
		ev->scope = m->guest == m->host ? PERF_SCOPE_ALL
			    : m->guest		? PERF_SCOPE_GUEST
						: PERF_SCOPE_HOST;
		a->exclude_host = ev->scope == PERF_SCOPE_GUEST;
		a->exclude_guest = ev->scope == PERF_SCOPE_HOST;
	}
	if (a->type == PERF_TYPE_SOFTWARE && ev->scope != PERF_SCOPE_ALL)
		return eb_fail("event '%s': guest/host filtering (G, H) applies to PMU events, "
			       "not to the software event '%s'",
			       event, base);
	return 0;
}

/* Resolves one name into ev; the name kept is the event without G/H. */
static int resolve(const char *event, struct perf_event_spec *ev)
{
	char base[PERF_NAME_LEN];
	struct modifiers m;
	const struct generic_event *g;

	if (strlen(event) >= sizeof(base))
		return eb_fail("event name '%.40s...' longer than %zu bytes", event,
			       sizeof(base) - 1);
	memset(ev, 0, sizeof(*ev));
	strcpy(base, event);
	split_modifiers(base, &m);
	g = find_generic(base);
	if (g) {
		ev->attr.type = g->type;
		ev->attr.config = g->config;
		ev->unit = g->unit;
	} else if (resolve_pfm(event, base, ev) < 0) {
		return -1;
	}
	if (apply_modifiers(event, base, &m, ev) < 0)
		return -1;
	snprintf(ev->name, sizeof(ev->name), "%s", base);
	if (m.any_plm)
		snprintf(ev->name + strlen(base), sizeof(ev->name) - strlen(base), ":%s%s%s",
			 m.u ? "u" : "", m.k ? "k" : "", m.h ? "h" : "");
	return 0;
}

int perfctr_parse(const char *list, struct perf_spec *out)
{
	const char *p = list;

	if (!list || !*list)
		return eb_fail("empty event list");
	for (;;) {
		size_t n = strcspn(p, ",");
		char event[PERF_NAME_LEN];

		if (n == 0)
			return eb_fail("empty event name in '%s'", list);
		if (n >= sizeof(event))
			return eb_fail("event name '%.40s...' longer than %zu bytes", p,
				       sizeof(event) - 1);
		if (out->count >= PERF_MAX_EVENTS)
			return eb_fail("too many events in '%s' (at most %d in all)", list,
				       PERF_MAX_EVENTS);
		memcpy(event, p, n);
		event[n] = '\0';
		if (resolve(event, &out->ev[out->count]) < 0)
			return -1;
		out->count++;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

int perfctr_parse_opt(const char *opt, const char *list, struct perf_spec *out)
{
	if (perfctr_parse(list, out) < 0)
		return usage_error("%s: %s", opt, eb_error());
	return EXIT_OK;
}
