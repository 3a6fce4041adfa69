/* SPDX-License-Identifier: MIT */
/* CPU microarchitecture identification: one table, exact lookups, no guessing. */
#include "bench/host/uarch.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define ANY_STEP -1, -1
#define INTEL(fam, lo, hi, nm, yr)                                                                 \
	{                                                                                          \
		"intel", (fam), (lo), (hi), (nm), (yr), ANY_STEP                                   \
	}
#define INTEL_STEP(fam, mod, slo, shi, nm, yr)                                                     \
	{                                                                                          \
		"intel", (fam), (mod), (mod), (nm), (yr), (slo), (shi)                             \
	}
#define AMD(fam, lo, hi, nm, yr)                                                                   \
	{                                                                                          \
		"amd", (fam), (lo), (hi), (nm), (yr), ANY_STEP                                     \
	}

/*
 * Sources:
 *  - Intel model numbers: the Linux kernel's arch/x86/include/asm/intel-family.h
 *    (the INTEL_FAM6_* / IFM(6, ...) list including its stepping comments for
 *    0x55 (Cascade Lake s:7, Cooper Lake s:11), 0x8E (Amber Lake s:9, Coffee
 *    Lake s:10, Whiskey Lake s:11,12) and 0x9E (Coffee Lake s:10-13), and the
 *    family 15 NetBurst list P4_WILLAMETTE 0x01, P4_PRESCOTT 0x03,
 *    P4_PRESCOTT_2M 0x04, P4_CEDARMILL 0x06).  Cascade Lake steppings 5-7 as
 *    in common CPUID tables; other 0x55 steppings below 5 are Skylake-SP.
 *  - AMD: the family/model ranges of AMD's BIOS and Kernel Developer's Guides
 *    (family 15h models 00h-0Fh, 10h-1Fh, 30h-3Fh, 60h-6Fh, 70h-7Fh; family
 *    16h models 00h-0Fh, 30h-3Fh) and the Zen generation ranges of the
 *    kernel's arch/x86/kernel/cpu/amd.c (X86_FEATURE_ZEN1..ZEN5).  The kernel
 *    counts Zen+ as ZEN1; the two Zen+ models (0x08 Pinnacle Ridge, 0x18
 *    Picasso) are listed before the Zen range so they win.
 *  - Years: well-known launch years; 0 where not certain.
 *
 * Order matters: the first matching row wins, so rows restricted to a
 * stepping range come before the row for the same model without one.
 * A model that is not listed is unknown: never widen a range by guessing.
 */
