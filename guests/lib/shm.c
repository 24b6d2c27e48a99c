// SPDX-License-Identifier: MIT
/* Finding a static shared memory region in the shared memory table. */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/hvm/start_info.h>
#include <public/tessera/shm.h>

#include "guest.h"

static bool same_string(const char *a, const char *b, size_t max)
{
    size_t i;

    for (i = 0; i < max && a[i] == b[i]; i++)
        if (!a[i])
            return true;
    return i == max;
}

/* The table's module list entry: never entry 0 (the initrd's place). */
static const struct hvm_modlist_entry *table_module(const struct hvm_start_info *si)
{
    const struct hvm_modlist_entry *mods;
    uint32_t i;

    if (!si->modlist_paddr)
        return NULL;
    mods = (const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
    for (i = 1; i < si->nr_modules; i++)
        if (mods[i].cmdline_paddr &&
            same_string((const char *)(uintptr_t)mods[i].cmdline_paddr, TESSERA_SHM_TABLE_CMDLINE,
                        sizeof(TESSERA_SHM_TABLE_CMDLINE)))
            return &mods[i];
    return NULL;
}

const struct tessera_shm_entry *guest_shm_find(const struct hvm_start_info *si, const char *id)
{
    const struct hvm_modlist_entry *m = table_module(si);
    const struct tessera_shm_table *t;
    const uint8_t *entry;
    uint32_t i;

    if (!m || m->size < sizeof(*t))
        return NULL;
    t = (const struct tessera_shm_table *)(uintptr_t)m->paddr;
    if (t->magic != TESSERA_SHM_TABLE_MAGIC || t->version != TESSERA_SHM_TABLE_VERSION ||
        t->entry_size < sizeof(struct tessera_shm_entry) ||
        t->nr_entries > (m->size - sizeof(*t)) / t->entry_size)
        return NULL;
    entry = (const uint8_t *)(t + 1);
    for (i = 0; i < t->nr_entries; i++, entry += t->entry_size) {
        const struct tessera_shm_entry *e = (const struct tessera_shm_entry *)entry;

        if (same_string(e->id, id, TESSERA_SHM_ID_SIZE))
            return e;
    }
    return NULL;
}
