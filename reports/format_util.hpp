// reports/format_util.hpp — number and text formatting shared by the compare output and the HTML
// report. Guarantees: every function returns plain text for any finite input; a non-finite input
// (which the loader never lets through) is rendered as "n/a", never "nan"/"inf".
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace ccb::reports::fmt {

// fixed() renders v with `decimals` digits after the point ("1.200"); from 1e6 in magnitude on,
// with 3 significant digits and an exponent ("1.00e+12"), so a huge ratio, percentage (pct()) or
// interval stays readable.
std::string fixed(double v, int decimals);
// sig() renders v with `digits` significant digits, without exponent below 1e6 in magnitude
// ("152.3", "12345"), with one from there on ("1.235e+09"; so ns() of 1e18 is "1.000e+09 s").
std::string sig(double v, int digits = 4);
// ratio() renders a ratio of medians as `ccbench run`'s table does, without its "x"
// (common::ratio_text): 2 decimals from 0.1 on ("0.35", "1.00"), 2 significant digits below
// ("0.0039", not "0.00", which read as "takes no time"), an exponent from 1e4 on ("1.00e+04").
std::string ratio(double r);
// plain() renders v in the shortest "%g" form: 0.05 -> "0.05", 1 -> "1".
std::string plain(double v);
// ns() renders a duration in ns with a readable unit and 4 significant digits: "152.3 ns",
// "12.35 µs", "4.210 ms", "1.234 s".
std::string ns(double v);
// si() renders a rate with an SI prefix and 3 significant digits: 4729658 -> "4.73 M".
std::string si(double v);
// pct() renders a fraction as a percentage: pct(0.2) = "20.0%"; with `sign`, "+20.0%" / "-3.1%".
std::string pct(double fraction, int decimals = 1, bool sign = false);
// confidence() renders the confidence level 1 - alpha as a percentage with just the decimals that
// show it exactly (to 6 significant digits of alpha, so it never rounds to 100%): 0.05 -> "95%",
// 0.005 -> "99.5%", 0.001 -> "99.9%", 0.0001234 -> "99.98766%". Requires: 0 < alpha < 1.
std::string confidence(double alpha);
// pvalue() renders a p-value: "0.0123", "<0.0001".
std::string pvalue(double p);
// count() renders an integer with thin grouping: 1234567 -> "1,234,567".
std::string count(long long v);
// html() escapes &, <, >, " and ' for HTML text and attribute values, after common::visible_text()
// (control characters from a results file, e.g. ESC or NUL, become "\x1b", "\x00"; bytes that are
// not UTF-8, e.g. of a Latin-1 file name, U+FFFD).
std::string html(std::string_view s);
// comma_list() joins names with ", ", each through common::visible_text ("ccbench, go").
std::string comma_list(const std::set<std::string>& names);

}  // namespace ccb::reports::fmt
