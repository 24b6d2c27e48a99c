// SPDX-License-Identifier: MIT
/*
 * The hardware back-ends, each a build option (TESSERA_HV_SVM, TESSERA_HV_VMX), probed
 * in this order at boot; the first this CPU can run is used for every HVM
 * domain. A new back-end adds its line here and its directory beside svm/.
 */
#include <hv/printk.h>
#include "hvm.h"

#ifdef TESSERA_HV_SVM
extern const struct hvm_backend hvm_backend_svm;
#endif
#ifdef TESSERA_HV_VMX
extern const struct hvm_backend hvm_backend_vmx;
#endif

static const struct hvm_backend *const backends[] = {
#ifdef TESSERA_HV_SVM
    &hvm_backend_svm,
#endif
#ifdef TESSERA_HV_VMX
    &hvm_backend_vmx,
#endif
};

const struct hvm_backend *hvm_be;

bool hvm_backend_select(void)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(backends); i++) {
        const char *why = backends[i]->probe();

        if (why) {
            printk("tessera: %s: cannot run domains: %s\n", backends[i]->name, why);
            continue;
        }
        hvm_xstate_init();
        if (!backends[i]->init()) {
            printk("tessera: %s: cannot run domains: out of memory for its per-CPU state\n",
                   backends[i]->name);
            return false;
        }
        hvm_be = backends[i];
        return true;
    }
    return false;
}

void hvm_init_cpu(void)
{
    hvm_be->init_cpu();
    hvm_xstate_init_cpu();
}
