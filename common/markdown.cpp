// common/markdown.cpp — see markdown.hpp.
#include "common/markdown.hpp"

#include <algorithm>

namespace ccb::common {

std::string md_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool leading = true;  // only blanks so far: a `#` or `>` here would start a heading or a quote
  for (char c : s) {
    if (c == '\\' || c == '|' || c == '`' || c == '<' || c == '[' || c == ']' || (leading && (c == '#' || c == '>')))
      out += '\\';
    out += (c == '\n' || c == '\r') ? ' ' : c;
    leading = leading && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
  }
  return out;
}

std::string md_code(std::string_view s, bool in_table) {
  std::size_t longest = 0, run = 0;
  std::string body;
  body.reserve(s.size());
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (in_table && c == '|') body += '\\';
    body += (c == '\n' || c == '\r') ? ' ' : c;
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

}  // namespace ccb::common
