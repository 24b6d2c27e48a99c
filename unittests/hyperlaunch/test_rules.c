/* SPDX-License-Identifier: MIT */
/*
 * One test per validation rule: a valid tree that passes (no error) and an
 * invalid one that is refused with the rule's code. Trees are small .dts
 * texts compiled with dtc; the body goes inside /chosen/hypervisor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "dts_helper.h"

#define K(addr)                                                          \
    "kernel { compatible = \"multiboot,kernel\", \"multiboot,module\"; " \
    "reg = <0x0 " addr " 0x100000>; };"
/* A domain with a kernel at a distinct address; extra goes inside the node. */
#define DOM(label, id, addr, extra)                                           \
    label ": domain@" id " { compatible = \"xen,domain\"; domid = <" id ">; " \
          "memory = <0x0 0x4000>; " extra " " K(addr) " };"
#define D1(extra) DOM("d1", "1", "0x1000000", extra)
#define D2(extra) DOM("d2", "2", "0x2000000", extra)
#define D3(extra) DOM("d3", "3", "0x3000000", extra)
#define P01       "p01: pool01 { compatible = \"xen,cpupool\"; cpupool-cpus = <&c0 &c1>; };"
#define POOLS                                                                   \
    "p01: pool01 { compatible = \"xen,cpupool\"; cpupool-cpus = <&c0 &c1>; }; " \
    "p23: pool23 { compatible = \"xen,cpupool\"; cpupool-cpus = <&c2 &c3>; };"
#define EVT(label, port, peer)                                   \
    label ": evtchn@" port " { compatible = \"xen,evtchn-v1\"; " \
          "xen,evtchn = <" port " &" peer ">; };"
#define SHM(id, role, host, guest, size) SHM_ACCESS(id, role, "rw", host, guest, size)
#define SHM_ACCESS(id, role, access, host, guest, size)                                  \
    "shm@" host " { compatible = \"xen,domain-shared-memory-v1\"; role = \"" role "\"; " \
    "tessera,access = \"" access "\"; "                                                  \
    "xen,shm-id = \"" id "\"; xen,shared-mem = <0x0 " host " 0x0 " guest " " size ">; };"
#define SHM4(n, h)                                        \
    SHM("r" n "0", "owner", h "0000", h "0000", "0x1000") \
    SHM("r" n "1", "owner", h "1000", h "1000", "0x1000") \
    SHM("r" n "2", "owner", h "2000", h "2000", "0x1000") \
    SHM("r" n "3", "owner", h "3000", h "3000", "0x1000")
#define SHM16 SHM4("0", "0x6000") SHM4("1", "0x6001") SHM4("2", "0x6002") SHM4("3", "0x6003")

static const char tree_head[] = "/dts-v1/;\n/ {\n cpus { #address-cells = <1>; #size-cells = <0>;\n"
                                "  c0: cpu@0 { device_type = \"cpu\"; reg = <0>; };\n"
                                "  c1: cpu@1 { device_type = \"cpu\"; reg = <1>; };\n"
                                "  c2: cpu@2 { device_type = \"cpu\"; reg = <2>; };\n"
                                "  c3: cpu@3 { device_type = \"cpu\"; reg = <3>; };\n };\n"
                                " chosen { hv: hypervisor { compatible = \"hypervisor,xen\";\n";
static const char tree_tail[] = "\n }; };\n};\n";

static const struct hl_boot_module two_modules[] = {
    { 0x1000000, 0x100000 },
    { 0x2000000, 0x100000 },
};

/* The machine's free RAM for shm-not-ram: 16 MiB up to 4 GiB. */
static bool ram_below_4g(void *ctx, uint64_t base, uint64_t size)
{
    (void)ctx;
    return base >= (16u << 20) && size <= (4ull << 30) && base <= (4ull << 30) - size;
}

