// SPDX-License-Identifier: MIT
/* Per-CPU blocks: struct percpu plus its guarded stacks (asm/stack.h). */
#include <string.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <asm/paging.h>
#include <asm/tsc.h>

_Static_assert(sizeof(struct percpu) <= PERCPU_BLOCK_SIZE - PERCPU_STRUCT_OFFSET,
               "struct percpu outgrew its pages");
_Static_assert(PERCPU_BLOCK_SIZE == (PAGE_SIZE << PERCPU_BLOCK_ORDER), "block order");

/* The boot CPU's block: entry.S runs on its main stack before any allocator exists. */
uint8_t cpu0_block[PERCPU_BLOCK_SIZE] __aligned(PAGE_SIZE);

static struct percpu *percpus[HV_MAX_CPUS];

static const struct {
    uint64_t guard, top;
} stacks[] = {
    { MAIN_STACK_GUARD, MAIN_STACK_TOP },
    { DF_STACK_GUARD, DF_STACK_TOP },
    { NMI_STACK_GUARD, NMI_STACK_TOP },
    { MC_STACK_GUARD, MC_STACK_TOP },
};

/* Not secret-grade: it only has to differ between boots and CPUs to catch overruns. */
static uint64_t stack_canary(const void *pc)
{
    uint64_t x = rdtsc() ^ (uint64_t)pc;

    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    return x & ~0xFFull; /* a zero low byte stops string overruns */
}

struct percpu *percpu_alloc(unsigned int cpu_id, uint32_t apic_id)
{
    uint8_t *block;

    CHECK(cpu_id < HV_MAX_CPUS && !percpus[cpu_id]);
    if (cpu_id == 0) {
        block = cpu0_block; /* already zero (.bss), and we are running on its stack */
    } else {
        paddr_t pa = page_alloc(PERCPU_BLOCK_ORDER);

        if (!paddr_val(pa))
            panic("out of memory for CPU %u's stacks", cpu_id);
        block = phys_to_virt(pa);
        memset(block, 0, PERCPU_BLOCK_SIZE);
    }

    struct percpu *pc = (struct percpu *)(block + PERCPU_STRUCT_OFFSET);

    pc->guard.canary = stack_canary(pc);
    pc->self = pc;
    pc->cpu_id = cpu_id;
    pc->apic_id = apic_id;
    pc->stack_top = (uint64_t)block + MAIN_STACK_TOP;
    pc->arch.block = block;
    if (cpu_id != 0)
        percpu_guard_stacks(pc);
    percpus[cpu_id] = pc;
    return pc;
}

struct percpu *percpu_of(unsigned int cpu_id)
{
    return cpu_id < HV_MAX_CPUS ? percpus[cpu_id] : NULL;
}

void percpu_guard_stacks(struct percpu *pc)
{
    for (size_t i = 0; i < ARRAY_SIZE(stacks); i++)
        paging_unmap_page(pc->arch.block + stacks[i].guard);
}

bool percpu_stack_bounds(const struct percpu *pc, uint64_t addr, uint64_t *lo, uint64_t *hi)
{
    uint64_t base = (uint64_t)pc->arch.block;

    for (size_t i = 0; i < ARRAY_SIZE(stacks); i++) {
        if (addr >= base + stacks[i].guard + PAGE_SIZE && addr <= base + stacks[i].top) {
            *lo = base + stacks[i].guard + PAGE_SIZE;
            *hi = base + stacks[i].top;
            return true;
        }
    }
    return false;
}
