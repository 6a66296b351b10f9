// common/visible_text.cpp — see visible_text.hpp.
#include "common/visible_text.hpp"

#include <cstdio>

namespace ccb::common {

long decode_utf8(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return s[i++];
  std::size_t len = b0 >= 0xC2 && b0 <= 0xDF ? 2 : b0 >= 0xE0 && b0 <= 0xEF ? 3 : b0 >= 0xF0 && b0 <= 0xF4 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return ++i, -1;
  long cp = b0 & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return ++i, -1;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const long min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return ++i, -1;
  i += len;
  return cp;
}

bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();)
    if (decode_utf8(s, i) < 0) return false;
  return true;
}

namespace {

// is_bidi_or_separator() is true for the invisible format characters that reorder or break the
// text around them: the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E,
// U+200F, U+202A-U+202E, U+2066-U+2069; a point name holding U+202E printed the rest of its line
// reversed, so "…/impl:go" could read as another point) and the line and paragraph separators
// (U+2028, U+2029).
bool is_bidi_or_separator(long cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string visible_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t at = i;
    const long cp = decode_utf8(s, i);
    char buf[24];  // "\\u" and up to 16 hex digits as far as the compiler can tell
    if (cp < 0) {
      out += "\uFFFD";
    } else if (cp < 0x20 || cp == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02lx", cp);
      out += buf;
    } else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_or_separator(cp)) {
      std::snprintf(buf, sizeof buf, "\\u%04lx", cp);
      out += buf;
    } else {
      out.append(s, at, i - at);
    }
  }
  return out;
}

}  // namespace ccb::common
