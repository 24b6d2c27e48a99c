// SPDX-License-Identifier: MIT
/*
 * db_check_runnable(): the one check of a domain's images that `tessera
 * check` (on the files) and the hypervisor (at boot, on what the loader
 * placed) both make, so that both refuse the same trees with the same line.
 */
#include <stdio.h>

#include "internal.h"

int db_check_runnable(const struct db_domain_spec *spec, struct db_layout *layout,
                      struct db_diag *diag)
{
    int rc = db_prepare(spec, layout, diag);

    /*
     * The kind is known before the layout: a PV kernel in a domain the tree
     * did not declare PV (spec->mode forced to DB_MODE_PV) is refused
     * whatever else is wrong with it.
     */
    if (layout->mode == DB_MODE_PV && spec->mode != DB_MODE_PV)
        return db_fail(diag, DB_ERR_UNSUPPORTED,
                       "the kernel is a PV image without a PVH entry (Xen PV notes, no "
                       "XEN_ELFNOTE_PHYS32_ENTRY): declare the domain PV (mode = <1>)");
    return rc;
}

size_t db_diag_format(const struct db_diag *diag, char *buf, size_t size)
{
    int n = snprintf(buf, size, "domain %s: %s: %s", diag->domain ? diag->domain : "?",
                     db_err_name(diag->code), diag->msg);

    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size ? size - 1 : 0;
}
