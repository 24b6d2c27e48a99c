// SPDX-License-Identifier: MIT
/* Copying modules and strings into guest memory, shared by every ABI. */
#include "internal.h"

int db_write_string(const struct db_guest_mem *mem, struct db_region r, const char *s,
                    struct db_diag *diag)
{
    if (!r.size)
        return 0;
    return db_mem_write(mem, r.gpa, s, r.size, diag); /* size includes the NUL */
}

int db_write_modules(const struct db_domain_spec *spec, const struct db_layout *layout,
                     const struct db_guest_mem *mem, struct db_diag *diag)
{
    for (uint32_t i = 0; i < layout->nr_modules; i++) {
        const struct db_region *r = &layout->modules[i];
        bool mapped = layout->mapped_modules & (1u << i);

        /* A mapped module's bytes are already there: only the end of its last page. */
        if ((!mapped &&
             db_mem_place(mem, r->gpa, spec->modules[i].data, spec->modules[i].size, diag)) ||
            db_mem_fill(mem, r->gpa + spec->modules[i].size, 0, r->size - spec->modules[i].size,
                        diag))
            return -1;
    }
    return 0;
}
