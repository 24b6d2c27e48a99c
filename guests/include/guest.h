/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the test guests: output, small string routines, the PVH
 * entry point and the start info's command line.
 */
#ifndef GUESTS_GUEST_H
#define GUESTS_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where text goes: set once by the guest at start. */
typedef void (*guest_write_fn)(const char *s, size_t len);
void guest_set_output(guest_write_fn fn);
void guest_puts(const char *s);
void guest_put_hex(uint64_t v);
void guest_put_dec(uint64_t v);
/* ": PASS\n" if err is NULL, else ": FAIL: <err>\n". */
void guest_put_verdict(const char *err);
/* "bench: <what>: T TSC ticks = N ns per round trip (n iterations)", ticks for n at khz. */
void guest_put_bench(const char *what, uint64_t ticks, uint64_t n, uint64_t khz);

/* Port 0xE9 (QEMU/Bochs debug console), for when no hypervisor answers. */
void guest_write_e9(const char *s, size_t len);

size_t guest_strlen(const char *s);
/* Copies the word at p (up to a space) into buf; NULL if empty. */
const char *guest_copy_word(const char *p, char *buf, size_t size);

/* Called by the shared PVH entry (lib/pvh-entry.S) in long mode. */
struct hvm_start_info;
void guest_main(const struct hvm_start_info *si);

/* The start info's command line (lib/cmdline.c); NULL if it has none. */
const char *guest_cmdline(const struct hvm_start_info *si);
/* The first word of command line start, at or after from, that begins with key; else NULL. */
const char *guest_cmdline_find(const char *start, const char *from, const char *key);
/* The value of "key=value" on the command line, else dflt. */
uint64_t guest_cmdline_u64(const struct hvm_start_info *si, const char *key, uint64_t dflt);
/* The command line has word as a whole word. */
bool guest_cmdline_has(const struct hvm_start_info *si, const char *word);

/*
 * The entry named id of the domain's shared memory table (lib/shm.c,
 * public/tessera/shm.h); NULL if the domain has no table, it is malformed or
 * names no such region.
 */
struct tessera_shm_entry;
const struct tessera_shm_entry *guest_shm_find(const struct hvm_start_info *si, const char *id);

#endif
