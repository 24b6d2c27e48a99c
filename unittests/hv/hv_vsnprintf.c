// SPDX-License-Identifier: MIT
/* The hypervisor's vsnprintf under other names, so the test can compare it with the C library's. */
#define vsnprintf hv_vsnprintf
#define snprintf hv_snprintf
#include "../../hv/common/vsnprintf.c"
