# boutique_core: the CLI's core (cli/src/core: configuration, the ProcessRunner, HTTP probes,
# output, ports, pids, files, errors), a library of its own so that the API's integration tests run
# programs and start boutique-api through the same code as the CLI. Included from the top-level
# CMakeLists.txt whenever the CLI or the tests are built.
find_package(yaml-cpp REQUIRED)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)

set(BOUTIQUE_CORE_SRC ${PROJECT_SOURCE_DIR}/cli/src/core)
add_library(boutique_core STATIC
  ${BOUTIQUE_CORE_SRC}/config.cpp
  ${BOUTIQUE_CORE_SRC}/context.cpp
  ${BOUTIQUE_CORE_SRC}/env_file.cpp
  ${BOUTIQUE_CORE_SRC}/files.cpp
  ${BOUTIQUE_CORE_SRC}/http.cpp
  ${BOUTIQUE_CORE_SRC}/interrupt.cpp
  ${BOUTIQUE_CORE_SRC}/logtail.cpp
  ${BOUTIQUE_CORE_SRC}/output.cpp
  ${BOUTIQUE_CORE_SRC}/pids.cpp
  ${BOUTIQUE_CORE_SRC}/ports.cpp
  ${BOUTIQUE_CORE_SRC}/process.cpp
  ${BOUTIQUE_CORE_SRC}/progress.cpp
  ${BOUTIQUE_CORE_SRC}/settings.cpp
  ${BOUTIQUE_CORE_SRC}/users.cpp
  ${BOUTIQUE_CORE_SRC}/watcher.cpp)
target_include_directories(boutique_core PUBLIC ${PROJECT_SOURCE_DIR}/cli/src)
target_link_libraries(boutique_core
  PUBLIC fmt::fmt nlohmann_json::nlohmann_json
  PRIVATE yaml-cpp boutique_warnings ${CMAKE_DL_LIBS})
# libcurl: headers only, the library is dlopen()ed on first use (see src/core/http.cpp).
target_include_directories(boutique_core PRIVATE ${CURL_INCLUDE_DIRS})
