# Compile through ccache when it is installed (scripts/install-deps.sh build installs it), so an edit,
# a branch switch, `make clean` or a second clone on the same machine recompiles only what really
# changed (figures: docs/development.md). -DBOUTIQUE_CCACHE=OFF, or a launcher of your own in
# CMAKE_CXX_COMPILER_LAUNCHER, turns it off.
#
# base_dir makes the cache key independent of where the checkout lives, and nohashdir leaves the
# build directory out of it, so two clones share their hits. The price, as ccache documents: an object
# taken from another clone's compile names that clone's paths in its debug info.
option(BOUTIQUE_CCACHE "Compile through ccache when it is installed" ON)
if(BOUTIQUE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(BOUTIQUE_CCACHE_PROGRAM ccache)
  if(BOUTIQUE_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER
        env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=true ${BOUTIQUE_CCACHE_PROGRAM})
    message(STATUS "Compiling through ${BOUTIQUE_CCACHE_PROGRAM}")
  endif()
endif()
