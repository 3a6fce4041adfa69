/* SPDX-License-Identifier: MIT */
/* Microarchitecture identification: table lookups, unknowns, slugs, CPUID decoding. */
#include "bench/host/uarch.h"
#include "tests/tap.h"

#define ANY UARCH_STEPPING_ANY

struct known {
	const char *vendor;
	unsigned family, model;
	int stepping;
	const char *name;
};

static const struct known known[] = {
    /* Intel NetBurst */
    {"GenuineIntel", 15, 0x03, ANY, "Prescott"},
    {"GenuineIntel", 15, 0x04, ANY, "Prescott"},
    {"GenuineIntel", 15, 0x06, ANY, "Cedar Mill"},
    /* Intel big cores, the lecture's and vmlatency's generations */
    {"GenuineIntel", 6, 0x0F, ANY, "Merom"},
    {"GenuineIntel", 6, 0x16, ANY, "Merom"},
    {"GenuineIntel", 6, 0x17, ANY, "Penryn"},
    {"GenuineIntel", 6, 0x1D, ANY, "Penryn"},
    {"GenuineIntel", 6, 0x1E, ANY, "Nehalem"},
    {"GenuineIntel", 6, 0x2E, ANY, "Nehalem"},
    {"GenuineIntel", 6, 0x2C, ANY, "Westmere"},
    {"GenuineIntel", 6, 0x2D, ANY, "Sandy Bridge"},
    {"GenuineIntel", 6, 0x3E, ANY, "Ivy Bridge"},
    {"GenuineIntel", 6, 0x3F, ANY, "Haswell"},
    {"GenuineIntel", 6, 0x46, ANY, "Haswell"},
    {"GenuineIntel", 6, 0x4F, ANY, "Broadwell"},
    {"GenuineIntel", 6, 0x56, ANY, "Broadwell"},
    {"GenuineIntel", 6, 0x5E, ANY, "Skylake"},
    {"GenuineIntel", 6, 0x4E, 3, "Skylake"},
    /* 0x55: the stepping decides, or the honest combined name */
    {"GenuineIntel", 6, 0x55, 4, "Skylake-SP"},
    {"GenuineIntel", 6, 0x55, 7, "Cascade Lake"},
    {"GenuineIntel", 6, 0x55, 11, "Cooper Lake"},
    {"GenuineIntel", 6, 0x55, ANY, "Skylake-SP/Cascade Lake/Cooper Lake"},
    {"GenuineIntel", 6, 0x55, 9, "Skylake-SP/Cascade Lake/Cooper Lake"},
    {"GenuineIntel", 6, 0x9E, 9, "Kaby Lake"},
    {"GenuineIntel", 6, 0x9E, 10, "Coffee Lake"},
    {"GenuineIntel", 6, 0x9E, ANY, "Kaby Lake/Coffee Lake"},
    {"GenuineIntel", 6, 0x8E, 11, "Whiskey Lake"},
    {"GenuineIntel", 6, 0x8E, ANY, "Kaby Lake/Coffee Lake/Whiskey Lake"},
    {"GenuineIntel", 6, 0xA5, ANY, "Comet Lake"},
    {"GenuineIntel", 6, 0x66, ANY, "Cannon Lake"},
    {"GenuineIntel", 6, 0x7E, ANY, "Ice Lake"},
    {"GenuineIntel", 6, 0x6A, ANY, "Ice Lake-SP"},
    {"GenuineIntel", 6, 0x8C, ANY, "Tiger Lake"},
    {"GenuineIntel", 6, 0xA7, ANY, "Rocket Lake"},
    {"GenuineIntel", 6, 0x97, ANY, "Alder Lake"},
    {"GenuineIntel", 6, 0xBF, ANY, "Raptor Lake"},
    {"GenuineIntel", 6, 0xAA, ANY, "Meteor Lake"},
    {"GenuineIntel", 6, 0xC6, ANY, "Arrow Lake"},
    {"GenuineIntel", 6, 0xBD, ANY, "Lunar Lake"},
    {"GenuineIntel", 6, 0x8F, ANY, "Sapphire Rapids"},
    {"GenuineIntel", 6, 207, ANY, "Emerald Rapids"}, /* the machine here */
    {"GenuineIntel", 6, 207, 2, "Emerald Rapids"},
    {"GenuineIntel", 6, 0xAD, ANY, "Granite Rapids"},
    {"GenuineIntel", 6, 0xAE, ANY, "Granite Rapids"},
    {"GenuineIntel", 6, 0xAF, ANY, "Sierra Forest"},
    {"GenuineIntel", 6, 0x5C, ANY, "Goldmont"},
    /* AMD */
    {"AuthenticAMD", 0x0F, 0x2B, ANY, "K8"},
    {"AuthenticAMD", 0x10, 0x04, ANY, "K10"},
    {"AuthenticAMD", 0x15, 0x01, ANY, "Bulldozer"},
    {"AuthenticAMD", 0x15, 0x02, ANY, "Piledriver"},
    {"AuthenticAMD", 0x15, 0x13, ANY, "Piledriver"},
    {"AuthenticAMD", 0x15, 0x30, ANY, "Steamroller"},
    {"AuthenticAMD", 0x15, 0x65, ANY, "Excavator"},
    {"AuthenticAMD", 0x15, 0x70, ANY, "Excavator"},
    {"AuthenticAMD", 0x16, 0x00, ANY, "Jaguar"},
    {"AuthenticAMD", 0x17, 0x01, ANY, "Zen"},
    {"AuthenticAMD", 0x17, 0x08, ANY, "Zen+"},
    {"AuthenticAMD", 0x17, 0x18, ANY, "Zen+"},
    {"AuthenticAMD", 0x17, 0x31, ANY, "Zen 2"},
    {"AuthenticAMD", 0x17, 0x71, ANY, "Zen 2"},
    {"AuthenticAMD", 0x19, 0x01, ANY, "Zen 3"},
    {"AuthenticAMD", 0x19, 0x21, ANY, "Zen 3"},
    {"AuthenticAMD", 0x19, 0x11, ANY, "Zen 4"},
    {"AuthenticAMD", 0x19, 0x61, ANY, "Zen 4"},
    {"AuthenticAMD", 0x1A, 0x02, ANY, "Zen 5"},
    {"AuthenticAMD", 0x1A, 0x44, ANY, "Zen 5"},
};

