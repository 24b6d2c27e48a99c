// SPDX-License-Identifier: MIT
/*
 * Tessera's UEFI loader: reads the launch tree, the hypervisor and every
 * module from its own volume, records the machine's state, exits boot
 * services and enters the hypervisor. See docs/boot-protocol.md.
 */
#include <stack_guard.h>
#include <string.h>

#include "cpu.h"
#include "loader.h"

typedef void (*__attribute__((sysv_abi)) hv_entry_fn)(uint64_t bootinfo);

/* libfdt reads its stack canary at %fs:0x28; FS points here while we run. */
static struct stack_guard loader_guard;
static uint64_t firmware_fs_base;
static EFI_HANDLE loader_image;
static EFI_BOOT_SERVICES *loader_bs;

static void guard_install(void)
{
    firmware_fs_base = rdmsr(MSR_FS_BASE);
    /* Any value the stack is unlikely to hold; a zero byte stops string overruns. */
    loader_guard.canary = (rdtsc() * 0x9E3779B97F4A7C15ull) & ~0xFFull;
    wrmsr(MSR_FS_BASE, (uint64_t)(uintptr_t)&loader_guard);
}

static void guard_remove(void)
{
    wrmsr(MSR_FS_BASE, firmware_fs_base);
}

/* The canary was overwritten inside libfdt: give everything back and leave. */
_Noreturn void tessera_stack_chk_fail(void)
{
    con_error("stack corruption detected (canary overwritten); giving up");
    pages_free_all();
    guard_remove();
    loader_bs->Exit(loader_image, EFI_ABORTED, 0, NULL);
    for (;;)
        __asm__ volatile("cli; hlt");
}

static EFI_STATUS load_everything(struct loader *ld)
{
    EFI_LOADED_IMAGE *image;
    EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
    EFI_GUID shell_parameters_guid = EFI_SHELL_PARAMETERS_PROTOCOL_GUID;
    void *shell_parameters;
    EFI_STATUS s;

    s = ld->bs->HandleProtocol(ld->image, &loaded_image_guid, (void **)&image);
    if (EFI_ERROR(s)) {
        con_error("cannot find the loader's own image: %s", efi_status_text(s));
        return s;
    }
    s = options_parse(
        ld, image->LoadOptions, image->LoadOptionsSize,
        !EFI_ERROR(ld->bs->HandleProtocol(ld->image, &shell_parameters_guid, &shell_parameters)));
    if (EFI_ERROR(s))
        return s;
    s = volume_open(ld, image->DeviceHandle);
    if (EFI_ERROR(s))
        return s;
    s = trampoline_reserve(ld);
    if (EFI_ERROR(s))
        return s;
    /* Before any file is read: file_load() reports read speeds with the TSC rate. */
    platform_capture(ld);
    s = tree_load(ld);
    if (EFI_ERROR(s))
        return s;
    ld->stamps.tree_read_tsc = rdtsc();
    s = hv_load(ld);
    if (EFI_ERROR(s))
        return s;
    ld->stamps.hv_read_tsc = rdtsc();
    s = modules_load(ld);
    if (!EFI_ERROR(s) && ld->bench_blockio)
        blockio_bench(ld, image->DeviceHandle);
    return s;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
    static struct loader ld;
    uint64_t bootinfo;
    EFI_STATUS s;

    memset(&ld, 0, sizeof(ld));
    ld.stamps.loader_start_tsc = rdtsc();
    ld.image = loader_image = image;
    ld.st = st;
    ld.bs = loader_bs = st->BootServices;
    guard_install();
    con_init(st);
    alloc_init(ld.bs);
    con_info("Tessera UEFI loader");

    s = load_everything(&ld);
    volume_close(&ld);
    if (!EFI_ERROR(s))
        s = bootinfo_exit_firmware(&ld, &bootinfo);
    if (EFI_ERROR(s)) {
        pages_free_all();
        guard_remove();
        return s;
    }

    /* Boot services are gone and interrupts off: no firmware calls, no output. */
    guard_remove();
    ((hv_entry_fn)(uintptr_t)ld.hv_entry)(bootinfo);
    for (;;)
        __asm__ volatile("hlt");
}
