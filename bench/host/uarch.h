/* SPDX-License-Identifier: MIT */
/*
 * CPU microarchitecture identification from CPUID vendor/family/model/stepping.
 *
 * Names come from one static table (bench/host/uarch.c) whose sources are named
 * there.  A CPU that is not in the table is reported as unknown, never guessed.
 */
#ifndef EXITBENCH_UARCH_H
#define EXITBENCH_UARCH_H

#include <stddef.h>
#include <stdint.h>

/* Pass as `stepping` when the stepping is not known. */
#define UARCH_STEPPING_ANY (-1)

struct uarch_info {
	const char *vendor;		     /* "intel" / "amd" */
	unsigned family, model_lo, model_hi; /* display family, display model range */
	const char *name;
	int year; /* launch year of the microarchitecture; 0 when not known */
	/*
	 * Stepping range this entry is restricted to (inclusive), or both -1
	 * for any stepping.  Only a few Intel models carry several
	 * microarchitectures under one model number (0x55, 0x8E, 0x9E); there
	 * the stepping decides and an entry without a stepping range gives the
	 * honest combined name.
	 */
	int step_lo, step_hi;
};

/*
 * Look up a CPU by CPUID vendor string ("GenuineIntel", "AuthenticAMD"),
 * display family and display model (already combined with extended family /
 * model as the kernel does) and stepping (UARCH_STEPPING_ANY when unknown).
 * Returns NULL when unknown.
 */
const struct uarch_info *uarch_lookup(const char *vendor_string, unsigned family, unsigned model,
				      int stepping);

/*
 * Writes the name into buf: the table name, or "unknown (family F model M)"
 * with decimal numbers when not in the table.  Returns buf.
 */
const char *uarch_name(const char *vendor_string, unsigned family, unsigned model, int stepping,
		       char *buf, size_t len);

/*
 * A filesystem-safe slug for result paths: lowercase, spaces and '/' to '-',
 * e.g. "sapphire-rapids", "unknown-family6-model999".  Returns buf.
 */
const char *uarch_slug(const char *name, char *buf, size_t len);

/*
 * Display family/model and stepping from raw CPUID leaf 1 EAX, per the Intel
 * SDM / AMD APM rules.  Any output pointer may be NULL.
 */
void cpuid_decode_fms(uint32_t eax, unsigned *family, unsigned *model, unsigned *stepping);

#endif