struct unknown {
	const char *vendor;
	unsigned family, model;
	const char *name;
};

static const struct unknown unknown[] = {
    {"GenuineIntel", 6, 0xFF, "unknown (family 6 model 255)"},
    {"GenuineIntel", 6, 999, "unknown (family 6 model 999)"},
    {"GenuineIntel", 6, 0x00, "unknown (family 6 model 0)"},
    {"GenuineIntel", 15, 0x02, "unknown (family 15 model 2)"},	 /* not in the kernel's list */
    {"GenuineIntel", 0x17, 0x08, "unknown (family 23 model 8)"}, /* AMD numbers, Intel vendor */
    {"AuthenticAMD", 0x30, 0x00, "unknown (family 48 model 0)"},
    {"AuthenticAMD", 0x15, 0x05, "unknown (family 21 model 5)"},
    {"AuthenticAMD", 0x17, 0x8F, "unknown (family 23 model 143)"},
    {"AuthenticAMD", 0x1A, 0x50, "unknown (family 26 model 80)"},
    {"AuthenticAMD", 6, 0x8F, "unknown (family 6 model 143)"}, /* Intel numbers, AMD vendor */
    {"HygonGenuine", 0x18, 0x00, "unknown (family 24 model 0)"},
    {"genuineintel", 6, 0x8F, "unknown (family 6 model 143)"}, /* vendor is case-sensitive */
    {NULL, 6, 0x8F, "unknown (family 6 model 143)"},
};

struct fms {
	uint32_t eax;
	unsigned family, model, stepping;
	const char *what;
};

static const struct fms fms[] = {
    {0x000806F8, 6, 0x8F, 8, "Sapphire Rapids"},
    {0x000C06F2, 6, 0xCF, 2, "Emerald Rapids (family 6 model 207)"},
    {0x00050657, 6, 0x55, 7, "Cascade Lake"},
    {0x000906EA, 6, 0x9E, 10, "Coffee Lake"},
    {0x000006FB, 6, 0x0F, 11, "Merom (no extended model)"},
    {0x00000F41, 15, 0x04, 1, "Prescott (family 0xF, extended family 0)"},
    {0x00020FB1, 15, 0x2B, 1, "AMD K8 (family 0xF, extended model 2)"},
    {0x00100F42, 0x10, 0x04, 2, "AMD K10 (extended family 1)"},
    {0x00800F82, 0x17, 0x08, 2, "AMD Zen+ (extended family 8)"},
    {0x00A00F11, 0x19, 0x01, 1, "AMD Zen 3 (family 0x19)"},
    {0x00A10F11, 0x19, 0x11, 1, "AMD Zen 4 (family 0x19, extended model 1)"},
    /* extended model bits are ignored outside base family 6 and 0xF */
    {0x00010521, 5, 0x02, 1, "family 5 with stray extended model bits"},
};

