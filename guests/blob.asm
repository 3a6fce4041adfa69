/* SPDX-License-Identifier: MIT */
/* Embeds the flat guest image in the host binary. */
	.section .rodata
	.balign 4096
	.globl guest_image_start, guest_image_end, guest_image_size
guest_image_start:
	.incbin GUEST_BIN
guest_image_end:
	.balign 8
guest_image_size:
	.quad guest_image_end - guest_image_start
	.section .note.GNU-stack, "", @progbits
