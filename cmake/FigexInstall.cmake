# Installation: the CLI, both libraries, the one public header, the bundled
# rules, the man pages, a pkg-config file and a CMake package.
#
#   PREFIX/bin/figex
#   PREFIX/lib/libfigex.a, libfigex.so -> .so.0 -> .so.0.1.0
#   PREFIX/include/figex.h
#   PREFIX/share/figex/rules/          (the CLI's default rules)
#   PREFIX/share/man/man1/figex.1, man5/figex-rules.5
#   PREFIX/lib/pkgconfig/figex.pc
#   PREFIX/lib/cmake/figex/figex-{config,config-version,targets}*.cmake
#
# Both package files are relocatable: they find the prefix from where they
# are, so `cmake --install build --prefix DIR` (or a DESTDIR staging tree,
# or moving the whole prefix) needs no reconfiguring.
include(CMakePackageConfigHelpers)

set(FIGEX_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/figex)
set(FIGEX_RULES_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/figex/rules)

install(TARGETS figex figex_shared EXPORT figex-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET figex_cli)
  install(TARGETS figex_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(FILES src/figex.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY rules/ DESTINATION ${FIGEX_RULES_INSTALL_DIR})
install(FILES man/figex.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES man/figex-rules.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

# CMake package: figex::figex (shared) and figex::figex_static.
install(EXPORT figex-targets NAMESPACE figex::
  DESTINATION ${FIGEX_CMAKE_DIR} FILE figex-targets.cmake)
configure_package_config_file(cmake/figex-config.cmake.in
  ${CMAKE_BINARY_DIR}/figex-config.cmake
  INSTALL_DESTINATION ${FIGEX_CMAKE_DIR}
  PATH_VARS FIGEX_RULES_INSTALL_DIR)
# 0.x: a new minor version may break the API, as semantic versioning allows
# before 1.0, so only the same major.minor satisfies a request.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/figex-config-version.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/figex-config.cmake
  ${CMAKE_BINARY_DIR}/figex-config-version.cmake
  DESTINATION ${FIGEX_CMAKE_DIR})

# pkg-config: the prefix is found from ${pcfiledir}, the folder the .pc
# file is read from (as Meson's relocatable pkg-config files do), when the
# library folder lies under the prefix; a directory given outside the
# prefix is written as the absolute path it is.
function(figex_pc_path out full)
  file(RELATIVE_PATH rel ${CMAKE_INSTALL_PREFIX} ${full})
  if(rel MATCHES "^\\.\\./")
    set(${out} ${full} PARENT_SCOPE)
  else()
    set(${out} "\${prefix}/${rel}" PARENT_SCOPE)
  endif()
endfunction()
file(RELATIVE_PATH _figex_pc_up ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
  ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" _figex_pc_up "${_figex_pc_up}")
if(_figex_pc_up MATCHES "^(\\.\\./)*\\.\\.$")
  set(FIGEX_PC_PREFIX "\${pcfiledir}/${_figex_pc_up}")
else()
  set(FIGEX_PC_PREFIX ${CMAKE_INSTALL_PREFIX})
endif()
figex_pc_path(FIGEX_PC_LIBDIR ${CMAKE_INSTALL_FULL_LIBDIR})
figex_pc_path(FIGEX_PC_INCLUDEDIR ${CMAKE_INSTALL_FULL_INCLUDEDIR})
figex_pc_path(FIGEX_PC_DATADIR ${CMAKE_INSTALL_FULL_DATADIR})
configure_file(cmake/figex.pc.in ${CMAKE_BINARY_DIR}/figex.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/figex.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The install test (ctest -L install): installs into a scratch prefix and
# builds and runs examples/ against it, through pkg-config and through
# find_package(figex).  It needs the CLI, whose --help it checks against
# the man page.
if(BUILD_TESTING AND TARGET figex_cli)
  set(_figex_example_flags "")
  if(FIGEX_SANITIZE)
    set(_figex_example_flags
      "-fsanitize=address,undefined -fno-sanitize-recover=all")
  endif()
  add_test(NAME install COMMAND ${CMAKE_SOURCE_DIR}/tests/install.sh
    ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR} ${CMAKE_C_COMPILER}
    "${_figex_example_flags}")
  set_tests_properties(install PROPERTIES LABELS install TIMEOUT 600)
endif()
