// common/markdown.hpp — escaping of arbitrary text (point names, parameters, file names, reasons,
// warnings) for the markdown that `ccbench run --format markdown` and `ccbench compare --format
// markdown` write (GitHub-flavoured markdown). Guarantees: the result stays on its line and never
// ends a table cell early, opens or closes a code span, nor starts a link, an image or an HTML
// tag, whatever bytes `s` holds: a results file's warning holding "\n### gate passed ![t](url)"
// made a heading and an image of compare's markdown.
#pragma once

#include <string>
#include <string_view>

namespace ccb::common {

// md_text() is `s` as plain markdown text, e.g. inside a table cell or a list item: `\` -> `\\`,
// `|` -> `\|`, '`' -> '\`', `<` -> `\<` (no HTML tag), `[` -> `\[` and `]` -> `\]` (no link or
// image), a leading `#` or `>` -> `\#`, `\>` (no heading or quote at the start of a list item), a
// line break (CR, LF) -> a space (a table row, a list item is one line), and any other control
// character to a visible escape (common::visible_text: "\x1b").
std::string md_text(std::string_view s);

// md_code() is `s` as a code span: fenced with one backtick more than the longest run of
// backticks in `s` (padded with a space when `s` starts or ends with one), line breaks -> spaces,
// other control characters -> visible escapes and bytes that are not UTF-8 (a Latin-1 file name)
// -> U+FFFD (common::visible_text).
// `in_table`: `|` -> `\|` too, which a GFM table cell requires even inside a code span (it renders
// as `|`); outside a table `\|` would render literally, so leave it false there.
std::string md_code(std::string_view s, bool in_table);

}  // namespace ccb::common
