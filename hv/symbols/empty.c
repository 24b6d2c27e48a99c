// SPDX-License-Identifier: MIT
/* The symbol table of the first link: empty (see gen-symbols.sh). */
#include <hv/symbols.h>

const struct hv_symbol hv_symbols[1];
const unsigned int hv_nr_symbols = 0;
