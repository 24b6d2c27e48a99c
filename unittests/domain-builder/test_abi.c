// SPDX-License-Identifier: MIT
/*
 * The Xen public ABI headers in hv/include/public/: layouts and numbers as
 * Xen defines them (xen-abi.md). Each header is also compiled alone,
 * freestanding, by the public_headers_alone target.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <public/arch-x86/cpuid.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/elfnote.h>
#include <public/event_channel.h>
#include <public/features.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/tessera/shm.h>
#include <public/vcpu.h>
#include <public/xen.h>

static void test_pvh_start_info(void **state)
{
    (void)state;
    assert_int_equal(sizeof(struct hvm_start_info), 56);
    assert_int_equal(offsetof(struct hvm_start_info, modlist_paddr), 16);
    assert_int_equal(offsetof(struct hvm_start_info, cmdline_paddr), 24);
    assert_int_equal(offsetof(struct hvm_start_info, rsdp_paddr), 32);
    assert_int_equal(offsetof(struct hvm_start_info, memmap_paddr), 40);
    assert_int_equal(offsetof(struct hvm_start_info, memmap_entries), 48);
    assert_int_equal(sizeof(struct hvm_modlist_entry), 32);
    assert_int_equal(sizeof(struct hvm_memmap_table_entry), 24);
    assert_int_equal(XEN_HVM_START_MAGIC_VALUE, 0x336EC578);
    assert_int_equal(XEN_HVM_MEMMAP_TYPE_RAM, 1);
    assert_int_equal(XEN_HVM_MEMMAP_TYPE_RESERVED, 2);
}

/* Xen's PV console ring (io/console.h), as Linux's hvc_xen maps it. */
static void test_console_ring(void **state)
{
    struct xencons_interface r;

    (void)state;
    assert_int_equal(offsetof(struct xencons_interface, in), 0);
    assert_int_equal(offsetof(struct xencons_interface, out), 1024);
    assert_int_equal(offsetof(struct xencons_interface, in_cons), 3072);
    assert_int_equal(offsetof(struct xencons_interface, in_prod), 3076);
    assert_int_equal(offsetof(struct xencons_interface, out_cons), 3080);
    assert_int_equal(offsetof(struct xencons_interface, out_prod), 3084);
    assert_int_equal(sizeof(r), 3088);
    assert_int_equal(MASK_XENCONS_IDX(2049u, r.out), 1);
    assert_int_equal(MASK_XENCONS_IDX(0xFFFFFFFFu, r.in), 1023);
}

static void test_pv_start_info(void **state)
{
    (void)state;
    assert_int_equal(offsetof(struct start_info, nr_pages), 32);
    assert_int_equal(offsetof(struct start_info, shared_info), 40);
    assert_int_equal(offsetof(struct start_info, flags), 48);
    assert_int_equal(offsetof(struct start_info, store_mfn), 56);
    assert_int_equal(offsetof(struct start_info, store_evtchn), 64);
    assert_int_equal(offsetof(struct start_info, console.domU.mfn), 72);
    assert_int_equal(offsetof(struct start_info, console.domU.evtchn), 80);
    assert_int_equal(offsetof(struct start_info, pt_base), 88);
    assert_int_equal(offsetof(struct start_info, nr_pt_frames), 96);
    assert_int_equal(offsetof(struct start_info, mfn_list), 104);
    assert_int_equal(offsetof(struct start_info, mod_start), 112);
    assert_int_equal(offsetof(struct start_info, mod_len), 120);
    assert_int_equal(offsetof(struct start_info, cmd_line), 128);
    assert_int_equal(offsetof(struct start_info, first_p2m_pfn), 1152);
    assert_int_equal(offsetof(struct start_info, nr_p2m_frames), 1160);
    assert_int_equal(SIF_PRIVILEGED, 1);
    assert_int_equal(SIF_INITDOMAIN, 2);
    assert_int_equal(FLAT_KERNEL_CS64, 0xe033);
    assert_int_equal(FLAT_KERNEL_SS64, 0xe02b);
}

