# harness/go_impl.cmake — ccb_go_impl: the C++ side of the Go reference implementation
# (harness/go_impl.{hpp,cpp}): finds go, builds workloads/go into ${PROJECT_BINARY_DIR}/go, and
# drives ccbench-go children. Included by harness/CMakeLists.txt (and by tests/go when the
# harness has not included it); include_guard makes a second include a no-op.
include_guard(GLOBAL)

add_library(ccb_go_impl STATIC ${CMAKE_CURRENT_LIST_DIR}/go_impl.cpp ${CMAKE_CURRENT_LIST_DIR}/child_process.cpp)
target_include_directories(ccb_go_impl PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(ccb_go_impl PUBLIC ccb_registry nlohmann_json::nlohmann_json)
target_compile_definitions(ccb_go_impl PRIVATE
  CCB_SOURCE_DIR="${PROJECT_SOURCE_DIR}" CCB_BINARY_DIR="${PROJECT_BINARY_DIR}")
