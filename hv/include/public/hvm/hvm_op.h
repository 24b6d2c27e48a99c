/* SPDX-License-Identifier: MIT */
/* hvm_op, from Xen's xen/include/public/hvm/hvm_op.h. */
#ifndef TESSERA_PUBLIC_HVM_HVM_OP_H
#define TESSERA_PUBLIC_HVM_HVM_OP_H

#include <stdint.h>

#define HVMOP_set_param 0
#define HVMOP_get_param 1

struct xen_hvm_param {
    uint16_t domid;
    uint16_t pad;
    uint32_t index; /* HVM_PARAM_* */
    uint64_t value;
};

#endif
