# Flags for code that runs without an OS: the hypervisor, the freestanding
# builds of hyperlaunch/ and domain-builder/, and lib/ (shared with the loader).
#
# No red zone (interrupts and exceptions arrive on the current stack), no SSE
# (the hypervisor never saves its own FPU state; guest FPU state stays live in
# the registers across exits), frame pointers kept for stack traces.
set(TESSERA_FREESTANDING_FLAGS
  -ffreestanding -fno-builtin-printf -nostdinc
  "SHELL:-isystem ${CMAKE_SOURCE_DIR}/lib/include"
  -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx -mgeneral-regs-only
  -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables
  -fno-stack-protector -fno-strict-aliasing -fwrapv
  -fcf-protection=none
)

# gcc's own freestanding headers (stdint.h, stddef.h, stdarg.h, limits.h ...).
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
  OUTPUT_VARIABLE TESSERA_GCC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
list(APPEND TESSERA_FREESTANDING_FLAGS "SHELL:-isystem ${TESSERA_GCC_INCLUDE}")

# Position-dependent code linked at its load address (the hypervisor).
function(tessera_freestanding_target tgt)
  target_compile_options(${tgt} PRIVATE ${TESSERA_FREESTANDING_FLAGS}
    $<$<COMPILE_LANGUAGE:C>:-fno-pic -fno-pie -mcmodel=small>)
endfunction()

# Position-independent variant, linkable into both the hypervisor and the
# GNU-EFI loader (a PIC shared object converted to PE).
function(tessera_freestanding_pic_target tgt)
  target_compile_options(${tgt} PRIVATE ${TESSERA_FREESTANDING_FLAGS} -fpic)
endfunction()
