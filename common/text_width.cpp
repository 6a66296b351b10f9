// common/text_width.cpp — see text_width.hpp.
#include "common/text_width.hpp"

#include <locale.h>

#include <algorithm>
#include <cwchar>

#include "common/visible_text.hpp"

namespace ccb::common {
namespace {

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
    const long cp = decode_utf8(s, i);
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

std::string render_columns(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right_aligned,
                           std::string_view separator, std::string_view indent) {
  std::vector<std::size_t> width;
  for (const auto& r : rows) {
    if (r.size() > width.size()) width.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], display_width(r[i]));
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line(indent);
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string_view cell = i < r.size() ? std::string_view(r[i]) : std::string_view();
      const bool right = i < right_aligned.size() && right_aligned[i];
      if (i) line += separator;
      line += pad(cell, width[i], right);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

}  // namespace ccb::common
