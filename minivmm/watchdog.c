/* SPDX-License-Identifier: MIT */
/*
 * The kick and the watchdog of a running vCPU, for every command that runs
 * a VM.  A signal that lands inside KVM_RUN makes it return EINTR (no
 * SA_RESTART); one that lands while the VMM is in userspace (a doorbell, a
 * handler) sets the registered vCPU's kvm_run.immediate_exit, so the next
 * KVM_RUN returns EINTR at once.  Without that, a guest that exits
 * constantly could swallow the watchdog and hang the command.
 */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "minivmm/minivmm.h"

volatile sig_atomic_t mvm_interrupted, mvm_timed_out;

/* The vCPU the watchdog guards, while it runs. */
static struct kvm_run *volatile current_run;

static void on_signal(int sig)
{
	struct kvm_run *run = current_run;

	if (run)
		run->immediate_exit = 1;
	if (sig == SIGALRM)
		mvm_timed_out = MVM_WATCHDOG_WALL;
	else if (sig == SIGPROF)
		mvm_timed_out = MVM_WATCHDOG_CPU;
	else
		mvm_interrupted = 1;
}

void mvm_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);
}

static void timers(unsigned int wall_s, unsigned int cpu_s)
{
	struct itimerval it = {.it_value = {.tv_sec = cpu_s}};

	setitimer(ITIMER_PROF, &it, NULL);
	alarm(wall_s);
}

void mvm_watchdog_arm(struct vcpu *v, unsigned int wall_s, unsigned int cpu_s)
{
	mvm_timed_out = 0;
	current_run = v->run;
	if (mvm_interrupted)
		v->run->immediate_exit = 1;
	timers(wall_s, cpu_s);
}

void mvm_watchdog_disarm(void)
{
	timers(0, 0);
	current_run = NULL;
}
