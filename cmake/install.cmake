# Installing (cmake --install BUILD [--prefix P]) and the .deb (cd BUILD && cpack):
#   bin/tessera                                  the tool
#   lib/tessera/BOOTX64.EFI, tessera.elf         the loader and the hypervisor
#   lib/tessera/guests/*.elf                     the test guests the examples boot
#   lib/tessera/qemu-boot                        how `tessera run` starts QEMU
#   share/tessera/configs/*.dts                  the example trees
#   share/doc/tessera/                           README, LICENSE, docs/*.md
#   share/man/man1/tessera.1, man5/tessera-launch-tree.5
#   share/bash-completion/completions/tessera
# The tool finds lib/tessera from its own bin/ (hyperlaunch/tool/paths.c).
install(TARGETS tessera_tool RUNTIME DESTINATION bin)
install(FILES ${CMAKE_BINARY_DIR}/efi-loader/BOOTX64.EFI ${CMAKE_BINARY_DIR}/hv/tessera.elf
  DESTINATION ${TESSERA_INSTALL_LIBDIR})
install(PROGRAMS ${CMAKE_SOURCE_DIR}/scripts/qemu-boot DESTINATION ${TESSERA_INSTALL_LIBDIR})
# Every guest the build made (guests/CMakeLists.txt names them NAME.elf).
install(CODE "
  file(GLOB tessera_guests \"${CMAKE_BINARY_DIR}/guests/*.elf\")
  file(INSTALL \${tessera_guests}
       DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${TESSERA_INSTALL_LIBDIR}/guests\")")
install(FILES ${CMAKE_SOURCE_DIR}/configs/minimal.dts ${CMAKE_SOURCE_DIR}/configs/default.dts
  ${CMAKE_SOURCE_DIR}/configs/partitioned.dts DESTINATION share/tessera/configs)
file(GLOB tessera_docs ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE ${tessera_docs}
  DESTINATION share/doc/tessera)
install(FILES ${CMAKE_SOURCE_DIR}/man/tessera.1 DESTINATION share/man/man1)
install(FILES ${CMAKE_SOURCE_DIR}/man/tessera-launch-tree.5 DESTINATION share/man/man5)
install(FILES ${CMAKE_SOURCE_DIR}/completion/tessera.bash
  DESTINATION share/bash-completion/completions RENAME tessera)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tessera)
set(CPACK_PACKAGE_VENDOR "The Tessera project")
set(CPACK_PACKAGE_CONTACT "The Tessera project <tessera@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "x86-64 hypervisor booting several domains from UEFI, with its host tool")
set(CPACK_PACKAGE_DESCRIPTION
  "Tessera boots a machine from UEFI firmware straight into several isolated domains \
declared in one launch-control device tree. This package holds the tessera tool (check, \
pack, image and boot trees), the UEFI loader, the hypervisor, test guests and examples.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34), libfdt1, device-tree-compiler")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qemu-system-x86, ovmf, gdisk, dosfstools, mtools")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
include(CPack)
