/* SPDX-License-Identifier: MIT */
/* Perf counters: name parsing, unopenable counters as null + reason, software counts. */
#include <jansson.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/cli.h"
#include "bench/perf/perfctr.h"
#include "minivmm/minivmm.h"
#include "tests/tap.h"

static const struct perf_event_spec *parse_one(const char *name, struct perf_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	if (perfctr_parse(name, sp) < 0 || sp->count != 1) {
		diag("%s: %s", name, eb_error());
		return NULL;
	}
	return &sp->ev[0];
}

static bool is(const struct perf_event_spec *e, uint32_t type, uint64_t config)
{
	return e && e->attr.type == type && e->attr.config == config;
}

static void test_generic_names(void)
{
	struct perf_spec sp;
	const struct perf_event_spec *e;

	ok(is(parse_one("cycles", &sp), PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES),
	   "cycles is the generic hardware cycles event");
	e = &sp.ev[0];
	ok(e->scope == PERF_SCOPE_ALL && !e->attr.exclude_host && !e->attr.exclude_guest,
	   "a name without G/H counts guest and host");
	ok(is(parse_one("instructions", &sp), PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS),
	   "instructions");
	ok(is(parse_one("branches", &sp), PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS),
	   "branches");
	ok(is(parse_one("cache-misses", &sp), PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES),
	   "cache-misses");
	e = parse_one("cycles:u", &sp);
	ok(e && e->attr.exclude_kernel && e->attr.exclude_hv && !e->attr.exclude_user &&
	       !strcmp(e->name, "cycles:u"),
	   "cycles:u counts user only and keeps its name");
	e = parse_one("instructions:kG", &sp);
	ok(e && e->attr.exclude_user && !e->attr.exclude_kernel && e->scope == PERF_SCOPE_GUEST &&
	       !strcmp(e->name, "instructions:k"),
	   "instructions:kG counts kernel mode in the guest");
}

static void test_default_set(void)
{
	struct perf_spec sp = {0};
	unsigned int guest = 0, host = 0;

	ok(perfctr_parse(PERF_DEFAULT_EVENTS, &sp) == 0 && sp.count == 7, "default set parses");
	for (unsigned int i = 0; i < sp.count; i++) {
		const struct perf_event_attr *a = &sp.ev[i].attr;

		if (sp.ev[i].scope == PERF_SCOPE_GUEST && a->exclude_host && !a->exclude_guest)
			guest++;
		if (sp.ev[i].scope == PERF_SCOPE_HOST && a->exclude_guest && !a->exclude_host)
			host++;
	}
	ok(guest == 2 && host == 2, "cycles and instructions once per side (%u guest, %u host)",
	   guest, host);
	ok(!strcmp(sp.ev[0].name, "cycles") && !strcmp(sp.ev[1].name, "cycles"),
	   "the G/H modifiers are not part of the name");
	ok(perfctr_parse("task-clock", &sp) == 0 && sp.count == 8, "user events append");
}

static void test_software_names(void)
{
	struct perf_spec sp;
	int rc;

	ok(is(parse_one("context-switches", &sp), PERF_TYPE_SOFTWARE,
	      PERF_COUNT_SW_CONTEXT_SWITCHES) &&
	       is(parse_one("cs", &sp), PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES),
	   "context-switches / cs");
	ok(is(parse_one("cpu-migrations", &sp), PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS) &&
	       is(parse_one("migrations", &sp), PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS),
	   "cpu-migrations / migrations");
	ok(is(parse_one("page-faults", &sp), PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS) &&
	       is(parse_one("faults", &sp), PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS),
	   "page-faults / faults");
	ok(is(parse_one("task-clock", &sp), PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK) &&
	       !strcmp(sp.ev[0].unit, "ns"),
	   "task-clock counts nanoseconds");
	memset(&sp, 0, sizeof(sp));
	rc = perfctr_parse("page-faults:G", &sp);
	ok(rc < 0 && strstr(eb_error(), "page-faults:G"),
	   "guest/host split of a software event is refused: %s", eb_error());
}

/* Names only libpfm4 knows; its "perf" PMU is present wherever perf_events is. */
static void test_libpfm_names(void)
{
	struct perf_spec sp;
	const struct perf_event_spec *e;

	ok(is(parse_one("perf::PERF_COUNT_SW_CPU_CLOCK", &sp), PERF_TYPE_SOFTWARE,
	      PERF_COUNT_SW_CPU_CLOCK),
	   "libpfm4 resolves perf::PERF_COUNT_SW_CPU_CLOCK");
	e = parse_one("L1-dcache-load-misses", &sp);
	ok(e && e->attr.type == PERF_TYPE_HW_CACHE && e->scope == PERF_SCOPE_ALL &&
	       !e->attr.exclude_guest,
	   "libpfm4 resolves a cache event; its default exclude_guest is overridden");
	ok(is(parse_one("r003c:u", &sp), PERF_TYPE_RAW, 0x3c) && sp.ev[0].attr.exclude_kernel,
	   "raw event r003c:u");
	e = parse_one("perf::PERF_COUNT_HW_CPU_CYCLES:mh=1", &sp);
	ok(e && e->scope == PERF_SCOPE_HOST && e->attr.exclude_guest && !e->attr.exclude_host,
	   "libpfm4's own mh=1 modifier is kept: scope host");
	memset(&sp, 0, sizeof(sp));
	if (perfctr_parse("INST_RETIRED.ANY", &sp) == 0)
		ok(sp.count == 1 && sp.ev[0].attr.config != 0,
		   "INST_RETIRED.ANY resolves on this host (type %u config %#llx)",
		   sp.ev[0].attr.type, (unsigned long long)sp.ev[0].attr.config);
	else
		ok(strstr(eb_error(), "unknown event 'INST_RETIRED.ANY'") &&
		       strstr(eb_error(), "PMUs libpfm4 detected here"),
		   "INST_RETIRED.ANY is unknown to this host's PMUs: %s", eb_error());
}

