# tests/runtime/compile/nodiscard_check.cmake — ctest runtime.nodiscard_after_func (cmake -P):
# compiles dropped_timer.cpp with -fsyntax-only twice. Keeping the Timer must compile; dropping it
# must fail with after_func's [[nodiscard]] message under -Werror=unused-result. Both halves are
# needed: a failure for any other reason (a bad include path) fails the control compile.
# Inputs: -DCXX=compiler -DINCLUDE=runtime/include -DSRC=dropped_timer.cpp
foreach(v CXX INCLUDE SRC)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "nodiscard_check.cmake: -D${v}=... is required")
  endif()
endforeach()
set(flags -std=c++20 -fsyntax-only -Werror=unused-result -I${INCLUDE})
execute_process(COMMAND ${CXX} ${flags} -DKEEP_IT ${SRC} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "control: keeping the Timer should compile, got rc ${rc}:\n${out}")
endif()
execute_process(COMMAND ${CXX} ${flags} ${SRC} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "dropping after_func's Timer compiled without a diagnostic")
endif()
string(FIND "${out}" "destroying the returned ccb::Timer stops it" at)
if(at EQUAL -1)
  message(FATAL_ERROR "dropping after_func's Timer failed, but not with its [[nodiscard]] message:\n${out}")
endif()
message(STATUS "ok: dropping after_func's Timer is diagnosed")
