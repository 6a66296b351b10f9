// runtime/src/task_pool.cpp — see task_pool.hpp.
#include "task_pool.hpp"

#include <algorithm>
#include <new>

namespace ccb::detail {

TaskPool& task_pool() {
  // Never destroyed: a run may still be unwinding on another thread at exit, and the slabs stay
  // reachable for LeakSanitizer (they are pooled for the next run, as stacks are).
  static TaskPool* p = new TaskPool;
  return *p;
}

void TaskPool::new_slab(LocalTaskCache& cache) {
  // 64-byte aligned, so that each 128-byte slot is exactly two cache lines. Constructed Free
  // before any other thread can see the slab.
  void* mem = ::operator new(kSlabSlots * sizeof(Task), std::align_val_t{64});
  Task* slab = static_cast<Task*>(mem);
  for (std::size_t i = 0; i < kSlabSlots; ++i) ::new (&slab[i]) Task();
  try {
    std::lock_guard<std::mutex> g(mu_);
    // free() and give_back() are noexcept and never allocate: free_ already holds room for every
    // slot of every slab. (A vector growth refused inside them terminated the process.)
    reserve_room(free_, (slabs_.size() + 1) * kSlabSlots);
    slabs_.push_back(slab);  // from here on for_each_live() may read the slots: constructed above
  } catch (...) {
    for (std::size_t i = 0; i < kSlabSlots; ++i) slab[i].~Task();
    ::operator delete(mem, std::align_val_t{64});
    throw;
  }
  // alloc() takes from the back: hand the slab out lowest address first.
  for (std::size_t i = 0; i < kSlabSlots; ++i) cache.free[i] = &slab[kSlabSlots - 1 - i];
  cache.nfree = kSlabSlots;
}

Task* TaskPool::alloc(LocalTaskCache& cache) {
  if (cache.nfree == 0 && !cache.refill(free_, mu_)) new_slab(cache);
  return cache.take();
}

void TaskPool::free(LocalTaskCache& cache, Task* t) noexcept { cache.put(t, free_, mu_); }

void TaskPool::give_back(LocalTaskCache& cache) noexcept {
  std::lock_guard<std::mutex> g(mu_);
  cache.drain(free_);
}

void TaskPool::release_all() noexcept {
  std::lock_guard<std::mutex> g(mu_);
  for (Task* slab : slabs_) {
    for (std::size_t i = 0; i < kSlabSlots; ++i) slab[i].~Task();
    ::operator delete(slab, std::align_val_t{64});
  }
  slabs_.clear();
  free_.clear();
}

}  // namespace ccb::detail