int main(void)
{
	char buf[96], slug[96];
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct known *k = &known[i];
		const struct uarch_info *u =
		    uarch_lookup(k->vendor, k->family, k->model, k->stepping);

		uarch_name(k->vendor, k->family, k->model, k->stepping, buf, sizeof(buf));
		ok(u && strcmp(buf, k->name) == 0,
		   "%s family %#x model %#x stepping %d -> \"%s\" (got \"%s\")", k->vendor,
		   k->family, k->model, k->stepping, k->name, buf);
	}

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		const struct unknown *k = &unknown[i];

		uarch_name(k->vendor, k->family, k->model, ANY, buf, sizeof(buf));
		ok(!uarch_lookup(k->vendor, k->family, k->model, ANY) && strcmp(buf, k->name) == 0,
		   "%s family %#x model %#x -> \"%s\" (got \"%s\")",
		   k->vendor ? k->vendor : "(null)", k->family, k->model, k->name, buf);
	}

	/* the table entry carries vendor, family and year */
	{
		const struct uarch_info *u = uarch_lookup("GenuineIntel", 6, 207, ANY);

		ok(u && strcmp(u->vendor, "intel") == 0 && u->family == 6 && u->year == 2023,
		   "Emerald Rapids entry: vendor intel, family 6, year 2023");
		u = uarch_lookup("AuthenticAMD", 0x17, 0x31, ANY);
		ok(u && strcmp(u->vendor, "amd") == 0 && u->year == 2019,
		   "Zen 2 entry: vendor amd, year 2019");
		u = uarch_lookup("GenuineIntel", 6, 0x55, ANY);
		ok(u && u->year == 0, "ambiguous 0x55 entry has no year");
	}

	/* a small buffer truncates but stays terminated */
	uarch_name("GenuineIntel", 6, 0x8F, ANY, buf, 5);
	ok(strcmp(buf, "Sapp") == 0, "uarch_name truncates to the buffer (got \"%s\")", buf);

	/* slugs */
	{
		static const char *const slugs[][2] = {
		    {"Sapphire Rapids", "sapphire-rapids"},
		    {"Emerald Rapids", "emerald-rapids"},
		    {"unknown (family 6 model 999)", "unknown-family6-model999"},
		    {"unknown (family 48 model 0)", "unknown-family48-model0"},
		    {"Skylake-SP/Cascade Lake/Cooper Lake", "skylake-sp-cascade-lake-cooper-lake"},
		    {"Zen+", "zen+"},
		    {"Zen 5", "zen-5"},
		    {"  A / B  ", "a-b"},
		    {"", ""},
		};

		for (i = 0; i < sizeof(slugs) / sizeof(slugs[0]); i++) {
			uarch_slug(slugs[i][0], slug, sizeof(slug));
			ok(strcmp(slug, slugs[i][1]) == 0, "slug(\"%s\") = \"%s\" (got \"%s\")",
			   slugs[i][0], slugs[i][1], slug);
		}
		uarch_slug("Sapphire Rapids", slug, 6);
		ok(strcmp(slug, "sapph") == 0, "slug truncates to the buffer (got \"%s\")", slug);
		uarch_slug(NULL, slug, sizeof(slug));
		ok(slug[0] == '\0', "slug(NULL) is empty");
	}

	/* every table name has a slug of safe characters only */
	{
		uarch_name("GenuineIntel", 6, 207, ANY, buf, sizeof(buf));
		uarch_slug(buf, slug, sizeof(slug));
		ok(strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-+._") == strlen(slug),
		   "slug of the machine here is filesystem-safe: \"%s\"", slug);
	}

	for (i = 0; i < sizeof(fms) / sizeof(fms[0]); i++) {
		unsigned f = ~0u, m = ~0u, s = ~0u;

		cpuid_decode_fms(fms[i].eax, &f, &m, &s);
		ok(f == fms[i].family && m == fms[i].model && s == fms[i].stepping,
		   "cpuid_decode_fms(%#010x) = family %#x model %#x stepping %u: %s (got %#x %#x "
		   "%u)",
		   fms[i].eax, fms[i].family, fms[i].model, fms[i].stepping, fms[i].what, f, m, s);
	}
	{
		unsigned f = 0;

		cpuid_decode_fms(0x000806F8, &f, NULL, NULL);
		ok(f == 6, "cpuid_decode_fms accepts NULL outputs");
	}

	/* decode then look up, end to end */
	{
		unsigned f, m, s;

		cpuid_decode_fms(0x00050654, &f, &m, &s);
		uarch_name("GenuineIntel", f, m, (int)s, buf, sizeof(buf));
		ok(strcmp(buf, "Skylake-SP") == 0, "0x00050654 -> Skylake-SP (got \"%s\")", buf);
		cpuid_decode_fms(0x00A00F11, &f, &m, &s);
		uarch_name("AuthenticAMD", f, m, (int)s, buf, sizeof(buf));
		ok(strcmp(buf, "Zen 3") == 0, "0x00A00F11 -> Zen 3 (got \"%s\")", buf);
	}

	return tap_done();
}