/* In a child whose libpfm4 is forced to Sapphire Rapids (LIBPFM_FORCE_PMU),
 * a microarchitecture name resolves whatever this host is. */
static int forced_pmu_child(void)
{
	struct perf_spec sp = {0};

	setenv("LIBPFM_FORCE_PMU", "spr", 1);
	if (perfctr_parse("INST_RETIRED.ANY,inst_retired.any:u,cycles", &sp) < 0) {
		fprintf(stderr, "forced spr: %s\n", eb_error());
		return 1;
	}
	return !((sp.ev[0].attr.config & 0xffff) == 0x1c0 &&
		 sp.ev[1].attr.config == sp.ev[0].attr.config && sp.ev[1].attr.exclude_kernel &&
		 sp.ev[2].attr.type == PERF_TYPE_HARDWARE);
}

static void test_forced_pmu(void)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(forced_pmu_child());
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0,
	   "with LIBPFM_FORCE_PMU=spr, INST_RETIRED.ANY and inst_retired.any:u resolve to "
	   "event 0xc0 umask 0x01, and cycles still comes from the generic table");
}

/* perfctr_parse_opt("-e", list) with its stderr line caught in line. */
static int parse_opt_captured(const char *list, struct perf_spec *sp, char *line, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO), rc;

	line[0] = '\0';
	if (!tmp || saved < 0)
		return -1;
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	rc = perfctr_parse_opt("-e", list, sp);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	if (!fgets(line, (int)len, tmp))
		line[0] = '\0';
	fclose(tmp);
	return rc;
}

static void test_unknown(void)
{
	struct perf_spec sp = {0};
	const char *want = "exitbench: -e: unknown event 'NO_SUCH_EVENT_XYZ': ";
	char line[512];
	int rc;

	rc = perfctr_parse("cycles,NO_SUCH_EVENT_XYZ", &sp);
	ok(rc < 0 && strstr(eb_error(), "unknown event 'NO_SUCH_EVENT_XYZ': event not found"),
	   "an unknown event is named with libpfm4's reason: %s", eb_error());
	memset(&sp, 0, sizeof(sp));
	rc = perfctr_parse("cycles,,cs", &sp);
	ok(rc < 0 && strstr(eb_error(), "empty event name"), "an empty name is refused: %s",
	   eb_error());
	memset(&sp, 0, sizeof(sp));
	rc = parse_opt_captured("NO_SUCH_EVENT_XYZ", &sp, line, sizeof(line));
	ok(rc == EXIT_USAGE, "the option helper returns exit status 2 (got %d)", rc);
	ok(!strncmp(line, want, strlen(want)) && strchr(line, '\n') == line + strlen(line) - 1,
	   "and prints one line: %.*s", (int)strcspn(line, "\n"), line);
}

static json_t *event_json(const struct perf_set *s, unsigned int i, uint64_t iterations)
{
	json_t *doc = perfctr_json(s, iterations);
	json_t *ev = json_incref(json_array_get(json_object_get(doc, "events"), i));

	json_decref(doc);
	return ev;
}

/* A software config no kernel has fails to open everywhere; hardware
 * cycles fail where there is no PMU (this machine) and count elsewhere. */
static void test_cannot_open(void)
{
	struct perf_spec sp = {0};
	struct perf_set *s;
	json_t *ev;
	char cell[256];

	perfctr_parse("cycles:H", &sp);
	sp.ev[1] = sp.ev[0];
	snprintf(sp.ev[1].name, sizeof(sp.ev[1].name), "impossible");
	sp.ev[1].attr.type = PERF_TYPE_SOFTWARE;
	sp.ev[1].attr.config = 0xffffffffffffULL;
	sp.ev[1].attr.exclude_guest = 0;
	sp.count = 2;
	s = perfctr_open(&sp, 0);
	ok(s && s->count == 2 && s->c[1].fd < 0, "the impossible event keeps its slot, unopened");
	perfctr_enable(s);
	perfctr_disable(s);
	perfctr_read(s);
	ev = event_json(s, 1, 1000);
	ok(ev && json_is_null(json_object_get(ev, "value")) &&
	       json_is_null(json_object_get(ev, "per_iteration")) &&
	       json_is_false(json_object_get(ev, "multiplexed")),
	   "its value and per_iteration are null in the JSON, never 0");
	ok(json_string_value(json_object_get(ev, "reason")) &&
	       strstr(json_string_value(json_object_get(ev, "reason")), "perf_event_open: "),
	   "its reason names the failed call: %s",
	   json_string_value(json_object_get(ev, "reason")));
	json_decref(ev);
	perfctr_cell(&s->c[1], 1000, cell, sizeof(cell));
	ok(!strncmp(cell, "n/a: perf_event_open: ", 22), "the table cell says %s", cell);
	ev = event_json(s, 0, 1000);
	ok(ev && !strcmp(json_string_value(json_object_get(ev, "scope")), "host") &&
	       (s->c[0].have_value ? json_is_integer(json_object_get(ev, "value"))
				   : json_is_null(json_object_get(ev, "value")) &&
					 json_is_string(json_object_get(ev, "reason"))),
	   "cycles (host): counted, or null with a reason (%s)",
	   s->c[0].have_value ? "counted" : s->c[0].reason);
	json_decref(ev);
	perfctr_close(s);
}

