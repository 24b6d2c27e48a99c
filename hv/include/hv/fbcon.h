/* SPDX-License-Identifier: MIT */
/*
 * Framebuffer text console: the hypervisor's console lines (printk and the
 * domains' consoles) also drawn on the UEFI GOP framebuffer the loader
 * captured, 8x16 glyphs, so a machine without a serial port shows them.
 * Drawing is off the console's path: writes only update a copy of the text,
 * a timer on the boot CPU draws what changed once fbcon_start_drawing() has
 * set it (lines before it wait for it); after a panic writes draw at once.
 */
#ifndef HV_FBCON_H
#define HV_FBCON_H

#include <hv/types.h>

struct tessera_bootinfo;

/* After the page allocator (maps the framebuffer); says on the console whether it is on. */
void fbcon_init(const struct tessera_bootinfo *bi);
/* Takes text; called by the console with its lock held. Nothing before fbcon_init. */
void fbcon_write(const char *s, size_t len);
/* From now on draw from a timer on this CPU (timers must be running on it). */
void fbcon_start_drawing(void);
/* A panic: draw at once again, without waiting for any lock for long. */
void fbcon_enter_panic(void);

#endif
