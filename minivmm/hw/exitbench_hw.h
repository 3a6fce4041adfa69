/* SPDX-License-Identifier: MIT */
/*
 * exitbench_hw: the interface between the minimal VT-x/AMD-V monitor (a
 * kernel module, minivmm/hw/) and `exitbench hw` (bench/hw/).  Shared by
 * both sides: kernel and user space include this same file.
 *
 * One HW_IOC_RUN is one bounded batch on one CPU, interrupts and
 * preemption off: virtualization on, `warmup` untimed round trips,
 * `count` timed ones (one sample each), `batch_n` back-to-back round trips
 * timed as one (the vmlatency way), virtualization off, the CPU as found.
 */
#ifndef EXITBENCH_HW_H
#define EXITBENCH_HW_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define HW_DEVICE    "/dev/exitbench_hw"
#define HW_MAX_BATCH 4096 /* samples per ioctl at most */
#define HW_MSG_LEN   224

/* What the guest executes in its loop. */
enum hw_exit {
	HW_EXIT_NULL = 0,      /* no guest entry: the timestamps alone (timer overhead) */
	HW_EXIT_CPUID = 1,     /* cpuid */
	HW_EXIT_HYPERCALL = 2, /* vmcall (VT-x) / vmmcall (AMD-V) */
	HW_EXIT_IO = 3,	       /* out %al, $0x80 */
	HW_NEXITS
};

enum hw_backend { HW_NONE = 0, HW_VMX = 1, HW_SVM = 2 };

struct hw_run {
	/* in */
	__u32 exit;    /* enum hw_exit */
	__u32 count;   /* timed round trips, <= HW_MAX_BATCH */
	__u32 warmup;  /* untimed round trips first, <= HW_MAX_BATCH */
	__u32 batch;   /* round trips timed as one, <= HW_MAX_BATCH (0: none) */
	__u64 samples; /* user pointer to count __u64: TSC ticks per round trip */
	/* out */
	__u32 done;	   /* samples written (< count: the time bound ended the batch) */
	__u32 batch_done;  /* round trips in batch_ticks */
	__u64 batch_ticks; /* TSC ticks for batch_done back-to-back round trips */
	__u64 exits;	   /* exits of the expected kind, all phases */
	__u32 backend;	   /* enum hw_backend */
	__s32 cpu;	   /* the CPU that ran the batch */
	__s32 error;	   /* 0 or -errno, also the ioctl's return value */
	__u32 exit_code;   /* the last exit code / basic exit reason */
	__u32 tsc_khz;	   /* the kernel's TSC frequency */
	__u32 reserved;
	char msg[HW_MSG_LEN]; /* one line: why it failed or refused, "" when ok */
};

#define HW_IOC_MAGIC 0xE7
#define HW_IOC_RUN   _IOWR(HW_IOC_MAGIC, 1, struct hw_run)

#endif
