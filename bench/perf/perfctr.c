/* SPDX-License-Identifier: MIT */
/* perf_event_open(2) counters on one thread around a timed loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h> /* perf_event fds only: not a VM or vCPU fd (minivmm wraps those) */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench/perf/perfctr.h"

static long sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group,
				unsigned long flags)
{
	return syscall(SYS_perf_event_open, attr, pid, cpu, group, flags);
}

static int paranoid_level(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int level = -99;

	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = -99;
		fclose(f);
	}
	return level;
}

/* What an open failure means for this event, beside strerror. */
static const char *open_hint(int err, const struct perf_event_attr *a)
{
	switch (err) {
	case ENOENT:
		return a->type == PERF_TYPE_SOFTWARE ? "this kernel has no such software event"
						     : "no PMU on this host counts this event";
	case EOPNOTSUPP:
		return a->exclude_host || a->exclude_guest
			   ? "this PMU cannot filter guest/host (exclude_host/exclude_guest)"
			   : "this PMU cannot count the event this way";
	case EINVAL:
		return "the PMU rejects this encoding";
	case EACCES:
	case EPERM:
		return "not permitted (see /proc/sys/kernel/perf_event_paranoid)";
	case EBUSY:
		return "the counter is held exclusively by another user";
	default:
		return NULL;
	}
}

static void counter_open(struct perf_counter *c, pid_t tid)
{
	struct perf_event_attr a = c->spec.attr;
	const char *hint;
	int err;

	a.size = sizeof(a);
	a.disabled = 1;
	a.inherit = 0;
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	c->fd = (int)sys_perf_event_open(&a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (c->fd >= 0)
		return;
	err = errno;
	hint = open_hint(err, &a);
	if ((err == EACCES || err == EPERM) && hint)
		snprintf(c->reason, sizeof(c->reason), "perf_event_open: %s (%s, now %d)",
			 strerror(err), hint, paranoid_level());
	else if (hint)
		snprintf(c->reason, sizeof(c->reason), "perf_event_open: %s (%s)", strerror(err),
			 hint);
	else
		snprintf(c->reason, sizeof(c->reason), "perf_event_open: %s", strerror(err));
}

struct perf_set *perfctr_open(const struct perf_spec *spec, pid_t tid)
{
	struct perf_set *s = calloc(1, sizeof(*s) + spec->count * sizeof(s->c[0]));

	if (!s)
		return NULL;
	s->count = spec->count;
	for (unsigned int i = 0; i < s->count; i++) {
		s->c[i].spec = spec->ev[i];
		counter_open(&s->c[i], tid);
	}
	return s;
}

/* value, time_enabled, time_running of one counter. */
static int counter_sample(struct perf_counter *c, uint64_t v[3])
{
	ssize_t n = read(c->fd, v, 3 * sizeof(uint64_t));

	if (n == (ssize_t)(3 * sizeof(uint64_t)))
		return 0;
	snprintf(c->reason, sizeof(c->reason), "read: %s", n < 0 ? strerror(errno) : "short read");
	return -1;
}

/* Drops a counter that failed mid-run: its value is unknown from now on. */
static void counter_fail(struct perf_counter *c, const char *op)
{
	if (op)
		snprintf(c->reason, sizeof(c->reason), "%s: %s", op, strerror(errno));
	close(c->fd);
	c->fd = -1;
	c->have_value = false;
}

void perfctr_enable(struct perf_set *s)
{
	for (unsigned int i = 0; i < s->count; i++) {
		struct perf_counter *c = &s->c[i];

		c->have_value = false;
		if (c->fd < 0)
			continue;
		if (ioctl(c->fd, PERF_EVENT_IOC_RESET, 0) < 0)
			counter_fail(c, "ioctl PERF_EVENT_IOC_RESET");
		else if (counter_sample(c, c->base) < 0)
			counter_fail(c, NULL);
	}
	for (unsigned int i = 0; i < s->count; i++)
		if (s->c[i].fd >= 0 && ioctl(s->c[i].fd, PERF_EVENT_IOC_ENABLE, 0) < 0)
			counter_fail(&s->c[i], "ioctl PERF_EVENT_IOC_ENABLE");
}

void perfctr_disable(struct perf_set *s)
{
	for (unsigned int i = 0; i < s->count; i++)
		if (s->c[i].fd >= 0 && ioctl(s->c[i].fd, PERF_EVENT_IOC_DISABLE, 0) < 0)
			counter_fail(&s->c[i], "ioctl PERF_EVENT_IOC_DISABLE");
}

static void counter_read(struct perf_counter *c)
{
	uint64_t v[3], value, enabled, running;

	c->have_value = false;
	c->multiplexed = false;
	if (counter_sample(c, v) < 0) {
		counter_fail(c, NULL);
		return;
	}
	value = v[0] - c->base[0];
	enabled = v[1] - c->base[1];
	running = v[2] - c->base[2];
	if (enabled == 0) {
		snprintf(c->reason, sizeof(c->reason),
			 "not counted: the thread did not run while the counter was enabled");
		return;
	}
	if (running == 0) {
		snprintf(c->reason, sizeof(c->reason),
			 "not counted: the event never got a PMU counter (multiplexed out)");
		return;
	}
	c->have_value = true;
	c->reason[0] = '\0';
	c->multiplexed = running < enabled;
	c->running_fraction = (double)running / (double)enabled;
	c->value =
	    c->multiplexed ? (double)value * (double)enabled / (double)running : (double)value;
}

void perfctr_read(struct perf_set *s)
{
	for (unsigned int i = 0; i < s->count; i++)
		if (s->c[i].fd >= 0)
			counter_read(&s->c[i]);
}

void perfctr_close(struct perf_set *s)
{
	if (!s)
		return;
	for (unsigned int i = 0; i < s->count; i++)
		if (s->c[i].fd >= 0)
			close(s->c[i].fd);
	free(s);
}
