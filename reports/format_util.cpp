// reports/format_util.cpp — see format_util.hpp.
#include "reports/format_util.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/ratio_text.hpp"
#include "common/visible_text.hpp"

namespace ccb::reports::fmt {
namespace {

// From here on fixed() and sig() show an exponent: past a million, fixed-point digits (a ratio of
// 1e12 as "1000000000000.000") are unreadable.
constexpr double kExponentFrom = 1e6;

std::string printf_double(const char* format, int precision, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, precision, v);
  return buf;
}

// rounded() is v to `digits` significant digits, as sig() prints it: sig() counts decimals, and
// ns() and si() pick their unit, from it, so 0.99997 is "1.000" and 999.97 ns "1.000 µs" (not
// "1.0000" and "1000.0 ns").
double rounded(double v, int digits) { return std::strtod(printf_double("%.*e", digits - 1, v).c_str(), nullptr); }

}  // namespace

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  if (std::fabs(v) >= kExponentFrom) return printf_double("%.*e", 2, v);
  return printf_double("%.*f", decimals, v);
}

std::string sig(double v, int digits) {
  if (!std::isfinite(v)) return "n/a";
  if (v == 0) return "0";
  const double r = std::fabs(rounded(v, digits));
  const int magnitude = static_cast<int>(std::floor(std::log10(r)));
  if (r >= kExponentFrom) return printf_double("%.*e", digits - 1, v);
  const int decimals = std::max(0, digits - 1 - magnitude);
  return printf_double("%.*f", decimals, v);
}

std::string ratio(double r) { return common::ratio_text(r); }

std::string plain(double v) {
  if (!std::isfinite(v)) return "n/a";
  return printf_double("%.*g", 6, v);
}

std::string ns(double v) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::fabs(rounded(v, 4));
  if (a >= 1e9) return sig(v / 1e9) + " s";
  if (a >= 1e6) return sig(v / 1e6) + " ms";
  if (a >= 1e3) return sig(v / 1e3) + " \u00b5s";
  return sig(v) + " ns";
}

std::string si(double v) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::fabs(rounded(v, 3));
  if (a >= 1e9) return sig(v / 1e9, 3) + " G";
  if (a >= 1e6) return sig(v / 1e6, 3) + " M";
  if (a >= 1e3) return sig(v / 1e3, 3) + " k";
  return sig(v, 3);
}

std::string pct(double fraction, int decimals, bool sign) {
  if (!std::isfinite(fraction)) return "n/a";
  std::string s = fixed(fraction * 100, decimals);
  if (s.size() > 1 && s[0] == '-' && s.find_first_not_of("0.", 1) == std::string::npos) s.erase(0, 1);  // no "-0.0%"
  if (sign && s[0] != '-') s.insert(s.begin(), '+');
  return s + "%";
}

std::string confidence(double alpha) {
  if (!std::isfinite(alpha)) return "n/a";
  // In long double, 100 - 100 * alpha keeps alpha's digits down to alpha ~ 1e-12 (x86: 64-bit
  // mantissa); the first number of decimals whose rounding error is within 1e-6 of alpha wins.
  const long double a = 100.0L * alpha;
  const long double level = 100.0L - a;
  for (int decimals = 0; decimals <= 18; ++decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*Lf", decimals, level);
    if (std::fabs(std::strtold(buf, nullptr) - level) <= 1e-6L * std::fabs(a)) return std::string(buf) + "%";
  }
  return "(100 - " + plain(static_cast<double>(a)) + ")%";  // alpha below ~1e-14: no decimal form fits
}

std::string pvalue(double p) {
  if (!std::isfinite(p)) return "n/a";
  if (p < 0.0001) return "<0.0001";
  return fixed(p, 4);
}

std::string count(long long v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : common::visible_text(s)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string comma_list(const std::set<std::string>& names) {
  std::string t;
  for (const std::string& n : names) t += (t.empty() ? "" : ", ") + common::visible_text(n);
  return t;
}

}  // namespace ccb::reports::fmt
