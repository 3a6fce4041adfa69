/* SPDX-License-Identifier: MIT */
/* exitbench trace: per-exit-reason durations and cause counts of running VMs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/cli.h"
#include "bench/version/version.h"
#include "minivmm/minivmm.h"
#include "trace/trace.h"

#define TICK_MS	   50
#define GRACE_S	   10.0 /* a COMMAND gets this long to end after SIGTERM */
#define MAX_SECOND 1e6

static const char trace_usage[] =
    "usage: exitbench trace [options] [-- COMMAND [ARGS...]]\n"
    "  -p, --pid PID         the VMs of process PID: its threads, and those it starts\n"
    "  -d, --duration S      stop after S seconds (a COMMAND still running then gets "
    "SIGTERM)\n"
    "  -e, --events A,B      only these kvm events (default all: kvm_exit, kvm_entry,\n"
    "                        kvm_pio, kvm_mmio, kvm_msr, kvm_cpuid, kvm_hypercall,\n"
    "                        kvm_userspace_exit, kvm_page_fault, kvm_emulate_insn)\n"
    "      --json F          write the result as JSON (atomically; docs/trace.md)\n"
    "      --buffer-kb N     ring buffer per CPU in KiB (default 128 MiB over the CPUs,\n"
    "                        4-32 MiB each)\n"
    "      --record F        write every record (event, cpu, time, raw bytes) to F\n"
    "  -h, --help\n"
    "Without -p or COMMAND: every VM on this host, until -d or Ctrl-C.\n"
    "Needs root: tracefs is mounted where it is not; a private instance is used and\n"
    "removed at the end, Ctrl-C included.\n"
    "exit status: 0 ok, 1 COMMAND failed, 2 usage or environment error\n";

enum { O_JSON = 256, O_BUFFER, O_RECORD };

static const struct option trace_long[] = {
    {"pid", required_argument, 0, 'p'},
    {"duration", required_argument, 0, 'd'},
    {"json", required_argument, 0, O_JSON},
    {"buffer-kb", required_argument, 0, O_BUFFER},
    {"record", required_argument, 0, O_RECORD},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

struct trace_cli {
	pid_t pid;
	double seconds; /* 0: until Ctrl-C, the COMMAND's or the process's end */
	const char *json, *record;
	unsigned int buffer_kb;
	unsigned int events; /* 1 << TEV_*; 0: all */
	char **cmd;	     /* NULL-terminated COMMAND, or NULL */
	char command[1024], command_line[1024];
};

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t child_pid;

/* A signal sent to us alone (kill) goes on to the COMMAND; one from the
 * terminal reached its whole process group already. */
static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_signal = sig;
	if (child_pid > 0 && si->si_code <= 0)
		kill((pid_t)child_pid, sig);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: waits end early */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno)
		return usage_error("--duration: '%s' is not a number of seconds", s);
	if (!(v > 0 && v <= MAX_SECOND))
		return usage_error("--duration: %s is out of range (0..%.0f]", s, MAX_SECOND);
	*out = v;
	return 0;
}

static int parse_pid(const char *s, pid_t *out)
{
	uint64_t v;

	if (parse_u64("--pid", s, 1, INT_MAX, &v))
		return EXIT_USAGE;
	if (kill((pid_t)v, 0) < 0 && errno == ESRCH)
		return usage_error("--pid: no process %s", s);
	*out = (pid_t)v;
	return 0;
}

static int parse_events(const char *s, unsigned int *mask)
{
	char buf[512], *save = NULL, *tok;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return usage_error("--events: list too long");
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int ev = trace_ev_parse(tok);

		if (ev < 0)
			return usage_error(
			    "--events: unknown event '%s' (see exitbench trace --help)", tok);
		*mask |= 1u << ev;
	}
	if (!*mask)
		return usage_error("--events: no event given");
	return 0;
}

