/* SPDX-License-Identifier: MIT */
/* exitbench lab: boot a kernel in an emulator, load its KVM vendor module,
 * run one command inside with the host's files, pass its status back. */
#ifndef EXITBENCH_LAB_H
#define EXITBENCH_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define LAB_MAX_PARAMS	32
#define LAB_MAX_MODULES 48

enum lab_accel { LAB_ACCEL_AUTO, LAB_ACCEL_KVM, LAB_ACCEL_TCG };

struct lab_opts {
	const char *kernel;  /* bzImage; NULL: newest /boot/vmlinuz-* */
	const char *modules; /* module tree (INSTALL_MOD_PATH layout); NULL: / */
	enum lab_accel accel;
	const char *cpu; /* emulated CPU model; NULL: by accel; "intel": bochs */
	bool bochs;	 /* --emulator bochs (or --cpu intel): VT-x, kvm_intel */
	unsigned int smp, mem_mb, timeout_s;
	const char *params[LAB_MAX_PARAMS]; /* MOD.NAME=VALUE, on the kernel command line */
	unsigned int nparams;
	const char *keep_log; /* copy the console and monitor log here */
	bool no_kvm;	      /* do not load a KVM module (for exitbench hw) */
	bool quiet;	      /* no "lab: ..." progress lines on stderr */
	char **argv;	      /* COMMAND [ARGS...] */
};

/* The kernel under test and where its modules are. */
struct lab_kernel {
	char image[4096];
	char release[128];
	char moddir[4096]; /* .../lib/modules/<release>; "" when none */
};

/* A module and its dependencies in load order (dependencies first). */
struct lab_modlist {
	unsigned int n;
	char path[LAB_MAX_MODULES][512]; /* relative to moddir */
};

/* Everything one boot needs; the control directory is shared with the guest. */
struct lab {
	const struct lab_opts *o;
	struct lab_kernel k;
	enum lab_accel accel; /* resolved */
	char cpu[64];
	char ctl[64];	       /* host temporary directory, shared as "labctl" */
	char cwd[4096];	       /* shared read-write at the same path */
	char emu_version[256]; /* QEMU's or bochs' version */
	char why_accel[256];
};

/* bench/lab/kernel.c */
int lab_kernel_find(struct lab_kernel *k, const char *image, const char *modules);
int lab_kernel_release(const char *image, char *buf, size_t len);
/* Adds module NAME and its dependencies from modules.dep; 1 when NAME is built
 * in, 0 when added, -1 (message set) when missing. */
int lab_modules_add(const struct lab_kernel *k, const char *name, struct lab_modlist *l);

/* bench/lab/cpio.c: the newc format the kernel unpacks as initramfs. */
struct cpio {
	FILE *f;
	unsigned int ino;
	size_t off;
};
int cpio_dir(struct cpio *c, const char *name);
int cpio_file(struct cpio *c, const char *name, unsigned int mode, const void *data, size_t len);
int cpio_symlink(struct cpio *c, const char *name, const char *target);
int cpio_trailer(struct cpio *c);

/* bench/lab/initramfs.c: busybox, the 9p and virtio modules, /init. */
int lab_initramfs(const struct lab *lab, const char *path);
void lab_module_file(const char *rel, char *buf, size_t len);
/* A whole file, decompressed for .xz/.zst/.gz; NULL (message set) on error. */
char *lab_slurp(const char *path, size_t *len);

/* bench/lab/pack.c: the self-contained initramfs for bochs. */
int lab_initramfs_packed(const struct lab *lab, const char *path,
			 const struct lab_modlist *kvm_mods);

/* bench/lab/scripts.c: the shell glue that runs inside the guest. */
int lab_write_scripts(const struct lab *lab);
char *lab_init_script(const struct lab *lab, const struct lab_modlist *mods);
char *lab_packed_init_script(const struct lab *lab, const struct lab_modlist *kvm_mods);

/* bench/lab/accel.c */
int lab_pick_accel(struct lab *lab);

/* bench/lab/qemu.c, bochs.c: boot, stream the command's output, enforce the
 * timeout. Return LAB_END_*, or -1 (message set) when the emulator did not
 * start or failed. */
enum { LAB_END_EXITED, LAB_END_TIMEOUT, LAB_END_SIGNAL };
int lab_boot(struct lab *lab);
int lab_boot_bochs(struct lab *lab);

/* bench/lab/supervise.c */
struct stream { /* copies what the guest appended to CTL/name to fd out */
	const char *name;
	int out;
	off_t off;
};
pid_t lab_spawn(const struct lab *lab, char *const *argv, const char *logname, bool own_net);
void lab_pump(const struct lab *lab, struct stream *s);
int lab_supervise(const struct lab *lab, pid_t pid, int *wstatus,
		  void (*dump)(const struct lab *lab));
int lab_exit_status(const char *emulator, int wstatus);
int lab_signalled(void);

/* bench/lab/facts.c: what the guest's exitbench records about the lab. */
int lab_write_facts(const struct lab *lab);

/* Last error message of the lab functions. */
const char *lab_error(void);
void lab_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
