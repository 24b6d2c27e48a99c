/* SPDX-License-Identifier: MIT */
/*
 * GAS macro emitting one Xen ELF note (owner "Xen") into .note.Xen, which the
 * linker puts in a PT_NOTE segment. Usage:
 *   xen_note XEN_ELFNOTE_PHYS32_ENTRY, .long, _start32
 *   xen_note_str XEN_ELFNOTE_GUEST_OS, "tessera"
 */
#ifndef GUESTS_XEN_NOTE_S_H
#define GUESTS_XEN_NOTE_S_H

#include <public/elfnote.h>

.macro xen_note type, directive, value
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 2f - 1f
    .long 4f - 3f
    .long \type
1:  .asciz "Xen"
2:  .balign 4
3:  \directive \value
4:  .balign 4
    .popsection
.endm

/* String-valued note (GAS strips the quotes of a macro argument). */
.macro xen_note_str type, value
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 2f - 1f
    .long 4f - 3f
    .long \type
1:  .asciz "Xen"
2:  .balign 4
3:  .asciz "\value"
4:  .balign 4
    .popsection
.endm

#endif
