// harness/build_info.cpp — BuildInfo from the compile definitions harness/CMakeLists.txt sets on
// this file alone. Missing definitions (e.g. a build outside CMake) become "unknown".
#include "harness/build_info.hpp"

#ifndef CCB_VERSION
#define CCB_VERSION "unknown"
#endif
#ifndef CCB_GIT_COMMIT
#define CCB_GIT_COMMIT "unknown"
#endif
#ifndef CCB_BUILD_TYPE
#define CCB_BUILD_TYPE "unknown"
#endif
#ifndef CCB_COMPILER
#define CCB_COMPILER "unknown"
#endif
#ifndef CCB_COMPILER_FLAGS
#define CCB_COMPILER_FLAGS ""
#endif
#ifndef CCB_SANITIZER_NAME
#if defined(CCB_TSAN)
#define CCB_SANITIZER_NAME "thread"
#elif defined(CCB_ASAN)
#define CCB_SANITIZER_NAME "address"
#else
#define CCB_SANITIZER_NAME ""
#endif
#endif
#ifdef NDEBUG
#define CCB_NDEBUG_DEFINED true
#else
#define CCB_NDEBUG_DEFINED false
#endif

namespace ccb::harness {

const BuildInfo& build_info() {
  static const BuildInfo info{CCB_VERSION,  CCB_GIT_COMMIT,     CCB_BUILD_TYPE,
                              CCB_COMPILER, CCB_COMPILER_FLAGS, CCB_SANITIZER_NAME,
                              CCB_NDEBUG_DEFINED};
  return info;
}

std::string version_line() {
  const BuildInfo& b = build_info();
  std::string s = "ccbench " + b.version + " (git " + b.git_commit + ", " + b.build_type;
  if (!b.sanitizer.empty()) s += ", sanitizer " + b.sanitizer;
  return s + ")";
}

}  // namespace ccb::harness