struct rule {
    const char *name;
    const char *valid; /* body of /chosen/hypervisor, or a whole tree */
    const char *invalid;
    enum hl_code code;
    bool whole_tree;
    struct run_opts opts;
};

static const struct rule rules[] = {
    { .name = "unknown-property", D1(""), D1("frobnicate = <1>;"), HL_E_UNKNOWN_PROPERTY },
    { .name = "unknown-vendor-property", D1(""), D1("acme,frob = <1>;"), HL_W_UNKNOWN_PROPERTY },
    { .name = "unknown-node", D1(""), D1("x { compatible = \"xen,frob\"; };"), HL_E_UNKNOWN_NODE },
    { .name = "unknown-vendor-node",
      D1(""),
      D1("x { compatible = \"acme,frob\"; "
         "};"),
      HL_W_UNKNOWN_NODE },
    { .name = "node-without-compatible", D1(""), D1("x { };"), HL_E_BAD_COMPATIBLE },
    { .name = "bad-type-u32", D1("cpus = <2>;"), D1("cpus = /bits/ 64 <2>;"), HL_E_BAD_TYPE },
    { .name = "bad-type-u64",
      D1(""),
      "domain@1 { compatible = \"xen,domain\"; memory = <0x4000>; " K("0x1000000") " };",
      HL_E_BAD_TYPE },
    { .name = "bad-type-string",
      D1("tessera,name = \"a\";"),
      D1("tessera,name = "
         "<1>;"),
      HL_E_BAD_TYPE },
    { .name = "missing-memory",
      D1(""),
      "domain@1 { compatible = \"xen,domain\"; " K("0x1000000") " };",
      HL_E_MISSING_PROPERTY },
    /* memory = 0 is smaller than any kernel (the hypervisor could not build it). */
    { .name = "memory-zero",
      D1(""),
      "domain@1 { compatible = \"xen,domain\"; memory = <0x0 0x0>; " K("0x1000000") " };",
      HL_E_MEM_TOO_SMALL },
    /* A domain maps at most HL_MAX_SHM_PER_DOMAIN (16) regions: its shared memory table. */
    { .name = "shm-per-domain",
      D1(SHM16),
      D1(SHM16 SHM("r16", "owner", "0x61000000", "0x81000000", "0x1000")),
      HL_E_TOO_MANY },
    { .name = "cpus-range", D1("cpus = <128>;"), D1("cpus = <129>;"), HL_E_BAD_VALUE },
    { .name = "domid-reserved",
      "domain@1 { compatible = \"xen,domain\"; domid = <0x7fef>; memory = <0 0x4000>; "
      "" K("0x1000000") " };",
      "domain@1 { compatible = \"xen,domain\"; domid = <0x7ff0>; memory = <0 0x4000>; "
      "" K("0x1000000") " };",
      HL_E_DOMID_RESERVED },
    { .name = "domid-duplicate",
      D1("") D2(""),
      D1("") "domain@9 { compatible = \"xen,domain\"; domid = <1>; memory = <0 0x4000>; "
             "" K("0x2000000") " };",
      HL_E_DOMID_DUPLICATE },
    { .name = "name-duplicate",
      D1("tessera,name = \"a\";") D2("tessera,name = \"b\";"),
      D1("tessera,name = \"a\";") D2("tessera,name = \"a\";"),
      HL_E_NAME_DUPLICATE },
    { .name = "name-charset",
      D1("tessera,name = \"web-1.a_b\";"),
      D1("tessera,name = \"web 1\";"),
      HL_E_BAD_VALUE },
    { .name = "mode-pv-dm", D1("mode = <0>;"), D1("mode = <3>;"), HL_E_MODE_PV_DM },
    /* The hypervisor builds PVH and PV domains, not HVM (the same line as at boot). */
    { .name = "mode-unsupported",
      D1("mode = <0>;") D2("mode = <1>;"),
      D1("mode = <1>;") D2("mode = <2>;"),
      HL_E_MODE_UNSUPPORTED },
    { .name = "mode-unknown-bits", D1("mode = <0>;"), D1("mode = <8>;"), HL_E_BAD_VALUE },
    { .name = "ram-clear-value",
      D1("tessera,ram-clear = \"lazy\";"),
      D1("tessera,ram-clear = \"eager\";"),
      HL_E_BAD_VALUE },
    /* A PV domain's page tables map host frames: its RAM cannot wait for a fault. */
    { .name = "ram-clear-pv-lazy",
      D1("mode = <1>; tessera,ram-clear = \"before-start\";"),
      D1("mode = <1>; tessera,ram-clear = \"lazy\";"),
      HL_E_BAD_VALUE },
    { .name = "unmapped-access-value",
      D1("tessera,unmapped-access = \"ignore\";"),
      D1("tessera,unmapped-access = \"drop\";"),
      HL_E_BAD_VALUE },
    { .name = "mode-long", D1("mode = <0>;"), D1("mode = <4>;"), HL_W_MODE_LONG },
    { .name = "capabilities-unknown",
      D1("capabilities = <7>;"),
      D1("capabilities = <0x9>;"),
      HL_W_CAP_UNKNOWN },
    { .name = "capabilities-duplicate",
      D1("capabilities = <3>;") D2("capabilities = <1>;"),
      D1("capabilities = <2>;") D2("capabilities = <2>;"),
      HL_E_CAP_DUPLICATE },
    { .name = "memory-bounds",
      D1("mem-min = <0 0x2000>; mem-max = <0 0x8000>;"),
      D1("mem-max = <0 0x2000>;"),
      HL_E_MEM_BOUNDS },
    { .name = "memory-limit",
      D1("mem-max = <0x4 0x0>;"),
      D1("mem-max = <0x4 0x1>;"),
      HL_E_BAD_VALUE },
    { .name = "module-reg-wrap",
      D1(""),
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; reg = <0xffffffff 0xfffff000 0x1000>; }; };",
      HL_E_BAD_VALUE },
    { .name = "memory-page-multiple",
      D1(""),
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4001>; " K("0x1000000") " };",
      HL_E_BAD_VALUE },
    { .name = "memory-too-small",
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x400>; kernel { compatible = "
      "\"multiboot,kernel\"; reg = <0 0x1000000 0x100000>; }; };",
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x400>; kernel { compatible = "
      "\"multiboot,kernel\"; reg = <0 0x1000000 0x100001>; }; };",
      HL_E_MEM_TOO_SMALL },
    { .name = "memory-machine",
      D1("") D2(""),
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x40000>; " K("0x1000000") " };",
      HL_E_MEM_MACHINE,
      false,
      { .machine = { .ram_bytes = 256ull << 20 } } },
    /* Shared memory comes out of the same RAM as the domains' (the hypervisor claims it). */
    { .name = "memory-machine-shm",
      D1(SHM("r", "owner", "0x60000000", "0x80000000", "0x100000")),
      D1(SHM("r", "owner", "0x60000000", "0x80000000", "0x1000000")),
      HL_E_MEM_MACHINE,
      false,
      { .machine = { .ram_bytes = 32ull << 20 } } },
    /* The hypervisor's structures for 64 vCPUs (96 KiB + 64 x 32 KiB) no longer fit. */
    { .name = "memory-machine-hypervisor",
      D1("xen,domain-p2m-mem-mb = <1>;"),
      D1("xen,domain-p2m-mem-mb = <1>; cpus = <64>;"),
      HL_E_MEM_MACHINE,
      false,
      { .machine = { .ram_bytes = 18ull << 20 } } },
    /* Static shared memory must be free RAM, as the caller's map says. */
    { .name = "shm-not-ram",
      D1(SHM("r", "owner", "0x60000000", "0x80000000", "0x100000")),
      D1(SHM("r", "owner", "0x800000", "0x80000000", "0x100000")),
      HL_E_SHM_NOT_RAM,
      false,
      { .ram_free = ram_below_4g } },
    /* The UEFI loader loads modules by file name: reg alone was not loaded by it. */
    { .name = "module-not-loaded",
      "d1: domain@1 { compatible = \"xen,domain\"; domid = <1>; memory = <0x0 0x4000>; "
      "kernel { compatible = \"multiboot,kernel\"; reg = <0x0 0x1000000 0x100000>; "
      "xen,uefi-binary = \"k.elf\"; }; };",
      D1(""),
      HL_E_MODULE_NOT_LOADED,
      false,
      { .modules_by_file = true } },
    { .name = "no-kernel",
      D1(""),
      "domain@1 { compatible = \"xen,domain\"; memory = <0 "
      "0x4000>; };",
      HL_E_NO_KERNEL },
    { .name = "two-kernels",
      D1(""),
      D1("k2 { compatible = \"multiboot,kernel\"; reg = <0 "
         "0x5000000 0x1000>; };"),
      HL_E_TWO_KERNELS },
    { .name = "two-ramdisks",
      D1("r1 { compatible = \"multiboot,ramdisk\"; reg = <0 0x5000000 0x1000>; };"),
      D1("r1 { compatible = \"multiboot,ramdisk\"; reg = <0 0x5000000 0x1000>; };"
         "r2 { compatible = \"multiboot,ramdisk\"; reg = <0 0x6000000 0x1000>; };"),
      HL_E_TWO_RAMDISKS },
    { .name = "module-location-none",
      D1(""),
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; "
      "kernel { compatible = \"multiboot,kernel\"; }; };",
      HL_E_MODULE_LOCATION },
    { .name = "module-location-two",
      D1(""),
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; module-index = <0>; reg = <0 0x1000000 0x1000>; }; };",
      HL_E_MODULE_LOCATION,
      false,
      { .boot_modules = two_modules, .nr_boot_modules = 2 } },
    { .name = "module-index-unsupported",
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; xen,uefi-binary = \"k.elf\"; reg = <0 0x1000000 0x1000>; }; };",
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; module-index = <0>; }; };",
      HL_E_MODULE_INDEX_UNSUPPORTED },
    { .name = "module-index-range",
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; module-index = <1>; }; };",
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; module-index = <2>; }; };",
      HL_E_MODULE_MISSING,
      false,
      { .boot_modules = two_modules, .nr_boot_modules = 2 } },
    { .name = "module-index-twice",
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; module-index = <0>; }; ramdisk { compatible = "
      "\"multiboot,ramdisk\"; module-index = <1>; }; };",
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; module-index = <0>; }; ramdisk { compatible = "
      "\"multiboot,ramdisk\"; module-index = <0>; }; };",
      HL_E_MODULE_USED_TWICE,
      false,
      { .boot_modules = two_modules, .nr_boot_modules = 2 } },
    { .name = "module-reg-overlap",
      D1("") D2(""),
      D1("") DOM("d2", "2", "0x10f0000", ""),
      HL_E_MODULE_USED_TWICE },
    { .name = "module-no-reg-on-target",
      D1(""),
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; xen,uefi-binary = \"k.elf\"; }; };",
      HL_E_MODULE_MISSING },
    { .name = "module-file-name",
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; xen,uefi-binary = \"guests/k.elf\"; reg = <0 0x1000000 0x1000>; }; };",
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; xen,uefi-binary = \"../k.elf\"; reg = <0 0x1000000 0x1000>; }; };",
      HL_E_MODULE_FILE },
    { .name = "module-reg-size",
      D1(""),
      "domain@1 { compatible = \"xen,domain\"; memory = <0 0x4000>; kernel { compatible = "
      "\"multiboot,kernel\"; reg = <0x1000000 0x1000>; }; };",
      HL_E_BAD_TYPE },
    { .name = "cpu-two-pools",
      POOLS D1(""),
      "p01: pool01 { compatible = \"xen,cpupool\"; cpupool-cpus = <&c0 &c1>; }; "
      "p12: pool12 { compatible = \"xen,cpupool\"; cpupool-cpus = <&c1 &c2>; };" D1(""),
      HL_E_CPU_TWO_POOLS },
    { .name = "cpu-not-present",
      P01 D1("domain-cpupool = <&p01>;"),
      POOLS D1("domain-cpupool = <&p01>;"),
      HL_E_CPU_NOT_PRESENT,
      false,
      { .machine = { .cpus = 3 } } },
    { .name = "pool-sched",
      "p: pool { compatible = \"xen,cpupool\"; cpupool-cpus = <&c1>; "
      "cpupool-sched = \"credit2\"; };" D1(""),
      "p: pool { compatible = \"xen,cpupool\"; cpupool-cpus = <&c1>; "
      "cpupool-sched = \"credit3\"; };" D1(""),
      HL_E_POOL_UNKNOWN_SCHED },
    { .name = "pool-cpus-missing",
      POOLS D1(""),
      "p: pool { compatible = \"xen,cpupool\"; };" D1(""),
      HL_E_MISSING_PROPERTY },
    { .name = "pool-reference",
      POOLS D1("domain-cpupool = <&p23>;"),
      POOLS D1("domain-cpupool = <&c2>;"),
      HL_E_BAD_REFERENCE },
    /* pool23's CPUs do not exist: the pool is left without any. */
    { .name = "pool-empty",
      P01 D1("domain-cpupool = <&p01>;"),
      POOLS D1("domain-cpupool = <&p23>;"),
      HL_E_POOL_EMPTY,
      false,
      { .machine = { .cpus = 2 } } },
    { .name = "vcpu-range",
      D1("cpus = <2>; v { compatible = \"xen,vcpu\"; id = <1>; hard-affinity = \"0\"; };"),
      D1("cpus = <2>; v { compatible = \"xen,vcpu\"; id = <2>; hard-affinity = \"0\"; };"),
      HL_E_VCPU_RANGE },
    { .name = "vcpu-duplicate",
      D1("cpus = <2>; v0 { compatible = \"xen,vcpu\"; id = <0>; hard-affinity = \"0\"; };"
         "v1 { compatible = \"xen,vcpu\"; id = <1>; hard-affinity = \"1\"; };"),
      D1("cpus = <2>; v0 { compatible = \"xen,vcpu\"; id = <0>; hard-affinity = \"0\"; };"
         "v1 { compatible = \"xen,vcpu\"; id = <0>; hard-affinity = \"1\"; };"),
      HL_E_VCPU_DUPLICATE },
    { .name = "affinity-outside-pool",
      POOLS D1("domain-cpupool = <&p23>; v { compatible = \"xen,vcpu\"; id = <0>; hard-affinity "
               "= \"2-3\"; };"),
      POOLS D1("domain-cpupool = <&p23>; v { compatible = \"xen,vcpu\"; id = <0>; hard-affinity "
               "= \"1-2\"; };"),
      HL_E_AFFINITY_OUTSIDE_POOL },
    { .name = "affinity-cpu-not-present",
      D1("v { compatible = \"xen,vcpu\"; id = <0>; hard-affinity = \"0,1\"; };"),
      D1("v { compatible = \"xen,vcpu\"; id = <0>; hard-affinity = \"0,7\"; };"),
      HL_E_CPU_NOT_PRESENT,
      false,
      { .machine = { .cpus = 4 } } },
    { .name = "cpulist-syntax",
      D1("v { compatible = \"xen,vcpu\"; id = <0>; hard-affinity = \"0-1,3\"; };"),
      D1("v { compatible = \"xen,vcpu\"; id = <0>; hard-affinity = \"3-1\"; };"),
      HL_E_CPULIST },
    { .name = "evtchn-unpaired",
      D1(EVT("e1", "5", "e2")) D2(EVT("e2", "6", "e1")),
      D1(EVT("e1", "5", "e2")) D2(EVT("e2", "6", "d1")),
      HL_E_EVTCHN_UNPAIRED },
    { .name = "evtchn-port-duplicate",
      D1(EVT("e1", "5", "e2") EVT("e3", "6", "e4")) D2(EVT("e2", "5", "e1") EVT("e4", "6", "e3")),
      D1(EVT("e1", "5", "e2") "e3: ev2 { compatible = \"xen,evtchn-v1\"; xen,evtchn = <5 &e4>; };")
          D2(EVT("e2", "5", "e1") EVT("e4", "6", "e3")),
      HL_E_EVTCHN_PORT_DUPLICATE },
    { .name = "evtchn-port-range",
      D1(EVT("e1", "4095", "e2")) D2(EVT("e2", "1", "e1")),
      D1(EVT("e1", "4096", "e2")) D2(EVT("e2", "1", "e1")),
      HL_E_BAD_VALUE },
    { .name = "shm-overlap",
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x1000")
             SHM("b", "owner", "0x60001000", "0x90000000", "0x1000")),
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x2000")
             SHM("b", "owner", "0x60001000", "0x90000000", "0x1000")),
      HL_E_SHM_OVERLAP },
    { .name = "shm-conflict",
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x1000"))
          D2(SHM("a", "borrower", "0x60000000", "0x80000000", "0x1000")),
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x1000"))
          D2(SHM("a", "borrower", "0x60000000", "0x80000000", "0x2000")),
      HL_E_SHM_CONFLICT },
    { .name = "shm-two-owners",
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x1000"))
          D2(SHM("a", "borrower", "0x60000000", "0x80000000", "0x1000")),
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x1000"))
          D2(SHM("a", "owner", "0x60000000", "0x80000000", "0x1000")),
      HL_E_SHM_TWO_OWNERS },
    { .name = "shm-align",
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x1000")),
      D1(SHM("a", "owner", "0x60000000", "0x80000800", "0x1000")),
      HL_E_SHM_ALIGN },
    { .name = "shm-guest-overlap",
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x1000")
             SHM("b", "owner", "0x70000000", "0x80001000", "0x1000")),
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x2000")
             SHM("b", "owner", "0x70000000", "0x80001000", "0x1000")),
      HL_E_SHM_GUEST_OVERLAP },
    { .name = "shm-role",
      D1(SHM("a", "borrower", "0x60000000", "0x80000000", "0x1000")),
      D1(SHM("a", "lender", "0x60000000", "0x80000000", "0x1000")),
      HL_E_BAD_VALUE },
    { .name = "shm-access",
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x1000"))
          D2(SHM_ACCESS("a", "borrower", "ro", "0x60000000", "0x80000000", "0x1000")),
      D1(SHM("a", "owner", "0x60000000", "0x80000000", "0x1000"))
          D2(SHM_ACCESS("a", "borrower", "wo", "0x60000000", "0x80000000", "0x1000")),
      HL_E_BAD_VALUE },
    { .name = "shm-owner-read-only",
      D1(SHM_ACCESS("a", "owner", "rw", "0x60000000", "0x80000000", "0x1000")),
      D1(SHM_ACCESS("a", "owner", "ro", "0x60000000", "0x80000000", "0x1000")),
      HL_E_SHM_OWNER_READ_ONLY },
    { .name = "shm-id-length",
      D1(SHM("abcdefghijklmno", "owner", "0x60000000", "0x80000000", "0x1000")),
      D1(SHM("abcdefghijklmnop", "owner", "0x60000000", "0x80000000", "0x1000")),
      HL_E_BAD_VALUE },
    { .name = "policy-value",
      D1("tessera,on-crash = \"halt-machine\"; tessera,on-reboot = "
         "\"destroy\";"),
      D1("tessera,on-crash = \"reboot-machine\";"),
      HL_E_BAD_VALUE },
    { .name = "console-value",
      D1("tessera,console = \"none\";") D2(""),
      D1("tessera,console = "
         "\"vga\";"),
      HL_E_BAD_VALUE },
    { .name = "dependency-cycle",
      D1("") D2("tessera,after-started = <&d1>;") D3("tessera,after-started = <&d2>;"),
      D1("tessera,after-started = <&d3>;") D2("tessera,after-started = <&d1>;")
          D3("tessera,after-started = <&d2>;"),
      HL_E_DEP_CYCLE },
    /* No guest can signal readiness: after-ready is refused (decision 24). */
    { .name = "not-offered",
      D1("") D2("tessera,after-started = <&d1>;"),
      D1("") D2("tessera,after-ready = <&d1>;"),
      HL_E_NOT_OFFERED },
    { .name = "dependency-self",
      D1("") D2("tessera,after-started = <&d1>;"),
      D1("tessera,after-started = <&d1>;"),
      HL_E_DEP_SELF },
    { .name = "dependency-reference",
      D1("") D2("tessera,after-started = <&d1>;"),
      POOLS D1("") D2("tessera,after-started = <&p01>;"),
      HL_E_BAD_REFERENCE },
    { .name = "console-input",
      "tessera,console-input = <&d2>;" D1("tessera,console = \"none\";") D2(""),
      "tessera,console-input = <&d1>;" D1("tessera,console = \"none\";") D2(""),
      HL_E_CONSOLE_INPUT },
    { .name = "cpuid-feature",
      D1("tessera,cpuid-hide = \"virt-ssbd\", \"avx512f\"; "
         "tessera,cpuid-force = \"spec-ctrl\";"),
      D1("tessera,cpuid-hide = \"virt-ssbd\", \"avx513f\";"),
      HL_E_CPUID_FEATURE },
    { .name = "cpuid-both",
      D1("tessera,cpuid-hide = \"avx\"; tessera,cpuid-force = \"ssbd\";"),
      D1("tessera,cpuid-hide = \"avx\"; tessera,cpuid-force = \"avx\";"),
      HL_E_CPUID_BOTH },
    { .name = "sched-weight",
      D1("tessera,sched-weight = <65535>;") D2("tessera,sched-weight = <1>;"),
      D1("tessera,sched-weight = <0>;"),
      HL_E_BAD_VALUE },
    { .name = "sched-weight-max",
      D1("tessera,sched-weight = <65535>;"),
      D1("tessera,sched-weight = <65536>;"),
      HL_E_BAD_VALUE },
    { .name = "sched-cap-per-vcpu",
      D1("cpus = <2>; tessera,sched-cap = <200>;"),
      D1("cpus = <2>; tessera,sched-cap = <201>;"),
      HL_E_BAD_VALUE },
    { .name = "sched-partitioned",
      "p: pool { compatible = \"xen,cpupool\"; cpupool-cpus = <&c1>; "
      "cpupool-sched = \"credit2\"; };" D1("domain-cpupool = <&p>; tessera,sched-cap = <50>;"),
      "p: pool { compatible = \"xen,cpupool\"; cpupool-cpus = <&c1>; "
      "cpupool-sched = \"null\"; };" D1("domain-cpupool = <&p>; tessera,sched-cap = <50>;"),
      HL_E_SCHED_PARTITIONED },
    /* A "null" pool places vCPUs greedily (the hypervisor's order): vCPU 0 takes CPU 1. */
    { .name = "vcpu-no-cpu",
      "p: pool { compatible = \"xen,cpupool\"; cpupool-cpus = <&c1 &c2>; "
      "cpupool-sched = \"null\"; };" D1(
          "domain-cpupool = <&p>; cpus = <2>; "
          "v1 { compatible = \"xen,vcpu\"; id = <1>; hard-affinity = \"2\"; };"),
      "p: pool { compatible = \"xen,cpupool\"; cpupool-cpus = <&c1 &c2>; "
      "cpupool-sched = \"null\"; };" D1(
          "domain-cpupool = <&p>; cpus = <2>; "
          "v1 { compatible = \"xen,vcpu\"; id = <1>; hard-affinity = \"1\"; };"),
      HL_E_VCPU_NO_CPU },
    /* The machine (the hypervisor asking its CPU) can force virt-ssbd (table bit 0) only. */
    { .name = "cpuid-force",
      D1("tessera,cpuid-force = \"virt-ssbd\";"),
      D1("tessera,cpuid-force = \"virt-ssbd\", \"x2apic\";"),
      HL_E_CPUID_FORCE,
      false,
      { .machine = { .cpuid_known = true, .cpuid_forceable = 1 } } },
    { .name = "p2m-pool",
      D1("xen,domain-p2m-mem-mb = <8>;"),
      D1("xen,domain-p2m-mem-mb = <0>;"),
      HL_E_BAD_VALUE },
    { .name = "no-domains", D1(""), "", HL_E_NO_DOMAINS },
    { .name = "hypervisor-compatible",
      "/dts-v1/;\n/ { chosen { hypervisor { compatible = \"hypervisor,xen\", \"xen,x86\"; " D1(
          "") " }; }; };",
      "/dts-v1/;\n/ { chosen { hypervisor { compatible = \"hypervisor,kvm\"; " D1("") " }; }; };",
      HL_E_BAD_COMPATIBLE,
      true },
    { .name = "no-hypervisor-node",
      "/dts-v1/;\n/ { chosen { " D1("") " }; };",
      "/dts-v1/;\n/ { chosen { bootargs = \"x\"; }; };",
      HL_E_NO_HYPERVISOR_NODE,
      true },
    { .name = "config-node",
      "config { compatible = \"xen,config\"; bootargs = \"console=com1\"; };" D1(""),
      "config { compatible = \"xen,config\"; bootargs = \"console=com1\"; cmdline = \"x\"; "
      "};" D1(""),
      HL_E_UNKNOWN_PROPERTY },
};

