# Version and git commit, regenerated at every build (not only at configure time) so a binary
# never reports a stale commit. Only rewritten when the content changes, so nothing rebuilds needlessly.
set(BOUTIQUE_BUILDINFO_DIR ${PROJECT_BINARY_DIR}/generated/buildinfo)
add_custom_target(boutique_buildinfo_gen
  COMMAND ${CMAKE_COMMAND}
    -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
    -DOUTPUT=${BOUTIQUE_BUILDINFO_DIR}/build_info.cpp
    -DTEMPLATE=${PROJECT_SOURCE_DIR}/cmake/build_info.cpp.in
    -DVERSION=${PROJECT_VERSION}
    -P ${PROJECT_SOURCE_DIR}/cmake/GenerateBuildInfo.cmake
  BYPRODUCTS ${BOUTIQUE_BUILDINFO_DIR}/build_info.cpp
  COMMENT "Build info (version, git commit)")
add_library(boutique_buildinfo STATIC ${BOUTIQUE_BUILDINFO_DIR}/build_info.cpp)
add_dependencies(boutique_buildinfo boutique_buildinfo_gen)
target_include_directories(boutique_buildinfo PUBLIC ${PROJECT_SOURCE_DIR}/cmake/include)
add_library(boutique::buildinfo ALIAS boutique_buildinfo)
