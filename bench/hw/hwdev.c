// SPDX-License-Identifier: MIT
/* The exitbench_hw module: load/unload on request, one ioctl per batch. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h> /* the module's device: not a VM or vCPU fd (minivmm wraps those) */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench/hw/hw.h"
#include "lib/error.h"

int hw_load_module(const char *path, bool *loaded_by_us)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	*loaded_by_us = false;
	if (fd < 0) {
		fprintf(stderr, "exitbench hw: open %s: %s (build it with `make hw`)\n", path,
			strerror(errno));
		return -1;
	}
	rc = (int)syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	if (rc == 0) {
		*loaded_by_us = true;
		return 0;
	}
	if (errno == EEXIST)
		return 0; /* already loaded: use it, leave it */
	fprintf(stderr, "exitbench hw: load module %s: %s%s\n", path, strerror(errno),
		errno == ENOEXEC || errno == EINVAL
		    ? " (built for another kernel? `make hw KDIR=/lib/modules/$(uname -r)/build`)"
		    : "");
	return -1;
}

int hw_unload_module(void)
{
	if (syscall(SYS_delete_module, "exitbench_hw", O_NONBLOCK) == 0)
		return 0;
	fprintf(stderr, "exitbench hw: unload module exitbench_hw: %s\n", strerror(errno));
	return -1;
}

int hw_open(const char *device)
{
	int fd = open(device, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr,
			"exitbench hw: open %s: %s (load the module: `exitbench hw --load "
			"build/hw/exitbench_hw.ko`, built by `make hw`; root needed)\n",
			device, strerror(errno));
	return fd;
}

/* One batch; 0, or -1 with the module's message printed. */
static int hw_batch(int fd, struct hw_run *r, struct hw_class *c)
{
	int rc = ioctl(fd, HW_IOC_RUN, r);

	if (rc < 0 && r->msg[0] == 0) {
		fprintf(stderr, "exitbench hw: ioctl HW_IOC_RUN on the module: %s\n",
			strerror(errno));
		return -1;
	}
	if (rc < 0) {
		fprintf(stderr, "exitbench hw: %s\n", r->msg);
		return -1;
	}
	if (c->batches++ == 0)
		c->cpu_first = r->cpu;
	c->cpu_last = r->cpu;
	c->backend = r->backend;
	c->tsc_khz = r->tsc_khz;
	c->exits += r->exits;
	c->expected_exits += r->warmup + r->done + r->batch_done;
	c->batch_ticks += r->batch_ticks;
	c->batch_n += r->batch_done;
	c->interrupted += r->done < r->count;
	return 0;
}

int hw_measure(int fd, const struct hw_opts *o, struct hw_class *c)
{
	unsigned int empty = 0;

	c->samples = calloc(o->samples ? o->samples : 1, sizeof(*c->samples));
	if (!c->samples)
		return eb_fail_errno("allocate %llu samples", (unsigned long long)o->samples);
	while (c->n < o->samples) {
		uint64_t want = o->samples - c->n;
		struct hw_run r = {
		    .exit = c->exit,
		    .count = (uint32_t)(want < HW_MAX_BATCH ? want : HW_MAX_BATCH),
		    .warmup = o->warmup,
		    .samples = (uintptr_t)(c->samples + c->n),
		};

		r.batch = r.count;
		if (hw_batch(fd, &r, c))
			return -1;
		if (r.done == 0 && ++empty > 1000) {
			fprintf(stderr,
				"exitbench hw: %s: 1000 batches in a row ended before their "
				"first sample (NMIs?)\n",
				hw_exit_name(c->exit));
			return -1;
		}
		c->n += r.done;
	}
	return 0;
}
