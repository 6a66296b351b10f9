// tests/runtime/atomic_pair_test.cpp — detail::AtomicPair (the 16-byte compare-and-swap under
// rate::Limiter): swap-on-match semantics and no torn or lost update under contention, on both the
// lock-free path and the forced locked path.
#include <gtest/gtest.h>

#include <ccb/detail/atomic_pair.hpp>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "procs_fixture.hpp"

using ccb::detail::AtomicPair;
using ccb::detail::Pair64;

namespace {

class AtomicPairTest : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(, AtomicPairTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) {
                           return std::string(i.param ? "lock_free_if_possible" : "locked");
                         });

TEST_P(AtomicPairTest, CompareExchangeSwapsOnlyOnAMatchAndReportsTheCurrentPair) {
  AtomicPair p(Pair64{1, 2}, GetParam());
  if (!GetParam()) {
    EXPECT_FALSE(p.lock_free());
  }
  Pair64 e{1, 3};
  EXPECT_FALSE(p.compare_exchange(e, Pair64{7, 7}));
  EXPECT_EQ(e, (Pair64{1, 2}));  // the current pair, not the half that matched
  e = Pair64{0, 2};
  EXPECT_FALSE(p.compare_exchange(e, Pair64{7, 7}));
  EXPECT_EQ(e, (Pair64{1, 2}));
  EXPECT_TRUE(p.compare_exchange(e, Pair64{~0ULL, 5}));
  EXPECT_EQ(p.load(), (Pair64{~0ULL, 5}));
  EXPECT_EQ(p.load_guess(), (Pair64{~0ULL, 5}));
}

#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
TEST(AtomicPair, IsLockFreeOnThisX86Machine) {
  // Every x86-64 CPU this project runs on has CMPXCHG16B; if one does not, this names it.
  EXPECT_TRUE(AtomicPair().lock_free()) << "CPU without CMPXCHG16B: Limiter falls back to a lock";
}
#endif

// Writers move {n, n + kGap} to {n + 1, n + 1 + kGap} by guess-and-swap; a reader checks that
// every consistent load keeps the gap. Lost updates show in the final count, tears in the gap.
TEST_P(AtomicPairTest, ContendedUpdatesAreNeitherTornNorLost) {
  constexpr uint64_t kGap = 1000;
  const int kPerThread = 200000 / kTsanDivisor;
  constexpr int kThreads = 4;
  AtomicPair p(Pair64{0, kGap}, GetParam());
  std::atomic<bool> stop{false};
  std::atomic<long> bad{0};
  std::thread reader([&] {
    while (!stop.load()) {
      Pair64 v = p.load();
      if (v.hi != v.lo + kGap) bad.fetch_add(1);
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        Pair64 cur = p.load_guess();
        while (!p.compare_exchange(cur, Pair64{cur.lo + 1, cur.lo + 1 + kGap})) {
        }
      }
    });
  for (auto& w : writers) w.join();
  stop.store(true);
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  const uint64_t total = uint64_t(kThreads) * kPerThread;
  EXPECT_EQ(p.load(), (Pair64{total, total + kGap}));
}

}  // namespace
