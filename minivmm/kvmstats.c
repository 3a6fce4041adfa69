/* SPDX-License-Identifier: MIT */
/*
 * KVM binary statistics (KVM_GET_STATS_FD, Documentation/virt/kvm/api.rst
 * section 4.133): a header, descriptors with names, then a data block.
 * Descriptors are read once; each read is one pread of the data block.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "minivmm/minivmm.h"

static const struct kvm_stats_desc *desc_at(const struct kvmstats *st, unsigned int i)
{
	return (const struct kvm_stats_desc *)(st->descs + (size_t)i * st->desc_size);
}

static int read_exact(int fd, void *buf, size_t len, off_t off, const char *what, const char *owner)
{
	ssize_t r = pread(fd, buf, len, off);

	if (r < 0)
		return eb_fail_errno("read %s of %s stats", what, owner);
	if ((size_t)r != len) {
		errno = EIO;
		return eb_fail("read %s of %s stats: short read (%zd of %zu bytes)", what, owner, r,
			       len);
	}
	return 0;
}

/* Data block size: the end of the last descriptor's values. */
static size_t data_block_size(const struct kvmstats *st)
{
	size_t end = 0;

	for (unsigned int i = 0; i < st->hdr.num_desc; i++) {
		const struct kvm_stats_desc *d = desc_at(st, i);
		size_t e = d->offset + (size_t)d->size * sizeof(uint64_t);

		if (e > end)
			end = e;
	}
	return end;
}

int kvmstats_open(struct kvmstats *st, int owner_fd, const char *owner)
{
	memset(st, 0, sizeof(*st));
	st->owner = owner;
	st->fd = mvm_ioctl(owner_fd, owner, KVM_GET_STATS_FD, NULL);
	if (st->fd < 0)
		return -1;
	if (read_exact(st->fd, &st->hdr, sizeof(st->hdr), 0, "header", owner))
		goto fail;
	st->desc_size = sizeof(struct kvm_stats_desc) + st->hdr.name_size;
	st->descs = calloc(st->hdr.num_desc, st->desc_size);
	if (!st->descs) {
		eb_fail_errno("allocate %u %s stat descriptors", st->hdr.num_desc, owner);
		goto fail;
	}
	if (read_exact(st->fd, st->descs, st->hdr.num_desc * st->desc_size, st->hdr.desc_offset,
		       "descriptors", owner))
		goto fail;
	st->nvalues = st->hdr.num_desc;
	st->data_size = data_block_size(st);
	st->scratch = malloc(st->data_size ? st->data_size : 1);
	if (!st->scratch) {
		eb_fail_errno("allocate %s stats buffer", owner);
		goto fail;
	}
	return 0;
fail:
	kvmstats_close(st);
	return -1;
}

void kvmstats_close(struct kvmstats *st)
{
	if (st->fd >= 0)
		close(st->fd);
	free(st->descs);
	free(st->scratch);
	st->fd = -1;
	st->descs = NULL;
	st->scratch = NULL;
	st->nvalues = 0;
}

const char *kvmstats_name(const struct kvmstats *st, unsigned int i)
{
	return desc_at(st, i)->name;
}

bool kvmstats_cumulative(const struct kvmstats *st, unsigned int i)
{
	const struct kvm_stats_desc *d = desc_at(st, i);

	return (d->flags & KVM_STATS_TYPE_MASK) == KVM_STATS_TYPE_CUMULATIVE && d->size == 1;
}

int kvmstats_find(const struct kvmstats *st, const char *name)
{
	for (unsigned int i = 0; i < st->nvalues; i++)
		if (strcmp(desc_at(st, i)->name, name) == 0)
			return (int)i;
	return -1;
}

int kvmstats_read(struct kvmstats *st, uint64_t *out)
{
	if (read_exact(st->fd, st->scratch, st->data_size, st->hdr.data_offset, "data", st->owner))
		return -1;
	for (unsigned int i = 0; i < st->nvalues; i++)
		out[i] = st->scratch[desc_at(st, i)->offset / sizeof(uint64_t)];
	return 0;
}
