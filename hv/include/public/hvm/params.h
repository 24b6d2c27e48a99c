/* SPDX-License-Identifier: MIT */
/* HVM parameters, from Xen's xen/include/public/hvm/params.h. */
#ifndef TESSERA_PUBLIC_HVM_PARAMS_H
#define TESSERA_PUBLIC_HVM_PARAMS_H

#define HVM_PARAM_CALLBACK_IRQ   0
#define HVM_PARAM_STORE_PFN      1
#define HVM_PARAM_STORE_EVTCHN   2
#define HVM_PARAM_CONSOLE_PFN    17
#define HVM_PARAM_CONSOLE_EVTCHN 18

/* CALLBACK_IRQ value: type in bits 63:56. */
#define HVM_PARAM_CALLBACK_TYPE_SHIFT    56
#define HVM_PARAM_CALLBACK_TYPE_GSI      0
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX 1
#define HVM_PARAM_CALLBACK_TYPE_VECTOR   2 /* vector in bits 7:0 */

#endif
