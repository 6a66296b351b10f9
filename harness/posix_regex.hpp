// harness/posix_regex.hpp — a POSIX extended regular expression (regcomp/regexec), the dialect
// of Google Benchmark's --benchmark_filter. Used for `run --filter` instead of std::regex, whose
// libstdc++ 12 implementation trips -Wmaybe-uninitialized in sanitizer builds with -Werror.
// Guarantees: the compiled expression is freed on destruction; search() is const and
// thread-compatible; a bad pattern throws std::invalid_argument with regerror's text.
#pragma once

#include <regex.h>

#include <string>

namespace ccb::harness {

class PosixRegex {
 public:
  // PosixRegex() compiles `pattern` (REG_EXTENDED). Throws std::invalid_argument.
  explicit PosixRegex(const std::string& pattern);
  ~PosixRegex();
  PosixRegex(const PosixRegex&) = delete;
  PosixRegex& operator=(const PosixRegex&) = delete;

  // search() is true when the expression matches anywhere in `text`.
  bool search(const std::string& text) const;

 private:
  regex_t re_;
};

}  // namespace ccb::harness
