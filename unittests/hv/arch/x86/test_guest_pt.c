// SPDX-License-Identifier: MIT
/*
 * The guest page walk (hv/arch/x86/guest_pt.c) in every paging mode, against
 * a fake guest: its paging registers and a small guest-physical memory that
 * holds the page tables each test writes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/domain_type.h>
#include <asm/guest_pt.h>
#include <arch/x86-defs.h>
#include <hv/domain.h>
#include <hv/guest_access.h>

#define GUEST_MEM MiB(1)
#define EFAULT    14

static uint8_t guest_mem[GUEST_MEM];
static struct guest_paging paging;
static struct domain dom;
static struct vcpu vcpu = { .domain = &dom };

int copy_from_guest_phys(struct domain *d, void *dst, gpaddr_t gpa, size_t len)
{
    assert_ptr_equal(d, &dom);
    if (gpaddr_val(gpa) >= GUEST_MEM || len > GUEST_MEM - gpaddr_val(gpa))
        return -EFAULT;
    memcpy(dst, guest_mem + gpaddr_val(gpa), len);
    return 0;
}

static void fake_get_paging(const struct vcpu *v, struct guest_paging *p)
{
    assert_ptr_equal(v, &vcpu);
    *p = paging;
}

static const struct domain_type_ops fake_type = { .vcpu_get_paging = fake_get_paging };

static int setup(void **state)
{
    (void)state;
    memset(guest_mem, 0, sizeof(guest_mem));
    dom.arch.type = &fake_type;
    paging = (struct guest_paging){ .cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_WP };
    return 0;
}

static void put32(uint64_t gpa, uint32_t e)
{
    memcpy(guest_mem + gpa, &e, 4);
}

static void put64(uint64_t gpa, uint64_t e)
{
    memcpy(guest_mem + gpa, &e, 8);
}

#define P  X86_PTE_P
#define RW X86_PTE_RW
#define US X86_PTE_US
#define PS X86_PTE_PS
#define NX X86_PTE_NX

/* The guest-physical address gva translates to. */
static uint64_t walk(uint64_t gva, bool write)
{
    gpaddr_t gpa = mk_gpaddr(~0ull);

    assert_int_equal(guest_virt_to_phys(&vcpu, mk_gvaddr(gva), write, &gpa), 0);
    return gpaddr_val(gpa);
}

static void walk_fails(uint64_t gva, bool write)
{
    gpaddr_t gpa;

    assert_int_equal(guest_virt_to_phys(&vcpu, mk_gvaddr(gva), write, &gpa), -EFAULT);
}

static void test_paging_off(void **state)
{
    (void)state;
    paging.cr0 = X86_CR0_PE;
    assert_int_equal(walk(0x123456789ull, true), 0x23456789u);
}

/* Legacy 32-bit paging: PD at 0x1000, PT at 0x2000; 0x00403123 -> 0x7000 + 0x123. */
static void legacy32_tables(void)
{
    paging.cr3 = 0x1000;
    put32(0x1000 + 1 * 4, 0x2000 | P | RW | US);
    put32(0x2000 + 3 * 4, 0x7000 | P | RW | US);
}

static void test_legacy32_4k(void **state)
{
    (void)state;
    legacy32_tables();
    assert_int_equal(walk(0x00403123u, true), 0x7123);
    walk_fails(0x00404000u, false); /* PTE not present */
    walk_fails(0x00803000u, false); /* PDE not present */
}

/* PSE: a PDE with PS maps 4 MiB, with PSE-36's high address bits; without CR4.PSE, PS is ignored. */
static void test_legacy32_pse(void **state)
{
    (void)state;
    paging.cr3 = 0x1000;
    paging.cr4 = X86_CR4_PSE;
    put32(0x1000 + 2 * 4, 0x00C00000u | (0x5u << 13) | P | RW | PS);
    assert_int_equal(walk(0x0089ABCDu, false), 0x500C9ABCDull);
    paging.cr4 = 0;
    /* The same PDE is then a page-table pointer: 0x00C00000 + PSE-36 bits, outside guest memory. */
    walk_fails(0x0089ABCDu, false);
    put32(0x1000 + 2 * 4, 0x3000 | P | RW | PS);
    put32(0x3000 + 0x9A * 4, 0x8000 | P | RW);
    assert_int_equal(walk(0x0089ABCDu, false), 0x8BCD);
}

/* PAE: PDPT at 0x1020 (32-byte aligned), PD at 0x2000, PT at 0x3000. */
static void test_pae(void **state)
{
    (void)state;
    paging.cr3 = 0x1020;
    paging.cr4 = X86_CR4_PAE;
    put64(0x1020 + 1 * 8, 0x2000 | P);
    put64(0x2000 + 2 * 8, 0x3000 | P | RW);
    put64(0x3000 + 5 * 8, 0x9000 | P | RW);
    assert_int_equal(walk(0x40405678u, true), 0x9678);
    /* A 2 MiB page. */
    put64(0x2000 + 3 * 8, 0x00A00000ull | P | RW | PS);
    assert_int_equal(walk(0x40612345u, true), 0xA12345);
    walk_fails(0x80000000u, false); /* PDPTE 2 not present */
}

