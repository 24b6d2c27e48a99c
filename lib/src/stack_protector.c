// SPDX-License-Identifier: MIT
#include <stack_guard.h>

_Noreturn void __stack_chk_fail(void);

_Noreturn void __stack_chk_fail(void)
{
    tessera_stack_chk_fail();
}