static int parse_one(int c, struct trace_cli *o)
{
	uint64_t v;

	switch (c) {
	case 'p':
		return parse_pid(optarg, &o->pid);
	case 'd':
		return parse_seconds(optarg, &o->seconds);
	case 'e':
		return parse_events(optarg, &o->events);
	case O_JSON:
		o->json = optarg;
		return check_writable("--json", optarg);
	case O_RECORD:
		o->record = optarg;
		return check_writable("--record", optarg);
	case O_BUFFER:
		if (parse_u64("--buffer-kb", optarg, 64, 1u << 22, &v))
			return EXIT_USAGE;
		o->buffer_kb = (unsigned int)v;
		return 0;
	case 'h':
		fputs(trace_usage, stdout);
		exit(EXIT_OK);
	default:
		fputs(trace_usage, stderr);
		return EXIT_USAGE;
	}
}

static int parse_trace(int argc, char **argv, struct trace_cli *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	snprintf(o->command_line, sizeof(o->command_line), "exitbench ");
	join_command_line(argc, argv, o->command_line + 10, sizeof(o->command_line) - 10);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:d:e:h", trace_long, NULL)) != -1)
		if (parse_one(c, o))
			return EXIT_USAGE;
	if (optind < argc) {
		if (o->pid)
			return usage_error("trace: -p and a COMMAND exclude each other");
		o->cmd = argv + optind;
		join_command_line(argc - optind, argv + optind, o->command, sizeof(o->command));
	}
	return 0;
}

