/* SPDX-License-Identifier: MIT */
/* Loads the flat guest image and checks its header (guests/abi.h). */
#include <errno.h>
#include <string.h>

#include "guests/abi.h"
#include "minivmm/minivmm.h"

static int in_image(uint64_t addr, uint64_t load, uint64_t end)
{
	return addr >= load && addr < end;
}

int guest_load(struct vm *vm, const void *image, size_t size, uint64_t load_gpa,
	       struct guest_image *out)
{
	struct guest_header h;
	void *dst;

	errno = EINVAL;
	if (size < sizeof(h))
		return eb_fail("load guest image: %zu bytes is smaller than its header", size);
	memcpy(&h, image, sizeof(h));
	if (h.magic != GUEST_HEADER_MAGIC)
		return eb_fail("load guest image: bad header magic 0x%llx",
			       (unsigned long long)h.magic);
	if (h.image_end < load_gpa + size || h.image_end - load_gpa > GUEST_MAX_SIZE)
		return eb_fail("load guest image: end 0x%llx outside 0x%llx..0x%llx",
			       (unsigned long long)h.image_end, (unsigned long long)load_gpa,
			       (unsigned long long)(load_gpa + GUEST_MAX_SIZE));
	if (!in_image(h.entry, load_gpa, h.image_end) ||
	    !in_image(h.ap_entry, load_gpa, h.image_end) ||
	    !in_image(h.vectors + 255 * h.vec_stride, load_gpa, h.image_end))
		return eb_fail("load guest image: entry 0x%llx or vectors 0x%llx outside it",
			       (unsigned long long)h.entry, (unsigned long long)h.vectors);
	dst = vm_gpa_to_hva(vm, load_gpa, h.image_end - load_gpa);
	if (!dst) {
		errno = EFAULT;
		return eb_fail("load guest image: 0x%llx..0x%llx is not guest RAM",
			       (unsigned long long)load_gpa, (unsigned long long)h.image_end);
	}
	memcpy(dst, image, size);
	memset((char *)dst + size, 0, h.image_end - load_gpa - size); /* .bss */
	*out = (struct guest_image){.entry = h.entry,
				    .vectors = h.vectors,
				    .vec_stride = h.vec_stride,
				    .end = h.image_end,
				    .ap_entry = h.ap_entry};
	errno = 0;
	return 0;
}