/* 4-level: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000. */
static void long_mode_tables(void)
{
    paging.cr3 = 0x1000;
    paging.cr4 = X86_CR4_PAE;
    paging.efer = EFER_LME | EFER_LMA | EFER_NXE;
    put64(0x1000 + 0x1FF * 8, 0x2000 | P | RW | US);
    put64(0x2000 + 0x1FE * 8, 0x3000 | P | RW | US);
    put64(0x3000 + 0x001 * 8, 0x4000 | P | RW | US);
    put64(0x4000 + 0x002 * 8, 0x5000 | P | RW | US);
}

static void test_long_4k(void **state)
{
    (void)state;
    long_mode_tables();
    assert_int_equal(walk(0xFFFFFFFF80202ABCull, true), 0x5ABC);
    walk_fails(0x0000FFFF80202ABCull, false); /* not canonical */
    walk_fails(0xFFFFFFFF80203ABCull, false); /* PTE not present */
}

static void test_long_2m(void **state)
{
    (void)state;
    long_mode_tables();
    put64(0x3000 + 0x002 * 8, 0x40000000ull | P | RW | PS);
    assert_int_equal(walk(0xFFFFFFFF80412345ull, false), 0x40012345);
}

static void test_long_1g(void **state)
{
    (void)state;
    long_mode_tables();
    put64(0x2000 + 0x1FF * 8, 0x1C0000000ull | P | RW | PS);
    assert_int_equal(walk(0xFFFFFFFFC1234567ull, false), 0x1C1234567ull);
}

/* A supervisor write to a read-only page: allowed with CR0.WP clear, -EFAULT with it set. */
static void test_wp(void **state)
{
    (void)state;
    long_mode_tables();
    put64(0x4000 + 0x002 * 8, 0x5000 | P | US);
    paging.cr0 &= ~X86_CR0_WP;
    assert_int_equal(walk(0xFFFFFFFF80202000ull, true), 0x5000);
    paging.cr0 |= X86_CR0_WP;
    walk_fails(0xFFFFFFFF80202000ull, true);
    assert_int_equal(walk(0xFFFFFFFF80202000ull, false), 0x5000);
    /* User mode never writes a read-only page, whatever WP. */
    paging.cr0 &= ~X86_CR0_WP;
    paging.cpl = 3;
    walk_fails(0xFFFFFFFF80202000ull, true);
}

/* A pointer from user mode (CPL 3) to a supervisor page; the guest kernel's view reaches it. */
static void test_user_pointer(void **state)
{
    gpaddr_t gpa;

    (void)state;
    long_mode_tables();
    put64(0x3000 + 0x001 * 8, 0x4000 | P | RW); /* supervisor-only PDE */
    paging.cpl = 3;
    walk_fails(0xFFFFFFFF80202ABCull, false);
    assert_int_equal(
        guest_kernel_virt_to_phys(&vcpu, mk_gvaddr(0xFFFFFFFF80202ABCull), false, &gpa), 0);
    assert_int_equal(gpaddr_val(gpa), 0x5ABC);
    paging.cpl = 0;
    assert_int_equal(walk(0xFFFFFFFF80202ABCull, false), 0x5ABC);
    /* The same in legacy 32-bit paging. */
    memset(guest_mem, 0, 0x10000);
    paging = (struct guest_paging){ .cr0 = X86_CR0_PE | X86_CR0_PG, .cpl = 3 };
    legacy32_tables();
    put32(0x2000 + 3 * 4, 0x7000 | P | RW);
    walk_fails(0x00403123u, false);
}

/* NX, with EFER.NXE: fetches fail at any level, reads do not; without NXE the bit is not NX. */
static void test_nx(void **state)
{
    gpaddr_t gpa;

    (void)state;
    long_mode_tables();
    assert_int_equal(guest_fetch_virt_to_phys(&vcpu, mk_gvaddr(0xFFFFFFFF80202ABCull), &gpa), 0);
    put64(0x2000 + 0x1FE * 8, 0x3000 | P | RW | US | NX);
    assert_int_equal(guest_fetch_virt_to_phys(&vcpu, mk_gvaddr(0xFFFFFFFF80202ABCull), &gpa),
                     -EFAULT);
    assert_int_equal(walk(0xFFFFFFFF80202ABCull, true), 0x5ABC);
    paging.efer &= ~EFER_NXE;
    assert_int_equal(guest_fetch_virt_to_phys(&vcpu, mk_gvaddr(0xFFFFFFFF80202ABCull), &gpa), 0);
    /* PAE too. */
    paging = (struct guest_paging){
        .cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1020, .cr4 = X86_CR4_PAE, .efer = EFER_NXE
    };
    put64(0x1020, 0x6000 | P);
    put64(0x6000, 0x7000 | P | RW);
    put64(0x7000, 0x8000 | P | RW | NX);
    assert_int_equal(guest_fetch_virt_to_phys(&vcpu, mk_gvaddr(0x123), &gpa), -EFAULT);
    assert_int_equal(walk(0x123, false), 0x8123);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_paging_off, setup),
        cmocka_unit_test_setup(test_legacy32_4k, setup),
        cmocka_unit_test_setup(test_legacy32_pse, setup),
        cmocka_unit_test_setup(test_pae, setup),
        cmocka_unit_test_setup(test_long_4k, setup),
        cmocka_unit_test_setup(test_long_2m, setup),
        cmocka_unit_test_setup(test_long_1g, setup),
        cmocka_unit_test_setup(test_wp, setup),
        cmocka_unit_test_setup(test_user_pointer, setup),
        cmocka_unit_test_setup(test_nx, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
