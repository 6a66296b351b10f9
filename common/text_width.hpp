// common/text_width.hpp — how many terminal columns a piece of text takes, for the aligned text
// tables (`ccbench run`'s table, its latency and spawn tables, `ccbench compare`'s table,
// `ccbench calibrate`'s noise floors, `ccbench list`). Markdown and CSV are not padded.
// Guarantees:
//  - display_width() counts columns, not bytes: a code point of a UTF-8 string counts what glibc's
//    wcwidth() says under the C.UTF-8 locale (East Asian wide characters 2, combining marks 0,
//    other printable characters 1); a code point wcwidth() calls unprintable (a control character)
//    counts 1, as does every byte that is not part of a valid UTF-8 sequence (overlong forms,
//    surrogates, values past U+10FFFF, a truncated sequence): any bytes give a finite width in one
//    pass, never an exception.
//  - The process's locale is never changed: the C.UTF-8 locale is made with newlocale() and used
//    with uselocale() on the calling thread only, for the duration of the call. Where C.UTF-8 does
//    not exist, every valid code point counts 1.
//  - pad() appends or prepends spaces up to `width` columns (none when the text is already that
//    wide or wider).
//  - render_columns() is the one layout of every aligned table: each column as wide as its widest
//    cell, and no line ends in spaces.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ccb::common {

std::size_t display_width(std::string_view s);

// pad() returns `s` padded with spaces to `width` display columns: on the right (left-aligned
// text) or, with `right_align`, on the left.
std::string pad(std::string_view s, std::size_t width, bool right_align = false);

// render_columns() lays `rows` (the header first, if any) out as aligned text, one line per row,
// each ending in '\n': every column padded to its widest cell in display columns, right-aligned
// where `right_aligned[i]` is true (a column past its end is left-aligned), cells separated by
// `separator`, each line starting with `indent`; trailing spaces are cut, so no line ends in
// spaces (a left-aligned last column is not padded). Rows may differ in length; a missing cell
// is empty.
std::string render_columns(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right_aligned,
                           std::string_view separator = "  ", std::string_view indent = "");

}  // namespace ccb::common
