// workloads/counter.cpp — counter (CONTRACT.md): `tasks` tasks each do `k` operations on one
// shared counter; mirrors workloads/go/counter.go. Modes: mutex (lock; c++; unlock), atomic
// (relaxed fetch_add), channel (send 1 on a channel of capacity 128 to an owner task, not counted
// in `tasks`, that adds what it receives), rwmutex (op j is a write when j % 10 == 0, else a read;
// each task keeps the sum of what it read so the reads are not optimised away; a write increments
// c and then a shadow copy, and each read ORs c ^ shadow into its task's `torn`, so a read that saw
// a write half done, i.e. a write lock that did not exclude readers, fails the check).
// Impls: "ccbench" (ccb::Mutex / std::atomic / ccb::Chan / ccb::RWMutex, WaitGroup join) and
// "threads" (std::mutex / std::atomic / ThreadChan / WriterPreferringRWLock, one std::thread per task).
// ops = tasks*k. Check (checks::check_counter): c = tasks*k (rwmutex: tasks*ceil(k/10), torn = 0).
// threads: k is capped at threads::kCapCounterChannelK / kCapCounterLockK (by mode)
// per repetition (threads/thread_util.hpp, CONTRACT.md).
#include <ccb/runtime.hpp>

#include <pthread.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/thread_chan.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;

// WriterPreferringRWLock: the threads baseline's rwmutex. Go's sync.RWMutex and ccb::RWMutex are
// writer-preferring (a waiting writer blocks new readers), while glibc's std::shared_mutex
// (pthread_rwlock's default kind) prefers readers, which would let the 90% reads of this mode
// delay the writes and compare a different policy; so it is a pthread_rwlock of the kind
// PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP (glibc's writer-preferring kind).
class WriterPreferringRWLock {
 public:
  WriterPreferringRWLock() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    const int e = pthread_rwlock_init(&rw_, &attr);
    pthread_rwlockattr_destroy(&attr);
    if (e != 0) throw WorkloadFailed(std::string("counter (threads): pthread_rwlock_init: ") + std::strerror(e));
  }
  ~WriterPreferringRWLock() { pthread_rwlock_destroy(&rw_); }
  WriterPreferringRWLock(const WriterPreferringRWLock&) = delete;
  WriterPreferringRWLock& operator=(const WriterPreferringRWLock&) = delete;
  void lock() { pthread_rwlock_wrlock(&rw_); }
  void unlock() { pthread_rwlock_unlock(&rw_); }
  void lock_shared() { pthread_rwlock_rdlock(&rw_); }
  void unlock_shared() { pthread_rwlock_unlock(&rw_); }

 private:
  pthread_rwlock_t rw_;
};

// Task: one task's rwmutex results (written by that task only).
struct Task {
  int64_t seen = 0;  // sum of the values read
  int64_t torn = 0;  // OR of c ^ shadow over its reads
};

// torn() is the rwmutex check's evidence: nonzero if a read saw c and shadow differ, or they
// differ at the end (0 for the other modes).
int64_t torn(const std::string& mode, int64_t c, int64_t shadow, const std::vector<Task>& tasks) {
  if (mode != "rwmutex") return 0;
  int64_t x = c ^ shadow;
  for (const Task& t : tasks) x |= t.torn;
  return x;
}

// body() is one task's k operations for `mode` on the lock type L (ccb or std).
template <class Lock, class RWLock, class Send>
void body(const std::string& mode, int64_t k, Lock& mu, RWLock& rw, std::atomic<int64_t>& a,
          int64_t& c, int64_t& shadow, Task& out, Send&& send) {
  if (mode == "mutex") {
    for (int64_t j = 0; j < k; ++j) {
      mu.lock();
      ++c;
      mu.unlock();
    }
  } else if (mode == "atomic") {
    for (int64_t j = 0; j < k; ++j) a.fetch_add(1, std::memory_order_relaxed);
  } else if (mode == "channel") {
    for (int64_t j = 0; j < k; ++j) send();
  } else {
    int64_t s = 0, x = 0;
    for (int64_t j = 0; j < k; ++j) {
      if (j % 10 == 0) {
        rw.lock();
        ++c;
        ++shadow;
        rw.unlock();
      } else {
        rw.lock_shared();
        s += c;
        x |= c ^ shadow;
        rw.unlock_shared();
      }
    }
    out.seen = s;
    out.torn = x;
  }
}

