# Helpers that keep the module graph explicit: one static library per src/<module>, linked only to
# the modules it declares, so an include of a module that is not a declared dependency fails to link.

set(VAXREG_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough
    # Optimised GCC 12 builds only: std::variant members are reported "maybe uninitialized" after
    # inlining (GCC bug 105562), and Asio's coroutine frames, which pair their own operator new and
    # delete, are reported as "mismatched" once the frame allocation is inlined (GCC bug 109224).
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<NOT:$<CONFIG:Debug>>>:-Wno-maybe-uninitialized>
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<NOT:$<CONFIG:Debug>>>:-Wno-mismatched-new-delete>
    # GCC 12 at -O3 (CMake's Release) reports -Wrestrict inside libstdc++'s std::string
    # operations after inlining (GCC bug 105329); the code is std::string appends.
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<NOT:$<CONFIG:Debug>>>:-Wno-restrict>)
if(VAXREG_WERROR)
  list(APPEND VAXREG_WARNINGS -Werror)
endif()

if(VAXREG_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# vaxreg_module(NAME SOURCES ... DEPS ...): builds library vaxreg_NAME from src/NAME.
function(vaxreg_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(vaxreg_${name} STATIC ${M_SOURCES})
  target_include_directories(vaxreg_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(vaxreg_${name} PRIVATE ${VAXREG_WARNINGS})
  target_link_libraries(vaxreg_${name} PUBLIC ${M_DEPS})
  # Boost's asio headers are on every module's path (system include), but only modules that
  # declare Boost libraries may use them; headers from other vaxreg modules need DEPS.
endfunction()

# vaxreg_test(NAME SOURCES ... DEPS ... LABELS ...): one gtest binary registered with CTest.
function(vaxreg_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_compile_options(${name} PRIVATE ${VAXREG_WARNINGS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${T_DEPS} vaxreg_test_support GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} PROPERTIES LABELS "${T_LABELS}" DISCOVERY_TIMEOUT 60
                       TEST_PREFIX "${name}." )
  # Collected for the `unit_tests` target (tests/CMakeLists.txt): the sanitizer pass builds and
  # runs only these.
  if("unit" IN_LIST T_LABELS)
    set_property(GLOBAL APPEND PROPERTY VAXREG_UNIT_TEST_TARGETS ${name})
  endif()
endfunction()
