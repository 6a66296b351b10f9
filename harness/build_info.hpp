// harness/build_info.hpp — facts about this ccbench build, fixed at configure time: version, git
// commit, CMake build type, compiler and flags, sanitizer. Only build_info.cpp receives them as
// compile definitions, so a new commit recompiles one file.
#pragma once

#include <string>

namespace ccb::harness {

struct BuildInfo {
  std::string version;         // project version, e.g. "0.1.0"
  std::string git_commit;      // short commit, or "unknown"
  std::string build_type;      // CMake build type, e.g. "Release"
  std::string compiler;        // e.g. "GNU 12.2.0"
  std::string compiler_flags;  // CMAKE_CXX_FLAGS, the per-config flags and the project's options
  std::string sanitizer;       // "", "thread" or "address" (CCB_SANITIZER, or CCB_TSAN/CCB_ASAN)
  bool ndebug = true;          // NDEBUG was defined when the harness was compiled
};

// build_info() returns this build's facts (constant for the life of the process).
const BuildInfo& build_info();

// version_line() returns the `ccbench --version` text, e.g. "ccbench 0.1.0 (git 1a2b3c, Release)".
std::string version_line();

}  // namespace ccb::harness
