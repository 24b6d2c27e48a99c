/* SPDX-License-Identifier: MIT */
/*
 * Xen ELF notes (note name "Xen"), from Xen's xen/include/public/elfnote.h.
 * A kernel states its entry points and needs with these; the domain builder
 * reads them.
 */
#ifndef TESSERA_PUBLIC_ELFNOTE_H
#define TESSERA_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO               0
#define XEN_ELFNOTE_ENTRY              1  /* PV virtual entry point (numeric) */
#define XEN_ELFNOTE_HYPERCALL_PAGE     2  /* virtual address of the hypercall page */
#define XEN_ELFNOTE_VIRT_BASE          3  /* virtual address the image maps at */
#define XEN_ELFNOTE_PADDR_OFFSET       4  /* virt_base - this = ELF paddr base */
#define XEN_ELFNOTE_XEN_VERSION        5  /* string, e.g. "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS           6  /* string, e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION      7  /* string */
#define XEN_ELFNOTE_LOADER             8  /* string, "generic" */
#define XEN_ELFNOTE_PAE_MODE           9  /* string: yes, no, bimodal */
#define XEN_ELFNOTE_FEATURES           10 /* string: '|'-separated, '!' = required */
#define XEN_ELFNOTE_BSD_SYMTAB         11 /* string "yes" */
#define XEN_ELFNOTE_HV_START_LOW       12 /* numeric (32-bit PAE guests) */
#define XEN_ELFNOTE_L1_MFN_VALID       13 /* numeric pair: mask, value */
#define XEN_ELFNOTE_SUSPEND_CANCEL     14 /* numeric */
#define XEN_ELFNOTE_INIT_P2M           15 /* virtual address of the P2M list */
#define XEN_ELFNOTE_MOD_START_PFN      16 /* numeric: mod_start is a PFN */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* 32-bit bitmap of XENFEAT_* */
#define XEN_ELFNOTE_PHYS32_ENTRY       18 /* PVH 32-bit physical entry point */
#define XEN_ELFNOTE_PHYS32_RELOC       19 /* PVH relocation: align, min, max */
#define XEN_ELFNOTE_MAX                XEN_ELFNOTE_PHYS32_RELOC

/* The owner name of every Xen note. */
#define XEN_ELFNOTE_NAME "Xen"

/* Legacy form: a section of this name holding "KEY=VALUE,KEY=VALUE". */
#define XEN_GUEST_SECTION_NAME "__xen_guest"

#endif
