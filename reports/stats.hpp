// reports/stats.hpp — the statistics behind `ccbench compare`: summary statistics, the Mann-Whitney U
// test, seeded bootstrap confidence intervals, the geometric mean and Holm–Bonferroni adjustment.
//
// Guarantees:
//  - Pure functions of their arguments; nothing returns NaN or Inf for inputs they accept. Inputs
//    are finite (results_loader guarantees it); preconditions are listed per function and violated
//    ones throw std::invalid_argument.
//  - Bootstrap results are deterministic: the generator is std::mt19937_64 (its output sequence is
//    fixed by the C++ standard) and uniforms are its top 53 bits, not std::uniform_real_distribution
//    (whose output differs between standard libraries). Same inputs + same seed = same interval
//    (up to the last bits of libm's log/exp/lgamma, which the method below uses).
//  - A bootstrap costs O(n log n) per sample of n values, then O(log n) per resample: the median of
//    a resample is drawn from its exact distribution (the resample's k-th smallest value is the
//    J-th of the sorted sample, P(J <= j) = P(Binomial(n, j/n) >= k)), not by drawing n values.
//    It has the same distribution as drawing the resample; drawing it cost 2000 * n draws per
//    interval (a point with 300k samples per side took 76 s in compare).
// Sources: Mann & Whitney (1947): the exact null distribution of U for small samples without ties
// (as scipy.stats.mannwhitneyu(method="exact")), otherwise the normal approximation with tie and
// continuity corrections (scipy's method="asymptotic", which Google Benchmark's compare.py calls);
// Efron & Tibshirani, "An Introduction to the Bootstrap" (1993), percentile intervals; the exact
// bootstrap distribution of the median: Efron (1979, "Bootstrap methods: another look at the
// jackknife", section 3) and Maritz & Jarrett (1978, "A note on estimating the variance of the
// sample median", JASA 73);
// Holm, "A simple sequentially rejective multiple test procedure" (1979).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace ccb::reports::stats {

// Number of bootstrap resamples per interval. Percentile intervals need on the order of 1000+
// resamples for stable tails (Efron & Tibshirani); 2000 cost well under 1 ms per point of 10
// samples, and well under a second for 1M samples per side (mostly sorting them).
inline constexpr int kBootstrapResamples = 2000;

// median() of a non-empty sample (mean of the two middle values for even sizes).
double median(std::span<const double> v);
// mean() of a non-empty sample.
double mean(std::span<const double> v);
// stddev() is the sample standard deviation (n-1 denominator); 0 for fewer than two values.
double stddev(std::span<const double> v);
// cv() is stddev/mean; nullopt for fewer than two values or a zero mean.
std::optional<double> cv(std::span<const double> v);

// kExactMaxProduct: mann_whitney_u() uses the exact distribution when n1*n2 is at most this and no
// value is tied. The counting costs O(min(n1,n2) * (n1*n2) * max(n1,n2)) additions: 3-8 ms at
// 50 vs 50 on the shared dev VM. The normal approximation is close to exact well before that size;
// at 7 vs 7 it is not: its smallest p is 0.0022 against the exact 0.00058, which decides whether
// ~50 points tested together can reach significance at all.
inline constexpr std::size_t kExactMaxProduct = 2500;

// MannWhitney is the two-sided Mann-Whitney U test of "a and b come from the same distribution".
struct MannWhitney {
  double u = 0;        // U statistic of `a`: number of pairs (x in a, y in b) with x > y, ties count 1/2
  double z = 0;        // |U - n1*n2/2| - 0.5, divided by the tie-corrected standard deviation
  double p = 1;        // two-sided p-value, in [0, 1]: exact or normal approximation (see `exact`)
  bool exact = false;  // true when p comes from the exact distribution of U
};
// mann_whitney_u() ranks both samples together (ties get their average rank).
//  - No tied values and n1*n2 <= kExactMaxProduct: p is exact, p = 2 * P(U' <= min(U, n1*n2 - U))
//    under the null distribution of U' (all C(n1+n2, n1) orderings equally likely), at most 1.
//    E.g. complete separation: 2/C(10,5) = 0.00794 at 5 vs 5, 2/C(14,7) = 0.000583 at 7 vs 7.
//  - Otherwise the normal approximation:
//      sigma = sqrt(n1*n2/12 * ((n+1) - sum(t^3 - t) / (n*(n-1))))   over tie groups of size t,
//      p = erfc(z / sqrt(2)) clamped to [0, 1].
// z is computed either way. When every value is tied (sigma = 0) p is 1. Requires: both samples
// non-empty.
MannWhitney mann_whitney_u(std::span<const double> a, std::span<const double> b);
// mann_whitney_uses_exact() is whether mann_whitney_u() uses the exact distribution for sample sizes
// n1, n2 with (`ties`) or without tied values.
bool mann_whitney_uses_exact(std::size_t n1, std::size_t n2, bool ties);
// mann_whitney_min_p() is the p mann_whitney_u() returns for sample sizes n1, n2 at complete
// separation without ties (the smallest p of untied samples): what a point can reach at best
// before multiple-test adjustment. 1 when a size is 0.
double mann_whitney_min_p(std::size_t n1, std::size_t n2);

// Interval is a two-sided confidence interval.
struct Interval {
  double low = 0;
  double high = 0;
};

// seed_for() derives a bootstrap seed from a point name (FNV-1a), so a point's interval does not
// depend on which other points a file holds or their order.
std::uint64_t seed_for(std::string_view name);

// bootstrap_ratio_ci() is the percentile bootstrap interval, at `confidence` (e.g. 0.95), of
// median(next)/median(base): each resample draws both samples with replacement independently.
// Requires: both samples non-empty, 0 < confidence < 1. Resamples whose base median is 0 are
// skipped; if all are, the result is nullopt.
std::optional<Interval> bootstrap_ratio_ci(std::span<const double> base, std::span<const double> next,
                                           double confidence, std::uint64_t seed,
                                           int resamples = kBootstrapResamples);

// geomean() of positive values: exp(mean(log(v))). Requires: v non-empty, every value > 0.
double geomean(std::span<const double> v);

// SamplePair is one point's (base, next) samples.
using SamplePair = std::pair<std::span<const double>, std::span<const double>>;
// bootstrap_geomean_ci() is the percentile interval of the geometric mean of per-point ratios of
// medians. Each resample redraws every point's two samples (a within-point, "fixed set of points"
// bootstrap: the points are what the suite defines, the noise is in the repetitions).
// Requires: pairs non-empty, every sample non-empty with a positive median.
std::optional<Interval> bootstrap_geomean_ci(const std::vector<SamplePair>& pairs, double confidence,
                                             std::uint64_t seed, int resamples = kBootstrapResamples);

// holm_bonferroni() returns Holm-adjusted p-values in the order given: with p sorted ascending,
// adj(i) = max over j <= i of min(1, (m - j) * p(j)) for 0-based j. Rejecting adj < alpha controls
// the family-wise error rate at alpha under any dependence between the tests.
std::vector<double> holm_bonferroni(std::span<const double> p);

}  // namespace ccb::reports::stats
