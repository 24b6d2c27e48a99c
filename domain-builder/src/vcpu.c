// SPDX-License-Identifier: MIT
/* The flat GDT the HVM entry ABIs start on, and their segment state. */
#include "internal.h"

/* Descriptors: base 0, limit 4 GiB (G = 1), present, DPL 0. */
#define GDT_CODE32 0x00CF9B000000FFFFull
#define GDT_DATA   0x00CF93000000FFFFull
#define GDT_CODE64 0x00AF9B000000FFFFull
#define GDT_TSS    0x00008B0000000067ull /* 32-bit busy TSS, base 0, limit 0x67 */

int db_write_gdt(const struct db_guest_mem *mem, uint64_t gpa, struct db_diag *diag)
{
    uint8_t gdt[DB_GDT_SIZE] = { 0 };

    db_put64(gdt + DB_GDT_CODE32, GDT_CODE32);
    db_put64(gdt + DB_GDT_DATA, GDT_DATA);
    db_put64(gdt + DB_GDT_CODE64, GDT_CODE64);
    db_put64(gdt + DB_GDT_TSS, GDT_TSS); /* 16 bytes in long mode: upper half 0 */
    return db_mem_write(mem, gpa, gdt, sizeof(gdt), diag);
}

static struct db_segment seg(uint16_t sel, uint16_t attrib)
{
    return (
        struct db_segment){ .selector = sel, .attrib = attrib, .limit = 0xFFFFFFFFu, .base = 0 };
}

void db_vcpu_flat_segments(struct db_vcpu_state *v, uint64_t gdt_gpa, bool long_mode)
{
    uint16_t data =
        X86_SEG_TYPE_DATA_RW_A | X86_SEG_ATTR_S | X86_SEG_ATTR_P | X86_SEG_ATTR_DB | X86_SEG_ATTR_G;

    if (long_mode)
        v->cs = seg(DB_GDT_CODE64, X86_SEG_TYPE_CODE_XR_A | X86_SEG_ATTR_S | X86_SEG_ATTR_P |
                                       X86_SEG_ATTR_L | X86_SEG_ATTR_G);
    else
        v->cs = seg(DB_GDT_CODE32, X86_SEG_TYPE_CODE_XR_A | X86_SEG_ATTR_S | X86_SEG_ATTR_P |
                                       X86_SEG_ATTR_DB | X86_SEG_ATTR_G);
    v->ds = v->es = v->ss = v->fs = v->gs = seg(DB_GDT_DATA, data);
    v->tr = (struct db_segment){ .selector = DB_GDT_TSS,
                                 .attrib = X86_SEG_TYPE_TSS32_BUSY | X86_SEG_ATTR_P,
                                 .limit = 0x67,
                                 .base = 0 };
    v->ldtr = (struct db_segment){
        .selector = 0, .attrib = X86_SEG_TYPE_LDT | X86_SEG_ATTR_P, .limit = 0xFFFF, .base = 0
    };
    v->gdtr = (struct db_dtable){ .base = gdt_gpa, .limit = DB_GDT_SIZE - 1 };
    v->idtr = (struct db_dtable){ .base = 0, .limit = 0xFFFF };
}
