// common/markdown.cpp — see markdown.hpp.
#include "common/markdown.hpp"

#include <algorithm>

#include "common/visible_text.hpp"

namespace ccb::common {

namespace {

// one_line() is `s` with each line break (CR, LF) made a space, then visible_text() (the other
// control characters as escapes).
std::string one_line(std::string_view s) {
  std::string line(s);
  std::replace_if(line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return visible_text(line);
}

}  // namespace

std::string md_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool leading = true;  // only blanks so far: a `#` or `>` here would start a heading or a quote
  for (char c : one_line(s)) {
    if (c == '\\' || c == '|' || c == '`' || c == '<' || c == '[' || c == ']' || (leading && (c == '#' || c == '>')))
      out += '\\';
    out += c;
    leading = leading && c == ' ';
  }
  return out;
}

std::string md_code(std::string_view s, bool in_table) {
  std::size_t longest = 0, run = 0;
  std::string body;
  body.reserve(s.size());
  for (char c : one_line(s)) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (in_table && c == '|') body += '\\';
    body += c;
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

}  // namespace ccb::common
