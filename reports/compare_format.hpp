// reports/compare_format.hpp — renders a Comparison as a text table, GitHub markdown or JSON.
//
// Guarantees:
//  - All three forms carry the same facts: every point with its verdict (and, for noisy, the
//    reason), the newly-failing, only-in-one-file and not-compared lists, the warnings, the summary
//    line and the gate outcome. Nothing is omitted for brevity; markdown folds unchanged points and
//    the unmatched lists into <details>, never the newly failing points. Point and file names are
//    code spans escaped by common::md_code (a `|` in a table cell is written `\|`, a name holding
//    backticks gets a longer fence), so no name can break the table or a code span. Every other
//    text from the files (warnings, error reasons, the gate message, file names in the summary)
//    goes through common::md_text, and into a <summary> title as HTML (fmt::html), so none can
//    add a line, a heading, a link, an image or an HTML tag to the markdown.
//  - format_json() produces valid JSON through nlohmann only; a value that does not exist (no
//    interval, no adjusted p for a noisy point) is null, never NaN or Inf. Bytes of a file name
//    that are not UTF-8 become U+FFFD (the results files themselves are valid UTF-8).
//  - The table and the markdown show the control characters of the files' text (ESC, BEL, NUL,
//    CR, C1 controls) as visible escapes (common::visible_text: "\x1b"), and so does
//    `ccbench compare` on stderr; JSON keeps the text exact, escaped as JSON.
//  - Output is deterministic for a given Comparison.
//  - `ccbench compare` (reports/cli.cpp) writes every warning to stderr, whatever the format and
//    destination, so stdout holds only the document (`--format json` on stdout always parses);
//    the table it prints to stdout leaves its warning lines out (format_table(c, false)), the
//    markdown, JSON and any --out file keep them.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "reports/compare.hpp"

namespace ccb::reports {

enum class CompareFormat { Table, Markdown, Json };

// summary_line() is one line: counts per verdict, newly failing count, geomean with its interval,
// unmatched counts.
std::string summary_line(const Comparison& c);
// gate_line() is "gate (--fail-on X): passed|FAILED: <why>".
std::string gate_line(const Comparison& c);

// format_table() with `with_warnings` false leaves out the "warning: …" lines (`ccbench compare`
// prints them to stderr and the table to stdout).
std::string format_table(const Comparison& c, bool with_warnings = true);
std::string format_markdown(const Comparison& c);
nlohmann::ordered_json to_json(const Comparison& c);
std::string format_json(const Comparison& c);  // common::json_text(to_json(c)): never throws

std::string format_comparison(const Comparison& c, CompareFormat f);

}  // namespace ccb::reports
