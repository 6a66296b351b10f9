// common/count_text.hpp — count_text(n, "point") is "1 point" or "2 points" (an "s" unless a plural
// is given): counts in messages, tables and summaries read "1 points" before.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ccb::common {

inline std::string count_text(std::size_t n, std::string_view singular, std::string_view plural = {}) {
  std::string s = std::to_string(n) + " ";
  if (n == 1) return s.append(singular);
  return plural.empty() ? s.append(singular).append("s") : s.append(plural);
}

}  // namespace ccb::common
