// runtime/src/stack_pool.hpp — task stacks: mapped in slabs, recycled, released at the end of a run.
//
// Guarantees:
//  - A stack is `stack_size` bytes of address space (rounded up to pages) reserved with
//    MAP_NORESERVE, so untouched pages cost no memory. Its Stack/Task header is at the top: a task
//    lives there from its first switch-in (or from its spawn, when its closure is too large for a
//    Task slot) until it exits; before that it waits in a Task slot (task.hpp, task_pool.hpp).
//  - Stack overflow never goes unnoticed. While the process stays under its mapping budget
//    (vm.max_map_count: each guard page splits a mapping, costing 2 map entries per stack), the
//    lowest page of every stack is a PROT_NONE guard page and an overflow faults at once; the
//    SIGSEGV handler (overflow_handler.cpp) reports it. Beyond the budget (about 14k live stacks
//    with Debian's default 65530) stacks are unguarded and carry a canary word just below their
//    lowest address, checked each time the task parks or exits; a smashed canary aborts with the
//    same report. The budget is why 1M tasks remain possible.
//  - Where that canary lives: the top kCanaryLine bytes of every stack region are reserved for the
//    canary of the stack mapped right above it, so an unguarded stack's canary sits on its lower
//    neighbour's header page, which that neighbour already made resident. A canary at the
//    stack's own lowest address cost one more resident page per task (RSS per parked task 8 KiB
//    instead of 4 KiB beyond the guard budget) and one more first touch, which is 30-80 us on
//    this project's VMs. The first stack of a slab range has no initialized neighbour below and
//    keeps its canary at its own lowest address.
//  - alloc()/free() on a worker's own cache take no lock; a slab is mapped under the pool mutex.
//  - Free stacks are kept as arrays of pointers (free_cache.hpp), never linked through the stacks.
// Concurrency: `LocalStackCache` is owner-worker only. `StackPool` fields are guarded by mu_.
// release_all() runs with no worker running (end of ccb::run).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "free_cache.hpp"
#include "task.hpp"

namespace ccb::detail {

constexpr uint64_t kStackCanary = 0x5ccb5ccb5ccb5ccbULL;
constexpr std::size_t kCanaryLine = 64;  // top of each stack region: the canary of the stack above

class Runtime;

struct Stack {
  // The run of the task on this stack, set by the worker that binds the stack to a task (new_task,
  // start_on_stack): ready() from a thread outside the run finds the global queue through it. First
  // in the header so that `task` keeps its offset from the stack top (header lines unchanged).
  Runtime* rt = nullptr;
  char* lo = nullptr;          // lowest address (guard page or canary)
  std::size_t size = 0;        // bytes of the whole stack including the guard page
  bool guarded = false;
  uint64_t* canary = nullptr;  // unguarded stacks only: kStackCanary until an overflow smashes it
  Task task;                   // the task that runs on this stack
};
static_assert(sizeof(Stack) - offsetof(Stack, task) == 128, "the Task header ends the stack header");

class StackPool;

// LocalStackCache: a worker's private free stacks and its current slab. Owner worker only.
struct LocalStackCache : FreeCache<Stack> {
  char* slab_next = nullptr;   // next unused stack in the worker's current slab
  char* slab_end = nullptr;
  char* range_begin = nullptr; // first stack of the current range (no initialized neighbour below)
};

class StackPool {
 public:
  // configure() sets the stack size for the next run. Stacks of the previous runs are kept for
  // reuse when the size is unchanged (first-touch page faults dominate spawning otherwise: ~12 us
  // a page measured on this project's VMs, see workloads/spawn); a new size releases them first.
  void configure(std::size_t stack_size);
  std::size_t stack_size() const { return stack_size_; }

  // alloc() returns a stack whose Task header is a Free task; throws std::bad_alloc when no slab
  // can be mapped.
  Stack* alloc(LocalStackCache& cache);
  // free() returns a stack to the worker's cache (spilling half to the pool when full).
  void free(LocalStackCache& cache, Stack* s) noexcept;

  // for_each_used() visits every stack handed out since configure() (shutdown scan). Headers of
  // never-used stacks read as zero (untouched anonymous pages) and are skipped.
  template <class F>
  void for_each_used(F&& f) {
    std::lock_guard<std::mutex> g(mu_);
    for (const Slab& sl : slabs_)
      for (char* p = sl.base; p < sl.base + sl.count * stack_size_; p += stack_size_)
        if (header(p)->lo == p) f(header(p));
  }
  // give_back() returns a worker's cached stacks and the rest of its slab to the pool (end of run).
  void give_back(LocalStackCache& cache) noexcept;
  // take_slab_rest() hands a worker a leftover slab range, if any (start of run).
  void take_slab_rest(LocalStackCache& cache) noexcept;
  // release_all() unmaps every slab; requires no task to be running and no stack in use.
  void release_all() noexcept;
  void reset_allocated() noexcept { allocated_.store(0, std::memory_order_relaxed); }

  uint64_t stacks_allocated() const { return allocated_.load(std::memory_order_relaxed); }
  std::size_t usable_bytes() const;  // bytes a task can use (guard, header excluded)

  Stack* header(char* lo) const {
    return reinterpret_cast<Stack*>(lo + stack_size_ - kCanaryLine - sizeof(Stack));
  }

 private:
  struct Slab {
    char* base;
    std::size_t count;
  };
  void new_slab(LocalStackCache& cache);
  Stack* init_stack(char* lo, bool neighbour_below);

  std::mutex mu_;
  std::size_t stack_size_ = 64 * 1024;
  // Guarded by mu_:
  std::vector<Slab> slabs_;
  std::vector<Stack*> free_;
  std::size_t sorted_ = 0;  // free_[0, sorted_) is in address order and untouched since configure()
  std::vector<std::pair<char*, char*>> rests_;  // unused tails of slabs from earlier runs
  std::atomic<std::size_t> guarded_{0};   // stacks given a guard page this run
  std::atomic<std::size_t> guard_budget_{0};  // set by configure(); zeroed if mprotect fails
  std::atomic<uint64_t> allocated_{0};
};

StackPool& stack_pool();

}  // namespace ccb::detail