/* Forks COMMAND stopped before exec until release(): no event is missed. */
static pid_t spawn_paused(char **cmd, int *go_fd, int *err_fd)
{
	int go[2], ep[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0)
		return eb_fail_errno("create a pipe for the command");
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return eb_fail_errno("create a pipe for the command");
	}
	pid = fork();
	if (pid == 0) {
		ssize_t n;
		char c;
		int e;

		close(go[1]);
		close(ep[0]);
		do
			n = read(go[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1) /* exitbench gave up before tracing started */
			_exit(127);
		execvp(cmd[0], cmd);
		e = errno;
		if (write(ep[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ep[1]);
	if (pid < 0) {
		close(go[1]);
		close(ep[0]);
		return eb_fail_errno("fork for command %s", cmd[0]);
	}
	*go_fd = go[1];
	*err_fd = ep[0];
	return pid;
}

/* Lets the child exec; -1 with its exec errno when exec failed. */
static int release(const char *cmd0, int go_fd, int err_fd)
{
	ssize_t n;
	int e = 0;

	if (write(go_fd, "g", 1) < 0)
		e = errno;
	close(go_fd);
	do
		n = read(err_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(err_fd);
	if (n == (ssize_t)sizeof(e) || e) {
		errno = e;
		return eb_fail_errno("run command %s", cmd0);
	}
	return 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL); /* a signal ends it early */
}

/* Waits for the COMMAND: SIGTERM (when asked), then SIGKILL after GRACE_S. */
static int reap(pid_t pid, bool terminate)
{
	double t0 = mono_s();
	int status;

	if (terminate)
		kill(pid, SIGTERM);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (mono_s() - t0 > GRACE_S) {
			kill(pid, SIGKILL);
			t0 = mono_s() + 1e9;
		}
		sleep_ms(TICK_MS);
	}
}

/* Until a signal, -d, the COMMAND's end or the process's end. */
static void wait_for_end(const struct trace_cli *o, pid_t child, int *status, const char **why)
{
	double deadline = o->seconds > 0 ? mono_s() + o->seconds : 0;

	for (;;) {
		if (got_signal) {
			*why = "signal";
			return;
		}
		if (deadline && mono_s() >= deadline) {
			*why = "duration";
			return;
		}
		if (child > 0 && waitpid(child, status, WNOHANG) == child) {
			*why = "command";
			return;
		}
		if (o->pid && kill(o->pid, 0) < 0 && errno == ESRCH) {
			*why = "process";
			return;
		}
		sleep_ms(TICK_MS);
	}
}

static void describe_target(const struct trace_cli *o, pid_t pid, char *buf, size_t len)
{
	if (o->cmd)
		snprintf(buf, len, "command '%s' (pid %d)", o->command, (int)pid);
	else if (pid)
		snprintf(buf, len, "process %d", (int)pid);
	else
		snprintf(buf, len, "every VM");
}

static int report(const struct trace_cli *o, struct trace_session *s, pid_t pid, int status,
		  bool terminated)
{
	struct backend b = {0};
	struct utsname u;
	struct trace_target t = {.pid = pid,
				 .command = o->cmd ? o->command : NULL,
				 .command_status = status,
				 .terminated = terminated,
				 .backend = b.name,
				 .module = b.module,
				 .tool_version = EXITBENCH_VERSION,
				 .kernel = "",
				 .command_line = o->command_line};

	if (backend_detect(&b, "/sys") < 0)
		snprintf(b.name, sizeof(b.name), "unknown");
	if (uname(&u) == 0)
		t.kernel = u.release;
	trace_print_report(trace_session_data(s), trace_session_info(s), &t, stdout);
	fflush(stdout);
	if (o->json &&
	    trace_write_json(trace_session_data(s), trace_session_info(s), &t, o->json) < 0) {
		fprintf(stderr, "exitbench: %s\n", eb_error());
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Starts the COMMAND (paused) and the session; *child 0 without a COMMAND. */
static struct trace_session *start(const struct trace_cli *o, FILE *rec, pid_t *child)
{
	struct trace_opts to = {
	    .pid = o->pid, .events = o->events, .buffer_kb = o->buffer_kb, .record = rec};
	struct trace_session *s;
	int go = -1, ep = -1;
	char what[1200];

	*child = 0;
	if (o->cmd) {
		*child = spawn_paused(o->cmd, &go, &ep);
		if (*child < 0)
			return NULL;
		child_pid = *child;
		to.pid = *child;
	}
	s = trace_session_open(&to);
	if (s && got_signal) {
		/* Ctrl-C during set-up: the COMMAND never starts */
		eb_fail("interrupted by signal %d while setting up tracing%s%s%s", (int)got_signal,
			o->cmd ? "; command " : "", o->cmd ? o->cmd[0] : "",
			o->cmd ? " not started" : "");
		trace_session_close(s);
		s = NULL;
	}
	if (s) {
		describe_target(o, to.pid, what, sizeof(what));
		fprintf(stderr, "exitbench trace: tracing kvm events of %s in instance %s%s\n",
			what, trace_session_info(s)->instance, o->cmd ? "" : "; Ctrl-C stops");
	}
	if (*child > 0 && (!s || release(o->cmd[0], go, ep) < 0)) {
		if (!s) {
			close(go);
			close(ep);
		}
		reap(*child, true);
		trace_session_close(s);
		return NULL;
	}
	return s;
}

static int finish(const struct trace_cli *o, struct trace_session *s, pid_t child)
{
	const char *why = "";
	int status = -1, rc, stop_rc;

	wait_for_end(o, child, &status, &why);
	/* The COMMAND ends before tracing stops: what it finished after -d
	 * (between the SIGTERM and its exit) is in the trace too, so its own
	 * results and the trace describe the same work. */
	if (child > 0 && strcmp(why, "command") != 0)
		status = reap(child, strcmp(why, "duration") == 0);
	stop_rc = trace_session_stop(s);
	if (stop_rc < 0) {
		fprintf(stderr, "exitbench: %s\n", eb_error());
		return EXIT_USAGE;
	}
	rc = report(o, s, o->pid ? o->pid : child, status,
		    child > 0 && strcmp(why, "duration") == 0);
	if (rc == EXIT_OK && child > 0 && strcmp(why, "command") == 0 &&
	    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		rc = EXIT_FAIL;
	return rc;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_cli o;
	struct trace_session *s;
	FILE *rec = NULL;
	pid_t child;
	int rc;

	if (parse_trace(argc, argv, &o))
		return EXIT_USAGE;
	if (trace_need_privilege())
		return usage_error("trace: %s", eb_error());
	if (o.record && !(rec = fopen(o.record, "we")))
		return usage_error("--record: open %s: %s", o.record, strerror(errno));
	install_signals();
	s = start(&o, rec, &child);
	if (!s) {
		fprintf(stderr, "exitbench: %s\n", eb_error());
		if (rec)
			fclose(rec);
		return EXIT_USAGE;
	}
	rc = finish(&o, s, child);
	trace_session_close(s);
	if (rec && fclose(rec) != 0 && rc == EXIT_OK)
		rc = usage_error("--record: write %s: %s", o.record, strerror(errno));
	return rc;
}
