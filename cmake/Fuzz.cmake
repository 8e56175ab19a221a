# BOUTIQUE_FUZZ=ON: the libFuzzer build of tests/fuzz (docs/reliability.md, "Fuzzing"), clang only
# (`cmake --preset fuzz`, or `make fuzz`). Every target of the tree is compiled with libFuzzer's
# coverage instrumentation, AddressSanitizer and UndefinedBehaviorSanitizer (any UB aborts: it is a
# finding, not a warning); only the fuzz executables link libFuzzer's main().
option(BOUTIQUE_FUZZ "Build the libFuzzer targets of tests/fuzz (clang, ASan + UBSan)" OFF)
if(BOUTIQUE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BOUTIQUE_FUZZ=ON needs clang for libFuzzer, found ${CMAKE_CXX_COMPILER_ID}: "
                        "use `cmake --preset fuzz` (or CXX=clang++; Debian: apt-get install clang "
                        "libclang-rt-14-dev, scripts/install-deps.sh fuzz)")
  endif()
  if(NOT BOUTIQUE_BUILD_CLI)
    message(FATAL_ERROR "BOUTIQUE_FUZZ=ON fuzzes the CLI's parsers too: BOUTIQUE_BUILD_CLI must be ON")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
