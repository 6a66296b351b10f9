// harness/pinning.hpp — CPU pinning for `ccbench run --pin` (default on).
//
// What is pinned, per implementation (recorded in context.pin.impls):
//  - ccbench: runtime worker i runs on CPU cpus[i mod cpus.size()], set with pthread_setaffinity_np
//    by the runtime's worker-start hook (ccb::Config::on_worker_start, installed process-wide
//    through Hooks::install_worker_start). Worker 0 is the harness's main thread: its previous
//    affinity is restored after every repetition (ScopedAffinity), so nothing else inherits it.
//  - go: the Go child inherits, at spawn, the affinity {cpus[i mod n] : i < procs} (the CPUs the
//    ccbench workers of the same point use); the main thread's mask is restored right after.
//  - threads: not pinned — the workload's OS threads are placed by the kernel, as a plain
//    OS-thread program would be (pinning them would need an edit of every threads workload).
// `cpus` is the process's allowed set (sched_getaffinity) in ascending order, unless a test seam
// supplies another list. Before the run, probe() pins the calling thread to each CPU once and
// restores its mask; a refusal (EINVAL: CPU not in the allowed/online set, EPERM) makes pinning
// ineffective for the whole run: one warning (code pin_refused), the run goes on unpinned.
// Pins that fail later (a CPU went offline) are counted in failures() and reported after the run.
// Concurrency: the Pinner is shared by worker threads through the hook; cpus_ is immutable after
// construction and failures_ is atomic.
#pragma once

#include <sched.h>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace ccb::harness {

// allowed_cpus() returns the CPUs this process may run on (sched_getaffinity), ascending.
std::vector<int> allowed_cpus();

// set_thread_cpus() sets the calling thread's affinity to `cpus`; returns 0 or the errno value.
// An empty list or a CPU number outside 0..CPU_SETSIZE-1 returns EINVAL.
int set_thread_cpus(const std::vector<int>& cpus);

// ScopedAffinity saves the calling thread's affinity mask and restores it on destruction.
// With `apply` set, the constructor also sets the mask to `*apply` (result in error()).
class ScopedAffinity {
 public:
  explicit ScopedAffinity(const std::optional<std::vector<int>>& apply = std::nullopt);
  ~ScopedAffinity();
  ScopedAffinity(const ScopedAffinity&) = delete;
  ScopedAffinity& operator=(const ScopedAffinity&) = delete;
  int error() const { return error_; }

 private:
  cpu_set_t saved_{};
  bool have_saved_ = false;
  int error_ = 0;
};

class Pinner {
 public:
  explicit Pinner(std::vector<int> cpus) : cpus_(std::move(cpus)) {}
  const std::vector<int>& cpus() const { return cpus_; }
  // cpu_for() is the CPU of runtime worker `worker_index`.
  int cpu_for(int worker_index) const;
  // cpus_for_procs() is {cpu_for(i) : i < procs}, without duplicates, ascending.
  std::vector<int> cpus_for_procs(int procs) const;
  // probe() tries every CPU on the calling thread and restores its mask; returns "" when all could
  // be set, else a one-line description of the refusal (with strerror).
  std::string probe() const;
  // pin_worker() pins the calling thread for worker `worker_index`; a failure counts in failures().
  void pin_worker(int worker_index);
  // count_failure() counts a pin that could not be set elsewhere (the Go child's affinity at spawn).
  void count_failure() { failures_.fetch_add(1, std::memory_order_relaxed); }
  long failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  std::vector<int> cpus_;
  std::atomic<long> failures_{0};
};

}  // namespace ccb::harness
