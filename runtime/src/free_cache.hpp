// runtime/src/free_cache.hpp — a worker's private array of free objects (stacks, task slots) and
// its exchanges with a pool shared by all workers.
//
// Guarantees: take()/put() on a non-empty, non-full cache take no lock. refill() and put() on a
// full cache move kBatch pointers between the cache and the pool's vector under the pool's mutex;
// the most recently freed, so the hottest, are handed out first. Nothing is linked through the
// objects themselves: each sits on its own cold page or line, and following links would touch it
// (the pointer chase cost ~7% of skynet size=1000000 procs=1).
// Concurrency: a FreeCache belongs to one worker; `pool` is guarded by `mu`.
#pragma once

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <vector>

namespace ccb::detail {

// reserve_room(v, n): capacity for at least n, growing geometrically (a pool's vector is reserved
// as slabs are added, so that the noexcept put()/drain() below never allocate).
template <class V>
void reserve_room(V& v, std::size_t n) {
  if (v.capacity() < n) v.reserve(std::max(n, 2 * v.capacity()));
}

template <class T>
struct FreeCache {
  // kMax: objects kept before half go back to the pool. Session 27, scratch build with the size
  // from an environment variable, `ccbench run skynet --set size=1000000 --procs 1,2,4`, `spawn
  // --set n=10000,1000000 --procs 1,2` and `context --set n=400000 --procs 1,2`, 5 repetitions,
  // 3 alternated rounds, median of the round medians for 256 / 64 / 1024: skynet procs 1/2/4
  // 325/232/232 / 339/245/246 / 350/249/268 ms, spawn n=10000 procs 1/2 247/350 / 263/462 /
  // 446/531 ns, spawn n=1000000 procs 1/2 480/534 / 522/520 / 492/484 ns, context the same
  // within noise. 256 led or tied everywhere but spawn n=1000000 procs 2.
  static constexpr std::size_t kMax = 256;
  static constexpr std::size_t kBatch = kMax / 2;  // moved per refill or spill
  T* free[kMax];                                   // free[0..nfree): oldest first, newest last
  std::size_t nfree = 0;

  T* take() noexcept { return free[--nfree]; }  // requires nfree > 0
  // refill() fills an empty cache with up to kBatch objects from `pool`; false if it is empty.
  // `low_water`, if given, is lowered to the pool's new size (guarded by `mu` too).
  bool refill(std::vector<T*>& pool, std::mutex& mu, std::size_t* low_water = nullptr) {
    std::lock_guard<std::mutex> g(mu);
    if (pool.empty()) return false;
    const std::size_t n = std::min(kBatch, pool.size());
    std::copy(pool.end() - static_cast<std::ptrdiff_t>(n), pool.end(), free);
    pool.resize(pool.size() - n);
    if (low_water != nullptr) *low_water = std::min(*low_water, pool.size());
    nfree = n;
    return true;
  }
  // put() adds t; a full cache first moves its older half to `pool`.
  void put(T* t, std::vector<T*>& pool, std::mutex& mu) noexcept {
    if (nfree == kMax) {
      std::lock_guard<std::mutex> g(mu);
      pool.insert(pool.end(), free, free + kBatch);
      std::copy(free + kBatch, free + kMax, free);
      nfree = kMax - kBatch;
    }
    free[nfree++] = t;
  }
  // drain() moves everything to `pool`; the caller holds its mutex.
  void drain(std::vector<T*>& pool) noexcept {
    pool.insert(pool.end(), free, free + nfree);
    nfree = 0;
  }
};

}  // namespace ccb::detail
