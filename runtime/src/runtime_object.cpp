// runtime/src/runtime_object.cpp — a Runtime's construction and destruction, and the registry
// of the Runtime objects alive now (Runtime::lock_if_alive, scheduler.hpp). Scheduling itself is
// in scheduler.cpp, a run's start and end in run_lifecycle.cpp.
// Guarantees: every Runtime gets a process-unique id(); lock_if_alive(rt, id) owns g_alive_mu only
// while the Runtime at rt is alive and is the one with that id, and none is destroyed meanwhile.
// Concurrency: g_alive is guarded by g_alive_mu; a Runtime adds itself at the end of its
// constructor and removes itself first thing in its destructor.
#include "scheduler.hpp"

#include <sched.h>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <vector>

#include "membarrier.hpp"

namespace ccb::detail {

namespace {

// allowed_cpu_count() is how many CPUs this process may run on (huge if unreadable: never
// oversubscribed then).
int allowed_cpu_count() noexcept {
  cpu_set_t s;
  CPU_ZERO(&s);
  if (sched_getaffinity(0, sizeof s, &s) != 0) return 1 << 20;
  return CPU_COUNT(&s);
}

// Every Runtime object alive now (usually one: ccb::run allows one run at a time, but a second
// run() constructs its Runtime before it finds the first in progress). Guarded by g_alive_mu.
std::mutex g_alive_mu;
std::vector<const Runtime*> g_alive;
// The next Runtime's id().
std::atomic<uint64_t> g_next_runtime_id{1};

// worker_seed() is a fresh odd seed for a worker's generator: splitmix64 over a sequence that
// starts at one std::random_device draw per process. Constructing a std::random_device and
// drawing from it took ~34 us here (scratch loop; `perf` of `ccbench run timers --set
// mode=startstop` put 17% of its samples, outside the measured section, in its _M_init), and
// every ccb::run did it once.
uint64_t worker_seed() noexcept {
  static const uint64_t base = [] {
    std::random_device rd;
    return static_cast<uint64_t>(rd()) << 32 | rd();
  }();
  static std::atomic<uint64_t> seq{0};
  uint64_t z = base + 0x9e3779b97f4a7c15ULL * (seq.fetch_add(1, std::memory_order_relaxed) + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) | 1;
}
}  // namespace

std::unique_lock<std::mutex> Runtime::lock_if_alive(const Runtime* rt, uint64_t id) {
  std::unique_lock<std::mutex> lk(g_alive_mu);
  // rt is read only once found alive (it cannot be destroyed while g_alive_mu is held)
  if (std::find(g_alive.begin(), g_alive.end(), rt) == g_alive.end() || rt->id_ != id) lk.unlock();
  return lk;
}

std::unique_lock<std::mutex> Runtime::lock_registry() { return std::unique_lock<std::mutex>(g_alive_mu); }

Runtime::Runtime(const Config& cfg)
    : cfg_(cfg),
      procs_(cfg.procs),
      oversubscribed_(cfg.procs > allowed_cpu_count()),
      id_(g_next_runtime_id.fetch_add(1, std::memory_order_relaxed)) {
  for (int i = 0; i < procs_; ++i) {
    auto* w = new Worker();
    w->rt = this;
    w->id = i;
    w->rng = worker_seed();
    w->solo = procs_ == 1;
    w->asym_runnext = procs_ > 1 && process_barrier_available();
    w->steal_backoff.watch_victims(procs_);
    workers_.push_back(w);
  }
  std::lock_guard<std::mutex> g(g_alive_mu);
  g_alive.push_back(this);
}

Runtime::~Runtime() {
  {
    std::lock_guard<std::mutex> g(g_alive_mu);
    g_alive.erase(std::find(g_alive.begin(), g_alive.end(), this));
  }
  for (Worker* w : workers_) delete w;
}
}  // namespace ccb::detail
