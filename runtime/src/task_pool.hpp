// runtime/src/task_pool.hpp — Task slots: allocated in slabs, recycled, freed between runs.
//
// Guarantees:
//  - alloc() returns a slot whose state is Free; the caller initializes the rest (new_task).
//  - A slot holds a task from its spawn until its first switch-in (task.hpp): then its header and
//    closure move onto a stack and the slot is freed (start_on_stack, task_ops.cpp). Slots are
//    never freed to the OS during a run, so a Task pointer a queue still holds is valid memory.
//  - for_each_live() visits every slot whose state is not Free, from any thread: slabs are fully
//    constructed before they are published under mu_, and the fields it reads are atomics.
//  - alloc()/free() on a worker's own cache take no lock; the shared pool and the slab list are
//    guarded by mu_. Free slots are arrays of pointers (free_cache.hpp): nothing is linked
//    through the slots themselves.
// Concurrency: `LocalTaskCache` is owner-worker only. release_all() requires no run in progress.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "free_cache.hpp"
#include "task.hpp"

namespace ccb::detail {

// LocalTaskCache: a worker's private free slots. Owner worker only.
using LocalTaskCache = FreeCache<Task>;

class TaskPool {
 public:
  Task* alloc(LocalTaskCache& cache);
  void free(LocalTaskCache& cache, Task* t) noexcept;
  // give_back() returns a worker's cached slots to the pool (end of run).
  void give_back(LocalTaskCache& cache) noexcept;
  // release_all() frees every slab; requires every slot to be Free (between runs).
  void release_all() noexcept;

  template <class F>
  void for_each_live(F&& f) {
    std::lock_guard<std::mutex> g(mu_);
    for (Task* slab : slabs_)
      for (std::size_t i = 0; i < kSlabSlots; ++i)
        if (slab[i].state.load(std::memory_order_acquire) != TaskState::Free) f(slab[i]);
  }

  // Slots per slab: 256 x 128 B = 32 KiB, handed to the allocating worker's cache in address order.
  static constexpr std::size_t kSlabSlots = LocalTaskCache::kMax;

 private:
  void new_slab(LocalTaskCache& cache);

  std::mutex mu_;
  // Guarded by mu_:
  std::vector<Task*> slabs_;
  std::vector<Task*> free_;
};

TaskPool& task_pool();

}  // namespace ccb::detail
