/* SPDX-License-Identifier: MIT */
/* exitbench list and exitbench info. */
#include <stdio.h>
#include <string.h>

#include "bench/cli.h"
#include "bench/run/classes.h"
#include "lib/error.h"
#include "bench/host/hostinfo.h"

static void print_checks(const struct exit_class *c, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < MAX_CHECKS && c->checks[i].stat && used < len; i++) {
		const struct class_check *k = &c->checks[i];

		if (k->at_least && k->at_most > 0)
			used += (size_t)snprintf(buf + used, len - used, "%s%s=%g..%g",
						 i ? " " : "", k->stat, k->per_iter, k->at_most);
		else
			used += (size_t)snprintf(buf + used, len - used, "%s%s%s%g", i ? " " : "",
						 k->stat, k->at_least ? ">=" : "=", k->per_iter);
	}
	if (c->checks_for && used < len)
		snprintf(buf + used, len - used, " (per backend: docs/method.md)");
}

/* The class table as Markdown: docs/classes.md is this output. */
static int list_markdown(void)
{
	char checks[128];

	puts("| class | the guest does | handled in | must move per iteration | VT-x exit "
	     "| AMD-V exit |");
	puts("|---|---|---|---|---|---|");
	for (unsigned int i = 0; i < exit_class_count; i++) {
		const struct exit_class *c = &exit_classes[i];

		if (c->hidden)
			continue;
		print_checks(c, checks, sizeof(checks));
		printf("| `%s` | %s%s | %s | %s | %s | %s |\n", c->name, c->what,
		       c->cpl0_only ? " (CPL0 only)" : "", handled_in_name(c->handled_in), checks,
		       c->vmx, c->svm);
	}
	return EXIT_OK;
}

int cmd_list(int argc, char **argv)
{
	struct kvm_sys kvm = {.fd = -1};
	struct backend b;
	bool have_kvm, all = argc > 1 && strcmp(argv[1], "--all") == 0;
	char checks[128];

	if (argc > 1 && strcmp(argv[1], "--md") == 0)
		return list_markdown();
	if (argc > 1 && !all) {
		if (strcmp(argv[1], "--help") && strcmp(argv[1], "-h"))
			return usage_error("list: unexpected argument '%s'", argv[1]);
		puts("usage: exitbench list [--all|--md]   (--all: also the test-only classes; "
		     "--md: the table as Markdown)");
		return EXIT_OK;
	}
	have_kvm = kvm_open(&kvm, "/dev/kvm") == 0;
	backend_detect(&b, "/sys");
	printf("%-18s %-4s %-34s %s\n", "class", "in", "checks (per iteration)", "this host");
	for (unsigned int i = 0; i < exit_class_count; i++) {
		const struct exit_class *c = &exit_classes[i];
		const char *why = NULL;

		if (c->hidden && !all)
			continue;
		if (have_kvm && c->unsupported)
			why = c->unsupported(&b, &kvm);
		print_checks(c, checks, sizeof(checks));
		printf("%-18s %-4s %-34s %s%s\n", c->name, handled_in_name(c->handled_in), checks,
		       !have_kvm ? "unknown: "
		       : why	 ? "unsupported: "
				 : "yes",
		       !have_kvm ? eb_error()
		       : why	 ? why
				 : "");
		printf("    %s\n", c->what);
	}
	kvm_close(&kvm);
	return EXIT_OK;
}

static void print_kv(const char *title, const struct kv_list *l)
{
	printf("%s:\n", title);
	for (unsigned int i = 0; i < l->n; i++)
		printf("  %-36s %s\n", l->item[i].name, l->item[i].value);
}

int cmd_info(int argc, char **argv)
{
	struct kvm_sys kvm = {.fd = -1};
	struct host_info h;
	bool have_kvm;

	if (argc > 1) {
		if (strcmp(argv[1], "--help") && strcmp(argv[1], "-h"))
			return usage_error("info: unexpected argument '%s'", argv[1]);
		puts("usage: exitbench info   (the labels every result carries)");
		return EXIT_OK;
	}
	have_kvm = kvm_open(&kvm, "/dev/kvm") == 0;
	if (!have_kvm)
		fprintf(stderr, "exitbench: %s (TSC rate from CPUID only)\n", eb_error());
	if (hostinfo_collect(&h, have_kvm ? &kvm : NULL))
		return usage_error("%s", eb_error());
	printf("host:        %s\n", h.hostname);
	printf("cpu:         %s %s\n", h.vendor, h.model_name);
	printf("             family %u model %u (0x%x) stepping %u, microcode %s%s\n", h.family,
	       h.model, h.model, h.stepping, h.microcode, GUEST_SEEN(&h));
	printf("microarch:   %s", h.microarch);
	printf(h.microarch_year ? " (%d)%s\n" : "%.0d%s\n", h.microarch_year, GUEST_SEEN(&h));
	printf("platform:    %s\n", h.platform);
	printf("tsc:         %llu kHz (%s)\n", (unsigned long long)h.tsc_khz, h.tsc_khz_source);
	printf("kernel:      %s %s\n", h.kernel_release, h.kernel_version);
	printf("cmdline:     %s\n", h.cmdline);
	printf("governor:    %s\n", h.governor);
	printf("backend:     %s (module %s), hypercall %s\n", h.backend.name, h.backend.module,
	       backend_hypercall_insn(&h.backend));
	printf("nested:      %s%s%s\n", h.backend.nested ? "yes" : "no",
	       h.backend.nested ? ", hypervisor " : "",
	       h.backend.nested ? h.backend.hypervisor : "");
	if (h.lab_summary[0])
		printf("lab:         %s\n", h.lab_summary);
	printf("cpu flags:   vmx %s, svm %s\n", h.backend.host_vmx ? "yes" : "no",
	       h.backend.host_svm ? "yes" : "no");
	print_kv(h.guest_seen ? "mitigations (seen by the guest)" : "mitigations", &h.mitigations);
	print_kv("kvm parameters", &h.kvm_params);
	kvm_close(&kvm);
	return EXIT_OK;
}
