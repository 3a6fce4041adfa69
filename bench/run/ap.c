/* SPDX-License-Identifier: MIT */
/*
 * The second vCPU of two-vCPU classes (ipi): its own thread runs the guest's
 * ap_main until the class is over.  It blocks the process-directed signals
 * (SIGINT, SIGALRM, ...) so that they interrupt vCPU 0's KVM_RUN, and is
 * stopped with immediate_exit + SIGUSR1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "bench/host/pin.h"
#include "bench/run/runner.h"
#include "guests/protocol.h"

static void on_usr1(int sig)
{
	(void)sig;
}

static enum exit_action ap_io(void *ctx, struct vcpu *v, uint16_t port, bool out, int size,
			      uint32_t count, uint8_t *data)
{
	struct class_run *cr = ctx;

	(void)v;
	(void)count;
	(void)data;
	snprintf(cr->ap_error, sizeof(cr->ap_error), "vCPU 1: unexpected %s port 0x%x size %d",
		 out ? "out" : "in", port, size);
	return EXIT_STOP;
}

static void *ap_thread_main(void *arg)
{
	struct class_run *cr = arg;
	struct exit_handlers h = {.ctx = cr, .io = ap_io};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGPROF);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (cr->p->cpu2 >= 0 && pin_thread(cr->p->cpu2)) {
		snprintf(cr->ap_error, sizeof(cr->ap_error), "%s", eb_error());
		return NULL;
	}
	if (vcpu_run_loop(cr->ap, &h) && !(errno == EINTR && cr->ap->run->immediate_exit))
		snprintf(cr->ap_error, sizeof(cr->ap_error), "vCPU 1: %s", eb_error());
	return NULL;
}

/* Creates vCPU 1 at the guest's ap_main and starts its thread. */
int ap_start(struct class_run *cr)
{
	struct sigaction sa;
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	cr->ap = vm_vcpu_add_with_guest(&cr->vm, 1, STACK_AP_TOP_GPA, 0);
	if (!cr->ap)
		return -1;
	r = pthread_create(&cr->ap_thread, NULL, ap_thread_main, cr);
	if (r) {
		errno = r;
		return eb_fail_errno("start the vCPU 1 thread");
	}
	cr->ap_started = true;
	return 0;
}

/* Stops vCPU 1: immediate_exit covers a thread between two KVM_RUNs, the
 * signal one inside KVM_RUN. */
void ap_stop(struct class_run *cr)
{
	if (!cr->ap_started)
		return;
	cr->ap->run->immediate_exit = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pthread_kill(cr->ap_thread, SIGUSR1);
	pthread_join(cr->ap_thread, NULL);
	cr->ap_started = false;
}
