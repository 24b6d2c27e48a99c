// SPDX-License-Identifier: MIT
/* Identity page tables for the Linux 64-bit entry: the low 4 GiB in 2 MiB pages. */
#include <arch/x86-defs.h>

#include "internal.h"

int db_write_identity_map(const struct db_guest_mem *mem, uint64_t gpa, struct db_diag *diag)
{
    uint64_t pml4 = gpa, pdpt = gpa + DB_PAGE_SIZE, pd = gpa + 2 * DB_PAGE_SIZE;
    uint8_t e[8];

    if (db_mem_fill(mem, gpa, 0, 2 * DB_PAGE_SIZE, diag))
        return -1;
    db_put64(e, pdpt | X86_PTE_P | X86_PTE_RW);
    if (db_mem_write(mem, pml4, e, 8, diag))
        return -1;
    for (uint64_t i = 0; i < 4; i++) {
        uint8_t *frame;

        db_put64(e, (pd + i * DB_PAGE_SIZE) | X86_PTE_P | X86_PTE_RW);
        if (db_mem_write(mem, pdpt + i * 8, e, 8, diag))
            return -1;
        frame = mem->map(mem->ctx, (pd >> DB_PAGE_SHIFT) + i);
        if (!frame)
            return db_fail(diag, DB_ERR_GUEST_MEM, "guest frame 0x%lx is not backed",
                           (pd >> DB_PAGE_SHIFT) + i);
        for (uint64_t j = 0; j < 512; j++)
            db_put64(frame + j * 8, ((i * 512 + j) << 21) | X86_PTE_P | X86_PTE_RW | X86_PTE_PS);
    }
    return 0;
}
