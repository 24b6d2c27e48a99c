// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/hvm/start_info.h>

#include "guest.h"

const char *guest_cmdline(const struct hvm_start_info *si)
{
    if (!si || si->magic != XEN_HVM_START_MAGIC_VALUE || !si->cmdline_paddr)
        return NULL;
    return (const char *)(uintptr_t)si->cmdline_paddr;
}

const char *guest_cmdline_find(const char *start, const char *from, const char *key)
{
    const char *p;
    size_t k;

    for (p = from; *p; p++) {
        if (p != start && p[-1] != ' ')
            continue;
        for (k = 0; key[k] && p[k] == key[k]; k++)
            ;
        if (!key[k])
            return p;
    }
    return NULL;
}

uint64_t guest_cmdline_u64(const struct hvm_start_info *si, const char *key, uint64_t dflt)
{
    const char *start = guest_cmdline(si), *p;
    size_t k = guest_strlen(key);
    uint64_t v = 0;

    for (p = start; p && (p = guest_cmdline_find(start, p, key)); p++) {
        if (p[k] != '=' || p[k + 1] < '0' || p[k + 1] > '9')
            continue;
        for (p += k + 1; *p >= '0' && *p <= '9'; p++)
            v = v * 10 + (uint64_t)(*p - '0');
        return v;
    }
    return dflt;
}

bool guest_cmdline_has(const struct hvm_start_info *si, const char *word)
{
    const char *start = guest_cmdline(si), *p;
    size_t k = guest_strlen(word);

    for (p = start; p && (p = guest_cmdline_find(start, p, word)); p++)
        if (p[k] == ' ' || !p[k])
            return true;
    return false;
}