static void test_numbers(void **state)
{
    (void)state;
    assert_int_equal(__HYPERVISOR_memory_op, 12);
    assert_int_equal(__HYPERVISOR_xen_version, 17);
    assert_int_equal(__HYPERVISOR_console_io, 18);
    assert_int_equal(__HYPERVISOR_grant_table_op, 20);
    assert_int_equal(__HYPERVISOR_vcpu_op, 24);
    assert_int_equal(__HYPERVISOR_sched_op, 29);
    assert_int_equal(__HYPERVISOR_event_channel_op, 32);
    assert_int_equal(__HYPERVISOR_physdev_op, 33);
    assert_int_equal(__HYPERVISOR_hvm_op, 34);
    assert_int_equal(DOMID_SELF, 0x7FF0);
    assert_int_equal(XEN_ELFNOTE_ENTRY, 1);
    assert_int_equal(XEN_ELFNOTE_HYPERCALL_PAGE, 2);
    assert_int_equal(XEN_ELFNOTE_VIRT_BASE, 3);
    assert_int_equal(XEN_ELFNOTE_PADDR_OFFSET, 4);
    assert_int_equal(XEN_ELFNOTE_FEATURES, 10);
    assert_int_equal(XEN_ELFNOTE_INIT_P2M, 15);
    assert_int_equal(XEN_ELFNOTE_SUPPORTED_FEATURES, 17);
    assert_int_equal(XEN_ELFNOTE_PHYS32_ENTRY, 18);
    assert_int_equal(XEN_CPUID_SIGNATURE_EBX, 0x566E6558);
    assert_int_equal(XEN_CPUID_SIGNATURE_ECX, 0x65584D4D);
    assert_int_equal(XEN_CPUID_SIGNATURE_EDX, 0x4D4D566E);
    assert_int_equal(SCHEDOP_shutdown, 2);
    assert_int_equal(SCHEDOP_poll, 3);
    assert_int_equal(EVTCHNOP_unmask, 9);
    assert_int_equal(VCPUOP_register_vcpu_info, 10);
    assert_int_equal(XENMEM_memory_map, 9);
    assert_int_equal(HVM_PARAM_CONSOLE_EVTCHN, 18);
    assert_int_equal(XENFEAT_dom0, 11);
}

static void test_structs(void **state)
{
    (void)state;
    assert_int_equal(sizeof(struct xen_add_to_physmap), 24);
    assert_int_equal(offsetof(struct xen_add_to_physmap, idx), 8);
    assert_int_equal(sizeof(struct xen_hvm_param), 16);
    assert_int_equal(offsetof(struct xen_hvm_param, value), 8);
    assert_int_equal(sizeof(struct grant_entry_v1), 8);
    assert_int_equal(offsetof(struct xencons_interface, out), 1024);
    assert_int_equal(offsetof(struct xencons_interface, in_cons), 3072);
    assert_int_equal(offsetof(struct xencons_interface, out_prod), 3084);
    assert_int_equal(sizeof(struct sched_poll), 24);
    assert_int_equal(offsetof(struct sched_poll, timeout), 16);
    assert_int_equal(sizeof(struct vcpu_set_singleshot_timer), 16);
}

/* Tessera's own: the shared memory table (hv/include/public/tessera/shm.h). */
static void test_shm_table(void **state)
{
    (void)state;
    assert_int_equal(sizeof(struct tessera_shm_table), 16);
    assert_int_equal(offsetof(struct tessera_shm_table, entry_size), 6);
    assert_int_equal(offsetof(struct tessera_shm_table, nr_entries), 8);
    assert_int_equal(sizeof(struct tessera_shm_entry), 40);
    assert_int_equal(offsetof(struct tessera_shm_entry, gpa), 16);
    assert_int_equal(offsetof(struct tessera_shm_entry, size), 24);
    assert_int_equal(offsetof(struct tessera_shm_entry, flags), 32);
    assert_int_equal(TESSERA_SHM_TABLE_MAGIC, 0x4d485354); /* "TSHM" little-endian */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pvh_start_info), cmocka_unit_test(test_pv_start_info),
        cmocka_unit_test(test_console_ring),   cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_structs),        cmocka_unit_test(test_shm_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