static const struct uarch_info uarch_table[] = {
    /* Intel family 15: NetBurst */
    INTEL(15, 0x01, 0x01, "Willamette", 2000),
    INTEL(15, 0x03, 0x04, "Prescott", 2004),
    INTEL(15, 0x06, 0x06, "Cedar Mill", 2006),

    /* Intel family 6: big cores */
    INTEL(6, 0x0E, 0x0E, "Yonah", 2006),
    INTEL(6, 0x0F, 0x0F, "Merom", 2006),
    INTEL(6, 0x16, 0x16, "Merom", 2006),
    INTEL(6, 0x17, 0x17, "Penryn", 2007),
    INTEL(6, 0x1D, 0x1D, "Penryn", 2007), /* Dunnington */
    INTEL(6, 0x1A, 0x1A, "Nehalem", 2008),
    INTEL(6, 0x1E, 0x1F, "Nehalem", 2008),
    INTEL(6, 0x2E, 0x2E, "Nehalem", 2008),
    INTEL(6, 0x25, 0x25, "Westmere", 2010),
    INTEL(6, 0x2C, 0x2C, "Westmere", 2010),
    INTEL(6, 0x2F, 0x2F, "Westmere", 2010),
    INTEL(6, 0x2A, 0x2A, "Sandy Bridge", 2011),
    INTEL(6, 0x2D, 0x2D, "Sandy Bridge", 2011),
    INTEL(6, 0x3A, 0x3A, "Ivy Bridge", 2012),
    INTEL(6, 0x3E, 0x3E, "Ivy Bridge", 2012),
    INTEL(6, 0x3C, 0x3C, "Haswell", 2013),
    INTEL(6, 0x3F, 0x3F, "Haswell", 2013),
    INTEL(6, 0x45, 0x46, "Haswell", 2013),
    INTEL(6, 0x3D, 0x3D, "Broadwell", 2014),
    INTEL(6, 0x47, 0x47, "Broadwell", 2014),
    INTEL(6, 0x4F, 0x4F, "Broadwell", 2014),
    INTEL(6, 0x56, 0x56, "Broadwell", 2014),
    INTEL(6, 0x4E, 0x4E, "Skylake", 2015),
    INTEL(6, 0x5E, 0x5E, "Skylake", 2015),
    INTEL_STEP(6, 0x55, 0, 4, "Skylake-SP", 2017),
    INTEL_STEP(6, 0x55, 5, 7, "Cascade Lake", 2019),
    INTEL_STEP(6, 0x55, 11, 11, "Cooper Lake", 2020),
    INTEL(6, 0x55, 0x55, "Skylake-SP/Cascade Lake/Cooper Lake", 0),
    INTEL_STEP(6, 0x8E, 0, 9, "Kaby Lake", 2016), /* Amber Lake Y is s:9 too */
    INTEL_STEP(6, 0x8E, 10, 10, "Coffee Lake", 2017),
    INTEL_STEP(6, 0x8E, 11, 12, "Whiskey Lake", 2018),
    INTEL(6, 0x8E, 0x8E, "Kaby Lake/Coffee Lake/Whiskey Lake", 0),
    INTEL_STEP(6, 0x9E, 0, 9, "Kaby Lake", 2016),
    INTEL_STEP(6, 0x9E, 10, 13, "Coffee Lake", 2017),
    INTEL(6, 0x9E, 0x9E, "Kaby Lake/Coffee Lake", 0),
    INTEL(6, 0xA5, 0xA6, "Comet Lake", 2019),
    INTEL(6, 0x66, 0x66, "Cannon Lake", 2018),
    INTEL(6, 0x7D, 0x7E, "Ice Lake", 2019),
    INTEL(6, 0x9D, 0x9D, "Ice Lake", 2019), /* NNPI */
    INTEL(6, 0x6A, 0x6A, "Ice Lake-SP", 2021),
    INTEL(6, 0x6C, 0x6C, "Ice Lake-D", 0),
    INTEL(6, 0xA7, 0xA7, "Rocket Lake", 2021),
    INTEL(6, 0x8C, 0x8D, "Tiger Lake", 2020),
    INTEL(6, 0x8F, 0x8F, "Sapphire Rapids", 2023),
    INTEL(6, 0xCF, 0xCF, "Emerald Rapids", 2023),
    INTEL(6, 0xAD, 0xAE, "Granite Rapids", 2024),

    /* Intel family 6: hybrid (P-core/E-core) */
    INTEL(6, 0x8A, 0x8A, "Lakefield", 2020),
    INTEL(6, 0x97, 0x97, "Alder Lake", 2021),
    INTEL(6, 0x9A, 0x9A, "Alder Lake", 2021),
    INTEL(6, 0xB7, 0xB7, "Raptor Lake", 2022),
    INTEL(6, 0xBA, 0xBA, "Raptor Lake", 2022),
    INTEL(6, 0xBF, 0xBF, "Raptor Lake", 2022),
    INTEL(6, 0xAA, 0xAA, "Meteor Lake", 2023),
    INTEL(6, 0xAC, 0xAC, "Meteor Lake", 2023),
    INTEL(6, 0xB5, 0xB5, "Arrow Lake", 2024),
    INTEL(6, 0xC5, 0xC6, "Arrow Lake", 2024),
    INTEL(6, 0xBD, 0xBD, "Lunar Lake", 2024),
    INTEL(6, 0xCC, 0xCC, "Panther Lake", 0),

    /* Intel family 6: small cores (Atom / E-core) and Xeon Phi */
    INTEL(6, 0x1C, 0x1C, "Bonnell", 2008),
    INTEL(6, 0x26, 0x26, "Bonnell", 2008),
    INTEL(6, 0x27, 0x27, "Saltwell", 0),
    INTEL(6, 0x35, 0x36, "Saltwell", 0),
    INTEL(6, 0x37, 0x37, "Silvermont", 2013),
    INTEL(6, 0x4A, 0x4A, "Silvermont", 2013),
    INTEL(6, 0x4D, 0x4D, "Silvermont", 2013),
    INTEL(6, 0x4C, 0x4C, "Airmont", 0),
    INTEL(6, 0x75, 0x75, "Airmont", 0),
    INTEL(6, 0x5C, 0x5C, "Goldmont", 2016),
    INTEL(6, 0x5F, 0x5F, "Goldmont", 2016),
    INTEL(6, 0x7A, 0x7A, "Goldmont Plus", 2017),
    INTEL(6, 0x86, 0x86, "Tremont", 0),
    INTEL(6, 0x96, 0x96, "Tremont", 0),
    INTEL(6, 0x9C, 0x9C, "Tremont", 0),
    INTEL(6, 0xBE, 0xBE, "Alder Lake-N", 2023),
    INTEL(6, 0xAF, 0xAF, "Sierra Forest", 2024),
    INTEL(6, 0xB6, 0xB6, "Grand Ridge", 0),
    INTEL(6, 0xDD, 0xDD, "Clearwater Forest", 0),
    INTEL(6, 0x57, 0x57, "Knights Landing", 2016),
    INTEL(6, 0x85, 0x85, "Knights Mill", 2017),

    /* AMD */
    AMD(0x0F, 0x00, 0xFF, "K8", 2003),
    AMD(0x10, 0x00, 0xFF, "K10", 2007),
    AMD(0x14, 0x00, 0xFF, "Bobcat", 2011),
    AMD(0x15, 0x01, 0x01, "Bulldozer", 2011),
    AMD(0x15, 0x02, 0x02, "Piledriver", 2012),
    AMD(0x15, 0x10, 0x1F, "Piledriver", 2012),
    AMD(0x15, 0x30, 0x3F, "Steamroller", 2014),
    AMD(0x15, 0x60, 0x7F, "Excavator", 2015),
    AMD(0x16, 0x00, 0x0F, "Jaguar", 2013),
    AMD(0x16, 0x30, 0x3F, "Puma", 2014),
    AMD(0x17, 0x08, 0x08, "Zen+", 2018),
    AMD(0x17, 0x18, 0x18, "Zen+", 2018),
    AMD(0x17, 0x00, 0x2F, "Zen", 2017),
    AMD(0x17, 0x50, 0x5F, "Zen", 2017),
    AMD(0x17, 0x30, 0x4F, "Zen 2", 2019),
    AMD(0x17, 0x60, 0x7F, "Zen 2", 2019),
    AMD(0x17, 0x90, 0x91, "Zen 2", 2019),
    AMD(0x17, 0xA0, 0xAF, "Zen 2", 2019),
    AMD(0x19, 0x00, 0x0F, "Zen 3", 2020),
    AMD(0x19, 0x20, 0x5F, "Zen 3", 2020),
    AMD(0x19, 0x10, 0x1F, "Zen 4", 2022),
    AMD(0x19, 0x60, 0xAF, "Zen 4", 2022),
    AMD(0x1A, 0x00, 0x0F, "Zen 5", 2024),
    AMD(0x1A, 0x20, 0x2F, "Zen 5", 2024),
    AMD(0x1A, 0x40, 0x4F, "Zen 5", 2024),
    AMD(0x1A, 0x70, 0x7F, "Zen 5", 2024),
};

