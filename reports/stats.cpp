// reports/stats.cpp — implementations of the statistics in stats.hpp (see there for the contract
// and the sources of each method).
#include "reports/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace ccb::reports::stats {
namespace {

void require_non_empty(std::span<const double> v, const char* what) {
  if (v.empty()) throw std::invalid_argument(std::string(what) + ": empty sample");
}

// median_in_place() reorders `v` (a scratch copy) to find its median.
double median_in_place(std::vector<double>& v) {
  const std::size_t n = v.size();
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(v.begin(), mid, v.end());
  double hi = *mid;
  if (n % 2 == 1) return hi;
  double lo = *std::max_element(v.begin(), mid);
  return lo + (hi - lo) / 2;
}

// bounded() draws uniformly from [0, n) with Lemire's multiply-and-reject method ("Fast Random
// Integer Generation in an Interval", 2019), so the sequence depends on mt19937_64 alone.
std::size_t bounded(std::mt19937_64& gen, std::uint64_t n) {
  unsigned __int128 m = static_cast<unsigned __int128>(gen()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(gen()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::size_t>(m >> 64);
}

// resample_median() draws src.size() values from src with replacement into scratch; returns median.
double resample_median(std::mt19937_64& gen, std::span<const double> src, std::vector<double>& scratch) {
  scratch.resize(src.size());
  for (double& x : scratch) x = src[bounded(gen, src.size())];
  return median_in_place(scratch);
}

// percentile_interval() is the central `confidence` interval of `values` (sorted here), with
// linear interpolation between order statistics.
Interval percentile_interval(std::vector<double>& values, double confidence) {
  std::sort(values.begin(), values.end());
  auto quantile = [&](double q) {
    const double pos = q * static_cast<double>(values.size() - 1);
    const auto i = static_cast<std::size_t>(std::floor(pos));
    const double frac = pos - static_cast<double>(i);
    if (i + 1 >= values.size()) return values.back();
    return values[i] + frac * (values[i + 1] - values[i]);
  };
  const double tail = (1 - confidence) / 2;
  return Interval{quantile(tail), quantile(1 - tail)};
}

void check_confidence(double confidence) {
  if (!(confidence > 0 && confidence < 1)) throw std::invalid_argument("confidence must be in (0, 1)");
}

}  // namespace

double median(std::span<const double> v) {
  require_non_empty(v, "median");
  std::vector<double> copy(v.begin(), v.end());
  return median_in_place(copy);
}

double mean(std::span<const double> v) {
  require_non_empty(v, "mean");
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double stddev(std::span<const double> v) {
  if (v.size() < 2) return 0;
  const double m = mean(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

std::optional<double> cv(std::span<const double> v) {
  if (v.size() < 2) return std::nullopt;
  const double m = mean(v);
  if (m == 0) return std::nullopt;
  return stddev(v) / m;
}

namespace {

// exact_two_sided_p() is the two-sided p of U = u under the exact null distribution of the
// Mann-Whitney U statistic for sample sizes n1, n2 without ties: every one of the C(n1+n2, n1)
// orderings of the pooled sample is equally likely. Counts come from the standard recurrence over
// the largest value, c(m, n, k) = c(m-1, n, k-n) + c(m, n-1, k) (Mann & Whitney 1947), kept in
// doubles (only additions, so no cancellation; C(100, 50) ~ 1e29 is far below the double range).
// p = 2 * P(U <= min(u, n1*n2 - u)), at most 1 — scipy.stats.mannwhitneyu(method="exact").
// Cost: O(min(n1,n2) * n1*n2 * max(n1,n2)) additions; callers keep n1*n2 <= kExactMaxProduct.
double exact_two_sided_p(std::size_t n1, std::size_t n2, double u) {
  const std::size_t m = std::min(n1, n2), n = std::max(n1, n2), max_u = n1 * n2;
  // f[j][k]: orderings of j values of the smaller sample and `col` of the larger with U = k.
  std::vector<std::vector<double>> f(m + 1, std::vector<double>(max_u + 1, 0.0));
  for (std::size_t j = 0; j <= m; ++j) f[j][0] = 1;  // col = 0: U is 0
  for (std::size_t col = 1; col <= n; ++col) {
    for (std::size_t j = 1; j <= m; ++j) {
      // new f[j][k] = new f[j-1][k-col] + old f[j][k]; f[j-1] already holds column `col`.
      for (std::size_t k = j * col; k >= col; --k) f[j][k] += f[j - 1][k - col];
    }
  }
  const std::vector<double>& counts = f[m];
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  const double lower = std::min(u, static_cast<double>(max_u) - u);
  double tail = 0;
  for (std::size_t k = 0; k <= max_u && static_cast<double>(k) <= lower + 1e-9; ++k) tail += counts[k];
  return std::clamp(2 * tail / total, 0.0, 1.0);
}

}  // namespace

bool mann_whitney_uses_exact(std::size_t n1, std::size_t n2, bool ties) {
  return !ties && n1 > 0 && n2 > 0 && n1 * n2 <= kExactMaxProduct;
}

MannWhitney mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  require_non_empty(a, "mann_whitney_u");
  require_non_empty(b, "mann_whitney_u");
  const std::size_t n1 = a.size(), n2 = b.size(), n = n1 + n2;
  // Pool (value, from_a) and rank with average ranks for ties; accumulate the tie term.
  std::vector<std::pair<double, bool>> pooled;
  pooled.reserve(n);
  for (double x : a) pooled.emplace_back(x, true);
  for (double y : b) pooled.emplace_back(y, false);
  std::sort(pooled.begin(), pooled.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  double rank_sum_a = 0, tie_term = 0;
  bool ties = false;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && pooled[j].first == pooled[i].first) ++j;
    const double t = static_cast<double>(j - i);
    if (j - i > 1) ties = true;
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // ranks are 1-based
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second) rank_sum_a += avg_rank;
    }
    tie_term += t * t * t - t;
    i = j;
  }
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2), dn = static_cast<double>(n);
  MannWhitney r;
  r.u = rank_sum_a - d1 * (d1 + 1) / 2;
  const double mu = d1 * d2 / 2;
  const double var = d1 * d2 / 12 * ((dn + 1) - (n > 1 ? tie_term / (dn * (dn - 1)) : 0));
  if (var <= 0) {
    r.z = 0;
    r.p = 1;
    return r;
  }
  r.z = (std::fabs(r.u - mu) - 0.5) / std::sqrt(var);
  if (mann_whitney_uses_exact(n1, n2, ties)) {
    r.exact = true;
    r.p = exact_two_sided_p(n1, n2, r.u);
  } else {
    r.p = std::clamp(std::erfc(r.z / std::sqrt(2.0)), 0.0, 1.0);
  }
  return r;
}

