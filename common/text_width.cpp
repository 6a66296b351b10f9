// common/text_width.cpp — see text_width.hpp.
#include "common/text_width.hpp"

#include <locale.h>

#include <cwchar>

namespace ccb::common {
namespace {

// decode() reads one UTF-8 code point at s[i] and advances i past it; returns -1 (and advances one
// byte) for a byte that does not start a valid, shortest-form sequence.
long decode(std::string_view s, std::size_t& i) {
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

// utf8_locale() is C.UTF-8 made once for this module (never freed), or 0 where it does not exist.
locale_t utf8_locale() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

}  // namespace

std::size_t display_width(std::string_view s) {
  const locale_t loc = utf8_locale();
  const locale_t previous = loc ? uselocale(loc) : static_cast<locale_t>(0);
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    const long cp = decode(s, i);
    if (cp < 0x80 || !loc) {  // ASCII, an invalid byte, or no C.UTF-8 to ask
      ++width;
      continue;
    }
    const int w = wcwidth(static_cast<wchar_t>(cp));
    width += w < 0 ? 1 : static_cast<std::size_t>(w);
  }
  if (loc) uselocale(previous);
  return width;
}

std::string pad(std::string_view s, std::size_t width, bool right_align) {
  const std::size_t w = display_width(s);
  const std::string spaces(width > w ? width - w : 0, ' ');
  return right_align ? spaces + std::string(s) : std::string(s) + spaces;
}

}  // namespace ccb::common
