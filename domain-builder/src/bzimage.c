// SPDX-License-Identifier: MIT
/*
 * Linux bzImage setup header (boot protocol 2.12+, 64-bit entry). Only the
 * header is read: the compressed payload is never decompressed (see
 * docs/domain-builder.md, "bzImage and PVH").
 */
#include <string.h>

#include "bootparam.h"
#include "internal.h"

bool db_bzimage_probe(const uint8_t *data, uint64_t size)
{
    return size >= BP_HEADER + 4 && db_le32(data + BP_HEADER) == BP_HDRS_MAGIC &&
           db_le16(data + BP_BOOT_FLAG) == 0xAA55;
}

int db_bzimage_parse(const uint8_t *data, uint64_t size, struct db_bzimage *bz,
                     struct db_diag *diag)
{
    memset(bz, 0, sizeof(*bz));
    bz->data = data;
    bz->size = size;
    if (!db_bzimage_probe(data, size))
        return db_fail(diag, DB_ERR_FORMAT,
                       "not a bzImage (no \"HdrS\" at 0x202 / 0xAA55 at 0x1FE)");
    if (size < BP_HEADER_MIN_END)
        return db_fail(diag, DB_ERR_TRUNCATED,
                       "bzImage: setup header needs 0x%x bytes, file has 0x%lx", BP_HEADER_MIN_END,
                       size);
    bz->version = db_le16(data + BP_VERSION);
    if (bz->version < DB_BZ_MIN_VERSION)
        return db_fail(diag, DB_ERR_UNSUPPORTED, "bzImage: boot protocol %u.%u, need 2.12 or later",
                       bz->version >> 8, bz->version & 0xff);
    bz->hdr_end = BP_HEADER + (uint64_t)data[BP_JUMP + 1];
    if (data[BP_JUMP] != 0xEB || bz->hdr_end < BP_HEADER_MIN_END)
        return db_fail(diag, DB_ERR_HEADER,
                       "bzImage: jump at 0x200 (0x%x 0x%x) does not end the header after 0x%x",
                       data[BP_JUMP], data[BP_JUMP + 1], BP_HEADER_MIN_END);
    bz->setup_sects = data[BP_SETUP_SECTS] ? data[BP_SETUP_SECTS] : 4;
    bz->pm_offset = ((uint64_t)bz->setup_sects + 1) * 512;
    if (bz->hdr_end > bz->pm_offset || bz->hdr_end > size)
        return db_fail(diag, DB_ERR_TRUNCATED,
                       "bzImage: setup header end 0x%lx beyond setup (0x%lx) or file (0x%lx)",
                       bz->hdr_end, bz->pm_offset, size);
    if (bz->pm_offset >= size)
        return db_fail(diag, DB_ERR_TRUNCATED,
                       "bzImage: setup_sects %u puts the kernel at 0x%lx, file size is 0x%lx",
                       bz->setup_sects, bz->pm_offset, size);
    bz->pm_size = size - bz->pm_offset;
    bz->loadflags = data[BP_LOADFLAGS];
    bz->xloadflags = db_le16(data + BP_XLOADFLAGS);
    bz->relocatable = data[BP_RELOCATABLE] != 0;
    bz->kernel_alignment = db_le32(data + BP_KERNEL_ALIGNMENT);
    bz->pref_address = db_le64(data + BP_PREF_ADDRESS);
    bz->init_size = db_le32(data + BP_INIT_SIZE);
    bz->initrd_addr_max = db_le32(data + BP_INITRD_ADDR_MAX);
    bz->cmdline_size = db_le32(data + BP_CMDLINE_SIZE);
    bz->payload_offset = db_le32(data + BP_PAYLOAD_OFFSET);
    bz->payload_length = db_le32(data + BP_PAYLOAD_LENGTH);

    if (!(bz->loadflags & BP_LOADED_HIGH))
        return db_fail(diag, DB_ERR_UNSUPPORTED,
                       "bzImage: loadflags 0x%x: not a bzImage (LOADED_HIGH clear)", bz->loadflags);
    if (!(bz->xloadflags & BP_XLF_KERNEL_64))
        return db_fail(diag, DB_ERR_UNSUPPORTED,
                       "bzImage: xloadflags 0x%x: no 64-bit entry (XLF_KERNEL_64)", bz->xloadflags);
    if (bz->kernel_alignment < DB_PAGE_SIZE || bz->kernel_alignment > DB_GiB(1) ||
        (bz->kernel_alignment & (bz->kernel_alignment - 1)))
        return db_fail(diag, DB_ERR_HEADER,
                       "bzImage: kernel_alignment 0x%x is not a power of two in [4 KiB, 1 GiB]",
                       bz->kernel_alignment);
    if (bz->init_size < bz->pm_size)
        return db_fail(diag, DB_ERR_HEADER,
                       "bzImage: init_size 0x%x smaller than the kernel it must hold (0x%lx)",
                       bz->init_size, bz->pm_size);
    if (bz->pm_size <= BP_ENTRY64_OFFSET)
        return db_fail(diag, DB_ERR_TRUNCATED,
                       "bzImage: protected-mode kernel of 0x%lx bytes has no 64-bit entry at 0x%x",
                       bz->pm_size, BP_ENTRY64_OFFSET);
    if (!db_in_bounds(bz->payload_offset, bz->payload_length, bz->pm_size))
        return db_fail(diag, DB_ERR_TRUNCATED,
                       "bzImage: payload 0x%x + 0x%x beyond the kernel (0x%lx bytes)",
                       bz->payload_offset, bz->payload_length, bz->pm_size);
    if (!bz->relocatable && (bz->pref_address < DB_MiB(1) || bz->pref_address % DB_PAGE_SIZE))
        return db_fail(diag, DB_ERR_HEADER,
                       "bzImage: not relocatable and pref_address 0x%lx is unusable",
                       bz->pref_address);
    return 0;
}
