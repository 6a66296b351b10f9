// runtime/src/stack_pool.cpp — see stack_pool.hpp.
#include "stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <new>

#include "check.hpp"

namespace ccb::detail {

namespace {
// Stacks mapped per slab: one mmap serves 64 tasks. Measured with skynet (1.1M spawns): mapping
// stack by stack made spawning dominated by mmap syscalls; 64 keeps a slab at 4 MiB of address
// space for 64 KiB stacks.
constexpr std::size_t kSlabStacks = 64;

std::size_t page_size() {
  static const std::size_t p = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return p;
}

std::size_t read_guard_budget() {
  long max_maps = 65530;
  std::ifstream f("/proc/sys/vm/max_map_count");
  if (f) f >> max_maps;
  // Guarded stacks may use half of what is left after 8192 entries for libraries and heap (two
  // entries each): the other half stays free for OS thread stacks and other allocators. With
  // all of it, a process that had run ccbench tasks could start only ~12k OS threads (spawn's
  // threads implementation, run in the same process, found too few). Unguarded stacks cost no
  // more memory (their canary sits on a neighbour's page, see stack_pool.hpp).
  long budget = (max_maps - 8192) / 4;
  return budget > 0 ? static_cast<std::size_t>(budget) : 0;
}
}  // namespace

StackPool& stack_pool() {
  static StackPool p;
  return p;
}

void StackPool::configure(std::size_t stack_size) {
  const std::size_t ps = page_size();
  const std::size_t size = (stack_size + ps - 1) / ps * ps;
  if (size != stack_size_) release_all();
  std::lock_guard<std::mutex> g(mu_);
  stack_size_ = size;
  if (guard_budget_ == 0) guard_budget_ = read_guard_budget();
  // Hand the kept stacks out in address order again (alloc() takes from the back): after a run
  // the free stacks are in whatever order tasks exited, and reusing them scattered cost spawn
  // n=100000 procs=1 ~1.1 -> ~2.4 us per task over 60 runs (page-table and prefetcher locality).
  // Sorting pointers touches no stack. Only the part a run touched is sorted: the stacks below
  // the pool's low-water mark are still in order, and a run of a few tasks returns the few
  // stacks it took from the back. Sorting all of a pool of 1M stacks (left by spawn n=1000000)
  // before every run made the short runs that followed it slow: timers mode=startstop procs 1/2
  // 160-180 -> 680-750 ns per op in the same process (docs/performance-notes.md).
  const auto mid = free_.begin() + static_cast<std::ptrdiff_t>(std::min(sorted_, free_.size()));
  std::sort(mid, free_.end(), std::greater<Stack*>());
  if (mid != free_.begin() && mid != free_.end() && *(mid - 1) < *mid)
    std::inplace_merge(free_.begin(), mid, free_.end(), std::greater<Stack*>());
  sorted_ = free_.size();
}

std::size_t StackPool::usable_bytes() const {
  return stack_size_ - page_size() - sizeof(Stack) - kCanaryLine;
}

Stack* StackPool::init_stack(char* lo, bool neighbour_below) {
  Stack* s = ::new (header(lo)) Stack();
  s->lo = lo;
  s->size = stack_size_;
  allocated_.fetch_add(1, std::memory_order_relaxed);
  s->guarded = guarded_.fetch_add(1, std::memory_order_relaxed) < guard_budget_;
  if (s->guarded && mprotect(lo, page_size(), PROT_NONE) != 0) {
    // The kernel refused another mapping split: from now on, stacks use the canary.
    guard_budget_ = 0;
    s->guarded = false;
  }
  if (!s->guarded) {
    // Just below lo: the last word of the lower neighbour's canary line (see stack_pool.hpp).
    s->canary = neighbour_below ? reinterpret_cast<uint64_t*>(lo) - 1 : reinterpret_cast<uint64_t*>(lo);
    *s->canary = kStackCanary;
  }
  s->task.stack = s;
  return s;
}

void StackPool::new_slab(LocalStackCache& cache) {
  const std::size_t bytes = kSlabStacks * stack_size_;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  std::unique_lock<std::mutex> g(mu_);
  try {
    // free() and give_back() are noexcept and never allocate: free_ already holds room for every
    // stack of every slab, rests_ for a rest of each. (A vector growth refused inside them
    // terminated the process: spawn n=100000 under ulimit -v 300000.)
    reserve_room(free_, (slabs_.size() + 1) * kSlabStacks);
    reserve_room(rests_, slabs_.size() + 1);
    slabs_.push_back(Slab{static_cast<char*>(p), kSlabStacks});
  } catch (...) {
    g.unlock();
    munmap(p, bytes);
    throw;
  }
  cache.slab_next = cache.range_begin = static_cast<char*>(p);
  cache.slab_end = cache.slab_next + bytes;
}

Stack* StackPool::alloc(LocalStackCache& cache) {
  if (cache.nfree > 0 || cache.refill(free_, mu_, &sorted_)) return cache.take();
  if (cache.slab_next == cache.slab_end) new_slab(cache);
  char* lo = cache.slab_next;
  cache.slab_next += stack_size_;
  // The stack below lo in this range was initialized before (ranges are handed out in order).
  const bool neighbour_below = lo != cache.range_begin;
  std::lock_guard<std::mutex> g(mu_);  // for_each_used() may read this header from another thread
  return init_stack(lo, neighbour_below);
}

void StackPool::free(LocalStackCache& cache, Stack* s) noexcept { cache.put(s, free_, mu_); }

void StackPool::give_back(LocalStackCache& cache) noexcept {
  std::lock_guard<std::mutex> g(mu_);
  cache.drain(free_);
  if (cache.slab_next != cache.slab_end) rests_.emplace_back(cache.slab_next, cache.slab_end);
  cache.slab_next = cache.slab_end = cache.range_begin = nullptr;
}

void StackPool::take_slab_rest(LocalStackCache& cache) noexcept {
  std::lock_guard<std::mutex> g(mu_);
  if (rests_.empty()) return;
  cache.slab_next = cache.range_begin = rests_.back().first;
  cache.slab_end = rests_.back().second;
  rests_.pop_back();
}

void StackPool::release_all() noexcept {
  std::lock_guard<std::mutex> g(mu_);
  for (const Slab& sl : slabs_) munmap(sl.base, sl.count * stack_size_);
  slabs_.clear();
  rests_.clear();
  free_.clear();
  sorted_ = 0;
  guarded_ = 0;
  allocated_ = 0;
}

}  // namespace ccb::detail
