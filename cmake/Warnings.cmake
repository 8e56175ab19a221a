# Warnings for project code only, as an INTERFACE target: link it, never set it globally.
add_library(boutique_warnings INTERFACE)
target_compile_options(boutique_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${BOUTIQUE_WERROR}>:-Werror>)
