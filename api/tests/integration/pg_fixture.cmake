# CTest FIXTURES_SETUP for the shared test cluster: stop whatever a previous, interrupted run left
# running in DIR, then start it (initdb on first use); forget the secrets a previous run recorded in
# WORK/secrets. Usage: cmake -DSCRIPT=... -DDIR=... [-DWORK=...] -P this
foreach(var SCRIPT DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "pg_fixture.cmake: -D${var}= is required")
  endif()
endforeach()
execute_process(COMMAND ${SCRIPT} stop ${DIR})
# Secrets recorded by a previous run (support/secrets.cpp): the scan after this run checks this run's.
if(DEFINED WORK)
  file(REMOVE_RECURSE ${WORK}/secrets)
endif()
execute_process(COMMAND ${SCRIPT} start ${DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE url
  ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pg-cluster.sh start ${DIR} failed (${rc}):\n${err}")
endif()
message(STATUS "test cluster: ${url}")
