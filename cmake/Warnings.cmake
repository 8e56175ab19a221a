# Warnings for project code only, as an INTERFACE target: link it, never set it globally.
add_library(boutique_warnings INTERFACE)
target_compile_options(boutique_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${BOUTIQUE_WERROR}>:-Werror>)
# GCC 12 at -O3 reports impossible overlaps inside std::string's inlined memcpy (GCC bug 105651):
# a false positive in library code, so this one warning is not made an error.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(boutique_warnings INTERFACE -Wno-error=restrict)
endif()
