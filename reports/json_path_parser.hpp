// reports/json_path_parser.hpp — strict JSON text -> nlohmann::ordered_json, with JSON-path errors.
//
// Guarantees:
//  - parse_json_strict() returns the document or throws InputError(file, path, message), where
//    `path` is the JSON path of the value being parsed when the problem was found
//    (e.g. `benchmarks[3].samples_ns[2]`, or "<root>" outside any container).
//  - Rejects (RFC 8259 plus the limits of results_loader.hpp): syntax errors and truncation (with
//    line and column), the non-standard literals NaN/Infinity (named as such), numbers that do not
//    fit a finite double, duplicate keys in one object, arrays longer than kMaxArrayElements
//    and arrays or objects nested deeper than kMaxNestingDepth (both rejected while parsing,
//    before they are stored), and empty input.
//  - Object keys keep their file order (ordered_json), so parameters display in declared order.
//  - Time is linear in the text size (expected; hashing keys), also for objects with many keys.
// Thread-safety: no shared state.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ccb::reports {

nlohmann::ordered_json parse_json_strict(const std::string& text, const std::string& file);

}  // namespace ccb::reports