double mann_whitney_min_p(std::size_t n1, std::size_t n2) {
  if (n1 == 0 || n2 == 0) return 1;
  if (mann_whitney_uses_exact(n1, n2, false)) return exact_two_sided_p(n1, n2, 0);
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2);
  const double sigma = std::sqrt(d1 * d2 * (d1 + d2 + 1) / 12);
  if (sigma == 0) return 1;
  const double z = (d1 * d2 / 2 - 0.5) / sigma;
  return std::clamp(std::erfc(z / std::sqrt(2.0)), 0.0, 1.0);
}

std::uint64_t seed_for(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;  // FNV-1a 64-bit prime
  }
  return h;
}

std::optional<Interval> bootstrap_ratio_ci(std::span<const double> base, std::span<const double> next,
                                           double confidence, std::uint64_t seed, int resamples) {
  require_non_empty(base, "bootstrap_ratio_ci");
  require_non_empty(next, "bootstrap_ratio_ci");
  check_confidence(confidence);
  std::mt19937_64 gen(seed);
  std::vector<double> ratios, scratch;
  ratios.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) {
    const double mb = resample_median(gen, base, scratch);
    const double mn = resample_median(gen, next, scratch);
    if (mb > 0) ratios.push_back(mn / mb);
  }
  if (ratios.empty()) return std::nullopt;
  return percentile_interval(ratios, confidence);
}

double geomean(std::span<const double> v) {
  require_non_empty(v, "geomean");
  double log_sum = 0;
  for (double x : v) {
    if (!(x > 0)) throw std::invalid_argument("geomean: values must be positive");
    log_sum += std::log(x);
  }
  return std::exp(log_sum / static_cast<double>(v.size()));
}

std::optional<Interval> bootstrap_geomean_ci(const std::vector<SamplePair>& pairs, double confidence,
                                             std::uint64_t seed, int resamples) {
  if (pairs.empty()) throw std::invalid_argument("bootstrap_geomean_ci: no points");
  check_confidence(confidence);
  std::mt19937_64 gen(seed);
  std::vector<double> geomeans, scratch;
  geomeans.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) {
    double log_sum = 0;
    bool usable = true;
    for (const auto& [base, next] : pairs) {
      const double mb = resample_median(gen, base, scratch);
      const double mn = resample_median(gen, next, scratch);
      if (!(mb > 0 && mn > 0)) usable = false;  // keep drawing so the stream stays aligned
      else log_sum += std::log(mn / mb);
    }
    if (usable) geomeans.push_back(std::exp(log_sum / static_cast<double>(pairs.size())));
  }
  if (geomeans.empty()) return std::nullopt;
  return percentile_interval(geomeans, confidence);
}

std::vector<double> holm_bonferroni(std::span<const double> p) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) { return p[l] < p[r]; });
  std::vector<double> adjusted(m);
  double running_max = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const double scaled = std::min(1.0, static_cast<double>(m - j) * p[order[j]]);
    running_max = std::max(running_max, scaled);
    adjusted[order[j]] = running_max;
  }
  return adjusted;
}

}  // namespace ccb::reports::stats
