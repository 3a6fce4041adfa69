/* SPDX-License-Identifier: MIT */
/* exitbench lab [options] -- COMMAND [ARGS...] (docs/lab.md). */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/cli.h"
#include "bench/lab/lab.h"

static const char usage_text[] =
    "usage: exitbench lab [options] -- COMMAND [ARGS...]\n"
    "Boots a kernel in QEMU, loads its KVM vendor module, runs COMMAND in the\n"
    "current directory (shared read-write; the host's root read-only) and exits\n"
    "with COMMAND's status (2: a lab error, said in one line).\n"
    "  --kernel IMAGE       bzImage to boot (default: the newest /boot/vmlinuz-*)\n"
    "  --modules DIR        its modules, as 'make modules_install INSTALL_MOD_PATH=DIR'\n"
    "  --accel auto|kvm|tcg KVM with nesting where the host offers it, else TCG (auto)\n"
    "  --emulator qemu|bochs  QEMU (AMD-V, kvm_amd; default) or bochs (VT-x, kvm_intel)\n"
    "  --cpu MODEL          CPU model (QEMU: host with kvm, max with tcg; bochs:\n"
    "                       corei7_haswell_4770); --cpu intel: bochs with its default\n"
    "  --smp N              vCPUs (default 2)\n"
    "  --mem MB             memory (default 2048)\n"
    "  --param MOD.NAME=VAL module parameter on the guest kernel's command line\n"
    "                       (repeatable; e.g. kvm_amd.npt=0, kvm.enable_pmu=1)\n"
    "  --no-kvm             do not load a KVM module\n"
    "  --timeout S          stop the guest after S seconds and dump its vCPUs (600)\n"
    "  --keep-log F         copy the guest's console log (and any dump) to F\n"
    "  --quiet              no progress lines on stderr\n";

enum {
	OPT_KERNEL = 256,
	OPT_MODULES,
	OPT_ACCEL,
	OPT_CPU,
	OPT_SMP,
	OPT_MEM,
	OPT_PARAM,
	OPT_NOKVM,
	OPT_TIMEOUT,
	OPT_KEEPLOG,
	OPT_QUIET,
	OPT_EMULATOR
};

static const struct option lab_long[] = {{"kernel", required_argument, 0, OPT_KERNEL},
					 {"modules", required_argument, 0, OPT_MODULES},
					 {"accel", required_argument, 0, OPT_ACCEL},
					 {"cpu", required_argument, 0, OPT_CPU},
					 {"smp", required_argument, 0, OPT_SMP},
					 {"mem", required_argument, 0, OPT_MEM},
					 {"param", required_argument, 0, OPT_PARAM},
					 {"no-kvm", no_argument, 0, OPT_NOKVM},
					 {"timeout", required_argument, 0, OPT_TIMEOUT},
					 {"keep-log", required_argument, 0, OPT_KEEPLOG},
					 {"quiet", no_argument, 0, OPT_QUIET},
					 {"emulator", required_argument, 0, OPT_EMULATOR},
					 {"help", no_argument, 0, 'h'},
					 {0, 0, 0, 0}};

static int parse_param(struct lab_opts *o, const char *p)
{
	const char *dot = strchr(p, '.'), *eq = strchr(p, '=');

	if (!dot || !eq || dot > eq || dot == p || eq == dot + 1 || strpbrk(p, " \t\n'\"\\"))
		return usage_error("lab: --param '%s': expected MODULE.NAME=VALUE without spaces",
				   p);
	if (o->nparams == LAB_MAX_PARAMS)
		return usage_error("lab: more than %d --param", LAB_MAX_PARAMS);
	o->params[o->nparams++] = p;
	return 0;
}

static int parse_u(const char *opt, const char *s, uint64_t lo, uint64_t hi, unsigned int *out)
{
	uint64_t v;

	if (parse_u64(opt, s, lo, hi, &v))
		return EXIT_USAGE;
	*out = (unsigned int)v;
	return 0;
}

