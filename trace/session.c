/* SPDX-License-Identifier: MIT */
/*
 * A tracing session: a private tracefs instance with the kvm events enabled
 * (filtered to one process where asked), drained by a reader thread.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <tracefs/tracefs.h>

#include "trace/trace.h"

/* A drain that read this many records comes back without sleeping. */
#define BUSY_RECORDS 4096
/* One that read any comes back after this, not after the idle period. */
#define BUSY_POLL_MS 5

struct trace_session {
	struct trace_opts opts;
	struct trace_info info;
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	struct trace_decoder dec;
	struct trace_data data;
	pthread_t reader;
	bool reader_running, stopped, drain_failed;
	pthread_mutex_t lock; /* stop_reader, wake */
	pthread_cond_t wake;
	bool stop_reader, sync_ready;
	uint64_t drained; /* records the last drain read */
	char reader_error[256];
	double t_enable;
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void note(struct trace_session *s, const char *what)
{
	size_t used = strlen(s->info.notes);

	if (what[0] && used < sizeof(s->info.notes))
		snprintf(s->info.notes + used, sizeof(s->info.notes) - used, "%s%s",
			 used ? "; " : "", what);
}

static int on_record(struct tep_event *e, struct tep_record *r, int cpu, void *ctx)
{
	struct trace_session *s = ctx;
	struct trace_rec rec;

	(void)cpu;
	s->drained++;
	if (s->opts.record)
		trace_record_write(s->opts.record, e->name, r, tep_data_pid(s->tep, r));
	if (trace_decode(&s->dec, r, &rec) == 1)
		trace_data_add(&s->data, &rec);
	return 0;
}

static int drain(struct trace_session *s)
{
	s->drained = 0;
	if (tracefs_iterate_raw_events(s->tep, s->inst, NULL, 0, on_record, s) < 0)
		return eb_fail_errno("read the trace buffers of instance %s", s->info.instance);
	return 0;
}

/* Sleeps ms, or less when trace_session_stop wakes the reader. */
static void reader_wait(struct trace_session *s, unsigned int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	while (!s->stop_reader && pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&s->lock);
}

static bool reader_stopping(struct trace_session *s)
{
	bool stop;

	pthread_mutex_lock(&s->lock);
	stop = s->stop_reader;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static void *reader_main(void *arg)
{
	struct trace_session *s = arg;

	while (!reader_stopping(s)) {
		if (drain(s) < 0) {
			snprintf(s->reader_error, sizeof(s->reader_error), "%s", eb_error());
			s->drain_failed = true;
			break;
		}
		if (s->drained >= BUSY_RECORDS) /* a busy buffer is read again at once */
			continue;
		reader_wait(s, s->drained ? BUSY_POLL_MS : s->opts.poll_ms);
	}
	return NULL;
}

/* The reader blocks every signal: they stay with the threads that wait for them. */
static int start_reader(struct trace_session *s)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	int err;

	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	s->sync_ready = true;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&s->reader, NULL, reader_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		errno = err;
		return eb_fail_errno("start the trace reader thread");
	}
	s->reader_running = true;
	return 0;
}

#define PID_LIST_LEN (1 << 16)

/* Appends the thread ids of pid not in list yet: list is " 1 2 3 ". */
static int add_threads(pid_t pid, char *list, size_t len)
{
	char path[64], tok[300];
	struct dirent *de;
	size_t used = strlen(list);
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return eb_fail_errno("list the threads of process %d (%s)", (int)pid, path);
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(tok, sizeof(tok), " %s ", de->d_name);
		if (strstr(list, tok))
			continue;
		if (used + strlen(tok) >= len) {
			closedir(d);
			errno = E2BIG;
			return eb_fail_errno("filter events to process %d: too many threads",
					     (int)pid);
		}
		memcpy(list + used, tok + 1, strlen(tok)); /* "123 " and the NUL */
		used += strlen(tok) - 1;
	}
	closedir(d);
	return 0;
}

/* set_event_pid: every thread of pid now; event-fork adds those it starts.
 * One write for all (each write costs the kernel an RCU grace period), then
 * once more for threads started in between. */
