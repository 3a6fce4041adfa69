/* SPDX-License-Identifier: MIT */
/* lab.json: the facts of a lab boot that the guest cannot see for itself.
 * exitbench inside the guest finds it through $EXITBENCH_LAB and records it
 * in host.lab of its result (docs/json-schema.md). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "bench/lab/lab.h"
#include "minivmm/minivmm.h"

static void cpu_model_name(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
}

static json_t *params_json(const struct lab_opts *o)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < o->nparams; i++)
		json_array_append_new(a, json_string(o->params[i]));
	return a;
}

int lab_write_facts(const struct lab *lab)
{
	char path[128], cpu[256];
	struct utsname u;
	struct backend b;
	json_t *j;
	int r;

	uname(&u);
	cpu_model_name(cpu, sizeof(cpu));
	backend_detect(&b, "/sys");
	j = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s?, s:o, s:b, "
	    "s:{s:s, s:s, s:s, s:s, s:s}}",
	    "platform", lab->accel == LAB_ACCEL_KVM ? "nested" : "emulated", "emulator",
	    lab->o->bochs ? "bochs" : "qemu", "emulator_version", lab->emu_version, "accel",
	    lab->o->bochs		  ? "bochs"
	    : lab->accel == LAB_ACCEL_KVM ? "kvm"
					  : "tcg",
	    "accel_reason", lab->why_accel, "cpu_model", lab->cpu, "smp", (int)lab->o->smp,
	    "mem_mb", (int)lab->o->mem_mb, "kernel", lab->k.image, "kernel_release", lab->k.release,
	    "modules", lab->o->modules, "params", params_json(lab->o), "kvm_loaded",
	    !lab->o->no_kvm, "host", "hostname", u.nodename, "kernel_release", u.release, "cpu",
	    cpu, "kvm_backend", b.name, "kvm_module", b.module);
	if (!j) {
		lab_set_error("lab facts: cannot build the JSON document");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/lab.json", lab->ctl);
	r = json_dump_file(j, path, JSON_INDENT(2));
	json_decref(j);
	if (r)
		lab_set_error("write %s: %s", path, strerror(errno));
	return r ? -1 : 0;
}
