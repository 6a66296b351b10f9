// harness/list_syntax.hpp — the value and LIST syntax of the command line.
//
//   integer   decimal digits with an optional sign ("200000", "-1"), or a mantissa of digits
//             with an exponent ("1e6", "2E5", "25e4") when the result is an exact integer.
//             Anything else (1.5, 0x10, 1e-3, "", "12abc", values beyond 64 bits) is rejected.
//   LIST      comma-separated items; an item is one value or, for integers, a range "a..b" that
//             expands to a, 2a, 4a, ... b (b must be a times a power of two; a >= 1): "1..8" is
//             1,2,4,8 and "1,16..64" is 1,16,32,64. Empty items and repeated values are errors.
// Guarantees: every function returns values in the order written, validated against the given
// bounds or choices, integers in canonical decimal form ("1e6" -> "1000000"), so point names stay
// stable however a value was typed. Every failure throws UsageError whose message names the
// option, quotes the bad text and states what is valid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/registry.hpp"

namespace ccb::harness {

// split() splits `text` at every `sep` (keeping empty pieces).
std::vector<std::string> split(std::string_view text, char sep);

// join() joins `items` with `sep`.
std::string join(const std::vector<std::string>& items, std::string_view sep);

// parse_integer() returns the value of `text` in the integer syntax above, or nullopt.
std::optional<int64_t> parse_integer(std::string_view text);

// parse_int_in_range() parses one integer for option `what` and checks min..max.
// Throws UsageError.
int64_t parse_int_in_range(std::string_view text, const std::string& what, int64_t min,
                           int64_t max);

// parse_seconds() parses a non-negative decimal number of seconds (e.g. "0.5", "2") for option
// `what`, from `min` to `max`. Throws UsageError naming both.
double parse_seconds(std::string_view text, const std::string& what, double max, double min = 0);

// parse_int_list() parses an integer LIST for option `what`, each value within min..max.
// Throws UsageError.
std::vector<int64_t> parse_int_list(std::string_view text, const std::string& what, int64_t min,
                                    int64_t max);

// parse_param_values() parses the LIST given to `--set NAME=LIST` against `spec`: integers for
// Int parameters (within spec.min..spec.max), members of spec.choices for Choice parameters.
// `what` names the context in messages (e.g. "--set n (pingpong)"). Returns canonical strings.
// Throws UsageError.
std::vector<std::string> parse_param_values(const ccb::workloads::ParamSpec& spec,
                                            std::string_view text, const std::string& what);

// allowed_values() describes what `spec` accepts, e.g. "1..1000000000" or "mutex|atomic".
std::string allowed_values(const ccb::workloads::ParamSpec& spec);

}  // namespace ccb::harness
