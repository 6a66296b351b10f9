// harness/posix_regex.cpp — see posix_regex.hpp.
#include "harness/posix_regex.hpp"

#include <stdexcept>

namespace ccb::harness {

PosixRegex::PosixRegex(const std::string& pattern) {
  const int rc = regcomp(&re_, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char buf[256];
    regerror(rc, &re_, buf, sizeof buf);
    throw std::invalid_argument(buf);
  }
}

PosixRegex::~PosixRegex() { regfree(&re_); }

bool PosixRegex::search(const std::string& text) const {
  return regexec(&re_, text.c_str(), 0, nullptr, 0) == 0;
}

}  // namespace ccb::harness
