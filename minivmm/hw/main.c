// SPDX-License-Identifier: MIT
/*
 * exitbench_hw: a minimal VT-x/AMD-V monitor that times the bare hardware
 * round trip (VM entry, one exiting instruction, VM exit) with no handler
 * in between.  /dev/exitbench_hw takes one HW_IOC_RUN per bounded batch
 * (exitbench_hw.h); virtualization is on only inside it, on one CPU with
 * interrupts and preemption off, and off again before it returns.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#include "hw.h"

/* Interrupts stay off at most this long per batch: far below the soft- and
 * hard-lockup thresholds (seconds), close to a scheduler tick or a few. */
#define HW_BATCH_MS 10

static DEFINE_MUTEX(hw_lock);
static struct hw_cpu hw;
static u64 *hw_samples;
static void *hw_guest_stack;
static char hw_msg[HW_MSG_LEN];

int hw_fail(struct hw_cpu *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, HW_MSG_LEN, fmt, ap);
	va_end(ap);
	return err;
}

const char *hw_nested(char *buf, size_t len)
{
	u32 sig[3], eax;

	if (!(cpuid_ecx(1) & (1U << 31)))
		return "";
	cpuid(0x40000000, &eax, &sig[0], &sig[1], &sig[2]);
	snprintf(buf, len, " (nested under hypervisor \"%.12s\", which does not expose it)",
		 (const char *)sig);
	return buf;
}

static bool hw_is_svm(void)
{
	return boot_cpu_data.x86_vendor == X86_VENDOR_AMD ||
	       boot_cpu_data.x86_vendor == X86_VENDOR_HYGON;
}

/* One round trip of either backend, or of no guest at all (the null exit). */
static __always_inline int hw_round_trip(struct hw_cpu *c, bool svm, enum hw_exit exit, u64 *ticks)
{
	u64 t0;
	int err;

	if (exit == HW_EXIT_NULL) {
		t0 = hw_tsc_begin();
		hw_null_enter();
		if (ticks)
			*ticks = hw_tsc_end() - t0;
		return 0;
	}
	err = svm ? svm_run(c, ticks) : vmx_run(c, ticks);
	if (!err) {
		if (svm)
			svm_next(c);
		else
			vmx_next(c);
	}
	return err;
}

/* Warm-up, timed samples, then the back-to-back batch; stops at the time
 * bound or at an NMI (not an error: done says how far it got). */
static int hw_loop(struct hw_cpu *c, bool svm, struct hw_run *r)
{
	u64 limit = (u64)(tsc_khz ? tsc_khz : 1000000) * HW_BATCH_MS;
	u64 start = rdtsc(), t0, sum = 0;
	u32 i, n;
	int err = 0;

	for (i = 0; i < r->warmup && !err; i++) {
		err = hw_round_trip(c, svm, r->exit, NULL);
		r->exits += !err;
	}
	/* the timed samples get half of the bound, the batch what is left */
	for (i = 0; i < r->count && !err && rdtsc() - start < limit / 2; i++) {
		err = hw_round_trip(c, svm, r->exit, &hw_samples[i]);
		if (!err) {
			sum += hw_samples[i];
			r->done++;
			r->exits++;
		}
	}
	if (err || !r->done)
		return err;
	/* the batch: as many as fit in what is left of the bound */
	n = min_t(u64, r->batch, (limit - min(limit, rdtsc() - start)) / (sum / r->done + 1));
	t0 = hw_tsc_begin();
	for (i = 0; i < n && !err; i++)
		err = hw_round_trip(c, svm, r->exit, NULL);
	r->batch_ticks = hw_tsc_end() - t0;
	r->batch_done = err ? 0 : n;
	r->exits += err ? i - 1 : n;
	return err;
}

static int hw_batch(struct hw_run *r)
{
	bool svm = hw_is_svm();
	unsigned long flags;
	int err;

	r->backend = svm ? HW_SVM : HW_VMX;
	r->tsc_khz = tsc_khz;
	r->cpu = get_cpu();
	local_irq_save(flags);
	err = svm ? svm_probe(&hw) : vmx_probe(&hw);
	if (!err)
		err = svm ? svm_on(&hw, r->exit) : vmx_on(&hw, r->exit);
	if (!err)
		err = hw_loop(&hw, svm, r);
	if (svm)
		svm_off(&hw);
	else
		vmx_off(&hw);
	r->exit_code = hw.exit_code;
	local_irq_restore(flags);
	put_cpu();
	return err == -EINTR ? 0 : err;
}

static long hw_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct hw_run __user *u = (void __user *)arg;
	struct hw_run r;
	int err;

	if (cmd != HW_IOC_RUN)
		return -ENOTTY;
	if (copy_from_user(&r, u, sizeof(r)))
		return -EFAULT;
	mutex_lock(&hw_lock);
	memset(hw_msg, 0, sizeof(hw_msg));
	hw.msg = hw_msg;
	hw.exit_code = 0;
	r.done = r.batch_done = 0;
	r.batch_ticks = r.exits = 0;
	if (r.exit >= HW_NEXITS || r.count > HW_MAX_BATCH || r.warmup > HW_MAX_BATCH ||
	    r.batch > HW_MAX_BATCH)
		err = hw_fail(&hw, -EINVAL,
			      "bad request: exit %u, count %u, warmup %u, batch %u "
			      "(at most %u each)",
			      r.exit, r.count, r.warmup, r.batch, HW_MAX_BATCH);
	else
		err = hw_batch(&r);
	if (!err && r.done &&
	    copy_to_user(u64_to_user_ptr(r.samples), hw_samples, r.done * sizeof(u64)))
		err = hw_fail(&hw, -EFAULT, "copying %u samples to user space failed", r.done);
	r.error = err;
	memcpy(r.msg, hw_msg, sizeof(r.msg));
	mutex_unlock(&hw_lock);
	if (copy_to_user(u, &r, sizeof(r)))
		return -EFAULT;
	return err;
}

static const struct file_operations hw_fops = {
    .owner = THIS_MODULE,
    .unlocked_ioctl = hw_ioctl,
    .compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice hw_dev = {
    .minor = MISC_DYNAMIC_MINOR,
    .name = "exitbench_hw",
    .fops = &hw_fops,
    .mode = 0600,
};

static void hw_free(void)
{
	svm_free(&hw);
	vmx_free(&hw);
	kfree(hw_samples);
	free_page((unsigned long)hw_guest_stack);
}

static int __init hw_init(void)
{
	int err;

	hw_samples = kcalloc(HW_MAX_BATCH, sizeof(u64), GFP_KERNEL);
	hw_guest_stack = (void *)get_zeroed_page(GFP_KERNEL);
	err = hw_is_svm() ? svm_alloc(&hw) : vmx_alloc(&hw);
	if (!err && (!hw_samples || !hw_guest_stack))
		err = -ENOMEM;
	if (!err) {
		hw.guest_rsp = (u64)hw_guest_stack + PAGE_SIZE;
		err = misc_register(&hw_dev);
	}
	if (err)
		hw_free();
	return err;
}

static void __exit hw_exit(void)
{
	misc_deregister(&hw_dev);
	hw_free();
}

module_init(hw_init);
module_exit(hw_exit);
MODULE_DESCRIPTION("exitbench: minimal VT-x/AMD-V monitor timing the bare VM exit round trip");
MODULE_LICENSE("Dual MIT/GPL");
