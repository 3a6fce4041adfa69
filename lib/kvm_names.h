/* SPDX-License-Identifier: MIT */
/* Names of the kernel's KVM ABI (linux/kvm.h): no VMM of ours needed. */
#ifndef EXITBENCH_LIB_KVM_NAMES_H
#define EXITBENCH_LIB_KVM_NAMES_H

#include <stdint.h>

/* "IO", "MMIO", ... for KVM_EXIT_*; "(unknown)" for any other value. */
const char *exit_reason_name(uint32_t reason);

#endif
