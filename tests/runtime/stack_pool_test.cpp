// tests/runtime/stack_pool_test.cpp — StackPool's reuse order (runtime/src/stack_pool.hpp, an
// internal): after configure(), the pooled stacks are handed out lowest address first, whatever
// order the previous run freed them in, without mapping new ones. configure() sorts only the part
// of the free list a run touched and merges it with the untouched, still ordered rest; these cases
// cover a touched tail below the rest (sort only) and one interleaved with it (sort and merge).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "stack_pool.hpp"

namespace {

using ccb::detail::LocalStackCache;
using ccb::detail::Stack;
using ccb::detail::StackPool;

constexpr std::size_t kStackSize = 64 * 1024;

class StackPoolOrder : public ::testing::Test {
 protected:
  void SetUp() override { pool_.configure(kStackSize); }
  void TearDown() override { pool_.release_all(); }

  std::vector<Stack*> alloc(std::size_t n) {
    std::vector<Stack*> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(pool_.alloc(cache_));
    return v;
  }
  // free_shuffled() frees `v` in a random order, as tasks exiting in any order do.
  void free_shuffled(std::vector<Stack*> v) {
    std::shuffle(v.begin(), v.end(), rng_);
    for (Stack* s : v) pool_.free(cache_, s);
  }
  // next_run() ends a run (the cache goes back to the pool) and starts the next one.
  void next_run() {
    pool_.give_back(cache_);
    pool_.configure(kStackSize);
    pool_.take_slab_rest(cache_);
  }
  // expect_ascending_reuse() allocates `expected.size()` stacks and checks they are exactly the
  // expected ones, in increasing address order, with no new stack mapped.
  void expect_ascending_reuse(const std::vector<Stack*>& expected) {
    const uint64_t mapped = pool_.stacks_allocated();
    const std::vector<Stack*> got = alloc(expected.size());
    EXPECT_EQ(pool_.stacks_allocated(), mapped) << "reuse mapped new stacks";
    EXPECT_TRUE(std::is_sorted(got.begin(), got.end())) << "stacks not handed out in address order";
    EXPECT_EQ(std::set<Stack*>(got.begin(), got.end()),
              std::set<Stack*>(expected.begin(), expected.end()));
    free_shuffled(got);
  }

  StackPool pool_;
  LocalStackCache cache_;
  std::mt19937_64 rng_{20261202};
};

TEST_F(StackPoolOrder, StacksFreedInAnyOrderAreReusedInAddressOrder) {
  const std::vector<Stack*> all = alloc(1000);  // several slabs, several cache spills
  free_shuffled(all);
  next_run();
  expect_ascending_reuse(all);
  next_run();  // the whole list was touched: sorted again
  expect_ascending_reuse(all);
}

TEST_F(StackPoolOrder, ATouchedTailIsSortedAndTheRestKeptInOrder) {
  const std::vector<Stack*> all = alloc(1000);
  free_shuffled(all);
  next_run();
  // A short run takes the 300 lowest stacks and frees them in another order.
  const std::vector<Stack*> low = alloc(300);
  free_shuffled(low);
  next_run();
  expect_ascending_reuse(all);
}

TEST_F(StackPoolOrder, ATouchedTailInterleavedWithTheRestIsMerged) {
  std::vector<Stack*> all = alloc(1000);
  std::sort(all.begin(), all.end());
  std::vector<Stack*> even, odd;
  for (std::size_t i = 0; i < all.size(); ++i) (i % 2 == 0 ? even : odd).push_back(all[i]);
  free_shuffled(even);  // the odd ones stay in use across the next configure()
  next_run();
  free_shuffled(odd);   // a tail whose addresses lie between those of the ordered rest
  next_run();
  expect_ascending_reuse(all);
}

}  // namespace