static int filter_pid(struct trace_session *s, pid_t pid)
{
	char *list = malloc(PID_LIST_LEN);
	int ret = 0;

	if (!list)
		return eb_fail_errno("allocate the thread list of process %d", (int)pid);
	if (tracefs_option_enable(s->inst, TRACEFS_OPTION_EVENT_FORK) < 0)
		ret = eb_fail_errno("enable option event-fork in instance %s", s->info.instance);
	snprintf(list, PID_LIST_LEN, " ");
	for (int round = 0; round < 2 && !ret; round++) {
		size_t before = strlen(list);

		ret = add_threads(pid, list, PID_LIST_LEN);
		if (ret || strlen(list) == before)
			break;
		if (tracefs_instance_file_append(s->inst, "set_event_pid", list + before) < 0)
			ret = eb_fail_errno("filter events to the threads of process %d", (int)pid);
	}
	if (!ret && strlen(list) == 1) {
		errno = ESRCH;
		ret = eb_fail_errno("filter events to process %d: it has no threads", (int)pid);
	}
	free(list);
	return ret;
}

/* The instance's clock: mono (ns, the same on every CPU) where the kernel has it. */
static void set_clock(struct trace_session *s)
{
	char *clock;

	if (tracefs_instance_file_write(s->inst, "trace_clock", "mono") < 0)
		note(s, "trace clock mono unavailable: kept the instance's default");
	clock = tracefs_get_clock(s->inst);
	snprintf(s->info.clock, sizeof(s->info.clock), "%s", clock ? clock : "unknown");
	free(clock);
}

static int enable_events(struct trace_session *s)
{
	int n = 0;

	for (int ev = 0; ev < TEV_COUNT; ev++) {
		s->info.present[ev] = s->dec.id[ev] >= 0;
		if (!s->info.present[ev] || (s->opts.events && !(s->opts.events & (1u << ev))))
			continue;
		if (tracefs_event_enable(s->inst, "kvm", trace_ev_name(ev)) < 0)
			return eb_fail_errno("enable event kvm:%s in instance %s",
					     trace_ev_name(ev), s->info.instance);
		s->info.enabled[ev] = true;
		n++;
	}
	s->t_enable = mono_now();
	errno = ENOENT;
	return n ? 0 : eb_fail_errno("enable kvm events: none of those asked for exists here");
}

/* The kvm formats we decode (not the whole system: fewer to parse), with the
 * header page, for this host's byte order and word size. */
static int load_formats(struct trace_session *s)
{
	int size = 0;
	char *buf;

	tracefs_set_loglevel(TEP_LOG_NONE);
	s->tep = tep_alloc();
	if (!s->tep)
		return eb_fail_errno("allocate an event parser");
	tep_set_file_bigendian(s->tep,
			       tep_is_local_bigendian(s->tep) ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_long_size(s->tep, (int)sizeof(long));
	tep_set_page_size(s->tep, (int)sysconf(_SC_PAGESIZE));
	buf = tracefs_instance_file_read(NULL, "events/header_page", &size);
	if (!buf || tep_parse_header_page(s->tep, buf, size, (int)sizeof(long)) < 0) {
		free(buf);
		return eb_fail_errno("read %s/events/header_page", s->info.tracing_dir);
	}
	free(buf);
	for (int ev = 0; ev < TEV_COUNT; ev++) {
		buf = tracefs_event_file_read(NULL, "kvm", trace_ev_name(ev), "format", &size);
		if (buf && tep_parse_event(s->tep, buf, (unsigned long)size, "kvm") != 0) {
			free(buf);
			return eb_fail("parse the format of kvm:%s", trace_ev_name(ev));
		}
		free(buf); /* absent: this kernel lacks the event */
	}
	return trace_decoder_init(&s->dec, s->tep);
}

static int setup(struct trace_session *s)
{
	char stale[256];

	if (tracing_dir_get(s->info.tracing_dir, sizeof(s->info.tracing_dir), &s->info.mounted) < 0)
		return -1;
	if (s->info.mounted)
		note(s, "mounted tracefs on /sys/kernel/tracing (unmounted again at the end)");
	if (tracefs_set_tracing_dir(s->info.tracing_dir) < 0)
		return eb_fail_errno("use tracing directory %s", s->info.tracing_dir);
	if (load_formats(s) < 0)
		return -1;
	if (trace_remove_stale_instances(s->info.tracing_dir, stale, sizeof(stale)) < 0)
		return -1;
	note(s, stale);
	s->inst = instance_create_ours(s->info.instance, sizeof(s->info.instance));
	if (!s->inst)
		return -1;
	set_clock(s);
	if (tracefs_instance_set_buffer_size(s->inst, s->opts.buffer_kb, -1) < 0)
		return eb_fail_errno("set the buffer of instance %s to %u KiB per CPU",
				     s->info.instance, s->opts.buffer_kb);
	if (s->opts.pid && filter_pid(s, s->opts.pid) < 0)
		return -1;
	if (enable_events(s) < 0)
		return -1;
	return start_reader(s);
}

unsigned int trace_default_buffer_kb(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long kb = TRACE_BUFFER_TOTAL_KB / (unsigned long)(ncpu > 0 ? ncpu : 1);

	return kb < 4096 ? 4096 : kb > 32768 ? 32768 : (unsigned int)kb;
}

struct trace_session *trace_session_open(const struct trace_opts *o)
{
	struct trace_session *s = calloc(1, sizeof(*s));

	if (!s) {
		eb_fail_errno("allocate a trace session");
		return NULL;
	}
	s->opts = *o;
	if (!s->opts.buffer_kb)
		s->opts.buffer_kb = trace_default_buffer_kb();
	if (!s->opts.poll_ms)
		s->opts.poll_ms = TRACE_DEFAULT_POLL_MS;
	trace_data_init(&s->data);
	if (setup(s) < 0) {
		int saved = errno;

		trace_session_close(s);
		errno = saved;
		return NULL;
	}
	return s;
}

/* Lost events: overrun (overwritten) + dropped_events (buffer full), every CPU. */
static uint64_t read_lost(struct trace_session *s)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	uint64_t lost = 0;

	for (long cpu = 0; cpu < ncpu; cpu++) {
		char file[64], *text, *p;
		unsigned long long v;

		snprintf(file, sizeof(file), "per_cpu/cpu%ld/stats", cpu);
		text = tracefs_instance_file_read(s->inst, file, NULL);
		if (!text)
			continue;
		p = strstr(text, "overrun:");
		if (p && sscanf(p, "overrun: %llu", &v) == 1)
			lost += v;
		p = strstr(text, "dropped_events:");
		if (p && sscanf(p, "dropped_events: %llu", &v) == 1)
			lost += v;
		free(text);
	}
	return lost;
}

