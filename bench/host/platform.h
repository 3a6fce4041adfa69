/* SPDX-License-Identifier: MIT */
/*
 * What kind of machine a result was measured on (host.platform):
 *   bare-metal  a VT-x/AMD-V backend on a host that is no guest itself
 *   nested      a VT-x/AMD-V backend on a host that is itself a guest (L2 exits)
 *   emulated    the CPU is an emulator's (QEMU TCG: hypervisor signature
 *               "TCGTCGTCGTCG", or the lab says so): emulator time
 *   software    a KVM backend that is not VT-x/AMD-V (kvm_pvm, ...)
 * Results of different platforms measure different quantities: report and
 * compare keep them apart.  Files written before host.platform existed are
 * derived the same way from what they hold.
 */
#ifndef EXITBENCH_PLATFORM_H
#define EXITBENCH_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#define PLATFORM_BARE_METAL "bare-metal"
#define PLATFORM_NESTED	    "nested"
#define PLATFORM_EMULATED   "emulated"
#define PLATFORM_SOFTWARE   "software"
#define TCG_SIGNATURE	    "TCGTCGTCGTCG"

/*
 * The platform of a run.  lab_platform: host.lab.platform when the run was
 * made inside `exitbench lab` (NULL or "" otherwise; wins when it names a
 * platform); backend: host.kvm.backend ("vmx", "svm", "other");
 * under_hypervisor: the CPUID hypervisor bit (host.kvm.nested); signature:
 * the CPUID 0x40000000 signature (host.kvm.hypervisor).  A static string.
 */
const char *platform_derive(const char *lab_platform, const char *backend, bool under_hypervisor,
			    const char *signature);
/* The platform `exitbench lab` states for its guest: "platform" of the lab's
 * facts (lab_json: the text of $EXITBENCH_LAB's file, bench/lab/facts.c, as
 * host_info.lab holds it), copied into out; out is "" when lab_json is "" or
 * has no platform.  -1 with eb_error() when it names something else: a lab
 * run must never pass for a hardware one. */
int platform_from_lab(const char *lab_json, char *out, size_t len);
/* Is s one of the four names above? */
bool platform_valid(const char *s);
/*
 * Does the run see its CPU through a hypervisor or an emulator, so that its
 * microcode, microarchitecture and mitigations are what a guest is shown,
 * not the hardware's?  True on nested and emulated platforms and whenever
 * the host is itself a guest (software backends inside a VM included).
 */
bool platform_guest_seen(const char *platform, bool under_hypervisor);
/* A hardware generation's year may be given to runs of this platform only:
 * bare-metal, or software on a host that is no guest. */
bool platform_has_hardware_year(const char *platform, bool under_hypervisor);

#endif