static const char *vendor_key(const char *vendor_string)
{
	if (!vendor_string)
		return NULL;
	if (strcmp(vendor_string, "GenuineIntel") == 0)
		return "intel";
	if (strcmp(vendor_string, "AuthenticAMD") == 0)
		return "amd";
	return NULL;
}

const struct uarch_info *uarch_lookup(const char *vendor_string, unsigned family, unsigned model,
				      int stepping)
{
	const char *vendor = vendor_key(vendor_string);
	size_t i;

	if (!vendor)
		return NULL;
	for (i = 0; i < sizeof(uarch_table) / sizeof(uarch_table[0]); i++) {
		const struct uarch_info *u = &uarch_table[i];

		if (strcmp(u->vendor, vendor) != 0 || u->family != family || model < u->model_lo ||
		    model > u->model_hi)
			continue;
		if (u->step_lo >= 0 &&
		    (stepping < 0 || stepping < u->step_lo || stepping > u->step_hi))
			continue;
		return u;
	}
	return NULL;
}

const char *uarch_name(const char *vendor_string, unsigned family, unsigned model, int stepping,
		       char *buf, size_t len)
{
	const struct uarch_info *u = uarch_lookup(vendor_string, family, model, stepping);

	if (!buf || len == 0)
		return buf;
	if (u)
		snprintf(buf, len, "%s", u->name);
	else
		snprintf(buf, len, "unknown (family %u model %u)", family, model);
	return buf;
}

const char *uarch_slug(const char *name, char *buf, size_t len)
{
	unsigned fam, mod;
	size_t o = 0;
	int n = -1;

	if (!buf || len == 0)
		return buf;
	buf[0] = '\0';
	if (!name)
		return buf;
	if (sscanf(name, "unknown (family %u model %u)%n", &fam, &mod, &n) == 2 && n >= 0 &&
	    name[n] == '\0') {
		snprintf(buf, len, "unknown-family%u-model%u", fam, mod);
		return buf;
	}
	for (; *name && o + 1 < len; name++) {
		unsigned char c = (unsigned char)*name;

		if (isalnum(c) || c == '+' || c == '.' || c == '_') {
			buf[o++] = (char)tolower(c);
		} else if (c == ' ' || c == '/' || c == '-') {
			/* one '-' per run of separators, none at the start */
			if (o > 0 && buf[o - 1] != '-')
				buf[o++] = '-';
		}
		/* anything else (parentheses, commas, quotes) is dropped */
	}
	while (o > 0 && buf[o - 1] == '-')
		o--;
	buf[o] = '\0';
	return buf;
}

void cpuid_decode_fms(uint32_t eax, unsigned *family, unsigned *model, unsigned *stepping)
{
	unsigned base_family = (eax >> 8) & 0xF;
	unsigned fam = base_family, mod = (eax >> 4) & 0xF;

	/* Extended family counts only when the base family is 0xF (SDM and APM). */
	if (base_family == 0xF)
		fam += (eax >> 20) & 0xFF;
	/*
	 * Extended model: Intel SDM uses it for base family 6 and 0xF, AMD APM
	 * for 0xF; AMD parts with base family 6 (K7) report it as 0, so the
	 * Intel rule gives the same result for both vendors.
	 */
	if (base_family == 0x6 || base_family == 0xF)
		mod += ((eax >> 16) & 0xF) << 4;
	if (family)
		*family = fam;
	if (model)
		*model = mod;
	if (stepping)
		*stepping = eax & 0xF;
}
