// common/ratio_text.hpp — ratio_text(r) is how a ratio of medians (ccbench/go, ccbench/threads) is
// printed everywhere: `ccbench run`'s table (with an "x"), the report's tables (with "×") and, in
// Python, its ratio chart (reports/chart_axes.py's ratio_text, which must stay the same rule).
// Two decimals from 0.1 on ("0.35", "1.00"); two significant digits below ("0.0039", not "0.00",
// which read as "takes no time"); an exponent from 1e4 on ("1.00e+04", not a dozen digits).
// A non-finite r is "n/a".
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace ccb::common {

inline constexpr double kRatioExponentFrom = 1e4;

inline std::string ratio_text(double r) {
  if (!std::isfinite(r)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, r >= kRatioExponentFrom ? "%.2e" : r >= 0.1 ? "%.2f" : "%.2g", r);
  return buf;
}

}  // namespace ccb::common
