/* SPDX-License-Identifier: MIT */
/*
 * Xen's public guest ABI, x86-64: hypercall numbers, domain ids and the PV
 * start_info page. Written from the numbers of Xen's xen/include/public/xen.h;
 * guests built for Xen use exactly these. Self-contained: includes only other
 * public headers and <stdint.h>.
 */
#ifndef TESSERA_PUBLIC_XEN_H
#define TESSERA_PUBLIC_XEN_H

#include <stdint.h>

#include "arch-x86/xen-x86_64.h"

#define __XEN_INTERFACE_VERSION__ 0x00040e00

/* Hypercall numbers (RAX). */
#define __HYPERVISOR_set_trap_table    0
#define __HYPERVISOR_mmu_update        1
#define __HYPERVISOR_set_gdt           2
#define __HYPERVISOR_stack_switch      3
#define __HYPERVISOR_set_callbacks     4
#define __HYPERVISOR_fpu_taskswitch    5
#define __HYPERVISOR_platform_op       7
#define __HYPERVISOR_set_debugreg      8
#define __HYPERVISOR_get_debugreg      9
#define __HYPERVISOR_update_descriptor 10
#define __HYPERVISOR_memory_op         12
#define __HYPERVISOR_multicall         13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op      15
#define __HYPERVISOR_xen_version       17
#define __HYPERVISOR_console_io        18
#define __HYPERVISOR_grant_table_op    20
#define __HYPERVISOR_vm_assist         21
#define __HYPERVISOR_iret              23
#define __HYPERVISOR_vcpu_op           24
#define __HYPERVISOR_set_segment_base  25
#define __HYPERVISOR_mmuext_op         26
#define __HYPERVISOR_sched_op          29
#define __HYPERVISOR_callback_op       30
#define __HYPERVISOR_event_channel_op  32
#define __HYPERVISOR_physdev_op        33
#define __HYPERVISOR_hvm_op            34
#define __HYPERVISOR_sysctl            35
#define __HYPERVISOR_domctl            36

/* HYPERVISOR_multicall's entries (the 32-bit caller's form: compat_multicall_entry). */
struct multicall_entry {
    uint64_t op;
    uint64_t result;
    uint64_t args[6];
};
struct compat_multicall_entry {
    uint32_t op;
    uint32_t result;
    uint32_t args[6];
};

/* HYPERVISOR_vm_assist: commands, and the assists Xen defines for x86. */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0
#define VMASST_TYPE_4gb_segments_notify  1
#define VMASST_TYPE_writable_pagetables  2
#define VMASST_TYPE_pae_extended_cr3     3
#define VMASST_TYPE_architectural_iopl   4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict           32

/* console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* Domain ids. */
typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7FF0u
#define DOMID_SELF           0x7FF0u
#define DOMID_IO             0x7FF1u
#define DOMID_XEN            0x7FF2u
#define DOMID_COW            0x7FF3u
#define DOMID_INVALID        0x7FF4u
#define DOMID_IDLE           0x7FFFu

/* Each hypercall stub in the hypercall page is this many bytes. */
#define XEN_HYPERCALL_STUB_SIZE 32

/*
 * PV start of day (x86-64). RSI holds the virtual address of start_info, RSP
 * the top of the bootstrap stack; the initial page tables map the kernel,
 * modules, P2M list, start_info and the page tables themselves from
 * virt_base, plus at least 512 KiB of slack.
 */
#define MAX_GUEST_CMDLINE 1024

#define XEN_START_INFO_MAGIC_X86_64 "xen-3.0-x86_64"

struct start_info {
    char magic[32];       /* "xen-<version>-<platform>" */
    uint64_t nr_pages;    /* total pages allocated to this domain */
    uint64_t shared_info; /* machine address of the shared info page */
    uint32_t flags;       /* SIF_* */
    uint32_t pad0;
    uint64_t store_mfn; /* machine frame of the xenstore page */
    uint32_t store_evtchn;
    uint32_t pad1;
    union {
        struct {
            uint64_t mfn; /* machine frame of the console ring */
            uint32_t evtchn;
            uint32_t pad;
        } domU;
        struct {
            uint32_t info_off; /* offset of console_info in this page */
            uint32_t info_size;
        } dom0;
    } console;
    uint64_t pt_base;      /* virtual address of the top-level page table */
    uint64_t nr_pt_frames; /* number of bootstrap page-table frames */
    uint64_t mfn_list;     /* virtual address of the P2M list */
    uint64_t mod_start;    /* virtual address (or PFN with SIF_MOD_START_PFN) */
    uint64_t mod_len;      /* bytes */
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    uint64_t first_p2m_pfn; /* with INIT_P2M: first PFN of the P2M table */
    uint64_t nr_p2m_frames;
};
typedef struct start_info start_info_t;

/* start_info.flags */
#define SIF_PRIVILEGED      (1u << 0)
#define SIF_INITDOMAIN      (1u << 1)
#define SIF_MULTIBOOT_MOD   (1u << 2)
#define SIF_MOD_START_PFN   (1u << 3)
#define SIF_VIRT_P2M_4TOOLS (1u << 4)
#define SIF_PM_MASK         (0xFFu << 8)

#endif