static int parse_one(struct lab_opts *o, int c)
{
	switch (c) {
	case OPT_KERNEL:
		o->kernel = optarg;
		return 0;
	case OPT_MODULES:
		o->modules = optarg;
		return 0;
	case OPT_CPU:
		o->cpu = optarg;
		o->bochs = o->bochs || strcmp(optarg, "intel") == 0;
		return 0;
	case OPT_EMULATOR:
		if (strcmp(optarg, "qemu") && strcmp(optarg, "bochs"))
			return usage_error("lab: --emulator '%s': expected qemu or bochs", optarg);
		o->bochs = strcmp(optarg, "bochs") == 0;
		return 0;
	case OPT_NOKVM:
		o->no_kvm = true;
		return 0;
	case OPT_KEEPLOG:
		o->keep_log = optarg;
		return 0;
	case OPT_QUIET:
		o->quiet = true;
		return 0;
	case OPT_PARAM:
		return parse_param(o, optarg);
	case OPT_SMP:
		return parse_u("--smp", optarg, 1, 64, &o->smp);
	case OPT_MEM:
		return parse_u("--mem", optarg, 256, 65536, &o->mem_mb);
	case OPT_TIMEOUT:
		return parse_u("--timeout", optarg, 1, 86400, &o->timeout_s);
	case OPT_ACCEL:
		if (strcmp(optarg, "auto") == 0)
			o->accel = LAB_ACCEL_AUTO;
		else if (strcmp(optarg, "kvm") == 0)
			o->accel = LAB_ACCEL_KVM;
		else if (strcmp(optarg, "tcg") == 0)
			o->accel = LAB_ACCEL_TCG;
		else
			return usage_error("lab: --accel '%s': expected auto, kvm or tcg", optarg);
		return 0;
	case 'h':
		fputs(usage_text, stdout);
		return -1;
	default:
		return usage_error("lab: see 'exitbench lab --help'");
	}
}

static int parse(struct lab_opts *o, int argc, char **argv)
{
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", lab_long, NULL)) != -1)
		if ((r = parse_one(o, c == '?' ? 0 : c)))
			return r;
	if (optind >= argc)
		return usage_error(
		    "lab: no COMMAND (exitbench lab [options] -- COMMAND [ARGS...])");
	o->argv = argv + optind;
	if (o->keep_log && check_writable("--keep-log", o->keep_log))
		return EXIT_USAGE;
	return 0;
}

static int qemu_version(struct lab *lab)
{
	FILE *p = popen("qemu-system-x86_64 --version 2>/dev/null", "r");
	char line[256] = "";

	if (p && !fgets(line, sizeof(line), p))
		line[0] = 0;
	if (!p || pclose(p) != 0 || strncmp(line, "QEMU emulator version ", 22) != 0) {
		lab_set_error("qemu-system-x86_64 not found or not working (install Debian's "
			      "qemu-system-x86)");
		return -1;
	}
	line[strcspn(line, "\n")] = 0;
	snprintf(lab->emu_version, sizeof(lab->emu_version), "%s", line + 22);
	return 0;
}

/* Bochs: the CPU model that keeps time right (docs/lab.md); one CPU. */
#define BOCHS_CPU "corei7_haswell_4770"

static int bochs_version(struct lab *lab)
{
	FILE *p = popen("dpkg-query -W -f '${Version}' bochs 2>/dev/null", "r");
	char v[128] = "";

	if (p && !fgets(v, sizeof(v), p))
		v[0] = 0;
	if (p)
		pclose(p);
	if (system("command -v bochs-bin >/dev/null 2>&1") != 0) {
		lab_set_error("bochs-bin not found (install Debian's bochs and bochsbios)");
		return -1;
	}
	snprintf(lab->emu_version, sizeof(lab->emu_version), "%s", v[0] ? v : "unknown");
	snprintf(lab->cpu, sizeof(lab->cpu), "%s",
		 lab->o->cpu && strcmp(lab->o->cpu, "intel") ? lab->o->cpu : BOCHS_CPU);
	snprintf(lab->why_accel, sizeof(lab->why_accel), "bochs emulates VT-x with EPT");
	lab->accel = LAB_ACCEL_TCG;
	return 0;
}