RunResult run_ccbench(const Params& p, int procs) {
  const std::string mode = p.get("mode");
  const int64_t tasks = p.get_int("tasks"), k = p.get_int("k");
  int64_t c = 0;
  std::atomic<int64_t> a{0};
  int64_t shadow = 0;
  std::vector<Task> seen(static_cast<std::size_t>(tasks));
  double elapsed = 0;
  run_checked(procs, [&] {
    ccb::Mutex mu;
    ccb::RWMutex rw;
    ccb::WaitGroup wg;
    ccb::Chan<int64_t> ch(128), total(0);
    const auto t0 = Clock::now();
    if (mode == "channel") {
      ccb::go([ch, total]() mutable {
        int64_t sum = 0;
        for (int64_t v : ch) sum += v;
        total.send(sum);
      });
    }
    wg.add(tasks);
    for (auto& s : seen) {
      ccb::go([&, ch]() mutable {
        body(mode, k, mu, rw, a, c, shadow, s, [&] { ch.send(1); });
        wg.done();
      });
    }
    wg.wait();
    if (mode == "channel") {
      ch.close();
      c = total.recv().value_or(-1);
    }
    elapsed = checks::elapsed_ns_since(t0);
  });
  if (mode == "atomic") c = a.load();
  checks::check_counter(mode, tasks, k, c, torn(mode, c, shadow, seen));
  return RunResult{static_cast<uint64_t>(tasks * k), elapsed, {}};
}

// threads_sizes(): the sizes run_threads runs at p (Workload::threads_sizes): k capped, by far
// less in channel mode (an OS-thread hand-off per op) than in the lock modes (ns per op).
Params threads_sizes(const Params& p) {
  return threads::capped_param(
      p, "k", p.get("mode") == "channel" ? threads::kCapCounterChannelK : threads::kCapCounterLockK);
}

// threads_needed(): the OS threads run_threads starts at point p (Workload::threads_needed).
int64_t threads_needed(const Params& p) { return threads_sizes(p).get_int("tasks") + 1; }

RunResult run_threads(const Params& given, int procs) {
  const Params p = threads_sizes(given);
  const std::string mode = p.get("mode");
  const int64_t tasks = p.get_int("tasks"), k = p.get_int("k");
  threads::require_threads("counter", threads_needed(given));
  threads::ThreadsScope affinity(procs);
  int64_t c = 0;
  std::atomic<int64_t> a{0};
  int64_t shadow = 0;
  std::vector<Task> seen(static_cast<std::size_t>(tasks));
  std::mutex mu;
  WriterPreferringRWLock rw;
  threads::ThreadChan<int64_t> ch(128);
  int64_t owned = 0;  // the owner's sum; read after the owner is joined
  const auto t0 = Clock::now();
  threads::ThreadGroup owner, g;
  if (mode == "channel" && !owner.try_spawn([&] {
        while (auto v = ch.recv()) owned += *v;
      }))
    owner.throw_not_applicable("counter");
  g.reserve(seen.size());
  for (auto& s : seen) {
    if (!g.try_spawn([&] { body(mode, k, mu, rw, a, c, shadow, s, [&] { ch.send(1); }); })) {
      g.join();
      ch.close();
      owner.join();
      g.throw_not_applicable("counter");
    }
  }
  g.join();
  if (mode == "channel") {
    ch.close();
    owner.join();
    c = owned;
  }
  const double elapsed = checks::elapsed_ns_since(t0);
  if (mode == "atomic") c = a.load();
  checks::check_counter(mode, tasks, k, c, torn(mode, c, shadow, seen));
  return RunResult{static_cast<uint64_t>(tasks * k), elapsed, {}};
}

const bool registered = register_workload(Workload{
    .name = "counter",
    .description = "tasks increment one shared counter (mutex, atomic, channel owner, rwmutex)",
    .unit = "increment",
    .params = {
        ParamSpec{.name = "mode", .type = ParamType::Choice,
                  .help = "mutex | atomic | channel (owner task, cap 128) | rwmutex (10% writes)",
                  .min = 0, .max = 0, .choices = {"mutex", "atomic", "channel", "rwmutex"},
                  .quick = {"mutex", "atomic", "channel", "rwmutex"},
                  .full = {"mutex", "atomic", "channel", "rwmutex"}},
        ParamSpec{.name = "tasks", .help = "tasks incrementing", .min = 1, .max = 4096,
                  .choices = {}, .quick = {"5"}, .full = {"5", "8"}},
        ParamSpec{.name = "k", .help = "operations per task", .min = 1, .max = 1000000000,
                  .choices = {}, .quick = {"1000000"}, .full = {"1000000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    .ops = [](const Params& p) { return static_cast<uint64_t>(p.get_int("tasks") * p.get_int("k")); },
    .threads_sizes = threads_sizes,
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