static void stop_reader(struct trace_session *s)
{
	if (!s->reader_running)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop_reader = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->reader, NULL);
	s->reader_running = false;
}

int trace_session_stop(struct trace_session *s)
{
	int ret = 0;

	if (s->stopped)
		return 0;
	s->stopped = true;
	stop_reader(s);
	if (tracefs_event_disable(s->inst, "kvm", NULL) < 0)
		ret = eb_fail_errno("disable the kvm events of instance %s", s->info.instance);
	s->info.seconds = mono_now() - s->t_enable;
	if (s->drain_failed) {
		errno = EIO;
		ret = eb_fail("%s", s->reader_error);
	} else if (drain(s) < 0) {
		ret = -1;
	}
	s->info.lost = read_lost(s);
	if (trace_data_finish(&s->data) < 0)
		ret = -1;
	if (s->data.oom && !ret) {
		errno = ENOMEM;
		ret = eb_fail_errno("collect trace events");
	}
	return ret;
}

struct trace_data *trace_session_data(struct trace_session *s)
{
	return &s->data;
}

const struct trace_info *trace_session_info(const struct trace_session *s)
{
	return &s->info;
}

void trace_session_close(struct trace_session *s)
{
	char buf[256] = "";

	if (!s)
		return;
	stop_reader(s);
	if (s->inst) {
		tracefs_instance_destroy(s->inst);
		tracefs_instance_free(s->inst);
	}
	if (s->tep)
		tep_free(s->tep);
	if (s->info.mounted) {
		tracing_dir_put(s->info.tracing_dir, buf, sizeof(buf));
		/* the report is out already: say it now, before s is freed */
		if (buf[0])
			fprintf(stderr, "exitbench trace: %s\n", buf);
	}
	if (s->sync_ready) {
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
	}
	trace_data_free(&s->data);
	free(s);
}

int trace_stop_collect(struct trace_session *s, struct trace_counts *out)
{
	int ret = trace_session_stop(s);

	trace_counts_fill(&s->data, out);
	memcpy(out->enabled, s->info.enabled, sizeof(out->enabled));
	out->lost = s->info.lost;
	return ret;
}

void trace_record_write(FILE *f, const char *event, const struct tep_record *r, int pid)
{
	const unsigned char *p = r->data;

	fprintf(f, "%s %d %llu %lld %d ", event, r->cpu, r->ts, (long long)r->missed_events, pid);
	for (int i = 0; i < r->size; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
}