static int prepare(struct lab *lab)
{
	char path[128];

	if (lab_kernel_find(&lab->k, lab->o->kernel, lab->o->modules) ||
	    (lab->o->bochs ? bochs_version(lab) : qemu_version(lab) || lab_pick_accel(lab)))
		return -1;
	if (!getcwd(lab->cwd, sizeof(lab->cwd))) {
		lab_set_error("getcwd: %s", strerror(errno));
		return -1;
	}
	snprintf(lab->ctl, sizeof(lab->ctl), "/tmp/exitbench-lab.XXXXXX");
	if (!mkdtemp(lab->ctl)) {
		lab_set_error("mkdtemp %s: %s", lab->ctl, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/initramfs.cpio", lab->ctl);
	if (lab_write_scripts(lab) || lab_write_facts(lab))
		return -1;
	return lab->o->bochs ? 0 : lab_initramfs(lab, path); /* bochs packs its own */
}

/* The first line of CTL/name, or "" */
static void read_line(const struct lab *lab, const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	buf[0] = 0;
	snprintf(path, sizeof(path), "%s/%s", lab->ctl, name);
	f = fopen(path, "r");
	if (f && !fgets(buf, (int)len, f))
		buf[0] = 0;
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

/* The first line of CTL/name that contains one of pats, or "". */
static void find_line(const struct lab *lab, const char *name, const char *const *pats, char *buf,
		      size_t len)
{
	char path[128], line[1024];
	FILE *f;

	buf[0] = 0;
	snprintf(path, sizeof(path), "%s/%s", lab->ctl, name);
	f = fopen(path, "r");
	while (f && !buf[0] && fgets(line, sizeof(line), f))
		for (const char *const *p = pats; *p && !buf[0]; p++)
			if (strstr(line, *p)) {
				line[strcspn(line, "\r\n")] = 0;
				snprintf(buf, len, "%s", line);
			}
	if (f)
		fclose(f);
}

static int copy_log(const struct lab *lab)
{
	char path[128], buf[65536];
	FILE *in, *out;
	size_t n;

	snprintf(path, sizeof(path), "%s/console.log", lab->ctl);
	in = fopen(path, "r");
	out = fopen(lab->o->keep_log, "w");
	while (in && out && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	if (in)
		fclose(in);
	if (!out || fclose(out)) {
		fprintf(stderr, "exitbench lab: write %s: %s\n", lab->o->keep_log, strerror(errno));
		return -1;
	}
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static const char *log_name(const struct lab *lab, char *buf, size_t len)
{
	if (lab->o->keep_log)
		return lab->o->keep_log;
	snprintf(buf, len, "%s/console.log", lab->ctl);
	return buf;
}

/* Why the guest stopped without a status: its own words, or the kernel's. */
static void explain_early_stop(const struct lab *lab, const char *log)
{
	static const char *const marks[] = {"EXITBENCH-LAB-ERROR: ", NULL};
	static const char *const kernel[] = {"Kernel panic", "BUG:", "Oops", NULL};
	char line[1024];

	find_line(lab, "console.log", marks, line, sizeof(line));
	if (line[0]) {
		fprintf(stderr, "exitbench lab: %s; see %s\n", strstr(line, ": ") + 2, log);
		return;
	}
	find_line(lab, "console.log", kernel, line, sizeof(line));
	fprintf(stderr, "exitbench lab: the guest stopped before COMMAND finished%s%s; see %s\n",
		line[0] ? ": " : "", line, log);
}

static void report_times(const struct lab *lab, double wall)
{
	static const char *const warn[] = {"WARNING:", "BUG:", "Oops", "soft lockup", NULL};
	char t[256], line[1024];
	double root = 0, kvm = 0, done = 0;
	FILE *f;

	snprintf(t, sizeof(t), "%s/times", lab->ctl);
	f = fopen(t, "r");
	if (f) {
		if (fscanf(f, "root %lf kvm %lf done %lf", &root, &kvm, &done) != 3)
			root = kvm = done = 0;
		fclose(f);
	}
	find_line(lab, "dmesg", warn, line, sizeof(line));
	if (line[0])
		fprintf(stderr, "exitbench lab: note: the guest kernel logged \"%s\"\n", line);
	if (!lab->o->quiet && done > 0)
		fprintf(stderr,
			"exitbench lab: host files at %.1f s, /dev/kvm at %.1f s, COMMAND %.1f s, "
			"%.1f s in all\n",
			root, kvm, done - kvm, wall);
}

static double wall_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int finish(const struct lab *lab, int end, double wall)
{
	char status[32], err[1024], logbuf[160];
	const char *log = log_name(lab, logbuf, sizeof(logbuf));
	int st = EXIT_USAGE;

	if (lab->o->keep_log)
		copy_log(lab);
	read_line(lab, "lab-error", err, sizeof(err));
	read_line(lab, "status", status, sizeof(status));
	if (end == LAB_END_TIMEOUT)
		fprintf(stderr, "exitbench lab: %s did not finish in %u s; see %s%s\n",
			lab->o->argv[0], lab->o->timeout_s, log,
			lab->o->bochs ? " (the guest's console)" : " (vCPU registers at the end)");
	else if (end == LAB_END_SIGNAL)
		fprintf(stderr, "exitbench lab: interrupted by signal %d; guest stopped\n",
			lab_signalled());
	else if (err[0])
		fprintf(stderr, "exitbench lab: %s\n", err);
	else if (status[0]) {
		st = atoi(status);
		report_times(lab, wall);
	} else
		explain_early_stop(lab, log);
	if (status[0] || end == LAB_END_SIGNAL || lab->o->keep_log)
		nftw(lab->ctl, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return end == LAB_END_SIGNAL ? 128 + lab_signalled() : st;
}

/* Under bochs, PML off unless asked: with a PML CPU model its log entries
 * trip a WARNING in vmx_handle_exit (docs/lab.md). */
static void bochs_default_params(struct lab_opts *o)
{
	for (unsigned int i = 0; i < o->nparams; i++)
		if (strncmp(o->params[i], "kvm_intel.pml=", 14) == 0)
			return;
	if (o->nparams < LAB_MAX_PARAMS)
		o->params[o->nparams++] = "kvm_intel.pml=0";
}

int cmd_lab(int argc, char **argv)
{
	struct lab_opts o = {.accel = LAB_ACCEL_AUTO, .smp = 2, .mem_mb = 2048, .timeout_s = 600};
	struct lab lab = {.o = &o};
	double t0 = wall_now();
	int r = parse(&o, argc, argv);

	if (r)
		return r < 0 ? EXIT_OK : r;
	if (o.bochs) {
		o.smp = 1;
		o.mem_mb = o.mem_mb == 2048 ? 1024 : o.mem_mb;
		bochs_default_params(&o);
	}
	if (prepare(&lab)) {
		fprintf(stderr, "exitbench lab: %s\n", lab_error());
		if (lab.ctl[0] && strchr(lab.ctl, 'X') == NULL)
			nftw(lab.ctl, rm_one, 8, FTW_DEPTH | FTW_PHYS);
		return EXIT_USAGE;
	}
	if (!o.quiet)
		fprintf(stderr, "exitbench lab: %s in %s %s, %s (%s), cpu %s, %u vCPUs, %u MB\n",
			lab.k.release, o.bochs ? "bochs" : "QEMU", lab.emu_version,
			o.bochs			     ? "bochs, emulated"
			: lab.accel == LAB_ACCEL_KVM ? "KVM, nested"
						     : "TCG, emulated",
			lab.why_accel, lab.cpu, o.smp, o.mem_mb);
	r = o.bochs ? lab_boot_bochs(&lab) : lab_boot(&lab);
	if (r < 0) {
		char logbuf[160];

		fprintf(stderr, "exitbench lab: %s; see %s\n", lab_error(),
			log_name(&lab, logbuf, sizeof(logbuf)));
		return EXIT_USAGE;
	}
	return finish(&lab, r, wall_now() - t0);
}
