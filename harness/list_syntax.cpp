// harness/list_syntax.cpp — see list_syntax.hpp.
#include "harness/list_syntax.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "harness/errors.hpp"

namespace ccb::harness {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string in_quotes(std::string_view s) {
  std::string out(1, '\'');
  return out.append(s).append(1, '\'');
}

// integer_syntax() is true when `s` is written as an integer (sign, digits, optional exponent
// digits), whether or not its value fits in 64 bits.
bool integer_syntax(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  size_t e = s.find_first_of("eE");
  if (e == std::string_view::npos) return all_digits(s);
  return all_digits(s.substr(0, e)) && all_digits(s.substr(e + 1));
}

// expand_range() expands "a..b" (already split) into a, 2a, 4a, ..., b.
std::vector<int64_t> expand_range(std::string_view item, int64_t a, int64_t b,
                                  const std::string& what) {
  if (a < 1 || b < a)
    throw UsageError(what + ": range " + in_quotes(item) +
                     " must run upwards from a value >= 1 (e.g. 1..8 = 1,2,4,8)");
  std::vector<int64_t> out;
  for (int64_t v = a;; v *= 2) {
    out.push_back(v);
    if (v == b) return out;
    if (v > b / 2)
      throw UsageError(what + ": range " + in_quotes(item) + " expands by doubling (" +
                       std::to_string(a) + "," + std::to_string(a * 2) + ",...), which never reaches " +
                       std::to_string(b) + "; end it at " + std::to_string(v) +
                       " or list the values with commas");
  }
}

void check_no_duplicates(const std::vector<std::string>& values, const std::string& what) {
  std::set<std::string> seen;
  for (const auto& v : values)
    if (!seen.insert(v).second)
      throw UsageError(what + ": value " + v + " is listed twice");
}

}  // namespace

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t pos = text.find(sep, start);
    if (pos == std::string_view::npos) {
      out.emplace_back(text.substr(start));
      return out;
    }
    out.emplace_back(text.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::optional<int64_t> parse_integer(std::string_view text) {
  bool negative = false;
  std::string_view body = text;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  std::string_view mantissa = body, exponent;
  if (size_t e = body.find_first_of("eE"); e != std::string_view::npos) {
    mantissa = body.substr(0, e);
    exponent = body.substr(e + 1);
    if (!all_digits(exponent)) return std::nullopt;
  }
  if (!all_digits(mantissa)) return std::nullopt;
  uint64_t m = 0;
  auto [p, ec] = std::from_chars(mantissa.data(), mantissa.data() + mantissa.size(), m);
  if (ec != std::errc() || p != mantissa.data() + mantissa.size()) return std::nullopt;
  if (!exponent.empty()) {
    if (exponent.size() > 2) return std::nullopt;
    int e = std::stoi(std::string(exponent));
    for (int i = 0; i < e && m != 0; ++i) {
      if (m > std::numeric_limits<uint64_t>::max() / 10) return std::nullopt;
      m *= 10;
    }
  }
  constexpr uint64_t kMaxPos = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!negative && m > kMaxPos) return std::nullopt;
  if (negative && m > kMaxPos + 1) return std::nullopt;
  if (negative) return m == kMaxPos + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(m);
  return static_cast<int64_t>(m);
}

int64_t parse_int_in_range(std::string_view text, const std::string& what, int64_t min,
                           int64_t max) {
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  std::optional<int64_t> v = parse_integer(text);
  if (!v) {
    if (integer_syntax(text))  // well-formed but beyond 64 bits
      throw UsageError(what + ": " + in_quotes(text) + " is out of range; valid: " + range);
    throw UsageError(what + ": " + in_quotes(text) + " is not an integer (write e.g. 1000000 or 1e6); valid: " + range);
  }
  if (*v < min || *v > max)
    throw UsageError(what + ": " + in_quotes(text) + " is out of range; valid: " + range);
  return *v;
}

double parse_seconds(std::string_view text, const std::string& what, double max, double min) {
  const std::string s(text);
  size_t used = 0;
  double v = 0;
  // decimal only: std::stod would also take hexadecimal ("0x1p-4") and "inf"/"nan" forms
  bool ok = !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.') &&
            s.find_first_not_of("0123456789.eE+-") == std::string::npos;
  if (ok) {
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (!ok || used != s.size() || !std::isfinite(v) || v < min || v > max) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g..%g", min, max);
    throw UsageError(what + ": " + in_quotes(text) + " is not a number of seconds in " + buf);
  }
  return v;
}

std::vector<int64_t> parse_int_list(std::string_view text, const std::string& what, int64_t min,
                                    int64_t max) {
  if (text.empty())
    throw UsageError(what + ": empty list; write e.g. 1,2,4 or 1..8");
  std::vector<int64_t> out;
  for (const std::string& item : split(text, ',')) {
    if (item.empty())
      throw UsageError(what + ": empty item in " + in_quotes(text) + "; write e.g. 1,2,4 or 1..8");
    if (size_t dots = item.find(".."); dots != std::string::npos) {
      int64_t a = parse_int_in_range(std::string_view(item).substr(0, dots), what, min, max);
      int64_t b = parse_int_in_range(std::string_view(item).substr(dots + 2), what, min, max);
      for (int64_t v : expand_range(item, a, b, what)) out.push_back(v);
    } else {
      // "1-4" or "2:8": a range in another tool's syntax; "is not an integer" alone would not say
      // how to write it here.
      if (size_t sep = item.find_first_of("-:", 1); sep != std::string::npos && integer_syntax(item.substr(0, sep)) &&
                                                    integer_syntax(item.substr(sep + 1)))
        throw UsageError(what + ": " + in_quotes(item) + " is not an integer; a range is written with two dots, " +
                         item.substr(0, sep) + ".." + item.substr(sep + 1) + " (it doubles: 1..8 = 1,2,4,8)");
      out.push_back(parse_int_in_range(item, what, min, max));
    }
  }
  std::vector<std::string> as_text;
  for (int64_t v : out) as_text.push_back(std::to_string(v));
  check_no_duplicates(as_text, what);
  return out;
}

std::string allowed_values(const ccb::workloads::ParamSpec& spec) {
  if (spec.type == ccb::workloads::ParamType::Choice) return join(spec.choices, "|");
  return std::to_string(spec.min) + ".." + std::to_string(spec.max);
}

std::vector<std::string> parse_param_values(const ccb::workloads::ParamSpec& spec,
                                            std::string_view text, const std::string& what) {
  std::vector<std::string> out;
  if (spec.type == ccb::workloads::ParamType::Int) {
    for (int64_t v : parse_int_list(text, what, spec.min, spec.max)) out.push_back(std::to_string(v));
    return out;
  }
  if (text.empty())
    throw UsageError(what + ": empty list; valid: " + join(spec.choices, ", "));
  for (const std::string& item : split(text, ',')) {
    if (std::find(spec.choices.begin(), spec.choices.end(), item) == spec.choices.end())
      throw UsageError(what + ": " + in_quotes(item) + " is not a valid choice; valid: " +
                       join(spec.choices, ", "));
    out.push_back(item);
  }
  check_no_duplicates(out, what);
  return out;
}

}  // namespace ccb::harness
