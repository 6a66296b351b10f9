// common/visible_text.hpp — text from results files (point names, parameters, errors, warnings)
// and the command line (file names) made safe to print: in `ccbench compare`'s text table and
// messages, in markdown (common/markdown.hpp) and in the HTML report (reports/format_util.hpp).
// Guarantees:
//  - visible_text() returns valid UTF-8 without control characters or bidirectional overrides,
//    whatever bytes `s` holds: a hostile point name holding ESC could retitle or clear the
//    terminal, one holding U+202E reversed the rest of its line, and a file name in Latin-1 made
//    index.html invalid UTF-8. The newlines a format writes itself never pass here.
//  - decode_utf8() is the one UTF-8 decoder of common/ (text_width.cpp counts columns with it).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ccb::common {

// visible_text() is `s` with every C0 control character (U+0000-U+001F, line breaks and tabs
// included) and DEL written as a visible escape ("\x1b", "\x0a", "\x7f"), every C1 control
// character (U+0080-U+009F) and every bidirectional control or line/paragraph separator (U+061C,
// U+200E, U+200F, U+2028-U+202E, U+2066-U+2069) as "\u009b", "\u202e", and every byte that is not
// part of valid UTF-8 replaced by U+FFFD (as common::json_text does). Other text is kept as it is.
std::string visible_text(std::string_view s);

// decode_utf8() reads one UTF-8 code point at s[i] and advances i past it; returns -1 (and advances
// one byte) for a byte that does not start a valid, shortest-form sequence (overlong forms,
// surrogates, values past U+10FFFF, a truncated sequence). Requires: i < s.size().
long decode_utf8(std::string_view s, std::size_t& i);

// is_utf8() is true when every byte of `s` is part of valid UTF-8 (as decode_utf8() reads it): text
// that the results JSON keeps as it is, where other bytes become U+FFFD.
bool is_utf8(std::string_view s);

}  // namespace ccb::common