static char *make_tree(const struct rule *r, const char *body)
{
    static char buf[16384];
    if (r->whole_tree)
        snprintf(buf, sizeof(buf), "%s", body);
    else
        snprintf(buf, sizeof(buf), "%s%s%s", tree_head, body, tree_tail);
    return buf;
}

static void test_rule(void **state)
{
    const struct rule *r = *state;
    struct result res;

    run_dts(make_tree(r, r->valid), &r->opts, &res);
    if (res.errors || result_has(&res, r->code)) {
        fprintf(stderr, "%s: valid case refused:\n", r->name);
        result_print(&res);
    }
    assert_int_equal(res.errors, 0);
    assert_false(result_has(&res, r->code));
    assert_true(res.plan->valid);
    result_free(&res);

    run_dts(make_tree(r, r->invalid), &r->opts, &res);
    if (!result_has(&res, r->code)) {
        fprintf(stderr, "%s: expected %s, got:\n", r->name, hl_diag_name(r->code));
        result_print(&res);
    }
    assert_true(result_has(&res, r->code));
    /* Warnings leave the plan valid; errors never do. */
    if (r->code == HL_W_UNKNOWN_PROPERTY || r->code == HL_W_UNKNOWN_NODE ||
        r->code == HL_W_MODE_LONG || r->code == HL_W_CAP_UNKNOWN)
        assert_int_equal(res.errors, 0);
    else
        assert_true(res.errors > 0 && !res.plan->valid);
    result_free(&res);
}

int main(void)
{
    enum {
        N = sizeof(rules) / sizeof(rules[0])
    };
    struct CMUnitTest tests[N];
    for (unsigned i = 0; i < N; i++) {
        tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_rule, (void *)&rules[i]);
        tests[i].name = rules[i].name;
    }
    return cmocka_run_group_tests_name("hyperlaunch rules", tests, NULL, NULL);
}
