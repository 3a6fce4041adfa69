/* SPDX-License-Identifier: MIT */
/* CPU pinning of vCPU threads and SMT sibling detection. */
#ifndef EXITBENCH_PIN_H
#define EXITBENCH_PIN_H

#include <stdbool.h>

/* Pins the calling thread to one CPU; -1 with eb_error() on failure. */
int pin_thread(int cpu);
/* Is cpu in a sysfs CPU list such as "0-1,8,10-11"? */
bool cpu_in_list(const char *list, int cpu);
/* Are a and b hardware threads of one core (thread_siblings_list)? */
bool cpus_are_siblings(int a, int b);

#endif
