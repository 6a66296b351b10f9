// tests/common/markdown_pipes.hpp — unescaped_pipes(): the test check shared by the harness's and
// the reports' markdown tests (a name holding `|` must not add a column to its table row).
#pragma once

#include <cstddef>
#include <string>

namespace ccb::test {

// unescaped_pipes() counts the `|` of a markdown table line that are not escaped as `\|`.
inline std::size_t unescaped_pipes(const std::string& line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') ++i;
    else if (line[i] == '|') ++n;
  }
  return n;
}

}  // namespace ccb::test
