/* SPDX-License-Identifier: MIT */
/* Host labels from CPUID, uname, /proc and /sys. */
#include <cpuid.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench/host/hostinfo.h"
#include "bench/host/platform.h"
#include "bench/host/uarch.h"

/* First line of a file without its newline; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = 0;
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/* Every file of a directory as name=first line, sorted by name. */
static void read_dir_kv(const char *dir, const char *prefix, struct kv_list *out)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char path[512];
		struct kv *kv = &out->item[out->n];

		if (names[i]->d_name[0] != '.' && out->n < HOST_MAX_KV) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			snprintf(kv->name, sizeof(kv->name), "%s%.40s", prefix, names[i]->d_name);
			read_line(path, kv->value, sizeof(kv->value));
			out->n++;
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* A "key : value" field of /proc/cpuinfo's first processor. */
static void cpuinfo_field(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[512];
	size_t kl = strlen(key);

	buf[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, kl) == 0 && colon && (line[kl] == ' ' || line[kl] == '\t')) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = 0;
			break;
		}
	}
	fclose(f);
}

static void collect_cpu(struct host_info *h)
{
	unsigned int a, b, c, d;
	char name[64];
	const struct uarch_info *u;

	__cpuid(1, a, b, c, d);
	cpuid_decode_fms(a, &h->family, &h->model, &h->stepping);
	snprintf(h->vendor, sizeof(h->vendor), "%s", h->backend.vendor);
	cpuinfo_field("model name", h->model_name, sizeof(h->model_name));
	cpuinfo_field("microcode", h->microcode, sizeof(h->microcode));
	uarch_name(h->vendor, h->family, h->model, (int)h->stepping, name, sizeof(name));
	snprintf(h->microarch, sizeof(h->microarch), "%s", name);
	uarch_slug(name, h->microarch_slug, sizeof(h->microarch_slug));
	u = uarch_lookup(h->vendor, h->family, h->model, (int)h->stepping);
	h->microarch_year = u ? u->year : 0;
}

/* TSC rate from CPUID leaf 0x15 (crystal ratio), when the CPU reports it. */
static uint64_t cpuid_tsc_khz(void)
{
	unsigned int a, b, c, d;

	if (__get_cpuid_max(0, NULL) < 0x15)
		return 0;
	__cpuid(0x15, a, b, c, d);
	if (!a || !b || !c)
		return 0;
	return (uint64_t)c * b / a / 1000;
}

static uint64_t kvm_tsc_khz(struct kvm_sys *kvm)
{
	const struct vm_guest_opts probe = {.ram_size = 2u << 20}; /* no guest: a bare vCPU 0 */
	struct vm vm = {.fd = -1};
	uint64_t khz = 0;

	if (!kvm)
		return 0;
	if (vm_create_with_guest(&vm, kvm, &probe) == 0)
		khz = vcpu_tsc_khz(vm.vcpu[0]);
	vm_destroy(&vm);
	return khz;
}

static void collect_tsc(struct host_info *h, struct kvm_sys *kvm)
{
	h->tsc_khz = kvm_tsc_khz(kvm);
	snprintf(h->tsc_khz_source, sizeof(h->tsc_khz_source), "KVM_GET_TSC_KHZ");
	if (!h->tsc_khz) {
		h->tsc_khz = cpuid_tsc_khz();
		snprintf(h->tsc_khz_source, sizeof(h->tsc_khz_source), "%s",
			 h->tsc_khz ? "cpuid 0x15" : "unknown");
	}
}

/* Inside exitbench lab, $EXITBENCH_LAB names the facts the guest cannot see
 * for itself: emulator, accel, the host under it (bench/lab/facts.c). */
static void collect_lab(struct host_info *h)
{
	const char *path = getenv("EXITBENCH_LAB");
	json_error_t e;
	json_t *j, *host;
	char *text;

	if (!path || !*path)
		return;
	j = json_load_file(path, 0, &e);
	host = j ? json_object_get(j, "host") : NULL;
	if (!json_is_object(host)) {
		fprintf(stderr,
			"exitbench: $EXITBENCH_LAB %s: not lab facts (%s); the result is "
			"not labelled as a lab run\n",
			path, j ? "no host object" : e.text);
		json_decref(j);
		return;
	}
	h->tsc_is_instructions =
	    json_string_value(json_object_get(j, "emulator")) &&
	    !strcmp(json_string_value(json_object_get(j, "emulator")), "bochs");
	text = json_dumps(j, JSON_COMPACT);
	if (text && strlen(text) < sizeof(h->lab))
		snprintf(h->lab, sizeof(h->lab), "%s", text);
	free(text);
	snprintf(h->lab_summary, sizeof(h->lab_summary),
		 "%s: %s %s (%s), cpu model %s, on host %s (%s, KVM %s)",
		 json_string_value(json_object_get(j, "platform")),
		 json_string_value(json_object_get(j, "emulator")),
		 json_string_value(json_object_get(j, "emulator_version")),
		 json_string_value(json_object_get(j, "accel")),
		 json_string_value(json_object_get(j, "cpu_model")),
		 json_string_value(json_object_get(host, "hostname")),
		 json_string_value(json_object_get(host, "cpu")),
		 json_string_value(json_object_get(host, "kvm_backend")));
	json_decref(j);
}

int hostinfo_collect(struct host_info *h, struct kvm_sys *kvm)
{
	struct utsname u;
	char dir[128], prefix[40], lab[16];

	memset(h, 0, sizeof(*h));
	gethostname(h->hostname, sizeof(h->hostname) - 1);
	if (uname(&u) == 0) {
		snprintf(h->kernel_release, sizeof(h->kernel_release), "%s", u.release);
		snprintf(h->kernel_version, sizeof(h->kernel_version), "%s", u.version);
	}
	read_line("/proc/cmdline", h->cmdline, sizeof(h->cmdline));
	backend_detect(&h->backend, "/sys");
	collect_cpu(h);
	collect_tsc(h, kvm);
	read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", h->governor,
		  sizeof(h->governor));
	if (!h->governor[0])
		snprintf(h->governor, sizeof(h->governor), "none (no cpufreq)");
	read_dir_kv("/sys/devices/system/cpu/vulnerabilities", "", &h->mitigations);
	read_dir_kv("/sys/module/kvm/parameters", "kvm.", &h->kvm_params);
	if (strchr(h->backend.module, ' ') == NULL && strcmp(h->backend.module, "none")) {
		snprintf(dir, sizeof(dir), "/sys/module/%s/parameters", h->backend.module);
		snprintf(prefix, sizeof(prefix), "%.31s.", h->backend.module);
		read_dir_kv(dir, prefix, &h->kvm_params);
	}
	collect_lab(h);
	if (platform_from_lab(h->lab, lab, sizeof(lab)))
		return -1;
	snprintf(h->platform, sizeof(h->platform), "%s",
		 platform_derive(lab, h->backend.name, h->backend.nested, h->backend.hypervisor));
	h->guest_seen = platform_guest_seen(h->platform, h->backend.nested);
	return 0;
}
