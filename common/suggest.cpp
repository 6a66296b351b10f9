// common/suggest.cpp — see suggest.hpp.
#include "common/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>

namespace ccb::common {

namespace {

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Optimal string alignment distance (Levenshtein plus adjacent swaps), O(|a| |b|).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

}  // namespace

std::string closest_name(const std::string& typed, const std::vector<std::string>& names) {
  const std::string t = lower(typed);
  if (t.empty()) return {};
  // Leading dashes of an option do not count towards its length: "--proc" is a 4-letter name.
  const std::size_t letters = t.size() - std::min(t.find_first_not_of('-'), t.size());
  const std::size_t limit = letters <= 5 ? 1 : 2;
  std::string best;
  std::size_t best_d = limit + 1;
  bool tie = false;
  for (const auto& name : names) {
    if (name == typed) return {};  // not mistyped
    const std::string n = lower(name);
    const std::size_t d = edit_distance(t, n);
    if (d < best_d) {
      best = name, best_d = d, tie = false;
    } else if (d == best_d && lower(best) != n) {
      tie = true;
    }
  }
  if (!best.empty() && !tie) return best;
  if (letters < 3) return {};
  std::string prefixed;
  for (const auto& name : names) {
    if (lower(name).rfind(t, 0) != 0) continue;
    if (!prefixed.empty()) return {};
    prefixed = name;
  }
  return prefixed;
}

std::string did_you_mean(const std::string& typed, const std::vector<std::string>& names) {
  const std::string name = closest_name(typed, names);
  return name.empty() ? std::string() : " (did you mean '" + name + "'?)";
}

}  // namespace ccb::common
