/* SPDX-License-Identifier: MIT */
/* The guest side of `exitbench check` (functional exit-path checks). */
#include "guests/guest.h"

void check_main(volatile struct mailbox *mb);

void check_main(volatile struct mailbox *mb)
{
	mb->abort_reason = ABORT_UNKNOWN_CLASS;
	mb->abort_arg = mb->op;
	mb->status = DB_ABORT;
	for (;;)
		doorbell(DB_ABORT);
}