static void workload(void)
{
	const size_t pages = 64, page = (size_t)sysconf(_SC_PAGESIZE);
	volatile char *p =
	    mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct timespec ms = {0, 1000000};

	if (p == MAP_FAILED)
		return;
	for (size_t i = 0; i < pages; i++)
		p[i * page] = 1;
	munmap((void *)p, pages * page);
	nanosleep(&ms, NULL); /* blocks: one voluntary context switch */
}

static void test_software_counts(void)
{
	struct perf_spec sp = {0};
	struct perf_set *s;
	char cell[256];
	json_t *ev;

	ok(perfctr_parse("page-faults,context-switches,task-clock", &sp) == 0, "software set");
	s = perfctr_open(&sp, 0);
	ok(s && s->c[0].fd >= 0 && s->c[1].fd >= 0 && s->c[2].fd >= 0,
	   "software events open on the calling thread");
	for (unsigned int i = 0; s && i < s->count; i++)
		if (s->c[i].fd < 0)
			diag("%s: %s", s->c[i].spec.name, s->c[i].reason);
	if (!s)
		return;
	perfctr_enable(s);
	workload();
	perfctr_disable(s);
	perfctr_read(s);
	ok(s->c[0].have_value && s->c[0].value >= 64, "64 fresh pages: %.0f page faults",
	   s->c[0].value);
	ok(s->c[1].have_value && s->c[1].value >= 1, "a sleep: %.0f context switches",
	   s->c[1].value);
	ok(s->c[2].have_value && s->c[2].value > 0, "task-clock %.0f ns", s->c[2].value);
	ev = event_json(s, 0, 4);
	ok(ev &&
	       json_real_value(json_object_get(ev, "per_iteration")) ==
		   (double)json_integer_value(json_object_get(ev, "value")) / 4 &&
	       json_is_null(json_object_get(ev, "reason")),
	   "per_iteration is value / iterations, reason null");
	json_decref(ev);
	perfctr_cell(&s->c[2], 1, cell, sizeof(cell));
	ok(strstr(cell, " ns") && strncmp(cell, "n/a", 3), "task-clock cell: %s", cell);
	perfctr_print(s, 4, stdout, "# ");
	perfctr_close(s);
}

struct worker {
	int go[2], tid[2];
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	pid_t tid = gettid();
	char c;

	if (write(w->tid[1], &tid, sizeof(tid)) != sizeof(tid) || read(w->go[0], &c, 1) != 1)
		return NULL;
	workload();
	return NULL;
}

/* The runner counts the vCPU thread from the thread that drives it. */
static void test_other_thread(void)
{
	struct perf_spec sp = {0};
	struct perf_set *s = NULL;
	struct worker w;
	pthread_t th;
	pid_t tid = 0;

	if (pipe(w.go) < 0 || pipe(w.tid) < 0 || pthread_create(&th, NULL, worker_main, &w)) {
		ok(0, "worker thread: %s", strerror(errno));
		return;
	}
	if (read(w.tid[0], &tid, sizeof(tid)) == sizeof(tid) && perfctr_parse("faults", &sp) == 0)
		s = perfctr_open(&sp, tid);
	if (s)
		perfctr_enable(s);
	if (write(w.go[1], "g", 1) != 1)
		diag("write: %s", strerror(errno));
	pthread_join(th, NULL);
	if (s) {
		perfctr_disable(s);
		perfctr_read(s);
	}
	ok(s && s->c[0].have_value && s->c[0].value >= 64,
	   "page faults of another thread (tid %d) counted: %.0f", (int)tid,
	   s && s->c[0].have_value ? s->c[0].value : -1.0);
	perfctr_close(s);
	close(w.go[0]);
	close(w.go[1]);
	close(w.tid[0]);
	close(w.tid[1]);
}

int main(void)
{
	test_forced_pmu(); /* first: the child must initialize libpfm4 itself */
	test_generic_names();
	test_default_set();
	test_software_names();
	test_libpfm_names();
	test_unknown();
	test_cannot_open();
	test_software_counts();
	test_other_thread();
	return tap_done();
}
