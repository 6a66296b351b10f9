# tests/harness/run_ccbench.cmake — smoke test of the built ccbench executable, run by ctest as
#   cmake -DCCBENCH=<exe> -DMODE=help|list_json -P run_ccbench.cmake
# help: `ccbench --help` exits 0 and names the run and list commands.
# list_json: `ccbench list --format json` exits 0 and prints a JSON object whose "workloads" is an
# array (string(JSON) fails the test on invalid JSON).
if(MODE STREQUAL "help")
  set(args --help)
elseif(MODE STREQUAL "list_json")
  set(args list --format json)
else()
  message(FATAL_ERROR "MODE must be help or list_json, not '${MODE}'")
endif()
execute_process(COMMAND ${CCBENCH} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ccbench ${args} exited ${rc}\n${out}\n${err}")
endif()
if(MODE STREQUAL "help")
  if(NOT out MATCHES "run" OR NOT out MATCHES "list")
    message(FATAL_ERROR "ccbench --help does not list the commands:\n${out}")
  endif()
else()
  string(JSON type ERROR_VARIABLE json_err TYPE "${out}" workloads)
  if(json_err OR NOT type STREQUAL "ARRAY")
    message(FATAL_ERROR "ccbench list --format json: no \"workloads\" array (${json_err}):\n${out}")
  endif()
endif()
